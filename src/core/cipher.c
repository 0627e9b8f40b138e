/* cipher: SSH packet encryption and MACs over libcrypto EVP. See cipher.h
 * for the packet layout and the two-step receive contract.
 *
 * Specifications: RFC 4253 6 (packets, MAC-and-encrypt), RFC 4344 (CTR),
 * RFC 5647 (AES-GCM; OpenSSH's @openssh.com names follow it), RFC 6668
 * (hmac-sha2), OpenSSH PROTOCOL (-etm MACs) and PROTOCOL.chacha20poly1305. */
#include "cipher.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "buf.h"

enum cipher_kind { CK_NONE, CK_CHACHA, CK_GCM, CK_CTR };

struct cipher_alg {
	struct cipher_info info; /* first: cipher_lookup hands out &info */
	enum cipher_kind kind;
	const char *evp_name;
};

struct mac_alg {
	struct cipher_mac_info info; /* first, as above */
	const char *digest;
};

#define CHACHA_NAME "chacha20-poly1305@openssh.com"

static const struct cipher_alg cipher_algs[] = {
        {{CHACHA_NAME, 64, 0, 8, 16, true, true}, CK_CHACHA, "ChaCha20"},
        {{"aes128-gcm@openssh.com", 16, 12, 16, 16, true, false}, CK_GCM, "AES-128-GCM"},
        {{"aes256-gcm@openssh.com", 32, 12, 16, 16, true, false}, CK_GCM, "AES-256-GCM"},
        {{"aes128-ctr", 16, 16, 16, 0, false, true}, CK_CTR, "AES-128-CTR"},
        {{"aes256-ctr", 32, 16, 16, 0, false, true}, CK_CTR, "AES-256-CTR"},
        /* RFC 4253 6: the block size is at least 8 even with no cipher. */
        {{"none", 0, 0, 8, 0, false, false}, CK_NONE, NULL},
};

static const struct mac_alg mac_algs[] = {
        {{"hmac-sha2-256-etm@openssh.com", 32, 32, true}, "SHA2-256"},
        {{"hmac-sha2-512-etm@openssh.com", 64, 64, true}, "SHA2-512"},
        {{"hmac-sha2-256", 32, 32, false}, "SHA2-256"},
        {{"hmac-sha2-512", 64, 64, false}, "SHA2-512"},
        {{"hmac-sha1-etm@openssh.com", 20, 20, true}, "SHA1"},
        {{"hmac-sha1", 20, 20, false}, "SHA1"},
        {{"none", 0, 0, false}, NULL},
};

/* OpenSSH's order, less what we do not implement (aes192-ctr, umac). */
static const char cipher_defaults[] = CHACHA_NAME ",aes128-ctr,aes256-ctr,"
                                                  "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
/* SHA-1 is weak enough that it must be asked for; it stays supported for
 * old peers. */
static const char mac_defaults[] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
                                   "hmac-sha2-256,hmac-sha2-512";
static const char mac_supported[] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
                                    "hmac-sha2-256,hmac-sha2-512,"
                                    "hmac-sha1-etm@openssh.com,hmac-sha1";

#define GCM_IV_LEN 12
#define CHACHA_KEY_LEN 32
#define CHACHA_IV_LEN 16 /* OpenSSL's: 32-bit LE counter || 96-bit nonce */
#define POLY1305_KEY_LEN 32
#define CHACHA_BLOCK 64

struct cipher_ctx {
	const struct cipher_alg *alg;
	const struct mac_alg *mac; /* NULL: AEAD or no MAC */
	bool encrypt;
	bool dead; /* an error happened; see cipher.h */

	size_t tag_len;
	size_t aad_len;
	size_t length_bytes;

	/* chacha: K_2 (payload, Poly1305 key); GCM/CTR: the cipher. */
	EVP_CIPHER_CTX *main;
	/* chacha: K_1, the length instance. */
	EVP_CIPHER_CTX *lenc;
	/* HMAC keyed once, or chacha's Poly1305 keyed per packet. */
	EVP_MAC_CTX *mctx;

	uint8_t gcm_iv[GCM_IV_LEN]; /* fixed field || invocation counter */

	/* Step 1 -> step 2 of receiving. */
	bool pending;
	uint32_t pending_seqnr;
	uint32_t pending_len;

	/* Per-packet secrets, wiped after each use. */
	uint8_t block0[CHACHA_BLOCK];
	uint8_t mac_out[CIPHER_MAX_TAG_LEN];
};

static const uint8_t zeros[CHACHA_BLOCK];

const struct cipher_info *cipher_lookup(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(cipher_algs) / sizeof(cipher_algs[0]); i++)
		if (strcmp(cipher_algs[i].info.name, name) == 0)
			return &cipher_algs[i].info;
	return NULL;
}

const struct cipher_mac_info *cipher_mac_lookup(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(mac_algs) / sizeof(mac_algs[0]); i++)
		if (strcmp(mac_algs[i].info.name, name) == 0)
			return &mac_algs[i].info;
	return NULL;
}

const char *cipher_default_names(void)
{
	return cipher_defaults;
}
const char *cipher_supported_names(void)
{
	return cipher_defaults;
}
const char *cipher_mac_default_names(void)
{
	return mac_defaults;
}
const char *cipher_mac_supported_names(void)
{
	return mac_supported;
}

static const struct cipher_alg *alg_of(const struct cipher_info *info)
{
	return (const struct cipher_alg *)info;
}

static const struct mac_alg *mac_alg_of(const struct cipher_mac_info *info)
{
	return (const struct mac_alg *)info;
}

static SLC_WUR int ctx_init_cipher(struct cipher_ctx *c, const uint8_t *key, const uint8_t *iv)
{
	EVP_CIPHER *evp = NULL;
	int ret = SLC_ERR_CRYPTO;

	evp = EVP_CIPHER_fetch(NULL, c->alg->evp_name, NULL);
	if (evp == NULL)
		goto out;
	if ((c->main = EVP_CIPHER_CTX_new()) == NULL) {
		ret = SLC_ERR_NOMEM;
		goto out;
	}
	switch (c->alg->kind) {
	case CK_CHACHA:
		/* Per PROTOCOL.chacha20poly1305, the first half of the key is
		 * K_2 (payload) and the second K_1 (length). IVs are set per
		 * packet. */
		if ((c->lenc = EVP_CIPHER_CTX_new()) == NULL) {
			ret = SLC_ERR_NOMEM;
			goto out;
		}
		if (!EVP_CipherInit_ex2(c->main, evp, key, NULL, 1, NULL) ||
		    !EVP_CipherInit_ex2(c->lenc, evp, key + CHACHA_KEY_LEN, NULL, 1, NULL))
			goto out;
		break;
	case CK_GCM:
		/* The IV is set per packet from gcm_iv. 12 bytes is GCM's
		 * default IV length, so nothing to configure. */
		if (!EVP_CipherInit_ex2(c->main, evp, key, NULL, c->encrypt ? 1 : 0, NULL))
			goto out;
		memcpy(c->gcm_iv, iv, GCM_IV_LEN);
		break;
	case CK_CTR:
		/* CTR runs as one keystream across packets (RFC 4344 4): set
		 * the counter once, never again. XOR both ways, so always
		 * "encrypt". */
		if (!EVP_CipherInit_ex2(c->main, evp, key, iv, 1, NULL))
			goto out;
		break;
	case CK_NONE:
		break;
	}
	if ((size_t)EVP_CIPHER_CTX_get_key_length(c->main) !=
	    (c->alg->kind == CK_CHACHA ? CHACHA_KEY_LEN : c->alg->info.key_len))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_free(evp); /* the contexts hold their own references */
	return ret;
}

static SLC_WUR int ctx_init_mac(struct cipher_ctx *c, const uint8_t *mac_key)
{
	EVP_MAC *evp = NULL;
	OSSL_PARAM params[2];
	int ret = SLC_ERR_CRYPTO;

	evp = EVP_MAC_fetch(NULL, c->mac != NULL ? "HMAC" : "POLY1305", NULL);
	if (evp == NULL)
		goto out;
	if ((c->mctx = EVP_MAC_CTX_new(evp)) == NULL) {
		ret = SLC_ERR_NOMEM;
		goto out;
	}
	if (c->mac != NULL) {
		/* Keyed once; each packet re-initialises with a NULL key,
		 * which reuses it. */
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		                                             (char *)c->mac->digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_init(c->mctx, mac_key, c->mac->info.key_len, params))
			goto out;
		if (EVP_MAC_CTX_get_mac_size(c->mctx) != c->mac->info.out_len)
			goto out;
	}
	ret = 0;
out:
	EVP_MAC_free(evp);
	return ret;
}

int cipher_new(const char *cipher, const char *mac, const uint8_t *key, size_t key_len,
               const uint8_t *iv, size_t iv_len, const uint8_t *mac_key, size_t mac_key_len,
               bool encrypt, struct cipher_ctx **out)
{
	const struct cipher_info *ci;
	const struct cipher_mac_info *mi = NULL;
	struct cipher_ctx *c = NULL;
	int ret;

	*out = NULL;
	if ((ci = cipher_lookup(cipher)) == NULL)
		return SLC_ERR_UNSUPPORTED;
	if (mac != NULL && strcmp(mac, "none") != 0) {
		if ((mi = cipher_mac_lookup(mac)) == NULL || ci->aead)
			return SLC_ERR_UNSUPPORTED;
	} else if (alg_of(ci)->kind == CK_CTR) {
		/* A CTR cipher with no integrity would be malleable. */
		return SLC_ERR_UNSUPPORTED;
	}
	if (key_len != ci->key_len || iv_len != ci->iv_len ||
	    mac_key_len != (mi != NULL ? mi->key_len : 0) || (key_len != 0 && key == NULL) ||
	    (iv_len != 0 && iv == NULL) || (mac_key_len != 0 && mac_key == NULL))
		return SLC_ERR_KEY_LENGTH;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SLC_ERR_NOMEM;
	c->alg = alg_of(ci);
	c->mac = mi != NULL ? mac_alg_of(mi) : NULL;
	c->encrypt = encrypt;
	c->tag_len = ci->aead ? ci->tag_len : (mi != NULL ? mi->out_len : 0);
	/* The length is outside the aligned, encrypted part when an AEAD
	 * takes it as associated data or an -etm MAC leaves it in clear. */
	c->aad_len = (ci->aead || (mi != NULL && mi->etm)) ? 4 : 0;
	/* Only a CTR cipher under a non-etm MAC hides the length inside its
	 * first block; chacha encrypts it separately as exactly 4 bytes. */
	c->length_bytes = (c->alg->kind == CK_CTR && c->aad_len == 0) ? ci->block_size : 4;

	if (c->alg->kind != CK_NONE && (ret = ctx_init_cipher(c, key, iv)) != 0)
		goto out;
	if ((c->mac != NULL || c->alg->kind == CK_CHACHA) && (ret = ctx_init_mac(c, mac_key)) != 0)
		goto out;
	*out = c; /* transferred */
	c = NULL;
	ret = 0;
out:
	cipher_del(c);
	return ret;
}

void cipher_del(struct cipher_ctx *c)
{
	if (c == NULL)
		return;
	/* libcrypto wipes key schedules when freeing its contexts. */
	EVP_CIPHER_CTX_free(c->main);
	EVP_CIPHER_CTX_free(c->lenc);
	EVP_MAC_CTX_free(c->mctx);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

const struct cipher_info *cipher_ctx_info(const struct cipher_ctx *c)
{
	return &c->alg->info;
}
const struct cipher_mac_info *cipher_ctx_mac_info(const struct cipher_ctx *c)
{
	return c->mac != NULL ? &c->mac->info : NULL;
}
size_t cipher_block_size(const struct cipher_ctx *c)
{
	return c->alg->info.block_size;
}
size_t cipher_tag_len(const struct cipher_ctx *c)
{
	return c->tag_len;
}
size_t cipher_aad_len(const struct cipher_ctx *c)
{
	return c->aad_len;
}
size_t cipher_length_bytes(const struct cipher_ctx *c)
{
	return c->length_bytes;
}
bool cipher_length_encrypted(const struct cipher_ctx *c)
{
	return c->alg->kind == CK_CHACHA || c->length_bytes != 4;
}

size_t cipher_padding(const struct cipher_ctx *c, size_t payload_len)
{
	size_t bs = c->alg->info.block_size;
	size_t unpadded = 4 + 1 + payload_len - c->aad_len;
	size_t pad = bs - unpadded % bs;

	if (pad < 4)
		pad += bs;
	return pad;
}

/* --- per-packet primitives; none allocates --- */

/* In-place XOR with the running keystream of c->main (or lenc). */
static SLC_WUR int stream_xor(EVP_CIPHER_CTX *ctx, uint8_t *p, size_t n)
{
	int outl;

	if (n == 0)
		return 0;
	if (!EVP_CipherUpdate(ctx, p, &outl, p, (int)n) || (size_t)outl != n)
		return SLC_ERR_CRYPTO;
	return 0;
}

/* OpenSSL's ChaCha20 IV is state words 12..15: a 32-bit LE block counter
 * then a 96-bit nonce. The original ChaCha20 that OpenSSH uses has a 64-bit
 * LE counter in words 12..13 and a 64-bit nonce in 14..15, so the same 16
 * bytes are LE64(counter) || nonce, with the nonce the sequence number as an
 * SSH uint64 (big-endian). Only the low counter word is used: a packet
 * never needs 2^32 blocks. */
static SLC_WUR int chacha_set_iv(EVP_CIPHER_CTX *ctx, uint8_t counter, uint32_t seqnr)
{
	uint8_t iv[CHACHA_IV_LEN] = {0};

	iv[0] = counter;
	buf_store_u32(iv + 12, seqnr); /* iv[8..12) stay 0: the high half */
	if (!EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL))
		return SLC_ERR_CRYPTO;
	return 0;
}

/* Derive the Poly1305 key from K_2's block 0 and leave c->main positioned
 * at block 1, where the payload starts. Keystream lands in c->block0;
 * callers wipe it. */
static SLC_WUR int chacha_poly_init(struct cipher_ctx *c, uint32_t seqnr)
{
	int outl;

	if (chacha_set_iv(c->main, 0, seqnr) != 0)
		return SLC_ERR_CRYPTO;
	/* A whole block, not just 32 bytes, so the stream continues exactly
	 * at block counter 1 without another IV set. */
	if (!EVP_CipherUpdate(c->main, c->block0, &outl, zeros, CHACHA_BLOCK) ||
	    outl != CHACHA_BLOCK)
		return SLC_ERR_CRYPTO;
	if (!EVP_MAC_init(c->mctx, c->block0, POLY1305_KEY_LEN, NULL))
		return SLC_ERR_CRYPTO;
	return 0;
}

static SLC_WUR int mac_compute(struct cipher_ctx *c, const uint8_t *p, size_t n, uint8_t *out)
{
	size_t outl;

	if (!EVP_MAC_update(c->mctx, p, n) || !EVP_MAC_final(c->mctx, out, &outl, c->tag_len) ||
	    outl != c->tag_len)
		return SLC_ERR_CRYPTO;
	return 0;
}

/* HMAC over uint32 seqnr || pkt[0 .. len). Both MAC-and-encrypt (pkt is
 * plaintext, RFC 4253 6.4) and -etm (pkt is clear length || ciphertext)
 * cover exactly these bytes; they differ only in when it is computed. */
static SLC_WUR int hmac_packet(struct cipher_ctx *c, uint32_t seqnr, const uint8_t *pkt, size_t len,
                               uint8_t *out)
{
	uint8_t seq[4];

	buf_store_u32(seq, seqnr);
	if (!EVP_MAC_init(c->mctx, NULL, 0, NULL) || !EVP_MAC_update(c->mctx, seq, sizeof(seq)))
		return SLC_ERR_CRYPTO;
	return mac_compute(c, pkt, len, out);
}

/* Set the per-packet GCM IV (RFC 5647 7.1). */
static SLC_WUR int gcm_start(struct cipher_ctx *c, const uint8_t *aad)
{
	int outl;

	if (!EVP_CipherInit_ex2(c->main, NULL, NULL, c->gcm_iv, -1, NULL) ||
	    !EVP_CipherUpdate(c->main, NULL, &outl, aad, 4))
		return SLC_ERR_CRYPTO;
	return 0;
}

/* RFC 5647 7.1: the 64-bit invocation counter, big-endian, wraps. */
static void gcm_next_iv(struct cipher_ctx *c)
{
	for (size_t i = GCM_IV_LEN; i-- > 4;)
		if (++c->gcm_iv[i] != 0)
			break;
}

static bool aligned(const struct cipher_ctx *c, size_t len)
{
	return (len - c->aad_len) % c->alg->info.block_size == 0;
}

/* --- sending --- */

static SLC_WUR int encrypt_packet(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len)
{
	uint8_t *tag = pkt + len;
	int outl, ret;

	switch (c->alg->kind) {
	case CK_CHACHA:
		if ((ret = chacha_poly_init(c, seqnr)) != 0)
			return ret;
		if ((ret = stream_xor(c->main, pkt + 4, len - 4)) != 0 ||
		    (ret = chacha_set_iv(c->lenc, 0, seqnr)) != 0 ||
		    (ret = stream_xor(c->lenc, pkt, 4)) != 0)
			return ret;
		/* The tag covers the encrypted length and payload. */
		return mac_compute(c, pkt, len, tag);
	case CK_GCM:
		if ((ret = gcm_start(c, pkt)) != 0 ||
		    (ret = stream_xor(c->main, pkt + 4, len - 4)) != 0)
			return ret;
		if (!EVP_CipherFinal_ex(c->main, tag, &outl) ||
		    !EVP_CIPHER_CTX_ctrl(c->main, EVP_CTRL_AEAD_GET_TAG, (int)c->tag_len, tag))
			return SLC_ERR_CRYPTO;
		gcm_next_iv(c);
		return 0;
	case CK_CTR:
	case CK_NONE:
		if (c->mac != NULL && !c->mac->info.etm &&
		    (ret = hmac_packet(c, seqnr, pkt, len, tag)) != 0)
			return ret;
		if (c->alg->kind == CK_CTR &&
		    (ret = stream_xor(c->main, pkt + c->aad_len, len - c->aad_len)) != 0)
			return ret;
		if (c->mac != NULL && c->mac->info.etm)
			return hmac_packet(c, seqnr, pkt, len, tag);
		return 0;
	}
	return SLC_ERR_INVALID;
}

int cipher_encrypt(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len)
{
	int ret = SLC_ERR_INVALID;

	if (c->dead || !c->encrypt || len < 4 + 5 || len - 4 > BUF_MAX_SIZE ||
	    buf_load_u32(pkt) != len - 4 || !aligned(c, len))
		goto out;
	ret = encrypt_packet(c, seqnr, pkt, len);
out:
	OPENSSL_cleanse(c->block0, sizeof(c->block0));
	if (ret != 0)
		c->dead = true;
	return ret;
}

/* --- receiving --- */

int cipher_decrypt_length(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t avail,
                          uint32_t *packet_length)
{
	uint8_t enc_len[4];
	uint32_t plen;
	int ret = SLC_ERR_INVALID;

	if (c->dead || c->encrypt)
		goto out;
	if (c->pending) {
		/* A repeated call for the same packet: answer from memory, as
		 * CTR's first block is already decrypted. */
		if (seqnr != c->pending_seqnr)
			goto out;
		*packet_length = c->pending_len;
		return 0;
	}
	if (avail < c->length_bytes)
		return SLC_ERR_AGAIN;

	switch (c->alg->kind) {
	case CK_CHACHA:
		/* K_1 on a copy: the tag covers the encrypted length, so pkt
		 * must keep it until step 2. */
		memcpy(enc_len, pkt, 4);
		if ((ret = chacha_set_iv(c->lenc, 0, seqnr)) != 0 ||
		    (ret = stream_xor(c->lenc, enc_len, 4)) != 0)
			goto out;
		plen = buf_load_u32(enc_len);
		break;
	case CK_CTR:
		if (c->length_bytes != 4 && (ret = stream_xor(c->main, pkt, c->length_bytes)) != 0)
			goto out;
		plen = buf_load_u32(pkt);
		break;
	case CK_GCM:
	case CK_NONE:
	default:
		plen = buf_load_u32(pkt);
		break;
	}
	if (plen < 5 || plen > BUF_MAX_SIZE || !aligned(c, (size_t)plen + 4)) {
		/* No unauthenticated plaintext is left behind. */
		if (c->length_bytes != 4)
			OPENSSL_cleanse(pkt, c->length_bytes);
		ret = SLC_ERR_LENGTH;
		goto out;
	}
	c->pending = true;
	c->pending_seqnr = seqnr;
	c->pending_len = plen;
	*packet_length = plen;
	ret = 0;
out:
	if (ret != 0)
		c->dead = true;
	return ret;
}

static SLC_WUR int decrypt_packet(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len)
{
	const uint8_t *tag = pkt + len;
	int outl, ret;

	switch (c->alg->kind) {
	case CK_CHACHA:
		/* Verify first: nothing is decrypted for a forged packet. */
		if ((ret = chacha_poly_init(c, seqnr)) != 0 ||
		    (ret = mac_compute(c, pkt, len, c->mac_out)) != 0)
			return ret;
		if (CRYPTO_memcmp(c->mac_out, tag, c->tag_len) != 0)
			return SLC_ERR_MAC;
		if ((ret = stream_xor(c->main, pkt + 4, len - 4)) != 0 ||
		    (ret = chacha_set_iv(c->lenc, 0, seqnr)) != 0)
			return ret;
		return stream_xor(c->lenc, pkt, 4);
	case CK_GCM:
		/* EVP can only check a GCM tag after decrypting; on failure
		 * the plaintext is wiped before anyone sees it. */
		if ((ret = gcm_start(c, pkt)) != 0 ||
		    !EVP_CIPHER_CTX_ctrl(c->main, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len,
		                         (void *)tag) ||
		    (ret = stream_xor(c->main, pkt + 4, len - 4)) != 0) {
			ret = ret != 0 ? ret : SLC_ERR_CRYPTO;
			OPENSSL_cleanse(pkt + 4, len - 4);
			return ret;
		}
		if (EVP_CipherFinal_ex(c->main, c->mac_out, &outl) <= 0) {
			OPENSSL_cleanse(pkt + 4, len - 4);
			return SLC_ERR_MAC;
		}
		gcm_next_iv(c);
		return 0;
	case CK_CTR:
	case CK_NONE:
		if (c->mac == NULL)
			return 0;
		if (c->mac->info.etm) {
			if ((ret = hmac_packet(c, seqnr, pkt, len, c->mac_out)) != 0)
				return ret;
			if (CRYPTO_memcmp(c->mac_out, tag, c->tag_len) != 0)
				return SLC_ERR_MAC;
			if (c->alg->kind == CK_CTR)
				return stream_xor(c->main, pkt + 4, len - 4);
			return 0;
		}
		/* MAC-and-encrypt: the MAC is over plaintext, so decrypt the
		 * rest (step 1 did the first block) and then check. */
		if (c->alg->kind == CK_CTR &&
		    (ret = stream_xor(c->main, pkt + c->length_bytes, len - c->length_bytes)) != 0)
			goto wipe;
		if ((ret = hmac_packet(c, seqnr, pkt, len, c->mac_out)) != 0)
			goto wipe;
		if (CRYPTO_memcmp(c->mac_out, tag, c->tag_len) != 0) {
			ret = SLC_ERR_MAC;
			goto wipe;
		}
		return 0;
	wipe:
		if (c->alg->kind == CK_CTR)
			OPENSSL_cleanse(pkt, len);
		return ret;
	}
	return SLC_ERR_INVALID;
}

int cipher_decrypt(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len)
{
	int ret = SLC_ERR_INVALID;

	if (c->dead || c->encrypt || !c->pending || seqnr != c->pending_seqnr ||
	    len != (size_t)c->pending_len + 4)
		goto out;
	c->pending = false;
	ret = decrypt_packet(c, seqnr, pkt, len);
out:
	OPENSSL_cleanse(c->block0, sizeof(c->block0));
	OPENSSL_cleanse(c->mac_out, sizeof(c->mac_out));
	if (ret != 0)
		c->dead = true;
	return ret;
}
