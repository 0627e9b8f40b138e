/* KEXINIT round trip, strict parsing, negotiation and guess handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kexinit.h"

static void fill(struct kexinit *k, const char *kex, const char *hk, const char *enc,
                 const char *mac)
{
	memset(k, 0, sizeof(*k));
	memset(k->cookie, 0xab, sizeof(k->cookie));
	k->lists[KEX_ALGS] = strdup(kex);
	k->lists[KEX_HOSTKEY_ALGS] = strdup(hk);
	k->lists[KEX_ENC_C2S] = strdup(enc);
	k->lists[KEX_ENC_S2C] = strdup(enc);
	k->lists[KEX_MAC_C2S] = strdup(mac);
	k->lists[KEX_MAC_S2C] = strdup(mac);
	k->lists[KEX_COMP_C2S] = strdup("none");
	k->lists[KEX_COMP_S2C] = strdup("none");
	k->lists[KEX_LANG_C2S] = strdup("");
	k->lists[KEX_LANG_S2C] = strdup("");
}

static void test_roundtrip(void **state)
{
	struct kexinit a, b;
	struct buf out;
	fill(&a, "curve25519-sha256,ext-info-c", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256");
	a.first_kex_follows = true;
	buf_init(&out);
	assert_int_equal(kexinit_put(&a, &out), 0);
	assert_int_equal(kexinit_parse(buf_ptr(&out), buf_len(&out), &b), 0);
	assert_memory_equal(a.cookie, b.cookie, 16);
	for (int i = 0; i < KEX_NLISTS; i++)
		assert_string_equal(a.lists[i], b.lists[i]);
	assert_true(b.first_kex_follows);
	/* every truncation fails cleanly */
	for (size_t n = 0; n < buf_len(&out); n++) {
		struct kexinit c;
		assert_true(kexinit_parse(buf_ptr(&out), n, &c) < 0);
	}
	/* trailing garbage is refused */
	assert_int_equal(buf_put_u8(&out, 0), 0);
	struct kexinit c;
	assert_int_equal(kexinit_parse(buf_ptr(&out), buf_len(&out), &c), SLC_ERR_FORMAT);
	buf_free(&out);
	kexinit_free(&a);
	kexinit_free(&b);
}

static void test_negotiate_aead_and_failure(void **state)
{
	struct kexinit c, s;
	struct kex_choice ch;
	const char *which = NULL;
	fill(&c, "curve25519-sha256,diffie-hellman-group14-sha256", "ssh-ed25519,rsa-sha2-512",
	     "aes256-gcm@openssh.com,aes128-ctr", "hmac-sha2-256");
	fill(&s, "diffie-hellman-group14-sha256,curve25519-sha256", "rsa-sha2-512",
	     "aes128-ctr,aes256-gcm@openssh.com", "hmac-sha2-512,hmac-sha2-256");
	assert_int_equal(kexinit_negotiate(&c, &s, "aes256-gcm@openssh.com", &ch, &which), 0);
	assert_string_equal(ch.kex, "curve25519-sha256");
	assert_string_equal(ch.hostkey, "rsa-sha2-512");
	assert_string_equal(ch.enc[0], "aes256-gcm@openssh.com");
	assert_string_equal(ch.mac[0], "");
	assert_false(ch.ignore_guessed_packet);
	kex_choice_free(&ch);
	/* without the AEAD hint the MAC list must agree */
	assert_int_equal(kexinit_negotiate(&c, &s, NULL, &ch, &which), 0);
	assert_string_equal(ch.mac[1], "hmac-sha2-256");
	kex_choice_free(&ch);
	kexinit_free(&s);
	fill(&s, "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com", "x");
	assert_int_equal(kexinit_negotiate(&c, &s, NULL, &ch, &which), SLC_ERR_NOT_FOUND);
	assert_string_equal(which, "cipher (client to server)");
	kexinit_free(&c);
	kexinit_free(&s);
}

static void test_wrong_guess(void **state)
{
	struct kexinit c, s;
	struct kex_choice ch;
	fill(&c, "curve25519-sha256,diffie-hellman-group14-sha256", "ssh-ed25519", "aes128-ctr",
	     "hmac-sha2-256");
	fill(&s, "diffie-hellman-group14-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256");
	s.first_kex_follows = true;
	/* server guessed group14, client prefers curve25519 but negotiation
	 * lands on group14 (client's first that the server has): right guess */
	assert_int_equal(kexinit_negotiate(&c, &s, NULL, &ch, NULL), 0);
	assert_string_equal(ch.kex, "diffie-hellman-group14-sha256");
	assert_false(ch.ignore_guessed_packet);
	kex_choice_free(&ch);
	kexinit_free(&s);
	fill(&s, "sntrup761x25519-sha512@openssh.com,curve25519-sha256", "ssh-ed25519",
	     "aes128-ctr", "hmac-sha2-256");
	s.first_kex_follows = true;
	assert_int_equal(kexinit_negotiate(&c, &s, NULL, &ch, NULL), 0);
	assert_true(ch.ignore_guessed_packet);
	kex_choice_free(&ch);
	kexinit_free(&c);
	kexinit_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roundtrip),
	        cmocka_unit_test(test_negotiate_aead_and_failure),
	        cmocka_unit_test(test_wrong_guess),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
