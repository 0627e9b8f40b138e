/* Pattern lists and CIDR matching: wildcards, negation order, masks that
 * are too long or leave host bits set, IPv4-mapped IPv6 clients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addrmatch.h"

static bool glob(const char *s, const char *p)
{
	return addrmatch_glob(s, p, strlen(p));
}

static void test_glob(void **state)
{
	assert_true(glob("", ""));
	assert_true(glob("", "*"));
	assert_true(glob("", "**"));
	assert_false(glob("", "?"));
	assert_true(glob("a", "?"));
	assert_false(glob("ab", "?"));
	assert_true(glob("host.example.com", "*.example.com"));
	assert_false(glob("example.com", "*.example.com"));
	assert_true(glob("HOST.Example.COM", "host.example.com"));
	assert_true(glob("host.example.com", "HOST.*"));
	assert_true(glob("192.168.0.7", "192.168.0.?"));
	assert_false(glob("192.168.0.17", "192.168.0.?"));
	assert_true(glob("abcbcd", "a*bcd"));
	assert_true(glob("abc", "a*b*c*"));
	assert_false(glob("abc", "a*b*d"));
	assert_true(glob("a*b", "a*b"));
	assert_false(glob("abc", "abcd"));
	assert_false(glob("abcd", "abc"));
	/* Only patlen bytes of the pattern count. */
	assert_true(addrmatch_glob("ab", "abc", 2));

	/* Exponential backtracking would never finish this. */
	char s[4001], p[200];
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	for (size_t i = 0; i < sizeof(p) - 2; i += 2) {
		p[i] = 'a';
		p[i + 1] = '*';
	}
	p[sizeof(p) - 2] = 'b';
	p[sizeof(p) - 1] = '\0';
	assert_false(glob(s, p));
}

static void test_host_list(void **state)
{
	assert_int_equal(addrmatch_host_list("a.example", "a.example"), ADDRMATCH_YES);
	assert_int_equal(addrmatch_host_list("a.example", "x,*.example,y"), ADDRMATCH_YES);
	assert_int_equal(addrmatch_host_list("a.example", "x,y"), ADDRMATCH_NO);
	/* Negation wins whatever the order. */
	assert_int_equal(addrmatch_host_list("bad.example", "*.example,!bad.example"),
	                 ADDRMATCH_NEGATED);
	assert_int_equal(addrmatch_host_list("bad.example", "!bad.example,*.example"),
	                 ADDRMATCH_NEGATED);
	assert_int_equal(addrmatch_host_list("ok.example", "!bad.example,*.example"),
	                 ADDRMATCH_YES);
	/* A negated pattern never matches by itself (ssh_config(5)). */
	assert_int_equal(addrmatch_host_list("host3", "!host1,!host2"), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("host3", "!host1,!host2,*"), ADDRMATCH_YES);
	/* Empty patterns match only the empty name; blanks are not trimmed. */
	assert_int_equal(addrmatch_host_list("a", ""), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("", ""), ADDRMATCH_YES);
	assert_int_equal(addrmatch_host_list("a", "a,"), ADDRMATCH_YES);
	assert_int_equal(addrmatch_host_list("a", ",,"), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("b", "a, b"), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("", "!"), ADDRMATCH_NEGATED);
	assert_int_equal(addrmatch_host_list("!a", "!!a"), ADDRMATCH_NEGATED);
	assert_int_equal(addrmatch_host_list(NULL, "*"), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("a", NULL), ADDRMATCH_NO);
	assert_int_equal(addrmatch_host_list("[h]:2222", "[*]:2222"), ADDRMATCH_YES);
}

static int cidr(const char *s, struct addrmatch_net *n)
{
	return addrmatch_parse_cidr(s, strlen(s), n);
}

static void test_parse_cidr(void **state)
{
	struct addrmatch_net n;
	static const uint8_t v4[4] = {192, 0, 2, 0};

	assert_int_equal(cidr("192.0.2.0/24", &n), 0);
	assert_int_equal(n.af, 4);
	assert_int_equal(n.masklen, 24);
	assert_memory_equal(n.addr, v4, 4);
	assert_int_equal(cidr("10.0.0.1", &n), 0);
	assert_int_equal(n.masklen, 32);
	assert_int_equal(cidr("0.0.0.0/0", &n), 0);
	assert_int_equal(cidr("10.0.0.1/32", &n), 0);
	assert_int_equal(cidr("::/0", &n), 0);
	assert_int_equal(n.af, 6);
	assert_int_equal(cidr("2001:db8::/32", &n), 0);
	assert_int_equal(n.masklen, 32);
	assert_int_equal(cidr("2001:DB8::1/128", &n), 0);
	assert_int_equal(cidr("::1", &n), 0);
	assert_int_equal(n.masklen, 128);
	assert_int_equal(cidr("::ffff:192.0.2.0/120", &n), 0);
	assert_int_equal(cidr("10.0.0.0/007", &n), 0);
	assert_int_equal(n.masklen, 7);

	static const char *const bad[] = {
	        "192.0.2.0/33", /* too long for IPv4 */
	        "192.0.2.1/24", /* host bits set */
	        "192.0.2.0/8", /* the man page's example */
	        "2001:db8::/129",
	        "2001:db8::1/64",
	        "10.0.0.0/",
	        "/8",
	        "10.0.0.0/+8",
	        "10.0.0.0/-8",
	        "10.0.0.0/ 8",
	        "10.0.0.0/8 ",
	        "10.0.0.0/0008",
	        "10.0.0.0/8/8",
	        "10.0.0/8",
	        "10.0.0.256/32",
	        "010.0.0.0/8x",
	        "host.example/24",
	        "fe80::1%eth0/128",
	        "",
	        "*",
	        "1.2.3.4.5",
	        "[::1]/128",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cidr(bad[i], &n) != SLC_ERR_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
	/* An over-long address text is not read past its length. */
	assert_int_equal(addrmatch_parse_cidr("10.0.0.0/8", 4, &n), SLC_ERR_FORMAT);
	assert_int_equal(addrmatch_parse_cidr("10.0.0.0/8", 8, &n), 0);
	assert_int_equal(n.masklen, 32);
}

static void test_net_contains(void **state)
{
	struct addrmatch_net n;

	assert_int_equal(cidr("192.0.2.0/24", &n), 0);
	assert_true(addrmatch_net_contains(&n, "192.0.2.0"));
	assert_true(addrmatch_net_contains(&n, "192.0.2.255"));
	assert_false(addrmatch_net_contains(&n, "192.0.3.0"));
	assert_false(addrmatch_net_contains(&n, "not-an-address"));
	assert_false(addrmatch_net_contains(&n, "2001:db8::1"));
	/* A dual-stack listener's view of an IPv4 client. */
	assert_true(addrmatch_net_contains(&n, "::ffff:192.0.2.7"));
	assert_true(addrmatch_net_contains(&n, "::FFFF:c000:0207"));
	assert_false(addrmatch_net_contains(&n, "::ffff:192.0.3.7"));
	/* IPv4-compatible (deprecated) is not mapped. */
	assert_false(addrmatch_net_contains(&n, "::192.0.2.7"));

	assert_int_equal(cidr("10.128.0.0/9", &n), 0);
	assert_true(addrmatch_net_contains(&n, "10.200.1.1"));
	assert_false(addrmatch_net_contains(&n, "10.127.255.255"));

	assert_int_equal(cidr("::/0", &n), 0);
	assert_true(addrmatch_net_contains(&n, "2001:db8::1"));
	assert_true(addrmatch_net_contains(&n, "::ffff:192.0.2.7"));
	assert_false(addrmatch_net_contains(&n, "192.0.2.7"));

	assert_int_equal(cidr("2001:db8:8000::/33", &n), 0);
	assert_true(addrmatch_net_contains(&n, "2001:db8:ffff::1"));
	assert_false(addrmatch_net_contains(&n, "2001:db8:7fff::1"));
	assert_int_equal(cidr("0.0.0.0/0", &n), 0);
	assert_true(addrmatch_net_contains(&n, "255.255.255.255"));
	assert_false(addrmatch_net_contains(NULL, "1.2.3.4"));
	assert_false(addrmatch_net_contains(&n, NULL));
}

static enum addrmatch_result alist(const char *addr, const char *list)
{
	enum addrmatch_result r = ADDRMATCH_YES;
	assert_int_equal(addrmatch_addr_list(addr, list, &r), 0);
	return r;
}

static void test_addr_list(void **state)
{
	enum addrmatch_result r;

	assert_int_equal(alist("10.1.2.3", "10.0.0.0/8"), ADDRMATCH_YES);
	assert_int_equal(alist("10.1.2.3", "10.0.0.0/8,!10.1.0.0/16"), ADDRMATCH_NEGATED);
	assert_int_equal(alist("10.2.2.3", "!10.1.0.0/16,10.0.0.0/8"), ADDRMATCH_YES);
	assert_int_equal(alist("11.2.2.3", "10.0.0.0/8"), ADDRMATCH_NO);
	/* Wildcards on the address text, including the IPv4 text of a
	 * mapped address. */
	assert_int_equal(alist("192.0.2.9", "192.0.2.?"), ADDRMATCH_YES);
	assert_int_equal(alist("::ffff:192.0.2.9", "192.0.2.*"), ADDRMATCH_YES);
	assert_int_equal(alist("::ffff:192.0.2.9", "!192.0.2.*,*"), ADDRMATCH_NEGATED);
	assert_int_equal(alist("::ffff:192.0.2.9", "192.0.2.0/24"), ADDRMATCH_YES);
	assert_int_equal(alist("::ffff:192.0.2.9", "::ffff:0:0/96"), ADDRMATCH_YES);
	/* Bare addresses compare as addresses. */
	assert_int_equal(alist("0:0::1", "::1"), ADDRMATCH_YES);
	assert_int_equal(alist("2001:DB8::1", "2001:db8:0::1"), ADDRMATCH_YES);
	assert_int_equal(alist("2001:db8::1", "2001:db8::/32,!2001:db8::1"), ADDRMATCH_NEGATED);
	/* Not an address: only wildcards can match. */
	assert_int_equal(alist("UNKNOWN", "10.0.0.0/8"), ADDRMATCH_NO);
	assert_int_equal(alist("UNKNOWN", "10.0.0.0/8,*"), ADDRMATCH_YES);
	assert_int_equal(alist("", "*"), ADDRMATCH_YES);

	/* A malformed network is an error wherever it is in the list. */
	r = ADDRMATCH_YES;
	assert_int_equal(addrmatch_addr_list("10.1.2.3", "10.0.0.0/8,10.0.0.1/8", &r),
	                 SLC_ERR_FORMAT);
	assert_int_equal(r, ADDRMATCH_NO);
	assert_int_equal(addrmatch_addr_list("10.1.2.3", "!192.0.2.0/33,*", &r), SLC_ERR_FORMAT);
	assert_int_equal(addrmatch_addr_list("10.1.2.3", "*.example/8", &r), SLC_ERR_FORMAT);
	assert_int_equal(addrmatch_addr_list(NULL, "*", &r), 0);
	assert_int_equal(r, ADDRMATCH_NO);
}

static void test_host_and_addr(void **state)
{
	bool ok;
	const char *list = "!*.dialup.example.com,*.example.com,192.0.2.0/24,!192.0.2.66";

	assert_int_equal(addrmatch_host_and_addr("a.example.com", "198.51.100.1", list, &ok), 0);
	assert_true(ok);
	assert_int_equal(addrmatch_host_and_addr(NULL, "192.0.2.1", list, &ok), 0);
	assert_true(ok);
	assert_int_equal(addrmatch_host_and_addr(NULL, "198.51.100.1", list, &ok), 0);
	assert_false(ok);
	/* A negated name refuses even from an allowed network... */
	assert_int_equal(addrmatch_host_and_addr("p1.dialup.example.com", "192.0.2.1", list, &ok),
	                 0);
	assert_false(ok);
	/* ...and a negated address even with an allowed name. */
	assert_int_equal(addrmatch_host_and_addr("a.example.com", "192.0.2.66", list, &ok), 0);
	assert_false(ok);
	assert_int_equal(addrmatch_host_and_addr("A.EXAMPLE.COM", "::ffff:198.51.100.1", list, &ok),
	                 0);
	assert_true(ok);
	assert_int_equal(addrmatch_host_and_addr(NULL, NULL, list, &ok), 0);
	assert_false(ok);
	ok = true;
	assert_int_equal(addrmatch_host_and_addr("a.example.com", "192.0.2.1", "192.0.2.1/24", &ok),
	                 SLC_ERR_FORMAT);
	assert_false(ok);
	assert_int_equal(addrmatch_host_and_addr(NULL, "2001:db8::5", "2001:db8::/64", &ok), 0);
	assert_true(ok);
	assert_int_equal(addrmatch_host_and_addr(NULL, "2001:db9::5", "2001:db8::/64", &ok), 0);
	assert_false(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_glob),       cmocka_unit_test(test_host_list),
	        cmocka_unit_test(test_parse_cidr), cmocka_unit_test(test_net_contains),
	        cmocka_unit_test(test_addr_list),  cmocka_unit_test(test_host_and_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
