/* bcrypt_pbkdf, OpenSSH's KDF for encrypted openssh-key-v1 private keys,
 * written from Ted Unangst's published description and the bcrypt_pbkdf(3)
 * manual, and checked against published test vectors
 * (tests/unit/test_bcrypt_pbkdf.c).
 *
 * Shape: PBKDF2 with a 32-byte "bcrypt hash" in place of HMAC.
 *   sha2pass = SHA-512(pass)
 *   block c (c = 1, 2, ...):
 *     T = H(sha2pass, SHA-512(salt || be32(c)))
 *     repeat rounds-1 times: T = H(sha2pass, SHA-512(T)), out ^= T
 *   where H is bcrypt with cost 6 (64 expansion rounds) that encrypts the
 *   32-byte magic "OxychromaticBlowfishSwatDynamite" 64 times.
 * The output bytes are spread across blocks rather than concatenated: byte
 * i of block c lands at key[i * nblocks + (c - 1)], so every key byte needs
 * the work of every block. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bcrypt_pbkdf.h"
#include "blowfish.h"

#define HASH_LEN 32 /* bcrypt hash output */
#define HASH_WORDS (HASH_LEN / 4)
#define SHA512_LEN 64
#define KEY_MAX 1024 /* 32 blocks of 32 bytes: what the reference accepts */
#define SALT_MAX ((size_t)1 << 20)
#define EKS_ROUNDS 64 /* bcrypt cost 6 */
#define MAGIC_ENCRYPTIONS 64

static const char bcrypt_magic[HASH_LEN + 1] = "OxychromaticBlowfishSwatDynamite";

/* The bcrypt core. bf is caller-provided scratch (4 KiB; wiped by caller). */
static void bcrypt_hash(struct blowfish *bf, const uint8_t sha2pass[SHA512_LEN],
                        const uint8_t sha2salt[SHA512_LEN], uint8_t out[HASH_LEN])
{
	uint32_t cdata[HASH_WORDS];

	/* EksBlowfishSetup. The salt goes first in each pair of the loop,
	 * unlike bcrypt proper; the published vectors depend on it. */
	blowfish_init(bf);
	blowfish_expand(bf, sha2salt, SHA512_LEN, sha2pass, SHA512_LEN);
	for (int i = 0; i < EKS_ROUNDS; i++) {
		blowfish_expand0(bf, sha2salt, SHA512_LEN);
		blowfish_expand0(bf, sha2pass, SHA512_LEN);
	}

	/* The magic as big-endian words, encrypted as four ECB blocks. */
	for (int i = 0; i < HASH_WORDS; i++) {
		const uint8_t *m = (const uint8_t *)bcrypt_magic + 4 * i;
		cdata[i] = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	}
	for (int n = 0; n < MAGIC_ENCRYPTIONS; n++)
		for (int i = 0; i < HASH_WORDS; i += 2)
			blowfish_encrypt(bf, &cdata[i], &cdata[i + 1]);

	/* Output words little-endian: a quirk of the reference kept for
	 * compatibility. */
	for (int i = 0; i < HASH_WORDS; i++) {
		out[4 * i + 0] = (uint8_t)cdata[i];
		out[4 * i + 1] = (uint8_t)(cdata[i] >> 8);
		out[4 * i + 2] = (uint8_t)(cdata[i] >> 16);
		out[4 * i + 3] = (uint8_t)(cdata[i] >> 24);
	}
	OPENSSL_cleanse(cdata, sizeof(cdata));
}

/* SHA-512 of a || b (b may be empty). */
static int sha512_two(EVP_MD_CTX *md, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                      uint8_t out[SHA512_LEN])
{
	unsigned int outlen = 0;

	if (EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1 || EVP_DigestUpdate(md, a, alen) != 1 ||
	    (blen > 0 && EVP_DigestUpdate(md, b, blen) != 1) ||
	    EVP_DigestFinal_ex(md, out, &outlen) != 1 || outlen != SHA512_LEN)
		return SLC_ERR_CRYPTO;
	return 0;
}

int bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
                 uint8_t *key, size_t keylen, unsigned rounds)
{
	struct blowfish bf;
	uint8_t sha2pass[SHA512_LEN], sha2salt[SHA512_LEN];
	uint8_t tmp[HASH_LEN], out[HASH_LEN];
	EVP_MD_CTX *md = NULL;
	size_t nblocks;
	int ret = SLC_ERR_INVALID;

	/* An empty passphrase is refused, as by the reference: OpenSSH never
	 * encrypts a key under one. */
	if (pass == NULL || passlen == 0 || salt == NULL || saltlen == 0 || saltlen > SALT_MAX ||
	    key == NULL || keylen == 0 || keylen > KEY_MAX || rounds < 1)
		return SLC_ERR_INVALID;

	nblocks = (keylen + HASH_LEN - 1) / HASH_LEN;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		ret = SLC_ERR_NOMEM;
		goto out;
	}
	if ((ret = sha512_two(md, (const uint8_t *)pass, passlen, NULL, 0, sha2pass)) != 0)
		goto out;

	for (size_t blk = 0; blk < nblocks; blk++) {
		const uint32_t count = (uint32_t)blk + 1;
		const uint8_t cnt[4] = {(uint8_t)(count >> 24), (uint8_t)(count >> 16),
		                        (uint8_t)(count >> 8), (uint8_t)count};

		if ((ret = sha512_two(md, salt, saltlen, cnt, sizeof(cnt), sha2salt)) != 0)
			goto out;
		bcrypt_hash(&bf, sha2pass, sha2salt, tmp);
		memcpy(out, tmp, HASH_LEN);

		for (unsigned r = 1; r < rounds; r++) {
			if ((ret = sha512_two(md, tmp, HASH_LEN, NULL, 0, sha2salt)) != 0)
				goto out;
			bcrypt_hash(&bf, sha2pass, sha2salt, tmp);
			for (int i = 0; i < HASH_LEN; i++)
				out[i] ^= tmp[i];
		}

		/* Byte i of this block goes to key[i * nblocks + blk]; the
		 * last columns may be one byte shorter than the first. */
		for (size_t i = 0, dest = blk; i < HASH_LEN && dest < keylen; i++, dest += nblocks)
			key[dest] = out[i];
	}
	ret = 0;
out:
	if (ret != 0)
		OPENSSL_cleanse(key, keylen);
	EVP_MD_CTX_free(md);
	OPENSSL_cleanse(&bf, sizeof(bf));
	OPENSSL_cleanse(sha2pass, sizeof(sha2pass));
	OPENSSL_cleanse(sha2salt, sizeof(sha2salt));
	OPENSSL_cleanse(tmp, sizeof(tmp));
	OPENSSL_cleanse(out, sizeof(out));
	return ret;
}
