/* socks: every SOCKS4, SOCKS4a and SOCKS5 message the server side takes,
 * each fed whole, split at every byte boundary and one byte at a time
 * (the outcome must not depend on how the bytes arrive); every error with
 * the exact bytes sent before closing and the first byte that proves it;
 * client data after the request kept for the stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socks.h"

#define MAXMSG 1200

struct outcome {
	int rc; /* 0: request; SLC_ERR_AGAIN: still waiting; else the error */
	uint8_t sent[64];
	size_t nsent;
	struct socks_request req;
	size_t data_off; /* where the client's stream data starts (rc 0) */
	const char *why;
};

/* A connection's handshake: bytes arrive first bytes, then step bytes at
 * a time (0: all the rest). Like the I/O layer, keep unconsumed bytes and
 * feed them again with whatever arrives. */
static void drive(const uint8_t *s, size_t len, size_t first, size_t step, struct outcome *o)
{
	struct socks_state st;
	size_t consumed = 0, delivered = 0;

	memset(o, 0, sizeof(*o));
	o->rc = SLC_ERR_AGAIN;
	socks_init(&st);
	for (;;) {
		for (;;) {
			struct socks_result res;
			int r = socks_feed(&st, s + consumed, delivered - consumed, &res);
			if (r == SLC_ERR_AGAIN) {
				assert_int_equal(res.used, 0);
				assert_int_equal(res.reply_len, 0);
				assert_false(res.have_request);
				break;
			}
			assert_true(res.reply_len <= SOCKS_REPLY_MAX);
			assert_true(o->nsent + res.reply_len <= sizeof(o->sent));
			memcpy(o->sent + o->nsent, res.reply, res.reply_len);
			o->nsent += res.reply_len;
			if (r < 0) {
				assert_non_null(res.why);
				assert_false(res.have_request);
				o->rc = r;
				o->why = res.why;
				/* a failed handshake stays failed */
				assert_int_equal(socks_feed(&st, s, len, &res), SLC_ERR_INVALID);
				return;
			}
			assert_int_equal(r, 0);
			assert_true(res.used > 0 && res.used <= delivered - consumed);
			consumed += res.used;
			if (res.have_request) {
				o->req = res.req;
				o->data_off = consumed;
				o->rc = 0;
				assert_int_equal(
				        socks_feed(&st, s + consumed, len - consumed, &res),
				        SLC_ERR_INVALID);
				return;
			}
		}
		if (delivered == len)
			return;
		size_t n = delivered == 0 ? first : step;
		if (n == 0 || n > len - delivered)
			n = len - delivered;
		delivered += n;
	}
}

static void same_outcome(const struct outcome *a, const struct outcome *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->nsent, b->nsent);
	assert_memory_equal(a->sent, b->sent, a->nsent);
	assert_int_equal(a->data_off, b->data_off);
	assert_memory_equal(&a->req, &b->req, sizeof(a->req));
}

/* Whole, at every split, in 1-byte and 3-byte pieces: all the same. */
static void drive_all_ways(const uint8_t *s, size_t len, struct outcome *ref)
{
	struct outcome o;
	drive(s, len, 0, 0, ref);
	for (size_t cut = 1; cut <= len; cut++) {
		drive(s, len, cut, 0, &o);
		same_outcome(&o, ref);
	}
	drive(s, len, 1, 1, &o);
	same_outcome(&o, ref);
	drive(s, len, 2, 3, &o);
	same_outcome(&o, ref);
}

struct msg {
	uint8_t b[MAXMSG];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}
#define PUT(m, ...)                                                                                \
	do {                                                                                       \
		static const uint8_t b_[] = {__VA_ARGS__};                                         \
		put(m, b_, sizeof(b_));                                                            \
	} while (0)
static void put_fill(struct msg *m, uint8_t c, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memset(m->b + m->n, c, n);
	m->n += n;
}

static const uint8_t v5_ok[] = {0x05, 0x00};
static const uint8_t v5_no_method[] = {0x05, 0xff};
static const uint8_t v5_general[] = {0x05, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
static const uint8_t v5_cmd[] = {0x05, 0x07, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
static const uint8_t v5_atyp[] = {0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
static const uint8_t v4_rejected[] = {0x00, 0x5b, 0, 0, 0, 0, 0, 0};

/* Expect a request; the replies so far are greeting_reply (or none). */
static void expect_request(const struct msg *m, const uint8_t *greeting_reply, size_t glen,
                           size_t data_off, struct socks_request *req)
{
	struct outcome o;
	drive_all_ways(m->b, m->n, &o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.nsent, glen);
	if (glen)
		assert_memory_equal(o.sent, greeting_reply, glen);
	assert_int_equal(o.data_off, data_off);
	*req = o.req;
	/* every proper prefix of the handshake just waits */
	for (size_t k = 0; k < data_off; k++) {
		drive(m->b, k, 0, 0, &o);
		assert_int_equal(o.rc, SLC_ERR_AGAIN);
	}
}

/* Expect err, with reply bytes want (after any greeting reply), decided
 * by the first decide bytes: every shorter prefix waits. */
static void expect_error(const struct msg *m, int err, const uint8_t *want, size_t wlen,
                         size_t decide)
{
	struct outcome o;
	drive_all_ways(m->b, m->n, &o);
	assert_int_equal(o.rc, err);
	assert_int_equal(o.nsent, wlen);
	if (wlen)
		assert_memory_equal(o.sent, want, wlen);
	for (size_t k = 0; k < decide; k++) {
		drive(m->b, k, 0, 0, &o);
		assert_int_equal(o.rc, SLC_ERR_AGAIN);
	}
	drive(m->b, decide, 0, 0, &o);
	assert_int_equal(o.rc, err);
}

static void test_v5_ipv4(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x05, 0x01, 0x00);
	PUT(&m, 0x05, 0x01, 0x00, 0x01, 192, 0, 2, 1, 0x00, 0x50);
	expect_request(&m, v5_ok, 2, 13, &q);
	assert_int_equal(q.version, 5);
	assert_int_equal(q.atyp, SOCKS_ATYP_IPV4);
	assert_memory_equal(q.addr, ((uint8_t[]){192, 0, 2, 1}), 4);
	assert_int_equal(q.port, 80);
	char host[SOCKS_HOST_STRLEN];
	assert_int_equal(socks_request_host(&q, host, sizeof(host)), 0);
	assert_string_equal(host, "192.0.2.1");
	char tiny[4];
	assert_int_equal(socks_request_host(&q, tiny, sizeof(tiny)), SLC_ERR_LENGTH);
}

static void test_v5_ipv6_and_methods(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	/* several methods offered; "no authentication" is not first */
	PUT(&m, 0x05, 0x03, 0x02, 0x01, 0x00);
	PUT(&m, 0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	    0xff, 0xff);
	expect_request(&m, v5_ok, 2, 5 + 22, &q);
	assert_int_equal(q.atyp, SOCKS_ATYP_IPV6);
	assert_int_equal(q.port, 65535);
	char host[SOCKS_HOST_STRLEN];
	assert_int_equal(socks_request_host(&q, host, sizeof(host)), 0);
	assert_string_equal(host, "2001:db8::1");
}

static void test_v5_domain(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x05, 0x01, 0x00);
	PUT(&m, 0x05, 0x01, 0x00, 0x03, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g',
	    0x01, 0xbb);
	expect_request(&m, v5_ok, 2, 3 + 18, &q);
	assert_int_equal(q.atyp, SOCKS_ATYP_NAME);
	assert_string_equal(q.name, "example.org");
	assert_int_equal(q.port, 443);
	char host[SOCKS_HOST_STRLEN];
	assert_int_equal(socks_request_host(&q, host, sizeof(host)), 0);
	assert_string_equal(host, "example.org");
	char small[11];
	assert_int_equal(socks_request_host(&q, small, sizeof(small)), SLC_ERR_LENGTH);

	/* the longest name (255) and the shortest (1), port 0 */
	for (size_t len = 1; len <= 255; len += 254) {
		struct msg n = {0};
		PUT(&n, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x03);
		uint8_t l = (uint8_t)len;
		put(&n, &l, 1);
		put_fill(&n, 'a', len);
		PUT(&n, 0x00, 0x00);
		expect_request(&n, v5_ok, 2, 3 + 4 + 1 + len + 2, &q);
		assert_int_equal(strlen(q.name), len);
		assert_int_equal(q.port, 0);
		assert_int_equal(socks_request_host(&q, host, sizeof(host)), 0);
		assert_int_equal(strlen(host), len);
	}
}

/* RSV should be 0; a client that sends something else is still served. */
static void test_v5_rsv_ignored(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x7f, 0x01, 10, 0, 0, 1, 0, 22);
	expect_request(&m, v5_ok, 2, 13, &q);
	assert_int_equal(q.port, 22);
}

/* Bytes after the request are the client's data, whether they came with
 * the request or later. */
static void test_v5_pipelined_data(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x1f, 0x90);
	PUT(&m, 'G', 'E', 'T', ' ', '/', 0x05, 0x01, 0x00);
	expect_request(&m, v5_ok, 2, 13, &q);
	assert_int_equal(q.port, 8080);

	/* the stateless parser reports the same */
	struct socks_result res;
	assert_int_equal(socks5_parse_request(m.b + 3, m.n - 3, &res), 0);
	assert_int_equal(res.used, 10);
	assert_true(res.have_request);
	assert_int_equal(res.reply_len, 0);
	assert_int_equal(socks5_parse_greeting(m.b, m.n, &res), 0);
	assert_int_equal(res.used, 3);
	assert_int_equal(res.reply_len, 2);
	assert_false(res.have_request);
}

static void test_v5_greeting_errors(void **state)
{
	struct msg m = {0};
	/* zero methods: nothing to choose */
	PUT(&m, 0x05, 0x00, 0x05, 0x01, 0x00);
	expect_error(&m, SLC_ERR_PROTOCOL, v5_no_method, 2, 2);
	/* only username/password and GSSAPI */
	m.n = 0;
	PUT(&m, 0x05, 0x02, 0x02, 0x01);
	expect_error(&m, SLC_ERR_UNSUPPORTED, v5_no_method, 2, 4);
	/* all 255 methods but 0 */
	m.n = 0;
	PUT(&m, 0x05, 0xff);
	put_fill(&m, 0x80, 255);
	expect_error(&m, SLC_ERR_UNSUPPORTED, v5_no_method, 2, 257);
}

static void test_v5_request_errors(void **state)
{
	static const uint8_t bad_cmds[] = {0x00, 0x02, 0x03, 0x04, 0xff};
	static const uint8_t bad_atyps[] = {0x00, 0x02, 0x05, 0xff};
	uint8_t want[12];
	struct msg m;

	memcpy(want, v5_ok, 2);
	for (size_t i = 0; i < sizeof(bad_cmds); i++) {
		/* BIND, UDP ASSOCIATE and unknown commands: 0x07 */
		m.n = 0;
		PUT(&m, 0x05, 0x01, 0x00, 0x05);
		put(&m, &bad_cmds[i], 1);
		PUT(&m, 0x00, 0x01, 127, 0, 0, 1, 0, 80);
		memcpy(want + 2, v5_cmd, sizeof(v5_cmd));
		expect_error(&m, SLC_ERR_UNSUPPORTED, want, 12, 5);
	}
	for (size_t i = 0; i < sizeof(bad_atyps); i++) {
		m.n = 0;
		PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00);
		put(&m, &bad_atyps[i], 1);
		PUT(&m, 127, 0, 0, 1, 0, 80);
		memcpy(want + 2, v5_atyp, sizeof(v5_atyp));
		expect_error(&m, SLC_ERR_UNSUPPORTED, want, 12, 7);
	}
	memcpy(want + 2, v5_general, sizeof(v5_general));
	/* a request with another version */
	m.n = 0;
	PUT(&m, 0x05, 0x01, 0x00, 0x04, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0, 80);
	expect_error(&m, SLC_ERR_PROTOCOL, want, 12, 4);
	/* an empty domain name */
	m.n = 0;
	PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x03, 0x00, 0, 80);
	expect_error(&m, SLC_ERR_PROTOCOL, want, 12, 8);
	/* a NUL inside the name: would cut it short as a C string */
	m.n = 0;
	PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x03, 0x05, 'a', 'b', 0, 'c', 'd', 0, 80);
	expect_error(&m, SLC_ERR_PROTOCOL, want, 12, 13);
	/* a greeting and then a second greeting instead of a request: its
	 * "command" 0x01 is CONNECT, its "RSV" 0x00, its ATYP 0x05 unknown */
	m.n = 0;
	PUT(&m, 0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x05, 0x01);
	memcpy(want + 2, v5_atyp, sizeof(v5_atyp));
	expect_error(&m, SLC_ERR_UNSUPPORTED, want, 12, 7);
}

static void test_not_socks(void **state)
{
	static const uint8_t firsts[] = {0x00, 0x01, 0x03, 0x06, 'G', 0x16, 0xff};
	for (size_t i = 0; i < sizeof(firsts); i++) {
		struct msg m = {0};
		put(&m, &firsts[i], 1);
		PUT(&m, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0);
		expect_error(&m, SLC_ERR_PROTOCOL, NULL, 0, 1);
	}
	/* the stateless parsers check their own version byte */
	struct socks_result res;
	static const uint8_t v4[] = {0x04, 0x01, 0x00};
	static const uint8_t v5[] = {0x05, 0x01, 0x00, 0x01};
	assert_int_equal(socks5_parse_greeting(v4, sizeof(v4), &res), SLC_ERR_PROTOCOL);
	assert_int_equal(res.reply_len, 0);
	assert_int_equal(socks4_parse_request(v5, sizeof(v5), &res), SLC_ERR_PROTOCOL);
	assert_int_equal(res.reply_len, 0);
	assert_int_equal(socks5_parse_request(v4, sizeof(v4), &res), SLC_ERR_PROTOCOL);
	assert_int_equal(res.reply_len, 10);
	/* nothing yet */
	assert_int_equal(socks5_parse_greeting(v4, 0, &res), SLC_ERR_AGAIN);
	assert_int_equal(socks4_parse_request(v4, 0, &res), SLC_ERR_AGAIN);
	assert_int_equal(socks5_parse_request(v4, 0, &res), SLC_ERR_AGAIN);
}

static void test_v4(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x04, 0x01, 0x00, 0x16, 198, 51, 100, 7, 'a', 'l', 'i', 'c', 'e', 0x00);
	PUT(&m, 'S', 'S', 'H', '-');
	expect_request(&m, NULL, 0, 14, &q);
	assert_int_equal(q.version, 4);
	assert_int_equal(q.atyp, SOCKS_ATYP_IPV4);
	assert_memory_equal(q.addr, ((uint8_t[]){198, 51, 100, 7}), 4);
	assert_int_equal(q.port, 22);
	assert_string_equal(q.userid, "alice");
	assert_string_equal(q.name, "");

	/* empty user id */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 10, 1, 2, 3, 0x00);
	expect_request(&m, NULL, 0, 9, &q);
	assert_string_equal(q.userid, "");

	/* 0.0.0.0 is an address, not 4a */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 0, 0, 0, 0, 0x00, 'x', 0x00);
	expect_request(&m, NULL, 0, 9, &q);
	assert_int_equal(q.atyp, SOCKS_ATYP_IPV4);

	/* the longest user id */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 10, 1, 2, 3);
	put_fill(&m, 'u', SOCKS4_USERID_MAX);
	PUT(&m, 0x00);
	expect_request(&m, NULL, 0, 8 + 255 + 1, &q);
	assert_int_equal(strlen(q.userid), 255);
}

static void test_v4a(void **state)
{
	struct msg m = {0};
	struct socks_request q;
	PUT(&m, 0x04, 0x01, 0x01, 0xbb, 0, 0, 0, 1, 0x00);
	PUT(&m, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't', 0x00, 0x16, 0x03);
	expect_request(&m, NULL, 0, 21, &q);
	assert_int_equal(q.version, 4);
	assert_int_equal(q.atyp, SOCKS_ATYP_NAME);
	assert_string_equal(q.name, "example.net");
	assert_int_equal(q.port, 443);
	assert_memory_equal(q.addr, ((uint8_t[4]){0}), 4);
	char host[SOCKS_HOST_STRLEN];
	assert_int_equal(socks_request_host(&q, host, sizeof(host)), 0);
	assert_string_equal(host, "example.net");

	/* longest user id and host name together, DSTIP 0.0.0.255 */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 0, 0, 0, 255);
	put_fill(&m, 'u', 255);
	PUT(&m, 0x00);
	put_fill(&m, 'h', 255);
	PUT(&m, 0x00);
	expect_request(&m, NULL, 0, 8 + 256 + 256, &q);
	assert_int_equal(strlen(q.userid), 255);
	assert_int_equal(strlen(q.name), 255);
}

static void test_v4_errors(void **state)
{
	struct msg m;
	/* BIND and unknown commands */
	for (uint8_t cmd = 0; cmd < 4; cmd += 2) {
		m.n = 0;
		PUT(&m, 0x04);
		put(&m, &cmd, 1);
		PUT(&m, 0x00, 0x50, 10, 0, 0, 1, 0x00);
		expect_error(&m, SLC_ERR_UNSUPPORTED, v4_rejected, 8, 2);
	}
	/* a user id with no end: rejected once 256 bytes carry no NUL */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 10, 0, 0, 1);
	put_fill(&m, 'u', 1000);
	expect_error(&m, SLC_ERR_LENGTH, v4_rejected, 8, 8 + 256);
	/* 256 bytes then NUL: one too many */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 10, 0, 0, 1);
	put_fill(&m, 'u', 256);
	PUT(&m, 0x00);
	expect_error(&m, SLC_ERR_LENGTH, v4_rejected, 8, 8 + 256);
	/* 4a: empty host name */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 0, 0, 0, 9, 'u', 0x00, 0x00, 'x');
	expect_error(&m, SLC_ERR_PROTOCOL, v4_rejected, 8, 11);
	/* 4a: host name over 255 bytes */
	m.n = 0;
	PUT(&m, 0x04, 0x01, 0x00, 0x50, 0, 0, 0, 9, 0x00);
	put_fill(&m, 'h', 256);
	PUT(&m, 0x00);
	expect_error(&m, SLC_ERR_LENGTH, v4_rejected, 8, 9 + 256);
}

static void test_state_misuse(void **state)
{
	struct socks_state st;
	struct socks_result res;
	static const uint8_t req[] = {0x04, 0x01, 0x00, 0x50, 10, 0, 0, 1, 0x00};
	socks_init(&st);
	assert_int_equal(socks_feed(&st, req, 0, &res), SLC_ERR_AGAIN);
	assert_int_equal(socks_feed(&st, req, sizeof(req), &res), 0);
	assert_true(res.have_request);
	assert_int_equal(socks_feed(&st, req, sizeof(req), &res), SLC_ERR_INVALID);
	assert_int_equal(res.reply_len, 0);
	assert_int_equal(st.phase, SOCKS_PHASE_DONE);
	/* an incomplete message never changes the phase */
	socks_init(&st);
	assert_int_equal(socks_feed(&st, req, 5, &res), SLC_ERR_AGAIN);
	assert_int_equal(st.phase, SOCKS_PHASE_START);
}

static void test_replies(void **state)
{
	uint8_t out[SOCKS_REPLY_MAX];
	static const uint8_t ok5[] = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
	static const uint8_t refused5[] = {0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
	static const uint8_t ok4[] = {0x00, 0x5a, 0, 0, 0, 0, 0, 0};
	assert_int_equal(socks_build_reply(5, SOCKS5_REP_SUCCEEDED, out), 10);
	assert_memory_equal(out, ok5, 10);
	assert_int_equal(socks_build_reply(5, SOCKS5_REP_CONN_REFUSED, out), 10);
	assert_memory_equal(out, refused5, 10);
	assert_int_equal(socks_build_reply(4, SOCKS5_REP_SUCCEEDED, out), 8);
	assert_memory_equal(out, ok4, 8);
	for (int rep = 1; rep <= 8; rep++) {
		assert_int_equal(socks_build_reply(4, (uint8_t)rep, out), 8);
		assert_memory_equal(out, v4_rejected, 8);
	}
	assert_int_equal(socks_build_reply(3, 0, out), 0);
	assert_int_equal(socks_build_reply(0, 0, out), 0);

	static const uint8_t a4[4] = {192, 0, 2, 9};
	static const uint8_t bound4[] = {0x05, 0x00, 0x00, 0x01, 192, 0, 2, 9, 0x04, 0x38};
	assert_int_equal(socks5_build_reply_addr(0, SOCKS_ATYP_IPV4, a4, 1080, out), 10);
	assert_memory_equal(out, bound4, 10);
	static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	static const uint8_t bound6[] = {0x05, 0x04, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8,
	                                 0,    0,    0,    0,    0,    0,    0,    0,
	                                 0,    0,    0,    2,    0xff, 0xfe};
	assert_int_equal(socks5_build_reply_addr(SOCKS5_REP_HOST_UNREACHABLE, SOCKS_ATYP_IPV6, a6,
	                                         65534, out),
	                 22);
	assert_memory_equal(out, bound6, 22);
	assert_int_equal(socks5_build_reply_addr(0, SOCKS_ATYP_NAME, a4, 1, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_v5_ipv4),
	        cmocka_unit_test(test_v5_ipv6_and_methods),
	        cmocka_unit_test(test_v5_domain),
	        cmocka_unit_test(test_v5_rsv_ignored),
	        cmocka_unit_test(test_v5_pipelined_data),
	        cmocka_unit_test(test_v5_greeting_errors),
	        cmocka_unit_test(test_v5_request_errors),
	        cmocka_unit_test(test_not_socks),
	        cmocka_unit_test(test_v4),
	        cmocka_unit_test(test_v4a),
	        cmocka_unit_test(test_v4_errors),
	        cmocka_unit_test(test_state_misuse),
	        cmocka_unit_test(test_replies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
