/* sshkey: SSH key blobs, private fields, fingerprints and text forms over
 * libcrypto's EVP_PKEY (signatures live in sshsig.c).
 *
 * Everything read from outside (wire blobs, key files, authorized_keys
 * lines) is validated here, once, so that the rest of sluice can trust any
 * struct sshkey it holds: the curve matches the type name and the point is
 * on it, RSA sizes and exponents are sane, private parts agree with public
 * ones. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "base64.h"
#include "sshkey.h"

#define ED25519_LEN 32

struct sshkey {
	enum sshkey_type type;
	bool priv;
	EVP_PKEY *pkey;
};

struct sshkey_info {
	enum sshkey_type type;
	const char *name; /* SSH key type name */
	const char *label; /* ssh-keygen -l */
	const char *curve; /* RFC 5656 curve identifier */
	const char *group; /* libcrypto group name */
	const char *group_alt; /* its other spelling, as PEM files give it */
	unsigned bits; /* fixed size; 0 for RSA */
	size_t field_len; /* bytes per coordinate */
};

static const struct sshkey_info infos[] = {
        {SSHKEY_ED25519, "ssh-ed25519", "ED25519", NULL, NULL, NULL, 256, 32},
        {SSHKEY_ECDSA_P256, "ecdsa-sha2-nistp256", "ECDSA", "nistp256", "P-256", "prime256v1", 256,
         32},
        {SSHKEY_ECDSA_P384, "ecdsa-sha2-nistp384", "ECDSA", "nistp384", "P-384", "secp384r1", 384,
         48},
        {SSHKEY_ECDSA_P521, "ecdsa-sha2-nistp521", "ECDSA", "nistp521", "P-521", "secp521r1", 521,
         66},
        {SSHKEY_RSA, "ssh-rsa", "RSA", NULL, NULL, NULL, 0, 0},
};

static const struct sshkey_info *sshkey_info(enum sshkey_type type)
{
	for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
		if (infos[i].type == type)
			return &infos[i];
	return NULL;
}

static const struct sshkey_info *info_by_name(const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++)
		if (strlen(infos[i].name) == len && memcmp(infos[i].name, name, len) == 0)
			return &infos[i];
	return NULL;
}

static bool is_ecdsa(enum sshkey_type t)
{
	return t == SSHKEY_ECDSA_P256 || t == SSHKEY_ECDSA_P384 || t == SSHKEY_ECDSA_P521;
}

enum sshkey_type sshkey_type_from_name(const char *name)
{
	const struct sshkey_info *ki =
	        name ? info_by_name((const uint8_t *)name, strlen(name)) : NULL;
	return ki ? ki->type : SSHKEY_UNKNOWN;
}

const char *sshkey_type_to_name(enum sshkey_type type)
{
	const struct sshkey_info *ki = sshkey_info(type);
	return ki ? ki->name : "unknown";
}

const char *sshkey_type_label(enum sshkey_type type)
{
	const struct sshkey_info *ki = sshkey_info(type);
	return ki ? ki->label : "UNKNOWN";
}

bool sshkey_openssh_only_type(const char *t, size_t n)
{
	static const char *const names[] = {
	        "ssh-dss",
	        "sk-ecdsa-sha2-nistp256@openssh.com",
	        "sk-ssh-ed25519@openssh.com",
	};
	static const char cert_suffix[] = "-cert-v01@openssh.com";
	const size_t slen = sizeof(cert_suffix) - 1;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], t, n) == 0)
			return true;
	return n > slen && memcmp(t + n - slen, cert_suffix, slen) == 0;
}

enum sshkey_type sshkey_type(const struct sshkey *k)
{
	return k ? k->type : SSHKEY_UNKNOWN;
}

const char *sshkey_name(const struct sshkey *k)
{
	return sshkey_type_to_name(sshkey_type(k));
}

unsigned sshkey_bits(const struct sshkey *k)
{
	if (k == NULL)
		return 0;
	if (k->type == SSHKEY_RSA) {
		int bits = EVP_PKEY_get_bits(k->pkey);
		return bits > 0 ? (unsigned)bits : 0;
	}
	return sshkey_info(k->type)->bits;
}

bool sshkey_is_private(const struct sshkey *k)
{
	return k != NULL && k->priv;
}

EVP_PKEY *sshkey_pkey(const struct sshkey *k)
{
	return k ? k->pkey : NULL;
}

void sshkey_del(struct sshkey *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* Takes pkey on success only. */
static int key_wrap(enum sshkey_type type, EVP_PKEY *pkey, bool priv, struct sshkey **out)
{
	struct sshkey *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return SLC_ERR_NOMEM;
	k->type = type;
	k->priv = priv;
	k->pkey = pkey; /* transferred */
	*out = k;
	return 0;
}

/* ---- helpers over BIGNUM and OSSL_PARAM ---- */

static int bn_param(const EVP_PKEY *pkey, const char *name, BIGNUM **bn)
{
	*bn = NULL;
	if (EVP_PKEY_get_bn_param(pkey, name, bn) != 1) {
		ERR_clear_error();
		return SLC_ERR_CRYPTO;
	}
	return 0;
}

/* Private values go through a wiped temporary: the caller's buffer decides
 * whether the result is secret. */
static int put_bn(struct buf *b, const BIGNUM *bn)
{
	int n = BN_num_bytes(bn);
	uint8_t *tmp = NULL;
	int r;

	if (n == 0)
		return buf_put_mpint_u(b, NULL, 0);
	if ((tmp = malloc((size_t)n)) == NULL)
		return SLC_ERR_NOMEM;
	BN_bn2bin(bn, tmp);
	r = buf_put_mpint_u(b, tmp, (size_t)n);
	OPENSSL_cleanse(tmp, (size_t)n);
	free(tmp);
	return r;
}

static int put_bn_param(struct buf *b, const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	int r = bn_param(pkey, name, &bn);
	if (r == 0)
		r = put_bn(b, bn);
	BN_clear_free(bn);
	return r;
}

static int get_bn(struct buf *b, bool secret, BIGNUM **bn)
{
	const uint8_t *p;
	size_t n;
	int r;

	*bn = NULL;
	if ((r = buf_get_mpint_u(b, &p, &n)) < 0)
		return r;
	if ((*bn = secret ? BN_secure_new() : BN_new()) == NULL)
		return SLC_ERR_NOMEM;
	if (BN_bin2bn(p, (int)n, *bn) == NULL) {
		BN_clear_free(*bn);
		*bn = NULL;
		return SLC_ERR_NOMEM;
	}
	return 0;
}

static int pkey_fromdata(const char *alg, int selection, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int r = SLC_ERR_CRYPTO;

	*out = NULL;
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) == NULL)
		goto out;
	if (EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, out, selection, params) != 1)
		goto out;
	r = 0;
out:
	if (r < 0)
		ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	/* Private BIGNUMs are BN_secure_new'd, so the builder put them in
	 * the secure part of params, which this wipes. */
	OSSL_PARAM_free(params);
	return r;
}

/* ---- RSA ---- */

/* n odd and within our size limits; e odd, greater than 1, less than n. */
static int rsa_check_public(const BIGNUM *n, const BIGNUM *e)
{
	int bits = BN_num_bits(n);
	if (bits < SSHKEY_RSA_MIN_BITS || bits > SSHKEY_RSA_MAX_BITS)
		return SLC_ERR_KEY_LENGTH;
	if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) || BN_cmp(e, n) >= 0)
		return SLC_ERR_FORMAT;
	return 0;
}

/* Builds an RSA key from n, e and, when d is non-NULL, the private parts.
 * The CRT exponents are not stored in the SSH formats and are derived. */
static int rsa_pkey(const BIGNUM *n, const BIGNUM *e, const BIGNUM *d, const BIGNUM *iqmp,
                    const BIGNUM *p, const BIGNUM *q, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	BN_CTX *bnctx = NULL;
	BIGNUM *t = NULL, *dmp1 = NULL, *dmq1 = NULL;
	int r = SLC_ERR_NOMEM;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	if (d != NULL) {
		if ((bnctx = BN_CTX_secure_new()) == NULL || (t = BN_secure_new()) == NULL ||
		    (dmp1 = BN_secure_new()) == NULL || (dmq1 = BN_secure_new()) == NULL)
			goto out;
		if (BN_sub(t, p, BN_value_one()) == 0 || BN_mod(dmp1, d, t, bnctx) == 0 ||
		    BN_sub(t, q, BN_value_one()) == 0 || BN_mod(dmq1, d, t, bnctx) == 0)
			goto out;
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp))
			goto out;
	}
	r = pkey_fromdata("RSA", d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld, out);
out:
	BN_clear_free(t);
	BN_clear_free(dmp1);
	BN_clear_free(dmq1);
	BN_CTX_free(bnctx);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

/* The private parts must describe the public key: p*q == n,
 * e*d == 1 mod (p-1) and mod (q-1) (so mod lcm(p-1, q-1), whichever of
 * phi or lambda the writer used), iqmp*q == 1 mod p. A key file that fails
 * this would sign garbage or leak a factor through a faulty CRT result. */
static int rsa_check_private(const BIGNUM *n, const BIGNUM *e, const BIGNUM *d, const BIGNUM *iqmp,
                             const BIGNUM *p, const BIGNUM *q)
{
	BN_CTX *bnctx = NULL;
	BIGNUM *t = NULL, *ed = NULL, *pm1 = NULL;
	int r = SLC_ERR_NOMEM;

	if ((bnctx = BN_CTX_secure_new()) == NULL || (t = BN_secure_new()) == NULL ||
	    (ed = BN_secure_new()) == NULL || (pm1 = BN_secure_new()) == NULL)
		goto out;
	r = SLC_ERR_FORMAT;
	if (BN_cmp(p, BN_value_one()) <= 0 || BN_cmp(q, BN_value_one()) <= 0 || BN_is_zero(d) ||
	    BN_cmp(d, n) >= 0 || BN_cmp(iqmp, p) >= 0)
		goto out;
	r = SLC_ERR_NOMEM;
	if (BN_mul(t, p, q, bnctx) == 0)
		goto out;
	if (BN_cmp(t, n) != 0) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (BN_mul(ed, e, d, bnctx) == 0 || BN_sub_word(ed, 1) == 0)
		goto out;
	if (BN_sub(pm1, p, BN_value_one()) == 0 || BN_mod(t, ed, pm1, bnctx) == 0)
		goto out;
	if (!BN_is_zero(t)) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (BN_sub(pm1, q, BN_value_one()) == 0 || BN_mod(t, ed, pm1, bnctx) == 0)
		goto out;
	if (!BN_is_zero(t)) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (BN_mod_mul(t, iqmp, q, p, bnctx) == 0)
		goto out;
	r = BN_is_one(t) ? 0 : SLC_ERR_FORMAT;
out:
	BN_clear_free(t);
	BN_clear_free(ed);
	BN_clear_free(pm1);
	BN_CTX_free(bnctx);
	return r;
}

/* ---- ECDSA ---- */

/* Q as RFC 5656 wants it: uncompressed, fixed width, whatever conversion
 * form the EVP_PKEY was created with. */
static int ec_put_point(struct buf *b, const EVP_PKEY *pkey, const struct sshkey_info *ki)
{
	BIGNUM *x = NULL, *y = NULL;
	uint8_t *q = NULL;
	int r;

	if ((r = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x)) < 0 ||
	    (r = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y)) < 0)
		goto out;
	if ((r = buf_put_u32(b, (uint32_t)(1 + 2 * ki->field_len))) < 0 ||
	    (r = buf_reserve(b, 1 + 2 * ki->field_len, &q)) < 0)
		goto out;
	q[0] = 0x04;
	if (BN_bn2binpad(x, q + 1, (int)ki->field_len) < 0 ||
	    BN_bn2binpad(y, q + 1 + ki->field_len, (int)ki->field_len) < 0)
		r = SLC_ERR_CRYPTO;
out:
	BN_free(x);
	BN_free(y);
	return r;
}

/* Reads string curve, string Q (and, with d non-NULL, mpint d) after the
 * type name, and builds a validated key. */
static int ec_get(struct buf *b, const struct sshkey_info *ki, bool priv, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *d = NULL;
	const uint8_t *curve, *q;
	size_t curvelen, qlen;
	int r;

	*out = NULL;
	if ((r = buf_get_string(b, &curve, &curvelen)) < 0 ||
	    (r = buf_get_string(b, &q, &qlen)) < 0)
		goto out;
	/* The curve must be the one the type name promises: a P-256 point
	 * under an ecdsa-sha2-nistp384 name would be verified with the
	 * wrong hash and, worse, compare unequal to itself. */
	if (curvelen != strlen(ki->curve) || memcmp(curve, ki->curve, curvelen) != 0) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	/* Uncompressed only (RFC 5656 2.1 / SEC1 2.3.3): one spelling per
	 * key keeps blobs and fingerprints unique; the infinity point
	 * (a lone 0x00) is refused here too. */
	if (qlen != 1 + 2 * ki->field_len || q[0] != 0x04) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (priv && (r = get_bn(b, true, &d)) < 0)
		goto out;
	r = SLC_ERR_NOMEM;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ki->group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, qlen) ||
	    (d != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d)))
		goto out;
	/* libcrypto refuses a point that is not on the curve while decoding
	 * it; a failure here is bad input, not an internal error. */
	if (pkey_fromdata("EC", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld, out) < 0) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL)) == NULL) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	/* Public: on the curve, not infinity. Private: 0 < d < order and
	 * d*G == Q, the consistency a key file must have. */
	if ((priv ? EVP_PKEY_check(ctx) : EVP_PKEY_public_check_quick(ctx)) != 1) {
		ERR_clear_error();
		r = SLC_ERR_FORMAT;
		goto out;
	}
	r = 0;
out:
	if (r < 0) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	return r;
}

/* ---- keys from EVP_PKEY and generation ---- */

static enum sshkey_type ec_type_of(const EVP_PKEY *pkey)
{
	char group[64];
	size_t len = 0;

	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
	                                   &len) != 1) {
		ERR_clear_error();
		return SSHKEY_UNKNOWN;
	}
	for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
		if (infos[i].group == NULL)
			continue;
		if (strcmp(group, infos[i].group) == 0 || strcmp(group, infos[i].group_alt) == 0)
			return infos[i].type;
	}
	return SSHKEY_UNKNOWN;
}

/* Whether the key holds its private half: EVP has no direct question for
 * this, so ask for the private component itself. */
static bool pkey_has_private(enum sshkey_type type, const EVP_PKEY *pkey)
{
	BIGNUM *bn = NULL;
	size_t len = 0;
	bool has;

	if (type == SSHKEY_ED25519) {
		has = EVP_PKEY_get_raw_private_key(pkey, NULL, &len) == 1 && len == ED25519_LEN;
	} else {
		const char *name =
		        type == SSHKEY_RSA ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY;
		has = EVP_PKEY_get_bn_param(pkey, name, &bn) == 1;
		BN_clear_free(bn);
	}
	ERR_clear_error();
	return has;
}

int sshkey_from_pkey(EVP_PKEY *pkey, struct sshkey **out)
{
	enum sshkey_type type = SSHKEY_UNKNOWN;
	BIGNUM *n = NULL, *e = NULL;
	int r;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (pkey == NULL)
		return SLC_ERR_INVALID;
	if (EVP_PKEY_is_a(pkey, "ED25519"))
		type = SSHKEY_ED25519;
	else if (EVP_PKEY_is_a(pkey, "EC"))
		type = ec_type_of(pkey);
	else if (EVP_PKEY_is_a(pkey, "RSA"))
		type = SSHKEY_RSA;
	if (type == SSHKEY_UNKNOWN)
		return SLC_ERR_KEY_TYPE;
	/* Keys from PEM/PKCS#8 files get the same limits as wire keys. */
	if (type == SSHKEY_RSA) {
		if ((r = bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n)) < 0 ||
		    (r = bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e)) < 0 ||
		    (r = rsa_check_public(n, e)) < 0)
			goto out;
	}
	r = key_wrap(type, pkey, pkey_has_private(type, pkey), out);
out:
	BN_free(n);
	BN_free(e);
	return r;
}

int sshkey_generate(enum sshkey_type type, unsigned bits, struct sshkey **out)
{
	EVP_PKEY *pkey = NULL;
	int r;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (type == SSHKEY_ED25519) {
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	} else if (is_ecdsa(type)) {
		/* The curve follows bits; 0 keeps the type's own curve. */
		if (bits == 0)
			bits = sshkey_info(type)->bits;
		type = bits == 256   ? SSHKEY_ECDSA_P256
		       : bits == 384 ? SSHKEY_ECDSA_P384
		       : bits == 521 ? SSHKEY_ECDSA_P521
		                     : SSHKEY_UNKNOWN;
		if (type == SSHKEY_UNKNOWN)
			return SLC_ERR_KEY_LENGTH;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", sshkey_info(type)->group);
	} else if (type == SSHKEY_RSA) {
		if (bits == 0)
			bits = 3072;
		if (bits < SSHKEY_RSA_MIN_GEN_BITS || bits > SSHKEY_RSA_MAX_BITS)
			return SLC_ERR_KEY_LENGTH;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else {
		return SLC_ERR_KEY_TYPE;
	}
	if (pkey == NULL) {
		ERR_clear_error();
		return SLC_ERR_CRYPTO;
	}
	if ((r = key_wrap(type, pkey, true, out)) < 0)
		EVP_PKEY_free(pkey);
	return r;
}

/* ---- public blobs ---- */

int sshkey_put_public(const struct sshkey *k, struct buf *b)
{
	uint8_t pub[ED25519_LEN];
	size_t len = sizeof(pub);
	int r;

	if (k == NULL || b == NULL)
		return SLC_ERR_INVALID;
	if ((r = buf_put_cstring(b, sshkey_name(k))) < 0)
		return r;
	switch (k->type) {
	case SSHKEY_ED25519:
		if (EVP_PKEY_get_raw_public_key(k->pkey, pub, &len) != 1 || len != sizeof(pub)) {
			ERR_clear_error();
			return SLC_ERR_CRYPTO;
		}
		return buf_put_string(b, pub, len);
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		if ((r = buf_put_cstring(b, sshkey_info(k->type)->curve)) < 0)
			return r;
		return ec_put_point(b, k->pkey, sshkey_info(k->type));
	case SSHKEY_RSA:
		if ((r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_E)) < 0)
			return r;
		return put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_N);
	default:
		return SLC_ERR_KEY_TYPE;
	}
}

/* Parses the type-specific public fields after the type name; priv also
 * reads the private fields in openssh-key-v1's order. Consumes from b. */
static int get_key(struct buf *b, bool priv, struct sshkey **out)
{
	const struct sshkey_info *ki;
	const uint8_t *name, *pub, *sk;
	size_t namelen;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *iqmp = NULL, *p = NULL, *q = NULL;
	uint8_t derived[ED25519_LEN];
	size_t dlen = sizeof(derived);
	int r;

	*out = NULL;
	if ((r = buf_get_string(b, &name, &namelen)) < 0)
		goto out;
	if ((ki = info_by_name(name, namelen)) == NULL) {
		r = SLC_ERR_KEY_TYPE;
		goto out;
	}
	switch (ki->type) {
	case SSHKEY_ED25519:
		if ((r = buf_get_string_exact(b, &pub, ED25519_LEN)) < 0)
			goto out;
		if (!priv) {
			pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
			                                      ED25519_LEN);
			break;
		}
		/* PROTOCOL.key: the private string is seed || public key. */
		if ((r = buf_get_string_exact(b, &sk, 2 * ED25519_LEN)) < 0)
			goto out;
		if (CRYPTO_memcmp(sk + ED25519_LEN, pub, ED25519_LEN) != 0) {
			r = SLC_ERR_FORMAT;
			goto out;
		}
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, sk, ED25519_LEN);
		if (pkey == NULL)
			break;
		/* The stored public half must be the one the seed gives. */
		if (EVP_PKEY_get_raw_public_key(pkey, derived, &dlen) != 1 || dlen != ED25519_LEN) {
			r = SLC_ERR_CRYPTO;
			goto out;
		}
		if (CRYPTO_memcmp(derived, pub, ED25519_LEN) != 0) {
			r = SLC_ERR_FORMAT;
			goto out;
		}
		break;
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		if ((r = ec_get(b, ki, priv, &pkey)) < 0)
			goto out;
		break;
	case SSHKEY_RSA:
		/* The public blob is e, n; the private fields are n, e, ... */
		if (priv) {
			if ((r = get_bn(b, false, &n)) < 0 || (r = get_bn(b, false, &e)) < 0 ||
			    (r = get_bn(b, true, &d)) < 0 || (r = get_bn(b, true, &iqmp)) < 0 ||
			    (r = get_bn(b, true, &p)) < 0 || (r = get_bn(b, true, &q)) < 0)
				goto out;
		} else {
			if ((r = get_bn(b, false, &e)) < 0 || (r = get_bn(b, false, &n)) < 0)
				goto out;
		}
		if ((r = rsa_check_public(n, e)) < 0)
			goto out;
		if (priv && (r = rsa_check_private(n, e, d, iqmp, p, q)) < 0)
			goto out;
		if ((r = rsa_pkey(n, e, d, iqmp, p, q, &pkey)) < 0)
			goto out;
		break;
	default:
		r = SLC_ERR_KEY_TYPE;
		goto out;
	}
	if (pkey == NULL) {
		ERR_clear_error();
		r = SLC_ERR_CRYPTO;
		goto out;
	}
	if ((r = key_wrap(ki->type, pkey, priv, out)) < 0)
		goto out;
	pkey = NULL; /* transferred */
out:
	OPENSSL_cleanse(derived, sizeof(derived));
	EVP_PKEY_free(pkey);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_clear_free(iqmp);
	BN_clear_free(p);
	BN_clear_free(q);
	return r;
}

int sshkey_from_blob(const uint8_t *blob, size_t len, struct sshkey **out)
{
	struct buf b;
	struct sshkey *k = NULL;
	int r;

	if (out == NULL || (blob == NULL && len > 0))
		return SLC_ERR_INVALID;
	*out = NULL;
	buf_init_view(&b, blob, len);
	if ((r = get_key(&b, false, &k)) < 0)
		return r;
	if (buf_len(&b) != 0) {
		sshkey_del(k);
		return SLC_ERR_FORMAT;
	}
	*out = k;
	return 0;
}

int sshkey_demote(const struct sshkey *k, struct sshkey **pub)
{
	struct buf b;
	int r;

	if (k == NULL || pub == NULL)
		return SLC_ERR_INVALID;
	*pub = NULL;
	/* Through the blob: the copy then shares nothing with k and cannot
	 * carry private material by accident. */
	buf_init(&b);
	if ((r = sshkey_put_public(k, &b)) == 0)
		r = sshkey_from_blob(buf_ptr(&b), buf_len(&b), pub);
	buf_free(&b);
	return r;
}

bool sshkey_equal_public(const struct sshkey *a, const struct sshkey *b)
{
	struct buf ba, bb;
	bool eq = false;

	if (a == NULL || b == NULL || a->type != b->type)
		return false;
	buf_init(&ba);
	buf_init(&bb);
	if (sshkey_put_public(a, &ba) == 0 && sshkey_put_public(b, &bb) == 0)
		eq = buf_len(&ba) == buf_len(&bb) &&
		     memcmp(buf_ptr(&ba), buf_ptr(&bb), buf_len(&ba)) == 0;
	buf_free(&ba);
	buf_free(&bb);
	return eq;
}

/* ---- private fields ---- */

int sshkey_put_private(const struct sshkey *k, struct buf *b)
{
	uint8_t seed[ED25519_LEN], pub[ED25519_LEN];
	size_t slen = sizeof(seed), plen = sizeof(pub);
	const struct sshkey_info *ki;
	int r;

	if (k == NULL || b == NULL)
		return SLC_ERR_INVALID;
	if (!k->priv)
		return SLC_ERR_INVALID;
	ki = sshkey_info(k->type);
	if ((r = buf_put_cstring(b, ki->name)) < 0)
		return r;
	switch (k->type) {
	case SSHKEY_ED25519:
		if (EVP_PKEY_get_raw_public_key(k->pkey, pub, &plen) != 1 ||
		    EVP_PKEY_get_raw_private_key(k->pkey, seed, &slen) != 1 ||
		    plen != ED25519_LEN || slen != ED25519_LEN) {
			ERR_clear_error();
			r = SLC_ERR_CRYPTO;
			break;
		}
		/* string pub, string seed || pub -- written piecewise so the
		 * seed is never copied outside the caller's buffer. */
		if ((r = buf_put_string(b, pub, plen)) < 0 ||
		    (r = buf_put_u32(b, 2 * ED25519_LEN)) < 0 || (r = buf_put(b, seed, slen)) < 0 ||
		    (r = buf_put(b, pub, plen)) < 0)
			break;
		break;
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		if ((r = buf_put_cstring(b, ki->curve)) < 0 ||
		    (r = ec_put_point(b, k->pkey, ki)) < 0)
			break;
		r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_PRIV_KEY);
		break;
	case SSHKEY_RSA:
		if ((r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_N)) < 0 ||
		    (r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_E)) < 0 ||
		    (r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_D)) < 0 ||
		    (r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)) < 0 ||
		    (r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1)) < 0)
			break;
		r = put_bn_param(b, k->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2);
		break;
	default:
		r = SLC_ERR_KEY_TYPE;
		break;
	}
	OPENSSL_cleanse(seed, sizeof(seed));
	return r;
}

int sshkey_get_private(struct buf *b, struct sshkey **out)
{
	struct buf v;
	int r;

	if (b == NULL || out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	/* Parse a view so that b is consumed only on success. */
	buf_init_view(&v, buf_ptr(b), buf_len(b));
	if ((r = get_key(&v, true, out)) < 0)
		return r;
	if ((r = buf_skip(b, buf_len(b) - buf_len(&v))) < 0) {
		sshkey_del(*out);
		*out = NULL;
	}
	return r;
}

/* ---- fingerprints ---- */

int sshkey_fingerprint(const struct sshkey *k, enum sshkey_fp_alg alg, char **out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char *enc = NULL, *s = NULL;
	struct buf b;
	int r;

	if (k == NULL || out == NULL || (alg != SSHKEY_FP_SHA256 && alg != SSHKEY_FP_MD5))
		return SLC_ERR_INVALID;
	*out = NULL;
	buf_init(&b);
	if ((r = sshkey_put_public(k, &b)) < 0)
		goto out;
	if (EVP_Digest(buf_ptr(&b), buf_len(&b), md, &mdlen,
	               alg == SSHKEY_FP_SHA256 ? EVP_sha256() : EVP_md5(), NULL) != 1) {
		ERR_clear_error();
		r = SLC_ERR_CRYPTO;
		goto out;
	}
	if (alg == SSHKEY_FP_SHA256) {
		if ((r = b64_encode_nopad(md, mdlen, &enc)) < 0)
			goto out;
		r = SLC_ERR_NOMEM;
		if ((s = malloc(strlen("SHA256:") + strlen(enc) + 1)) == NULL)
			goto out;
		strcpy(s, "SHA256:");
		strcat(s, enc);
	} else {
		r = SLC_ERR_NOMEM;
		/* "MD5:" + "xx:" per byte, the last ':' becoming the NUL */
		if ((s = malloc(4 + 3 * (size_t)mdlen)) == NULL)
			goto out;
		memcpy(s, "MD5:", 4);
		for (unsigned i = 0; i < mdlen; i++) {
			s[4 + 3 * i] = hex[md[i] >> 4];
			s[4 + 3 * i + 1] = hex[md[i] & 15];
			s[4 + 3 * i + 2] = i + 1 < mdlen ? ':' : '\0';
		}
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	free(enc);
	free(s);
	buf_free(&b);
	return r;
}

/* ---- one-line public keys ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A comment that would break the line (or RFC 4716 header) it sits in. */
static bool comment_ok(const char *comment)
{
	return comment == NULL || strpbrk(comment, "\r\n") == NULL;
}

static int blob_b64(const struct sshkey *k, char **out)
{
	struct buf b;
	int r;

	*out = NULL;
	buf_init(&b);
	if ((r = sshkey_put_public(k, &b)) == 0)
		r = b64_encode(buf_ptr(&b), buf_len(&b), out);
	buf_free(&b);
	return r;
}

int sshkey_format_public(const struct sshkey *k, const char *comment, char **out)
{
	char *enc = NULL, *s = NULL;
	const char *name;
	size_t len;
	int r;

	if (k == NULL || out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (!comment_ok(comment))
		return SLC_ERR_INVALID;
	if ((r = blob_b64(k, &enc)) < 0)
		goto out;
	name = sshkey_name(k);
	len = strlen(name) + 1 + strlen(enc) + 1;
	if (comment != NULL && *comment != '\0')
		len += 1 + strlen(comment);
	r = SLC_ERR_NOMEM;
	if ((s = malloc(len)) == NULL)
		goto out;
	strcpy(s, name);
	strcat(s, " ");
	strcat(s, enc);
	if (comment != NULL && *comment != '\0') {
		strcat(s, " ");
		strcat(s, comment);
	}
	*out = s;
	r = 0;
out:
	free(enc);
	return r;
}

/* Decodes base64 text into a key; the text's whitespace is ignored. */
static int key_from_b64(const char *text, size_t len, struct sshkey **out)
{
	struct buf b;
	int r;

	buf_init(&b);
	if ((r = b64_decode(text, len, &b)) == 0)
		r = sshkey_from_blob(buf_ptr(&b), buf_len(&b), out);
	buf_free(&b);
	return r;
}

int sshkey_parse_public(const char *line, struct sshkey **out, char **comment)
{
	const char *p, *type, *data, *cmt, *end;
	size_t typelen, datalen;
	struct sshkey *k = NULL;
	char *c = NULL;
	int r;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (comment != NULL)
		*comment = NULL;
	if (line == NULL)
		return SLC_ERR_INVALID;
	for (p = line; is_blank(*p); p++)
		;
	type = p;
	while (*p != '\0' && !is_space(*p))
		p++;
	typelen = (size_t)(p - type);
	while (is_blank(*p))
		p++;
	data = p;
	while (*p != '\0' && !is_space(*p))
		p++;
	datalen = (size_t)(p - data);
	while (is_blank(*p))
		p++;
	cmt = p;
	end = cmt + strlen(cmt);
	while (end > cmt && is_space(end[-1]))
		end--;
	/* A line break inside the comment means this was more than a line. */
	for (p = cmt; p < end; p++)
		if (*p == '\r' || *p == '\n')
			return SLC_ERR_FORMAT;
	if (typelen == 0 || datalen == 0)
		return SLC_ERR_FORMAT;
	/* Unknown types (certificates, security keys, options prefixes in
	 * authorized_keys) are a distinct error callers may act on. */
	const struct sshkey_info *ki = info_by_name((const uint8_t *)type, typelen);
	if (ki == NULL)
		return SLC_ERR_KEY_TYPE;
	if ((r = key_from_b64(data, datalen, &k)) < 0)
		goto out;
	/* The name outside must agree with the one inside the blob. */
	if (k->type != ki->type) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (comment != NULL && end > cmt) {
		r = SLC_ERR_NOMEM;
		if ((c = strndup(cmt, (size_t)(end - cmt))) == NULL)
			goto out;
	}
	*out = k;
	k = NULL;
	if (comment != NULL)
		*comment = c; /* transferred */
	c = NULL;
	r = 0;
out:
	sshkey_del(k);
	free(c);
	return r;
}

/* ---- RFC 4716 ---- */

#define RFC4716_BEGIN "---- BEGIN SSH2 PUBLIC KEY ----"
#define RFC4716_END "---- END SSH2 PUBLIC KEY ----"
#define RFC4716_LINE 72 /* section 3: bytes per line, terminator excluded */
#define RFC4716_TAG_MAX 64 /* section 3.3 */
#define RFC4716_VALUE_MAX 1024 /* section 3.3 */
#define RFC4716_BODY_WIDTH 70 /* what ssh-keygen -e writes */

/* Splits off the line at *pos (terminated by CR, LF, CRLF or the end) and
 * advances *pos past its terminator. false at the end of the text. */
static bool next_line(const char **pos, const char **line, size_t *len)
{
	const char *p = *pos;
	if (*p == '\0')
		return false;
	*line = p;
	while (*p != '\0' && *p != '\r' && *p != '\n')
		p++;
	*len = (size_t)(p - *line);
	if (*p == '\r')
		p++;
	if (*p == '\n')
		p++;
	*pos = p;
	return true;
}

/* The line without trailing blanks equals s. */
static bool line_is(const char *line, size_t len, const char *s)
{
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	return len == strlen(s) && memcmp(line, s, len) == 0;
}

static bool line_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_blank(line[i]))
			return false;
	return true;
}

/* Header value of the Comment header: enclosing double quotes removed. */
static int rfc4716_comment(const char *v, size_t len, char **out)
{
	while (len > 0 && is_blank(*v)) {
		v++;
		len--;
	}
	while (len > 0 && is_blank(v[len - 1]))
		len--;
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	if (len == 0)
		return 0;
	if ((*out = strndup(v, len)) == NULL)
		return SLC_ERR_NOMEM;
	return 0;
}

int sshkey_parse_rfc4716(const char *text, struct sshkey **out, char **comment)
{
	const char *pos, *line, *body = NULL, *body_end = NULL;
	char hdr[RFC4716_TAG_MAX + 2 + RFC4716_VALUE_MAX + 1];
	size_t len, hlen = 0;
	bool in_header = false, ended = false;
	char *c = NULL;
	int r;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (comment != NULL)
		*comment = NULL;
	if (text == NULL)
		return SLC_ERR_INVALID;
	pos = text;
	/* Leading blank lines, then the begin marker. */
	do {
		if (!next_line(&pos, &line, &len))
			return SLC_ERR_FORMAT;
	} while (line_blank(line, len));
	if (!line_is(line, len, RFC4716_BEGIN))
		return SLC_ERR_FORMAT;

	while (next_line(&pos, &line, &len)) {
		if (line_is(line, len, RFC4716_END)) {
			if (in_header) /* continuation into the end marker */
				goto bad;
			body_end = line;
			ended = true;
			break;
		}
		if (body == NULL && (in_header || memchr(line, ':', len) != NULL)) {
			/* A header, possibly continued by a trailing
			 * backslash; joined into hdr before looking at it. */
			bool cont = len > 0 && line[len - 1] == '\\';
			size_t n = cont ? len - 1 : len;
			if (n > sizeof(hdr) - 1 - hlen)
				goto bad;
			memcpy(hdr + hlen, line, n);
			hlen += n;
			in_header = cont;
			if (cont)
				continue;
			hdr[hlen] = '\0';
			const char *colon = memchr(hdr, ':', hlen);
			size_t taglen = colon ? (size_t)(colon - hdr) : 0;
			/* "tag: value", tag 1..64 bytes, value up to 1024 */
			if (colon == NULL || taglen == 0 || taglen > RFC4716_TAG_MAX ||
			    hlen - taglen - 1 > RFC4716_VALUE_MAX)
				goto bad;
			if (taglen == 7 && strncasecmp(hdr, "Comment", 7) == 0 && c == NULL &&
			    (r = rfc4716_comment(colon + 1, hlen - taglen - 1, &c)) < 0)
				goto out;
			hlen = 0;
			continue;
		}
		if (body == NULL) {
			if (line_blank(line, len))
				continue;
			body = line;
		}
		/* base64 never holds ':'; a header after the body is an error */
		if (memchr(line, ':', len) != NULL)
			goto bad;
	}
	if (!ended || body == NULL)
		goto bad;
	/* After the end marker only blank lines may follow. */
	while (next_line(&pos, &line, &len))
		if (!line_blank(line, len))
			goto bad;
	if ((r = key_from_b64(body, (size_t)(body_end - body), out)) < 0)
		goto out;
	if (comment != NULL) {
		*comment = c; /* transferred */
		c = NULL;
	}
	r = 0;
	goto out;
bad:
	r = SLC_ERR_FORMAT;
out:
	free(c);
	return r;
}

int sshkey_format_rfc4716(const struct sshkey *k, const char *comment, char **out)
{
	struct buf o;
	char *enc = NULL, *hdr = NULL;
	size_t i, n;
	int r;

	if (k == NULL || out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (!comment_ok(comment) || (comment != NULL && strlen(comment) > RFC4716_VALUE_MAX - 2))
		return SLC_ERR_INVALID;
	buf_init(&o);
	if ((r = blob_b64(k, &enc)) < 0)
		goto out;
	if ((r = buf_put(&o, RFC4716_BEGIN "\n", strlen(RFC4716_BEGIN) + 1)) < 0)
		goto out;
	if (comment != NULL && *comment != '\0') {
		r = SLC_ERR_NOMEM;
		if (asprintf(&hdr, "Comment: \"%s\"", comment) < 0) {
			hdr = NULL;
			goto out;
		}
		/* Section 3.3: long headers continue on the next line after a
		 * backslash, each line at most 72 bytes. */
		n = strlen(hdr);
		for (i = 0; n - i > RFC4716_LINE; i += RFC4716_LINE - 1) {
			if ((r = buf_put(&o, hdr + i, RFC4716_LINE - 1)) < 0 ||
			    (r = buf_put(&o, "\\\n", 2)) < 0)
				goto out;
		}
		if ((r = buf_put(&o, hdr + i, n - i)) < 0 || (r = buf_put_u8(&o, '\n')) < 0)
			goto out;
	}
	n = strlen(enc);
	for (i = 0; i < n; i += RFC4716_BODY_WIDTH) {
		size_t w = n - i < RFC4716_BODY_WIDTH ? n - i : RFC4716_BODY_WIDTH;
		if ((r = buf_put(&o, enc + i, w)) < 0 || (r = buf_put_u8(&o, '\n')) < 0)
			goto out;
	}
	if ((r = buf_put(&o, RFC4716_END "\n", strlen(RFC4716_END) + 2)) < 0)
		goto out;
	/* The NUL above came with the marker: hand over the allocation. */
	r = SLC_ERR_NOMEM;
	if ((*out = strdup((const char *)buf_ptr(&o))) == NULL)
		goto out;
	r = 0;
out:
	free(hdr);
	free(enc);
	buf_free(&o);
	return r;
}
