/* The connection protocol (RFC 4254) between a client core and a server
 * core wired together in memory (real key exchange and ciphers, userauth
 * faked by setting c->authenticated), plus a raw peer that speaks clear
 * packets to one core for every hostile case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "conn_int.h"

static struct slc_rng rng;
static struct sshkey *hostkey;

/* ---- event log ---- */

struct rec {
	int type;
	uint32_t id, code, seq, window, max_packet;
	bool want_reply;
	void *user;
	char name[80];
	char text[256];
	uint8_t data[256];
	size_t len;
};

#define RING 64

struct side;
typedef void (*hook_fn)(struct side *s, const struct ssh_event *ev);

struct side {
	struct ssh_conn *c;
	struct rec ring[RING];
	unsigned n;
	unsigned count[128];
	hook_fn hook;
	void *ctx;
	bool auto_consume;
};

static void record(struct side *s, const struct ssh_event *ev)
{
	struct rec *r = &s->ring[s->n++ % RING];
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	if (ev->type >= 0 && ev->type < 128)
		s->count[ev->type]++;
	if (ev->type == SSH_EV_DISCONNECT) {
		snprintf(r->text, sizeof(r->text), "%s", ev->disconnect.text);
		r->code = ev->disconnect.reason;
		return;
	}
	if (ev->type < SSH_EV_CHAN_FIRST || ev->type > SSH_EV_CHAN_LAST)
		return;
	const struct ssh_chan_event *e = &ev->chan;
	r->id = e->id;
	r->code = e->code;
	r->seq = e->seq;
	r->window = e->window;
	r->max_packet = e->max_packet;
	r->want_reply = e->want_reply;
	r->user = e->user;
	if (e->name)
		snprintf(r->name, sizeof(r->name), "%s", e->name);
	if (e->text)
		snprintf(r->text, sizeof(r->text), "%s", e->text);
	r->len = e->len;
	if (e->len)
		memcpy(r->data, e->data, e->len < sizeof(r->data) ? e->len : sizeof(r->data));
}

static bool drain(struct side *s)
{
	struct ssh_event ev;
	bool any = false;
	while (ssh_conn_next_event(s->c, &ev)) {
		any = true;
		if (ev.type == SSH_EV_HOSTKEY)
			ssh_conn_hostkey_verdict(s->c, true, NULL);
		if (s->hook)
			s->hook(s, &ev);
		if (s->auto_consume &&
		    (ev.type == SSH_EV_CHAN_DATA || ev.type == SSH_EV_CHAN_EXTENDED_DATA))
			assert_int_equal(ssh_chan_consume(s->c, ev.chan.id, ev.chan.len), 0);
		record(s, &ev);
	}
	return any;
}

/* The most recent event of a type (NULL if none in the ring). */
static struct rec *last(struct side *s, int type)
{
	unsigned lo = s->n > RING ? s->n - RING : 0;
	for (unsigned i = s->n; i > lo; i--)
		if (s->ring[(i - 1) % RING].type == type)
			return &s->ring[(i - 1) % RING];
	return NULL;
}

/* The k-th event from the end (0: the last). */
static struct rec *back(struct side *s, unsigned k)
{
	assert_true(k < s->n && k < RING);
	return &s->ring[(s->n - 1 - k) % RING];
}

/* ---- a client core and a server core ---- */

struct pair {
	struct side cl, sv;
	void (*step)(struct pair *p);
	void *ctx;
};

/* All of one side's output to the other, fed in pieces no larger than a
 * core takes unprocessed, with its events handled in between. (Consuming
 * output only in part would be more realistic, but packet_end() does not
 * survive the buffer compaction that follows: see the report.) */
static bool move(struct side *from, struct side *to)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(from->c, &n);
	if (n == 0)
		return false;
	uint8_t *copy = malloc(n);
	memcpy(copy, p, n);
	ssh_conn_consume_output(from->c, n);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 512 * 1024 ? n - off : 512 * 1024;
		assert_int_equal(ssh_conn_feed(to->c, copy + off, k, 0), 0);
		off += k;
		if (off < n)
			drain(to);
	}
	free(copy);
	return true;
}

static void pump(struct pair *p)
{
	for (long i = 0; i < 10000000; i++) {
		if (p->step)
			p->step(p);
		bool a = move(&p->cl, &p->sv);
		bool b = drain(&p->sv);
		bool d = move(&p->sv, &p->cl);
		bool e = drain(&p->cl);
		if (!a && !b && !d && !e)
			return;
	}
	fail_msg("pump never settled");
}

static void pair_new(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	struct ssh_conn_config cc = {.rng = &rng};
	struct ssh_conn_config sc = {
	        .server = true, .rng = &rng, .hostkeys = &hostkey, .n_hostkeys = 1};
	assert_int_equal(ssh_conn_new(&cc, &p->cl.c), 0);
	assert_int_equal(ssh_conn_new(&sc, &p->sv.c), 0);
	assert_int_equal(ssh_conn_start(p->cl.c, 0), 0);
	assert_int_equal(ssh_conn_start(p->sv.c, 0), 0);
	pump(p);
	assert_int_equal(p->cl.count[SSH_EV_KEX_DONE], 1);
	assert_int_equal(ssh_conn_request_service(p->cl.c, "ssh-userauth"), 0);
	pump(p);
	assert_int_equal(p->cl.count[SSH_EV_SERVICE_ACCEPT], 1);
	/* userauth is another module's: pretend it succeeded */
	p->cl.c->authenticated = true;
	p->sv.c->authenticated = true;
}

static void pair_del(struct pair *p)
{
	assert_int_equal(p->cl.count[SSH_EV_DISCONNECT], 0);
	assert_int_equal(p->sv.count[SSH_EV_DISCONNECT], 0);
	ssh_conn_del(p->cl.c);
	ssh_conn_del(p->sv.c);
}

/* Client opens a channel, the server confirms; returns both ids. */
static void open_pair(struct pair *p, const char *type, const struct ssh_chan_params *cp,
                      const struct ssh_chan_params *sp, uint32_t *cid, uint32_t *sid)
{
	assert_int_equal(ssh_chan_open(p->cl.c, type, cp, cid, NULL), 0);
	pump(p);
	struct rec *r = last(&p->sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_non_null(r);
	*sid = r->id;
	assert_int_equal(ssh_chan_confirm(p->sv.c, *sid, sp, NULL), 0);
	pump(p);
	r = last(&p->cl, SSH_EV_CHAN_OPEN_CONFIRMED);
	assert_non_null(r);
	assert_int_equal(r->id, *cid);
}

static uint32_t get_u32(const uint8_t *p)
{
	return buf_load_u32(p);
}

/* ---- tests: opening ---- */

static void test_open_confirm_reject(void **state)
{
	struct pair p;
	pair_new(&p);
	static int marker;
	struct buf *x;
	uint32_t cid, sid;
	struct ssh_chan_params cp = {.window = 65536, .max_packet = 16384};
	assert_int_equal(ssh_chan_open(p.cl.c, "direct-tcpip", &cp, &cid, &x), 0);
	assert_int_equal(buf_put_cstring(x, "example.org"), 0);
	assert_int_equal(buf_put_u32(x, 80), 0);
	assert_int_equal(buf_put_cstring(x, "127.0.0.1"), 0);
	assert_int_equal(buf_put_u32(x, 5555), 0);
	/* nothing else may be sent while a message is being built */
	size_t taken;
	assert_int_equal(ssh_chan_write(p.cl.c, cid, "x", 1, &taken), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), 0);
	assert_int_equal(ssh_chan_set_user(p.cl.c, cid, &marker), 0);
	assert_ptr_equal(ssh_chan_user(p.cl.c, cid), &marker);
	pump(&p);
	struct rec *r = last(&p.sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_non_null(r);
	assert_string_equal(r->name, "direct-tcpip");
	assert_int_equal(r->window, 65536);
	assert_int_equal(r->max_packet, 16384);
	assert_int_equal(r->len, 4 + 11 + 4 + 4 + 9 + 4);
	assert_memory_equal(r->data + 4, "example.org", 11);
	assert_int_equal(get_u32(r->data + 15), 80);
	sid = r->id;
	struct ssh_chan_info info;
	assert_int_equal(ssh_chan_info(p.sv.c, sid, &info), 0);
	assert_true(info.opening);
	struct ssh_chan_params sp = {.window = 100000, .max_packet = 2048};
	assert_int_equal(ssh_chan_confirm(p.sv.c, sid, &sp, NULL), 0);
	/* a second answer is out of place */
	assert_int_equal(ssh_chan_confirm(p.sv.c, sid, &sp, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_reject(p.sv.c, sid, 1, "x"), SLC_ERR_INVALID);
	pump(&p);
	r = last(&p.cl, SSH_EV_CHAN_OPEN_CONFIRMED);
	assert_non_null(r);
	assert_int_equal(r->id, cid);
	assert_ptr_equal(r->user, &marker);
	assert_int_equal(r->window, 100000);
	assert_int_equal(r->max_packet, 2048);
	assert_int_equal(ssh_chan_info(p.cl.c, cid, &info), 0);
	assert_true(info.open);
	assert_string_equal(info.type, "direct-tcpip");
	assert_int_equal(info.remote_window, 100000);
	assert_int_equal(info.local_window, 65536);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 100000);

	/* rejected, with a description that needs cleaning */
	uint32_t cid2;
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &cid2, NULL), 0);
	assert_int_not_equal(cid2, cid);
	pump(&p);
	r = last(&p.sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_int_equal(r->window, SSH_CHAN_DEFAULT_WINDOW);
	assert_int_equal(r->max_packet, SSH_CHAN_DEFAULT_MAX_PACKET);
	assert_int_equal(
	        ssh_chan_reject(p.sv.c, r->id, SSH_OPEN_CONNECT_FAILED, "no\x1b[31m route\n"), 0);
	assert_int_equal(ssh_chan_count(p.sv.c), 1);
	pump(&p);
	r = last(&p.cl, SSH_EV_CHAN_OPEN_FAILED);
	assert_non_null(r);
	assert_int_equal(r->id, cid2);
	assert_int_equal(r->code, SSH_OPEN_CONNECT_FAILED);
	assert_string_equal(r->text, "no?[31m route?");
	assert_int_equal(ssh_chan_count(p.cl.c), 1);
	assert_int_equal(ssh_chan_info(p.cl.c, cid2, &info), SLC_ERR_NOT_FOUND);

	/* an unusual type, confirmed with type-specific data */
	uint32_t cid3;
	assert_int_equal(ssh_chan_open(p.cl.c, "x-custom@example.com", NULL, &cid3, NULL), 0);
	assert_int_equal(cid3, cid2); /* the freed id comes back */
	pump(&p);
	r = last(&p.sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_string_equal(r->name, "x-custom@example.com");
	assert_int_equal(ssh_chan_confirm(p.sv.c, r->id, NULL, &x), 0);
	assert_int_equal(buf_put_u32(x, 7), 0);
	assert_int_equal(ssh_chan_msg_end(p.sv.c), 0);
	pump(&p);
	r = last(&p.cl, SSH_EV_CHAN_OPEN_CONFIRMED);
	assert_int_equal(r->id, cid3);
	assert_int_equal(r->len, 4);
	assert_int_equal(get_u32(r->data), 7);

	/* bad arguments */
	uint32_t id;
	struct ssh_chan_params bad = {.max_packet = 10};
	assert_int_equal(ssh_chan_open(p.cl.c, "", NULL, &id, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_open(p.cl.c, "a b", NULL, &id, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_open(p.cl.c, "session", &bad, &id, NULL), SLC_ERR_INVALID);
	bad.max_packet = SSH_CHAN_MAX_PACKET_LIMIT + 1;
	assert_int_equal(ssh_chan_open(p.cl.c, "session", &bad, &id, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_confirm(p.cl.c, cid, NULL, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_close(p.cl.c, 999), SLC_ERR_NOT_FOUND);
	assert_int_equal(ssh_chan_write(p.cl.c, 999, "x", 1, &taken), SLC_ERR_NOT_FOUND);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_write_end(p.cl.c, 0), SLC_ERR_INVALID);

	/* an open begun and abandoned leaves nothing behind */
	size_t before = ssh_chan_count(p.cl.c);
	unsigned reqs = p.sv.count[SSH_EV_CHAN_OPEN_REQUEST];
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &id, &x), 0);
	assert_int_equal(ssh_chan_count(p.cl.c), before + 1);
	ssh_chan_msg_abort(p.cl.c);
	assert_int_equal(ssh_chan_count(p.cl.c), before);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_OPEN_REQUEST], reqs);
	pair_del(&p);
}

/* Connection protocol calls before authentication are refused. */
static void test_before_auth(void **state)
{
	struct pair p;
	pair_new(&p);
	p.cl.c->authenticated = false;
	uint32_t id, seq;
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &id, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_global_request(p.cl.c, "x@y", true, &seq, NULL), SLC_ERR_INVALID);
	pair_del(&p);
}

/* ---- tests: data ---- */

static uint8_t gen(uint32_t seed, size_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u ^ seed;
	x ^= x >> 15;
	return (uint8_t)(x ^ (i >> 11));
}

struct flow {
	uint32_t id;
	size_t total, sent, rcvd;
	uint32_t seed_tx, seed_rx;
	size_t max_in, max_allowed;
	bool zero_copy, eof_sent, eof_rcvd;
	unsigned writable, data_events;
	size_t hold, pending;
	uint32_t code; /* 0: DATA, else extended data of this type */
};

static void flow_push(struct side *s, struct flow *f)
{
	while (f->sent < f->total) {
		if (f->zero_copy) {
			uint8_t *ptr;
			size_t room;
			int r = ssh_chan_write_begin(s->c, f->id, f->code, 5000, &ptr, &room);
			if (r == SLC_ERR_AGAIN)
				break;
			assert_int_equal(r, 0);
			assert_true(room > 0 && room <= 5000);
			size_t n = room < f->total - f->sent ? room : f->total - f->sent;
			/* as if recv() gave less than there was room for */
			if (n > 1 && (f->sent & 1))
				n--;
			for (size_t i = 0; i < n; i++)
				ptr[i] = gen(f->seed_tx, f->sent + i);
			assert_int_equal(ssh_chan_write_end(s->c, n), 0);
			f->sent += n;
		} else {
			uint8_t tmp[20000];
			size_t n =
			        sizeof(tmp) < f->total - f->sent ? sizeof(tmp) : f->total - f->sent;
			for (size_t i = 0; i < n; i++)
				tmp[i] = gen(f->seed_tx, f->sent + i);
			size_t taken;
			int r = f->code ? ssh_chan_write_ext(s->c, f->id, f->code, tmp, n, &taken)
			                : ssh_chan_write(s->c, f->id, tmp, n, &taken);
			assert_int_equal(r, 0);
			f->sent += taken;
			if (taken < n)
				break;
		}
	}
	if (f->sent == f->total && !f->eof_sent) {
		assert_int_equal(ssh_chan_eof(s->c, f->id), 0);
		f->eof_sent = true;
	}
}

static void flow_hook(struct side *s, const struct ssh_event *ev)
{
	struct flow *f = s->ctx;
	switch (ev->type) {
	case SSH_EV_CHAN_DATA:
	case SSH_EV_CHAN_EXTENDED_DATA: {
		const struct ssh_chan_event *e = &ev->chan;
		assert_int_equal(e->id, f->id);
		assert_int_equal(ev->type == SSH_EV_CHAN_EXTENDED_DATA ? e->code : 0, f->code);
		for (size_t i = 0; i < e->len; i++)
			if (e->data[i] != gen(f->seed_rx, f->rcvd + i))
				fail_msg("byte %zu differs", f->rcvd + i);
		f->rcvd += e->len;
		f->data_events++;
		if (e->len > f->max_in)
			f->max_in = e->len;
		f->pending += e->len;
		if (f->pending >= f->hold) {
			assert_int_equal(ssh_chan_consume(s->c, f->id, f->pending), 0);
			f->pending = 0;
		}
		break;
	}
	case SSH_EV_CHAN_WRITABLE:
		f->writable++;
		break;
	case SSH_EV_CHAN_EOF:
		f->eof_rcvd = true;
		break;
	default:
		break;
	}
}

struct flows {
	struct flow cf, sf;
	bool rekeyed;
};

static void flows_step(struct pair *p)
{
	struct flows *fl = p->ctx;
	flow_push(&p->cl, &fl->cf);
	flow_push(&p->sv, &fl->sf);
	/* a key re-exchange in the middle: packets are deferred meanwhile */
	if (!fl->rekeyed && fl->cf.sent > fl->cf.total / 2) {
		fl->rekeyed = true;
		assert_int_equal(ssh_conn_rekey(p->cl.c), 0);
	}
}

static void run_flows(bool zero_copy, uint32_t code)
{
	struct pair p;
	pair_new(&p);
	struct ssh_chan_params cp = {.window = 10000, .max_packet = 1000};
	struct ssh_chan_params sp = {.window = 7777, .max_packet = 512};
	uint32_t cid, sid;
	open_pair(&p, "session", &cp, &sp, &cid, &sid);
	struct flows fl;
	memset(&fl, 0, sizeof(fl));
	const size_t mb3 = 3 * 1024 * 1024 + 123;
	fl.cf = (struct flow){.id = cid,
	                      .total = mb3,
	                      .seed_tx = 1,
	                      .seed_rx = 2,
	                      .zero_copy = zero_copy,
	                      .hold = 3000,
	                      .code = code};
	fl.sf = (struct flow){
	        .id = sid, .total = mb3 - 77, .seed_tx = 2, .seed_rx = 1, .hold = 1, .code = code};
	p.cl.hook = flow_hook;
	p.cl.ctx = &fl.cf;
	p.sv.hook = flow_hook;
	p.sv.ctx = &fl.sf;
	p.ctx = &fl;
	p.step = flows_step;
	unsigned kex_before = p.cl.count[SSH_EV_KEX_DONE];
	pump(&p);
	p.step = NULL;
	assert_int_equal(fl.cf.sent, fl.cf.total);
	assert_int_equal(fl.sf.sent, fl.sf.total);
	assert_int_equal(fl.sf.rcvd, fl.cf.total);
	assert_int_equal(fl.cf.rcvd, fl.sf.total);
	assert_true(fl.cf.eof_rcvd && fl.sf.eof_rcvd);
	/* packets never exceed what each side asked for */
	assert_true(fl.sf.max_in <= 512);
	assert_true(fl.cf.max_in <= 1000);
	/* small windows: the writers waited for adjusts many times */
	assert_true(fl.cf.writable > 100);
	assert_true(fl.sf.writable > 100);
	assert_int_equal(p.cl.count[SSH_EV_KEX_DONE], kex_before + 1);
	/* close both ways */
	assert_int_equal(ssh_chan_close(p.cl.c, cid), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 1);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 1);
	assert_int_equal(ssh_chan_count(p.cl.c), 0);
	assert_int_equal(ssh_chan_count(p.sv.c), 0);
	pair_del(&p);
}

static void test_data_small_windows(void **state)
{
	run_flows(false, 0);
}

static void test_data_zero_copy(void **state)
{
	run_flows(true, 0);
}

static void test_extended_data(void **state)
{
	run_flows(false, SSH_EXTENDED_DATA_STDERR);
	run_flows(true, SSH_EXTENDED_DATA_STDERR);
}

/* Writes stop when the window is used up and resume once the other side
 * has consumed half of it. */
static void test_window_stop_resume(void **state)
{
	struct pair p;
	pair_new(&p);
	struct ssh_chan_params sp = {.window = 50000, .max_packet = 4096};
	uint32_t cid, sid;
	open_pair(&p, "direct-tcpip", NULL, &sp, &cid, &sid);
	static uint8_t big[100000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = gen(9, i);
	size_t taken;
	assert_int_equal(ssh_chan_write(p.cl.c, cid, big, sizeof(big), &taken), 0);
	assert_int_equal(taken, 50000);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 0);
	assert_int_equal(ssh_chan_write(p.cl.c, cid, big, 10, &taken), 0);
	assert_int_equal(taken, 0);
	uint8_t *ptr;
	size_t room;
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 100, &ptr, &room), SLC_ERR_AGAIN);
	pump(&p);
	/* 50000 bytes in 4096-byte packets, nothing consumed yet */
	assert_int_equal(p.sv.count[SSH_EV_CHAN_DATA], 13);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_WRITABLE], 0);
	struct ssh_chan_info info;
	assert_int_equal(ssh_chan_info(p.sv.c, sid, &info), 0);
	assert_int_equal(info.local_window, 0);
	/* more than was received cannot be consumed */
	assert_int_equal(ssh_chan_consume(p.sv.c, sid, 50001), SLC_ERR_INVALID);
	/* just under half: no adjust yet */
	assert_int_equal(ssh_chan_consume(p.sv.c, sid, 24999), 0);
	pump(&p);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 0);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_WRITABLE], 0);
	assert_int_equal(ssh_chan_consume(p.sv.c, sid, 1), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_WRITABLE], 1);
	assert_int_equal(last(&p.cl, SSH_EV_CHAN_WRITABLE)->id, cid);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 25000);
	assert_int_equal(ssh_chan_write(p.cl.c, cid, big + 50000, 50000, &taken), 0);
	assert_int_equal(taken, 25000);
	/* zero-copy: room limited by the maximum packet, then by the window */
	assert_int_equal(ssh_chan_consume(p.sv.c, sid, 25000), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_WRITABLE], 2);
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 100000, &ptr, &room), 0);
	assert_int_equal(room, 4096);
	memcpy(ptr, big + 75000, 4096);
	/* a cancelled zero-copy packet leaves no trace */
	assert_int_equal(ssh_chan_write_end(p.cl.c, 0), 0);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 25000);
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 100000, &ptr, &room), 0);
	memcpy(ptr, big + 75000, 1000);
	assert_int_equal(ssh_chan_write_end(p.cl.c, room + 1), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_write_end(p.cl.c, 1000), 0);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 24000);
	unsigned before = p.sv.count[SSH_EV_CHAN_DATA];
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_DATA], before + 1);
	struct rec *r = last(&p.sv, SSH_EV_CHAN_DATA);
	assert_int_equal(r->len, 1000);
	assert_memory_equal(r->data, big + 75000, 256);
	pair_del(&p);
}

/* EOF from one side; data still flows the other way. */
static void test_eof_half_close(void **state)
{
	struct pair p;
	pair_new(&p);
	p.cl.auto_consume = p.sv.auto_consume = true;
	uint32_t cid, sid;
	open_pair(&p, "session", NULL, NULL, &cid, &sid);
	size_t taken;
	assert_int_equal(ssh_chan_write(p.cl.c, cid, "hello", 5, &taken), 0);
	assert_int_equal(ssh_chan_eof(p.cl.c, cid), 0);
	assert_int_equal(ssh_chan_eof(p.cl.c, cid), 0); /* idempotent */
	assert_int_equal(ssh_chan_write(p.cl.c, cid, "more", 4, &taken), SLC_ERR_CLOSED);
	assert_int_equal(taken, 0);
	uint8_t *ptr;
	size_t room;
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 4, &ptr, &room), SLC_ERR_CLOSED);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_EOF], 1);
	assert_int_equal(back(&p.sv, 0)->type, SSH_EV_CHAN_EOF);
	assert_int_equal(back(&p.sv, 1)->type, SSH_EV_CHAN_DATA);
	/* the server still talks, then sends exit-status after its EOF */
	assert_int_equal(ssh_chan_write(p.sv.c, sid, "world", 5, &taken), 0);
	assert_int_equal(ssh_chan_write_ext(p.sv.c, sid, 1, "oops", 4, &taken), 0);
	assert_int_equal(ssh_chan_eof(p.sv.c, sid), 0);
	struct buf *x;
	assert_int_equal(ssh_chan_request(p.sv.c, sid, "exit-status", false, NULL, &x), 0);
	assert_int_equal(buf_put_u32(x, 3), 0);
	assert_int_equal(ssh_chan_msg_end(p.sv.c), 0);
	assert_int_equal(ssh_chan_close(p.sv.c, sid), 0);
	assert_int_equal(ssh_chan_close(p.sv.c, sid), 0); /* idempotent */
	pump(&p);
	assert_int_equal(back(&p.cl, 4)->type, SSH_EV_CHAN_DATA);
	assert_memory_equal(back(&p.cl, 4)->data, "world", 5);
	assert_int_equal(back(&p.cl, 3)->type, SSH_EV_CHAN_EXTENDED_DATA);
	assert_int_equal(back(&p.cl, 3)->code, 1);
	assert_int_equal(back(&p.cl, 2)->type, SSH_EV_CHAN_EOF);
	assert_int_equal(back(&p.cl, 1)->type, SSH_EV_CHAN_REQUEST);
	assert_string_equal(back(&p.cl, 1)->name, "exit-status");
	assert_false(back(&p.cl, 1)->want_reply);
	assert_int_equal(get_u32(back(&p.cl, 1)->data), 3);
	assert_int_equal(back(&p.cl, 0)->type, SSH_EV_CHAN_CLOSE);
	assert_int_equal(back(&p.cl, 0)->code, 0);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 1);
	assert_int_equal(ssh_chan_count(p.cl.c), 0);
	assert_int_equal(ssh_chan_count(p.sv.c), 0);
	/* the ids are dead now */
	assert_int_equal(ssh_chan_close(p.cl.c, cid), SLC_ERR_NOT_FOUND);
	assert_int_equal(ssh_chan_consume(p.sv.c, sid, 0), SLC_ERR_NOT_FOUND);
	pair_del(&p);
}

/* The close handshake from either side, both at once, and while opening;
 * ids come back. */
static void test_close_and_reuse(void **state)
{
	struct pair p;
	pair_new(&p);
	p.cl.auto_consume = p.sv.auto_consume = true;
	uint32_t c[3], s[3];
	for (int i = 0; i < 3; i++)
		open_pair(&p, "session", NULL, NULL, &c[i], &s[i]);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[2], 2);
	/* client closes 1: the server's event, then the client's */
	assert_int_equal(ssh_chan_close(p.cl.c, c[1]), 0);
	size_t taken;
	assert_int_equal(ssh_chan_write(p.cl.c, c[1], "x", 1, &taken), SLC_ERR_CLOSED);
	assert_int_equal(ssh_chan_request(p.cl.c, c[1], "x", false, NULL, NULL), SLC_ERR_CLOSED);
	/* data the server sends before it sees our CLOSE is dropped */
	assert_int_equal(ssh_chan_write(p.sv.c, s[1], "late", 4, &taken), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 1);
	assert_int_equal(last(&p.sv, SSH_EV_CHAN_CLOSE)->id, s[1]);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 1);
	assert_int_equal(last(&p.cl, SSH_EV_CHAN_CLOSE)->id, c[1]);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_DATA], 0);
	assert_int_equal(ssh_chan_count(p.cl.c), 2);
	assert_int_equal(ssh_chan_count(p.sv.c), 2);
	/* the freed id is reused on both sides */
	uint32_t c1, s1;
	open_pair(&p, "session", NULL, NULL, &c1, &s1);
	assert_int_equal(c1, c[1]);
	assert_int_equal(s1, s[1]);
	/* both close channel 0 at once: one CLOSE event each */
	assert_int_equal(ssh_chan_close(p.cl.c, c[0]), 0);
	assert_int_equal(ssh_chan_close(p.sv.c, s[0]), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 2);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 2);
	/* server closes 2 */
	assert_int_equal(ssh_chan_close(p.sv.c, s[2]), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 3);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 3);
	assert_int_equal(last(&p.cl, SSH_EV_CHAN_CLOSE)->id, c[2]);
	/* closed while opening, then confirmed: closed right away */
	uint32_t id;
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &id, NULL), 0);
	assert_int_equal(ssh_chan_close(p.cl.c, id), 0);
	assert_int_equal(ssh_chan_write(p.cl.c, id, "x", 1, &taken), SLC_ERR_INVALID);
	pump(&p);
	struct rec *r = last(&p.sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_int_equal(ssh_chan_close(p.sv.c, r->id), SLC_ERR_INVALID); /* reject it instead */
	assert_int_equal(ssh_chan_confirm(p.sv.c, r->id, NULL, NULL), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_OPEN_CONFIRMED], 4);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 4);
	assert_int_equal(last(&p.cl, SSH_EV_CHAN_CLOSE)->id, id);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_CLOSE], 4);
	/* closed while opening, then rejected: OPEN_FAILED is the end */
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &id, NULL), 0);
	assert_int_equal(ssh_chan_close(p.cl.c, id), 0);
	pump(&p);
	r = last(&p.sv, SSH_EV_CHAN_OPEN_REQUEST);
	assert_int_equal(ssh_chan_reject(p.sv.c, r->id, SSH_OPEN_RESOURCE_SHORTAGE, NULL), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_OPEN_FAILED], 1);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_CLOSE], 4);
	assert_int_equal(ssh_chan_count(p.cl.c), 1);
	assert_int_equal(ssh_chan_count(p.sv.c), 1);
	pair_del(&p);
}

/* During a key exchange messages are deferred; building in place and
 * cancelling must work there too. */
static void test_build_during_kex(void **state)
{
	struct pair p;
	pair_new(&p);
	p.cl.auto_consume = p.sv.auto_consume = true;
	uint32_t cid, sid;
	open_pair(&p, "x-custom@example.com", NULL, NULL, &cid, &sid);
	unsigned kex = p.cl.count[SSH_EV_KEX_DONE];
	assert_int_equal(ssh_conn_rekey(p.cl.c), 0);
	/* an open begun and abandoned */
	struct buf *x;
	uint32_t id;
	assert_int_equal(ssh_chan_open(p.cl.c, "direct-tcpip", NULL, &id, &x), 0);
	assert_int_equal(buf_put_cstring(x, "abandoned"), 0);
	ssh_chan_msg_abort(p.cl.c);
	/* a zero-copy packet cancelled, then one sent */
	uint8_t *ptr;
	size_t room, taken;
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 10, &ptr, &room), 0);
	memcpy(ptr, "cancelled!", 10);
	assert_int_equal(ssh_chan_write_end(p.cl.c, 0), 0);
	assert_int_equal(ssh_chan_write_begin(p.cl.c, cid, 0, 10, &ptr, &room), 0);
	memcpy(ptr, "zero-copy!", 10);
	assert_int_equal(ssh_chan_write_end(p.cl.c, 9), 0);
	assert_int_equal(ssh_chan_write(p.cl.c, cid, "+copy", 5, &taken), 0);
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "exec", true, NULL, &x), 0);
	assert_int_equal(buf_put_cstring(x, "true"), 0);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), 0);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_KEX_DONE], kex + 1);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_OPEN_REQUEST], 1);
	assert_int_equal(back(&p.sv, 0)->type, SSH_EV_CHAN_REQUEST);
	assert_int_equal(back(&p.sv, 0)->len, 8);
	assert_int_equal(back(&p.sv, 1)->type, SSH_EV_CHAN_DATA);
	assert_memory_equal(back(&p.sv, 1)->data, "+copy", 5);
	assert_int_equal(back(&p.sv, 2)->type, SSH_EV_CHAN_DATA);
	assert_int_equal(back(&p.sv, 2)->len, 9);
	assert_memory_equal(back(&p.sv, 2)->data, "zero-copy", 9);
	assert_int_equal(ssh_chan_close(p.sv.c, sid), 0);
	pump(&p);
	assert_int_equal(ssh_chan_count(p.cl.c), 0);
	pair_del(&p);
}

/* Once the connection is over, every call says so. */
static void test_after_disconnect(void **state)
{
	struct pair p;
	pair_new(&p);
	uint32_t cid, sid, id;
	open_pair(&p, "session", NULL, NULL, &cid, &sid);
	ssh_conn_disconnect(p.cl.c, SSH_DISCONNECT_BY_APPLICATION, "bye");
	size_t taken;
	assert_int_equal(ssh_chan_open(p.cl.c, "session", NULL, &id, NULL), SLC_ERR_CLOSED);
	assert_int_equal(ssh_chan_write(p.cl.c, cid, "x", 1, &taken), SLC_ERR_CLOSED);
	assert_int_equal(ssh_chan_close(p.cl.c, cid), SLC_ERR_CLOSED);
	assert_int_equal(ssh_global_request(p.cl.c, "x@y", false, NULL, NULL), SLC_ERR_CLOSED);
	assert_int_equal(ssh_chan_writable(p.cl.c, cid), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_DISCONNECT], 1);
	p.cl.count[SSH_EV_DISCONNECT] = p.sv.count[SSH_EV_DISCONNECT] = 0;
	/* channels still in the table are freed with the connection */
	pair_del(&p);
}

/* ---- 10,000 channels ---- */

#ifndef MANY
#define MANY 10000
#endif

struct many {
	unsigned confirmed, echoed, closed_c, closed_s;
};

static void many_server(struct side *s, const struct ssh_event *ev)
{
	struct many *m = s->ctx;
	size_t taken;
	switch (ev->type) {
	case SSH_EV_CHAN_OPEN_REQUEST:
		assert_int_equal(ssh_chan_confirm(s->c, ev->chan.id, NULL, NULL), 0);
		break;
	case SSH_EV_CHAN_DATA:
		/* echo, then close */
		assert_int_equal(ssh_chan_consume(s->c, ev->chan.id, ev->chan.len), 0);
		assert_int_equal(
		        ssh_chan_write(s->c, ev->chan.id, ev->chan.data, ev->chan.len, &taken), 0);
		assert_int_equal(taken, ev->chan.len);
		assert_int_equal(ssh_chan_close(s->c, ev->chan.id), 0);
		m->echoed++;
		break;
	case SSH_EV_CHAN_CLOSE:
		m->closed_s++;
		break;
	default:
		break;
	}
}

static void many_client(struct side *s, const struct ssh_event *ev)
{
	struct many *m = s->ctx;
	size_t taken;
	char msg[32];
	switch (ev->type) {
	case SSH_EV_CHAN_OPEN_CONFIRMED:
		m->confirmed++;
		assert_int_equal((uintptr_t)ev->chan.user, ev->chan.id + 1);
		snprintf(msg, sizeof(msg), "channel %u", ev->chan.id);
		assert_int_equal(ssh_chan_write(s->c, ev->chan.id, msg, strlen(msg), &taken), 0);
		break;
	case SSH_EV_CHAN_DATA:
		snprintf(msg, sizeof(msg), "channel %u", ev->chan.id);
		assert_int_equal(ev->chan.len, strlen(msg));
		assert_memory_equal(ev->chan.data, msg, ev->chan.len);
		assert_int_equal(ssh_chan_consume(s->c, ev->chan.id, ev->chan.len), 0);
		break;
	case SSH_EV_CHAN_CLOSE:
		m->closed_c++;
		break;
	default:
		break;
	}
}

static void test_ten_thousand_channels(void **state)
{
	struct pair p;
	pair_new(&p);
	struct many m = {0};
	p.cl.hook = many_client;
	p.cl.ctx = &m;
	p.sv.hook = many_server;
	p.sv.ctx = &m;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < MANY; i++) {
		uint32_t id;
		assert_int_equal(ssh_chan_open(p.cl.c, "direct-tcpip", NULL, &id, NULL), 0);
		assert_int_equal(id, i);
		assert_int_equal(ssh_chan_set_user(p.cl.c, id, (void *)(uintptr_t)(id + 1)), 0);
	}
	assert_int_equal(ssh_chan_count(p.cl.c), MANY);
	/* all open at once on the server before any is answered */
	p.sv.hook = NULL;
	move(&p.cl, &p.sv);
	drain(&p.sv);
	assert_int_equal(ssh_chan_count(p.sv.c), MANY);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_OPEN_REQUEST], MANY);
	for (uint32_t i = 0; i < MANY; i++)
		assert_int_equal(ssh_chan_confirm(p.sv.c, i, NULL, NULL), 0);
	p.sv.hook = many_server;
	pump(&p);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(m.confirmed, MANY);
	assert_int_equal(m.echoed, MANY);
	assert_int_equal(m.closed_c, MANY);
	assert_int_equal(m.closed_s, MANY);
	assert_int_equal(ssh_chan_count(p.cl.c), 0);
	assert_int_equal(ssh_chan_count(p.sv.c), 0);
	print_message("%d channels opened, used and closed in %.3f s\n", MANY,
	              (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	pair_del(&p);
}

/* ---- tests: requests ---- */

struct req_log {
	uint32_t seqs[8];
	int n;
};

static void req_hook(struct side *s, const struct ssh_event *ev)
{
	struct req_log *l = s->ctx;
	if ((ev->type == SSH_EV_CHAN_REQUEST || ev->type == SSH_EV_GLOBAL_REQUEST) &&
	    ev->chan.want_reply && l->n < 8)
		l->seqs[l->n++] = ev->chan.seq;
}

static void test_channel_requests_in_order(void **state)
{
	struct pair p;
	pair_new(&p);
	struct req_log log = {0};
	p.sv.hook = req_hook;
	p.sv.ctx = &log;
	uint32_t cid, sid, seq[3];
	open_pair(&p, "session", NULL, NULL, &cid, &sid);
	struct buf *x;
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "env", false, NULL, &x), 0);
	assert_int_equal(buf_put_cstring(x, "LANG"), 0);
	assert_int_equal(buf_put_cstring(x, "C"), 0);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), 0);
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "pty-req", true, &seq[0], NULL), 0);
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "shell", true, &seq[1], NULL), 0);
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "exec", true, &seq[2], &x), 0);
	assert_int_equal(buf_put_cstring(x, "true"), 0);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), 0);
	assert_int_equal(seq[1], seq[0] + 1);
	assert_int_equal(seq[2], seq[1] + 1);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_CHAN_REQUEST], 4);
	assert_string_equal(back(&p.sv, 3)->name, "env");
	assert_false(back(&p.sv, 3)->want_reply);
	assert_int_equal(back(&p.sv, 3)->len, 4 + 4 + 4 + 1);
	assert_string_equal(back(&p.sv, 0)->name, "exec");
	assert_int_equal(log.n, 3);
	/* answered out of order: nothing goes out until the first is */
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[2], true), 0);
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[1], true), 0);
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[1], true), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[2] + 1, true), SLC_ERR_INVALID);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_CHAN_SUCCESS] + p.cl.count[SSH_EV_CHAN_FAILURE], 0);
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[0], false), 0);
	pump(&p);
	assert_int_equal(back(&p.cl, 2)->type, SSH_EV_CHAN_FAILURE);
	assert_int_equal(back(&p.cl, 2)->seq, seq[0]);
	assert_int_equal(back(&p.cl, 1)->type, SSH_EV_CHAN_SUCCESS);
	assert_int_equal(back(&p.cl, 1)->seq, seq[1]);
	assert_int_equal(back(&p.cl, 0)->type, SSH_EV_CHAN_SUCCESS);
	assert_int_equal(back(&p.cl, 0)->seq, seq[2]);
	assert_int_equal(back(&p.cl, 0)->id, cid);
	/* everything answered: a further reply is out of place */
	assert_int_equal(ssh_chan_reply(p.sv.c, sid, log.seqs[2] + 1, true), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_request(p.cl.c, cid, "bad name", true, NULL, NULL),
	                 SLC_ERR_INVALID);
	pair_del(&p);
}

static void test_global_requests(void **state)
{
	struct pair p;
	pair_new(&p);
	struct req_log log = {0};
	p.sv.hook = req_hook;
	p.sv.ctx = &log;
	uint32_t seq[3];
	struct buf *x;
	assert_int_equal(ssh_global_request(p.cl.c, "tcpip-forward", true, &seq[0], &x), 0);
	assert_int_equal(buf_put_cstring(x, "localhost"), 0);
	assert_int_equal(buf_put_u32(x, 0), 0);
	assert_int_equal(ssh_chan_msg_end(p.cl.c), 0);
	assert_int_equal(ssh_global_request(p.cl.c, "keepalive@openssh.com", true, &seq[1], NULL),
	                 0);
	assert_int_equal(
	        ssh_global_request(p.cl.c, "no-more-sessions@openssh.com", false, NULL, NULL), 0);
	assert_int_equal(ssh_global_request(p.cl.c, "x-data@example.com", true, &seq[2], NULL), 0);
	pump(&p);
	assert_int_equal(p.sv.count[SSH_EV_GLOBAL_REQUEST], 4);
	assert_string_equal(back(&p.sv, 3)->name, "tcpip-forward");
	assert_int_equal(back(&p.sv, 3)->len, 4 + 9 + 4);
	assert_string_equal(back(&p.sv, 1)->name, "no-more-sessions@openssh.com");
	assert_false(back(&p.sv, 1)->want_reply);
	assert_int_equal(log.n, 3);
	/* answers in reverse order, with data held for the last */
	assert_int_equal(ssh_global_reply(p.sv.c, log.seqs[2], true, "abc", 3), 0);
	assert_int_equal(ssh_global_reply_failure(p.sv.c, log.seqs[1]), 0);
	assert_int_equal(ssh_global_reply_failure(p.sv.c, log.seqs[1]), SLC_ERR_INVALID);
	pump(&p);
	assert_int_equal(p.cl.count[SSH_EV_GLOBAL_SUCCESS] + p.cl.count[SSH_EV_GLOBAL_FAILURE], 0);
	uint8_t port[4];
	buf_store_u32(port, 43210);
	assert_int_equal(ssh_global_reply(p.sv.c, log.seqs[0], true, port, 4), 0);
	pump(&p);
	struct rec *r = back(&p.cl, 2);
	assert_int_equal(r->type, SSH_EV_GLOBAL_SUCCESS);
	assert_int_equal(r->seq, seq[0]);
	assert_int_equal(r->len, 4);
	assert_int_equal(get_u32(r->data), 43210);
	r = back(&p.cl, 1);
	assert_int_equal(r->type, SSH_EV_GLOBAL_FAILURE);
	assert_int_equal(r->seq, seq[1]);
	r = back(&p.cl, 0);
	assert_int_equal(r->type, SSH_EV_GLOBAL_SUCCESS);
	assert_int_equal(r->seq, seq[2]);
	assert_int_equal(r->len, 3);
	assert_memory_equal(r->data, "abc", 3);
	assert_int_equal(ssh_global_reply(p.sv.c, log.seqs[2] + 1, true, NULL, 0), SLC_ERR_INVALID);
	/* the server asks too; a want_reply=false request gets no answer */
	assert_int_equal(ssh_global_request(p.sv.c, "hostkeys-00@openssh.com", false, NULL, NULL),
	                 0);
	assert_int_equal(ssh_global_request(p.sv.c, "keepalive@openssh.com", true, &seq[0], NULL),
	                 0);
	pump(&p);
	r = last(&p.cl, SSH_EV_GLOBAL_REQUEST);
	assert_string_equal(r->name, "keepalive@openssh.com");
	assert_true(r->want_reply);
	assert_int_equal(ssh_global_reply_failure(p.cl.c, r->seq), 0);
	pump(&p);
	assert_int_equal(last(&p.sv, SSH_EV_GLOBAL_FAILURE)->seq, seq[0]);
	pair_del(&p);
}

/* ---- a raw peer: clear packets to and from one core ---- */

struct raw {
	struct side s;
	struct ssh_packet to_core, from_core;
	uint8_t msg[PACKET_MAX_LEN];
	size_t msg_len;
};

static void raw_new(struct raw *r, bool server)
{
	memset(r, 0, sizeof(*r));
	struct ssh_conn_config cfg = {.server = server, .rng = &rng};
	assert_int_equal(ssh_conn_new(&cfg, &r->s.c), 0);
	assert_int_equal(ssh_conn_start(r->s.c, 0), 0);
	static const char v[] = "SSH-2.0-raw\r\n";
	assert_int_equal(ssh_conn_feed(r->s.c, (const uint8_t *)v, sizeof(v) - 1, 0), 0);
	size_t n;
	(void)ssh_conn_output(r->s.c, &n);
	ssh_conn_consume_output(r->s.c, n);
	/* as if keys were exchanged in the clear and the user authenticated */
	r->s.c->kex = KEX_IDLE;
	r->s.c->first_kex_done = true;
	r->s.c->service_accepted = true;
	r->s.c->authenticated = true;
	packet_init(&r->to_core, &rng);
	packet_init(&r->from_core, &rng);
}

static void raw_del(struct raw *r)
{
	ssh_conn_del(r->s.c);
	packet_free(&r->to_core);
	packet_free(&r->from_core);
}

/* Send one message built from fmt: b u8, u u32, s C string, d data+len as
 * a string, r raw bytes+len. Then let the core process it. */
static void raw_send(struct raw *r, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	buf_init(&b);
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		switch (*f) {
		case 'b':
			assert_int_equal(buf_put_u8(&b, (uint8_t)va_arg(ap, int)), 0);
			break;
		case 'u':
			assert_int_equal(buf_put_u32(&b, va_arg(ap, uint32_t)), 0);
			break;
		case 's':
			assert_int_equal(buf_put_cstring(&b, va_arg(ap, const char *)), 0);
			break;
		case 'd': {
			const void *p = va_arg(ap, const void *);
			assert_int_equal(buf_put_string(&b, p, va_arg(ap, size_t)), 0);
			break;
		}
		case 'r': {
			const void *p = va_arg(ap, const void *);
			assert_int_equal(buf_put(&b, p, va_arg(ap, size_t)), 0);
			break;
		}
		}
	}
	va_end(ap);
	assert_int_equal(packet_send(&r->to_core, buf_ptr(&b), buf_len(&b)), 0);
	buf_free(&b);
	size_t n;
	const uint8_t *p = packet_output(&r->to_core, &n);
	assert_int_equal(ssh_conn_feed(r->s.c, p, n, 0), 0);
	packet_consume_output(&r->to_core, n);
	drain(&r->s);
}

/* The next message the core sent: its type, with *m reading the rest. */
static bool raw_recv(struct raw *r, uint8_t *type, struct buf *m)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(r->s.c, &n);
	if (n) {
		assert_int_equal(packet_feed(&r->from_core, p, n), 0);
		ssh_conn_consume_output(r->s.c, n);
	}
	const uint8_t *pl;
	size_t len;
	int rc = packet_next(&r->from_core, &pl, &len);
	if (rc == SLC_ERR_AGAIN)
		return false;
	assert_int_equal(rc, 0);
	memcpy(r->msg, pl, len);
	r->msg_len = len;
	*type = r->msg[0];
	buf_init_view(m, r->msg + 1, len - 1);
	return true;
}

static struct buf raw_expect(struct raw *r, uint8_t type)
{
	uint8_t t;
	struct buf m;
	if (!raw_recv(r, &t, &m))
		fail_msg("expected message %u, got nothing", type);
	if (t != type)
		fail_msg("expected message %u, got %u", type, t);
	return m;
}

static void raw_nothing(struct raw *r)
{
	uint8_t t;
	struct buf m;
	if (raw_recv(r, &t, &m))
		fail_msg("expected silence, got message %u", t);
}

static uint32_t m_u32(struct buf *m)
{
	uint32_t v = 0;
	assert_int_equal(buf_get_u32(m, &v), 0);
	return v;
}

static void expect_disconnect(struct raw *r, const char *needle)
{
	struct rec *e = last(&r->s, SSH_EV_DISCONNECT);
	assert_non_null(e);
	if (!strstr(e->text, needle))
		fail_msg("disconnect said '%s', wanted '%s'", e->text, needle);
	assert_true(ssh_conn_closed(r->s.c));
	struct buf m = raw_expect(r, SSH_MSG_DISCONNECT);
	assert_int_equal(m_u32(&m), SSH_DISCONNECT_PROTOCOL_ERROR);
}

/* The channel ended by the core: CLOSE event with a reason, CLOSE sent. */
static void expect_chan_ended(struct raw *r, uint32_t id, uint32_t peer_id, const char *needle)
{
	struct rec *e = back(&r->s, 0);
	assert_int_equal(e->type, SSH_EV_CHAN_CLOSE);
	assert_int_equal(e->id, id);
	assert_int_equal(e->code, SSH_CHAN_CLOSE_ERROR);
	if (!strstr(e->text, needle))
		fail_msg("channel ended with '%s', wanted '%s'", e->text, needle);
	struct buf m = raw_expect(r, 97);
	assert_int_equal(m_u32(&m), peer_id);
	assert_false(ssh_conn_closed(r->s.c));
	/* the id is dead for the driver */
	size_t taken;
	assert_int_equal(ssh_chan_write(r->s.c, id, "x", 1, &taken), SLC_ERR_NOT_FOUND);
}

/* The raw peer opens a channel (its id peer_id) and the core confirms
 * with window 1000 and maximum packet 500. */
static uint32_t raw_open(struct raw *r, uint32_t peer_id, uint32_t win, uint32_t maxpkt)
{
	raw_send(r, "bsuuu", 90, "session", peer_id, win, maxpkt);
	struct rec *e = back(&r->s, 0);
	assert_int_equal(e->type, SSH_EV_CHAN_OPEN_REQUEST);
	struct ssh_chan_params p = {.window = 1000, .max_packet = 500};
	assert_int_equal(ssh_chan_confirm(r->s.c, e->id, &p, NULL), 0);
	struct buf m = raw_expect(r, 91);
	assert_int_equal(m_u32(&m), peer_id);
	assert_int_equal(m_u32(&m), e->id);
	assert_int_equal(m_u32(&m), 1000);
	assert_int_equal(m_u32(&m), 500);
	return e->id;
}

static void test_hostile_window_adjust_overflow(void **state)
{
	struct raw r;
	raw_new(&r, true);
	uint32_t id = raw_open(&r, 7, 100000, 32768);
	/* up to 2^32-1 exactly is fine */
	raw_send(&r, "buu", 93, id, UINT32_MAX - 100000);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_writable(r.s.c, id), UINT32_MAX);
	raw_send(&r, "buu", 93, id, 1);
	expect_chan_ended(&r, id, 7, "overflows");
	/* what the peer sends before it sees our CLOSE is dropped */
	unsigned n = r.s.n;
	raw_send(&r, "bud", 94, id, "abc", (size_t)3);
	raw_send(&r, "bu", 96, id);
	raw_send(&r, "busb", 98, id, "x", 1);
	raw_nothing(&r);
	assert_int_equal(r.s.n, n);
	assert_int_equal(ssh_chan_count(r.s.c), 1);
	/* its CLOSE frees the id without a second event */
	raw_send(&r, "bu", 97, id);
	raw_nothing(&r);
	assert_int_equal(r.s.n, n);
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	/* a second CLOSE names an unknown channel */
	raw_send(&r, "bu", 97, id);
	expect_disconnect(&r, "CHANNEL_CLOSE for unknown channel");
	raw_del(&r);
}

static void test_hostile_data_beyond_limits(void **state)
{
	struct raw r;
	raw_new(&r, true);
	static uint8_t junk[1000];
	/* beyond the maximum packet */
	uint32_t a = raw_open(&r, 1, 100000, 32768);
	raw_send(&r, "bud", 94, a, junk, (size_t)501);
	expect_chan_ended(&r, a, 1, "exceeds the maximum packet");
	/* beyond the window: 400 + 400 (shared by extended data) fit in
	 * 1000, the next 201 do not */
	uint32_t b = raw_open(&r, 2, 100000, 32768);
	assert_int_not_equal(a, b);
	raw_send(&r, "bud", 94, b, junk, (size_t)400);
	raw_send(&r, "buud", 95, b, 1, junk, (size_t)400);
	assert_int_equal(r.s.count[SSH_EV_CHAN_DATA], 1);
	assert_int_equal(r.s.count[SSH_EV_CHAN_EXTENDED_DATA], 1);
	raw_nothing(&r);
	raw_send(&r, "bud", 94, b, junk, (size_t)201);
	expect_chan_ended(&r, b, 2, "exceeds the window");
	/* after EOF */
	uint32_t c = raw_open(&r, 3, 100000, 32768);
	raw_send(&r, "bu", 96, c);
	assert_int_equal(back(&r.s, 0)->type, SSH_EV_CHAN_EOF);
	raw_send(&r, "bud", 94, c, junk, (size_t)1);
	expect_chan_ended(&r, c, 3, "after EOF");
	/* a second EOF */
	uint32_t d = raw_open(&r, 4, 100000, 32768);
	raw_send(&r, "bu", 96, d);
	raw_send(&r, "bu", 96, d);
	expect_chan_ended(&r, d, 4, "second CHANNEL_EOF");
	/* other channels are unaffected; consuming gives the window back */
	uint32_t e = raw_open(&r, 5, 100000, 32768);
	raw_send(&r, "bud", 94, e, junk, (size_t)500);
	raw_send(&r, "bud", 94, e, junk, (size_t)500);
	assert_int_equal(ssh_chan_consume(r.s.c, e, 499), 0);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_consume(r.s.c, e, 1), 0);
	struct buf m = raw_expect(&r, 93);
	assert_int_equal(m_u32(&m), 5);
	assert_int_equal(m_u32(&m), 500);
	assert_int_equal(ssh_chan_consume(r.s.c, e, 501), SLC_ERR_INVALID);
	assert_false(ssh_conn_closed(r.s.c));
	raw_del(&r);
}

static void test_hostile_unknown_ids(void **state)
{
	struct raw r;
	/* data for a channel that never existed */
	raw_new(&r, true);
	raw_send(&r, "bud", 94, 42, "x", (size_t)1);
	expect_disconnect(&r, "CHANNEL_DATA for unknown channel 42");
	raw_del(&r);
	/* a confirmation for a channel never opened */
	raw_new(&r, false);
	raw_send(&r, "buuuu", 91, 0, 9, 1000, 1000);
	expect_disconnect(&r, "CHANNEL_OPEN_CONFIRMATION for unknown channel 0");
	raw_del(&r);
	/* a message for a channel the peer opened and we did not answer */
	raw_new(&r, true);
	raw_send(&r, "bsuuu", 90, "session", 5, 1000, 1000);
	raw_send(&r, "buu", 93, back(&r.s, 0)->id, 10);
	expect_disconnect(&r, "not open");
	raw_del(&r);
	/* data on a channel after the close handshake */
	raw_new(&r, true);
	uint32_t id = raw_open(&r, 3, 1000, 1000);
	raw_send(&r, "bu", 97, id);
	assert_int_equal(back(&r.s, 0)->type, SSH_EV_CHAN_CLOSE);
	assert_int_equal(back(&r.s, 0)->code, 0);
	struct buf m = raw_expect(&r, 97);
	assert_int_equal(m_u32(&m), 3);
	raw_send(&r, "bud", 94, id, "x", (size_t)1);
	expect_disconnect(&r, "unknown channel");
	raw_del(&r);
}

static void test_hostile_max_packet(void **state)
{
	struct raw r;
	raw_new(&r, true);
	/* an open with maximum packet 0 is refused without the driver */
	raw_send(&r, "bsuuu", 90, "session", 9, 1000, 0);
	assert_int_equal(r.s.n, 0);
	struct buf m = raw_expect(&r, 92);
	assert_int_equal(m_u32(&m), 9);
	assert_int_equal(m_u32(&m), SSH_OPEN_ADMINISTRATIVELY_PROHIBITED);
	/* and a bad type name */
	raw_send(&r, "bsuuu", 90, "bad\ttype", 10, 1000, 1000);
	m = raw_expect(&r, 92);
	assert_int_equal(m_u32(&m), 10);
	assert_int_equal(m_u32(&m), SSH_OPEN_UNKNOWN_CHANNEL_TYPE);
	assert_int_equal(r.s.n, 0);
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	/* a huge maximum packet is fine: we send what fits ours */
	uint32_t id = raw_open(&r, 11, 1u << 30, UINT32_MAX);
	static uint8_t big[300000];
	size_t taken;
	assert_int_equal(ssh_chan_write(r.s.c, id, big, sizeof(big), &taken), 0);
	assert_int_equal(taken, sizeof(big));
	m = raw_expect(&r, 94);
	assert_int_equal(m_u32(&m), 11);
	assert_int_equal(m_u32(&m), SSH_CHAN_MAX_PACKET_LIMIT);
	raw_del(&r);

	/* our open confirmed with maximum packet 0 */
	raw_new(&r, false);
	uint32_t cid;
	assert_int_equal(ssh_chan_open(r.s.c, "direct-tcpip", NULL, &cid, NULL), 0);
	m = raw_expect(&r, 90);
	raw_send(&r, "buuuu", 91, cid, 77, 1000, 0);
	struct rec *e = back(&r.s, 0);
	assert_int_equal(e->type, SSH_EV_CHAN_OPEN_FAILED);
	assert_int_equal(e->id, cid);
	assert_int_equal(e->code, 0);
	assert_non_null(strstr(e->text, "maximum packet"));
	m = raw_expect(&r, 97);
	assert_int_equal(m_u32(&m), 77);
	assert_int_equal(ssh_chan_count(r.s.c), 1);
	raw_send(&r, "bu", 97, cid);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	assert_int_equal(r.s.count[SSH_EV_CHAN_CLOSE], 0);
	assert_false(ssh_conn_closed(r.s.c));
	raw_del(&r);
}

static void test_hostile_confirmations(void **state)
{
	struct raw r;
	raw_new(&r, false);
	uint32_t a;
	assert_int_equal(ssh_chan_open(r.s.c, "session", NULL, &a, NULL), 0);
	raw_expect(&r, 90);
	/* a message for a channel we are still opening */
	raw_send(&r, "bud", 94, a, "x", (size_t)1);
	expect_disconnect(&r, "not open");
	raw_del(&r);

	raw_new(&r, false);
	assert_int_equal(ssh_chan_open(r.s.c, "session", NULL, &a, NULL), 0);
	raw_expect(&r, 90);
	raw_send(&r, "buuuu", 91, a, 4, 1000, 1000);
	assert_int_equal(back(&r.s, 0)->type, SSH_EV_CHAN_OPEN_CONFIRMED);
	/* confirmed again: the channel ends */
	raw_send(&r, "buuuu", 91, a, 4, 1000, 1000);
	expect_chan_ended(&r, a, 4, "CHANNEL_OPEN_CONFIRMATION for open channel");
	raw_send(&r, "bu", 97, a);
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	/* a failure for an open channel: the same */
	assert_int_equal(ssh_chan_open(r.s.c, "session", NULL, &a, NULL), 0);
	raw_expect(&r, 90);
	raw_send(&r, "buuuu", 91, a, 5, 1000, 1000);
	raw_send(&r, "buuss", 92, a, 2, "no", "");
	expect_chan_ended(&r, a, 5, "CHANNEL_OPEN_FAILURE for open channel");
	raw_send(&r, "bu", 97, a);
	/* a failure without the language tag is accepted */
	assert_int_equal(ssh_chan_open(r.s.c, "session", NULL, &a, NULL), 0);
	raw_expect(&r, 90);
	raw_send(&r, "buus", 92, a, 4, "full");
	assert_int_equal(back(&r.s, 0)->type, SSH_EV_CHAN_OPEN_FAILED);
	assert_int_equal(back(&r.s, 0)->code, 4);
	assert_string_equal(back(&r.s, 0)->text, "full");
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	assert_false(ssh_conn_closed(r.s.c));
	raw_del(&r);
}

static void test_hostile_requests(void **state)
{
	struct raw r;
	raw_new(&r, true);
	uint32_t id = raw_open(&r, 6, 1000, 1000);
	/* a reply to a request we never made ends the channel */
	raw_send(&r, "bu", 99, id);
	expect_chan_ended(&r, id, 6, "CHANNEL_SUCCESS without a request");
	raw_send(&r, "bu", 97, id);
	/* a bad request name is refused in its place in the order */
	id = raw_open(&r, 7, 1000, 1000);
	raw_send(&r, "busb", 98, id, "pty-req", 1);
	uint32_t s0 = back(&r.s, 0)->seq;
	raw_send(&r, "busb", 98, id, "bad name", 1);
	raw_send(&r, "busb", 98, id, "shell", 1);
	uint32_t s2 = back(&r.s, 0)->seq;
	assert_int_equal(r.s.count[SSH_EV_CHAN_REQUEST], 2);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_reply(r.s.c, id, s2, true), 0);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_reply(r.s.c, id, s0, true), 0);
	struct buf m = raw_expect(&r, 99);
	assert_int_equal(m_u32(&m), 7);
	raw_expect(&r, 100);
	raw_expect(&r, 99);
	/* more unanswered want-reply requests than the core keeps */
	for (int i = 0; i < SSH_CHAN_MAX_PENDING; i++)
		raw_send(&r, "busb", 98, id, "env", 1);
	raw_nothing(&r);
	raw_send(&r, "busb", 98, id, "env", 1);
	expect_chan_ended(&r, id, 7, "unanswered");
	raw_send(&r, "bu", 97, id);
	assert_int_equal(ssh_chan_count(r.s.c), 0);
	/* global: bad names refused in order; unsolicited replies and
	 * floods end the connection */
	raw_send(&r, "bsb", 80, "x@y", 1);
	uint32_t g0 = back(&r.s, 0)->seq;
	raw_send(&r, "bsb", 80, "", 1);
	raw_nothing(&r);
	assert_int_equal(ssh_global_reply_failure(r.s.c, g0), 0);
	raw_expect(&r, 82);
	raw_expect(&r, 82);
	raw_send(&r, "b", 81);
	expect_disconnect(&r, "REQUEST_SUCCESS without a global request");
	raw_del(&r);

	raw_new(&r, true);
	for (int i = 0; i < SSH_GLOBAL_MAX_PENDING; i++)
		raw_send(&r, "bsb", 80, "keepalive@openssh.com", 1);
	assert_false(ssh_conn_closed(r.s.c));
	raw_send(&r, "bsb", 80, "keepalive@openssh.com", 1);
	expect_disconnect(&r, "unanswered global requests");
	raw_del(&r);
}

static void test_hostile_malformed(void **state)
{
	static const uint8_t msgs[][8] = {
	        {90, 0, 0, 0, 9, 's', 'e'}, /* OPEN, type cut short */
	        {91, 0, 0, 0, 0, 0, 0, 0}, /* OPEN_CONFIRMATION, truncated */
	        {92, 0, 0, 0, 0}, /* OPEN_FAILURE, truncated */
	        {93, 0, 0, 0, 0}, /* WINDOW_ADJUST */
	        {94, 0, 0, 0, 0, 0, 0, 1}, /* DATA, string longer than the message */
	        {95, 0, 0, 0, 0, 0, 0, 0}, /* EXTENDED_DATA */
	        {96, 0, 0}, /* EOF */
	        {97}, /* CLOSE */
	        {98, 0, 0, 0, 0, 0, 0, 0}, /* REQUEST */
	        {99, 0}, /* SUCCESS */
	        {100, 0, 0, 0}, /* FAILURE */
	        {80, 0, 0, 0, 1, 'x'}, /* GLOBAL_REQUEST without want_reply */
	};
	static const size_t lens[] = {7, 8, 5, 5, 8, 8, 3, 1, 8, 2, 4, 6};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct raw r;
		raw_new(&r, true);
		raw_send(&r, "r", msgs[i], lens[i]);
		expect_disconnect(&r, "malformed");
		raw_del(&r);
	}
	/* message numbers 101..127 are not ours: UNIMPLEMENTED, stay up */
	struct raw r;
	raw_new(&r, true);
	raw_send(&r, "bu", 101, 0);
	raw_send(&r, "b", 127);
	raw_expect(&r, SSH_MSG_UNIMPLEMENTED);
	raw_expect(&r, SSH_MSG_UNIMPLEMENTED);
	assert_false(ssh_conn_closed(r.s.c));
	raw_del(&r);
}

/* A message the driver left half built is dropped when input is
 * processed, so the output stays well formed. */
static void test_abandoned_build(void **state)
{
	struct raw r;
	raw_new(&r, true);
	uint32_t id = raw_open(&r, 1, 100000, 1000);
	uint8_t *ptr;
	size_t room;
	assert_int_equal(ssh_chan_write_begin(r.s.c, id, 0, 100, &ptr, &room), 0);
	raw_send(&r, "busb", 98, id, "x", 1);
	assert_int_equal(back(&r.s, 0)->type, SSH_EV_CHAN_REQUEST);
	assert_int_equal(ssh_chan_write_end(r.s.c, 10), SLC_ERR_INVALID);
	assert_int_equal(ssh_chan_reply(r.s.c, id, back(&r.s, 0)->seq, true), 0);
	struct buf m = raw_expect(&r, 99);
	assert_int_equal(m_u32(&m), 1);
	raw_nothing(&r);
	assert_int_equal(ssh_chan_writable(r.s.c, id), 100000);
	raw_del(&r);
}

static int setup(void **state)
{
	slc_rng_system(&rng);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &hostkey), 0);
	return 0;
}

static int teardown(void **state)
{
	sshkey_del(hostkey);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_open_confirm_reject),
	        cmocka_unit_test(test_before_auth),
	        cmocka_unit_test(test_data_small_windows),
	        cmocka_unit_test(test_data_zero_copy),
	        cmocka_unit_test(test_extended_data),
	        cmocka_unit_test(test_window_stop_resume),
	        cmocka_unit_test(test_eof_half_close),
	        cmocka_unit_test(test_close_and_reuse),
	        cmocka_unit_test(test_build_during_kex),
	        cmocka_unit_test(test_after_disconnect),
	        cmocka_unit_test(test_ten_thousand_channels),
	        cmocka_unit_test(test_channel_requests_in_order),
	        cmocka_unit_test(test_global_requests),
	        cmocka_unit_test(test_hostile_window_adjust_overflow),
	        cmocka_unit_test(test_hostile_data_beyond_limits),
	        cmocka_unit_test(test_hostile_unknown_ids),
	        cmocka_unit_test(test_hostile_max_packet),
	        cmocka_unit_test(test_hostile_confirmations),
	        cmocka_unit_test(test_hostile_requests),
	        cmocka_unit_test(test_hostile_malformed),
	        cmocka_unit_test(test_abandoned_build),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
