/* cipher: SSH packet encryption and integrity for one direction of a
 * connection (RFC 4253 section 6), over libcrypto EVP.
 *
 * Algorithms
 *   chacha20-poly1305@openssh.com   AEAD, OpenSSH PROTOCOL.chacha20poly1305
 *   aes128-gcm@openssh.com          AEAD, RFC 5647 as OpenSSH uses it
 *   aes256-gcm@openssh.com
 *   aes128-ctr, aes256-ctr          RFC 4344, with a MAC below
 *   none                            the state before the first NEWKEYS
 * MACs (for the CTR ciphers and "none" only; AEAD ciphers take none):
 *   hmac-sha2-256, hmac-sha2-512              RFC 6668, MAC-and-encrypt
 *   hmac-sha2-256-etm@openssh.com, ...-512-etm@openssh.com  encrypt-then-MAC
 *   hmac-sha1, hmac-sha1-etm@openssh.com      supported, not in the defaults
 *
 * The packet layer owns the memory; this module transforms it in place.
 * A packet is always handled as one contiguous region
 *
 *     pkt[0 .. len)        uint32 packet_length || byte padding_length ||
 *                          payload || padding        (len = 4 + packet_length)
 *     pkt[len .. len+tag)  the AEAD tag or MAC      (tag = cipher_tag_len())
 *
 * Padding rule (RFC 4253 6, RFC 5647 7.2, PROTOCOL): len - cipher_aad_len()
 * must be a multiple of cipher_block_size(), and padding_length >= 4.
 * cipher_padding() computes the least such padding. cipher_aad_len() is 4
 * when the length field is outside the block-aligned encrypted part
 * (chacha20-poly1305, AES-GCM, every -etm MAC) and 0 otherwise.
 *
 * Sending: build the packet in plaintext with tag bytes of room after it and
 * call cipher_encrypt(); then write pkt[0 .. len + tag).
 *
 * Receiving, in two steps because the length may itself be encrypted:
 *   1. once cipher_length_bytes() bytes have arrived, cipher_decrypt_length()
 *      yields packet_length. It authenticates nothing: bound the value
 *      (the packet layer's maximum) before waiting for that many bytes.
 *   2. once all len + tag bytes have arrived, cipher_decrypt() checks the
 *      tag/MAC and leaves the whole packet, length field included, as
 *      plaintext in place. Checking padding_length against packet_length is
 *      the caller's job.
 *
 * Sequence numbers are the RFC 4253 6.4 uint32 that wraps; the caller keeps
 * them. AES-GCM ignores them and keeps its own 64-bit invocation counter.
 *
 * Per-packet calls do no allocation in this module: every libcrypto context
 * is made once in cipher_new() and re-keyed/re-IV'd per packet. (OpenSSL 3.0
 * itself still allocates inside the HMAC reset used by the hmac-* MACs;
 * chacha20-poly1305, AES-GCM and "none" are allocation free.)
 *
 * A context is for one direction and one key epoch; it is not thread safe.
 * After any error from cipher_encrypt/cipher_decrypt_length/cipher_decrypt
 * other than SLC_ERR_AGAIN the context refuses further use (SLC_ERR_INVALID):
 * RFC 4253 requires the connection to be dropped, and stream state (CTR
 * counters) may be out of step. */
#ifndef SLC_CIPHER_H
#define SLC_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CIPHER_MAX_KEY_LEN 64 /* chacha20-poly1305: K_2 || K_1 */
#define CIPHER_MAX_IV_LEN 16 /* AES-CTR */
#define CIPHER_MAX_BLOCK_SIZE 16 /* also the most cipher_length_bytes() asks for */
#define CIPHER_MAX_TAG_LEN 64 /* hmac-sha2-512 */
#define CIPHER_MAX_MAC_KEY_LEN 64 /* hmac-sha2-512 */

struct cipher_info {
	const char *name;
	size_t key_len; /* bytes of kex output needed (RFC 4253 7.2) */
	size_t iv_len; /* 0 for chacha20-poly1305 and none */
	size_t block_size; /* padding alignment: 8 for chacha and none, 16 for AES */
	size_t tag_len; /* AEAD tag appended to each packet, 0 if not AEAD */
	bool aead; /* integrity built in; no MAC is negotiated */
	bool length_encrypted; /* packet_length hidden (CTR: unless the MAC is -etm) */
};

struct cipher_mac_info {
	const char *name;
	size_t key_len; /* bytes of kex output needed */
	size_t out_len; /* MAC bytes appended to each packet */
	bool etm; /* encrypt-then-MAC: length in clear, MAC over ciphertext */
};

/* Static descriptions; NULL for an unknown name. "none" is known to both
 * (it is never in the lists below: it is not negotiable). */
const struct cipher_info *cipher_lookup(const char *name);
const struct cipher_mac_info *cipher_mac_lookup(const char *name);

/* Comma-separated lists for alglist_apply(): what we offer by default, and
 * everything a configuration may name. Static strings. */
const char *cipher_default_names(void);
const char *cipher_supported_names(void);
const char *cipher_mac_default_names(void);
const char *cipher_mac_supported_names(void);

struct cipher_ctx;

/* Make a context for one direction.
 *   cipher   a name cipher_lookup() knows
 *   mac      NULL or "none" for AEAD ciphers (and for "none" meaning no
 *            MAC); required for the CTR ciphers; must be NULL/"none" for AEAD
 *   key/iv   exactly key_len/iv_len bytes of cipher_info (NULL when 0)
 *   mac_key  exactly key_len bytes of cipher_mac_info (NULL when no MAC)
 *   encrypt  true for the sending direction
 * Key material is copied into libcrypto's contexts; the caller keeps and
 * wipes its own copies.
 * Errors: SLC_ERR_UNSUPPORTED unknown name or an AEAD/MAC mismatch,
 * SLC_ERR_KEY_LENGTH wrong key/iv/mac_key length, SLC_ERR_NOMEM,
 * SLC_ERR_CRYPTO. */
SLC_WUR int cipher_new(const char *cipher, const char *mac, const uint8_t *key, size_t key_len,
                       const uint8_t *iv, size_t iv_len, const uint8_t *mac_key, size_t mac_key_len,
                       bool encrypt, struct cipher_ctx **out);
/* Wipes all key material (libcrypto contexts included). NULL is a no-op. */
void cipher_del(struct cipher_ctx *c);

const struct cipher_info *cipher_ctx_info(const struct cipher_ctx *c);
/* NULL when there is no separate MAC (AEAD, or none/none). */
const struct cipher_mac_info *cipher_ctx_mac_info(const struct cipher_ctx *c);

/* Padding alignment (see the padding rule above). */
size_t cipher_block_size(const struct cipher_ctx *c);
/* Bytes that follow each packet: AEAD tag or MAC output, 0 for none/none. */
size_t cipher_tag_len(const struct cipher_ctx *c);
/* 4 when the length field is excluded from block alignment, else 0. */
size_t cipher_aad_len(const struct cipher_ctx *c);
/* Whether packet_length travels encrypted (chacha, CTR without -etm). */
bool cipher_length_encrypted(const struct cipher_ctx *c);
/* How many leading bytes cipher_decrypt_length() needs: block_size for a
 * CTR cipher with a non-etm MAC (the length sits in the first encrypted
 * block), 4 for everything else. At most CIPHER_MAX_BLOCK_SIZE. */
size_t cipher_length_bytes(const struct cipher_ctx *c);
/* Least padding_length (>= 4) for a payload of payload_len bytes, so a
 * packet with that padding satisfies the padding rule. The caller may add
 * multiples of cipher_block_size() up to a total of 255. */
size_t cipher_padding(const struct cipher_ctx *c, size_t payload_len);

/* Encrypt a plaintext packet in place and append its tag/MAC.
 * pkt holds len bytes laid out as above and must have cipher_tag_len()
 * writable bytes after them. The packet_length field must equal len - 4 and
 * the padding rule must hold (SLC_ERR_INVALID otherwise; nothing changed).
 * Errors: SLC_ERR_INVALID, SLC_ERR_CRYPTO. */
SLC_WUR int cipher_encrypt(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len);

/* Step 1 of receiving: read packet_length of the packet with sequence
 * number seqnr from its first avail bytes.
 *   avail < cipher_length_bytes()  SLC_ERR_AGAIN, nothing changed
 *   packet_length < 5, > BUF_MAX_SIZE, or 4 + packet_length breaks the
 *   padding rule                   SLC_ERR_LENGTH (the context is dead;
 *                                  CTR non-etm zeroes the block it decrypted)
 * What it does to pkt:
 *   - chacha20-poly1305: decrypts a copy of the 4 length bytes with K_1;
 *     pkt is not modified.
 *   - AES-GCM, -etm MACs, none: reads the clear length; pkt not modified.
 *   - CTR with a non-etm MAC: decrypts the first cipher_length_bytes() bytes
 *     IN PLACE (advancing the CTR stream) and remembers it did. Those bytes
 *     must be passed back unchanged to cipher_decrypt(); the buffer may move
 *     in between.
 * Calling it again for the same packet (same seqnr, before cipher_decrypt)
 * is allowed and returns the same length without touching pkt again, so a
 * caller may call it on every read until the whole packet is in. Reading
 * the packet again from pkt with other code is not: for CTR non-etm the
 * first block is already plaintext. */
SLC_WUR int cipher_decrypt_length(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t avail,
                                  uint32_t *packet_length);

/* Step 2: authenticate and decrypt the packet whose length step 1 returned.
 * pkt[0 .. len) is the packet (len must be 4 + that packet_length, same
 * seqnr, else SLC_ERR_INVALID) and pkt[len .. len + cipher_tag_len()) the
 * received tag/MAC, compared in constant time.
 * On success pkt[0 .. len) is the plaintext packet, length field included;
 * the tag bytes are left as received.
 * On SLC_ERR_MAC no plaintext is left in pkt[0 .. len): chacha20-poly1305
 * and -etm verify before decrypting and leave the ciphertext untouched;
 * AES-GCM and non-etm MACs must decrypt to verify, and wipe (zero) what they
 * decrypted. The context is dead afterwards.
 * Errors: SLC_ERR_MAC, SLC_ERR_INVALID, SLC_ERR_CRYPTO. */
SLC_WUR int cipher_decrypt(struct cipher_ctx *c, uint32_t seqnr, uint8_t *pkt, size_t len);

#endif
