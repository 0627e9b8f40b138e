/* crypto: the primitives SSH needs, over libcrypto's EVP API (OpenSSL >= 3.0).
 *
 * Randomness comes through struct slc_rng so that tests and fuzzers can fix
 * the seed; nothing here keeps global state or reads OpenSSL's RNG behind
 * the caller's back (only slc_rng_system does, on request).
 *
 * Every fallible function returns 0 or a negative SLC_ERR_*:
 *   SLC_ERR_NOMEM     allocation failed
 *   SLC_ERR_INVALID   bad argument from the caller (unknown algorithm, wrong
 *                     length, output buffer too small, private value out of
 *                     range)
 *   SLC_ERR_PROTOCOL  the peer's public value is unacceptable (wrong length,
 *                     not on the curve, out of range, low order); the caller
 *                     should end the key exchange
 *   SLC_ERR_CRYPTO    libcrypto failed for another reason (its error queue
 *                     says why)
 *   or whatever a caller-supplied rng fill returns. */
#ifndef SLC_CRYPTO_H
#define SLC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* ---- randomness ---- */

/* fill writes n random bytes to out and returns 0, or a negative SLC_ERR_*. */
struct slc_rng {
	int (*fill)(void *ctx, void *out, size_t n);
	void *ctx;
};

SLC_WUR int slc_rng_fill(const struct slc_rng *rng, void *out, size_t n);

/* OpenSSL's CSPRNG (RAND_bytes). Needs no cleanup. */
void slc_rng_system(struct slc_rng *rng);

/* Deterministic stream for tests and fuzzers: the ChaCha20 keystream under
 * SHA-256 of a label and seed. The same seed always gives the same bytes,
 * on every platform. Never use it for real keys. Release with
 * slc_rng_det_del (which ignores a zeroed or system rng). */
SLC_WUR int slc_rng_det_new(const void *seed, size_t seed_len, struct slc_rng *rng);
void slc_rng_det_del(struct slc_rng *rng);

/* ---- hashes ---- */

enum crypto_hash_alg {
	CRYPTO_HASH_SHA1, /* legacy only: ssh-rsa verification, hmac-sha1, group14-sha1 */
	CRYPTO_HASH_SHA256,
	CRYPTO_HASH_SHA384,
	CRYPTO_HASH_SHA512,
};
#define CRYPTO_HASH_MAX_LEN 64

/* Output length in bytes; 0 for an unknown algorithm. */
size_t crypto_hash_len(enum crypto_hash_alg alg);

/* One shot: out gets crypto_hash_len(alg) bytes. */
SLC_WUR int crypto_hash(enum crypto_hash_alg alg, const void *data, size_t len, uint8_t *out);

/* Incremental. init allocates (pair every successful init with free);
 * final writes crypto_hash_len bytes and leaves the context ready for a new
 * message; copy duplicates a partial state into an uninitialised dst (for
 * key derivation that shares a prefix, RFC 4253 section 7.2). */
struct crypto_hash_ctx {
	void *md; /* EVP_MD_CTX */
	enum crypto_hash_alg alg;
};
SLC_WUR int crypto_hash_init(struct crypto_hash_ctx *h, enum crypto_hash_alg alg);
SLC_WUR int crypto_hash_update(struct crypto_hash_ctx *h, const void *data, size_t len);
SLC_WUR int crypto_hash_final(struct crypto_hash_ctx *h, uint8_t *out);
SLC_WUR int crypto_hash_copy(struct crypto_hash_ctx *dst, const struct crypto_hash_ctx *src);
/* Safe on a zeroed or already freed context. */
void crypto_hash_free(struct crypto_hash_ctx *h);

/* ---- HMAC (RFC 2104) over SHA-1, SHA-256, SHA-384 or SHA-512 ---- */

/* One shot: out gets crypto_hash_len(alg) bytes. */
SLC_WUR int crypto_hmac(enum crypto_hash_alg alg, const void *key, size_t key_len, const void *data,
                        size_t len, uint8_t *out);

/* Incremental, keyed once: init copies the key into libcrypto (which wipes
 * it on free); the caller may wipe its own copy afterwards. final writes
 * crypto_hmac_len bytes and restarts the context under the same key, so a
 * packet MAC is just update/update/final per packet. reset abandons a
 * partial message. Neither final nor reset re-derives the key pads. */
struct crypto_hmac_ctx {
	void *mac; /* EVP_MAC_CTX */
	size_t len;
};
SLC_WUR int crypto_hmac_init(struct crypto_hmac_ctx *h, enum crypto_hash_alg alg, const void *key,
                             size_t key_len);
SLC_WUR int crypto_hmac_update(struct crypto_hmac_ctx *h, const void *data, size_t len);
SLC_WUR int crypto_hmac_final(struct crypto_hmac_ctx *h, uint8_t *out);
SLC_WUR int crypto_hmac_reset(struct crypto_hmac_ctx *h);
static inline size_t crypto_hmac_len(const struct crypto_hmac_ctx *h)
{
	return h->len;
}
/* Safe on a zeroed or already freed context. */
void crypto_hmac_free(struct crypto_hmac_ctx *h);

/* ---- ephemeral key agreement for SSH key exchange ---- */

enum crypto_kex_alg {
	CRYPTO_KEX_X25519, /* RFC 8731 */
	CRYPTO_KEX_ECDH_P256, /* RFC 5656 */
	CRYPTO_KEX_ECDH_P384,
	CRYPTO_KEX_ECDH_P521,
	CRYPTO_KEX_DH_GROUP14, /* RFC 3526 / RFC 8268 MODP groups, generator 2 */
	CRYPTO_KEX_DH_GROUP16,
	CRYPTO_KEX_DH_GROUP18,
};

/* Upper bounds over all algorithms (DH group 18 is 8192 bits). */
#define CRYPTO_KEX_PUBLIC_MAX 1024
#define CRYPTO_KEX_SECRET_MAX 1024

struct crypto_kex;

/* A fresh ephemeral key pair drawn from rng. */
SLC_WUR int crypto_kex_new(enum crypto_kex_alg alg, const struct slc_rng *rng,
                           struct crypto_kex **out);
/* A key pair from a fixed private value (known-answer tests, fuzzers).
 *   X25519: the 32-byte scalar as in RFC 7748 (clamped by X25519 itself).
 *   ECDH:   the scalar as unsigned big-endian, 1 <= d < order.
 *   DH:     the exponent as unsigned big-endian, 1 < x < p-1.
 * SLC_ERR_INVALID when the value is out of range. */
SLC_WUR int crypto_kex_new_private(enum crypto_kex_alg alg, const uint8_t *priv, size_t len,
                                   struct crypto_kex **out);
/* Wipes the private value. NULL is a no-op. */
void crypto_kex_del(struct crypto_kex *k);

enum crypto_kex_alg crypto_kex_alg(const struct crypto_kex *k);

/* Our public value, borrowed until crypto_kex_del.
 *   X25519: 32 raw bytes (SSH sends them as a string).
 *   ECDH:   SEC1 uncompressed point 0x04 || X || Y (sent as a string).
 *   DH:     e = g^x mod p as unsigned big-endian, zero-padded to the
 *           length of p (send with buf_put_mpint_u, which strips the pad). */
const uint8_t *crypto_kex_public(const struct crypto_kex *k, size_t *len);

/* Length of the shared secret crypto_kex_derive writes: 32 for X25519, the
 * field size for ECDH (32/48/66), the size of p for DH. 0 if unknown. */
size_t crypto_kex_secret_len(enum crypto_kex_alg alg);

/* Shared secret from the peer's public value, in the same encoding as
 * crypto_kex_public (for DH: the magnitude buf_get_mpint_u returns; leading
 * zeros are allowed). Peer values are validated before use:
 *   X25519: exactly 32 bytes; an all-zero result (low-order point, RFC 7748
 *           section 6.1, RFC 8731 section 3) is rejected.
 *   ECDH:   exactly 1 + 2 * field size bytes, uncompressed, on the curve.
 *   DH:     1 < f < p-1 (RFC 4253 section 8).
 * On success writes crypto_kex_secret_len bytes to secret (size at least
 * that) and sets *secret_len. The secret is an unsigned big-endian number
 * with possible leading zeros, for buf_put_mpint_u; for X25519 it is the
 * raw X25519 output, which RFC 8731 also encodes that way. The caller wipes
 * it. On any failure secret holds nothing useful (what was written is
 * wiped) and *secret_len is unchanged. */
SLC_WUR int crypto_kex_derive(const struct crypto_kex *k, const uint8_t *peer, size_t peer_len,
                              uint8_t *secret, size_t secret_size, size_t *secret_len);

/* Mostly for tests: the bit length of the field or modulus (255 for
 * X25519), and for a DH group its prime p as unsigned big-endian written to
 * out (size >= bits / 8; SLC_ERR_INVALID for other algorithms). */
unsigned crypto_kex_bits(enum crypto_kex_alg alg);
SLC_WUR int crypto_kex_dh_prime(enum crypto_kex_alg alg, uint8_t *out, size_t size, size_t *len);

/* ---- helpers ---- */

/* Constant-time equality of two n-byte regions (time depends on n only). */
bool crypto_ct_equal(const void *a, const void *b, size_t n);
/* Wipe memory in a way the compiler may not optimise away. */
void crypto_wipe(void *p, size_t n);
/* Wipe n bytes at p, then free(p). NULL is a no-op. */
void crypto_free_secret(void *p, size_t n);

#endif
