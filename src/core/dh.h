/* dh: finite-field Diffie-Hellman for crypto.c's key agreement. Internal:
 * other modules use crypto_kex_* from crypto.h, which dispatches here.
 *
 * alg is one of CRYPTO_KEX_DH_GROUP14/16/18; anything else gives
 * SLC_ERR_INVALID. Public values and secrets are unsigned big-endian,
 * zero-padded to the length of p. */
#ifndef SLC_DH_H
#define SLC_DH_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "err.h"

/* Bits in p; 0 if alg is not a DH group. */
unsigned dh_group_bits(enum crypto_kex_alg alg);
/* p as big-endian bytes into out (size >= bits / 8). */
SLC_WUR int dh_group_prime(enum crypto_kex_alg alg, uint8_t *out, size_t size, size_t *len);

/* A key pair with a fresh exponent from rng, or from a fixed exponent x
 * (1 < x < p-1, else SLC_ERR_INVALID). *pkey is owned by the caller
 * (EVP_PKEY_free wipes the exponent); pub gets e, pub_size >= bits / 8. */
SLC_WUR int dh_generate(enum crypto_kex_alg alg, const struct slc_rng *rng, EVP_PKEY **pkey,
                        uint8_t *pub, size_t pub_size, size_t *pub_len);
SLC_WUR int dh_from_private(enum crypto_kex_alg alg, const uint8_t *priv, size_t len,
                            EVP_PKEY **pkey, uint8_t *pub, size_t pub_size, size_t *pub_len);

/* Shared secret with the peer's f (leading zeros allowed). SLC_ERR_PROTOCOL
 * unless 1 < f < p-1. */
SLC_WUR int dh_derive(enum crypto_kex_alg alg, EVP_PKEY *pkey, const uint8_t *peer, size_t peer_len,
                      uint8_t *secret, size_t size, size_t *len);

#endif
