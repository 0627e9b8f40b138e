/* Version exchange: pre-banner lines, length caps, split input, rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ident.h"

static int feed_str(struct ssh_ident *id, const char *s, size_t *consumed)
{
	return ssh_ident_feed(id, (const uint8_t *)s, strlen(s), consumed);
}

static void test_server_version_with_trailing_packet_bytes(void **state)
{
	struct ssh_ident id;
	size_t used;
	const char *in = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n\x00\x00\x01\x2c";
	ssh_ident_init(&id, true);
	assert_int_equal(ssh_ident_feed(&id, (const uint8_t *)in, 44, &used), 0);
	assert_string_equal(id.version, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	assert_int_equal(used, 40);
	ssh_ident_free(&id);
}

static void test_prelines_and_bare_lf(void **state)
{
	struct ssh_ident id;
	size_t used;
	ssh_ident_init(&id, true);
	assert_int_equal(feed_str(&id, "hello there\r\nnot ssh yet\n", &used), SLC_ERR_AGAIN);
	assert_int_equal(feed_str(&id, "SSH-2.0-x\n", &used), 0);
	assert_string_equal(id.version, "SSH-2.0-x");
	ssh_ident_free(&id);
}

static void test_byte_at_a_time(void **state)
{
	struct ssh_ident id;
	size_t used;
	const char *in = "SSH-1.99-Foo_1.0 comment here\r\n";
	ssh_ident_init(&id, false);
	for (size_t i = 0; i < strlen(in) - 1; i++) {
		assert_int_equal(ssh_ident_feed(&id, (const uint8_t *)in + i, 1, &used),
		                 SLC_ERR_AGAIN);
		assert_int_equal(used, 1);
	}
	assert_int_equal(ssh_ident_feed(&id, (const uint8_t *)"\n", 1, &used), 0);
	assert_string_equal(id.version, "SSH-1.99-Foo_1.0 comment here");
	ssh_ident_free(&id);
}

static void test_client_may_not_send_prelines(void **state)
{
	struct ssh_ident id;
	size_t used;
	ssh_ident_init(&id, false);
	assert_int_equal(feed_str(&id, "GET / HTTP/1.1\r\n", &used), SLC_ERR_PROTOCOL);
	assert_non_null(id.why);
	ssh_ident_free(&id);
	/* refused before any line end arrives */
	ssh_ident_init(&id, false);
	assert_int_equal(feed_str(&id, "GET ", &used), SLC_ERR_PROTOCOL);
	ssh_ident_free(&id);
}

static void test_rejects_v1_and_bad_lines(void **state)
{
	const char *bad[] = {"SSH-1.5-old\r\n", "SSH-2.0-\r\n", "SSH-2.0- x\r\n",
	                     "SSH-2.0-a\x01\r\n", "SSH-3.0-x\r\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ssh_ident id;
		size_t used;
		ssh_ident_init(&id, true);
		assert_int_equal(feed_str(&id, bad[i], &used), SLC_ERR_PROTOCOL);
		assert_null(id.version);
		ssh_ident_free(&id);
	}
	struct ssh_ident id;
	size_t used;
	static const uint8_t nul[] = "SSH-2.0-a\0b\r\n";
	ssh_ident_init(&id, true);
	assert_int_equal(ssh_ident_feed(&id, nul, sizeof(nul) - 1, &used), SLC_ERR_PROTOCOL);
	ssh_ident_free(&id);
}

static void test_line_length_cap(void **state)
{
	char line[300];
	struct ssh_ident id;
	size_t used;
	/* 253 characters + CR LF = 255 bytes: accepted */
	memset(line, 'a', sizeof(line));
	memcpy(line, "SSH-2.0-", 8);
	strcpy(line + 253, "\r\n");
	ssh_ident_init(&id, true);
	assert_int_equal(feed_str(&id, line, &used), 0);
	assert_int_equal(strlen(id.version), 253);
	ssh_ident_free(&id);
	/* one more: refused */
	memset(line, 'a', sizeof(line));
	memcpy(line, "SSH-2.0-", 8);
	strcpy(line + 254, "\r\n");
	ssh_ident_init(&id, true);
	assert_int_equal(feed_str(&id, line, &used), SLC_ERR_PROTOCOL);
	ssh_ident_free(&id);
}

static void test_gives_up_after_bounded_prelines(void **state)
{
	struct ssh_ident id;
	size_t used;
	int r = SLC_ERR_AGAIN;
	size_t fed = 0;
	ssh_ident_init(&id, true);
	while (r == SLC_ERR_AGAIN && fed < 10 * IDENT_MAX_BYTES) {
		r = feed_str(&id, "junk\r\n", &used);
		fed += 6;
	}
	assert_int_equal(r, SLC_ERR_PROTOCOL);
	assert_true(fed <= IDENT_MAX_BYTES + 6);
	ssh_ident_free(&id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_server_version_with_trailing_packet_bytes),
	        cmocka_unit_test(test_prelines_and_bare_lf),
	        cmocka_unit_test(test_byte_at_a_time),
	        cmocka_unit_test(test_client_may_not_send_prelines),
	        cmocka_unit_test(test_rejects_v1_and_bad_lines),
	        cmocka_unit_test(test_line_length_cap),
	        cmocka_unit_test(test_gives_up_after_bounded_prelines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
