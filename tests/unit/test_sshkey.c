/* sshkey: every key type through blobs, private fields, signatures and the
 * text forms; RFC 8032 vectors; fingerprints and signatures from OpenSSH's
 * ssh-keygen (files in $SLUICE_TEST_DATA/sshkey_*); and the inputs that
 * must fail: truncated, trailing, off-curve, inconsistent, tampered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "base64.h"
#include "sshkey.h"

/* RSA generation is slow under ASan: one 2048-bit key for the whole run. */
static struct sshkey *rsa_key;

static int setup(void **state)
{
	return sshkey_generate(SSHKEY_RSA, 2048, &rsa_key) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	sshkey_del(rsa_key);
	return 0;
}

static void hex2bin(const char *hex, uint8_t *out, size_t len)
{
	assert_int_equal(strlen(hex), 2 * len);
	for (size_t i = 0; i < len; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static char *read_data(const char *name, size_t *lenp)
{
	const char *dir = getenv("SLUICE_TEST_DATA");
	char path[4096];
	FILE *f;
	char *s;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	if (lenp)
		*lenp = (size_t)n;
	return s;
}

static void blob_of(const struct sshkey *k, struct buf *b)
{
	buf_init(b);
	assert_int_equal(sshkey_put_public(k, b), 0);
}

/* A second key of the same type, for "wrong key" checks. RSA uses 1024
 * bits (readable, not generatable by us) so the run stays quick. */
static struct sshkey *other_key(enum sshkey_type t)
{
	struct sshkey *k = NULL;
	if (t == SSHKEY_RSA) {
		EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
		assert_non_null(pk);
		assert_int_equal(sshkey_from_pkey(pk, &k), 0);
	} else {
		assert_int_equal(sshkey_generate(t, 0, &k), 0);
	}
	return k;
}

static void check_sign_verify(const struct sshkey *k, const char *alg, const char *want_alg)
{
	static const uint8_t msg[] = "session id || userauth request";
	struct buf sig;
	const uint8_t *name;
	size_t namelen;
	struct sshkey *wrong = other_key(sshkey_type(k));

	buf_init(&sig);
	assert_int_equal(sshkey_sign(k, alg, msg, sizeof(msg), &sig), 0);
	assert_int_equal(sshkey_sig_alg(buf_ptr(&sig), buf_len(&sig), &name, &namelen), 0);
	assert_int_equal(namelen, strlen(want_alg));
	assert_memory_equal(name, want_alg, namelen);

	const char *allowed = strcmp(want_alg, "ssh-rsa") == 0 ? "ssh-rsa" : NULL;
	assert_int_equal(sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), allowed),
	                 0);
	assert_int_equal(sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), want_alg),
	                 0);
	/* a different message */
	assert_int_equal(
	        sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg) - 1, allowed),
	        SLC_ERR_SIGNATURE);
	/* the wrong key */
	assert_int_equal(
	        sshkey_verify(wrong, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), allowed),
	        SLC_ERR_SIGNATURE);
	/* not on the caller's list */
	assert_int_equal(
	        sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), "ssh-dss,x"),
	        SLC_ERR_DENIED);
	/* trailing byte after the blob */
	assert_int_equal(buf_put_u8(&sig, 0), 0);
	assert_int_equal(sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), allowed),
	                 SLC_ERR_FORMAT);
	sig.wpos--;
	/* every byte of the signature proper flipped in turn (the name and
	 * lengths are covered by the truncation checks) */
	size_t start = 4 + namelen + 4;
	uint8_t *p = buf_mutable_ptr(&sig);
	for (size_t i = start; i < buf_len(&sig); i++) {
		p[i] ^= 0x01;
		int r = sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), allowed);
		if (r == 0)
			fail_msg("%s: flipped byte %zu accepted", want_alg, i);
		p[i] ^= 0x01;
	}
	/* every truncation */
	for (size_t n = 0; n < buf_len(&sig); n++)
		assert_true(sshkey_verify(k, buf_ptr(&sig), n, msg, sizeof(msg), allowed) < 0);
	assert_int_equal(sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), msg, sizeof(msg), allowed),
	                 0);
	buf_free(&sig);
	sshkey_del(wrong);
}

static void check_key(struct sshkey *k, enum sshkey_type type, unsigned bits)
{
	struct buf b, b2, priv;
	struct sshkey *k2 = NULL, *pub = NULL;
	char *line = NULL, *cmt = NULL, *text = NULL, *fp = NULL;

	assert_int_equal(sshkey_type(k), type);
	assert_int_equal(sshkey_bits(k), bits);
	assert_true(sshkey_is_private(k));
	assert_string_equal(sshkey_name(k), sshkey_type_to_name(type));

	/* public blob round trip, byte for byte */
	blob_of(k, &b);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k2), 0);
	assert_false(sshkey_is_private(k2));
	assert_true(sshkey_equal_public(k, k2));
	blob_of(k2, &b2);
	assert_int_equal(buf_len(&b), buf_len(&b2));
	assert_memory_equal(buf_ptr(&b), buf_ptr(&b2), buf_len(&b));
	buf_free(&b2);
	sshkey_del(k2);
	k2 = NULL;
	/* trailing bytes are an error */
	assert_int_equal(buf_put_u8(&b, 0), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k2), SLC_ERR_FORMAT);
	assert_null(k2);
	b.wpos--;
	/* every truncation fails */
	for (size_t n = 0; n < buf_len(&b); n++) {
		assert_true(sshkey_from_blob(buf_ptr(&b), n, &k2) < 0);
		assert_null(k2);
	}

	/* demote */
	assert_int_equal(sshkey_demote(k, &pub), 0);
	assert_false(sshkey_is_private(pub));
	assert_true(sshkey_equal_public(k, pub));
	assert_int_equal(sshkey_put_private(pub, &b), SLC_ERR_INVALID);
	buf_init(&b2);
	assert_int_equal(sshkey_sign(pub, NULL, (const uint8_t *)"x", 1, &b2), SLC_ERR_INVALID);
	buf_free(&b2);

	/* private round trip, with something after it that must remain */
	buf_init(&priv);
	buf_set_secret(&priv);
	assert_int_equal(sshkey_put_private(k, &priv), 0);
	size_t privlen = buf_len(&priv);
	assert_int_equal(buf_put_cstring(&priv, "comment"), 0);
	assert_int_equal(sshkey_get_private(&priv, &k2), 0);
	assert_true(sshkey_is_private(k2));
	assert_true(sshkey_equal_public(k, k2));
	assert_int_equal(buf_len(&priv), 4 + strlen("comment"));
	/* the restored key signs what the original verifies */
	struct buf sig;
	buf_init(&sig);
	assert_int_equal(sshkey_sign(k2, NULL, (const uint8_t *)"abc", 3, &sig), 0);
	assert_int_equal(
	        sshkey_verify(k, buf_ptr(&sig), buf_len(&sig), (const uint8_t *)"abc", 3, NULL), 0);
	buf_free(&sig);
	sshkey_del(k2);
	k2 = NULL;
	/* every truncation of the private fields fails and consumes nothing */
	buf_reset(&priv);
	assert_int_equal(sshkey_put_private(k, &priv), 0);
	for (size_t n = 0; n < privlen; n++) {
		struct buf v;
		buf_init_view(&v, buf_ptr(&priv), n);
		assert_true(sshkey_get_private(&v, &k2) < 0);
		assert_null(k2);
		assert_int_equal(buf_len(&v), n);
	}
	buf_free(&priv);

	/* one-line format */
	assert_int_equal(sshkey_format_public(k, "user@host with spaces", &line), 0);
	assert_int_equal(sshkey_parse_public(line, &k2, &cmt), 0);
	assert_string_equal(cmt, "user@host with spaces");
	assert_true(sshkey_equal_public(k, k2));
	assert_false(sshkey_is_private(k2));
	free(cmt);
	cmt = NULL;
	sshkey_del(k2);
	k2 = NULL;
	free(line);
	assert_int_equal(sshkey_format_public(k, NULL, &line), 0);
	assert_null(strchr(strchr(line, ' ') + 1, ' '));
	assert_int_equal(sshkey_parse_public(line, &k2, &cmt), 0);
	assert_null(cmt);
	sshkey_del(k2);
	k2 = NULL;
	free(line);
	assert_int_equal(sshkey_format_public(k, "a\nb", &line), SLC_ERR_INVALID);
	assert_null(line);

	/* RFC 4716, with a comment long enough to need continuation lines */
	char longc[200];
	for (size_t i = 0; i < sizeof(longc) - 1; i++)
		longc[i] = (char)('a' + i % 26);
	longc[sizeof(longc) - 1] = '\0';
	assert_int_equal(sshkey_format_rfc4716(k, longc, &text), 0);
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		assert_non_null(e);
		assert_true(e - l <= 72);
		l = e + 1;
	}
	assert_int_equal(sshkey_parse_rfc4716(text, &k2, &cmt), 0);
	assert_string_equal(cmt, longc);
	assert_true(sshkey_equal_public(k, k2));
	free(cmt);
	cmt = NULL;
	sshkey_del(k2);
	k2 = NULL;
	free(text);
	assert_int_equal(sshkey_format_rfc4716(k, NULL, &text), 0);
	assert_int_equal(sshkey_parse_rfc4716(text, &k2, &cmt), 0);
	assert_null(cmt);
	sshkey_del(k2);
	k2 = NULL;
	free(text);

	/* fingerprints have ssh-keygen's shape */
	assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_SHA256, &fp), 0);
	assert_int_equal(strlen(fp), 7 + 43);
	assert_memory_equal(fp, "SHA256:", 7);
	free(fp);
	assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_MD5, &fp), 0);
	assert_int_equal(strlen(fp), 4 + 47);
	free(fp);

	buf_free(&b);
	sshkey_del(pub);
}

static void test_names(void **state)
{
	assert_int_equal(sshkey_type_from_name("ssh-ed25519"), SSHKEY_ED25519);
	assert_int_equal(sshkey_type_from_name("ecdsa-sha2-nistp256"), SSHKEY_ECDSA_P256);
	assert_int_equal(sshkey_type_from_name("ecdsa-sha2-nistp384"), SSHKEY_ECDSA_P384);
	assert_int_equal(sshkey_type_from_name("ecdsa-sha2-nistp521"), SSHKEY_ECDSA_P521);
	assert_int_equal(sshkey_type_from_name("ssh-rsa"), SSHKEY_RSA);
	assert_int_equal(sshkey_type_from_name("rsa-sha2-256"), SSHKEY_UNKNOWN);
	assert_int_equal(sshkey_type_from_name("ssh-ed25519-cert-v01@openssh.com"), SSHKEY_UNKNOWN);
	assert_int_equal(sshkey_type_from_name(""), SSHKEY_UNKNOWN);
	assert_int_equal(sshkey_type_from_name(NULL), SSHKEY_UNKNOWN);
	assert_string_equal(sshkey_type_label(SSHKEY_ED25519), "ED25519");
	assert_string_equal(sshkey_type_label(SSHKEY_ECDSA_P521), "ECDSA");
	assert_string_equal(sshkey_type_label(SSHKEY_RSA), "RSA");
}

static void test_ed25519(void **state)
{
	struct sshkey *k = NULL;
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &k), 0);
	check_key(k, SSHKEY_ED25519, 256);
	check_sign_verify(k, NULL, "ssh-ed25519");
	check_sign_verify(k, "ssh-ed25519", "ssh-ed25519");
	struct buf sig;
	buf_init(&sig);
	assert_int_equal(sshkey_sign(k, "rsa-sha2-256", (const uint8_t *)"x", 1, &sig),
	                 SLC_ERR_INVALID);
	assert_int_equal(buf_len(&sig), 0);
	buf_free(&sig);
	sshkey_del(k);
}

static void test_ecdsa(void **state)
{
	static const struct {
		enum sshkey_type type;
		unsigned bits;
	} c[] = {{SSHKEY_ECDSA_P256, 256}, {SSHKEY_ECDSA_P384, 384}, {SSHKEY_ECDSA_P521, 521}};
	for (size_t i = 0; i < 3; i++) {
		struct sshkey *k = NULL;
		assert_int_equal(sshkey_generate(c[i].type, 0, &k), 0);
		check_key(k, c[i].type, c[i].bits);
		check_sign_verify(k, NULL, sshkey_type_to_name(c[i].type));
		sshkey_del(k);
		/* bits picks the curve */
		assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, c[i].bits, &k), 0);
		assert_int_equal(sshkey_type(k), c[i].type);
		sshkey_del(k);
	}
	struct sshkey *k = NULL;
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 255, &k), SLC_ERR_KEY_LENGTH);
	assert_null(k);
}

static void test_rsa(void **state)
{
	struct sshkey *k = NULL;
	check_key(rsa_key, SSHKEY_RSA, 2048);
	check_sign_verify(rsa_key, NULL, "rsa-sha2-512");
	check_sign_verify(rsa_key, "rsa-sha2-512", "rsa-sha2-512");
	check_sign_verify(rsa_key, "rsa-sha2-256", "rsa-sha2-256");
	check_sign_verify(rsa_key, "ssh-rsa", "ssh-rsa");
	assert_int_equal(sshkey_generate(SSHKEY_RSA, 1024, &k), SLC_ERR_KEY_LENGTH);
	assert_int_equal(sshkey_generate(SSHKEY_RSA, 16385, &k), SLC_ERR_KEY_LENGTH);
	assert_null(k);
}

/* RFC 8332: ssh-rsa (SHA-1) only by name; the caller's list binds the
 * algorithm (a server that negotiated rsa-sha2-256 must get that one). */
static void test_rsa_alg_policy(void **state)
{
	static const uint8_t msg[] = "m";
	struct buf sig;
	buf_init(&sig);
	assert_int_equal(sshkey_sign(rsa_key, "ssh-rsa", msg, 1, &sig), 0);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&sig), buf_len(&sig), msg, 1, NULL),
	                 SLC_ERR_DENIED);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&sig), buf_len(&sig), msg, 1,
	                               "rsa-sha2-256,rsa-sha2-512"),
	                 SLC_ERR_DENIED);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&sig), buf_len(&sig), msg, 1,
	                               "rsa-sha2-512,ssh-rsa"),
	                 0);
	/* a name that only prefixes a list element does not match */
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&sig), buf_len(&sig), msg, 1,
	                               "ssh-rsa-cert-v01@openssh.com,ssh-rs"),
	                 SLC_ERR_DENIED);
	buf_reset(&sig);
	assert_int_equal(sshkey_sign(rsa_key, "rsa-sha2-256", msg, 1, &sig), 0);
	assert_int_equal(
	        sshkey_verify(rsa_key, buf_ptr(&sig), buf_len(&sig), msg, 1, "rsa-sha2-512"),
	        SLC_ERR_DENIED);
	assert_int_equal(sshkey_sign(rsa_key, "rsa-sha2-384", msg, 1, &sig), SLC_ERR_INVALID);
	buf_free(&sig);

	/* an RSA signature presented for an ECDSA key */
	struct sshkey *ec = NULL;
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 0, &ec), 0);
	buf_init(&sig);
	assert_int_equal(sshkey_sign(rsa_key, NULL, msg, 1, &sig), 0);
	assert_int_equal(sshkey_verify(ec, buf_ptr(&sig), buf_len(&sig), msg, 1, NULL),
	                 SLC_ERR_SIGNATURE);
	buf_free(&sig);
	sshkey_del(ec);
}

/* RFC 8332 3: a signature shorter than the modulus (leading zeros dropped
 * by the signer) is padded and accepted; a longer one is refused. */
static void test_rsa_short_signature(void **state)
{
	struct buf sig, fixed;
	uint8_t msg[4];
	const uint8_t *name, *raw;
	size_t namelen, rawlen;
	int found = 0;

	buf_init(&sig);
	buf_init(&fixed);
	/* PKCS#1 v1.5 is deterministic: search for a message whose
	 * signature starts with a zero byte (1 in 256). */
	for (uint32_t i = 0; i < 5000 && !found; i++) {
		buf_store_u32(msg, i);
		buf_reset(&sig);
		assert_int_equal(sshkey_sign(rsa_key, "rsa-sha2-256", msg, 4, &sig), 0);
		struct buf v;
		buf_init_view(&v, buf_ptr(&sig), buf_len(&sig));
		assert_int_equal(buf_get_string(&v, &name, &namelen), 0);
		assert_int_equal(buf_get_string(&v, &raw, &rawlen), 0);
		assert_int_equal(rawlen, 256);
		found = raw[0] == 0;
	}
	assert_true(found);
	/* drop the zero */
	assert_int_equal(buf_put_cstring(&fixed, "rsa-sha2-256"), 0);
	assert_int_equal(buf_put_string(&fixed, raw + 1, rawlen - 1), 0);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&fixed), buf_len(&fixed), msg, 4, NULL), 0);
	/* one more zero than the modulus allows */
	buf_reset(&fixed);
	assert_int_equal(buf_put_cstring(&fixed, "rsa-sha2-256"), 0);
	assert_int_equal(buf_put_u32(&fixed, (uint32_t)rawlen + 1), 0);
	assert_int_equal(buf_put_u8(&fixed, 0), 0);
	assert_int_equal(buf_put(&fixed, raw, rawlen), 0);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&fixed), buf_len(&fixed), msg, 4, NULL),
	                 SLC_ERR_SIGNATURE);
	/* empty */
	buf_reset(&fixed);
	assert_int_equal(buf_put_cstring(&fixed, "rsa-sha2-256"), 0);
	assert_int_equal(buf_put_string(&fixed, "", 0), 0);
	assert_int_equal(sshkey_verify(rsa_key, buf_ptr(&fixed), buf_len(&fixed), msg, 4, NULL),
	                 SLC_ERR_SIGNATURE);
	buf_free(&sig);
	buf_free(&fixed);
}

/* RFC 8032 7.1 TEST 1 and TEST 2, the key built from its secret through
 * the openssh-key-v1 private layout (string pub, string seed || pub). */
static void test_ed25519_rfc8032(void **state)
{
	static const struct {
		const char *secret, *pub, *msg, *sig;
	} v[] = {
	        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc"
	         "61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e4"
	         "58f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	};
	for (size_t i = 0; i < 2; i++) {
		uint8_t sk[64], pub[32], want[64], msg[1];
		size_t msglen = strlen(v[i].msg) / 2;
		struct buf priv, sig, blob;
		struct sshkey *k = NULL, *pk = NULL;
		const uint8_t *p;

		hex2bin(v[i].secret, sk, 32);
		hex2bin(v[i].pub, pub, 32);
		memcpy(sk + 32, pub, 32);
		hex2bin(v[i].sig, want, 64);
		hex2bin(v[i].msg, msg, msglen);

		buf_init(&priv);
		buf_set_secret(&priv);
		assert_int_equal(buf_put_cstring(&priv, "ssh-ed25519"), 0);
		assert_int_equal(buf_put_string(&priv, pub, 32), 0);
		assert_int_equal(buf_put_string(&priv, sk, 64), 0);
		assert_int_equal(sshkey_get_private(&priv, &k), 0);
		assert_int_equal(buf_len(&priv), 0);

		/* the public blob carries exactly the RFC's public key */
		blob_of(k, &blob);
		struct buf v2;
		buf_init_view(&v2, buf_ptr(&blob), buf_len(&blob));
		assert_int_equal(buf_skip(&v2, 4 + 11), 0);
		assert_int_equal(buf_get_string_exact(&v2, &p, 32), 0);
		assert_memory_equal(p, pub, 32);

		buf_init(&sig);
		assert_int_equal(sshkey_sign(k, NULL, msg, msglen, &sig), 0);
		buf_init_view(&v2, buf_ptr(&sig), buf_len(&sig));
		assert_int_equal(buf_skip(&v2, 4 + 11), 0);
		assert_int_equal(buf_get_string_exact(&v2, &p, 64), 0);
		assert_memory_equal(p, want, 64);
		assert_int_equal(buf_len(&v2), 0);

		/* the RFC's signature verifies under the public key alone */
		assert_int_equal(sshkey_from_blob(buf_ptr(&blob), buf_len(&blob), &pk), 0);
		assert_int_equal(sshkey_verify(pk, buf_ptr(&sig), buf_len(&sig), msg, msglen, NULL),
		                 0);
		assert_int_equal(
		        sshkey_verify(pk, buf_ptr(&sig), buf_len(&sig), msg, msglen, "ssh-ed25519"),
		        0);

		sshkey_del(k);
		sshkey_del(pk);
		buf_free(&priv);
		buf_free(&sig);
		buf_free(&blob);
	}
}

/* Fingerprints as `ssh-keygen -lf` and `ssh-keygen -E md5 -lf` print them
 * (OpenSSH 9.2). The first key is RFC 8032 TEST 1's public key. */
static void test_known_fingerprints(void **state)
{
	static const uint8_t pub[32] = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
	                                0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	                                0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
	                                0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
	struct buf blob;
	char *enc = NULL, *line = NULL, *fp = NULL, *cmt = NULL;
	struct sshkey *k = NULL;

	buf_init(&blob);
	assert_int_equal(buf_put_cstring(&blob, "ssh-ed25519"), 0);
	assert_int_equal(buf_put_string(&blob, pub, sizeof(pub)), 0);
	assert_int_equal(b64_encode(buf_ptr(&blob), buf_len(&blob), &enc), 0);
	assert_string_equal(enc,
	                    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea");
	assert_true(asprintf(&line, "ssh-ed25519 %s rfc8032-test1", enc) > 0);
	assert_int_equal(sshkey_parse_public(line, &k, &cmt), 0);
	assert_string_equal(cmt, "rfc8032-test1");
	assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_SHA256, &fp), 0);
	assert_string_equal(fp, "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
	free(fp);
	assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_MD5, &fp), 0);
	assert_string_equal(fp, "MD5:cf:07:be:9d:68:ae:65:54:6d:a0:93:c3:6f:bd:0d:82");
	free(fp);
	/* formatting gives back the same line */
	free(enc);
	assert_int_equal(sshkey_format_public(k, cmt, &enc), 0);
	assert_string_equal(enc, line);
	free(enc);
	free(cmt);
	free(line);
	sshkey_del(k);
	buf_free(&blob);

	static const struct {
		const char *file, *sha256, *md5, *comment;
		enum sshkey_type type;
		unsigned bits;
	} f[] = {
	        {"sshkey_rsa2048.pub", "SHA256:nNPwykmV5bAOW13IopkQJcm3Jcgemq7xbzYx1RAlOyA",
	         "MD5:58:f8:e0:c0:ca:ab:4b:e8:22:c0:3c:0e:4a:7c:4e:44", "sluice-test-rsa",
	         SSHKEY_RSA, 2048},
	        {"sshkey_ecdsa384.pub", "SHA256:Fy8VxBi+S8tUDrqEcOfNULRIthYvojzNNpmsGqrUBhY",
	         "MD5:69:08:a0:83:f6:7b:fd:bd:27:98:d4:9f:6e:5e:52:69", "sluice-test-ecdsa384",
	         SSHKEY_ECDSA_P384, 384},
	        {"sshkey_ed25519.pub", "SHA256:qsTyNvz5i/0b+EKKrzqMTPX85mAGJ07hF5vPbGe8lEo",
	         "MD5:43:24:30:fe:a5:7a:02:48:71:1b:86:3a:ab:a3:93:f2", "sluice-test-ed25519",
	         SSHKEY_ED25519, 256},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *text = read_data(f[i].file, NULL);
		assert_int_equal(sshkey_parse_public(text, &k, &cmt), 0);
		assert_string_equal(cmt, f[i].comment);
		assert_int_equal(sshkey_type(k), f[i].type);
		assert_int_equal(sshkey_bits(k), f[i].bits);
		assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_SHA256, &fp), 0);
		assert_string_equal(fp, f[i].sha256);
		free(fp);
		assert_int_equal(sshkey_fingerprint(k, SSHKEY_FP_MD5, &fp), 0);
		assert_string_equal(fp, f[i].md5);
		free(fp);
		/* our line is ssh-keygen's line, newline aside */
		assert_int_equal(sshkey_format_public(k, cmt, &line), 0);
		assert_int_equal(strlen(line) + 1, strlen(text));
		assert_memory_equal(line, text, strlen(line));
		free(line);
		free(cmt);
		sshkey_del(k);
		k = NULL;
		free(text);
	}
}

/* `ssh-keygen -e` output parses to the same key as the .pub file. */
static void test_rfc4716_ssh_keygen(void **state)
{
	char *text = read_data("sshkey_rsa2048.rfc4716", NULL);
	char *line = read_data("sshkey_rsa2048.pub", NULL);
	struct sshkey *a = NULL, *b = NULL;
	char *cmt = NULL;

	assert_int_equal(sshkey_parse_rfc4716(text, &a, &cmt), 0);
	assert_string_equal(cmt, "2048-bit RSA, converted by root@vm from OpenSSH");
	assert_int_equal(sshkey_parse_public(line, &b, NULL), 0);
	assert_true(sshkey_equal_public(a, b));
	free(cmt);
	sshkey_del(a);
	sshkey_del(b);
	free(text);
	free(line);
}

static void test_rfc4716_variants(void **state)
{
	struct sshkey *k = NULL;
	char *cmt = NULL, *text = NULL;
	/* the ed25519 key of RFC 8032 TEST 1 */
	static const char b64[] =
	        "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";

	/* CRLF, private and continued headers, an unquoted comment, body
	 * split at an odd place, blank lines around */
	assert_true(asprintf(&text,
	                     "\r\n---- BEGIN SSH2 PUBLIC KEY ----\r\n"
	                     "x-command: /bin/true \\\r\n"
	                     "  more\r\n"
	                     "Comment: plain \\\r\n"
	                     "text\r\n"
	                     "%.13s\r\n%s\r\n"
	                     "---- END SSH2 PUBLIC KEY ----\r\n\r\n",
	                     b64, b64 + 13) > 0);
	assert_int_equal(sshkey_parse_rfc4716(text, &k, &cmt), 0);
	assert_string_equal(cmt, "plain text");
	assert_int_equal(sshkey_type(k), SSHKEY_ED25519);
	sshkey_del(k);
	k = NULL;
	free(cmt);
	cmt = NULL;
	free(text);

	static const char *bad[] = {
	        "",
	        "---- BEGIN SSH2 PUBLIC KEY ----\n%s\n", /* no end */
	        "%s\n---- END SSH2 PUBLIC KEY ----\n", /* no begin */
	        "---- BEGIN SSH2 PUBLIC KEY ----\n---- END SSH2 PUBLIC KEY ----\n%.0s",
	        "---- BEGIN SSH2 PUBLIC KEY ----\n%s\nComment: late\n---- END SSH2 PUBLIC KEY "
	        "----\n",
	        "---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\\\n---- END SSH2 PUBLIC KEY "
	        "----\n%.0s",
	        "---- BEGIN SSH2 PUBLIC KEY ----\n%s!\n---- END SSH2 PUBLIC KEY ----\n",
	        "---- BEGIN SSH2 PUBLIC KEY ----\n%s\n---- END SSH2 PUBLIC KEY ----\ntrailer\n",
	        "---- BEGIN SSH2 PUBLIC KEY ----\n: novalue\n%s\n---- END SSH2 PUBLIC KEY ----\n",
	        "-----BEGIN SSH2 PUBLIC KEY-----\n%s\n-----END SSH2 PUBLIC KEY-----\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		assert_true(asprintf(&text, bad[i], b64) >= 0);
#pragma GCC diagnostic pop
		int r = sshkey_parse_rfc4716(text, &k, &cmt);
		if (r >= 0)
			fail_msg("accepted case %zu", i);
		assert_null(k);
		assert_null(cmt);
		free(text);
	}
}

static void test_parse_public_variants(void **state)
{
	static const char b64[] =
	        "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
	struct sshkey *k = NULL;
	char *cmt = NULL, *line = NULL;

	assert_true(asprintf(&line, " \tssh-ed25519\t %s  two  words \r\n", b64) > 0);
	assert_int_equal(sshkey_parse_public(line, &k, &cmt), 0);
	assert_string_equal(cmt, "two  words");
	free(cmt);
	sshkey_del(k);
	free(line);

	assert_true(asprintf(&line, "ssh-ed25519 %s", b64) > 0);
	assert_int_equal(sshkey_parse_public(line, &k, &cmt), 0);
	assert_null(cmt);
	sshkey_del(k);
	free(line);

	struct {
		const char *fmt;
		int err;
	} bad[] = {
	        {"", SLC_ERR_FORMAT},
	        {"   \n", SLC_ERR_FORMAT},
	        {"ssh-ed25519", SLC_ERR_FORMAT},
	        {"ssh-ed25519 %.20s", SLC_ERR_TRUNCATED}, /* truncated blob */
	        {"ssh-rsa %s", SLC_ERR_FORMAT}, /* name disagrees with blob */
	        {"ecdsa-sha2-nistp256 %s c", SLC_ERR_FORMAT},
	        {"ssh-ed25519-cert-v01@openssh.com %s", SLC_ERR_KEY_TYPE},
	        {"command=\"x\" ssh-ed25519 %s", SLC_ERR_KEY_TYPE},
	        {"ssh-ed25519 %s! c", SLC_ERR_FORMAT},
	        {"ssh-ed25519 %s c\nssh-ed25519 x", SLC_ERR_FORMAT},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		assert_true(asprintf(&line, bad[i].fmt, b64) >= 0);
#pragma GCC diagnostic pop
		int r = sshkey_parse_public(line, &k, &cmt);
		if (r != bad[i].err)
			fail_msg("case %zu: got %d want %d", i, r, bad[i].err);
		assert_null(k);
		assert_null(cmt);
		free(line);
	}
}

/* Hand-built blobs that must be refused, each for one reason. */
static void test_bad_public_blobs(void **state)
{
	struct sshkey *k = NULL, *ec = NULL;
	struct buf b, good;
	const uint8_t *p;
	size_t n;

	/* garbage */
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0, 1, 2};
	assert_true(sshkey_from_blob(junk, sizeof(junk), &k) < 0);
	assert_true(sshkey_from_blob(NULL, 0, &k) < 0);
	assert_null(k);

	buf_init(&b);
	/* unknown type */
	assert_int_equal(buf_put_cstring(&b, "ssh-dss"), 0);
	assert_int_equal(buf_put_string(&b, "x", 1), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_KEY_TYPE);

	/* ed25519 of the wrong length */
	buf_reset(&b);
	assert_int_equal(buf_put_cstring(&b, "ssh-ed25519"), 0);
	assert_int_equal(buf_put_string(&b, junk, 31 > sizeof(junk) ? sizeof(junk) : 31), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_FORMAT);

	/* ECDSA: take a good P-256 key apart and reassemble it badly */
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 0, &ec), 0);
	blob_of(ec, &good);
	struct buf v;
	const uint8_t *q;
	size_t qlen;
	buf_init_view(&v, buf_ptr(&good), buf_len(&good));
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	assert_int_equal(buf_get_string(&v, &q, &qlen), 0);
	assert_int_equal(qlen, 65);
	uint8_t pt[65];
	memcpy(pt, q, 65);
	struct {
		const char *type, *curve;
		int mod; /* 0 none, 1 off-curve, 2 compressed, 3 infinity, 4 short */
	} c[] = {
	        {"ecdsa-sha2-nistp256", "nistp384", 0}, {"ecdsa-sha2-nistp384", "nistp256", 0},
	        {"ecdsa-sha2-nistp384", "nistp384", 0}, {"ecdsa-sha2-nistp256", "nistp256", 1},
	        {"ecdsa-sha2-nistp256", "nistp256", 2}, {"ecdsa-sha2-nistp256", "nistp256", 3},
	        {"ecdsa-sha2-nistp256", "nistp256", 4},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t mp[65];
		size_t mlen = 65;
		memcpy(mp, pt, 65);
		if (c[i].mod == 1)
			mp[64] ^= 1;
		if (c[i].mod == 2) {
			mp[0] = (uint8_t)(2 + (pt[64] & 1));
			mlen = 33;
		}
		if (c[i].mod == 3) {
			mp[0] = 0;
			mlen = 1;
		}
		if (c[i].mod == 4)
			mlen = 64;
		buf_reset(&b);
		assert_int_equal(buf_put_cstring(&b, c[i].type), 0);
		assert_int_equal(buf_put_cstring(&b, c[i].curve), 0);
		assert_int_equal(buf_put_string(&b, mp, mlen), 0);
		int r = sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k);
		if (r != SLC_ERR_FORMAT)
			fail_msg("ecdsa case %zu: %d", i, r);
		assert_null(k);
	}
	/* all-zero coordinates: the right length, not on the curve */
	memset(pt + 1, 0, 64);
	buf_reset(&b);
	assert_int_equal(buf_put_cstring(&b, "ecdsa-sha2-nistp256"), 0);
	assert_int_equal(buf_put_cstring(&b, "nistp256"), 0);
	assert_int_equal(buf_put_string(&b, pt, 65), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_FORMAT);
	sshkey_del(ec);
	buf_free(&good);

	/* RSA: rebuild from the shared key's e and n with changes */
	blob_of(rsa_key, &good);
	const uint8_t *e, *nn;
	size_t elen, nlen;
	buf_init_view(&v, buf_ptr(&good), buf_len(&good));
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	assert_int_equal(buf_get_mpint_u(&v, &e, &elen), 0);
	assert_int_equal(buf_get_mpint_u(&v, &nn, &nlen), 0);
	static const uint8_t one[] = {1}, four[] = {4}, three[] = {3};
	struct {
		const uint8_t *e;
		size_t elen;
		size_t nlen; /* leading bytes of n to keep (as a shorter n) */
		int nodd; /* 1: make n even */
		int err;
	} rc[] = {
	        {three, 1, 256, 0, 0},
	        {one, 1, 256, 0, SLC_ERR_FORMAT},
	        {four, 1, 256, 0, SLC_ERR_FORMAT},
	        {NULL, 0, 256, 0, SLC_ERR_FORMAT}, /* e = 0 */
	        {three, 1, 256, 1, SLC_ERR_FORMAT}, /* even n */
	        {three, 1, 127, 0, SLC_ERR_KEY_LENGTH}, /* 1016 bits */
	        {three, 1, 128, 0, 0}, /* 1024 bits */
	};
	for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
		uint8_t mod[256];
		memcpy(mod, nn, 256);
		mod[rc[i].nlen - 1] |= 1;
		if (rc[i].nodd)
			mod[rc[i].nlen - 1] &= 0xfe;
		buf_reset(&b);
		assert_int_equal(buf_put_cstring(&b, "ssh-rsa"), 0);
		assert_int_equal(buf_put_mpint_u(&b, rc[i].e, rc[i].elen), 0);
		assert_int_equal(buf_put_mpint_u(&b, mod, rc[i].nlen), 0);
		int r = sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k);
		if (r != rc[i].err)
			fail_msg("rsa case %zu: %d", i, r);
		sshkey_del(k);
		k = NULL;
	}
	/* e >= n */
	buf_reset(&b);
	assert_int_equal(buf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(buf_put_mpint_u(&b, nn, nlen), 0);
	assert_int_equal(buf_put_mpint_u(&b, nn, nlen), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_FORMAT);
	/* 16385-bit modulus (one more than the limit) */
	uint8_t *big = calloc(1, 2049);
	assert_non_null(big);
	big[0] = 1;
	big[2048] = 1;
	buf_reset(&b);
	assert_int_equal(buf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(buf_put_mpint_u(&b, three, 1), 0);
	assert_int_equal(buf_put_mpint_u(&b, big, 2049), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_KEY_LENGTH);
	/* negative e */
	buf_reset(&b);
	assert_int_equal(buf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(buf_put_string(&b, "\x81", 1), 0);
	assert_int_equal(buf_put_mpint_u(&b, nn, nlen), 0);
	assert_int_equal(sshkey_from_blob(buf_ptr(&b), buf_len(&b), &k), SLC_ERR_MPINT);
	assert_null(k);
	free(big);
	buf_free(&good);
	buf_free(&b);
}

/* Private fields that disagree with themselves are refused. */
static void test_inconsistent_private(void **state)
{
	struct sshkey *k = NULL, *ed = NULL, *ec = NULL, *ec2 = NULL;
	struct buf b, v;
	const uint8_t *p, *pub, *sk;
	size_t n;

	/* ed25519: second half of the private string differs from pub */
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &ed), 0);
	buf_init(&b);
	buf_set_secret(&b);
	assert_int_equal(sshkey_put_private(ed, &b), 0);
	buf_mutable_ptr(&b)[buf_len(&b) - 1] ^= 1;
	assert_int_equal(sshkey_get_private(&b, &k), SLC_ERR_FORMAT);
	assert_null(k);
	/* ed25519: pub (both copies) not the seed's public key */
	buf_reset(&b);
	assert_int_equal(sshkey_put_private(ed, &b), 0);
	buf_init_view(&v, buf_ptr(&b), buf_len(&b));
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	assert_int_equal(buf_get_string_exact(&v, &pub, 32), 0);
	assert_int_equal(buf_get_string_exact(&v, &sk, 64), 0);
	uint8_t s2[64], p2[32];
	memcpy(s2, sk, 64);
	memcpy(p2, pub, 32);
	p2[0] ^= 1;
	memcpy(s2 + 32, p2, 32);
	struct buf c;
	buf_init(&c);
	assert_int_equal(buf_put_cstring(&c, "ssh-ed25519"), 0);
	assert_int_equal(buf_put_string(&c, p2, 32), 0);
	assert_int_equal(buf_put_string(&c, s2, 64), 0);
	assert_int_equal(sshkey_get_private(&c, &k), SLC_ERR_FORMAT);
	assert_int_equal(buf_len(&c), 4 + 11 + 4 + 32 + 4 + 64);
	buf_free(&c);

	/* ECDSA: another key's d with this key's Q */
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 0, &ec), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 0, &ec2), 0);
	struct buf b1, b2;
	buf_init(&b1);
	buf_init(&b2);
	assert_int_equal(sshkey_put_private(ec, &b1), 0);
	assert_int_equal(sshkey_put_private(ec2, &b2), 0);
	const uint8_t *q1, *d2;
	size_t q1len, d2len;
	buf_init_view(&v, buf_ptr(&b1), buf_len(&b1));
	assert_int_equal(buf_skip(&v, 4 + 19 + 4 + 8), 0);
	assert_int_equal(buf_get_string(&v, &q1, &q1len), 0);
	buf_init_view(&v, buf_ptr(&b2), buf_len(&b2));
	assert_int_equal(buf_skip(&v, 4 + 19 + 4 + 8), 0);
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	assert_int_equal(buf_get_mpint_u(&v, &d2, &d2len), 0);
	buf_init(&c);
	assert_int_equal(buf_put_cstring(&c, "ecdsa-sha2-nistp256"), 0);
	assert_int_equal(buf_put_cstring(&c, "nistp256"), 0);
	assert_int_equal(buf_put_string(&c, q1, q1len), 0);
	assert_int_equal(buf_put_mpint_u(&c, d2, d2len), 0);
	assert_int_equal(sshkey_get_private(&c, &k), SLC_ERR_FORMAT);
	/* d = 0 */
	buf_reset(&c);
	assert_int_equal(buf_put_cstring(&c, "ecdsa-sha2-nistp256"), 0);
	assert_int_equal(buf_put_cstring(&c, "nistp256"), 0);
	assert_int_equal(buf_put_string(&c, q1, q1len), 0);
	assert_int_equal(buf_put_mpint_u(&c, NULL, 0), 0);
	assert_true(sshkey_get_private(&c, &k) < 0);
	assert_null(k);
	buf_free(&c);
	buf_free(&b1);
	buf_free(&b2);

	/* RSA: fields rotated one way or another */
	buf_reset(&b);
	assert_int_equal(sshkey_put_private(rsa_key, &b), 0);
	const uint8_t *f[6];
	size_t fl[6];
	buf_init_view(&v, buf_ptr(&b), buf_len(&b));
	assert_int_equal(buf_get_string(&v, &p, &n), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(buf_get_mpint_u(&v, &f[i], &fl[i]), 0);
	/* order: n e d iqmp p q; each case names the source field for each slot */
	static const int perm[][6] = {
	        {0, 1, 2, 3, 4, 5}, /* control: accepted */
	        {0, 1, 2, 3, 5, 4}, /* p and q swapped: iqmp is wrong */
	        {0, 1, 2, 3, 4, 4}, /* p*p != n */
	        {0, 1, 3, 3, 4, 5}, /* d wrong */
	        {0, 1, 2, 2, 4, 5}, /* iqmp wrong (and too big) */
	};
	for (size_t i = 0; i < sizeof(perm) / sizeof(perm[0]); i++) {
		buf_init(&c);
		buf_set_secret(&c);
		assert_int_equal(buf_put_cstring(&c, "ssh-rsa"), 0);
		for (int j = 0; j < 6; j++)
			assert_int_equal(buf_put_mpint_u(&c, f[perm[i][j]], fl[perm[i][j]]), 0);
		int r = sshkey_get_private(&c, &k);
		if (r != (i == 0 ? 0 : SLC_ERR_FORMAT))
			fail_msg("rsa case %zu: %d", i, r);
		sshkey_del(k);
		k = NULL;
		buf_free(&c);
	}
	buf_free(&b);
	sshkey_del(ed);
	sshkey_del(ec);
	sshkey_del(ec2);
}

/* Signatures made by OpenSSH (`ssh-keygen -Y sign -n sluice-test`) verify:
 * real interop for the Ed25519, ECDSA (mpint r, s) and rsa-sha2-512
 * encodings. PROTOCOL.sshsig: the blob is "SSHSIG" u32 version, string
 * publickey, string namespace, string reserved, string hash_algorithm,
 * string signature; what is signed is "SSHSIG", string namespace, string
 * reserved, string hash_algorithm, string H(message). */
static void check_sshsig(const char *sigfile)
{
	char *armour = read_data(sigfile, NULL);
	size_t msglen;
	char *msg = read_data("sshkey_sshsig.msg", &msglen);
	struct buf raw, v, tbs;
	const uint8_t *pk, *ns, *res, *halg, *sig;
	size_t pklen, nslen, reslen, halglen, siglen;
	uint32_t ver;
	uint8_t h[64];
	unsigned hlen = 0;
	struct sshkey *k = NULL;

	const char *begin = strstr(armour, "-----BEGIN SSH SIGNATURE-----\n");
	const char *end = strstr(armour, "-----END SSH SIGNATURE-----");
	assert_non_null(begin);
	assert_non_null(end);
	begin += strlen("-----BEGIN SSH SIGNATURE-----\n");
	buf_init(&raw);
	assert_int_equal(b64_decode(begin, (size_t)(end - begin), &raw), 0);
	buf_init_view(&v, buf_ptr(&raw), buf_len(&raw));
	assert_int_equal(buf_skip(&v, 6), 0);
	assert_memory_equal(buf_ptr(&raw), "SSHSIG", 6);
	assert_int_equal(buf_get_u32(&v, &ver), 0);
	assert_int_equal(ver, 1);
	assert_int_equal(buf_get_string(&v, &pk, &pklen), 0);
	assert_int_equal(buf_get_string(&v, &ns, &nslen), 0);
	assert_int_equal(buf_get_string(&v, &res, &reslen), 0);
	assert_int_equal(buf_get_string(&v, &halg, &halglen), 0);
	assert_int_equal(buf_get_string(&v, &sig, &siglen), 0);
	assert_int_equal(buf_len(&v), 0);
	assert_int_equal(halglen, 6);
	assert_memory_equal(halg, "sha512", 6);
	assert_int_equal(EVP_Digest(msg, msglen, h, &hlen, EVP_sha512(), NULL), 1);

	buf_init(&tbs);
	assert_int_equal(buf_put(&tbs, "SSHSIG", 6), 0);
	assert_int_equal(buf_put_string(&tbs, ns, nslen), 0);
	assert_int_equal(buf_put_string(&tbs, res, reslen), 0);
	assert_int_equal(buf_put_string(&tbs, halg, halglen), 0);
	assert_int_equal(buf_put_string(&tbs, h, hlen), 0);

	assert_int_equal(sshkey_from_blob(pk, pklen, &k), 0);
	assert_int_equal(sshkey_verify(k, sig, siglen, buf_ptr(&tbs), buf_len(&tbs), NULL), 0);
	/* and not over anything else */
	buf_mutable_ptr(&tbs)[buf_len(&tbs) - 1] ^= 1;
	assert_int_equal(sshkey_verify(k, sig, siglen, buf_ptr(&tbs), buf_len(&tbs), NULL),
	                 SLC_ERR_SIGNATURE);

	sshkey_del(k);
	buf_free(&tbs);
	buf_free(&raw);
	free(armour);
	free(msg);
}

static void test_openssh_signatures(void **state)
{
	check_sshsig("sshkey_sshsig_ed25519.sig");
	check_sshsig("sshkey_sshsig_ecdsa384.sig");
	check_sshsig("sshkey_sshsig_rsa2048.sig");
}

static void test_from_pkey(void **state)
{
	struct sshkey *k = NULL;
	EVP_PKEY *pk;

	/* public-only EVP_PKEYs of each type are not private */
	static const enum sshkey_type types[] = {SSHKEY_ED25519, SSHKEY_ECDSA_P521, SSHKEY_RSA};
	for (size_t i = 0; i < 3; i++) {
		struct sshkey *full = NULL, *pub = NULL;
		if (types[i] == SSHKEY_RSA)
			full = rsa_key;
		else
			assert_int_equal(sshkey_generate(types[i], 0, &full), 0);
		assert_int_equal(sshkey_demote(full, &pub), 0);
		pk = EVP_PKEY_dup(sshkey_pkey(pub));
		assert_non_null(pk);
		assert_int_equal(sshkey_from_pkey(pk, &k), 0);
		assert_false(sshkey_is_private(k));
		assert_true(sshkey_equal_public(k, full));
		sshkey_del(k);
		sshkey_del(pub);
		/* and the private one is */
		pk = EVP_PKEY_dup(sshkey_pkey(full));
		assert_non_null(pk);
		assert_int_equal(sshkey_from_pkey(pk, &k), 0);
		assert_true(sshkey_is_private(k));
		sshkey_del(k);
		if (full != rsa_key)
			sshkey_del(full);
	}
	k = NULL;

	pk = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	assert_non_null(pk);
	assert_int_equal(sshkey_from_pkey(pk, &k), SLC_ERR_KEY_TYPE);
	assert_null(k);
	EVP_PKEY_free(pk);

	pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	assert_non_null(pk);
	assert_int_equal(sshkey_from_pkey(pk, &k), SLC_ERR_KEY_TYPE);
	EVP_PKEY_free(pk);

	pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)768);
	if (pk != NULL) { /* some builds refuse small keys outright */
		assert_int_equal(sshkey_from_pkey(pk, &k), SLC_ERR_KEY_LENGTH);
		EVP_PKEY_free(pk);
	}

	pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	assert_non_null(pk);
	assert_int_equal(sshkey_from_pkey(pk, &k), 0);
	assert_int_equal(sshkey_type(k), SSHKEY_ECDSA_P384);
	assert_true(sshkey_is_private(k));
	assert_ptr_equal(sshkey_pkey(k), pk);
	sshkey_del(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_ed25519),
	        cmocka_unit_test(test_ecdsa),
	        cmocka_unit_test(test_rsa),
	        cmocka_unit_test(test_rsa_alg_policy),
	        cmocka_unit_test(test_rsa_short_signature),
	        cmocka_unit_test(test_ed25519_rfc8032),
	        cmocka_unit_test(test_known_fingerprints),
	        cmocka_unit_test(test_rfc4716_ssh_keygen),
	        cmocka_unit_test(test_rfc4716_variants),
	        cmocka_unit_test(test_parse_public_variants),
	        cmocka_unit_test(test_bad_public_blobs),
	        cmocka_unit_test(test_inconsistent_private),
	        cmocka_unit_test(test_openssh_signatures),
	        cmocka_unit_test(test_from_pkey),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
