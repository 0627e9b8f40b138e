#include "kex.h"

#include <string.h>

static const struct kex_method methods[] = {
        {"curve25519-sha256", CRYPTO_KEX_X25519, CRYPTO_HASH_SHA256, false},
        {"curve25519-sha256@libssh.org", CRYPTO_KEX_X25519, CRYPTO_HASH_SHA256, false},
        {"ecdh-sha2-nistp256", CRYPTO_KEX_ECDH_P256, CRYPTO_HASH_SHA256, false},
        {"ecdh-sha2-nistp384", CRYPTO_KEX_ECDH_P384, CRYPTO_HASH_SHA384, false},
        {"ecdh-sha2-nistp521", CRYPTO_KEX_ECDH_P521, CRYPTO_HASH_SHA512, false},
        {"diffie-hellman-group14-sha256", CRYPTO_KEX_DH_GROUP14, CRYPTO_HASH_SHA256, true},
        {"diffie-hellman-group16-sha512", CRYPTO_KEX_DH_GROUP16, CRYPTO_HASH_SHA512, true},
        {"diffie-hellman-group18-sha512", CRYPTO_KEX_DH_GROUP18, CRYPTO_HASH_SHA512, true},
        {"diffie-hellman-group14-sha1", CRYPTO_KEX_DH_GROUP14, CRYPTO_HASH_SHA1, true},
};

const struct kex_method *kex_method_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].name, name))
			return &methods[i];
	return NULL;
}

/* NIST curves draw ssh-audit warnings; they stay available for +alg. */
const char *kex_default_names(void)
{
	return "curve25519-sha256,curve25519-sha256@libssh.org,"
	       "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	       "diffie-hellman-group14-sha256";
}

const char *kex_supported_names(void)
{
	return "curve25519-sha256,curve25519-sha256@libssh.org,"
	       "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	       "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	       "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1";
}

/* Clients accept ECDSA host keys by default, as OpenSSH does; a server
 * only offers algorithms it has keys for. SHA-1 ssh-rsa is opt-in. This is
 * also the default for user keys and what server-sig-algs announces. */
const char *kex_hostkey_default_names(void)
{
	return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	       "rsa-sha2-512,rsa-sha2-256";
}

const char *kex_hostkey_supported_names(void)
{
	return "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	       "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
}

int kex_put_public(const struct kex_method *m, const struct crypto_kex *k, struct buf *b)
{
	size_t len;
	const uint8_t *p = crypto_kex_public(k, &len);
	if (!p)
		return SLC_ERR_INVALID;
	return m->dh ? buf_put_mpint_u(b, p, len) : buf_put_string(b, p, len);
}

int kex_get_public(const struct kex_method *m, struct buf *b, const uint8_t **p, size_t *len)
{
	return m->dh ? buf_get_mpint_u(b, p, len) : buf_get_string(b, p, len);
}

int kex_exchange_hash(const struct kex_method *m, const char *v_c, const char *v_s,
                      const struct buf *i_c, const struct buf *i_s, const uint8_t *k_s,
                      size_t k_s_len, const uint8_t *q_c, size_t q_c_len, const uint8_t *q_s,
                      size_t q_s_len, const uint8_t *secret, size_t secret_len, uint8_t *out)
{
	struct buf b;
	int r;
	buf_init(&b);
	buf_set_secret(&b); /* holds K */
	if ((r = buf_put_cstring(&b, v_c)) < 0 || (r = buf_put_cstring(&b, v_s)) < 0 ||
	    (r = buf_put_stringb(&b, i_c)) < 0 || (r = buf_put_stringb(&b, i_s)) < 0 ||
	    (r = buf_put_string(&b, k_s, k_s_len)) < 0)
		goto out;
	if (m->dh) {
		if ((r = buf_put_mpint_u(&b, q_c, q_c_len)) < 0 ||
		    (r = buf_put_mpint_u(&b, q_s, q_s_len)) < 0)
			goto out;
	} else {
		if ((r = buf_put_string(&b, q_c, q_c_len)) < 0 ||
		    (r = buf_put_string(&b, q_s, q_s_len)) < 0)
			goto out;
	}
	if ((r = buf_put_mpint_u(&b, secret, secret_len)) < 0)
		goto out;
	r = crypto_hash(m->hash, buf_ptr(&b), buf_len(&b), out);
out:
	buf_free(&b);
	return r;
}

int kex_derive(const struct kex_method *m, const uint8_t *secret, size_t secret_len,
               const uint8_t *h, size_t h_len, const uint8_t *session_id, size_t session_id_len,
               char letter, uint8_t *out, size_t need)
{
	struct crypto_hash_ctx ctx, prefix;
	struct buf k;
	uint8_t digest[CRYPTO_HASH_MAX_LEN];
	size_t hl = crypto_hash_len(m->hash);
	size_t have = 0;
	uint8_t x = (uint8_t)letter;
	int r;

	memset(&ctx, 0, sizeof(ctx));
	memset(&prefix, 0, sizeof(prefix));
	buf_init(&k);
	buf_set_secret(&k);
	if ((r = buf_put_mpint_u(&k, secret, secret_len)) < 0)
		goto out;
	/* K1 = HASH(K || H || X || session_id); Kn = HASH(K || H || K1..Kn-1).
	 * The K || H prefix is shared: hash it once and copy. */
	if ((r = crypto_hash_init(&prefix, m->hash)) < 0 ||
	    (r = crypto_hash_update(&prefix, buf_ptr(&k), buf_len(&k))) < 0 ||
	    (r = crypto_hash_update(&prefix, h, h_len)) < 0 ||
	    (r = crypto_hash_copy(&ctx, &prefix)) < 0 ||
	    (r = crypto_hash_update(&ctx, &x, 1)) < 0 ||
	    (r = crypto_hash_update(&ctx, session_id, session_id_len)) < 0 ||
	    (r = crypto_hash_final(&ctx, digest)) < 0)
		goto out;
	for (;;) {
		size_t n = need - have < hl ? need - have : hl;
		memcpy(out + have, digest, n);
		have += n;
		if (have >= need)
			break;
		/* the next block hashes everything produced so far */
		crypto_hash_free(&ctx);
		if ((r = crypto_hash_copy(&ctx, &prefix)) < 0 ||
		    (r = crypto_hash_update(&ctx, out, have)) < 0 ||
		    (r = crypto_hash_final(&ctx, digest)) < 0)
			goto out;
	}
out:
	crypto_wipe(digest, sizeof(digest));
	crypto_hash_free(&ctx);
	crypto_hash_free(&prefix);
	buf_free(&k);
	return r;
}
