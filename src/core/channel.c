/* The SSH connection protocol (RFC 4254) for both roles: the channel table,
 * opening, data and windows, EOF/CLOSE, channel requests (this file) and
 * global requests (global.c).
 *
 * What the peer gets wrong is judged by what it breaks:
 * - ends the connection (conn_fail, PROTOCOL_ERROR): malformed messages;
 *   messages naming a channel id that is not allocated (there is no
 *   channel to blame, and a second CLOSE lands here) or that the peer
 *   cannot know yet (one it asked to open and we have not answered, one we
 *   asked to open and it has not confirmed); unsolicited global replies;
 *   too many unanswered global requests.
 * - ends that channel only (CLOSE sent, CLOSE event with a reason, the id
 *   kept until the peer's CLOSE): data beyond the window or the maximum
 *   packet, data after EOF, a second EOF, a window adjust past 2^32-1
 *   (RFC 4254 5.2), a confirmation or failure for a channel already open,
 *   a reply to a channel request we did not make, too many unanswered
 *   channel requests, a confirmation with a maximum packet below
 *   SSH_CHAN_MIN_MAX_PACKET.
 * - refused without bothering the driver: CHANNEL_OPEN with a bad type
 *   name, a tiny maximum packet or beyond the table limit (OPEN_FAILURE);
 *   requests with bad names (FAILURE, in order).
 * Messages crossing our CLOSE are dropped silently: they are legitimate. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel_int.h"

_Static_assert((int)SSH_EV_CHAN_OPEN_REQUEST == (int)SSH_EV_CHAN_FIRST,
               "channel events start the range");
_Static_assert((int)SSH_EV_GLOBAL_FAILURE <= (int)SSH_EV_CHAN_LAST, "channel events fit the range");
/* Our largest data message: type, recipient, data type code, length. */
_Static_assert(SSH_CHAN_MAX_PACKET_LIMIT + 13 <= PACKET_MAX_PAYLOAD, "data fits a packet");
_Static_assert(SSH_CHAN_MAX_PENDING <= 32, "request masks are 32 bits");

#define NONE_ID UINT32_MAX
#define NAME_MAX_LEN 64 /* RFC 4251 6 */

/* ---- table ---- */

struct channel_table *chan_table(struct ssh_conn *c)
{
	if (!c->chans) {
		c->chans = calloc(1, sizeof(*c->chans));
		if (c->chans)
			c->chans->free_head = NONE_ID;
	}
	return c->chans;
}

static struct chan *chan_get(const struct ssh_conn *c, uint32_t id)
{
	const struct channel_table *t = c->chans;
	if (!t || id >= t->n || t->v[id].state == CH_FREE)
		return NULL;
	return &t->v[id];
}

static int chan_alloc(struct channel_table *t, uint32_t *id)
{
	uint32_t i;
	if (t->free_head != NONE_ID) {
		i = t->free_head;
		t->free_head = t->v[i].remote_id;
	} else {
		if (t->n >= SSH_CHAN_MAX_CHANNELS)
			return SLC_ERR_LIMIT;
		if (t->n == t->cap) {
			uint32_t ncap = t->cap ? t->cap * 2 : 16;
			if (ncap > SSH_CHAN_MAX_CHANNELS)
				ncap = SSH_CHAN_MAX_CHANNELS;
			struct chan *v = realloc(t->v, (size_t)ncap * sizeof(*v));
			if (!v)
				return SLC_ERR_NOMEM;
			t->v = v;
			t->cap = ncap;
		}
		i = t->n++;
	}
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->live++;
	*id = i;
	return 0;
}

static void chan_release(struct channel_table *t, uint32_t id)
{
	struct chan *ch = &t->v[id];
	if (ch->flags & F_TYPE_OWNED)
		free((char *)ch->type);
	memset(ch, 0, sizeof(*ch));
	ch->state = CH_FREE;
	ch->remote_id = t->free_head;
	t->free_head = id;
	t->live--;
}

void channel_free(struct ssh_conn *c)
{
	struct channel_table *t = c->chans;
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		if (t->v[i].state != CH_FREE && (t->v[i].flags & F_TYPE_OWNED))
			free((char *)t->v[i].type);
	free(t->v);
	global_free(t);
	free(t);
	c->chans = NULL;
}

/* Channel types every driver sees are kept as static strings: most
 * channels cost no allocation for their type. */
static const char *const known_types[] = {
        "session",
        "direct-tcpip",
        "forwarded-tcpip",
        "direct-streamlocal@openssh.com",
        "forwarded-streamlocal@openssh.com",
        "x11",
        "auth-agent@openssh.com",
        "tun@openssh.com",
};

static int chan_set_type(struct chan *ch, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (strlen(known_types[i]) == len && !memcmp(known_types[i], name, len)) {
			ch->type = known_types[i];
			return 0;
		}
	char *s = strndup(name, len);
	if (!s)
		return SLC_ERR_NOMEM;
	ch->type = s;
	ch->flags |= F_TYPE_OWNED;
	return 0;
}

bool chan_valid_name(const uint8_t *p, size_t len)
{
	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
	return true;
}

/* Peer text for the driver's log: printable ASCII, bounded. */
static const char *sanitize(struct channel_table *t, const uint8_t *p, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; i < len && j < 200; i++)
		t->text[j++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	t->text[j] = '\0';
	return t->text;
}

const char *chan_copy_name(struct channel_table *t, const uint8_t *p, size_t len)
{
	/* chan_valid_name() held: no NUL, at most NAME_MAX_LEN */
	memcpy(t->text, p, len);
	t->text[len] = '\0';
	return t->text;
}

static int resolve_params(const struct ssh_chan_params *p, uint32_t *win, uint32_t *maxpkt)
{
	*win = p && p->window ? p->window : SSH_CHAN_DEFAULT_WINDOW;
	*maxpkt = p && p->max_packet ? p->max_packet : SSH_CHAN_DEFAULT_MAX_PACKET;
	if (*maxpkt < SSH_CHAN_MIN_MAX_PACKET || *maxpkt > SSH_CHAN_MAX_PACKET_LIMIT)
		return SLC_ERR_INVALID;
	return 0;
}

/* ---- sending ---- */

/* A message of a type and up to two u32 fields. */
int chan_send_msg(struct ssh_conn *c, uint8_t type, int nargs, uint32_t a, uint32_t b)
{
	struct buf *m;
	int r;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, type)) < 0 || (nargs > 0 && (r = buf_put_u32(m, a)) < 0) ||
	    (nargs > 1 && (r = buf_put_u32(m, b)) < 0)) {
		conn_send_abort(c);
		return r;
	}
	return conn_send_end(c);
}

/* A send in answer to the peer failed: the connection cannot go on. */
int chan_send_failed(struct ssh_conn *c, int r)
{
	conn_fail(c, SSH_DISCONNECT_BY_APPLICATION, "cannot send channel message: %s",
	          slc_strerror(r));
	return r;
}

/* Checks shared by the driver-facing calls that send (here and in global.c). */
int chan_api_table(struct ssh_conn *c, struct channel_table **out)
{
	if (c->closed)
		return SLC_ERR_CLOSED;
	if (!c->authenticated)
		return SLC_ERR_INVALID;
	struct channel_table *t = chan_table(c);
	if (!t)
		return SLC_ERR_NOMEM;
	if (t->build.kind != BUILD_NONE)
		return SLC_ERR_INVALID;
	*out = t;
	return 0;
}

static int api_chan(struct ssh_conn *c, uint32_t id, struct channel_table **t, struct chan **ch)
{
	int r = chan_api_table(c, t);
	if (r < 0)
		return r;
	if (!(*ch = chan_get(c, id)) || ((*ch)->flags & F_DETACHED))
		return SLC_ERR_NOT_FOUND;
	return 0;
}

/* A channel we may send data and requests on. */
static int api_chan_open(struct ssh_conn *c, uint32_t id, struct channel_table **t,
                         struct chan **ch)
{
	int r = api_chan(c, id, t, ch);
	if (r < 0)
		return r;
	if ((*ch)->state != CH_OPEN)
		return SLC_ERR_INVALID;
	if ((*ch)->flags & F_CLOSE_SENT)
		return SLC_ERR_CLOSED;
	return 0;
}

static void build_start(struct channel_table *t, enum build_kind kind, uint32_t id)
{
	memset(&t->build, 0, sizeof(t->build));
	t->build.kind = kind;
	t->build.id = id;
}

/* Finish the message begun with extra == NULL, or hand it to the driver. */
static int build_hand_over(struct ssh_conn *c, struct buf *m, struct buf **extra)
{
	if (extra) {
		*extra = m;
		return 0;
	}
	return ssh_chan_msg_end(c);
}

int ssh_chan_msg_end(struct ssh_conn *c)
{
	struct channel_table *t = c->chans;
	if (!t || t->build.kind == BUILD_NONE || t->build.kind == BUILD_DATA)
		return SLC_ERR_INVALID;
	struct build b = t->build;
	t->build.kind = BUILD_NONE;
	int r = conn_send_end(c);
	struct chan *ch = b.kind == BUILD_GREQUEST ? NULL : &t->v[b.id];
	switch (b.kind) {
	case BUILD_OPEN:
		if (r < 0)
			chan_release(t, b.id);
		break;
	case BUILD_CONFIRM:
		if (r == 0)
			ch->state = CH_OPEN;
		break;
	case BUILD_REQUEST:
		if (r == 0 && b.want_reply)
			ch->req_sent++;
		break;
	case BUILD_GREQUEST:
		if (r == 0 && b.want_reply)
			t->gl_sent++;
		break;
	default:
		break;
	}
	return r;
}

void ssh_chan_msg_abort(struct ssh_conn *c)
{
	struct channel_table *t = c->chans;
	if (!t || t->build.kind == BUILD_NONE)
		return;
	conn_send_abort(c);
	if (t->build.kind == BUILD_OPEN)
		chan_release(t, t->build.id);
	t->build.kind = BUILD_NONE;
}

/* ---- opening ---- */

int ssh_chan_open(struct ssh_conn *c, const char *type, const struct ssh_chan_params *params,
                  uint32_t *id, struct buf **extra)
{
	struct channel_table *t;
	struct buf *m;
	uint32_t win, maxpkt, i;
	int r;
	if ((r = chan_api_table(c, &t)) < 0)
		return r;
	size_t tl = type ? strlen(type) : 0;
	if (!chan_valid_name((const uint8_t *)type, tl) ||
	    (r = resolve_params(params, &win, &maxpkt)) < 0)
		return SLC_ERR_INVALID;
	if ((r = chan_alloc(t, &i)) < 0)
		return r;
	struct chan *ch = &t->v[i];
	if ((r = chan_set_type(ch, type, tl)) < 0) {
		chan_release(t, i);
		return r;
	}
	ch->state = CH_OPENING_OUT;
	ch->lwin = ch->lwin_max = win;
	ch->lmaxpkt = maxpkt;
	if ((r = conn_send_begin(c, &m)) < 0) {
		chan_release(t, i);
		return r;
	}
	if ((r = buf_put_u8(m, CHMSG_OPEN)) < 0 || (r = buf_put_string(m, type, tl)) < 0 ||
	    (r = buf_put_u32(m, i)) < 0 || (r = buf_put_u32(m, win)) < 0 ||
	    (r = buf_put_u32(m, maxpkt)) < 0) {
		conn_send_abort(c);
		chan_release(t, i);
		return r;
	}
	build_start(t, BUILD_OPEN, i);
	if ((r = build_hand_over(c, m, extra)) < 0)
		return r;
	*id = i;
	return 0;
}

int ssh_chan_confirm(struct ssh_conn *c, uint32_t id, const struct ssh_chan_params *params,
                     struct buf **extra)
{
	struct channel_table *t;
	struct chan *ch;
	struct buf *m;
	uint32_t win, maxpkt;
	int r;
	if ((r = api_chan(c, id, &t, &ch)) < 0)
		return r;
	if (ch->state != CH_OPENING_IN || resolve_params(params, &win, &maxpkt) < 0)
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, CHMSG_OPEN_CONFIRMATION)) < 0 ||
	    (r = buf_put_u32(m, ch->remote_id)) < 0 || (r = buf_put_u32(m, id)) < 0 ||
	    (r = buf_put_u32(m, win)) < 0 || (r = buf_put_u32(m, maxpkt)) < 0) {
		conn_send_abort(c);
		return r;
	}
	/* Unused until the state becomes open. */
	ch->lwin = ch->lwin_max = win;
	ch->lmaxpkt = maxpkt;
	build_start(t, BUILD_CONFIRM, id);
	return build_hand_over(c, m, extra);
}

static int send_open_failure(struct ssh_conn *c, uint32_t rid, uint32_t reason, const char *text)
{
	struct buf *m;
	int r;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, CHMSG_OPEN_FAILURE)) < 0 || (r = buf_put_u32(m, rid)) < 0 ||
	    (r = buf_put_u32(m, reason)) < 0 || (r = buf_put_cstring(m, text ? text : "")) < 0 ||
	    (r = buf_put_cstring(m, "")) < 0) {
		conn_send_abort(c);
		return r;
	}
	return conn_send_end(c);
}

int ssh_chan_reject(struct ssh_conn *c, uint32_t id, uint32_t reason, const char *text)
{
	struct channel_table *t;
	struct chan *ch;
	int r;
	if ((r = api_chan(c, id, &t, &ch)) < 0)
		return r;
	if (ch->state != CH_OPENING_IN)
		return SLC_ERR_INVALID;
	if ((r = send_open_failure(c, ch->remote_id, reason, text)) < 0)
		return r;
	chan_release(t, id);
	return 0;
}

/* ---- data ---- */

/* Largest data message now: the peer's window and maximum packet, and
 * what fits our packets. */
static uint32_t send_limit(const struct chan *ch)
{
	uint32_t n = ch->rwin < ch->rmaxpkt ? ch->rwin : ch->rmaxpkt;
	return n < SSH_CHAN_MAX_PACKET_LIMIT ? n : SSH_CHAN_MAX_PACKET_LIMIT;
}

static int data_header(struct buf *m, const struct chan *ch, uint32_t code)
{
	int r;
	if ((r = buf_put_u8(m, code ? CHMSG_EXTENDED_DATA : CHMSG_DATA)) < 0 ||
	    (r = buf_put_u32(m, ch->remote_id)) < 0 || (code && (r = buf_put_u32(m, code)) < 0))
		return r;
	return 0;
}

static int write_common(struct ssh_conn *c, uint32_t id, uint32_t code, const void *data,
                        size_t len, size_t *taken)
{
	struct channel_table *t;
	struct chan *ch;
	size_t done = 0;
	int r;
	*taken = 0;
	if ((r = api_chan_open(c, id, &t, &ch)) < 0)
		return r;
	if (ch->flags & F_EOF_SENT)
		return SLC_ERR_CLOSED;
	while (done < len) {
		uint32_t lim = send_limit(ch);
		if (lim == 0) {
			ch->flags |= F_WANT_WRITABLE;
			break;
		}
		size_t n = len - done < lim ? len - done : lim;
		struct buf *m;
		if ((r = conn_send_begin(c, &m)) < 0)
			break;
		if ((r = data_header(m, ch, code)) < 0 ||
		    (r = buf_put_string(m, (const uint8_t *)data + done, n)) < 0) {
			conn_send_abort(c);
			break;
		}
		/* Counted before sealing: if sealing fails we only under-use
		 * the window, never overrun it. */
		ch->rwin -= (uint32_t)n;
		done += n;
		if ((r = conn_send_end(c)) < 0)
			break;
	}
	*taken = done;
	return done > 0 ? 0 : r;
}

int ssh_chan_write(struct ssh_conn *c, uint32_t id, const void *data, size_t len, size_t *taken)
{
	return write_common(c, id, 0, data, len, taken);
}

int ssh_chan_write_ext(struct ssh_conn *c, uint32_t id, uint32_t code, const void *data, size_t len,
                       size_t *taken)
{
	if (code == 0) {
		*taken = 0;
		return SLC_ERR_INVALID;
	}
	return write_common(c, id, code, data, len, taken);
}

int ssh_chan_write_begin(struct ssh_conn *c, uint32_t id, uint32_t code, size_t want, uint8_t **ptr,
                         size_t *room)
{
	struct channel_table *t;
	struct chan *ch;
	struct buf *m;
	uint8_t *p;
	int r;
	if ((r = api_chan_open(c, id, &t, &ch)) < 0)
		return r;
	if (ch->flags & F_EOF_SENT)
		return SLC_ERR_CLOSED;
	if (want == 0)
		return SLC_ERR_INVALID;
	uint32_t lim = send_limit(ch);
	size_t n = want < lim ? want : lim;
	/* Cut short by the window (not by the packet size): tell the driver
	 * when it opens. */
	uint32_t pkt_lim =
	        ch->rmaxpkt < SSH_CHAN_MAX_PACKET_LIMIT ? ch->rmaxpkt : SSH_CHAN_MAX_PACKET_LIMIT;
	if (ch->rwin < (want < pkt_lim ? want : pkt_lim))
		ch->flags |= F_WANT_WRITABLE;
	if (n == 0)
		return SLC_ERR_AGAIN;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = data_header(m, ch, code)) < 0 || (r = buf_put_u32(m, (uint32_t)n)) < 0 ||
	    (r = buf_reserve(m, n, &p)) < 0) {
		conn_send_abort(c);
		return r;
	}
	build_start(t, BUILD_DATA, id);
	/* Absolute offset: nothing writes to the buffer until _end, and
	 * consuming output only moves the read position. */
	t->build.data_off = (size_t)(p - m->base);
	t->build.room = n;
	t->build.deferred = !c->pkt.building;
	*ptr = p;
	*room = n;
	return 0;
}

int ssh_chan_write_end(struct ssh_conn *c, size_t n)
{
	struct channel_table *t = c->chans;
	if (!t || t->build.kind != BUILD_DATA)
		return SLC_ERR_INVALID;
	if (n > t->build.room)
		return SLC_ERR_INVALID;
	t->build.kind = BUILD_NONE;
	if (n == 0) {
		conn_send_abort(c);
		return 0;
	}
	struct buf *m = t->build.deferred ? &c->deferred : &c->pkt.outbuf;
	buf_store_u32(m->base + t->build.data_off - 4, (uint32_t)n);
	m->wpos -= t->build.room - n;
	t->v[t->build.id].rwin -= (uint32_t)n; /* before sealing: see write_common */
	return conn_send_end(c);
}

size_t ssh_chan_writable(const struct ssh_conn *c, uint32_t id)
{
	const struct chan *ch = chan_get(c, id);
	if (!ch || ch->state != CH_OPEN || (ch->flags & (F_EOF_SENT | F_CLOSE_SENT)) || c->closed)
		return 0;
	return ch->rwin;
}

int ssh_chan_consume(struct ssh_conn *c, uint32_t id, size_t n)
{
	struct channel_table *t;
	struct chan *ch;
	int r;
	if ((r = api_chan(c, id, &t, &ch)) < 0)
		return r;
	if (ch->state != CH_OPEN)
		return SLC_ERR_INVALID;
	uint32_t unconsumed = ch->lwin_max - ch->lwin - ch->lconsumed;
	if (n > unconsumed)
		return SLC_ERR_INVALID;
	ch->lconsumed += (uint32_t)n;
	/* Nothing more will come after the peer's EOF, nothing may be sent
	 * after our CLOSE. */
	if (ch->flags & (F_EOF_RCVD | F_CLOSE_SENT))
		return 0;
	/* Half the window: few adjusts, and the peer never stalls while
	 * the other half is in flight. */
	if (ch->lconsumed == 0 || ch->lconsumed < ch->lwin_max / 2)
		return 0;
	if ((r = chan_send_msg(c, CHMSG_WINDOW_ADJUST, 2, ch->remote_id, ch->lconsumed)) < 0)
		return r;
	ch->lwin += ch->lconsumed;
	ch->lconsumed = 0;
	return 0;
}

/* ---- end ---- */

int ssh_chan_eof(struct ssh_conn *c, uint32_t id)
{
	struct channel_table *t;
	struct chan *ch;
	int r;
	if ((r = api_chan_open(c, id, &t, &ch)) < 0)
		return r;
	if (ch->flags & F_EOF_SENT)
		return 0;
	if ((r = chan_send_msg(c, CHMSG_EOF, 1, ch->remote_id, 0)) < 0)
		return r;
	ch->flags = (ch->flags | F_EOF_SENT) & ~F_WANT_WRITABLE;
	return 0;
}

int ssh_chan_close(struct ssh_conn *c, uint32_t id)
{
	struct channel_table *t;
	struct chan *ch;
	int r;
	if ((r = api_chan(c, id, &t, &ch)) < 0)
		return r;
	switch (ch->state) {
	case CH_OPENING_IN:
		return SLC_ERR_INVALID;
	case CH_OPENING_OUT:
		/* No remote id yet: close once confirmed. */
		ch->flags |= F_CLOSE_WANTED;
		return 0;
	default:
		break;
	}
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if ((r = chan_send_msg(c, CHMSG_CLOSE, 1, ch->remote_id, 0)) < 0)
		return r;
	ch->flags = (ch->flags | F_CLOSE_SENT) & ~F_WANT_WRITABLE;
	return 0;
}

/* ---- requests ---- */

int ssh_chan_request(struct ssh_conn *c, uint32_t id, const char *name, bool want_reply,
                     uint32_t *seq, struct buf **extra)
{
	struct channel_table *t;
	struct chan *ch;
	struct buf *m;
	int r;
	if ((r = api_chan_open(c, id, &t, &ch)) < 0)
		return r;
	size_t nl = name ? strlen(name) : 0;
	if (!chan_valid_name((const uint8_t *)name, nl))
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &m)) < 0)
		return r;
	if ((r = buf_put_u8(m, CHMSG_REQUEST)) < 0 || (r = buf_put_u32(m, ch->remote_id)) < 0 ||
	    (r = buf_put_string(m, name, nl)) < 0 || (r = buf_put_bool(m, want_reply)) < 0) {
		conn_send_abort(c);
		return r;
	}
	if (seq)
		*seq = ch->req_sent;
	build_start(t, BUILD_REQUEST, id);
	t->build.want_reply = want_reply;
	return build_hand_over(c, m, extra);
}

/* Send the answers that are due, in order. */
static int chan_flush_replies(struct ssh_conn *c, struct chan *ch)
{
	while (ch->rq_head != ch->rq_tail) {
		uint32_t bit = 1u << (ch->rq_head % SSH_CHAN_MAX_PENDING);
		if (!(ch->rq_done & bit))
			break;
		int r = chan_send_msg(c, (ch->rq_ok & bit) ? CHMSG_SUCCESS : CHMSG_FAILURE, 1,
		                      ch->remote_id, 0);
		if (r < 0)
			return r;
		ch->rq_done &= ~bit;
		ch->rq_ok &= ~bit;
		ch->rq_head++;
	}
	return 0;
}

static int chan_answer(struct ssh_conn *c, struct chan *ch, uint32_t seq, bool ok)
{
	uint32_t bit = 1u << (seq % SSH_CHAN_MAX_PENDING);
	if (seq - ch->rq_head >= ch->rq_tail - ch->rq_head || (ch->rq_done & bit))
		return SLC_ERR_INVALID;
	ch->rq_done |= bit;
	if (ok)
		ch->rq_ok |= bit;
	return chan_flush_replies(c, ch);
}

int ssh_chan_reply(struct ssh_conn *c, uint32_t id, uint32_t seq, bool ok)
{
	struct channel_table *t;
	struct chan *ch;
	int r;
	if ((r = api_chan_open(c, id, &t, &ch)) < 0)
		return r;
	return chan_answer(c, ch, seq, ok);
}

/* ---- per-channel state ---- */

int ssh_chan_set_user(struct ssh_conn *c, uint32_t id, void *user)
{
	struct chan *ch = chan_get(c, id);
	if (!ch || (ch->flags & F_DETACHED))
		return SLC_ERR_NOT_FOUND;
	ch->user = user;
	return 0;
}

void *ssh_chan_user(const struct ssh_conn *c, uint32_t id)
{
	const struct chan *ch = chan_get(c, id);
	return ch ? ch->user : NULL;
}

int ssh_chan_info(const struct ssh_conn *c, uint32_t id, struct ssh_chan_info *info)
{
	const struct chan *ch = chan_get(c, id);
	if (!ch || (ch->flags & F_DETACHED))
		return SLC_ERR_NOT_FOUND;
	memset(info, 0, sizeof(*info));
	info->type = ch->type;
	info->opening = ch->state != CH_OPEN;
	info->open = ch->state == CH_OPEN;
	info->eof_sent = ch->flags & F_EOF_SENT;
	info->eof_rcvd = ch->flags & F_EOF_RCVD;
	info->close_sent = ch->flags & F_CLOSE_SENT;
	info->remote_id = ch->remote_id;
	info->local_window = ch->lwin;
	info->local_max_packet = ch->lmaxpkt;
	info->remote_window = ch->rwin;
	info->remote_max_packet = ch->rmaxpkt;
	return 0;
}

size_t ssh_chan_count(const struct ssh_conn *c)
{
	return c->chans ? c->chans->live : 0;
}

/* ---- incoming ---- */

static void raise_chan(struct ssh_conn *c, int type, uint32_t id, const struct chan *ch,
                       struct ssh_chan_event *fill)
{
	struct ssh_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	if (fill)
		ev.chan = *fill;
	ev.chan.id = id;
	ev.chan.user = ch->user;
	conn_raise(c, &ev);
}

static int malformed(struct ssh_conn *c, const char *what)
{
	conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed %s", what);
	return SLC_ERR_PROTOCOL;
}

/* The channel a message names, which must be one the peer can know. */
static int peer_chan(struct ssh_conn *c, uint32_t id, const char *what, bool open_reply,
                     struct chan **out)
{
	struct chan *ch = chan_get(c, id);
	if (!ch) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "%s for unknown channel %u", what, id);
		return SLC_ERR_PROTOCOL;
	}
	if (ch->state == CH_OPENING_IN || (ch->state == CH_OPENING_OUT && !open_reply)) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "%s for channel %u which is not open",
		          what, id);
		return SLC_ERR_PROTOCOL;
	}
	*out = ch;
	return 0;
}

/* The peer broke the protocol on this channel: close it and give the
 * driver its terminal event (ev_type CLOSE, or OPEN_FAILED for a channel
 * whose confirmation we refuse). The id stays allocated, silent, until the
 * peer's CLOSE. */
static int __attribute__((format(printf, 5, 6)))
chan_end(struct ssh_conn *c, uint32_t id, struct chan *ch, int ev_type, const char *fmt, ...)
{
	struct channel_table *t = c->chans;
	va_list ap;
	int r;
	if (!(ch->flags & F_CLOSE_SENT)) {
		if ((r = chan_send_msg(c, CHMSG_CLOSE, 1, ch->remote_id, 0)) < 0)
			return chan_send_failed(c, r);
		ch->flags |= F_CLOSE_SENT;
	}
	ch->flags |= F_DETACHED;
	va_start(ap, fmt);
	vsnprintf(t->text, sizeof(t->text), fmt, ap);
	va_end(ap);
	struct ssh_chan_event e = {.text = t->text};
	e.code = ev_type == SSH_EV_CHAN_CLOSE ? SSH_CHAN_CLOSE_ERROR : 0;
	raise_chan(c, ev_type, id, ch, &e);
	return 0;
}

static int on_open(struct ssh_conn *c, struct channel_table *t, struct buf *m)
{
	const uint8_t *type;
	size_t tl;
	uint32_t rid, win, maxpkt, id = 0;
	int r;
	if (buf_get_string(m, &type, &tl) < 0 || buf_get_u32(m, &rid) < 0 ||
	    buf_get_u32(m, &win) < 0 || buf_get_u32(m, &maxpkt) < 0)
		return malformed(c, "CHANNEL_OPEN");
	/* Refusals that need no driver. */
	uint32_t reason = 0;
	const char *why = NULL;
	if (!chan_valid_name(type, tl)) {
		reason = SSH_OPEN_UNKNOWN_CHANNEL_TYPE;
		why = "bad channel type name";
	} else if (maxpkt < SSH_CHAN_MIN_MAX_PACKET) {
		reason = SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
		why = "maximum packet size too small";
	} else if ((r = chan_alloc(t, &id)) < 0) {
		reason = SSH_OPEN_RESOURCE_SHORTAGE;
		why = "too many channels";
	} else if ((r = chan_set_type(&t->v[id], (const char *)type, tl)) < 0) {
		chan_release(t, id);
		reason = SSH_OPEN_RESOURCE_SHORTAGE;
		why = "out of memory";
	}
	if (reason) {
		if ((r = send_open_failure(c, rid, reason, why)) < 0)
			return chan_send_failed(c, r);
		return 0;
	}
	struct chan *ch = &t->v[id];
	ch->state = CH_OPENING_IN;
	ch->remote_id = rid;
	ch->rwin = win;
	ch->rmaxpkt = maxpkt;
	struct ssh_chan_event e = {.name = ch->type,
	                           .data = buf_ptr(m),
	                           .len = buf_len(m),
	                           .window = win,
	                           .max_packet = maxpkt};
	raise_chan(c, SSH_EV_CHAN_OPEN_REQUEST, id, ch, &e);
	return 0;
}

static int on_open_confirmation(struct ssh_conn *c, struct buf *m)
{
	uint32_t id, rid, win, maxpkt;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0 || buf_get_u32(m, &rid) < 0 || buf_get_u32(m, &win) < 0 ||
	    buf_get_u32(m, &maxpkt) < 0)
		return malformed(c, "CHANNEL_OPEN_CONFIRMATION");
	if ((r = peer_chan(c, id, "CHANNEL_OPEN_CONFIRMATION", true, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (ch->state != CH_OPENING_OUT)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
		                "CHANNEL_OPEN_CONFIRMATION for open channel %u", id);
	ch->state = CH_OPEN;
	ch->remote_id = rid;
	ch->rwin = win;
	ch->rmaxpkt = maxpkt;
	if (ch->flags & F_CLOSE_WANTED) {
		if ((r = chan_send_msg(c, CHMSG_CLOSE, 1, rid, 0)) < 0)
			return chan_send_failed(c, r);
		ch->flags |= F_CLOSE_SENT;
		return 0;
	}
	if (maxpkt < SSH_CHAN_MIN_MAX_PACKET)
		return chan_end(c, id, ch, SSH_EV_CHAN_OPEN_FAILED,
		                "peer's maximum packet size %u is too small", maxpkt);
	struct ssh_chan_event e = {
	        .data = buf_ptr(m), .len = buf_len(m), .window = win, .max_packet = maxpkt};
	raise_chan(c, SSH_EV_CHAN_OPEN_CONFIRMED, id, ch, &e);
	return 0;
}

static int on_open_failure(struct ssh_conn *c, struct channel_table *t, struct buf *m)
{
	uint32_t id, reason;
	const uint8_t *desc;
	size_t dl;
	struct chan *ch;
	int r;
	/* The language tag is ignored (and tolerated when missing). */
	if (buf_get_u32(m, &id) < 0 || buf_get_u32(m, &reason) < 0 ||
	    buf_get_string(m, &desc, &dl) < 0)
		return malformed(c, "CHANNEL_OPEN_FAILURE");
	if ((r = peer_chan(c, id, "CHANNEL_OPEN_FAILURE", true, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (ch->state != CH_OPENING_OUT)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
		                "CHANNEL_OPEN_FAILURE for open channel %u", id);
	struct ssh_chan_event e = {.code = reason, .text = sanitize(t, desc, dl)};
	raise_chan(c, SSH_EV_CHAN_OPEN_FAILED, id, ch, &e);
	/* Nothing in the event points into the slot. */
	chan_release(t, id);
	return 0;
}

static int on_window_adjust(struct ssh_conn *c, struct buf *m)
{
	uint32_t id, add;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0 || buf_get_u32(m, &add) < 0)
		return malformed(c, "CHANNEL_WINDOW_ADJUST");
	if ((r = peer_chan(c, id, "CHANNEL_WINDOW_ADJUST", false, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (add > UINT32_MAX - ch->rwin)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
		                "window adjust of %u overflows the window of %u", add, ch->rwin);
	ch->rwin += add;
	if ((ch->flags & F_WANT_WRITABLE) && ch->rwin > 0) {
		ch->flags &= ~F_WANT_WRITABLE;
		raise_chan(c, SSH_EV_CHAN_WRITABLE, id, ch, NULL);
	}
	return 0;
}

static int on_data(struct ssh_conn *c, struct buf *m, bool ext)
{
	const char *what = ext ? "CHANNEL_EXTENDED_DATA" : "CHANNEL_DATA";
	uint32_t id, code = 0;
	const uint8_t *data;
	size_t len;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0 || (ext && buf_get_u32(m, &code) < 0) ||
	    buf_get_string(m, &data, &len) < 0)
		return malformed(c, what);
	if ((r = peer_chan(c, id, what, false, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (ch->flags & F_EOF_RCVD)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE, "%s after EOF", what);
	if (len > ch->lmaxpkt)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
		                "%s of %zu bytes exceeds the maximum packet of %u", what, len,
		                ch->lmaxpkt);
	if (len > ch->lwin)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
		                "%s of %zu bytes exceeds the window of %u", what, len, ch->lwin);
	ch->lwin -= (uint32_t)len;
	if (len == 0)
		return 0;
	struct ssh_chan_event e = {.data = data, .len = len, .code = code};
	raise_chan(c, ext ? SSH_EV_CHAN_EXTENDED_DATA : SSH_EV_CHAN_DATA, id, ch, &e);
	return 0;
}

static int on_eof(struct ssh_conn *c, struct buf *m)
{
	uint32_t id;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0)
		return malformed(c, "CHANNEL_EOF");
	if ((r = peer_chan(c, id, "CHANNEL_EOF", false, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (ch->flags & F_EOF_RCVD)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE, "second CHANNEL_EOF");
	ch->flags |= F_EOF_RCVD;
	raise_chan(c, SSH_EV_CHAN_EOF, id, ch, NULL);
	return 0;
}

static int on_close(struct ssh_conn *c, struct channel_table *t, struct buf *m)
{
	uint32_t id;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0)
		return malformed(c, "CHANNEL_CLOSE");
	if ((r = peer_chan(c, id, "CHANNEL_CLOSE", false, &ch)) < 0)
		return r;
	if (!(ch->flags & F_CLOSE_SENT)) {
		/* RFC 4254 5.3: answer with our CLOSE. */
		if ((r = chan_send_msg(c, CHMSG_CLOSE, 1, ch->remote_id, 0)) < 0)
			return chan_send_failed(c, r);
	}
	if (!(ch->flags & F_DETACHED))
		raise_chan(c, SSH_EV_CHAN_CLOSE, id, ch, NULL);
	/* Both CLOSEs are out: the id is free (the event holds nothing of
	 * the slot, and a second CLOSE now names an unknown channel). */
	chan_release(t, id);
	return 0;
}

static int on_request(struct ssh_conn *c, struct channel_table *t, struct buf *m)
{
	uint32_t id;
	const uint8_t *name;
	size_t nl;
	bool want;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0 || buf_get_string(m, &name, &nl) < 0 ||
	    buf_get_bool(m, &want) < 0)
		return malformed(c, "CHANNEL_REQUEST");
	if ((r = peer_chan(c, id, "CHANNEL_REQUEST", false, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	uint32_t seq = 0;
	if (want) {
		if (ch->rq_tail - ch->rq_head >= SSH_CHAN_MAX_PENDING)
			return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE,
			                "more than %d unanswered channel requests",
			                SSH_CHAN_MAX_PENDING);
		seq = ch->rq_tail++;
	}
	if (!chan_valid_name(name, nl)) {
		/* Refused in its place in the reply order. */
		if (want && (r = chan_answer(c, ch, seq, false)) < 0)
			return chan_send_failed(c, r);
		return 0;
	}
	struct ssh_chan_event e = {.name = chan_copy_name(t, name, nl),
	                           .want_reply = want,
	                           .seq = seq,
	                           .data = buf_ptr(m),
	                           .len = buf_len(m)};
	raise_chan(c, SSH_EV_CHAN_REQUEST, id, ch, &e);
	return 0;
}

static int on_reply(struct ssh_conn *c, struct buf *m, bool ok)
{
	const char *what = ok ? "CHANNEL_SUCCESS" : "CHANNEL_FAILURE";
	uint32_t id;
	struct chan *ch;
	int r;
	if (buf_get_u32(m, &id) < 0)
		return malformed(c, what);
	if ((r = peer_chan(c, id, what, false, &ch)) < 0)
		return r;
	if (ch->flags & F_CLOSE_SENT)
		return 0;
	if (ch->req_acked == ch->req_sent)
		return chan_end(c, id, ch, SSH_EV_CHAN_CLOSE, "%s without a request", what);
	struct ssh_chan_event e = {.seq = ch->req_acked++};
	raise_chan(c, ok ? SSH_EV_CHAN_SUCCESS : SSH_EV_CHAN_FAILURE, id, ch, &e);
	return 0;
}

int channel_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	if (t > CHMSG_FAILURE || (t > CHMSG_GLOBAL_FAILURE && t < CHMSG_OPEN))
		return SLC_ERR_NOT_FOUND;
	struct channel_table *tab = chan_table(c);
	if (!tab)
		return chan_send_failed(c, SLC_ERR_NOMEM);
	/* A message left half built by the driver would be corrupted by
	 * our answers: drop it (the driver's _end then fails). */
	if (tab->build.kind != BUILD_NONE)
		ssh_chan_msg_abort(c);
	switch (t) {
	case CHMSG_GLOBAL_REQUEST:
		return global_on_request(c, tab, m);
	case CHMSG_GLOBAL_SUCCESS:
	case CHMSG_GLOBAL_FAILURE:
		return global_on_reply(c, tab, m, t == CHMSG_GLOBAL_SUCCESS);
	case CHMSG_OPEN:
		return on_open(c, tab, m);
	case CHMSG_OPEN_CONFIRMATION:
		return on_open_confirmation(c, m);
	case CHMSG_OPEN_FAILURE:
		return on_open_failure(c, tab, m);
	case CHMSG_WINDOW_ADJUST:
		return on_window_adjust(c, m);
	case CHMSG_DATA:
		return on_data(c, m, false);
	case CHMSG_EXTENDED_DATA:
		return on_data(c, m, true);
	case CHMSG_EOF:
		return on_eof(c, m);
	case CHMSG_CLOSE:
		return on_close(c, tab, m);
	case CHMSG_REQUEST:
		return on_request(c, tab, m);
	case CHMSG_SUCCESS:
		return on_reply(c, m, true);
	case CHMSG_FAILURE:
		return on_reply(c, m, false);
	default:
		return SLC_ERR_NOT_FOUND;
	}
}
