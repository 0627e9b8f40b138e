/* Post-authentication channel traffic: a client core and a server core
 * past a faked handshake (clear packets, c->authenticated set), each with a
 * small driver that answers events and calls the channel API as the input
 * says. The input is a list of operations:
 *
 *   op & 7 == 0..2  inject a message into the server (as if from the
 *                   client): a length byte (two bytes when op & 0x80), then
 *                   the payload; a first byte outside 80..127 is mapped
 *                   into it
 *   op & 7 == 6     the same into the client (as if from the server)
 *   op & 7 == 3, 4  a driver action on the server / client (next byte)
 *   op & 7 == 5, 7  exchange output and handle events
 *
 * Drivers take their choices (confirm or reject, consume now or later,
 * answer now or later, ...) from the following input bytes. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "conn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int zero_fill(void *ctx, void *out, size_t n)
{
	(void)ctx;
	memset(out, 0, n);
	return 0;
}

static const struct slc_rng rng = {zero_fill, NULL};

struct in {
	const uint8_t *p;
	size_t n, off;
};

static uint8_t take(struct in *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

#define KNOWN 16

struct drv {
	struct ssh_conn *c;
	uint32_t ids[KNOWN]; /* channels the driver knows */
	size_t unconsumed[KNOWN]; /* DATA it holds, per channel */
	int n;
	uint32_t req_id[KNOWN], req_seq[KNOWN]; /* channel requests to answer */
	int nreq;
	uint32_t gseq[KNOWN]; /* global requests to answer */
	int ng;
	uint32_t pending_open[KNOWN]; /* OPEN_REQUESTs to answer */
	int nopen;
};

static int find(struct drv *d, uint32_t id)
{
	for (int i = 0; i < d->n; i++)
		if (d->ids[i] == id)
			return i;
	return -1;
}

static void add(struct drv *d, uint32_t id)
{
	if (find(d, id) < 0 && d->n < KNOWN) {
		d->ids[d->n] = id;
		d->unconsumed[d->n++] = 0;
	}
}

static void forget(struct drv *d, uint32_t id)
{
	int i = find(d, id);
	if (i >= 0) {
		d->ids[i] = d->ids[--d->n];
		d->unconsumed[i] = d->unconsumed[d->n];
	}
	for (int j = 0; j < d->nopen; j++)
		if (d->pending_open[j] == id)
			d->pending_open[j--] = d->pending_open[--d->nopen];
	for (int j = 0; j < d->nreq; j++)
		if (d->req_id[j] == id) {
			d->req_id[j] = d->req_id[--d->nreq];
			d->req_seq[j--] = d->req_seq[d->nreq];
		}
}

static void params(struct in *in, struct ssh_chan_params *p)
{
	uint8_t b = take(in);
	p->window = (b & 3) == 0 ? 0 : (uint32_t)(b & 0xfc) * 97 + 1;
	p->max_packet = (b & 0x30) ? 64 + (uint32_t)(b >> 4) * 100 : 0;
}

static void on_event(struct drv *d, struct in *in, const struct ssh_event *ev)
{
	const struct ssh_chan_event *e = &ev->chan;
	struct ssh_chan_info info;
	int r;
	switch (ev->type) {
	case SSH_EV_CHAN_OPEN_REQUEST: {
		assert(ssh_chan_info(d->c, e->id, &info) == 0 && info.opening);
		assert(e->name && strlen(e->name) > 0);
		uint8_t b = take(in);
		if (b % 3 == 0) {
			struct ssh_chan_params p;
			params(in, &p);
			r = ssh_chan_confirm(d->c, e->id, &p, NULL);
			if (r == 0)
				add(d, e->id);
		} else if (b % 3 == 1) {
			r = ssh_chan_reject(d->c, e->id, b, "no");
		} else if (d->nopen < KNOWN) {
			d->pending_open[d->nopen++] = e->id;
		} else {
			r = ssh_chan_reject(d->c, e->id, 4, NULL);
		}
		(void)r;
		break;
	}
	case SSH_EV_CHAN_OPEN_CONFIRMED:
		add(d, e->id);
		break;
	case SSH_EV_CHAN_DATA:
	case SSH_EV_CHAN_EXTENDED_DATA: {
		assert(e->len > 0 && ssh_chan_info(d->c, e->id, &info) == 0);
		assert(e->len <= info.local_max_packet);
		int i = find(d, e->id);
		if (take(in) & 1 || i < 0) {
			r = ssh_chan_consume(d->c, e->id, e->len);
			assert(r == 0 || ssh_conn_closed(d->c));
		} else {
			d->unconsumed[i] += e->len;
		}
		break;
	}
	case SSH_EV_CHAN_REQUEST:
		if (e->want_reply) {
			if (take(in) & 1 && d->nreq < KNOWN) {
				d->req_id[d->nreq] = e->id;
				d->req_seq[d->nreq++] = e->seq;
			} else {
				r = ssh_chan_reply(d->c, e->id, e->seq, take(in) & 1);
				(void)r;
			}
		}
		break;
	case SSH_EV_GLOBAL_REQUEST:
		if (e->want_reply) {
			uint8_t b = take(in);
			if (b & 1 && d->ng < KNOWN)
				d->gseq[d->ng++] = e->seq;
			else if (b & 2)
				r = ssh_global_reply(d->c, e->seq, true, "\0\0\x12\x34", 4);
			else
				r = ssh_global_reply_failure(d->c, e->seq);
			(void)r;
		}
		break;
	case SSH_EV_CHAN_OPEN_FAILED:
	case SSH_EV_CHAN_CLOSE:
		/* terminal: the id is dead */
		assert(ssh_chan_info(d->c, e->id, &info) == SLC_ERR_NOT_FOUND);
		forget(d, e->id);
		break;
	default:
		break;
	}
}

static void drain(struct drv *d, struct in *in)
{
	struct ssh_event ev;
	int guard = 0;
	while (ssh_conn_next_event(d->c, &ev) && guard++ < 10000)
		on_event(d, in, &ev);
}

static void move(struct drv *from, struct drv *to, struct in *in)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(from->c, &n);
	if (n == 0)
		return;
	uint8_t *copy = malloc(n);
	memcpy(copy, p, n);
	ssh_conn_consume_output(from->c, n);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 256 * 1024 ? n - off : 256 * 1024;
		if (ssh_conn_feed(to->c, copy + off, k, 0) < 0)
			break;
		off += k;
		drain(to, in);
	}
	free(copy);
}

static uint32_t pick(struct drv *d, struct in *in)
{
	uint8_t b = take(in);
	/* sometimes an id the driver does not know */
	if (d->n == 0 || b >= 0xf0)
		return b & 0x1f;
	return d->ids[b % d->n];
}

static void act(struct drv *d, struct in *in)
{
	static const char *const types[] = {"session", "direct-tcpip", "x-fuzz@example.com"};
	static uint8_t junk[70000];
	uint8_t op = take(in);
	uint32_t id = pick(d, in), seq;
	uint8_t b = take(in);
	size_t taken, room;
	struct buf *x;
	uint8_t *ptr;
	int r = 0;
	switch (op % 13) {
	case 0: {
		struct ssh_chan_params p;
		params(in, &p);
		r = ssh_chan_open(d->c, types[b % 3], &p, &id, b & 4 ? &x : NULL);
		if (r == 0 && (b & 4)) {
			if (buf_put_cstring(x, "host") == 0 && buf_put_u32(x, b) == 0)
				r = ssh_chan_msg_end(d->c);
			else
				ssh_chan_msg_abort(d->c);
		}
		break;
	}
	case 1:
		r = ssh_chan_write(d->c, id, junk, (size_t)b * 271, &taken);
		assert(r < 0 || taken <= (size_t)b * 271);
		break;
	case 2:
		r = ssh_chan_write_ext(d->c, id, 1 + (b & 1), junk, (size_t)b * 13, &taken);
		break;
	case 3:
		r = ssh_chan_write_begin(d->c, id, b & 1, (size_t)b * 300 + 1, &ptr, &room);
		if (r == 0) {
			memset(ptr, 'z', room);
			r = ssh_chan_write_end(d->c, take(in) & 1 ? room : room / 2);
		}
		break;
	case 4: {
		int i = find(d, id);
		if (i >= 0) {
			size_t n = b & 1 ? d->unconsumed[i] : d->unconsumed[i] / 2;
			r = ssh_chan_consume(d->c, id, n);
			if (r == 0)
				d->unconsumed[i] -= n;
		} else {
			r = ssh_chan_consume(d->c, id, b);
		}
		break;
	}
	case 5:
		r = ssh_chan_eof(d->c, id);
		break;
	case 6:
		r = ssh_chan_close(d->c, id);
		break;
	case 7:
		r = ssh_chan_request(d->c, id, b & 1 ? "exec" : "exit-status", b & 2, &seq,
		                     b & 4 ? &x : NULL);
		if (r == 0 && (b & 4)) {
			if (buf_put_u32(x, b) == 0)
				r = ssh_chan_msg_end(d->c);
			else
				ssh_chan_msg_abort(d->c);
		}
		break;
	case 8:
		if (d->nreq > 0) {
			int i = b % d->nreq;
			r = ssh_chan_reply(d->c, d->req_id[i], d->req_seq[i], b & 0x80);
			d->req_id[i] = d->req_id[--d->nreq];
			d->req_seq[i] = d->req_seq[d->nreq];
		} else {
			r = ssh_chan_reply(d->c, id, b, true);
		}
		break;
	case 9:
		r = ssh_global_request(d->c, b & 1 ? "tcpip-forward" : "keepalive@openssh.com",
		                       b & 2, &seq, NULL);
		break;
	case 10:
		if (d->ng > 0) {
			int i = b % d->ng;
			r = ssh_global_reply(d->c, d->gseq[i], b & 0x80, "abc", b & 0x40 ? 3 : 0);
			d->gseq[i] = d->gseq[--d->ng];
		} else {
			r = ssh_global_reply(d->c, b, true, NULL, 0);
		}
		break;
	case 11:
		if (d->nopen > 0) {
			int i = b % d->nopen;
			uint32_t oid = d->pending_open[i];
			d->pending_open[i] = d->pending_open[--d->nopen];
			if (b & 0x80) {
				struct ssh_chan_params p;
				params(in, &p);
				if ((r = ssh_chan_confirm(d->c, oid, &p, NULL)) == 0)
					add(d, oid);
			} else {
				r = ssh_chan_reject(d->c, oid, 2, "later");
			}
		}
		break;
	case 12:
		r = ssh_chan_set_user(d->c, id, junk);
		break;
	}
	(void)r;
	(void)ssh_chan_writable(d->c, id);
	(void)ssh_chan_user(d->c, id);
}

static struct ssh_conn *fake_established(bool server)
{
	struct ssh_conn_config cfg = {.server = server, .rng = &rng};
	struct ssh_conn *c;
	static const char v[] = "SSH-2.0-fuzz\r\n";
	size_t n;
	if (ssh_conn_new(&cfg, &c) < 0)
		return NULL;
	if (ssh_conn_start(c, 0) < 0 ||
	    ssh_conn_feed(c, (const uint8_t *)v, sizeof(v) - 1, 0) < 0) {
		ssh_conn_del(c);
		return NULL;
	}
	(void)ssh_conn_output(c, &n);
	ssh_conn_consume_output(c, n);
	/* as if keys were exchanged in the clear and the user authenticated */
	c->kex = KEX_IDLE;
	c->first_kex_done = true;
	c->service_accepted = true;
	c->authenticated = true;
	return c;
}

static void inject(struct drv *to, struct drv *from, struct in *in, uint8_t op)
{
	size_t len = take(in);
	if (op & 0x80)
		len |= (size_t)take(in) << 8;
	if (len > in->n - in->off)
		len = in->n - in->off;
	if (len == 0)
		return;
	uint8_t *p = malloc(len);
	memcpy(p, in->p + in->off, len);
	in->off += len;
	if (p[0] < 80 || p[0] > 127)
		p[0] = (uint8_t)(80 + p[0] % 48);
	/* through the sender's packet layer, ahead of anything it queues */
	if (!from->c->closed && packet_send(&from->c->pkt, p, len) == 0)
		move(from, to, in);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = {data, size, 0};
	struct drv cl, sv;
	memset(&cl, 0, sizeof(cl));
	memset(&sv, 0, sizeof(sv));
	cl.c = fake_established(false);
	sv.c = fake_established(true);
	if (!cl.c || !sv.c)
		goto out;
	while (in.off < in.n) {
		uint8_t op = take(&in);
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			inject(&sv, &cl, &in, op);
			break;
		case 6:
			inject(&cl, &sv, &in, op);
			break;
		case 3:
			act(&sv, &in);
			break;
		case 4:
			act(&cl, &in);
			break;
		default:
			move(&cl, &sv, &in);
			move(&sv, &cl, &in);
			break;
		}
	}
	for (int i = 0; i < 4; i++) {
		move(&cl, &sv, &in);
		move(&sv, &cl, &in);
	}
out:
	ssh_conn_del(cl.c);
	ssh_conn_del(sv.c);
	return 0;
}
