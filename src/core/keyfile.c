/* keyfile: private and public key files in the formats OpenSSH reads and
 * writes. openssh-key-v1 is parsed here (PROTOCOL.key); PEM and PKCS#8 are
 * left to libcrypto's decoders and only mapped to sshkey.
 *
 * The text formats are parsed with memchr/memmem over the caller's bytes;
 * everything binary goes through buf. Decrypted bytes and anything derived
 * from the passphrase live in secret buffers or are cleansed before return. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pemerr.h>
#include <openssl/pkcs12err.h>
#include <openssl/proverr.h>
#include <openssl/rand.h>

#include "base64.h"
#include "bcrypt_pbkdf.h"
#include "keyfile.h"

/* "openssh-key-v1" and its terminating NUL are both part of the magic. */
static const char v1_magic[] = "openssh-key-v1";
#define V1_MAGIC_LEN sizeof(v1_magic)

#define ARMOUR_DASHES "-----"
#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"
/* ssh-keygen wraps the base64 body at 70 columns; we match it so files we
 * write diff cleanly against ones it writes. */
#define OPENSSH_WRAP 70

#define SALT_LEN 16 /* what ssh-keygen writes */
#define SALT_MAX 1024 /* anything longer is damage, not a choice */
#define KDF_OUT_MAX 64 /* largest key + iv in the cipher table */
#define TAG_MAX 16
#define WRITE_CIPHER "aes256-ctr"

struct kf_cipher {
	const char *name; /* SSH name */
	const char *evp; /* libcrypto name; NULL for "none" */
	unsigned block; /* the private section pads to this */
	unsigned keylen;
	unsigned ivlen;
	unsigned taglen; /* AEAD tag stored after the encrypted string */
};

/* ssh-keygen -Z accepts these; chacha20-poly1305 is left out because
 * libcrypto's ChaCha20 does not match OpenSSH's construction. */
static const struct kf_cipher kf_ciphers[] = {
        {"none", NULL, 8, 0, 0, 0},
        {"aes128-ctr", "AES-128-CTR", 16, 16, 16, 0},
        {"aes192-ctr", "AES-192-CTR", 16, 24, 16, 0},
        {"aes256-ctr", "AES-256-CTR", 16, 32, 16, 0},
        {"aes128-cbc", "AES-128-CBC", 16, 16, 16, 0},
        {"aes192-cbc", "AES-192-CBC", 16, 24, 16, 0},
        {"aes256-cbc", "AES-256-CBC", 16, 32, 16, 0},
        /* OpenSSH's GCM uses a 12-byte nonce taken whole from the KDF. */
        {"aes128-gcm@openssh.com", "AES-128-GCM", 16, 16, 12, 16},
        {"aes256-gcm@openssh.com", "AES-256-GCM", 16, 32, 12, 16},
};

static const struct kf_cipher *cipher_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kf_ciphers) / sizeof(kf_ciphers[0]); i++)
		if (strcmp(kf_ciphers[i].name, name) == 0)
			return &kf_ciphers[i];
	return NULL;
}

static bool have_passphrase(const char *p)
{
	return p != NULL && p[0] != '\0';
}

/* ---- armour ---------------------------------------------------------- */

enum armour {
	ARMOUR_NONE,
	ARMOUR_OPENSSH,
	ARMOUR_PEM, /* "RSA/EC PRIVATE KEY", maybe Proc-Type encrypted */
	ARMOUR_PKCS8, /* "PRIVATE KEY" */
	ARMOUR_PKCS8_ENC, /* "ENCRYPTED PRIVATE KEY" */
};

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips leading blank space and reports what the BEGIN line announces.
 * *begin points at the line's first '-'. */
static enum armour armour_kind(const uint8_t *data, size_t len, size_t *begin)
{
	static const struct {
		const char *line;
		enum armour kind;
	} lines[] = {
	        {OPENSSH_BEGIN, ARMOUR_OPENSSH},
	        {"-----BEGIN RSA PRIVATE KEY-----", ARMOUR_PEM},
	        {"-----BEGIN EC PRIVATE KEY-----", ARMOUR_PEM},
	        {"-----BEGIN PRIVATE KEY-----", ARMOUR_PKCS8},
	        {"-----BEGIN ENCRYPTED PRIVATE KEY-----", ARMOUR_PKCS8_ENC},
	};
	size_t i = 0;
	while (i < len && is_blank(data[i]))
		i++;
	*begin = i;
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		size_t n = strlen(lines[k].line);
		if (len - i >= n && memcmp(data + i, lines[k].line, n) == 0 &&
		    (len - i == n || is_blank(data[i + n])))
			return lines[k].kind;
	}
	return ARMOUR_NONE;
}

/* Legacy PEM encryption is announced by a header inside the armour. */
static bool pem_has_proc_type_encrypted(const uint8_t *data, size_t len)
{
	static const char hdr[] = "Proc-Type: 4,ENCRYPTED";
	const uint8_t *end = memmem(data, len, "-----END ", 9);
	size_t n = end ? (size_t)(end - data) : len;
	return memmem(data, n, hdr, sizeof(hdr) - 1) != NULL;
}

/* Base64-decodes the body of an openssh-key-v1 armour into a secret buf. */
static int openssh_unarmour(const uint8_t *data, size_t len, size_t begin, struct buf *raw)
{
	size_t start = begin + strlen(OPENSSH_BEGIN);
	const uint8_t *end = memmem(data + start, len - start, OPENSSH_END, strlen(OPENSSH_END));
	if (end == NULL)
		return SLC_ERR_TRUNCATED;
	buf_set_secret(raw);
	return b64_decode((const char *)data + start, (size_t)(end - (data + start)), raw);
}

/* ---- openssh-key-v1 -------------------------------------------------- */

/* The header fields, borrowed from the decoded blob. */
struct v1_hdr {
	char *ciphername;
	char *kdfname;
	struct buf kdfopts;
	const uint8_t *pub;
	size_t publen;
	struct buf enc; /* the encrypted private section */
	struct buf rest; /* bytes after it: the AEAD tag, if any */
};

static void v1_hdr_free(struct v1_hdr *h)
{
	free(h->ciphername);
	free(h->kdfname);
	memset(h, 0, sizeof(*h));
}

static int v1_parse_header(struct buf *raw, struct v1_hdr *h)
{
	uint8_t magic[V1_MAGIC_LEN];
	uint32_t nkeys;
	int r;

	memset(h, 0, sizeof(*h));
	if ((r = buf_get(raw, magic, sizeof(magic))) < 0)
		return r;
	if (memcmp(magic, v1_magic, sizeof(magic)) != 0)
		return SLC_ERR_FORMAT;
	if ((r = buf_get_cstring(raw, &h->ciphername, NULL)) < 0 ||
	    (r = buf_get_cstring(raw, &h->kdfname, NULL)) < 0 ||
	    (r = buf_get_stringb(raw, &h->kdfopts)) < 0 || (r = buf_get_u32(raw, &nkeys)) < 0)
		return r;
	/* Nobody writes several keys per file and PROTOCOL.key leaves their
	 * meaning open; one is all ssh-keygen reads too. */
	if (nkeys != 1)
		return SLC_ERR_FORMAT;
	if ((r = buf_get_string(raw, &h->pub, &h->publen)) < 0 ||
	    (r = buf_get_stringb(raw, &h->enc)) < 0)
		return r;
	buf_init_view(&h->rest, buf_ptr(raw), buf_len(raw));
	return 0;
}

/* Runs the cipher over in (len bytes) into out. For AEAD ciphers tag is
 * checked (decrypt) or written (encrypt). key||iv come from kdf. */
static int v1_crypt(const struct kf_cipher *c, const uint8_t *kdf, bool encrypt, const uint8_t *in,
                    size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl, finl, r = SLC_ERR_CRYPTO;

	if (len > INT32_MAX)
		return SLC_ERR_LENGTH;
	if ((cipher = EVP_CIPHER_fetch(NULL, c->evp, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	if ((size_t)EVP_CIPHER_get_key_length(cipher) != c->keylen ||
	    (size_t)EVP_CIPHER_get_iv_length(cipher) != c->ivlen)
		goto out;
	if (!EVP_CipherInit_ex2(ctx, cipher, kdf, kdf + c->keylen, encrypt ? 1 : 0, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (c->taglen && !encrypt &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->taglen, tag))
		goto out;
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len) || (size_t)outl != len)
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + outl, &finl)) {
		/* Only an AEAD tag can fail here: the input is block aligned. */
		r = c->taglen ? SLC_ERR_MAC : SLC_ERR_CRYPTO;
		goto out;
	}
	if (finl != 0)
		goto out;
	if (c->taglen && encrypt &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)c->taglen, tag))
		goto out;
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return r;
}

/* Private section after decryption: checkints, one key, comment, padding. */
static int v1_parse_private(struct buf *priv, bool encrypted, const struct sshkey *pub,
                            struct sshkey **key, char **comment)
{
	struct sshkey *k = NULL;
	char *cmt = NULL;
	uint32_t check1, check2;
	uint8_t pad;
	int r;

	if ((r = buf_get_u32(priv, &check1)) < 0 || (r = buf_get_u32(priv, &check2)) < 0)
		goto out;
	if (check1 != check2) {
		/* Decrypting with the wrong key gives noise, so unequal words
		 * are how a wrong passphrase shows itself. */
		r = encrypted ? SLC_ERR_PASSPHRASE : SLC_ERR_CHECKINT;
		goto out;
	}
	if ((r = sshkey_get_private(priv, &k)) < 0 || (r = buf_get_cstring(priv, &cmt, NULL)) < 0)
		goto out;
	for (unsigned i = 1; buf_len(priv) > 0; i++) {
		if ((r = buf_get_u8(priv, &pad)) < 0)
			goto out;
		if (i > 255 || pad != i) {
			r = SLC_ERR_FORMAT;
			goto out;
		}
	}
	/* A file whose header names another key than the one it holds would
	 * let a .pub-based check pass for the wrong key. */
	if (!sshkey_is_private(k) || !sshkey_equal_public(k, pub)) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	*key = k;
	k = NULL; /* transferred */
	if (comment) {
		*comment = cmt;
		cmt = NULL; /* transferred */
	}
	r = 0;
out:
	sshkey_del(k);
	free(cmt);
	return r;
}

static int v1_parse_kdf(const struct v1_hdr *h, const struct kf_cipher *c, unsigned max_rounds,
                        const uint8_t **salt, size_t *saltlen, uint32_t *rounds)
{
	struct buf opts = h->kdfopts;
	int r;

	if (c->evp == NULL) {
		/* Unencrypted keys carry kdf "none" with empty options. */
		if (strcmp(h->kdfname, "none") != 0 || buf_len(&opts) != 0)
			return SLC_ERR_FORMAT;
		return 0;
	}
	if (strcmp(h->kdfname, "bcrypt") != 0)
		return SLC_ERR_UNSUPPORTED;
	if ((r = buf_get_string(&opts, salt, saltlen)) < 0 || (r = buf_get_u32(&opts, rounds)) < 0)
		return r;
	if (buf_len(&opts) != 0 || *saltlen == 0 || *saltlen > SALT_MAX || *rounds == 0)
		return SLC_ERR_FORMAT;
	if (*rounds > max_rounds)
		return SLC_ERR_LIMIT;
	return 0;
}

static int v1_parse(struct buf *raw, const char *passphrase, unsigned max_rounds,
                    struct sshkey **key, char **comment)
{
	struct v1_hdr h;
	const struct kf_cipher *c;
	struct sshkey *pub = NULL;
	struct buf priv;
	const uint8_t *salt = NULL;
	size_t saltlen = 0, enclen;
	uint32_t rounds = 0;
	uint8_t kdf[KDF_OUT_MAX];
	uint8_t tag[TAG_MAX];
	uint8_t *p;
	int r;

	buf_init(&priv);
	buf_set_secret(&priv);
	if ((r = v1_parse_header(raw, &h)) < 0)
		goto out;
	if ((c = cipher_by_name(h.ciphername)) == NULL) {
		r = SLC_ERR_UNSUPPORTED;
		goto out;
	}
	if ((r = v1_parse_kdf(&h, c, max_rounds, &salt, &saltlen, &rounds)) < 0)
		goto out;
	enclen = buf_len(&h.enc);
	if (buf_len(&h.rest) != c->taglen) {
		r = buf_len(&h.rest) < c->taglen ? SLC_ERR_TRUNCATED : SLC_ERR_FORMAT;
		goto out;
	}
	if (enclen < c->block || enclen % c->block != 0) {
		r = SLC_ERR_FORMAT;
		goto out;
	}
	/* The public half is readable without the passphrase; an unknown key
	 * type is better reported before asking for one. */
	if ((r = sshkey_from_blob(h.pub, h.publen, &pub)) < 0)
		goto out;

	if (c->evp == NULL) {
		if ((r = buf_put(&priv, buf_ptr(&h.enc), enclen)) < 0)
			goto out;
	} else {
		if (!have_passphrase(passphrase)) {
			r = SLC_ERR_KEY_ENCRYPTED;
			goto out;
		}
		if ((r = bcrypt_pbkdf(passphrase, strlen(passphrase), salt, saltlen, kdf,
		                      c->keylen + c->ivlen, rounds)) < 0)
			goto out;
		if (c->taglen && (r = buf_get(&h.rest, tag, c->taglen)) < 0)
			goto out;
		if ((r = buf_reserve(&priv, enclen, &p)) < 0)
			goto out;
		r = v1_crypt(c, kdf, false, buf_ptr(&h.enc), enclen, p, tag);
		if (r == SLC_ERR_MAC) /* a wrong key is far likelier than damage */
			r = SLC_ERR_PASSPHRASE;
		if (r < 0)
			goto out;
	}
	r = v1_parse_private(&priv, c->evp != NULL, pub, key, comment);
out:
	OPENSSL_cleanse(kdf, sizeof(kdf));
	buf_free(&priv);
	sshkey_del(pub);
	v1_hdr_free(&h);
	return r;
}

/* ---- PEM / PKCS#8 through libcrypto ---------------------------------- */

struct pem_pass {
	const char *pass;
	bool asked;
};

/* Hands libcrypto the passphrase we were given. Without one we fail the
 * request rather than let libcrypto fall back to prompting on a tty; that
 * the callback ran at all is how we know the key is encrypted. */
static int pem_pass_cb(char *pass, size_t size, size_t *len, const OSSL_PARAM params[], void *arg)
{
	struct pem_pass *pp = arg;
	size_t n;

	pp->asked = true;
	if (!have_passphrase(pp->pass))
		return 0;
	n = strlen(pp->pass);
	if (n > size)
		return 0;
	memcpy(pass, pp->pass, n);
	*len = n;
	return 1;
}

/* What libcrypto says when decryption padding is wrong: the usual sign of
 * a wrong passphrase for legacy PEM (CBC) and PKCS#8 (PBES2). */
static bool err_is_bad_decrypt(unsigned long e)
{
	int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);
	return (lib == ERR_LIB_PEM && reason == PEM_R_BAD_DECRYPT) ||
	       (lib == ERR_LIB_PROV && reason == PROV_R_BAD_DECRYPT) ||
	       (lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT) ||
	       (lib == ERR_LIB_PKCS12 && reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR);
}

/* libcrypto loads any numbers it is given; a damaged ciphertext can still
 * decrypt to a well-formed but inconsistent key, which would then sign
 * garbage. The pairwise check is cheap (no primality tests). */
static int check_pairwise(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int ok;

	if (ctx == NULL)
		return SLC_ERR_NOMEM;
	ok = EVP_PKEY_pairwise_check(ctx);
	EVP_PKEY_CTX_free(ctx);
	/* -2: the key type has no such check. */
	return ok == 1 || ok == -2 ? 0 : SLC_ERR_FORMAT;
}

static int pem_parse(const uint8_t *data, size_t len, bool encrypted, const char *passphrase,
                     struct sshkey **key, char **comment)
{
	OSSL_DECODER_CTX *dctx = NULL;
	EVP_PKEY *pkey = NULL;
	struct pem_pass pp = {passphrase, false};
	const uint8_t *p = data;
	size_t n = len;
	char *cmt = NULL;
	unsigned long e;
	bool bad_decrypt = false;
	int r;

	/* The error queue is ours for the call: it tells a wrong passphrase
	 * from damage, and we leave it empty for the caller. */
	ERR_clear_error();
	if (comment && (cmt = strdup("")) == NULL) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	/* No structure or key type given: the decoder chain recognises PKCS#1,
	 * SEC1 and (encrypted) PKCS#8 alike, and the BEGIN line already told
	 * us which of these it is. */
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL, EVP_PKEY_KEYPAIR, NULL,
	                                     NULL);
	if (dctx == NULL || OSSL_DECODER_CTX_get_num_decoders(dctx) == 0 ||
	    !OSSL_DECODER_CTX_set_passphrase_cb(dctx, pem_pass_cb, &pp)) {
		r = SLC_ERR_CRYPTO;
		goto out;
	}
	if (!OSSL_DECODER_from_data(dctx, &p, &n) || pkey == NULL) {
		while ((e = ERR_get_error()) != 0)
			bad_decrypt |= err_is_bad_decrypt(e);
		if ((encrypted || pp.asked) && !have_passphrase(passphrase))
			r = SLC_ERR_KEY_ENCRYPTED;
		else if (pp.asked && bad_decrypt)
			r = SLC_ERR_PASSPHRASE;
		else
			r = SLC_ERR_FORMAT;
		goto out;
	}
	if ((r = check_pairwise(pkey)) < 0)
		goto out;
	if ((r = sshkey_from_pkey(pkey, key)) < 0)
		goto out;
	pkey = NULL; /* transferred */
	if (!sshkey_is_private(*key)) {
		sshkey_del(*key);
		*key = NULL;
		r = SLC_ERR_FORMAT;
		goto out;
	}
	if (comment) {
		*comment = cmt;
		cmt = NULL; /* transferred */
	}
	r = 0;
out:
	ERR_clear_error();
	free(cmt);
	EVP_PKEY_free(pkey);
	OSSL_DECODER_CTX_free(dctx);
	return r;
}

/* ---- public entry points --------------------------------------------- */

int keyfile_parse_private_ex(const uint8_t *data, size_t len, const char *passphrase,
                             unsigned max_rounds, struct sshkey **key, char **comment)
{
	struct buf raw;
	struct sshkey *k = NULL;
	size_t begin;
	int r;

	buf_init(&raw);
	buf_set_secret(&raw);
	if (comment)
		*comment = NULL;
	if (data == NULL || key == NULL) {
		r = SLC_ERR_INVALID;
		goto out;
	}
	*key = NULL;
	if (len > KEYFILE_MAX_SIZE) {
		r = SLC_ERR_LENGTH;
		goto out;
	}
	switch (armour_kind(data, len, &begin)) {
	case ARMOUR_OPENSSH:
		if ((r = openssh_unarmour(data, len, begin, &raw)) < 0)
			goto out;
		if ((r = v1_parse(&raw, passphrase, max_rounds, &k, comment)) < 0)
			goto out;
		if ((r = check_pairwise(sshkey_pkey(k))) < 0)
			goto out;
		break;
	case ARMOUR_PEM:
		r = pem_parse(data, len, pem_has_proc_type_encrypted(data, len), passphrase, &k,
		              comment);
		break;
	case ARMOUR_PKCS8:
		r = pem_parse(data, len, false, passphrase, &k, comment);
		break;
	case ARMOUR_PKCS8_ENC:
		r = pem_parse(data, len, true, passphrase, &k, comment);
		break;
	default:
		r = SLC_ERR_FORMAT;
		break;
	}
	if (r < 0)
		goto out;
	*key = k;
	k = NULL; /* transferred */
out:
	if (r < 0 && comment && *comment) {
		free(*comment);
		*comment = NULL;
	}
	sshkey_del(k);
	buf_free(&raw);
	return r;
}

int keyfile_parse_private(const uint8_t *data, size_t len, const char *passphrase,
                          struct sshkey **key, char **comment)
{
	return keyfile_parse_private_ex(data, len, passphrase, KEYFILE_MAX_ROUNDS, key, comment);
}

/* The clear public key blob of an openssh-key-v1 file. */
static int v1_parse_public(struct buf *raw, struct sshkey **key)
{
	struct v1_hdr h;
	int r;

	r = v1_parse_header(raw, &h);
	if (r == 0)
		r = sshkey_from_blob(h.pub, h.publen, key);
	v1_hdr_free(&h);
	return r;
}

int keyfile_parse_public_from_private(const uint8_t *data, size_t len, struct sshkey **key)
{
	struct buf raw;
	struct sshkey *priv = NULL;
	size_t begin;
	int r;

	buf_init(&raw);
	buf_set_secret(&raw);
	if (data == NULL || key == NULL) {
		r = SLC_ERR_INVALID;
		goto out;
	}
	*key = NULL;
	if (len > KEYFILE_MAX_SIZE) {
		r = SLC_ERR_LENGTH;
		goto out;
	}
	switch (armour_kind(data, len, &begin)) {
	case ARMOUR_OPENSSH:
		if ((r = openssh_unarmour(data, len, begin, &raw)) < 0)
			goto out;
		r = v1_parse_public(&raw, key);
		break;
	case ARMOUR_PEM:
	case ARMOUR_PKCS8:
	case ARMOUR_PKCS8_ENC:
		/* No passphrase: encrypted ones give SLC_ERR_KEY_ENCRYPTED
		 * without any key derivation. */
		if ((r = keyfile_parse_private(data, len, NULL, &priv, NULL)) < 0)
			goto out;
		r = sshkey_demote(priv, key);
		break;
	default:
		r = SLC_ERR_FORMAT;
		break;
	}
out:
	sshkey_del(priv);
	buf_free(&raw);
	return r;
}

int keyfile_is_encrypted(const uint8_t *data, size_t len, bool *encrypted)
{
	struct buf raw;
	struct v1_hdr h;
	size_t begin;
	int r;

	buf_init(&raw);
	buf_set_secret(&raw);
	memset(&h, 0, sizeof(h));
	if (data == NULL || encrypted == NULL) {
		r = SLC_ERR_INVALID;
		goto out;
	}
	if (len > KEYFILE_MAX_SIZE) {
		r = SLC_ERR_LENGTH;
		goto out;
	}
	switch (armour_kind(data, len, &begin)) {
	case ARMOUR_OPENSSH:
		if ((r = openssh_unarmour(data, len, begin, &raw)) < 0 ||
		    (r = v1_parse_header(&raw, &h)) < 0)
			goto out;
		*encrypted = strcmp(h.ciphername, "none") != 0;
		break;
	case ARMOUR_PEM:
		*encrypted = pem_has_proc_type_encrypted(data, len);
		break;
	case ARMOUR_PKCS8:
		*encrypted = false;
		break;
	case ARMOUR_PKCS8_ENC:
		*encrypted = true;
		break;
	default:
		r = SLC_ERR_FORMAT;
		goto out;
	}
	r = 0;
out:
	v1_hdr_free(&h);
	buf_free(&raw);
	return r;
}

/* Binary openssh-key-v1 blob (before armour) into out. */
static int v1_format(const struct sshkey *k, const char *comment, const char *passphrase,
                     unsigned rounds, struct buf *out)
{
	const struct kf_cipher *c =
	        cipher_by_name(have_passphrase(passphrase) ? WRITE_CIPHER : "none");
	struct buf pub, priv, kdfopts;
	uint8_t salt[SALT_LEN];
	uint8_t kdf[KDF_OUT_MAX];
	uint8_t check[4];
	uint8_t *p;
	size_t len;
	int r;

	buf_init(&pub);
	buf_init(&kdfopts);
	buf_init(&priv);
	buf_set_secret(&priv);
	if (c == NULL) {
		r = SLC_ERR_INVALID;
		goto out;
	}
	if (RAND_bytes(check, sizeof(check)) != 1) {
		r = SLC_ERR_CRYPTO;
		goto out;
	}
	if ((r = buf_put_u32(&priv, buf_load_u32(check))) < 0 ||
	    (r = buf_put_u32(&priv, buf_load_u32(check))) < 0 ||
	    (r = sshkey_put_private(k, &priv)) < 0 ||
	    (r = buf_put_cstring(&priv, comment ? comment : "")) < 0)
		goto out;
	for (uint8_t i = 1; buf_len(&priv) % c->block != 0; i++)
		if ((r = buf_put_u8(&priv, i)) < 0)
			goto out;
	if ((r = sshkey_put_public(k, &pub)) < 0)
		goto out;

	if (c->evp != NULL) {
		if (RAND_bytes(salt, sizeof(salt)) != 1) {
			r = SLC_ERR_CRYPTO;
			goto out;
		}
		if ((r = buf_put_string(&kdfopts, salt, sizeof(salt))) < 0 ||
		    (r = buf_put_u32(&kdfopts, rounds)) < 0)
			goto out;
		if ((r = bcrypt_pbkdf(passphrase, strlen(passphrase), salt, sizeof(salt), kdf,
		                      c->keylen + c->ivlen, rounds)) < 0)
			goto out;
		/* Encrypt in place: CTR and the block-aligned input allow it. */
		len = buf_len(&priv);
		p = buf_mutable_ptr(&priv);
		if ((r = v1_crypt(c, kdf, true, p, len, p, NULL)) < 0)
			goto out;
	}
	if ((r = buf_put(out, v1_magic, V1_MAGIC_LEN)) < 0 ||
	    (r = buf_put_cstring(out, c->name)) < 0 ||
	    (r = buf_put_cstring(out, c->evp ? "bcrypt" : "none")) < 0 ||
	    (r = buf_put_stringb(out, &kdfopts)) < 0 || (r = buf_put_u32(out, 1)) < 0 ||
	    (r = buf_put_stringb(out, &pub)) < 0 || (r = buf_put_stringb(out, &priv)) < 0)
		goto out;
	r = 0;
out:
	OPENSSL_cleanse(kdf, sizeof(kdf));
	OPENSSL_cleanse(check, sizeof(check));
	buf_free(&priv);
	buf_free(&kdfopts);
	buf_free(&pub);
	return r;
}

int keyfile_format_private(const struct sshkey *k, const char *comment, const char *passphrase,
                           unsigned rounds, struct buf *out)
{
	struct buf bin;
	char *b64 = NULL;
	size_t n = 0;
	int r;

	buf_init(&bin);
	buf_set_secret(&bin);
	if (k == NULL || out == NULL || !sshkey_is_private(k) || rounds > KEYFILE_MAX_ROUNDS) {
		r = SLC_ERR_INVALID;
		goto out;
	}
	if (rounds == 0)
		rounds = KEYFILE_DEFAULT_ROUNDS;
	buf_set_secret(out);
	if ((r = v1_format(k, comment, passphrase, rounds, &bin)) < 0)
		goto out;
	if ((r = b64_encode(buf_ptr(&bin), buf_len(&bin), &b64)) < 0)
		goto out;
	n = strlen(b64);
	if ((r = buf_put(out, OPENSSH_BEGIN "\n", strlen(OPENSSH_BEGIN) + 1)) < 0)
		goto out;
	for (size_t off = 0; off < n; off += OPENSSH_WRAP) {
		size_t chunk = n - off < OPENSSH_WRAP ? n - off : OPENSSH_WRAP;
		if ((r = buf_put(out, b64 + off, chunk)) < 0 || (r = buf_put_u8(out, '\n')) < 0)
			goto out;
	}
	if ((r = buf_put(out, OPENSSH_END "\n", strlen(OPENSSH_END) + 1)) < 0)
		goto out;
	r = 0;
out:
	/* Unencrypted, the base64 is the private key. */
	if (b64)
		OPENSSL_cleanse(b64, n);
	free(b64);
	buf_free(&bin);
	return r;
}

/* ---- files ----------------------------------------------------------- */

int keyfile_read_file(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	uint8_t chunk[4096];
	ssize_t got;
	size_t total = 0, want;
	int fd = -1, r, saved;

	buf_set_secret(out);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before the
	 * regular-file check below refuses it. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR; /* Linux lets open() succeed; read() would say this */
		r = SLC_ERR_SYS;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = SLC_ERR_NOT_REGULAR;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = SLC_ERR_LENGTH;
		goto out;
	}
	/* The file may grow after fstat: read at most one byte past max. */
	for (;;) {
		want = max + 1 - total < sizeof(chunk) ? max + 1 - total : sizeof(chunk);
		got = read(fd, chunk, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = SLC_ERR_SYS;
			goto out;
		}
		if (got == 0)
			break;
		total += (size_t)got;
		if (total > max) {
			r = SLC_ERR_LENGTH;
			goto out;
		}
		if ((r = buf_put(out, chunk, (size_t)got)) < 0)
			goto out;
	}
	r = 0;
out:
	saved = errno;
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (fd >= 0)
		close(fd);
	errno = saved;
	return r;
}

int keyfile_load_private(const char *path, const char *passphrase, struct sshkey **key,
                         char **comment)
{
	struct buf b;
	int r;

	buf_init(&b);
	buf_set_secret(&b);
	if ((r = keyfile_read_file(path, KEYFILE_MAX_SIZE, &b)) < 0)
		goto out;
	r = keyfile_parse_private(buf_ptr(&b), buf_len(&b), passphrase, key, comment);
out:
	buf_free(&b);
	return r;
}

int keyfile_load_public_from_private(const char *path, struct sshkey **key)
{
	struct buf b;
	int r;

	buf_init(&b);
	buf_set_secret(&b);
	if ((r = keyfile_read_file(path, KEYFILE_MAX_SIZE, &b)) < 0)
		goto out;
	r = keyfile_parse_public_from_private(buf_ptr(&b), buf_len(&b), key);
out:
	buf_free(&b);
	return r;
}

/* Writes len bytes to path atomically: a temp file in the same directory
 * (so rename cannot cross filesystems), fsync'd before it replaces path,
 * so a crash leaves the old file or the new one, never half of either. */
static int write_atomic(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	char *tmp = NULL, *dir = NULL, *slash;
	size_t off = 0;
	ssize_t n;
	int fd = -1, dfd, r, saved;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		r = SLC_ERR_NOMEM;
		goto out;
	}
	/* mkstemp opens O_CREAT|O_EXCL with mode 0600, so the private key is
	 * never readable by others, not even briefly. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		free(tmp);
		tmp = NULL;
		r = SLC_ERR_SYS;
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			r = SLC_ERR_SYS;
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	if (rename(tmp, path) < 0) {
		r = SLC_ERR_SYS;
		goto out;
	}
	free(tmp);
	tmp = NULL; /* renamed: nothing to unlink */
	/* Make the rename itself durable; best effort, the file is written. */
	if ((dir = strdup(path)) != NULL) {
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		if ((dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	r = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	errno = saved;
	return r;
}

int keyfile_save_private(const char *path, const struct sshkey *k, const char *comment,
                         const char *passphrase, unsigned rounds)
{
	struct buf b;
	int r;

	buf_init(&b);
	buf_set_secret(&b);
	if ((r = keyfile_format_private(k, comment, passphrase, rounds, &b)) < 0)
		goto out;
	r = write_atomic(path, buf_ptr(&b), buf_len(&b), 0600);
out:
	buf_free(&b);
	return r;
}

int keyfile_load_public(const char *path, struct sshkey **key, char **comment)
{
	struct buf b;
	char *text = NULL, *line, *nl;
	int r;

	buf_init(&b);
	if ((r = keyfile_read_file(path, KEYFILE_MAX_SIZE, &b)) < 0)
		goto out;
	if ((text = strndup((const char *)buf_ptr(&b), buf_len(&b))) == NULL) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	if (strlen(text) != buf_len(&b)) {
		r = SLC_ERR_NUL;
		goto out;
	}
	line = text + strspn(text, " \t\r\n");
	if (strncmp(line, "---- BEGIN SSH2 PUBLIC KEY ----", 31) == 0) {
		r = sshkey_parse_rfc4716(line, key, comment);
		goto out;
	}
	/* One-line format: the first line that is not blank or a comment,
	 * as ssh-keygen -y / -l read .pub files. */
	for (;;) {
		line += strspn(line, " \t\r\n");
		if (*line != '#')
			break;
		line += strcspn(line, "\n");
	}
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	/* files edited on Windows */
	if ((nl = strrchr(line, '\r')) != NULL && nl[1] == '\0')
		*nl = '\0';
	r = sshkey_parse_public(line, key, comment);
out:
	free(text);
	buf_free(&b);
	return r;
}

int keyfile_save_public(const char *path, const struct sshkey *k, const char *comment)
{
	char *line = NULL, *text = NULL;
	int r;

	if ((r = sshkey_format_public(k, comment, &line)) < 0)
		goto out;
	if (asprintf(&text, "%s\n", line) < 0) {
		text = NULL;
		r = SLC_ERR_NOMEM;
		goto out;
	}
	r = write_atomic(path, (const uint8_t *)text, strlen(text), 0644);
out:
	free(text);
	free(line);
	return r;
}
