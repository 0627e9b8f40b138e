/* Global requests (RFC 4254 4): tcpip-forward, keepalive@openssh.com and
 * the rest, both ways, with replies kept in request order. */
#include <stdlib.h>
#include <string.h>

#include "channel_int.h"

_Static_assert(SSH_GLOBAL_MAX_PENDING <= 64, "global request masks are 64 bits");

int ssh_global_request(struct ssh_conn *c, const char *name, bool want_reply, uint32_t *seq,
                       struct buf **extra)
{
	struct channel_table *t;
	struct buf *m;
	int r;
	if ((r = chan_api_table(c, &t)) < 0)
		return r;
	size_t nl = name ? strlen(name) : 0;
	if (!chan_valid_name((const uint8_t *)name, nl))
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, CHMSG_GLOBAL_REQUEST)) < 0 ||
	    (r = buf_put_string(m, name, nl)) < 0 || (r = buf_put_bool(m, want_reply)) < 0) {
		conn_send_abort(c);
		return r;
	}
	if (seq)
		*seq = t->gl_sent;
	memset(&t->build, 0, sizeof(t->build));
	t->build.kind = BUILD_GREQUEST;
	t->build.want_reply = want_reply;
	if (extra) {
		*extra = m;
		return 0;
	}
	return ssh_chan_msg_end(c);
}

static uint64_t gbit(uint32_t seq)
{
	return (uint64_t)1 << (seq % SSH_GLOBAL_MAX_PENDING);
}

static void held_drop(struct channel_table *t, uint32_t seq)
{
	if (!t->held)
		return;
	struct held_reply *h = &t->held[seq % SSH_GLOBAL_MAX_PENDING];
	free(h->data);
	h->data = NULL;
	h->len = 0;
}

static int send_reply(struct ssh_conn *c, bool ok, const uint8_t *data, size_t len)
{
	struct buf *m;
	int r;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, ok ? CHMSG_GLOBAL_SUCCESS : CHMSG_GLOBAL_FAILURE)) < 0 ||
	    (ok && len && (r = buf_put(m, data, len)) < 0)) {
		conn_send_abort(c);
		return r;
	}
	return conn_send_end(c);
}

/* Send the answers that are due, in order; the held data goes with them. */
static int flush_replies(struct ssh_conn *c, struct channel_table *t)
{
	while (t->gq_head != t->gq_tail && (t->gq_done & gbit(t->gq_head))) {
		uint32_t seq = t->gq_head;
		const struct held_reply *h =
		        t->held ? &t->held[seq % SSH_GLOBAL_MAX_PENDING] : NULL;
		int r = send_reply(c, t->gq_ok & gbit(seq), h ? h->data : NULL, h ? h->len : 0);
		if (r < 0)
			return r;
		held_drop(t, seq);
		t->gq_done &= ~gbit(seq);
		t->gq_ok &= ~gbit(seq);
		t->gq_head++;
	}
	if (t->gq_head == t->gq_tail && t->held) {
		/* Only kept while answers wait out of order. */
		free(t->held);
		t->held = NULL;
	}
	return 0;
}

static int answer(struct ssh_conn *c, struct channel_table *t, uint32_t seq, bool ok,
                  const void *data, size_t len)
{
	if (seq - t->gq_head >= t->gq_tail - t->gq_head || (t->gq_done & gbit(seq)))
		return SLC_ERR_INVALID;
	if (seq == t->gq_head) {
		/* In order: straight out, no copy. */
		int r = send_reply(c, ok, data, len);
		if (r < 0)
			return r;
		t->gq_head++;
		return flush_replies(c, t);
	}
	if (ok && len) {
		if (!t->held && !(t->held = calloc(SSH_GLOBAL_MAX_PENDING, sizeof(*t->held))))
			return SLC_ERR_NOMEM;
		struct held_reply *h = &t->held[seq % SSH_GLOBAL_MAX_PENDING];
		if (!(h->data = malloc(len)))
			return SLC_ERR_NOMEM;
		memcpy(h->data, data, len);
		h->len = len;
	}
	t->gq_done |= gbit(seq);
	if (ok)
		t->gq_ok |= gbit(seq);
	return 0;
}

int ssh_global_reply(struct ssh_conn *c, uint32_t seq, bool ok, const void *data, size_t len)
{
	struct channel_table *t;
	int r;
	if ((r = chan_api_table(c, &t)) < 0)
		return r;
	if (len && !data)
		return SLC_ERR_INVALID;
	return answer(c, t, seq, ok, data, len);
}

int ssh_global_reply_failure(struct ssh_conn *c, uint32_t seq)
{
	return ssh_global_reply(c, seq, false, NULL, 0);
}

int global_on_request(struct ssh_conn *c, struct channel_table *t, struct buf *m)
{
	const uint8_t *name;
	size_t nl;
	bool want;
	int r;
	if (buf_get_string(m, &name, &nl) < 0 || buf_get_bool(m, &want) < 0) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed GLOBAL_REQUEST");
		return SLC_ERR_PROTOCOL;
	}
	uint32_t seq = 0;
	if (want) {
		/* Nothing to close but the connection. */
		if (t->gq_tail - t->gq_head >= SSH_GLOBAL_MAX_PENDING) {
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			          "more than %d unanswered global requests",
			          SSH_GLOBAL_MAX_PENDING);
			return SLC_ERR_PROTOCOL;
		}
		seq = t->gq_tail++;
	}
	if (!chan_valid_name(name, nl)) {
		if (want && (r = answer(c, t, seq, false, NULL, 0)) < 0)
			return chan_send_failed(c, r);
		return 0;
	}
	struct ssh_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = SSH_EV_GLOBAL_REQUEST;
	ev.chan.name = chan_copy_name(t, name, nl);
	ev.chan.want_reply = want;
	ev.chan.seq = seq;
	ev.chan.data = buf_ptr(m);
	ev.chan.len = buf_len(m);
	conn_raise(c, &ev);
	return 0;
}

int global_on_reply(struct ssh_conn *c, struct channel_table *t, struct buf *m, bool ok)
{
	if (t->gl_acked == t->gl_sent) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "%s without a global request",
		          ok ? "REQUEST_SUCCESS" : "REQUEST_FAILURE");
		return SLC_ERR_PROTOCOL;
	}
	struct ssh_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = ok ? SSH_EV_GLOBAL_SUCCESS : SSH_EV_GLOBAL_FAILURE;
	ev.chan.seq = t->gl_acked++;
	if (ok) {
		ev.chan.data = buf_ptr(m);
		ev.chan.len = buf_len(m);
	}
	conn_raise(c, &ev);
	return 0;
}

void global_free(struct channel_table *t)
{
	if (!t->held)
		return;
	for (size_t i = 0; i < SSH_GLOBAL_MAX_PENDING; i++)
		free(t->held[i].data);
	free(t->held);
	t->held = NULL;
}
