/* sshkey: SSH public/private keys over libcrypto EVP_PKEY.
 *
 * Types: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa. A struct sshkey
 * owns its EVP_PKEY; private material is freed with EVP_PKEY_free, which
 * wipes it. Keys are immutable after creation, so they may be shared
 * read-only. All functions return 0 or a negative SLC_ERR_*. */
#ifndef SLC_SSHKEY_H
#define SLC_SSHKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "buf.h"
#include "err.h"

enum sshkey_type {
	SSHKEY_UNKNOWN = 0,
	SSHKEY_ED25519,
	SSHKEY_ECDSA_P256,
	SSHKEY_ECDSA_P384,
	SSHKEY_ECDSA_P521,
	SSHKEY_RSA,
};

enum sshkey_fp_alg { SSHKEY_FP_SHA256, SSHKEY_FP_MD5 };

#define SSHKEY_RSA_MIN_BITS 1024 /* smallest RSA key we read or use */
#define SSHKEY_RSA_MIN_GEN_BITS 2048 /* smallest RSA key we generate */
#define SSHKEY_RSA_MAX_BITS 16384

struct sshkey;

/* Names. sshkey_type_from_name takes a key type name ("ssh-ed25519",
 * "ecdsa-sha2-nistp256", "ssh-rsa"); SSHKEY_UNKNOWN otherwise. */
enum sshkey_type sshkey_type_from_name(const char *name);
const char *sshkey_type_to_name(enum sshkey_type type);
/* ssh-keygen's short label, as in `ssh-keygen -l`: "ED25519", "ECDSA", "RSA". */
const char *sshkey_type_label(enum sshkey_type type);
/* True for the t[0..n) type names OpenSSH accepts and sluice does not
 * (DSA, security keys, certificates), so files naming them are not
 * damaged, just partly not for us. */
bool sshkey_openssh_only_type(const char *t, size_t n);

enum sshkey_type sshkey_type(const struct sshkey *k);
const char *sshkey_name(const struct sshkey *k);
unsigned sshkey_bits(const struct sshkey *k);
bool sshkey_is_private(const struct sshkey *k);
/* Borrowed; valid while k lives. */
EVP_PKEY *sshkey_pkey(const struct sshkey *k);

/* Generate. bits: ignored for ed25519; 256/384/521 for ECDSA (any ECDSA
 * type then follows bits; 0 keeps the type's own curve, so 256 for
 * SSHKEY_ECDSA_P256); RSA 0 means 3072, else 2048..16384. Other bits:
 * SLC_ERR_KEY_LENGTH. */
SLC_WUR int sshkey_generate(enum sshkey_type type, unsigned bits, struct sshkey **out);
/* Wrap an EVP_PKEY (ownership transferred on success only). Ed25519, EC on
 * P-256/384/521 and RSA (same size/exponent limits as wire keys, else
 * SLC_ERR_KEY_LENGTH / SLC_ERR_FORMAT); anything else SLC_ERR_KEY_TYPE. */
SLC_WUR int sshkey_from_pkey(EVP_PKEY *pkey, struct sshkey **out);
void sshkey_del(struct sshkey *k);
SLC_WUR int sshkey_demote(const struct sshkey *k, struct sshkey **pub);
bool sshkey_equal_public(const struct sshkey *a, const struct sshkey *b);

/* Public key blob (RFC 4253 6.6), appended to b without a string wrapper. */
SLC_WUR int sshkey_put_public(const struct sshkey *k, struct buf *b);
/* Parse a whole public key blob: trailing bytes are an error. Errors:
 * SLC_ERR_KEY_TYPE (unknown type name), SLC_ERR_FORMAT (trailing bytes,
 * curve id not the type's, point not uncompressed or not on the curve,
 * bad ed25519 length, RSA e even/1/>=n or n even), SLC_ERR_KEY_LENGTH (RSA
 * modulus outside SSHKEY_RSA_MIN_BITS..MAX), or the buf_get_* errors. */
SLC_WUR int sshkey_from_blob(const uint8_t *blob, size_t len, struct sshkey **out);

/* Private key fields as in openssh-key-v1's private section (PROTOCOL.key):
 * string keytype, then the type's public and private fields.
 * sshkey_put_private: SLC_ERR_INVALID for a public-only key.
 * sshkey_get_private consumes from b only on success (what follows, e.g.
 * the comment, is left to read) and checks the parts agree: ed25519 seed
 * gives the public key stored twice, ECDSA d*G == Q, RSA p*q == n, e*d == 1
 * mod p-1 and q-1, iqmp*q == 1 mod p; SLC_ERR_FORMAT if not. */
SLC_WUR int sshkey_put_private(const struct sshkey *k, struct buf *b);
SLC_WUR int sshkey_get_private(struct buf *b, struct sshkey **out);

/* Signatures. sshkey_sign appends the signature blob (string alg, string
 * sig) to sig. alg: NULL picks the key's default ("rsa-sha2-512" for RSA);
 * for RSA also "rsa-sha2-256" and "ssh-rsa". SLC_ERR_INVALID for an alg
 * that is not the key's or a public-only key; sig is unchanged on error. */
SLC_WUR int sshkey_sign(const struct sshkey *k, const char *alg, const uint8_t *data, size_t len,
                        struct buf *sig);
/* Verify a signature blob. allowed: comma-separated signature algorithm
 * names acceptable to the caller, or NULL for every algorithm valid for
 * the key except "ssh-rsa" (SHA-1). SLC_ERR_SIGNATURE on a bad signature,
 * including a malformed inner signature or an algorithm that is not the
 * key's; SLC_ERR_DENIED for the key's algorithm missing from allowed;
 * SLC_ERR_FORMAT / buf errors for a malformed outer blob (trailing bytes).
 * RSA signatures shorter than the modulus are left-padded (RFC 8332 3). */
SLC_WUR int sshkey_verify(const struct sshkey *k, const uint8_t *sig, size_t siglen,
                          const uint8_t *data, size_t len, const char *allowed);
/* The algorithm named inside a signature blob, borrowed into sig (not NUL
 * terminated) -- used to pick keys before verifying. */
SLC_WUR int sshkey_sig_alg(const uint8_t *sig, size_t siglen, const uint8_t **name,
                           size_t *namelen);

/* "SHA256:<unpadded base64>" or "MD5:aa:bb:..." as ssh-keygen prints them.
 * Caller frees. */
SLC_WUR int sshkey_fingerprint(const struct sshkey *k, enum sshkey_fp_alg alg, char **out);

/* One-line public key: "<type> <base64 blob>[ <comment>]". Caller frees.
 * A comment holding CR or LF is SLC_ERR_INVALID (here and in RFC 4716). */
SLC_WUR int sshkey_format_public(const struct sshkey *k, const char *comment, char **out);
/* Parse one line in that format (leading/trailing blanks allowed; comment
 * may be NULL to ignore, else *comment is a malloc'd string or NULL).
 * SLC_ERR_KEY_TYPE when the first word is no key type we know (an
 * authorized_keys options prefix, a certificate type); SLC_ERR_FORMAT when
 * it disagrees with the blob's type or the base64 is bad. */
SLC_WUR int sshkey_parse_public(const char *line, struct sshkey **out, char **comment);
/* RFC 4716 ("---- BEGIN SSH2 PUBLIC KEY ----") read and write. Reading
 * takes CR, LF or CRLF line ends, continued headers, the first Comment
 * header (quotes removed) as the comment; only blank lines may follow the
 * end marker. Writing folds the Comment header at 72 bytes and the base64
 * at 70 characters, as ssh-keygen -e does. */
SLC_WUR int sshkey_parse_rfc4716(const char *text, struct sshkey **out, char **comment);
SLC_WUR int sshkey_format_rfc4716(const struct sshkey *k, const char *comment, char **out);

#endif
