/* Blowfish encryption and the Eksblowfish key-expansion steps, written from
 * Schneier's description ("Description of a New Variable-Length Key, 64-Bit
 * Block Cipher", 1993) and Provos & Mazieres ("A Future-Adaptable Password
 * Scheme", 1999). The initial tables are in the generated blowfish_tables.c. */
#include <string.h>

#include "blowfish.h"

static inline uint32_t bf_f(const struct blowfish *bf, uint32_t x)
{
	return ((bf->s[0][x >> 24] + bf->s[1][(x >> 16) & 0xff]) ^ bf->s[2][(x >> 8) & 0xff]) +
	       bf->s[3][x & 0xff];
}

/* Next big-endian word of a cyclic byte stream; *pos is the read offset. */
static inline uint32_t stream_word(const uint8_t *data, size_t len, size_t *pos)
{
	uint32_t w = 0;
	size_t j = *pos;
	for (int i = 0; i < 4; i++) {
		w = (w << 8) | data[j];
		if (++j == len)
			j = 0;
	}
	*pos = j;
	return w;
}

void blowfish_init(struct blowfish *bf)
{
	memcpy(bf->p, blowfish_init_p, sizeof(bf->p));
	memcpy(bf->s, blowfish_init_s, sizeof(bf->s));
}

/* Sixteen Feistel rounds, the two halves alternating roles so no swap is
 * needed; the final un-swap is folded into the output assignment. */
static inline void encrypt_block(const struct blowfish *bf, uint32_t *lp, uint32_t *rp)
{
	uint32_t l = *lp, r = *rp;
	const uint32_t *p = bf->p;

	l ^= p[0];
	for (int i = 1; i < 17; i += 2) {
		r ^= bf_f(bf, l) ^ p[i];
		l ^= bf_f(bf, r) ^ p[i + 1];
	}
	*lp = r ^ p[17];
	*rp = l;
}

void blowfish_encrypt(const struct blowfish *bf, uint32_t *l, uint32_t *r)
{
	encrypt_block(bf, l, r);
}

/* The common body of ExpandKey: salt == NULL means no salt (expand0). */
static void expand(struct blowfish *bf, const uint8_t *salt, size_t saltlen, const uint8_t *key,
                   size_t keylen)
{
	size_t kpos = 0, spos = 0;
	uint32_t l = 0, r = 0;

	for (int i = 0; i < BLOWFISH_P_WORDS; i++)
		bf->p[i] ^= stream_word(key, keylen, &kpos);

	for (int i = 0; i < BLOWFISH_P_WORDS; i += 2) {
		if (salt != NULL) {
			l ^= stream_word(salt, saltlen, &spos);
			r ^= stream_word(salt, saltlen, &spos);
		}
		encrypt_block(bf, &l, &r);
		bf->p[i] = l;
		bf->p[i + 1] = r;
	}
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < 256; i += 2) {
			if (salt != NULL) {
				l ^= stream_word(salt, saltlen, &spos);
				r ^= stream_word(salt, saltlen, &spos);
			}
			encrypt_block(bf, &l, &r);
			bf->s[k][i] = l;
			bf->s[k][i + 1] = r;
		}
	}
}

void blowfish_expand0(struct blowfish *bf, const uint8_t *key, size_t keylen)
{
	expand(bf, NULL, 0, key, keylen);
}

void blowfish_expand(struct blowfish *bf, const uint8_t *salt, size_t saltlen, const uint8_t *key,
                     size_t keylen)
{
	expand(bf, salt, saltlen, key, keylen);
}

void blowfish_set_key(struct blowfish *bf, const uint8_t *key, size_t keylen)
{
	blowfish_init(bf);
	blowfish_expand0(bf, key, keylen);
}
