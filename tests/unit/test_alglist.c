/* OpenSSH list syntax (+ - ^ and replacement) and RFC 4253 negotiation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alglist.h"

static const char *SUP = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                         "aes128-gcm@openssh.com,aes256-gcm@openssh.com";
static const char *DEF = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com";

static void expect(const char *spec, const char *want)
{
	char *out = NULL, *bad = NULL;
	assert_int_equal(alglist_apply(spec, DEF, SUP, &out, &bad), 0);
	assert_string_equal(out, want);
	assert_null(bad);
	free(out);
}

static void expect_bad(const char *spec, const char *bad_name)
{
	char *out = NULL, *bad = NULL;
	assert_int_equal(alglist_apply(spec, DEF, SUP, &out, &bad), SLC_ERR_CONFIG);
	assert_null(out);
	assert_non_null(bad);
	assert_string_equal(bad, bad_name);
	free(bad);
}

static void test_apply(void **state)
{
	expect("aes128-ctr,aes256-ctr", "aes128-ctr,aes256-ctr");
	expect("aes256-ctr,aes128-ctr", "aes256-ctr,aes128-ctr");
	expect("+aes128-ctr", "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr");
	expect("+aes256-gcm@openssh.com", DEF);
	expect("-chacha20*", "aes256-gcm@openssh.com");
	expect("-nonexistent", DEF);
	expect("^aes128-ctr", "aes128-ctr,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com");
	expect("^aes256-gcm@openssh.com", "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com");
	expect("aes*-ctr", "aes128-ctr,aes192-ctr,aes256-ctr");
}

static void test_apply_rejects(void **state)
{
	expect_bad("3des-cbc", "3des-cbc");
	expect_bad("+aes128-ctr,blowfish-cbc", "blowfish-cbc");
	expect_bad("aes128-ctr,,aes256-ctr", "");
	expect_bad("-*", "-*");
}

static void test_patterns(void **state)
{
	assert_true(alglist_match_pattern("aes128-ctr", "aes*"));
	assert_true(alglist_match_pattern("aes128-ctr", "aes1?8-ctr"));
	assert_true(alglist_match_pattern("", "*"));
	assert_false(alglist_match_pattern("aes128-ctr", "aes"));
	assert_false(alglist_match_pattern("aes", "aes?"));
	assert_true(alglist_contains("a,b,c", "b"));
	assert_false(alglist_contains("a,bb,c", "b"));
	assert_false(alglist_contains("", "b"));
}

static void test_negotiate(void **state)
{
	char *out = NULL;
	assert_int_equal(alglist_negotiate("a,b,c", "c,b", &out), 0);
	assert_string_equal(out, "b");
	free(out);
	assert_int_equal(alglist_negotiate("a", "b,c", &out), SLC_ERR_NOT_FOUND);
	assert_int_equal(alglist_negotiate("", "b", &out), SLC_ERR_NOT_FOUND);
	assert_int_equal(alglist_negotiate("ab,b", "abc,b", &out), 0);
	assert_string_equal(out, "b");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_apply),
	        cmocka_unit_test(test_apply_rejects),
	        cmocka_unit_test(test_patterns),
	        cmocka_unit_test(test_negotiate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
