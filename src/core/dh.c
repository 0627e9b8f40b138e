/* dh: finite-field Diffie-Hellman over the RFC 3526 MODP groups used by SSH
 * (diffie-hellman-group14-sha256, group16-sha512, group18-sha512; RFC 8268).
 *
 * The primes are kept as the RFC prints them so a reader can check them
 * against the text; tests also compare them with libcrypto's built-in copies.
 * Private exponents come from the caller's rng, never from libcrypto's, so
 * a fixed seed reproduces a whole key exchange. */
#include "dh.h"

#include "buf.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

/* RFC 3526 section 3: 2048-bit MODP group, id 14. */
static const char dh_p14[] = "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
                             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
                             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
                             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
                             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
                             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
                             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
                             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
                             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
                             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
                             "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

/* RFC 3526 section 5: 4096-bit MODP group, id 16. */
static const char dh_p16[] = "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
                             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
                             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
                             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
                             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
                             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
                             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
                             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
                             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
                             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
                             "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
                             "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
                             "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
                             "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
                             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
                             "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
                             "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
                             "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
                             "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
                             "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
                             "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199"
                             "FFFFFFFF FFFFFFFF";

/* RFC 3526 section 7: 8192-bit MODP group, id 18. */
static const char dh_p18[] = "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
                             "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
                             "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
                             "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
                             "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
                             "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
                             "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
                             "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
                             "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
                             "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
                             "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
                             "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
                             "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
                             "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
                             "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
                             "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
                             "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
                             "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
                             "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
                             "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
                             "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34028492"
                             "36C3FAB4 D27C7026 C1D4DCB2 602646DE C9751E76 3DBA37BD"
                             "F8FF9406 AD9E530E E5DB382F 413001AE B06A53ED 9027D831"
                             "179727B0 865A8918 DA3EDBEB CF9B14ED 44CE6CBA CED4BB1B"
                             "DB7F1447 E6CC254B 33205151 2BD7AF42 6FB8F401 378CD2BF"
                             "5983CA01 C64B92EC F032EA15 D1721D03 F482D7CE 6E74FEF6"
                             "D55E702F 46980C82 B5A84031 900B1C9E 59E7C97F BEC7E8F3"
                             "23A97A7E 36CC88BE 0F1D45B7 FF585AC5 4BD407B2 2B4154AA"
                             "CC8F6D7E BF48E1D8 14CC5ED2 0F8037E0 A79715EE F29BE328"
                             "06A1D58B B7C5DA76 F550AA3D 8A1FBFF0 EB19CCB1 A313D55C"
                             "DA56C9EC 2EF29632 387FE8D7 6E3C0468 043E8F66 3F4860EE"
                             "12BF2D5B 0B7474D6 E694F91E 6DBE1159 74A3926F 12FEE5E4"
                             "38777CB6 A932DF8C D8BEC4D0 73B931BA 3BC832B6 8D9DD300"
                             "741FA7BF 8AFC47ED 2576F693 6BA42466 3AAB639C 5AE4F568"
                             "3423B474 2BF1C978 238F16CB E39D652D E3FDB8BE FC848AD9"
                             "22222E04 A4037C07 13EB57A8 1A23F0C7 3473FC64 6CEA306B"
                             "4BCBC886 2F8385DD FA9D4B7F A2C087E8 79683303 ED5BDD3A"
                             "062B3CF5 B3A278A6 6D2A13F8 3F44F82D DF310EE0 74AB6A36"
                             "4597E899 A0255DC1 64F31CC5 0846851D F9AB4819 5DED7EA1"
                             "B1D510BD 7EE74D73 FAF36BC3 1ECFA268 359046F4 EB879F92"
                             "4009438B 481C6CD7 889A002E D5EE382B C9190DA6 FC026E47"
                             "9558E447 5677E9AA 9E3050E2 765694DF C81F56E8 80B96E71"
                             "60C980DD 98EDD3DF FFFFFFFF FFFFFFFF";

struct dh_group {
	enum crypto_kex_alg alg;
	unsigned bits;
	/* Exponent size: twice the larger strength estimate in RFC 3526 section
	 * 8 (320, 480, 620 bits), rounded up to whole 64-bit words. Costs stay
	 * small next to the modulus, and the exponent is never the weak link. */
	unsigned exp_bits;
	const char *hex;
};

static const struct dh_group dh_groups[] = {
        {CRYPTO_KEX_DH_GROUP14, 2048, 320, dh_p14},
        {CRYPTO_KEX_DH_GROUP16, 4096, 512, dh_p16},
        {CRYPTO_KEX_DH_GROUP18, 8192, 640, dh_p18},
};

static const struct dh_group *dh_group(enum crypto_kex_alg alg)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].alg == alg)
			return &dh_groups[i];
	return NULL;
}

unsigned dh_group_bits(enum crypto_kex_alg alg)
{
	const struct dh_group *g = dh_group(alg);
	return g ? g->bits : 0;
}

/* p from the RFC's spaced hex. */
static int dh_prime_bn(const struct dh_group *g, BIGNUM **out)
{
	char hex[8192 / 4 + 1];
	size_t n = 0;
	int rc = SLC_ERR_CRYPTO;

	for (const char *s = g->hex; *s; s++) {
		if (*s == ' ')
			continue;
		if (n + 1 >= sizeof(hex))
			return SLC_ERR_INVALID;
		hex[n++] = *s;
	}
	hex[n] = '\0';
	*out = NULL;
	if (BN_hex2bn(out, hex) != (int)n)
		goto out;
	rc = 0;
out:
	if (rc) {
		BN_free(*out);
		*out = NULL;
	}
	return rc;
}

int dh_group_prime(enum crypto_kex_alg alg, uint8_t *out, size_t size, size_t *len)
{
	const struct dh_group *g = dh_group(alg);
	BIGNUM *p = NULL;
	int rc;

	if (!g)
		return SLC_ERR_INVALID;
	if (size < g->bits / 8)
		return SLC_ERR_INVALID;
	if ((rc = dh_prime_bn(g, &p)) != 0)
		return rc;
	rc = SLC_ERR_CRYPTO;
	if (BN_bn2binpad(p, out, (int)(g->bits / 8)) < 0)
		goto out;
	*len = g->bits / 8;
	rc = 0;
out:
	BN_free(p);
	return rc;
}

/* EVP_PKEY over (p, 2) holding pub and, when priv is set, the private
 * exponent. libcrypto copies both; its copy of priv is wiped on free. */
static int dh_pkey(const BIGNUM *p, const BIGNUM *pub, const BIGNUM *priv, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *g = NULL;
	int rc = SLC_ERR_NOMEM;

	*out = NULL;
	if (!(bld = OSSL_PARAM_BLD_new()) || !(g = BN_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!BN_set_word(g, 2) || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
		goto out;
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto out;
	if (!(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	if (!(ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, out, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	/* x is a BN_secure_new bignum, so the builder put its copy in the
	 * params' secure block, which OSSL_PARAM_free wipes. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(g);
	return rc;
}

/* Key pair from exponent x (already range-checked): e = 2^x mod p. */
static int dh_keypair(const struct dh_group *g, const BIGNUM *p, const BIGNUM *x, EVP_PKEY **pkey,
                      uint8_t *pub, size_t pub_size, size_t *pub_len)
{
	BN_CTX *bnctx = NULL;
	BIGNUM *e = NULL, *two = NULL;
	size_t plen = g->bits / 8;
	int rc = SLC_ERR_INVALID;

	if (pub_size < plen)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(bnctx = BN_CTX_new()) || !(e = BN_new()) || !(two = BN_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!BN_set_word(two, 2) || !BN_mod_exp_mont_consttime(e, two, x, p, bnctx, NULL))
		goto out;
	if ((rc = dh_pkey(p, e, x, pkey)) != 0)
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (BN_bn2binpad(e, pub, (int)plen) < 0)
		goto out;
	*pub_len = plen;
	rc = 0;
out:
	if (rc) {
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
	}
	BN_CTX_free(bnctx);
	BN_free(e);
	BN_free(two);
	return rc;
}

int dh_generate(enum crypto_kex_alg alg, const struct slc_rng *rng, EVP_PKEY **pkey, uint8_t *pub,
                size_t pub_size, size_t *pub_len)
{
	const struct dh_group *g = dh_group(alg);
	uint8_t xb[640 / 8 + 1];
	BIGNUM *p = NULL, *x = NULL;
	size_t xlen;
	int rc;

	*pkey = NULL;
	if (!g)
		return SLC_ERR_INVALID;
	/* exp_bits random bits under a fixed top bit: every exponent has the
	 * same length, so the modexp's running time does not leak it. */
	xlen = g->exp_bits / 8 + 1;
	rc = SLC_ERR_INVALID;
	if (xlen > sizeof(xb)) /* a table entry outgrew the buffer */
		goto out;
	if ((rc = slc_rng_fill(rng, xb, xlen)) != 0)
		goto out;
	xb[0] = 1;
	rc = SLC_ERR_NOMEM;
	if (!(x = BN_secure_new()))
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	rc = SLC_ERR_CRYPTO;
	if (!BN_bin2bn(xb, (int)xlen, x))
		goto out;
	if ((rc = dh_prime_bn(g, &p)) != 0)
		goto out;
	rc = dh_keypair(g, p, x, pkey, pub, pub_size, pub_len);
out:
	OPENSSL_cleanse(xb, sizeof(xb));
	BN_clear_free(x);
	BN_free(p);
	return rc;
}

int dh_from_private(enum crypto_kex_alg alg, const uint8_t *priv, size_t len, EVP_PKEY **pkey,
                    uint8_t *pub, size_t pub_size, size_t *pub_len)
{
	const struct dh_group *g = dh_group(alg);
	BIGNUM *p = NULL, *x = NULL, *pm1 = NULL;
	int rc;

	*pkey = NULL;
	if (!g || len > g->bits / 8)
		return SLC_ERR_INVALID;
	if ((rc = dh_prime_bn(g, &p)) != 0)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(x = BN_secure_new()) || !(pm1 = BN_new()))
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	rc = SLC_ERR_CRYPTO;
	if (!BN_bin2bn(priv, (int)len, x) || !BN_sub(pm1, p, BN_value_one()))
		goto out;
	rc = SLC_ERR_INVALID;
	if (BN_cmp(x, BN_value_one()) <= 0 || BN_cmp(x, pm1) >= 0)
		goto out;
	rc = dh_keypair(g, p, x, pkey, pub, pub_size, pub_len);
out:
	BN_clear_free(x);
	BN_free(pm1);
	BN_free(p);
	return rc;
}

int dh_derive(enum crypto_kex_alg alg, EVP_PKEY *pkey, const uint8_t *peer, size_t peer_len,
              uint8_t *secret, size_t size, size_t *len)
{
	const struct dh_group *g = dh_group(alg);
	BIGNUM *p = NULL, *f = NULL, *pm1 = NULL;
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t plen, n;
	unsigned pad = 1;
	OSSL_PARAM params[2];
	int rc = SLC_ERR_INVALID;

	if (!g)
		return SLC_ERR_INVALID;
	plen = g->bits / 8;
	if (size < plen)
		return SLC_ERR_INVALID;
	/* Leading zeros are harmless, but nothing legitimate is longer than
	 * an mpint can be; refuse before allocating for it. */
	if (peer_len > BUF_MAX_MPINT_BYTES)
		return SLC_ERR_PROTOCOL;
	if ((rc = dh_prime_bn(g, &p)) != 0)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(f = BN_new()) || !(pm1 = BN_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!BN_bin2bn(peer, (int)peer_len, f) || !BN_sub(pm1, p, BN_value_one()))
		goto out;
	/* RFC 4253 section 8: 1 < f < p-1. This also excludes 0, 1 and p-1,
	 * the values that would force the secret into a tiny subgroup. */
	rc = SLC_ERR_PROTOCOL;
	if (BN_cmp(f, BN_value_one()) <= 0 || BN_cmp(f, pm1) >= 0)
		goto out;
	if ((rc = dh_pkey(p, f, NULL, &peer_key)) != 0)
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* Fixed-length output: the secret's length must not depend on its value. */
	params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_CTX_set_params(ctx, params) <= 0)
		goto out;
	/* Range checked above; libcrypto's full check for these safe primes
	 * would add a modexp with a 4096-bit exponent at group 18 for nothing
	 * SSH asks for. */
	if (EVP_PKEY_derive_set_peer_ex(ctx, peer_key, 0) <= 0)
		goto out;
	if (EVP_PKEY_derive(ctx, NULL, &n) <= 0 || n != plen)
		goto out;
	if (EVP_PKEY_derive(ctx, secret, &n) <= 0 || n != plen) {
		OPENSSL_cleanse(secret, plen);
		goto out;
	}
	*len = n;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	BN_free(f);
	BN_free(pm1);
	BN_free(p);
	return rc;
}
