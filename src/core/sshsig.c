/* sshkey signatures: ssh-ed25519 (RFC 8709), ecdsa-sha2-* (RFC 5656 3.1.2),
 * rsa-sha2-256/512 (RFC 8332) and ssh-rsa (RFC 4253 6.6, SHA-1).
 *
 * A signature blob is string alg, string sig. The outer structure errors
 * (truncation, trailing bytes) come back as the buf errors / FORMAT; any
 * problem with the algorithm-specific contents is SLC_ERR_SIGNATURE, since
 * to a caller a malformed signature and a wrong one mean the same. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "alglist.h"
#include "sshkey.h"

#define ED25519_SIG_LEN 64

struct sigalg {
	const char *name;
	enum sshkey_type type;
	const char *md; /* digest name; NULL for Ed25519 (pure EdDSA) */
	size_t scalar; /* ECDSA: most bytes in r or s */
	bool legacy; /* not accepted unless the caller asks by name */
};

/* The first entry for a key type is its default for signing. */
static const struct sigalg sigalgs[] = {
        {"ssh-ed25519", SSHKEY_ED25519, NULL, 0, false},
        {"ecdsa-sha2-nistp256", SSHKEY_ECDSA_P256, "SHA256", 32, false},
        {"ecdsa-sha2-nistp384", SSHKEY_ECDSA_P384, "SHA384", 48, false},
        {"ecdsa-sha2-nistp521", SSHKEY_ECDSA_P521, "SHA512", 66, false},
        {"rsa-sha2-512", SSHKEY_RSA, "SHA512", 0, false},
        {"rsa-sha2-256", SSHKEY_RSA, "SHA256", 0, false},
        /* SHA-1: RFC 8332 and OpenSSH 8.8 retired it by default. */
        {"ssh-rsa", SSHKEY_RSA, "SHA1", 0, true},
};

static const struct sigalg *sigalg_find(enum sshkey_type type, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++) {
		const struct sigalg *sa = &sigalgs[i];
		if (sa->type != type)
			continue;
		if (name == NULL)
			return sa;
		if (strlen(sa->name) == len && memcmp(sa->name, name, len) == 0)
			return sa;
	}
	return NULL;
}

/* One DigestSign/DigestVerify context, PKCS#1 v1.5 for RSA. */
static int md_ctx(const struct sshkey *k, const struct sigalg *sa, bool sign, EVP_MD_CTX **out)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *ctx;
	int ok;

	*out = NULL;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return SLC_ERR_NOMEM;
	if (sign)
		ok = EVP_DigestSignInit_ex(ctx, &pctx, sa->md, NULL, NULL, sshkey_pkey(k), NULL);
	else
		ok = EVP_DigestVerifyInit_ex(ctx, &pctx, sa->md, NULL, NULL, sshkey_pkey(k), NULL);
	if (ok == 1 && sa->type == SSHKEY_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
	if (ok != 1) {
		ERR_clear_error();
		EVP_MD_CTX_free(ctx);
		return SLC_ERR_CRYPTO;
	}
	*out = ctx;
	return 0;
}

/* libcrypto's DER ECDSA-Sig-Value to RFC 5656's string(mpint r, mpint s). */
static int ecdsa_der_to_ssh(const uint8_t *der, size_t len, struct buf *out)
{
	const uint8_t *p = der;
	const BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	uint8_t *tmp = NULL;
	size_t n;
	int ret = SLC_ERR_CRYPTO;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	n = (size_t)(BN_num_bytes(r) > BN_num_bytes(s) ? BN_num_bytes(r) : BN_num_bytes(s));
	ret = SLC_ERR_NOMEM;
	if ((tmp = malloc(n ? n : 1)) == NULL)
		goto out;
	if ((ret = buf_put_mpint_u(out, tmp, (size_t)BN_bn2bin(r, tmp))) < 0 ||
	    (ret = buf_put_mpint_u(out, tmp, (size_t)BN_bn2bin(s, tmp))) < 0)
		goto out;
	ret = 0;
out:
	if (ret == SLC_ERR_CRYPTO)
		ERR_clear_error();
	free(tmp);
	ECDSA_SIG_free(es);
	return ret;
}

int sshkey_sign(const struct sshkey *k, const char *alg, const uint8_t *data, size_t len,
                struct buf *sig)
{
	const struct sigalg *sa;
	EVP_MD_CTX *ctx = NULL;
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	struct buf inner;
	int r, max;

	buf_init(&inner);
	if (k == NULL || sig == NULL || (data == NULL && len > 0) || !sshkey_is_private(k))
		return SLC_ERR_INVALID;
	sa = sigalg_find(sshkey_type(k), alg, alg ? strlen(alg) : 0);
	if (sa == NULL)
		return SLC_ERR_INVALID;
	if ((max = EVP_PKEY_get_size(sshkey_pkey(k))) <= 0)
		return SLC_ERR_CRYPTO;
	rawlen = (size_t)max;
	if ((raw = malloc(rawlen)) == NULL)
		return SLC_ERR_NOMEM;
	if ((r = md_ctx(k, sa, true, &ctx)) < 0)
		goto out;
	if (EVP_DigestSign(ctx, raw, &rawlen, data ? data : (const uint8_t *)"", len) != 1) {
		ERR_clear_error();
		r = SLC_ERR_CRYPTO;
		goto out;
	}
	switch (sa->type) {
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		if ((r = ecdsa_der_to_ssh(raw, rawlen, &inner)) < 0)
			goto out;
		break;
	default:
		/* Ed25519: 64 bytes. RSA: PKCS#1 output is always the
		 * modulus length, the exact size RFC 8332 asks for. */
		if ((r = buf_put(&inner, raw, rawlen)) < 0)
			goto out;
		break;
	}
	/* Room first, so a failure cannot leave half a blob in sig. */
	if ((r = buf_ensure_room(sig, 8 + strlen(sa->name) + buf_len(&inner))) < 0 ||
	    (r = buf_put_cstring(sig, sa->name)) < 0 || (r = buf_put_stringb(sig, &inner)) < 0)
		goto out;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(raw);
	buf_free(&inner);
	return r;
}

/* RFC 5656's string(mpint r, mpint s) to the DER libcrypto verifies. */
static int ecdsa_ssh_to_der(const uint8_t *sig, size_t len, size_t scalar, uint8_t **der,
                            size_t *derlen)
{
	struct buf b;
	const uint8_t *rp, *sp;
	size_t rlen, slen;
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	int n, ret = SLC_ERR_SIGNATURE;

	*der = NULL;
	buf_init_view(&b, sig, len);
	if (buf_get_mpint_u(&b, &rp, &rlen) < 0 || buf_get_mpint_u(&b, &sp, &slen) < 0 ||
	    buf_len(&b) != 0)
		goto out;
	/* Zero or wider than the group order cannot verify; refuse them
	 * before libcrypto sees them. */
	if (rlen == 0 || slen == 0 || rlen > scalar || slen > scalar)
		goto out;
	ret = SLC_ERR_NOMEM;
	if ((r = BN_bin2bn(rp, (int)rlen, NULL)) == NULL ||
	    (s = BN_bin2bn(sp, (int)slen, NULL)) == NULL || (es = ECDSA_SIG_new()) == NULL)
		goto out;
	if (ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL; /* transferred */
	if ((n = i2d_ECDSA_SIG(es, der)) <= 0) {
		*der = NULL;
		goto out;
	}
	*derlen = (size_t)n;
	ret = 0;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ret;
}

int sshkey_verify(const struct sshkey *k, const uint8_t *sig, size_t siglen, const uint8_t *data,
                  size_t len, const char *allowed)
{
	const struct sigalg *sa;
	const uint8_t *name, *raw;
	size_t namelen, rawlen;
	EVP_MD_CTX *ctx = NULL;
	uint8_t *der = NULL, *padded = NULL;
	const uint8_t *vsig;
	size_t vlen;
	struct buf b;
	int r;

	if (k == NULL || (sig == NULL && siglen > 0) || (data == NULL && len > 0))
		return SLC_ERR_INVALID;
	buf_init_view(&b, sig, siglen);
	if ((r = buf_get_string(&b, &name, &namelen)) < 0 ||
	    (r = buf_get_string(&b, &raw, &rawlen)) < 0)
		return r;
	if (buf_len(&b) != 0)
		return SLC_ERR_FORMAT;
	/* An algorithm that does not belong to this key is simply not a
	 * signature by it (an ECDSA blob offered for an RSA key, say). */
	if ((sa = sigalg_find(sshkey_type(k), (const char *)name, namelen)) == NULL)
		return SLC_ERR_SIGNATURE;
	if (allowed == NULL ? sa->legacy : !alglist_contains(allowed, sa->name))
		return SLC_ERR_DENIED;

	vsig = raw;
	vlen = rawlen;
	switch (sa->type) {
	case SSHKEY_ED25519:
		if (rawlen != ED25519_SIG_LEN)
			return SLC_ERR_SIGNATURE;
		break;
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		if ((r = ecdsa_ssh_to_der(raw, rawlen, sa->scalar, &der, &vlen)) < 0)
			return r;
		vsig = der;
		break;
	case SSHKEY_RSA: {
		/* RFC 8332 wants exactly the modulus length, but some
		 * signers drop leading zero bytes; OpenSSH pads them back,
		 * and so do we. Longer is never valid. */
		int modlen = EVP_PKEY_get_size(sshkey_pkey(k));
		if (modlen <= 0)
			return SLC_ERR_CRYPTO;
		if (rawlen == 0 || rawlen > (size_t)modlen)
			return SLC_ERR_SIGNATURE;
		if (rawlen < (size_t)modlen) {
			if ((padded = calloc(1, (size_t)modlen)) == NULL)
				return SLC_ERR_NOMEM;
			memcpy(padded + (size_t)modlen - rawlen, raw, rawlen);
			vsig = padded;
			vlen = (size_t)modlen;
		}
		break;
	}
	default:
		return SLC_ERR_KEY_TYPE;
	}
	if ((r = md_ctx(k, sa, false, &ctx)) < 0)
		goto out;
	/* 1 is good; 0 a bad signature; negative a malformed one. */
	if (EVP_DigestVerify(ctx, vsig, vlen, data ? data : (const uint8_t *)"", len) != 1) {
		ERR_clear_error();
		r = SLC_ERR_SIGNATURE;
		goto out;
	}
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	free(padded);
	return r;
}

int sshkey_sig_alg(const uint8_t *sig, size_t siglen, const uint8_t **name, size_t *namelen)
{
	struct buf b;

	if ((sig == NULL && siglen > 0) || name == NULL || namelen == NULL)
		return SLC_ERR_INVALID;
	buf_init_view(&b, sig, siglen);
	return buf_get_string(&b, name, namelen);
}
