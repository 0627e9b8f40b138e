/* Private key file parser over arbitrary bytes: openssh-key-v1 (plain and
 * encrypted), PEM and PKCS#8. Each input is parsed without a passphrase and
 * with the fixed one the encrypted seeds use, so mutated ciphertext still
 * decrypts and reaches the private-section parser.
 *
 * bcrypt-pbkdf rounds are capped at FUZZ_MAX_ROUNDS through
 * keyfile_parse_private_ex: each round costs milliseconds, and a flipped
 * bit in the rounds field must not turn one run into minutes.
 *
 * An input starting with a NUL byte (never a text key file) is the raw
 * openssh-key-v1 binary: it is base64-armoured first, so mutations land on
 * the binary structure instead of on its base64 (the raw_* seeds).
 *
 * Invariants: whatever parses is a private key, and it survives a write
 * and re-read (unencrypted) with its public half and comment intact. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "keyfile.h"

#define FUZZ_PASS "sluice-fuzz"
#define FUZZ_MAX_ROUNDS 1

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct sshkey *k, const char *comment)
{
	struct buf text;
	struct sshkey *back = NULL;
	char *c2 = NULL;
	int r;

	assert(sshkey_is_private(k));
	buf_init(&text);
	r = keyfile_format_private(k, comment, NULL, 0, &text);
	assert(r == 0);
	r = keyfile_parse_private_ex(buf_ptr(&text), buf_len(&text), NULL, FUZZ_MAX_ROUNDS, &back,
	                             &c2);
	assert(r == 0);
	assert(sshkey_equal_public(k, back));
	assert(strcmp(comment, c2) == 0);
	sshkey_del(back);
	free(c2);
	buf_free(&text);
}

static void armour(const uint8_t *bin, size_t len, struct buf *out)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	static const char end[] = "\n-----END OPENSSH PRIVATE KEY-----\n";
	char *b64 = NULL;
	int r = b64_encode(bin, len, &b64);
	assert(r == 0);
	r = buf_put(out, begin, sizeof(begin) - 1);
	assert(r == 0);
	r = buf_put(out, b64, strlen(b64));
	assert(r == 0);
	r = buf_put(out, end, sizeof(end) - 1);
	assert(r == 0);
	free(b64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const passes[] = {NULL, FUZZ_PASS};
	struct buf text;
	bool encrypted = false;
	int r;

	buf_init(&text);
	if (size > 0 && data[0] == 0) {
		armour(data + 1, size - 1, &text);
		data = buf_ptr(&text);
		size = buf_len(&text);
	}

	r = keyfile_is_encrypted(data, size, &encrypted);
	(void)r;
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		struct sshkey *k = NULL;
		char *comment = NULL;
		r = keyfile_parse_private_ex(data, size, passes[i], FUZZ_MAX_ROUNDS, &k, &comment);
		if (r == 0) {
			assert(k != NULL && comment != NULL);
			check_roundtrip(k, comment);
		} else {
			assert(r < 0 && k == NULL && comment == NULL);
		}
		sshkey_del(k);
		free(comment);
	}
	buf_free(&text);
	return 0;
}
