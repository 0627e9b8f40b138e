/* Blowfish (Schneier, 1993) with the Eksblowfish key-expansion steps that
 * bcrypt and bcrypt_pbkdf need (Provos & Mazieres, 1999). Internal to the
 * core: its only user is bcrypt_pbkdf.c, plus the unit tests. Only
 * encryption is provided; nothing here decrypts.
 *
 * Byte streams (keys, salts) are consumed as big-endian 32-bit words,
 * wrapping around to their start as often as needed, as the published
 * algorithms specify. */
#ifndef SLC_BLOWFISH_H
#define SLC_BLOWFISH_H

#include <stddef.h>
#include <stdint.h>

#define BLOWFISH_P_WORDS 18

/* Generated from the digits of pi (blowfish_tables.c). */
extern const uint32_t blowfish_init_p[BLOWFISH_P_WORDS];
extern const uint32_t blowfish_init_s[4][256];

/* Key-dependent state. Holds key material: callers wipe it with
 * OPENSSL_cleanse() when done. */
struct blowfish {
	uint32_t s[4][256];
	uint32_t p[BLOWFISH_P_WORDS];
};

/* Load the initial state (pi digits). */
void blowfish_init(struct blowfish *bf);

/* Schneier's key schedule applied to the current state: XOR the P-array
 * with the key stream, then replace P and S by repeatedly encrypting a
 * running block. Eksblowfish's ExpandKey(state, 0, key). keylen >= 1. */
void blowfish_expand0(struct blowfish *bf, const uint8_t *key, size_t keylen);

/* Eksblowfish's ExpandKey(state, salt, key): as blowfish_expand0(), but the
 * running block is XORed with successive salt words before each
 * encryption. keylen >= 1, saltlen >= 1. */
void blowfish_expand(struct blowfish *bf, const uint8_t *salt, size_t saltlen, const uint8_t *key,
                     size_t keylen);

/* Full standard key setup: blowfish_init() + blowfish_expand0(). */
void blowfish_set_key(struct blowfish *bf, const uint8_t *key, size_t keylen);

/* Encrypt one 64-bit block held as two words (left = first four bytes of
 * the block, big-endian). */
void blowfish_encrypt(const struct blowfish *bf, uint32_t *l, uint32_t *r);

#endif
