/* bcrypt_pbkdf: OpenSSH's key-derivation function for encrypted private
 * keys (a PBKDF2-like construction over bcrypt with SHA-512), written from
 * its published description since libcrypto lacks it. */
#ifndef SLC_BCRYPT_PBKDF_H
#define SLC_BCRYPT_PBKDF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Derive keylen bytes (1..1024) into key. rounds >= 1, saltlen 1..(1<<20).
 * SLC_ERR_INVALID on bad sizes. */
SLC_WUR int bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
                         uint8_t *key, size_t keylen, unsigned rounds);

#endif
