/* kexinit: SSH_MSG_KEXINIT encoding, decoding and algorithm negotiation
 * (RFC 4253 section 7.1). */
#ifndef SLC_KEXINIT_H
#define SLC_KEXINIT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define SSH_MSG_KEXINIT 20

enum kex_list {
	KEX_ALGS,
	KEX_HOSTKEY_ALGS,
	KEX_ENC_C2S,
	KEX_ENC_S2C,
	KEX_MAC_C2S,
	KEX_MAC_S2C,
	KEX_COMP_C2S,
	KEX_COMP_S2C,
	KEX_LANG_C2S,
	KEX_LANG_S2C,
	KEX_NLISTS
};

struct kexinit {
	uint8_t cookie[16];
	char *lists[KEX_NLISTS];
	bool first_kex_follows;
};

/* What both sides agreed on. */
struct kex_choice {
	char *kex;
	char *hostkey;
	char *enc[2]; /* [0] client to server, [1] server to client */
	char *mac[2]; /* "" for AEAD ciphers, whose MAC is implied */
	char *comp[2];
	/* The peer sent first_kex_packet_follows and guessed wrong: its first
	 * key exchange packet must be ignored (RFC 4253 7.1). */
	bool ignore_guessed_packet;
};

void kexinit_free(struct kexinit *k);
void kex_choice_free(struct kex_choice *c);

/* Parse a whole KEXINIT payload starting with the message number. Trailing
 * bytes after the reserved field are an error. */
SLC_WUR int kexinit_parse(const uint8_t *payload, size_t len, struct kexinit *out);
/* Append the payload (message number first) to out. */
SLC_WUR int kexinit_put(const struct kexinit *k, struct buf *out);

/* Negotiate. aead_ciphers: comma list of ciphers that carry their own MAC.
 * On failure *which names the list that had no common algorithm. */
SLC_WUR int kexinit_negotiate(const struct kexinit *client, const struct kexinit *server,
                              const char *aead_ciphers, struct kex_choice *out, const char **which);

#endif
