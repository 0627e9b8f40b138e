/* Public keys and signatures from strangers: the same bytes go to
 * sshkey_from_blob, sshkey_get_private, sshkey_parse_public and
 * sshkey_parse_rfc4716 (as text), and are verified as a signature against
 * a fixed key of each type and, when they parse, against themselves.
 * Invariants: a key that parses re-encodes to the bytes it came from, and
 * its text forms parse back to the same key. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sshkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed keys, generated once per process: verification against them
 * exercises the signature parsers with inputs that reach the crypto. */
static struct sshkey *fixed[3];

static void init_fixed(void)
{
	static const enum sshkey_type t[] = {SSHKEY_ED25519, SSHKEY_ECDSA_P256, SSHKEY_RSA};
	if (fixed[0] != NULL)
		return;
	for (size_t i = 0; i < 3; i++)
		if (sshkey_generate(t[i], t[i] == SSHKEY_RSA ? 2048 : 0, &fixed[i]) < 0)
			abort();
}

static void check_text_forms(const struct sshkey *k)
{
	struct sshkey *k2 = NULL;
	char *s = NULL, *c = NULL;

	if (sshkey_format_public(k, "fuzz", &s) == 0) {
		assert(sshkey_parse_public(s, &k2, &c) == 0);
		assert(sshkey_equal_public(k, k2) && strcmp(c, "fuzz") == 0);
		sshkey_del(k2);
		free(c);
		free(s);
	}
	k2 = NULL;
	c = NULL;
	if (sshkey_format_rfc4716(k, "fuzz", &s) == 0) {
		assert(sshkey_parse_rfc4716(s, &k2, &c) == 0);
		assert(sshkey_equal_public(k, k2) && strcmp(c, "fuzz") == 0);
		sshkey_del(k2);
		free(c);
		free(s);
	}
	if (sshkey_fingerprint(k, SSHKEY_FP_SHA256, &s) == 0)
		free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshkey *k = NULL;
	char *text, *comment = NULL;
	struct buf b, out;
	static const uint8_t msg[] = "fuzz";

	init_fixed();

	if (sshkey_from_blob(data, size, &k) == 0) {
		buf_init(&out);
		assert(sshkey_put_public(k, &out) == 0);
		assert(buf_len(&out) == size && memcmp(buf_ptr(&out), data, size) == 0);
		buf_free(&out);
		check_text_forms(k);
		sshkey_del(k);
		k = NULL;
	}

	buf_init_view(&b, data, size);
	if (sshkey_get_private(&b, &k) == 0) {
		assert(sshkey_is_private(k));
		sshkey_del(k);
		k = NULL;
	} else {
		assert(buf_len(&b) == size);
	}

	for (size_t i = 0; i < 3; i++)
		(void)sshkey_verify(fixed[i], data, size, msg, sizeof(msg),
		                    "ssh-ed25519,"
		                    "ecdsa-sha2-nistp256,rsa-sha2-256,rsa-sha2-512,ssh-rsa");

	/* A blob followed by a signature: "string key, rest" */
	struct buf v;
	const uint8_t *kb;
	size_t kblen;
	buf_init_view(&v, data, size);
	if (buf_get_string(&v, &kb, &kblen) == 0 && sshkey_from_blob(kb, kblen, &k) == 0) {
		(void)sshkey_verify(k, buf_ptr(&v), buf_len(&v), msg, sizeof(msg), NULL);
		sshkey_del(k);
		k = NULL;
	}

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sshkey_parse_public(text, &k, &comment) == 0) {
		check_text_forms(k);
		sshkey_del(k);
		free(comment);
	}
	k = NULL;
	comment = NULL;
	if (sshkey_parse_rfc4716(text, &k, &comment) == 0) {
		check_text_forms(k);
		sshkey_del(k);
		free(comment);
	}
	free(text);
	return 0;
}
