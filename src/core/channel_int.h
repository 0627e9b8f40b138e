/* Internal to channel.c and global.c: the channel table. */
#ifndef SLC_CHANNEL_INT_H
#define SLC_CHANNEL_INT_H

#include "conn_int.h"

/* RFC 4254 message numbers */
enum chan_msg {
	CHMSG_GLOBAL_REQUEST = 80,
	CHMSG_GLOBAL_SUCCESS = 81,
	CHMSG_GLOBAL_FAILURE = 82,
	CHMSG_OPEN = 90,
	CHMSG_OPEN_CONFIRMATION = 91,
	CHMSG_OPEN_FAILURE = 92,
	CHMSG_WINDOW_ADJUST = 93,
	CHMSG_DATA = 94,
	CHMSG_EXTENDED_DATA = 95,
	CHMSG_EOF = 96,
	CHMSG_CLOSE = 97,
	CHMSG_REQUEST = 98,
	CHMSG_SUCCESS = 99,
	CHMSG_FAILURE = 100,
};

enum chan_state {
	CH_FREE, /* on the free list */
	CH_OPENING_OUT, /* our CHANNEL_OPEN is out */
	CH_OPENING_IN, /* the peer's CHANNEL_OPEN waits for the driver */
	CH_OPEN, /* confirmed; flags tell EOF/CLOSE */
};

enum chan_flag {
	F_EOF_SENT = 1 << 0,
	F_EOF_RCVD = 1 << 1,
	F_CLOSE_SENT = 1 << 2,
	/* The driver had its terminal event; the slot only waits for the
	 * peer's CLOSE (implies F_CLOSE_SENT). */
	F_DETACHED = 1 << 3,
	F_CLOSE_WANTED = 1 << 4, /* closed by the driver while opening */
	F_WANT_WRITABLE = 1 << 5, /* a write was cut short by the window */
	F_TYPE_OWNED = 1 << 6, /* type was allocated (not a known name) */
};

/* One channel: 72 bytes plus, for uncommon types, the type string. */
struct chan {
	uint32_t remote_id; /* the free-list link while CH_FREE */
	/* our side: what the peer may still send, what the driver consumed
	 * and we have not yet given back, our window and packet size;
	 * received-but-unconsumed = lwin_max - lwin - lconsumed */
	uint32_t lwin, lconsumed, lwin_max, lmaxpkt;
	/* their side: what we may still send */
	uint32_t rwin, rmaxpkt;
	/* our want-reply requests: sent and answered */
	uint32_t req_sent, req_acked;
	/* the peer's want-reply requests: [rq_head, rq_tail) unanswered on
	 * the wire; bit seq % 32 of rq_done is set once the driver answered */
	uint32_t rq_head, rq_tail;
	uint32_t rq_done, rq_ok;
	uint8_t state;
	uint8_t flags;
	const char *type;
	void *user;
};

enum build_kind {
	BUILD_NONE,
	BUILD_OPEN,
	BUILD_CONFIRM,
	BUILD_REQUEST,
	BUILD_GREQUEST,
	BUILD_DATA,
};

/* The message the driver is building in place. */
struct build {
	uint8_t kind;
	bool want_reply;
	bool deferred; /* DATA: in c->deferred, else in the packet output */
	uint32_t id;
	size_t data_off, room; /* DATA: absolute offset of the data, its size */
};

struct held_reply {
	uint8_t *data;
	size_t len;
};

struct channel_table {
	struct chan *v;
	uint32_t n, cap; /* slots ever used / allocated */
	uint32_t free_head; /* UINT32_MAX: empty */
	uint32_t live;
	struct build build;
	/* our want-reply global requests: sent and answered */
	uint32_t gl_sent, gl_acked;
	/* the peer's: as rq_* of struct chan, 64 deep */
	uint32_t gq_head, gq_tail;
	uint64_t gq_done, gq_ok;
	struct held_reply *held; /* [SSH_GLOBAL_MAX_PENDING], while answers wait */
	char text[256]; /* event text: descriptions, reasons, names */
};

struct channel_table *chan_table(struct ssh_conn *c);
SLC_WUR int chan_api_table(struct ssh_conn *c, struct channel_table **out);
bool chan_valid_name(const uint8_t *p, size_t len);
const char *chan_copy_name(struct channel_table *t, const uint8_t *p, size_t len);
SLC_WUR int chan_send_msg(struct ssh_conn *c, uint8_t type, int nargs, uint32_t a, uint32_t b);
int chan_send_failed(struct ssh_conn *c, int r);

/* global.c */
SLC_WUR int global_on_request(struct ssh_conn *c, struct channel_table *t, struct buf *m);
SLC_WUR int global_on_reply(struct ssh_conn *c, struct channel_table *t, struct buf *m, bool ok);
void global_free(struct channel_table *t);

#endif
