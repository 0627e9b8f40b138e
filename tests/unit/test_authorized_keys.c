/* authorized_keys: every option of sshd(8), quoting, restrict and its
 * overrides, from= with CIDR and negation, expiry-time, bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "authorized_keys.h"
#include "sshkey.h"

/* 2024-01-01T00:00:00Z */
#define NOW_2024 1704067200

struct fix {
	struct sshkey *key, *other, *ecdsa;
	char *line, *other_line, *ecdsa_line; /* "type base64" */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &f->key), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &f->other), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 0, &f->ecdsa), 0);
	assert_int_equal(sshkey_format_public(f->key, NULL, &f->line), 0);
	assert_int_equal(sshkey_format_public(f->other, NULL, &f->other_line), 0);
	assert_int_equal(sshkey_format_public(f->ecdsa, NULL, &f->ecdsa_line), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	sshkey_del(f->key);
	sshkey_del(f->other);
	sshkey_del(f->ecdsa);
	free(f->line);
	free(f->other_line);
	free(f->ecdsa_line);
	free(f);
	return 0;
}

struct notes {
	size_t n, matched;
	size_t last_line;
	char last[256];
};

static void record(void *ctx, size_t line, bool key_matched, const char *msg)
{
	struct notes *n = ctx;
	n->n++;
	n->matched += key_matched;
	n->last_line = line;
	snprintf(n->last, sizeof(n->last), "%s", msg);
}

static struct ak_query query(const struct sshkey *k, struct notes *n)
{
	return (struct ak_query){.key = k,
	                         .addr = "192.0.2.5",
	                         .host = NULL,
	                         .now = NOW_2024,
	                         .utc_offset = 0,
	                         .note = record,
	                         .note_ctx = n};
}

/* Look up f->key in "<opts> <keyline> comment" and return ak_find's
 * result; res must be freed by the caller. */
static int find_with(struct fix *f, const char *opts, const struct ak_query *q,
                     struct ak_result *res)
{
	char text[4096];
	snprintf(text, sizeof(text), "%s%s%s my comment\n", opts, opts[0] ? " " : "", f->line);
	return ak_find(text, strlen(text), q, res);
}

static void accept_opts(struct fix *f, const char *opts, struct ak_result *res)
{
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	int r = find_with(f, opts, &q, res);
	if (r != 0)
		fail_msg("%s: %d (%s)", opts, r, res->reason);
	assert_int_equal(res->line, 1);
	assert_string_equal(res->reason, "");
}

static void reject_opts(struct fix *f, const char *opts, const char *want_reason)
{
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	int r = find_with(f, opts, &q, &res);
	if (r != SLC_ERR_DENIED)
		fail_msg("%s: got %d, want DENIED", opts, r);
	assert_int_equal(res.line, 0);
	if (strstr(res.reason, want_reason) == NULL)
		fail_msg("%s: reason \"%s\" lacks \"%s\"", opts, res.reason, want_reason);
	assert_int_equal(strncmp(res.reason, "line 1: ", 8), 0);
	assert_int_equal(n.matched, 1);
	assert_int_equal(n.last_line, 1);
	ak_opts_free(&res.opts);
}

static void test_plain_key(void **state)
{
	struct fix *f = *state;
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	char text[4096];

	snprintf(text, sizeof(text),
	         "# comment\n\n  \t\n%s other\n\t%s  mine with  blanks \r\n%s\n", f->other_line,
	         f->line, f->ecdsa_line);
	assert_int_equal(ak_find(text, strlen(text), &q, &res), 0);
	assert_int_equal(res.line, 5);
	assert_true(res.opts.permit_port_forwarding && res.opts.permit_agent_forwarding &&
	            res.opts.permit_x11_forwarding && res.opts.permit_pty &&
	            res.opts.permit_user_rc);
	assert_false(res.opts.restricted || res.opts.cert_authority || res.opts.has_expiry);
	assert_null(res.opts.command);
	assert_null(res.opts.from);
	assert_int_equal(res.opts.tunnel, -1);
	assert_int_equal(res.opts.nenv + res.opts.npermitopen + res.opts.npermitlisten, 0);
	ak_opts_free(&res.opts);

	q.key = f->ecdsa;
	assert_int_equal(ak_find(text, strlen(text), &q, &res), 0);
	assert_int_equal(res.line, 6);
	ak_opts_free(&res.opts);

	/* No trailing newline on the last line. */
	q.key = f->key;
	assert_int_equal(ak_find(f->line, strlen(f->line), &q, &res), 0);
	assert_int_equal(res.line, 1);
	ak_opts_free(&res.opts);

	q.key = f->other;
	assert_int_equal(ak_find(f->line, strlen(f->line), &q, &res), SLC_ERR_NOT_FOUND);
	assert_string_equal(res.reason, "");
	ak_opts_free(&res.opts);
	assert_int_equal(ak_find("", 0, &q, &res), SLC_ERR_NOT_FOUND);
	assert_int_equal(ak_find(NULL, 0, &q, &res), SLC_ERR_NOT_FOUND);
	assert_int_equal(ak_find("x", 1, NULL, &res), SLC_ERR_INVALID);
	assert_int_equal(ak_find("x", 1, &q, NULL), SLC_ERR_INVALID);
}

static void test_flags_and_restrict(void **state)
{
	struct fix *f = *state;
	struct ak_result res;

	accept_opts(f, "restrict", &res);
	assert_true(res.opts.restricted);
	assert_false(res.opts.permit_port_forwarding || res.opts.permit_agent_forwarding ||
	             res.opts.permit_x11_forwarding || res.opts.permit_pty ||
	             res.opts.permit_user_rc);
	ak_opts_free(&res.opts);

	accept_opts(f, "restrict,pty", &res);
	assert_true(res.opts.permit_pty);
	assert_false(res.opts.permit_port_forwarding || res.opts.permit_agent_forwarding ||
	             res.opts.permit_x11_forwarding || res.opts.permit_user_rc);
	ak_opts_free(&res.opts);

	accept_opts(f, "RESTRICT,port-forwarding,Agent-Forwarding,X11-forwarding,user-rc,pty",
	            &res);
	assert_true(res.opts.restricted);
	assert_true(res.opts.permit_port_forwarding && res.opts.permit_agent_forwarding &&
	            res.opts.permit_x11_forwarding && res.opts.permit_pty &&
	            res.opts.permit_user_rc);
	ak_opts_free(&res.opts);

	/* restrict applies where it stands: an earlier pty is undone. */
	accept_opts(f, "pty,restrict", &res);
	assert_false(res.opts.permit_pty);
	ak_opts_free(&res.opts);

	static const char *const no[] = {"no-port-forwarding", "no-agent-forwarding",
	                                 "no-X11-forwarding", "no-pty", "no-user-rc"};
	for (size_t i = 0; i < 5; i++) {
		accept_opts(f, no[i], &res);
		bool v[5] = {res.opts.permit_port_forwarding, res.opts.permit_agent_forwarding,
		             res.opts.permit_x11_forwarding, res.opts.permit_pty,
		             res.opts.permit_user_rc};
		for (size_t j = 0; j < 5; j++)
			assert_int_equal(v[j], i != j);
		assert_false(res.opts.restricted);
		ak_opts_free(&res.opts);
	}
	accept_opts(f, "no-pty,pty", &res);
	assert_true(res.opts.permit_pty);
	ak_opts_free(&res.opts);

	accept_opts(f, "no-touch-required,verify-required", &res);
	assert_true(res.opts.no_touch_required && res.opts.verify_required);
	ak_opts_free(&res.opts);
}

static void test_quoting(void **state)
{
	struct fix *f = *state;
	struct ak_result res;

	accept_opts(f, "command=\"echo \\\"hi there\\\", \\n \\\\ done\"", &res);
	/* \" is a quote; any other backslash stays. */
	assert_string_equal(res.opts.command, "echo \"hi there\", \\n \\\\ done");
	ak_opts_free(&res.opts);

	accept_opts(f, "restrict,command=\"dump /home\",pty", &res);
	assert_string_equal(res.opts.command, "dump /home");
	assert_true(res.opts.permit_pty);
	ak_opts_free(&res.opts);

	accept_opts(f, "command=\"\"", &res);
	assert_string_equal(res.opts.command, "");
	ak_opts_free(&res.opts);

	/* \" always stands for a quote, so a value cannot end in a
	 * backslash: this quote is unterminated and the key not found. */
	struct notes n0 = {0};
	struct ak_query q0 = query(f->key, &n0);
	assert_int_equal(find_with(f, "command=\"a\\\\\"", &q0, &res), SLC_ERR_NOT_FOUND);
	ak_opts_free(&res.opts);

	reject_opts(f, "command=ls", "needs a \"quoted\" value");
	reject_opts(f, "command=\"a\"b", "followed by junk");
	reject_opts(f, "command=\"a\",command=\"b\"", "more than once");
	reject_opts(f, "no-pty=\"x\"", "takes no value");
	reject_opts(f, "restrict,", "empty option");
	reject_opts(f, ",restrict", "empty option");
	reject_opts(f, "restrict,,pty", "empty option");
	reject_opts(f, "frobnicate", "option \"frobnicate\" unknown option");
	reject_opts(f, "restrict,no-pty,frob\x01nicate", "\"frob?nicate\"");
	reject_opts(f, "command", "needs a \"quoted\" value");
	reject_opts(f, "command=", "needs a \"quoted\" value");

	/* An unterminated quote hides the key: not even found. */
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	assert_int_equal(find_with(f, "command=\"ls", &q, &res), SLC_ERR_NOT_FOUND);
	assert_int_equal(n.n, 1);
	assert_int_equal(n.matched, 0);
	ak_opts_free(&res.opts);
}

static void test_environment(void **state)
{
	struct fix *f = *state;
	struct ak_result res;

	accept_opts(f, "environment=\"A=1\",environment=\"B_2=x y=z\",environment=\"A=2\"", &res);
	assert_int_equal(res.opts.nenv, 2);
	assert_string_equal(res.opts.env[0], "A=1");
	assert_string_equal(res.opts.env[1], "B_2=x y=z");
	ak_opts_free(&res.opts);
	accept_opts(f, "environment=\"EMPTY=\"", &res);
	assert_string_equal(res.opts.env[0], "EMPTY=");
	ak_opts_free(&res.opts);

	reject_opts(f, "environment=\"=x\"", "NAME=value");
	reject_opts(f, "environment=\"NOEQUALS\"", "NAME=value");
	reject_opts(f, "environment=\"A B=1\"", "NAME=value");
	reject_opts(f, "environment=\"A-B=1\"", "NAME=value");
}

static void test_permitopen_permitlisten(void **state)
{
	struct fix *f = *state;
	struct ak_result res;

	accept_opts(f,
	            "permitopen=\"192.0.2.1:80\",permitopen=\"[2001:db8::1]:25\","
	            "permitopen=\"host.example:*\"",
	            &res);
	assert_int_equal(res.opts.npermitopen, 3);
	assert_string_equal(res.opts.permitopen[0].host, "192.0.2.1");
	assert_int_equal(res.opts.permitopen[0].port, 80);
	assert_string_equal(res.opts.permitopen[1].host, "2001:db8::1");
	assert_int_equal(res.opts.permitopen[1].port, 25);
	assert_string_equal(res.opts.permitopen[2].host, "host.example");
	assert_int_equal(res.opts.permitopen[2].port, -1);
	ak_opts_free(&res.opts);

	accept_opts(f,
	            "permitlisten=\"localhost:8080\",permitlisten=\"[::1]:22000\","
	            "permitlisten=\"8443\",permitlisten=\"*.example:65535\"",
	            &res);
	assert_int_equal(res.opts.npermitlisten, 4);
	assert_string_equal(res.opts.permitlisten[0].host, "localhost");
	assert_int_equal(res.opts.permitlisten[0].port, 8080);
	assert_string_equal(res.opts.permitlisten[1].host, "::1");
	assert_int_equal(res.opts.permitlisten[1].port, 22000);
	assert_null(res.opts.permitlisten[2].host);
	assert_int_equal(res.opts.permitlisten[2].port, 8443);
	assert_string_equal(res.opts.permitlisten[3].host, "*.example");
	ak_opts_free(&res.opts);

	static const char *const bad_open[] = {"host",    "host:0", "host:65536",  "::1:22",
	                                       "[::1]22", ":80",    "host:8a",     "[]:80",
	                                       "[::1:80", "host:",  "host:123456", "host:-1"};
	char opt[128];
	for (size_t i = 0; i < sizeof(bad_open) / sizeof(bad_open[0]); i++) {
		snprintf(opt, sizeof(opt), "permitopen=\"%s\"", bad_open[i]);
		reject_opts(f, opt, "not a valid host and port");
	}
	reject_opts(f, "permitlisten=\"0\"", "not a valid host and port");
	reject_opts(f, "permitlisten=\"\"", "not a valid host and port");
	accept_opts(f, "permitlisten=\"*\"", &res);
	assert_int_equal(res.opts.permitlisten[0].port, -1);
	ak_opts_free(&res.opts);
}

static void test_from(void **state)
{
	struct fix *f = *state;
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);

	accept_opts(f, "from=\"192.0.2.0/24\"", &res);
	assert_string_equal(res.opts.from, "192.0.2.0/24");
	ak_opts_free(&res.opts);
	accept_opts(f, "from=\"10.0.0.0/8,192.0.2.5\"", &res);
	ak_opts_free(&res.opts);
	reject_opts(f, "from=\"10.0.0.0/8\"",
	            "not allowed from this host (host=(unknown), ip=192.0.2.5)");
	reject_opts(f, "from=\"192.0.2.0/24,!192.0.2.5\"", "not allowed");
	reject_opts(f, "from=\"!192.0.2.5\"", "not allowed");
	/* A broken network refuses the line outright. */
	reject_opts(f, "from=\"192.0.2.1/24\"", "bad options: option \"from\" has a malformed");
	reject_opts(f, "from=\"192.0.2.0/33,*\"", "malformed");
	reject_opts(f, "from=\"*\",from=\"*\"", "more than once");

	/* Names, when the server resolved one. */
	q.host = "client.dialup.example.com";
	assert_int_equal(find_with(f, "from=\"*.example.com,!*.dialup.example.com\"", &q, &res),
	                 SLC_ERR_DENIED);
	ak_opts_free(&res.opts);
	q.host = "Client.Office.Example.com";
	assert_int_equal(find_with(f, "from=\"*.example.com,!*.dialup.example.com\"", &q, &res), 0);
	ak_opts_free(&res.opts);
	/* Negated address beats an allowed name. */
	assert_int_equal(find_with(f, "from=\"*.example.com,!192.0.2.0/24\"", &q, &res),
	                 SLC_ERR_DENIED);
	assert_non_null(strstr(res.reason, "host=Client.Office.Example.com, ip=192.0.2.5"));
	ak_opts_free(&res.opts);

	/* IPv6 clients, and IPv4 clients seen through a dual-stack socket. */
	q.host = NULL;
	q.addr = "2001:db8:1::7";
	assert_int_equal(find_with(f, "from=\"2001:db8::/32\"", &q, &res), 0);
	ak_opts_free(&res.opts);
	assert_int_equal(find_with(f, "from=\"2001:db8::/32,!2001:db8:1::/48\"", &q, &res),
	                 SLC_ERR_DENIED);
	ak_opts_free(&res.opts);
	q.addr = "::ffff:192.0.2.5";
	assert_int_equal(find_with(f, "from=\"192.0.2.0/24\"", &q, &res), 0);
	ak_opts_free(&res.opts);
	assert_int_equal(find_with(f, "from=\"192.0.2.*\"", &q, &res), 0);
	ak_opts_free(&res.opts);
	q.addr = NULL;
	assert_int_equal(find_with(f, "from=\"*\"", &q, &res), SLC_ERR_DENIED);
	ak_opts_free(&res.opts);
}

static void test_expiry(void **state)
{
	struct fix *f = *state;
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);

	accept_opts(f, "expiry-time=\"20300101\"", &res);
	assert_true(res.opts.has_expiry);
	assert_int_equal(res.opts.expiry, 1893456000); /* 2030-01-01T00:00:00Z */
	ak_opts_free(&res.opts);
	accept_opts(f, "expiry-time=\"20240229123045Z\"", &res);
	assert_int_equal(res.opts.expiry, 1709209845);
	ak_opts_free(&res.opts);
	accept_opts(f, "expiry-time=\"202402291230\"", &res);
	assert_int_equal(res.opts.expiry, 1709209800);
	ak_opts_free(&res.opts);
	/* The earliest of several counts. */
	accept_opts(f, "expiry-time=\"20300101\",expiry-time=\"20290101\",expiry-time=\"20310101\"",
	            &res);
	assert_int_equal(res.opts.expiry, 1861920000);
	ak_opts_free(&res.opts);

	/* Local time: an hour east of UTC expires an hour earlier. */
	q.utc_offset = 3600;
	assert_int_equal(find_with(f, "expiry-time=\"20300101\"", &q, &res), 0);
	assert_int_equal(res.opts.expiry, 1893456000 - 3600);
	ak_opts_free(&res.opts);
	assert_int_equal(find_with(f, "expiry-time=\"20300101Z\"", &q, &res), 0);
	assert_int_equal(res.opts.expiry, 1893456000);
	ak_opts_free(&res.opts);

	/* Refused strictly after the time, accepted at it. */
	q.utc_offset = 0;
	q.now = 1893456000;
	assert_int_equal(find_with(f, "expiry-time=\"20300101\"", &q, &res), 0);
	ak_opts_free(&res.opts);
	q.now++;
	assert_int_equal(find_with(f, "expiry-time=\"20300101\"", &q, &res), SLC_ERR_DENIED);
	assert_non_null(strstr(res.reason, "expired"));
	ak_opts_free(&res.opts);
	reject_opts(f, "expiry-time=\"20231231235959Z\"", "expired");

	static const char *const bad[] = {"2020010",
	                                  "202001011",
	                                  "2020010112",
	                                  "20201301",
	                                  "20200001",
	                                  "20200100",
	                                  "20200230",
	                                  "21000229",
	                                  "20200101240000",
	                                  "20200101236000",
	                                  "20200101235960",
	                                  "2020-01-01",
	                                  "",
	                                  "Z",
	                                  "20200101ZZ",
	                                  "+0200101"};
	char opt[128];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(opt, sizeof(opt), "expiry-time=\"%s\"", bad[i]);
		reject_opts(f, opt, "YYYYMMDD");
	}
	accept_opts(f, "expiry-time=\"24000229\"", &res); /* 2400 is a leap year */
	ak_opts_free(&res.opts);
}

static void test_tunnel_principals_ca(void **state)
{
	struct fix *f = *state;
	struct ak_result res;

	accept_opts(f, "tunnel=\"0\",command=\"sh /etc/netstart tun0\"", &res);
	assert_int_equal(res.opts.tunnel, 0);
	ak_opts_free(&res.opts);
	accept_opts(f, "tunnel=\"2147483645\"", &res);
	assert_int_equal(res.opts.tunnel, 2147483645L);
	ak_opts_free(&res.opts);
	reject_opts(f, "tunnel=\"x\"", "tunnel device");
	reject_opts(f, "tunnel=\"-1\"", "tunnel device");
	reject_opts(f, "tunnel=\"2147483646\"", "tunnel device");
	reject_opts(f, "tunnel=\"99999999999\"", "tunnel device");
	reject_opts(f, "tunnel=\"1\",tunnel=\"2\"", "more than once");

	/* principals= means nothing without a CA, but is recognised. */
	accept_opts(f, "principals=\"user_a,user_b\"", &res);
	assert_string_equal(res.opts.principals, "user_a,user_b");
	ak_opts_free(&res.opts);
	/* A CA key is no user key: certificates are unsupported. */
	reject_opts(f, "cert-authority,no-touch-required,principals=\"user_a\"", "cert-authority");
}

static void test_refused_then_accepted(void **state)
{
	struct fix *f = *state;
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	char text[8192];

	snprintf(text, sizeof(text),
	         "from=\"10.0.0.0/8\" %s\nbogus-option %s\nrestrict,command=\"x\" %s\n", f->line,
	         f->line, f->line);
	assert_int_equal(ak_find(text, strlen(text), &q, &res), 0);
	assert_int_equal(res.line, 3);
	assert_string_equal(res.opts.command, "x");
	assert_string_equal(res.reason, "");
	assert_int_equal(n.matched, 2);
	ak_opts_free(&res.opts);

	/* Without the good line the last refusal is what is reported. */
	snprintf(text, sizeof(text), "from=\"10.0.0.0/8\" %s\nbogus-option %s\n", f->line, f->line);
	n = (struct notes){0};
	assert_int_equal(ak_find(text, strlen(text), &q, &res), SLC_ERR_DENIED);
	assert_string_equal(res.reason,
	                    "line 2: bad options: option \"bogus-option\" unknown option");
	assert_int_equal(n.last_line, 2);
	ak_opts_free(&res.opts);
}

static void test_malformed_lines(void **state)
{
	struct fix *f = *state;
	struct ak_result res;
	struct notes n = {0};
	struct ak_query q = query(f->key, &n);
	char text[16384], b64[1024], *sp;

	sp = strchr(f->line, ' ');
	snprintf(b64, sizeof(b64), "%s", sp + 1);
	size_t len = (size_t)snprintf(text, sizeof(text),
	                              "garbage\n" /* 1 */
	                              "ssh-ed25519\n" /* 2 */
	                              "ssh-ed25519 AAAA!!!\n" /* 3 */
	                              "ssh-rsa %s\n" /* 4: type disagrees */
	                              "ecdsa-sha2-nistp256 %s\n" /* 5 */
	                              "ssh-dss %s\n" /* 6: unsupported */
	                              "restrict sk-ssh-ed25519@openssh.com %s\n" /* 7 */
	                              "ssh-ed25519-cert-v01@openssh.com %s\n" /* 8 */
	                              "restrict\n" /* 9 */
	                              "restrict  \t  \n" /* 10 */
	                              "ssh-ed25519 %.20s\n" /* 11: truncated */
	                              "command=\"a b\" garbage %s\n" /* 12 */
	                              "ssh-ed25519 %sAAAA\n" /* 13: trailing bytes */
	                              "\"\n" /* 14 */
	                              "x~y %s\n", /* 15: NUL */
	                              b64, b64, b64, b64, b64, b64, b64, b64, b64);
	*strchr(text, '~') = '\0';
	assert_int_equal(ak_find(text, len, &q, &res), SLC_ERR_NOT_FOUND);
	assert_int_equal(n.matched, 0);
	ak_opts_free(&res.opts);

	/* After all that, a good line is still found. */
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\t command=\"a b\"\t%s\tc\n",
	                        f->line);
	assert_int_equal(ak_find(text, len, &q, &res), 0);
	assert_int_equal(res.line, 16);
	assert_string_equal(res.opts.command, "a b");
	ak_opts_free(&res.opts);
}

static void test_parse_options_direct(void **state)
{
	struct ak_opts o;
	char err[128];
	const char *s = "restrict,permitopen=\"h:1\",environment=\"X=1\"";

	ak_opts_init(&o);
	assert_int_equal(ak_parse_options(s, strlen(s), 0, &o, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(o.npermitopen, 1);
	ak_opts_free(&o);
	/* Only len bytes are read. */
	assert_int_equal(ak_parse_options(s, 8, 0, &o, err, sizeof(err)), 0);
	assert_true(o.restricted);
	assert_int_equal(o.npermitopen, 0);
	ak_opts_free(&o);
	assert_int_equal(ak_parse_options(s, 0, 0, &o, err, sizeof(err)), SLC_ERR_FORMAT);
	assert_string_equal(err, "empty options");
	assert_int_equal(ak_parse_options("pty\0x", 5, 0, &o, err, sizeof(err)), SLC_ERR_FORMAT);
	assert_int_equal(ak_parse_options("pty", 3, 0, &o, NULL, 0), 0);
	assert_int_equal(ak_parse_options("bad", 3, 0, &o, err, 4), SLC_ERR_FORMAT);
	assert_int_equal(strlen(err), 3);
	assert_int_equal(ak_parse_options("x", 1, 0, NULL, err, sizeof(err)), SLC_ERR_INVALID);
	ak_opts_free(&o);
	ak_opts_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain_key),
	        cmocka_unit_test(test_flags_and_restrict),
	        cmocka_unit_test(test_quoting),
	        cmocka_unit_test(test_environment),
	        cmocka_unit_test(test_permitopen_permitlisten),
	        cmocka_unit_test(test_from),
	        cmocka_unit_test(test_expiry),
	        cmocka_unit_test(test_tunnel_principals_ca),
	        cmocka_unit_test(test_refused_then_accepted),
	        cmocka_unit_test(test_malformed_lines),
	        cmocka_unit_test(test_parse_options_direct),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
