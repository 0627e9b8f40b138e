/* kex: key exchange methods, the exchange hash and key derivation
 * (RFC 4253 sections 7.2 and 8, RFC 5656, RFC 8268, RFC 8731). */
#ifndef SLC_KEX_H
#define SLC_KEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"

#define SSH_MSG_KEX_ECDH_INIT 30 /* also KEXDH_INIT */
#define SSH_MSG_KEX_ECDH_REPLY 31 /* also KEXDH_REPLY */

struct kex_method {
	const char *name;
	enum crypto_kex_alg alg;
	enum crypto_hash_alg hash;
	bool dh; /* public values are mpints (DH) rather than strings (ECDH) */
};

/* NULL for an unknown name. */
const struct kex_method *kex_method_lookup(const char *name);
/* Comma lists for alglist_apply(): what we offer by default (modern only,
 * so ssh-audit finds nothing to warn about) and everything we implement. */
const char *kex_default_names(void);
const char *kex_supported_names(void);
/* Host key signature algorithms, same idea. */
const char *kex_hostkey_default_names(void);
const char *kex_hostkey_supported_names(void);

/* Append our public value as the method encodes it (string or mpint). */
SLC_WUR int kex_put_public(const struct kex_method *m, const struct crypto_kex *k, struct buf *b);
/* Read the peer's public value as the method encodes it: borrowed bytes
 * (for DH the unsigned magnitude). */
SLC_WUR int kex_get_public(const struct kex_method *m, struct buf *b, const uint8_t **p,
                           size_t *len);

/* The exchange hash H. v_c/v_s: version lines without CR LF; i_c/i_s:
 * KEXINIT payloads; k_s: server host key blob; q_c/q_s: the two public
 * values as sent; secret: the shared secret as an unsigned big-endian
 * number. out gets crypto_hash_len(m->hash) bytes. */
SLC_WUR int kex_exchange_hash(const struct kex_method *m, const char *v_c, const char *v_s,
                              const struct buf *i_c, const struct buf *i_s, const uint8_t *k_s,
                              size_t k_s_len, const uint8_t *q_c, size_t q_c_len,
                              const uint8_t *q_s, size_t q_s_len, const uint8_t *secret,
                              size_t secret_len, uint8_t *out);

/* RFC 4253 7.2: derive need bytes for letter ('A'..'F') into out (which
 * may need up to need bytes; extended by hashing as the RFC says). */
SLC_WUR int kex_derive(const struct kex_method *m, const uint8_t *secret, size_t secret_len,
                       const uint8_t *h, size_t h_len, const uint8_t *session_id,
                       size_t session_id_len, char letter, uint8_t *out, size_t need);

#endif
