/* channel: the SSH connection protocol (RFC 4254) for both roles:
 * channels, flow control windows, channel requests and global requests.
 *
 * Works on a struct ssh_conn once it is authenticated; messages 80..127
 * reach it through the transport. Events come out of ssh_conn_next_event()
 * with ev.type in SSH_EV_CHAN_FIRST..SSH_EV_CHAN_LAST and details in
 * ev.chan. As everywhere in the core, borrowed event data (ev.chan.name,
 * .data, .text) is valid until the next call into the core for this
 * connection, and nothing here re-enters the driver.
 *
 * Channels: local ids are small integers (an index into a table, reused
 * after the channel ends), so every operation is O(1) whatever the number
 * of channels. Every id the driver learns about ends with exactly one
 * terminal event: OPEN_FAILED for a channel we opened and the peer refused,
 * else CLOSE. After the terminal event the id is dead for the driver (a
 * later open may reuse it). A CLOSE from the peer is answered by the core
 * at once (RFC 4254 5.3; the core buffers nothing, so there is nothing left
 * to send), so the CLOSE event always means "gone".
 *
 * Flow control is end to end: incoming data is lent to the driver in a
 * DATA event; the window is only given back (WINDOW_ADJUST, once at least
 * half of it was consumed) when the driver calls ssh_chan_consume() after
 * it has written the bytes on. Outgoing data is sent only as far as the
 * peer's window and maximum packet allow; the write calls say how much they
 * took and a WRITABLE event follows the window adjust that lets more
 * through.
 *
 * Requests: replies to the peer's want-reply requests must go out in the
 * order the requests came (RFC 4254 4 and 5.4). The driver may answer in
 * any order, by sequence number; the core holds early answers back until
 * the earlier ones are given (at most SSH_CHAN_MAX_PENDING per channel and
 * SSH_GLOBAL_MAX_PENDING per connection unanswered at once).
 *
 * Building messages in place: calls that take a `struct buf **extra` send
 * at once when extra is NULL. Otherwise they return with the message begun
 * in the connection's output, *extra pointing at it: append the type- or
 * request-specific data with buf_put_*(), then call ssh_chan_msg_end() (or
 * ssh_chan_msg_abort()). ssh_chan_write_begin()/_end() do the same for
 * data so a socket can be read straight into the packet. While a message
 * is being built, call nothing on this connection but ssh_conn_output()
 * and ssh_conn_consume_output().
 *
 * Errors: SLC_ERR_NOT_FOUND for an id that is not a live channel,
 * SLC_ERR_INVALID for a call out of place (wrong state, bad argument,
 * another message being built), SLC_ERR_CLOSED when the channel's
 * direction is closed (after our EOF or CLOSE) or the connection is over,
 * SLC_ERR_LIMIT when a table limit is reached, SLC_ERR_NOMEM. */
#ifndef SLC_CHANNEL_H
#define SLC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct ssh_conn;

/* Event types: the SSH_EV_CHAN_FIRST (48) .. SSH_EV_CHAN_LAST range of
 * conn.h. Fields of ev.chan that an event does not mention are 0/NULL. */
enum ssh_chan_event_type {
	/* The peer wants to open a channel. id is allocated already; name is
	 * the channel type, data/len the type-specific data (e.g. host, port,
	 * originator for direct-tcpip), window/max_packet the peer's. Answer
	 * with ssh_chan_confirm() or ssh_chan_reject(), now or later. */
	SSH_EV_CHAN_OPEN_REQUEST = 48,
	/* Our open succeeded: window/max_packet are the peer's, data/len any
	 * type-specific data of the confirmation. */
	SSH_EV_CHAN_OPEN_CONFIRMED,
	/* Our open failed (terminal): code is the peer's reason
	 * (SSH_OPEN_*), text its description, sanitized. code 0: the core
	 * refused the confirmation (text says why). */
	SSH_EV_CHAN_OPEN_FAILED,
	/* Data from the peer: data/len (borrowed, never empty). Call
	 * ssh_chan_consume() once it has been passed on. */
	SSH_EV_CHAN_DATA,
	/* Extended data: code is the data type (1: stderr). Same window. */
	SSH_EV_CHAN_EXTENDED_DATA,
	/* A write was cut short by the peer's window; the window has opened. */
	SSH_EV_CHAN_WRITABLE,
	/* The peer sends no more data (half-close); we still may. */
	SSH_EV_CHAN_EOF,
	/* The channel is gone (terminal). code 0 with text NULL: a normal
	 * close; SSH_CHAN_CLOSE_ERROR with text: the core ended the channel
	 * because the peer broke the protocol on it. */
	SSH_EV_CHAN_CLOSE,
	/* A channel request: name, want_reply, data/len. When want_reply,
	 * answer with ssh_chan_reply(c, id, seq, ok). */
	SSH_EV_CHAN_REQUEST,
	/* Replies to our want-reply channel requests, in order; seq is the
	 * one ssh_chan_request() gave. */
	SSH_EV_CHAN_SUCCESS,
	SSH_EV_CHAN_FAILURE,
	/* A global request (id unused): name, want_reply, data/len. When
	 * want_reply, answer with ssh_global_reply(c, seq, ...). */
	SSH_EV_GLOBAL_REQUEST,
	/* Replies to our want-reply global requests, in order, seq as
	 * ssh_global_request() gave; GLOBAL_SUCCESS carries the response
	 * data (e.g. the port allocated for a tcpip-forward of port 0). */
	SSH_EV_GLOBAL_SUCCESS,
	SSH_EV_GLOBAL_FAILURE,
};

struct ssh_chan_event {
	uint32_t id; /* local channel id */
	void *user; /* ssh_chan_set_user() value, NULL until set */
	const char *name; /* channel type or request name */
	const uint8_t *data; /* borrowed */
	size_t len;
	const char *text; /* OPEN_FAILED, CLOSE */
	uint32_t code; /* OPEN_FAILED, EXTENDED_DATA, CLOSE */
	uint32_t seq; /* requests and replies */
	bool want_reply;
	uint32_t window; /* OPEN_REQUEST, OPEN_CONFIRMED: the peer's */
	uint32_t max_packet;
};

/* RFC 4254 5.1 reason codes for CHANNEL_OPEN_FAILURE */
enum ssh_open_failure {
	SSH_OPEN_ADMINISTRATIVELY_PROHIBITED = 1,
	SSH_OPEN_CONNECT_FAILED = 2,
	SSH_OPEN_UNKNOWN_CHANNEL_TYPE = 3,
	SSH_OPEN_RESOURCE_SHORTAGE = 4,
};

#define SSH_EXTENDED_DATA_STDERR 1
#define SSH_CHAN_CLOSE_ERROR 1

/* Window and maximum packet (largest data length in one message) we
 * advertise. The window bounds what the driver may have to hold per
 * channel; 4 MiB keeps a 100 ms path at 40 MB/s. 32 KiB packets are what
 * every implementation accepts; sluice peers can take up to
 * SSH_CHAN_MAX_PACKET_LIMIT. */
#define SSH_CHAN_DEFAULT_WINDOW (4u * 1024 * 1024)
#define SSH_CHAN_DEFAULT_MAX_PACKET (32u * 1024)
#define SSH_CHAN_MAX_PACKET_LIMIT (256u * 1024 - 512)
/* A peer's maximum packet below this is refused: it would turn every write
 * into a flood of tiny packets. */
#define SSH_CHAN_MIN_MAX_PACKET 64u
/* Table limits. */
#define SSH_CHAN_MAX_CHANNELS (1u << 20)
#define SSH_CHAN_MAX_PENDING 32
#define SSH_GLOBAL_MAX_PENDING 64

struct ssh_chan_params {
	uint32_t window; /* 0: SSH_CHAN_DEFAULT_WINDOW */
	uint32_t max_packet; /* 0: default; 64..SSH_CHAN_MAX_PACKET_LIMIT */
};

/* ---- opening ---- */

/* Open a channel of the given type (params NULL: defaults). *id is the
 * new channel's id. Events: OPEN_CONFIRMED or OPEN_FAILED. */
SLC_WUR int ssh_chan_open(struct ssh_conn *c, const char *type,
                          const struct ssh_chan_params *params, uint32_t *id, struct buf **extra);
/* Answer an OPEN_REQUEST. After confirming, the channel is open. Reject
 * frees the id at once (no further event). text may be NULL. */
SLC_WUR int ssh_chan_confirm(struct ssh_conn *c, uint32_t id, const struct ssh_chan_params *params,
                             struct buf **extra);
SLC_WUR int ssh_chan_reject(struct ssh_conn *c, uint32_t id, uint32_t reason, const char *text);

/* Finish or cancel the message begun by a call given a non-NULL extra.
 * Aborting an open, or ending it with an error (e.g. SLC_ERR_LENGTH: the
 * extra data made the packet too big), frees its id; aborting anything
 * else changes nothing. */
SLC_WUR int ssh_chan_msg_end(struct ssh_conn *c);
void ssh_chan_msg_abort(struct ssh_conn *c);

/* ---- data ---- */

/* Send as much of data as the peer's window allows, in packets of at most
 * its maximum packet; *taken says how much (possibly 0: wait for
 * WRITABLE). Only fails when nothing was taken. SLC_ERR_CLOSED after our
 * EOF or CLOSE. The driver should stop feeding channels while
 * ssh_conn_output() holds more than it wants to buffer. */
SLC_WUR int ssh_chan_write(struct ssh_conn *c, uint32_t id, const void *data, size_t len,
                           size_t *taken);
/* The same as EXTENDED_DATA of the given type (SSH_EXTENDED_DATA_STDERR). */
SLC_WUR int ssh_chan_write_ext(struct ssh_conn *c, uint32_t id, uint32_t code, const void *data,
                               size_t len, size_t *taken);
/* Zero-copy write: room for up to want bytes (code 0: DATA, else
 * EXTENDED_DATA of that type) inside the output packet. *room gets what
 * the window and maximum packet allow (<= want); SLC_ERR_AGAIN when that
 * is nothing (WRITABLE follows). Fill *ptr, then ssh_chan_write_end(c, n)
 * with n <= *room bytes actually written (0 cancels). */
SLC_WUR int ssh_chan_write_begin(struct ssh_conn *c, uint32_t id, uint32_t code, size_t want,
                                 uint8_t **ptr, size_t *room);
SLC_WUR int ssh_chan_write_end(struct ssh_conn *c, size_t n);
/* What a write could take now (0 when closed or not open). */
size_t ssh_chan_writable(const struct ssh_conn *c, uint32_t id);
/* The driver has passed on n more bytes of DATA/EXTENDED_DATA: give the
 * window back. SLC_ERR_INVALID when n exceeds what was received and not
 * yet consumed. */
SLC_WUR int ssh_chan_consume(struct ssh_conn *c, uint32_t id, size_t n);

/* ---- end ---- */

/* Half-close: we send no more data (idempotent). */
SLC_WUR int ssh_chan_eof(struct ssh_conn *c, uint32_t id);
/* Close (idempotent). The CLOSE event follows the peer's CLOSE; data that
 * crosses our CLOSE is dropped. Closing a channel we are still opening
 * closes it once confirmed (or ends with OPEN_FAILED). For an OPEN_REQUEST
 * not yet answered use ssh_chan_reject(). */
SLC_WUR int ssh_chan_close(struct ssh_conn *c, uint32_t id);

/* ---- requests ---- */

/* A channel request; with want_reply, *seq (may be NULL otherwise) is the
 * seq of the SUCCESS/FAILURE event that will answer it. */
SLC_WUR int ssh_chan_request(struct ssh_conn *c, uint32_t id, const char *name, bool want_reply,
                             uint32_t *seq, struct buf **extra);
/* Answer the peer's want-reply request seq. */
SLC_WUR int ssh_chan_reply(struct ssh_conn *c, uint32_t id, uint32_t seq, bool ok);

/* A global request (tcpip-forward, keepalive@openssh.com, ...). */
SLC_WUR int ssh_global_request(struct ssh_conn *c, const char *name, bool want_reply, uint32_t *seq,
                               struct buf **extra);
/* Answer the peer's want-reply global request seq; data (copied, may be
 * NULL) is the response data of a success. */
SLC_WUR int ssh_global_reply(struct ssh_conn *c, uint32_t seq, bool ok, const void *data,
                             size_t len);
/* Refuse a global request the driver does not handle (keepalive@openssh.com
 * and unknown names: RFC 4254 4 says to answer failure). */
SLC_WUR int ssh_global_reply_failure(struct ssh_conn *c, uint32_t seq);

/* ---- per-channel state ---- */

/* The driver's pointer for a channel, carried in its events. */
SLC_WUR int ssh_chan_set_user(struct ssh_conn *c, uint32_t id, void *user);
void *ssh_chan_user(const struct ssh_conn *c, uint32_t id);

struct ssh_chan_info {
	const char *type; /* valid while the channel lives */
	bool opening, open; /* open: confirmed both ways */
	bool eof_sent, eof_rcvd, close_sent;
	uint32_t remote_id;
	uint32_t local_window, local_max_packet; /* what the peer may send */
	uint32_t remote_window, remote_max_packet; /* what we may send */
};
SLC_WUR int ssh_chan_info(const struct ssh_conn *c, uint32_t id, struct ssh_chan_info *info);
/* Channel ids in use (including channels waiting for the peer's CLOSE). */
size_t ssh_chan_count(const struct ssh_conn *c);

#endif
