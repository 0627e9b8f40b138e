/* Crypto primitives: published known-answer vectors (FIPS 180, RFC 2202,
 * RFC 4231, RFC 7748, RFC 5903), the RFC 3526 primes against libcrypto's
 * own copies, two-party agreement for every key exchange group, and
 * rejection of every peer value the specs forbid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto.h"

/* Hex to bytes, skipping spaces (vectors are pasted as the RFCs print them). */
static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v = 0;
		if (*s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			fail_msg("bad hex character '%c'", *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < max);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want_hex)
{
	uint8_t want[CRYPTO_KEX_SECRET_MAX];
	size_t n = unhex(want_hex, want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

/* ---- hashes ---- */

struct hash_vec {
	enum crypto_hash_alg alg;
	const char *msg;
	const char *digest;
};

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

/* FIPS 180-2 appendix examples. */
static const struct hash_vec hash_vecs[] = {
        {CRYPTO_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {CRYPTO_HASH_SHA1, msg448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {CRYPTO_HASH_SHA256, "abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {CRYPTO_HASH_SHA256, msg448,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {CRYPTO_HASH_SHA384, "abc",
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
         "8086072ba1e7cc2358baeca134c825a7"},
        {CRYPTO_HASH_SHA512, "abc",
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {CRYPTO_HASH_SHA512, msg448,
         "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
         "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"},
};

static void test_hash_fips180(void **state)
{
	for (size_t i = 0; i < sizeof(hash_vecs) / sizeof(hash_vecs[0]); i++) {
		const struct hash_vec *v = &hash_vecs[i];
		size_t len = strlen(v->msg), dlen = crypto_hash_len(v->alg);
		uint8_t out[CRYPTO_HASH_MAX_LEN];
		struct crypto_hash_ctx h, h2;

		assert_int_equal(crypto_hash(v->alg, v->msg, len, out), 0);
		assert_hex(out, dlen, v->digest);

		/* Byte at a time, then the context is reusable after final. */
		assert_int_equal(crypto_hash_init(&h, v->alg), 0);
		for (size_t j = 0; j < len; j++)
			assert_int_equal(crypto_hash_update(&h, v->msg + j, 1), 0);
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_hash_final(&h, out), 0);
		assert_hex(out, dlen, v->digest);
		assert_int_equal(crypto_hash_update(&h, v->msg, len), 0);
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_hash_final(&h, out), 0);
		assert_hex(out, dlen, v->digest);

		/* A copy of a partial state finishes independently. */
		assert_int_equal(crypto_hash_update(&h, v->msg, 2), 0);
		assert_int_equal(crypto_hash_copy(&h2, &h), 0);
		assert_int_equal(crypto_hash_update(&h, "zz", 2), 0);
		assert_int_equal(crypto_hash_update(&h2, v->msg + 2, len - 2), 0);
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_hash_final(&h2, out), 0);
		assert_hex(out, dlen, v->digest);
		crypto_hash_free(&h);
		crypto_hash_free(&h2);
		crypto_hash_free(&h2); /* idempotent */
	}
}

static void test_hash_misc(void **state)
{
	uint8_t out[CRYPTO_HASH_MAX_LEN];
	struct crypto_hash_ctx h;

	assert_int_equal(crypto_hash_len(CRYPTO_HASH_SHA1), 20);
	assert_int_equal(crypto_hash_len(CRYPTO_HASH_SHA256), 32);
	assert_int_equal(crypto_hash_len(CRYPTO_HASH_SHA384), 48);
	assert_int_equal(crypto_hash_len(CRYPTO_HASH_SHA512), 64);
	assert_int_equal(crypto_hash_len((enum crypto_hash_alg)99), 0);
	assert_int_equal(crypto_hash((enum crypto_hash_alg)99, "", 0, out), SLC_ERR_INVALID);
	assert_int_equal(crypto_hash_init(&h, (enum crypto_hash_alg)99), SLC_ERR_INVALID);
	crypto_hash_free(&h);
	/* Empty input, NULL data. */
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, NULL, 0, out), 0);
	assert_hex(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* ---- HMAC ---- */

struct hmac_vec {
	const char *key_hex; /* NULL: key is the string key_str */
	const char *key_str;
	size_t key_fill_len; /* >0: key is this many bytes of key_fill */
	uint8_t key_fill;
	const char *data_str;
	size_t data_fill_len;
	uint8_t data_fill;
	const char *sha1, *sha256, *sha512;
};

static const struct hmac_vec hmac_vecs[] = {
        /* RFC 4231 4.2 / RFC 2202 test case 1 */
        {NULL, NULL, 20, 0x0b, "Hi There", 0, 0, "b617318655057264e28bc0b6fb378c8ef146be00",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
         "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
        /* test case 2 */
        {NULL, "Jefe", 0, 0, "what do ya want for nothing?", 0, 0,
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
         "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
        /* test case 3 */
        {NULL, NULL, 20, 0xaa, NULL, 50, 0xdd, "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
         "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
        /* test case 4 */
        {"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL, 0, 0, NULL, 50, 0xcd,
         "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
         "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
         "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
        /* RFC 2202 test cases 5-7 (SHA-1 only here) */
        {NULL, NULL, 20, 0x0c, "Test With Truncation", 0, 0,
         "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04", NULL, NULL},
        {NULL, NULL, 80, 0xaa, "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0,
         "aa4ae5e15272d00e95705637ce8a3b55ed402112", NULL, NULL},
        {NULL, NULL, 80, 0xaa,
         "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", 0, 0,
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91", NULL, NULL},
};

static void check_hmac(enum crypto_hash_alg alg, const uint8_t *key, size_t key_len,
                       const uint8_t *data, size_t data_len, const char *want)
{
	uint8_t out[CRYPTO_HASH_MAX_LEN];
	size_t dlen = crypto_hash_len(alg);
	struct crypto_hmac_ctx h;

	if (!want)
		return;
	assert_int_equal(crypto_hmac(alg, key, key_len, data, data_len, out), 0);
	assert_hex(out, dlen, want);

	/* Incremental and split: what the packet MAC does (seqno, then packet). */
	assert_int_equal(crypto_hmac_init(&h, alg, key, key_len), 0);
	assert_int_equal(crypto_hmac_len(&h), dlen);
	for (int round = 0; round < 3; round++) {
		size_t cut = data_len / 3;
		assert_int_equal(crypto_hmac_update(&h, data, cut), 0);
		assert_int_equal(crypto_hmac_update(&h, data + cut, data_len - cut), 0);
		memset(out, 0, sizeof(out));
		assert_int_equal(crypto_hmac_final(&h, out), 0);
		assert_hex(out, dlen, want);
	}
	/* reset abandons a partial message. */
	assert_int_equal(crypto_hmac_update(&h, "junk", 4), 0);
	assert_int_equal(crypto_hmac_reset(&h), 0);
	assert_int_equal(crypto_hmac_update(&h, data, data_len), 0);
	assert_int_equal(crypto_hmac_final(&h, out), 0);
	assert_hex(out, dlen, want);
	crypto_hmac_free(&h);
	crypto_hmac_free(&h); /* idempotent */
	assert_int_equal(crypto_hmac_update(&h, data, data_len), SLC_ERR_INVALID);
}

static void test_hmac_rfc4231_rfc2202(void **state)
{
	for (size_t i = 0; i < sizeof(hmac_vecs) / sizeof(hmac_vecs[0]); i++) {
		const struct hmac_vec *v = &hmac_vecs[i];
		uint8_t key[80], data[80];
		size_t key_len, data_len;

		if (v->key_hex) {
			key_len = unhex(v->key_hex, key, sizeof(key));
		} else if (v->key_str) {
			key_len = strlen(v->key_str);
			memcpy(key, v->key_str, key_len);
		} else {
			key_len = v->key_fill_len;
			memset(key, v->key_fill, key_len);
		}
		if (v->data_str) {
			data_len = strlen(v->data_str);
			memcpy(data, v->data_str, data_len);
		} else {
			data_len = v->data_fill_len;
			memset(data, v->data_fill, data_len);
		}
		check_hmac(CRYPTO_HASH_SHA1, key, key_len, data, data_len, v->sha1);
		check_hmac(CRYPTO_HASH_SHA256, key, key_len, data, data_len, v->sha256);
		check_hmac(CRYPTO_HASH_SHA512, key, key_len, data, data_len, v->sha512);
	}
}

static void test_hmac_invalid(void **state)
{
	struct crypto_hmac_ctx h;
	uint8_t out[CRYPTO_HASH_MAX_LEN];

	assert_int_equal(crypto_hmac_init(&h, (enum crypto_hash_alg)99, "k", 1), SLC_ERR_INVALID);
	crypto_hmac_free(&h);
	/* An empty key is legal HMAC; it must not be taken as "keep the key". */
	assert_int_equal(crypto_hmac(CRYPTO_HASH_SHA256, NULL, 0, "", 0, out), 0);
	assert_hex(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

/* ---- randomness ---- */

static void test_rng_deterministic(void **state)
{
	struct slc_rng a, b, c, sys;
	uint8_t x[300], y[300], z[300];

	assert_int_equal(slc_rng_det_new("seed", 4, &a), 0);
	assert_int_equal(slc_rng_det_new("seed", 4, &b), 0);
	assert_int_equal(slc_rng_det_new("seee", 4, &c), 0);
	/* Same seed, same stream, however it is cut up. */
	assert_int_equal(slc_rng_fill(&a, x, sizeof(x)), 0);
	assert_int_equal(slc_rng_fill(&b, y, 1), 0);
	assert_int_equal(slc_rng_fill(&b, y + 1, 63), 0);
	assert_int_equal(slc_rng_fill(&b, y + 64, 0), 0);
	assert_int_equal(slc_rng_fill(&b, y + 64, sizeof(y) - 64), 0);
	assert_memory_equal(x, y, sizeof(x));
	/* The stream moves on, and another seed gives another stream. */
	assert_int_equal(slc_rng_fill(&a, y, sizeof(y)), 0);
	assert_memory_not_equal(x, y, sizeof(x));
	assert_int_equal(slc_rng_fill(&c, z, sizeof(z)), 0);
	assert_memory_not_equal(x, z, sizeof(x));
	slc_rng_det_del(&a);
	slc_rng_det_del(&b);
	slc_rng_det_del(&c);
	slc_rng_det_del(&c); /* idempotent */
	assert_int_equal(slc_rng_fill(&c, z, 1), SLC_ERR_INVALID);

	/* Empty seed is a seed like any other. */
	assert_int_equal(slc_rng_det_new(NULL, 0, &a), 0);
	assert_int_equal(slc_rng_det_new("", 0, &b), 0);
	assert_int_equal(slc_rng_fill(&a, x, 32), 0);
	assert_int_equal(slc_rng_fill(&b, y, 32), 0);
	assert_memory_equal(x, y, 32);
	slc_rng_det_del(&a);
	slc_rng_det_del(&b);

	slc_rng_system(&sys);
	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	assert_int_equal(slc_rng_fill(&sys, x, 64), 0);
	assert_int_equal(slc_rng_fill(&sys, y, 64), 0);
	assert_memory_not_equal(x, y, 64);
	slc_rng_det_del(&sys); /* not a det rng: ignored */
	assert_non_null(sys.fill);
}

/* Pins the construction: fuzz reproducers recorded today must replay. */
static void test_rng_deterministic_pinned(void **state)
{
	struct slc_rng r;
	uint8_t x[32], y[32];
	uint8_t key[32];
	static const char label[] = "sluice deterministic test rng v1";
	struct crypto_hash_ctx h;
	EVP_CIPHER_CTX *ctx;
	static const uint8_t iv[16];
	int outl;

	assert_int_equal(slc_rng_det_new("fuzz", 4, &r), 0);
	assert_int_equal(slc_rng_fill(&r, x, sizeof(x)), 0);
	slc_rng_det_del(&r);
	/* ChaCha20 keystream under SHA-256(label with its NUL || seed). */
	assert_int_equal(crypto_hash_init(&h, CRYPTO_HASH_SHA256), 0);
	assert_int_equal(crypto_hash_update(&h, label, sizeof(label)), 0);
	assert_int_equal(crypto_hash_update(&h, "fuzz", 4), 0);
	assert_int_equal(crypto_hash_final(&h, key), 0);
	crypto_hash_free(&h);
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex2(ctx, EVP_chacha20(), key, iv, NULL), 1);
	memset(y, 0, sizeof(y));
	assert_int_equal(EVP_EncryptUpdate(ctx, y, &outl, y, sizeof(y)), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_memory_equal(x, y, sizeof(x));
}

/* ---- X25519 ---- */

static void x25519_check(const char *scalar, const char *u, const char *want)
{
	uint8_t k[32], peer[32], out[CRYPTO_KEX_SECRET_MAX];
	struct crypto_kex *kx;
	size_t n = 0;

	unhex(scalar, k, sizeof(k));
	unhex(u, peer, sizeof(peer));
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_X25519, k, sizeof(k), &kx), 0);
	assert_int_equal(crypto_kex_derive(kx, peer, sizeof(peer), out, sizeof(out), &n), 0);
	assert_hex(out, n, want);
	crypto_kex_del(kx);
}

static void test_x25519_rfc7748_5_2(void **state)
{
	x25519_check("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	             "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	             "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	/* The u-coordinate has its top bit set; X25519 must mask it. */
	x25519_check("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	             "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	             "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* The iterated test: k = u = 9, then (k, u) = (X25519(k, u), k). */
static void test_x25519_rfc7748_5_2_iterated(void **state)
{
	uint8_t k[32] = {9}, u[32] = {9}, r[CRYPTO_KEX_SECRET_MAX];
	size_t n;

	for (int i = 1; i <= 1000; i++) {
		struct crypto_kex *kx;
		assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_X25519, k, 32, &kx), 0);
		assert_int_equal(crypto_kex_derive(kx, u, 32, r, sizeof(r), &n), 0);
		assert_int_equal(n, 32);
		crypto_kex_del(kx);
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1)
			assert_hex(
			        k, 32,
			        "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
	}
	assert_hex(k, 32, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

static void test_x25519_rfc7748_6_1(void **state)
{
	uint8_t a_priv[32], b_priv[32], sa[64], sb[64];
	struct crypto_kex *a, *b;
	const uint8_t *pub;
	size_t len, na, nb;

	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a_priv, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b_priv, 32);
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_X25519, a_priv, 32, &a), 0);
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_X25519, b_priv, 32, &b), 0);
	assert_int_equal(crypto_kex_alg(a), CRYPTO_KEX_X25519);
	pub = crypto_kex_public(a, &len);
	assert_hex(pub, len, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	pub = crypto_kex_public(b, &len);
	assert_hex(pub, len, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

	pub = crypto_kex_public(b, &len);
	assert_int_equal(crypto_kex_derive(a, pub, len, sa, sizeof(sa), &na), 0);
	pub = crypto_kex_public(a, &len);
	assert_int_equal(crypto_kex_derive(b, pub, len, sb, sizeof(sb), &nb), 0);
	assert_hex(sa, na, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	assert_hex(sb, nb, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	crypto_kex_del(a);
	crypto_kex_del(b);
}

static void test_x25519_rejects(void **state)
{
	/* Points whose product with any clamped scalar is the identity, so the
	 * output is all zeros (RFC 7748 section 6.1): 0, 1, a point of order 8,
	 * and p and p+1 (non-canonical encodings of 0 and 1). */
	static const char *low[] = {
	        "0000000000000000000000000000000000000000000000000000000000000000",
	        "0100000000000000000000000000000000000000000000000000000000000000",
	        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	struct slc_rng rng;
	struct crypto_kex *k;
	uint8_t peer[33], out[64];
	size_t n = 12345;

	assert_int_equal(slc_rng_det_new("x25519", 6, &rng), 0);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_X25519, &rng, &k), 0);
	for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++) {
		unhex(low[i], peer, sizeof(peer));
		memset(out, 0x55, sizeof(out));
		assert_int_equal(crypto_kex_derive(k, peer, 32, out, sizeof(out), &n),
		                 SLC_ERR_PROTOCOL);
		assert_int_equal(n, 12345);
	}
	memset(peer, 9, sizeof(peer));
	assert_int_equal(crypto_kex_derive(k, peer, 31, out, sizeof(out), &n), SLC_ERR_PROTOCOL);
	assert_int_equal(crypto_kex_derive(k, peer, 33, out, sizeof(out), &n), SLC_ERR_PROTOCOL);
	assert_int_equal(crypto_kex_derive(k, NULL, 0, out, sizeof(out), &n), SLC_ERR_PROTOCOL);
	assert_int_equal(crypto_kex_derive(k, peer, 32, out, 31, &n), SLC_ERR_INVALID);
	crypto_kex_del(k);
	slc_rng_det_del(&rng);

	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_X25519, peer, 31, &k), SLC_ERR_INVALID);
	assert_null(k);
}

/* ---- agreement for every algorithm ---- */

static void agree(enum crypto_kex_alg alg, const char *seed)
{
	struct slc_rng rng, rng2;
	struct crypto_kex *a, *b, *a2;
	uint8_t sa[CRYPTO_KEX_SECRET_MAX], sb[CRYPTO_KEX_SECRET_MAX];
	const uint8_t *pa, *pb, *pa2;
	size_t la, lb, la2, na = 0, nb = 0;

	assert_int_equal(slc_rng_det_new(seed, strlen(seed), &rng), 0);
	assert_int_equal(crypto_kex_new(alg, &rng, &a), 0);
	assert_int_equal(crypto_kex_new(alg, &rng, &b), 0);
	assert_int_equal(crypto_kex_alg(a), alg);
	pa = crypto_kex_public(a, &la);
	pb = crypto_kex_public(b, &lb);
	assert_true(la > 0 && la <= CRYPTO_KEX_PUBLIC_MAX);
	assert_int_equal(la, lb);
	assert_memory_not_equal(pa, pb, la);
	assert_int_equal(crypto_kex_derive(a, pb, lb, sa, sizeof(sa), &na), 0);
	assert_int_equal(crypto_kex_derive(b, pa, la, sb, sizeof(sb), &nb), 0);
	assert_int_equal(na, crypto_kex_secret_len(alg));
	assert_int_equal(na, nb);
	assert_memory_equal(sa, sb, na);

	/* The same seed reproduces the same key. */
	assert_int_equal(slc_rng_det_new(seed, strlen(seed), &rng2), 0);
	assert_int_equal(crypto_kex_new(alg, &rng2, &a2), 0);
	pa2 = crypto_kex_public(a2, &la2);
	assert_int_equal(la, la2);
	assert_memory_equal(pa, pa2, la);

	crypto_kex_del(a);
	crypto_kex_del(a2);
	crypto_kex_del(b);
	slc_rng_det_del(&rng);
	slc_rng_det_del(&rng2);
}

static void test_agree_x25519_ecdh(void **state)
{
	agree(CRYPTO_KEX_X25519, "x25519");
	agree(CRYPTO_KEX_ECDH_P256, "p256");
	agree(CRYPTO_KEX_ECDH_P384, "p384");
	agree(CRYPTO_KEX_ECDH_P521, "p521");
	assert_int_equal(crypto_kex_secret_len(CRYPTO_KEX_ECDH_P521), 66);
	assert_int_equal(crypto_kex_bits(CRYPTO_KEX_ECDH_P521), 521);
}

static void test_agree_dh14_16(void **state)
{
	agree(CRYPTO_KEX_DH_GROUP14, "dh14");
	agree(CRYPTO_KEX_DH_GROUP16, "dh16");
}

static void test_agree_dh18(void **state)
{
	struct slc_rng rng;
	struct crypto_kex *a, *b;
	uint8_t sa[CRYPTO_KEX_SECRET_MAX], sb[CRYPTO_KEX_SECRET_MAX];
	const uint8_t *pa, *pb;
	size_t la, lb, na, nb;

	/* One agreement only: an 8192-bit exchange is slow. */
	slc_rng_system(&rng);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_DH_GROUP18, &rng, &a), 0);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_DH_GROUP18, &rng, &b), 0);
	pa = crypto_kex_public(a, &la);
	pb = crypto_kex_public(b, &lb);
	assert_int_equal(la, 1024);
	assert_int_equal(crypto_kex_derive(a, pb, lb, sa, sizeof(sa), &na), 0);
	assert_int_equal(crypto_kex_derive(b, pa, la, sb, sizeof(sb), &nb), 0);
	assert_int_equal(na, 1024);
	assert_int_equal(nb, 1024);
	assert_memory_equal(sa, sb, na);
	crypto_kex_del(a);
	crypto_kex_del(b);
}

/* ---- ECDH ---- */

static void ecdh_vector(enum crypto_kex_alg alg, const char *i, const char *gi, const char *r,
                        const char *gr, const char *girx)
{
	uint8_t priv[66], s[CRYPTO_KEX_SECRET_MAX];
	struct crypto_kex *a, *b;
	const uint8_t *pa, *pb;
	size_t l, la, lb, n;

	l = unhex(i, priv, sizeof(priv));
	assert_int_equal(crypto_kex_new_private(alg, priv, l, &a), 0);
	l = unhex(r, priv, sizeof(priv));
	assert_int_equal(crypto_kex_new_private(alg, priv, l, &b), 0);
	pa = crypto_kex_public(a, &la);
	pb = crypto_kex_public(b, &lb);
	assert_hex(pa, la, gi);
	assert_hex(pb, lb, gr);
	assert_int_equal(crypto_kex_derive(a, pb, lb, s, sizeof(s), &n), 0);
	assert_hex(s, n, girx);
	assert_int_equal(crypto_kex_derive(b, pa, la, s, sizeof(s), &n), 0);
	assert_hex(s, n, girx);
	crypto_kex_del(a);
	crypto_kex_del(b);
}

/* RFC 5903 sections 8.1 and 8.2; SSH's K is the x-coordinate g^ir_x. */
static void test_ecdh_rfc5903(void **state)
{
	ecdh_vector(CRYPTO_KEX_ECDH_P256,
	            "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
	            "04"
	            "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
	            "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	            "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
	            "04"
	            "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
	            "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	            "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE");
}

static void test_ecdh_rfc5903_p384(void **state)
{
	/* Only the responder's public value and the secret are checked here. */
	uint8_t priv[48], peer[97], s[64];
	struct crypto_kex *a;
	size_t l, lp, n;

	l = unhex("099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
	          "E35B5380 41E649EE 3FAEF896 783AB194",
	          priv, sizeof(priv));
	lp = unhex("04"
	           "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
	           "0D1AC43A 0336DEF9 6FDA41D0 774A3571 DCFBEC7A ACF31964 72169E83 8430367F"
	           "66EEBE3C 6E70C416 DD5F0C68 759DD1FF F83FA401 42209DFF 5EAAD96D B9E6386C",
	           peer, sizeof(peer));
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_ECDH_P384, priv, l, &a), 0);
	assert_int_equal(crypto_kex_derive(a, peer, lp, s, sizeof(s), &n), 0);
	assert_hex(s, n,
	           "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
	           "D6031355 69B9E9D0 9CF5D4A2 70F59746");
	crypto_kex_del(a);
}

static void test_ecdh_rejects(void **state)
{
	static const enum crypto_kex_alg algs[] = {CRYPTO_KEX_ECDH_P256, CRYPTO_KEX_ECDH_P384,
	                                           CRYPTO_KEX_ECDH_P521};
	struct slc_rng rng;

	assert_int_equal(slc_rng_det_new("ecdh rejects", 12, &rng), 0);
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct crypto_kex *a, *b, *k;
		uint8_t bad[CRYPTO_KEX_PUBLIC_MAX], s[CRYPTO_KEX_SECRET_MAX], big[67];
		const uint8_t *pb;
		size_t lb, n = 777, fl = crypto_kex_secret_len(algs[i]);

		assert_int_equal(crypto_kex_new(algs[i], &rng, &a), 0);
		assert_int_equal(crypto_kex_new(algs[i], &rng, &b), 0);
		pb = crypto_kex_public(b, &lb);
		assert_int_equal(lb, 1 + 2 * fl);
		assert_int_equal(pb[0], 4);

		/* Off the curve: y changed. */
		memcpy(bad, pb, lb);
		bad[lb - 1] ^= 1;
		assert_int_equal(crypto_kex_derive(a, bad, lb, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		/* Compressed and hybrid forms, wrong lengths, the point at infinity. */
		memcpy(bad, pb, lb);
		bad[0] = 2 + (pb[lb - 1] & 1);
		assert_int_equal(crypto_kex_derive(a, bad, 1 + fl, s, sizeof(s), &n),
		                 SLC_ERR_PROTOCOL);
		memcpy(bad, pb, lb);
		bad[0] = 6 + (pb[lb - 1] & 1);
		assert_int_equal(crypto_kex_derive(a, bad, lb, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		assert_int_equal(crypto_kex_derive(a, pb, lb - 1, s, sizeof(s), &n),
		                 SLC_ERR_PROTOCOL);
		memcpy(bad, pb, lb);
		bad[lb] = 0;
		assert_int_equal(crypto_kex_derive(a, bad, lb + 1, s, sizeof(s), &n),
		                 SLC_ERR_PROTOCOL);
		bad[0] = 0;
		assert_int_equal(crypto_kex_derive(a, bad, 1, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		assert_int_equal(crypto_kex_derive(a, NULL, 0, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		/* All zeros and coordinates >= p. */
		memset(bad, 0, lb);
		bad[0] = 4;
		assert_int_equal(crypto_kex_derive(a, bad, lb, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		memset(bad, 0xff, lb);
		bad[0] = 4;
		assert_int_equal(crypto_kex_derive(a, bad, lb, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
		/* A valid point of another curve. */
		if (i > 0) {
			struct crypto_kex *o;
			const uint8_t *po;
			size_t lo;
			assert_int_equal(crypto_kex_new(algs[i - 1], &rng, &o), 0);
			po = crypto_kex_public(o, &lo);
			assert_int_equal(crypto_kex_derive(a, po, lo, s, sizeof(s), &n),
			                 SLC_ERR_PROTOCOL);
			crypto_kex_del(o);
		}
		assert_int_equal(n, 777);
		/* Still fine with the real point; too small an output buffer. */
		assert_int_equal(crypto_kex_derive(a, pb, lb, s, fl - 1, &n), SLC_ERR_INVALID);
		assert_int_equal(crypto_kex_derive(a, pb, lb, s, fl, &n), 0);
		assert_int_equal(n, fl);

		/* Private scalars out of range: 0, too long, all ones (>= order). */
		memset(big, 0, sizeof(big));
		assert_int_equal(crypto_kex_new_private(algs[i], big, fl, &k), SLC_ERR_INVALID);
		assert_null(k);
		assert_int_equal(crypto_kex_new_private(algs[i], big, fl + 1, &k), SLC_ERR_INVALID);
		memset(big, 0xff, sizeof(big));
		if (i == 2)
			big[0] = 0x01; /* 2^521 - 1 */
		assert_int_equal(crypto_kex_new_private(algs[i], big, fl, &k), SLC_ERR_INVALID);
		big[0] = 0;
		big[fl - 1] = 1;
		assert_int_equal(crypto_kex_new_private(algs[i], big + fl - 1, 1, &k), 0);
		crypto_kex_del(k);

		crypto_kex_del(a);
		crypto_kex_del(b);
	}
	slc_rng_det_del(&rng);
}

/* ---- finite-field DH ---- */

static const struct {
	enum crypto_kex_alg alg;
	unsigned bits;
	const char *ossl_name;
} dh_groups[] = {
        {CRYPTO_KEX_DH_GROUP14, 2048, "modp_2048"},
        {CRYPTO_KEX_DH_GROUP16, 4096, "modp_4096"},
        {CRYPTO_KEX_DH_GROUP18, 8192, "modp_8192"},
};

/* libcrypto's built-in copy of a named group's prime. */
static BIGNUM *ossl_prime(const char *name)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *params = NULL;
	BIGNUM *p = NULL;
	OSSL_PARAM in[2];

	assert_non_null(ctx);
	in[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0);
	in[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_PKEY_paramgen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_params(ctx, in), 1);
	assert_int_equal(EVP_PKEY_paramgen(ctx, &params), 1);
	assert_int_equal(EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p), 1);
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(ctx);
	return p;
}

static void test_dh_primes(void **state)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++) {
		uint8_t p[1024];
		size_t len = 0;
		BIGNUM *ours, *theirs;

		assert_int_equal(crypto_kex_bits(dh_groups[i].alg), dh_groups[i].bits);
		assert_int_equal(crypto_kex_secret_len(dh_groups[i].alg), dh_groups[i].bits / 8);
		assert_int_equal(crypto_kex_dh_prime(dh_groups[i].alg, p, sizeof(p), &len), 0);
		assert_int_equal(len, dh_groups[i].bits / 8);
		assert_non_null(ours = BN_bin2bn(p, (int)len, NULL));
		assert_int_equal(BN_num_bits(ours), (int)dh_groups[i].bits);
		/* RFC 3526's shape: top and bottom 64 bits all ones. */
		for (size_t j = 0; j < 8; j++) {
			assert_int_equal(p[j], 0xff);
			assert_int_equal(p[len - 1 - j], 0xff);
		}
		theirs = ossl_prime(dh_groups[i].ossl_name);
		assert_int_equal(BN_cmp(ours, theirs), 0);
		BN_free(ours);
		BN_free(theirs);
		assert_int_equal(crypto_kex_dh_prime(dh_groups[i].alg, p, len - 1, &len),
		                 SLC_ERR_INVALID);
	}
	uint8_t p[8];
	size_t len;
	assert_int_equal(crypto_kex_dh_prime(CRYPTO_KEX_X25519, p, sizeof(p), &len),
	                 SLC_ERR_INVALID);
}

/* Fixed exponents: e, f and K checked against plain modular arithmetic. */
static void test_dh14_fixed_exponents(void **state)
{
	uint8_t p[256], x[40], y[40], s[CRYPTO_KEX_SECRET_MAX], want[256];
	struct crypto_kex *a, *b;
	const uint8_t *pa, *pb;
	size_t plen, la, lb, n;
	BIGNUM *bp, *bx, *by, *bxy, *two, *k;
	BN_CTX *ctx = BN_CTX_new();

	assert_int_equal(crypto_kex_dh_prime(CRYPTO_KEX_DH_GROUP14, p, sizeof(p), &plen), 0);
	for (size_t i = 0; i < sizeof(x); i++) {
		x[i] = (uint8_t)(0x11 * i + 3);
		y[i] = (uint8_t)(0x35 * i + 7);
	}
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, x, sizeof(x), &a), 0);
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, y, sizeof(y), &b), 0);
	pa = crypto_kex_public(a, &la);
	pb = crypto_kex_public(b, &lb);
	assert_int_equal(la, 256);
	assert_int_equal(crypto_kex_derive(a, pb, lb, s, sizeof(s), &n), 0);
	assert_int_equal(n, 256);

	bp = BN_bin2bn(p, (int)plen, NULL);
	bx = BN_bin2bn(x, sizeof(x), NULL);
	by = BN_bin2bn(y, sizeof(y), NULL);
	bxy = BN_new();
	two = BN_new();
	k = BN_new();
	assert_true(ctx && bp && bx && by && bxy && two && k);
	assert_int_equal(BN_set_word(two, 2), 1);
	assert_int_equal(BN_mod_exp(k, two, bx, bp, ctx), 1);
	assert_int_equal(BN_bn2binpad(k, want, 256), 256);
	assert_memory_equal(pa, want, 256);
	assert_int_equal(BN_mul(bxy, bx, by, ctx), 1);
	assert_int_equal(BN_mod_exp(k, two, bxy, bp, ctx), 1);
	assert_int_equal(BN_bn2binpad(k, want, 256), 256);
	assert_memory_equal(s, want, 256);
	/* The other side, with f given as a minimal mpint magnitude. */
	size_t skip = 0;
	while (skip < la && pa[skip] == 0)
		skip++;
	assert_int_equal(crypto_kex_derive(b, pa + skip, la - skip, s, sizeof(s), &n), 0);
	assert_memory_equal(s, want, 256);

	BN_free(bp);
	BN_free(bx);
	BN_free(by);
	BN_free(bxy);
	BN_free(two);
	BN_free(k);
	BN_CTX_free(ctx);
	crypto_kex_del(a);
	crypto_kex_del(b);
}

static void test_dh_rejects(void **state)
{
	uint8_t p[256], v[CRYPTO_KEX_PUBLIC_MAX + 8], s[CRYPTO_KEX_SECRET_MAX];
	struct slc_rng rng;
	struct crypto_kex *a, *k;
	size_t plen, n = 4242;
	const uint8_t one = 1, two = 2;

	assert_int_equal(crypto_kex_dh_prime(CRYPTO_KEX_DH_GROUP14, p, sizeof(p), &plen), 0);
	assert_int_equal(slc_rng_det_new("dh rejects", 10, &rng), 0);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_DH_GROUP14, &rng, &a), 0);

	/* f = 0 (an empty mpint), 0 with leading zeros, 1. */
	assert_int_equal(crypto_kex_derive(a, NULL, 0, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	memset(v, 0, sizeof(v));
	assert_int_equal(crypto_kex_derive(a, v, 256, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	assert_int_equal(crypto_kex_derive(a, &one, 1, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	/* f = p-1, p, p+1. */
	memcpy(v, p, plen);
	v[plen - 1] -= 1;
	assert_int_equal(crypto_kex_derive(a, v, plen, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	v[plen - 1] += 1;
	assert_int_equal(crypto_kex_derive(a, v, plen, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	BIGNUM *pp1 = BN_bin2bn(p, (int)plen, NULL);
	assert_non_null(pp1);
	assert_int_equal(BN_add_word(pp1, 1), 1);
	assert_int_equal(BN_bn2binpad(pp1, v, (int)plen), (int)plen);
	BN_free(pp1);
	assert_int_equal(crypto_kex_derive(a, v, plen, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	/* f >= 2^2048, and absurdly long. */
	memset(v, 0, sizeof(v));
	v[0] = 1;
	assert_int_equal(crypto_kex_derive(a, v, plen + 1, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	memset(v, 0xff, sizeof(v));
	assert_int_equal(crypto_kex_derive(a, v, plen * 2, s, sizeof(s), &n), SLC_ERR_PROTOCOL);
	assert_int_equal(crypto_kex_derive(a, v, (size_t)1 << 30, s, sizeof(s), &n),
	                 SLC_ERR_PROTOCOL);
	assert_int_equal(n, 4242);

	/* The edges that are allowed: 2 and p-2, and leading zeros. */
	assert_int_equal(crypto_kex_derive(a, &two, 1, s, sizeof(s), &n), 0);
	memcpy(v, p, plen);
	v[plen - 1] -= 2;
	assert_int_equal(crypto_kex_derive(a, v, plen, s, sizeof(s), &n), 0);
	memset(v, 0, 8);
	v[8] = 2;
	assert_int_equal(crypto_kex_derive(a, v, 9, s, sizeof(s), &n), 0);
	assert_int_equal(n, plen);
	assert_int_equal(crypto_kex_derive(a, v, 9, s, plen - 1, &n), SLC_ERR_INVALID);
	crypto_kex_del(a);
	slc_rng_det_del(&rng);

	/* Private exponents out of range: 0, 1, p-1, too long. */
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, v, 0, &k), SLC_ERR_INVALID);
	assert_null(k);
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, &one, 1, &k),
	                 SLC_ERR_INVALID);
	memcpy(v, p, plen);
	v[plen - 1] -= 1;
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, v, plen, &k),
	                 SLC_ERR_INVALID);
	v[plen - 1] -= 1;
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, v, plen, &k), 0);
	crypto_kex_del(k);
	memset(v, 0, sizeof(v));
	v[plen] = 5;
	assert_int_equal(crypto_kex_new_private(CRYPTO_KEX_DH_GROUP14, v, plen + 1, &k),
	                 SLC_ERR_INVALID);
}

/* ---- misc ---- */

static void test_kex_invalid_args(void **state)
{
	struct slc_rng rng = {0};
	struct crypto_kex *k = (struct crypto_kex *)&rng;
	uint8_t b[32] = {1};

	assert_int_equal(crypto_kex_new((enum crypto_kex_alg)99, &rng, &k), SLC_ERR_INVALID);
	assert_null(k);
	assert_int_equal(crypto_kex_new_private((enum crypto_kex_alg)99, b, 32, &k),
	                 SLC_ERR_INVALID);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_X25519, NULL, &k), SLC_ERR_INVALID);
	/* An rng without a fill function fails cleanly. */
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_X25519, &rng, &k), SLC_ERR_INVALID);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_ECDH_P256, &rng, &k), SLC_ERR_INVALID);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_DH_GROUP14, &rng, &k), SLC_ERR_INVALID);
	assert_null(k);
	assert_int_equal(crypto_kex_secret_len((enum crypto_kex_alg)99), 0);
	assert_int_equal(crypto_kex_bits((enum crypto_kex_alg)99), 0);
	crypto_kex_del(NULL);
}

static int failing_fill(void *ctx, void *out, size_t n)
{
	return SLC_ERR_SYS;
}

static void test_rng_failure_propagates(void **state)
{
	struct slc_rng rng = {failing_fill, NULL};
	struct crypto_kex *k;

	assert_int_equal(crypto_kex_new(CRYPTO_KEX_X25519, &rng, &k), SLC_ERR_SYS);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_ECDH_P384, &rng, &k), SLC_ERR_SYS);
	assert_int_equal(crypto_kex_new(CRYPTO_KEX_DH_GROUP16, &rng, &k), SLC_ERR_SYS);
	assert_null(k);
}

static void test_helpers(void **state)
{
	uint8_t a[16], b[16];
	uint8_t *p;

	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(crypto_ct_equal(a, b, sizeof(a)));
	assert_true(crypto_ct_equal(a, b, 0));
	b[15] ^= 0x80;
	assert_false(crypto_ct_equal(a, b, sizeof(a)));
	assert_true(crypto_ct_equal(a, b, 15));
	crypto_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));
	crypto_wipe(NULL, 0);
	assert_non_null(p = malloc(32));
	memset(p, 0xaa, 32);
	crypto_free_secret(p, 32);
	crypto_free_secret(NULL, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hash_fips180),
	        cmocka_unit_test(test_hash_misc),
	        cmocka_unit_test(test_hmac_rfc4231_rfc2202),
	        cmocka_unit_test(test_hmac_invalid),
	        cmocka_unit_test(test_rng_deterministic),
	        cmocka_unit_test(test_rng_deterministic_pinned),
	        cmocka_unit_test(test_x25519_rfc7748_5_2),
	        cmocka_unit_test(test_x25519_rfc7748_5_2_iterated),
	        cmocka_unit_test(test_x25519_rfc7748_6_1),
	        cmocka_unit_test(test_x25519_rejects),
	        cmocka_unit_test(test_agree_x25519_ecdh),
	        cmocka_unit_test(test_agree_dh14_16),
	        cmocka_unit_test(test_agree_dh18),
	        cmocka_unit_test(test_ecdh_rfc5903),
	        cmocka_unit_test(test_ecdh_rfc5903_p384),
	        cmocka_unit_test(test_ecdh_rejects),
	        cmocka_unit_test(test_dh_primes),
	        cmocka_unit_test(test_dh14_fixed_exponents),
	        cmocka_unit_test(test_dh_rejects),
	        cmocka_unit_test(test_kex_invalid_args),
	        cmocka_unit_test(test_rng_failure_propagates),
	        cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
