/* crypto: randomness, hashes, HMAC and ephemeral key agreement over EVP.
 *
 * Only EVP, EVP_MAC, BIGNUM and the (non-deprecated) EC_GROUP/EC_POINT
 * calls: the latter because OpenSSL 3.0's EVP cannot build an EC key from a
 * private scalar alone, and we need that to draw scalars from our own rng. */
#include "crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "dh.h"

/* ---- helpers ---- */

bool crypto_ct_equal(const void *a, const void *b, size_t n)
{
	return n == 0 || CRYPTO_memcmp(a, b, n) == 0;
}

void crypto_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

void crypto_free_secret(void *p, size_t n)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, n);
	free(p);
}

/* ---- randomness ---- */

int slc_rng_fill(const struct slc_rng *rng, void *out, size_t n)
{
	if (n == 0)
		return 0;
	if (!rng || !rng->fill || !out)
		return SLC_ERR_INVALID;
	return rng->fill(rng->ctx, out, n);
}

static int rng_system_fill(void *ctx, void *out, size_t n)
{
	return RAND_bytes_ex(NULL, out, n, 0) == 1 ? 0 : SLC_ERR_CRYPTO;
}

void slc_rng_system(struct slc_rng *rng)
{
	rng->fill = rng_system_fill;
	rng->ctx = NULL;
}

/* Versioned so that changing the construction changes every stream, rather
 * than silently giving different fuzzer reproductions under the same name. */
static const char rng_det_label[] = "sluice deterministic test rng v1";

static int rng_det_fill(void *ctx, void *out, size_t n)
{
	uint8_t *p = out;

	/* Encrypting zeros in place yields the bare keystream. */
	memset(out, 0, n);
	while (n > 0) {
		int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
		int outl = 0;
		if (EVP_EncryptUpdate(ctx, p, &outl, p, chunk) != 1 || outl != chunk)
			return SLC_ERR_CRYPTO;
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

int slc_rng_det_new(const void *seed, size_t seed_len, struct slc_rng *rng)
{
	static const uint8_t iv[16]; /* counter and nonce start at zero */
	struct crypto_hash_ctx h = {0};
	uint8_t key[32];
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int rc;

	rng->fill = NULL;
	rng->ctx = NULL;
	if ((rc = crypto_hash_init(&h, CRYPTO_HASH_SHA256)) != 0 ||
	    (rc = crypto_hash_update(&h, rng_det_label, sizeof(rng_det_label))) != 0 ||
	    (rc = crypto_hash_update(&h, seed, seed_len)) != 0 ||
	    (rc = crypto_hash_final(&h, key)) != 0)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(ctx = EVP_CIPHER_CTX_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!(cipher = EVP_CIPHER_fetch(NULL, "ChaCha20", NULL)) ||
	    EVP_EncryptInit_ex2(ctx, cipher, key, iv, NULL) != 1)
		goto out;
	rng->fill = rng_det_fill;
	rng->ctx = ctx;
	ctx = NULL; /* transferred */
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	crypto_hash_free(&h);
	EVP_CIPHER_free(cipher);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

void slc_rng_det_del(struct slc_rng *rng)
{
	if (!rng || rng->fill != rng_det_fill)
		return;
	EVP_CIPHER_CTX_free(rng->ctx);
	rng->fill = NULL;
	rng->ctx = NULL;
}

/* ---- hashes ---- */

static const EVP_MD *hash_md(enum crypto_hash_alg alg)
{
	switch (alg) {
	case CRYPTO_HASH_SHA1:
		return EVP_sha1();
	case CRYPTO_HASH_SHA256:
		return EVP_sha256();
	case CRYPTO_HASH_SHA384:
		return EVP_sha384();
	case CRYPTO_HASH_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

/* Provider names, for EVP_MAC's digest parameter. */
static const char *hash_name(enum crypto_hash_alg alg)
{
	switch (alg) {
	case CRYPTO_HASH_SHA1:
		return "SHA1";
	case CRYPTO_HASH_SHA256:
		return "SHA2-256";
	case CRYPTO_HASH_SHA384:
		return "SHA2-384";
	case CRYPTO_HASH_SHA512:
		return "SHA2-512";
	}
	return NULL;
}

size_t crypto_hash_len(enum crypto_hash_alg alg)
{
	switch (alg) {
	case CRYPTO_HASH_SHA1:
		return 20;
	case CRYPTO_HASH_SHA256:
		return 32;
	case CRYPTO_HASH_SHA384:
		return 48;
	case CRYPTO_HASH_SHA512:
		return 64;
	}
	return 0;
}

int crypto_hash(enum crypto_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = hash_md(alg);

	if (!md)
		return SLC_ERR_INVALID;
	return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? 0 : SLC_ERR_CRYPTO;
}

int crypto_hash_init(struct crypto_hash_ctx *h, enum crypto_hash_alg alg)
{
	const EVP_MD *md = hash_md(alg);
	EVP_MD_CTX *ctx = NULL;
	int rc = SLC_ERR_INVALID;

	h->md = NULL;
	h->alg = alg;
	if (!md)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(ctx = EVP_MD_CTX_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		goto out;
	h->md = ctx;
	ctx = NULL; /* transferred */
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

int crypto_hash_update(struct crypto_hash_ctx *h, const void *data, size_t len)
{
	if (!h->md)
		return SLC_ERR_INVALID;
	return EVP_DigestUpdate(h->md, data, len) == 1 ? 0 : SLC_ERR_CRYPTO;
}

int crypto_hash_final(struct crypto_hash_ctx *h, uint8_t *out)
{
	if (!h->md)
		return SLC_ERR_INVALID;
	if (EVP_DigestFinal_ex(h->md, out, NULL) != 1)
		return SLC_ERR_CRYPTO;
	/* NULL keeps the digest already set: ready for the next message. */
	return EVP_DigestInit_ex2(h->md, NULL, NULL) == 1 ? 0 : SLC_ERR_CRYPTO;
}

int crypto_hash_copy(struct crypto_hash_ctx *dst, const struct crypto_hash_ctx *src)
{
	EVP_MD_CTX *ctx = NULL;
	int rc = SLC_ERR_INVALID;

	dst->md = NULL;
	dst->alg = src->alg;
	if (!src->md)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(ctx = EVP_MD_CTX_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (EVP_MD_CTX_copy_ex(ctx, src->md) != 1)
		goto out;
	dst->md = ctx;
	ctx = NULL; /* transferred */
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

void crypto_hash_free(struct crypto_hash_ctx *h)
{
	/* EVP_MD_CTX_free wipes the state, which may hold a shared secret. */
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

/* ---- HMAC ---- */

int crypto_hmac_init(struct crypto_hmac_ctx *h, enum crypto_hash_alg alg, const void *key,
                     size_t key_len)
{
	const char *name = hash_name(alg);
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	int rc = SLC_ERR_INVALID;

	h->mac = NULL;
	h->len = 0;
	if (!name)
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(ctx = EVP_MAC_CTX_new(mac)))
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A NULL key would mean "reuse the current key"; an empty key is "". */
	rc = SLC_ERR_CRYPTO;
	if (EVP_MAC_init(ctx, key ? key : (const void *)"", key_len, params) != 1)
		goto out;
	if (EVP_MAC_CTX_get_mac_size(ctx) != crypto_hash_len(alg))
		goto out;
	h->mac = ctx;
	h->len = crypto_hash_len(alg);
	ctx = NULL; /* transferred */
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac); /* the context holds its own reference */
	return rc;
}

int crypto_hmac_update(struct crypto_hmac_ctx *h, const void *data, size_t len)
{
	if (!h->mac)
		return SLC_ERR_INVALID;
	return EVP_MAC_update(h->mac, data, len) == 1 ? 0 : SLC_ERR_CRYPTO;
}

int crypto_hmac_reset(struct crypto_hmac_ctx *h)
{
	if (!h->mac)
		return SLC_ERR_INVALID;
	/* A NULL key restarts from the saved inner/outer pad states. */
	return EVP_MAC_init(h->mac, NULL, 0, NULL) == 1 ? 0 : SLC_ERR_CRYPTO;
}

int crypto_hmac_final(struct crypto_hmac_ctx *h, uint8_t *out)
{
	size_t outl = 0;

	if (!h->mac)
		return SLC_ERR_INVALID;
	if (EVP_MAC_final(h->mac, out, &outl, h->len) != 1 || outl != h->len)
		return SLC_ERR_CRYPTO;
	return crypto_hmac_reset(h);
}

void crypto_hmac_free(struct crypto_hmac_ctx *h)
{
	/* Frees (and wipes) libcrypto's copy of the key. */
	EVP_MAC_CTX_free(h->mac);
	h->mac = NULL;
	h->len = 0;
}

int crypto_hmac(enum crypto_hash_alg alg, const void *key, size_t key_len, const void *data,
                size_t len, uint8_t *out)
{
	struct crypto_hmac_ctx h;
	int rc;

	if ((rc = crypto_hmac_init(&h, alg, key, key_len)) != 0)
		return rc;
	if ((rc = crypto_hmac_update(&h, data, len)) == 0)
		rc = crypto_hmac_final(&h, out);
	crypto_hmac_free(&h);
	return rc;
}

/* ---- key agreement ---- */

#define X25519_LEN 32

struct crypto_kex {
	enum crypto_kex_alg alg;
	EVP_PKEY *pkey; /* holds the private value; EVP_PKEY_free wipes it */
	size_t pub_len;
	uint8_t pub[CRYPTO_KEX_PUBLIC_MAX];
};

struct ec_curve {
	enum crypto_kex_alg alg;
	const char *name; /* OSSL_PKEY_PARAM_GROUP_NAME */
	int nid;
	unsigned bits; /* of p, and of the group order for these curves */
	size_t field_len; /* bytes per coordinate */
};

static const struct ec_curve ec_curves[] = {
        {CRYPTO_KEX_ECDH_P256, "P-256", NID_X9_62_prime256v1, 256, 32},
        {CRYPTO_KEX_ECDH_P384, "P-384", NID_secp384r1, 384, 48},
        {CRYPTO_KEX_ECDH_P521, "P-521", NID_secp521r1, 521, 66},
};

static const struct ec_curve *ec_curve(enum crypto_kex_alg alg)
{
	for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
		if (ec_curves[i].alg == alg)
			return &ec_curves[i];
	return NULL;
}

static bool kex_is_dh(enum crypto_kex_alg alg)
{
	return dh_group_bits(alg) != 0;
}

unsigned crypto_kex_bits(enum crypto_kex_alg alg)
{
	const struct ec_curve *c = ec_curve(alg);

	if (alg == CRYPTO_KEX_X25519)
		return 255;
	if (c)
		return c->bits;
	return dh_group_bits(alg);
}

size_t crypto_kex_secret_len(enum crypto_kex_alg alg)
{
	const struct ec_curve *c = ec_curve(alg);

	if (alg == CRYPTO_KEX_X25519)
		return X25519_LEN;
	if (c)
		return c->field_len;
	return dh_group_bits(alg) / 8;
}

int crypto_kex_dh_prime(enum crypto_kex_alg alg, uint8_t *out, size_t size, size_t *len)
{
	return dh_group_prime(alg, out, size, len);
}

enum crypto_kex_alg crypto_kex_alg(const struct crypto_kex *k)
{
	return k->alg;
}

const uint8_t *crypto_kex_public(const struct crypto_kex *k, size_t *len)
{
	*len = k->pub_len;
	return k->pub;
}

void crypto_kex_del(struct crypto_kex *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* X25519 */

static int x25519_keypair(struct crypto_kex *k, const uint8_t *priv)
{
	size_t len = X25519_LEN;

	if (!(k->pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv, X25519_LEN)))
		return SLC_ERR_CRYPTO;
	if (EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len) != 1 || len != X25519_LEN)
		return SLC_ERR_CRYPTO;
	k->pub_len = X25519_LEN;
	return 0;
}

static int x25519_derive(const struct crypto_kex *k, const uint8_t *peer, size_t peer_len,
                         uint8_t *secret)
{
	static const uint8_t zero[X25519_LEN];
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = X25519_LEN;
	int rc = SLC_ERR_PROTOCOL;

	if (peer_len != X25519_LEN)
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!(peer_key = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, peer, peer_len)))
		goto out;
	if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) ||
	    EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer_ex(ctx, peer_key, 0) != 1)
		goto out;
	/* Once both keys exist, libcrypto's X25519 fails only on an all-zero
	 * result (a low-order peer point), so a failure here is the peer's. */
	rc = SLC_ERR_PROTOCOL;
	if (EVP_PKEY_derive(ctx, secret, &n) != 1 || n != X25519_LEN) {
		OPENSSL_cleanse(secret, X25519_LEN);
		ERR_clear_error();
		goto out;
	}
	/* RFC 7748 section 6.1 / RFC 8731 section 3 make the check mandatory;
	 * do it here rather than trust every libcrypto version to. */
	if (CRYPTO_memcmp(secret, zero, X25519_LEN) == 0)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	return rc;
}

/* ECDH */

/* Key pair from a scalar already checked to be in [1, order). */
static int ec_keypair(struct crypto_kex *k, const struct ec_curve *c, const EC_GROUP *grp,
                      const BIGNUM *d)
{
	EC_POINT *q = NULL;
	BN_CTX *bnctx = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t want = 1 + 2 * c->field_len;
	int rc = SLC_ERR_NOMEM;

	if (!(q = EC_POINT_new(grp)) || !(bnctx = BN_CTX_new()) || !(bld = OSSL_PARAM_BLD_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (EC_POINT_mul(grp, q, d, NULL, NULL, bnctx) != 1 ||
	    EC_POINT_point2oct(grp, q, POINT_CONVERSION_UNCOMPRESSED, k->pub, sizeof(k->pub),
	                       bnctx) != want)
		goto out;
	k->pub_len = want;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, k->pub, k->pub_len) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	if (!(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k->pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	/* d is a BN_secure_new bignum, so its copy sits in the params' secure
	 * block, which OSSL_PARAM_free wipes. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_CTX_free(bnctx);
	EC_POINT_free(q);
	return rc;
}

/* From rng (priv == NULL) or from a fixed big-endian scalar. */
static int ec_new(struct crypto_kex *k, const struct slc_rng *rng, const uint8_t *priv,
                  size_t priv_len)
{
	const struct ec_curve *c = ec_curve(k->alg);
	EC_GROUP *grp = NULL;
	BIGNUM *d = NULL;
	uint8_t b[66];
	int rc = SLC_ERR_NOMEM;

	if (!(grp = EC_GROUP_new_by_curve_name(c->nid)) || !(d = BN_secure_new()))
		goto out;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (priv) {
		rc = SLC_ERR_INVALID;
		if (priv_len > c->field_len)
			goto out;
		rc = SLC_ERR_CRYPTO;
		if (!BN_bin2bn(priv, (int)priv_len, d))
			goto out;
		rc = SLC_ERR_INVALID;
		if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(grp)) >= 0)
			goto out;
	} else {
		/* Rejection sampling in [1, order): uniform, and each order here
		 * is so close to a power of two that a retry is ~2^-32 likely or
		 * less. The bound only stops a broken rng from looping forever. */
		uint8_t mask = c->bits % 8 ? (uint8_t)((1u << (c->bits % 8)) - 1) : 0xff;
		int tries = 0;
		rc = SLC_ERR_INVALID;
		if (c->field_len > sizeof(b)) /* a table entry outgrew the buffer */
			goto out;
		for (;;) {
			rc = SLC_ERR_CRYPTO;
			if (++tries > 64)
				goto out;
			if ((rc = slc_rng_fill(rng, b, c->field_len)) != 0)
				goto out;
			b[0] &= mask;
			rc = SLC_ERR_CRYPTO;
			if (!BN_bin2bn(b, (int)c->field_len, d))
				goto out;
			if (!BN_is_zero(d) && BN_cmp(d, EC_GROUP_get0_order(grp)) < 0)
				break;
		}
	}
	rc = ec_keypair(k, c, grp, d);
out:
	OPENSSL_cleanse(b, sizeof(b));
	BN_clear_free(d);
	EC_GROUP_free(grp);
	return rc;
}

/* The peer's point as a public EVP_PKEY, or SLC_ERR_PROTOCOL. */
static int ec_peer(const struct ec_curve *c, const uint8_t *peer, size_t peer_len, EVP_PKEY **out)
{
	EC_GROUP *grp = NULL;
	EC_POINT *q = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = SLC_ERR_PROTOCOL;

	*out = NULL;
	/* Only SEC1's uncompressed form: it is what we and OpenSSH send, and
	 * it fixes the length exactly. Compressed points would need a square
	 * root on untrusted input for no gain. */
	if (peer_len != 1 + 2 * c->field_len || peer[0] != POINT_CONVERSION_UNCOMPRESSED)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(grp = EC_GROUP_new_by_curve_name(c->nid)) || !(q = EC_POINT_new(grp)))
		goto out;
	/* SEC1 3.2.2.1 partial validation; with cofactor 1 it is the full
	 * check. oct2point refuses coordinates >= p and points off the curve;
	 * the explicit tests keep that from resting on one function's habits. */
	rc = SLC_ERR_PROTOCOL;
	if (EC_POINT_oct2point(grp, q, peer, peer_len, NULL) != 1 ||
	    EC_POINT_is_at_infinity(grp, q) || EC_POINT_is_on_curve(grp, q, NULL) != 1) {
		ERR_clear_error();
		goto out;
	}
	rc = SLC_ERR_NOMEM;
	if (!(bld = OSSL_PARAM_BLD_new()))
		goto out;
	rc = SLC_ERR_CRYPTO;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, peer, peer_len) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	if (!(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(q);
	EC_GROUP_free(grp);
	return rc;
}

static int ec_derive(const struct crypto_kex *k, const uint8_t *peer, size_t peer_len,
                     uint8_t *secret)
{
	const struct ec_curve *c = ec_curve(k->alg);
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = 0;
	int rc;

	if ((rc = ec_peer(c, peer, peer_len, &peer_key)) != 0)
		goto out;
	rc = SLC_ERR_CRYPTO;
	/* Validated in ec_peer; libcrypto's own check would repeat it and add
	 * an order-times-point multiplication that cofactor 1 makes pointless. */
	if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) ||
	    EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer_ex(ctx, peer_key, 0) != 1)
		goto out;
	/* The output is the x-coordinate padded to the field size (RFC 5656
	 * section 4 sends it as an mpint). */
	if (EVP_PKEY_derive(ctx, NULL, &n) != 1 || n != c->field_len)
		goto out;
	if (EVP_PKEY_derive(ctx, secret, &n) != 1 || n != c->field_len) {
		OPENSSL_cleanse(secret, c->field_len);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	return rc;
}

/* dispatch */

static int kex_new(enum crypto_kex_alg alg, const struct slc_rng *rng, const uint8_t *priv,
                   size_t priv_len, struct crypto_kex **out)
{
	struct crypto_kex *k = NULL;
	uint8_t xb[X25519_LEN];
	int rc = SLC_ERR_INVALID;

	*out = NULL;
	if (crypto_kex_secret_len(alg) == 0)
		goto out;
	rc = SLC_ERR_NOMEM;
	if (!(k = calloc(1, sizeof(*k))))
		goto out;
	k->alg = alg;
	if (alg == CRYPTO_KEX_X25519) {
		rc = SLC_ERR_INVALID;
		if (priv && priv_len != X25519_LEN)
			goto out;
		if (!priv) {
			/* Any 32 bytes are a valid X25519 private key (RFC 7748
			 * section 5 clamps them), so no sampling is needed. */
			if ((rc = slc_rng_fill(rng, xb, sizeof(xb))) != 0)
				goto out;
			priv = xb;
		}
		rc = x25519_keypair(k, priv);
	} else if (ec_curve(alg)) {
		rc = ec_new(k, rng, priv, priv_len);
	} else if (priv) {
		rc = dh_from_private(alg, priv, priv_len, &k->pkey, k->pub, sizeof(k->pub),
		                     &k->pub_len);
	} else {
		rc = dh_generate(alg, rng, &k->pkey, k->pub, sizeof(k->pub), &k->pub_len);
	}
	if (rc)
		goto out;
	*out = k;
	k = NULL; /* transferred */
out:
	OPENSSL_cleanse(xb, sizeof(xb));
	crypto_kex_del(k);
	return rc;
}

int crypto_kex_new(enum crypto_kex_alg alg, const struct slc_rng *rng, struct crypto_kex **out)
{
	if (!rng) {
		*out = NULL;
		return SLC_ERR_INVALID;
	}
	return kex_new(alg, rng, NULL, 0, out);
}

int crypto_kex_new_private(enum crypto_kex_alg alg, const uint8_t *priv, size_t len,
                           struct crypto_kex **out)
{
	if (!priv) {
		*out = NULL;
		return SLC_ERR_INVALID;
	}
	return kex_new(alg, NULL, priv, len, out);
}

int crypto_kex_derive(const struct crypto_kex *k, const uint8_t *peer, size_t peer_len,
                      uint8_t *secret, size_t secret_size, size_t *secret_len)
{
	size_t n = crypto_kex_secret_len(k->alg);
	int rc;

	if (secret_size < n)
		return SLC_ERR_INVALID;
	if (!peer && peer_len)
		return SLC_ERR_INVALID;
	if (!peer)
		peer = (const uint8_t *)"";
	if (k->alg == CRYPTO_KEX_X25519)
		rc = x25519_derive(k, peer, peer_len, secret);
	else if (ec_curve(k->alg))
		rc = ec_derive(k, peer, peer_len, secret);
	else if (kex_is_dh(k->alg))
		rc = dh_derive(k->alg, k->pkey, peer, peer_len, secret, secret_size, &n);
	else
		rc = SLC_ERR_INVALID;
	if (rc == 0)
		*secret_len = n;
	return rc;
}
