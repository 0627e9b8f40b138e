/* packet: the SSH binary packet protocol (RFC 4253 section 6), sans I/O.
 *
 * Receiving: bytes from the socket go into packet_feed(); packet_next()
 * yields each complete, authenticated, decrypted payload in turn. Packets
 * are decrypted in place inside the input buffer: no copy.
 *
 * Sending: packet_begin() reserves the 5-byte header in the output buffer
 * and returns that buffer; the caller appends the payload (message number
 * first) with buf_put_*; packet_end() adds random padding and room for the
 * tag, then encrypts in place. packet_output() gives the bytes to write and
 * packet_consume_output() drops what was written.
 *
 * Keys change per direction with packet_set_cipher() at NEWKEYS; strict key
 * exchange resets sequence numbers with packet_reset_seqnr().
 *
 * Limits: a packet_length above PACKET_MAX_LEN or a padding/payload that
 * breaks RFC 4253's rules ends the connection (the caller sends DISCONNECT
 * with packet_why()). Unsent output is bounded by the caller: packet_end()
 * refuses to grow the output past BUF_MAX_SIZE. */
#ifndef SLC_PACKET_H
#define SLC_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cipher.h"
#include "crypto.h"
#include "err.h"

/* Largest packet_length accepted (OpenSSH uses the same 256 KiB). */
#define PACKET_MAX_LEN (256 * 1024)
/* Largest payload we build; RFC 4253 6.1 asks for at least 32768. */
#define PACKET_MAX_PAYLOAD (PACKET_MAX_LEN - 256 - CIPHER_MAX_TAG_LEN)

struct packet_dir {
	struct cipher_ctx *cipher; /* NULL: no encryption, no MAC */
	uint32_t seqnr;
	uint64_t packets; /* since the last key change */
	uint64_t bytes; /* payload+framing bytes since the last key change */
};

struct ssh_packet {
	struct packet_dir in, out;
	struct buf inbuf;
	struct buf outbuf;
	size_t pkt_start; /* outbuf offset of the packet under construction */
	bool building;
	bool in_have_len; /* in_len is known for the packet at inbuf's head */
	uint32_t in_len;
	bool in_pending_pop; /* the last packet_next() payload still sits in inbuf */
	size_t in_pop_len;
	const struct slc_rng *rng; /* borrowed: padding bytes */
	const char *why; /* why the last error happened, static text */
};

void packet_init(struct ssh_packet *p, const struct slc_rng *rng);
void packet_free(struct ssh_packet *p);

/* Switch one direction to new keys (ownership of c transferred; NULL goes
 * back to no encryption). Counters since the last key change reset. */
void packet_set_cipher(struct packet_dir *d, struct cipher_ctx *c);
/* Strict key exchange (kex-strict-*-v00@openssh.com) sets the sequence
 * number to 0 after each NEWKEYS. */
static inline void packet_reset_seqnr(struct packet_dir *d)
{
	d->seqnr = 0;
}

/* Incoming bytes. SLC_ERR_LIMIT if buffered input would pass what one
 * packet can need (the caller should stop reading until packet_next()
 * drains it). */
SLC_WUR int packet_feed(struct ssh_packet *p, const uint8_t *data, size_t len);
/* Room for direct reads: returns a pointer to at least *len writable bytes
 * at the end of the input buffer (growing it to want bytes when possible);
 * after reading n bytes into it call packet_feed_commit(p, n). */
SLC_WUR int packet_feed_reserve(struct ssh_packet *p, size_t want, uint8_t **ptr, size_t *len);
void packet_feed_commit(struct ssh_packet *p, size_t n);

/* Next payload: 0 with *payload borrowed (valid until the next call of any
 * packet_* input function), SLC_ERR_AGAIN when incomplete, or an error
 * (SLC_ERR_MAC, SLC_ERR_LENGTH, SLC_ERR_PROTOCOL; packet_why() tells). The
 * payload is at least one byte (the message number). */
SLC_WUR int packet_next(struct ssh_packet *p, const uint8_t **payload, size_t *len);

/* Build a packet. packet_begin returns the output buffer to append the
 * payload to; packet_end seals it. Only one packet is built at a time. */
SLC_WUR int packet_begin(struct ssh_packet *p, struct buf **payload);
SLC_WUR int packet_end(struct ssh_packet *p);
/* Convenience: a whole payload at once. */
SLC_WUR int packet_send(struct ssh_packet *p, const uint8_t *payload, size_t len);

/* Sealed bytes waiting to be written (only complete packets). */
const uint8_t *packet_output(const struct ssh_packet *p, size_t *len);
void packet_consume_output(struct ssh_packet *p, size_t n);

static inline const char *packet_why(const struct ssh_packet *p)
{
	return p->why ? p->why : "packet error";
}

#endif
