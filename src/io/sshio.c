/* sshio: see sshio.h.
 *
 * One batch = drain the core's events into on_event, then write its
 * output, then settle (timer, back-pressure, reading, closing). Batches
 * run after each read, write completion, timer and kick; a batch asked
 * for while one runs (a kick from on_event) is folded into it.
 *
 * Writing: ssh_conn_output()'s pointer is into a buffer the core may move
 * whenever it queues more (it compacts and reallocs), so it is only used
 * synchronously, with uv_try_write. What the kernel does not take at once
 * is copied (at most SIO_WRITE_CHUNK) into our own buffer for one uv_write
 * in flight; meanwhile new output stays in the core, where back-pressure
 * counts it. So bytes are copied only while the socket is full.
 *
 * Closing: FLUSHING (core done; write what is queued, keep reading and
 * discarding so the kernel does not answer our last bytes with a RST) ->
 * SHUTDOWN (FIN sent, wait for the peer's EOF) -> CLOSING (handles
 * closing; on_close once all are closed). SIO_LINGER_MS bounds the first
 * two together. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshio.h"

#define SIO_READ_SMALL (64 * 1024)
#define SIO_READ_BIG (256 * 1024)
#define SIO_WRITE_CHUNK (1024 * 1024)
/* When the core keeps reporting an expiry it does not act on (a rekey by
 * time is due while an exchange runs), look again this much later rather
 * than spin. */
#define SIO_EXPIRY_RETRY_MS 1000

enum sio_state { SIO_IDLE, SIO_OPEN, SIO_FLUSHING, SIO_SHUTDOWN, SIO_CLOSING };

struct sio_conn {
	uv_loop_t *loop;
	struct ssh_conn *ssh;
	struct sio_conn_cb cb;
	void *user;
	enum sio_state state;
	uv_stream_t *in, *out; /* owned; out == in for sockets */
	uv_timer_t timer; /* the core's expiry while OPEN, then the linger */
	uint64_t timer_due; /* UINT64_MAX: not armed for the core */
	uint64_t fired_due; /* the expiry the timer last fired for */
	int open_handles;

	/* reading */
	bool reading, bp_paused, eof;
	uint8_t *rbuf; /* only while bytes are in it (read or stashed) */
	size_t rcap, rsize;
	size_t stash; /* bytes at rbuf the core refused (SLC_ERR_LIMIT) */
	uint64_t last_input;

	/* writing */
	uv_write_t wreq;
	bool writing;
	uint8_t *wbuf;
	size_t wcap, wlen;
	uv_shutdown_t sreq;
	bool shutting;

	bool in_process, again;
	bool ev_disconnect; /* SSH_EV_DISCONNECT delivered (or not wanted) */
};

static void process(struct sio_conn *sc);
static void close_all(struct sio_conn *sc);

static int uv_to_slc(int status)
{
	errno = -status;
	return SLC_ERR_SYS;
}

int sio_conn_new(uv_loop_t *loop, const struct ssh_conn_config *cfg, const struct sio_conn_cb *cb,
                 void *user, struct sio_conn **out)
{
	struct sio_conn *sc;
	int r;
	if (!cb || !cb->on_event || !cb->on_close)
		return SLC_ERR_INVALID;
	if (!(sc = calloc(1, sizeof(*sc))))
		return SLC_ERR_NOMEM;
	if ((r = ssh_conn_new(cfg, &sc->ssh)) < 0) {
		free(sc);
		return r;
	}
	sc->loop = loop;
	sc->cb = *cb;
	sc->user = user;
	sc->rsize = SIO_READ_SMALL;
	sc->timer_due = UINT64_MAX;
	sc->fired_due = UINT64_MAX;
	*out = sc;
	return 0;
}

static void sc_free(struct sio_conn *sc)
{
	ssh_conn_del(sc->ssh);
	free(sc->rbuf);
	free(sc->wbuf);
	free(sc);
}

void sio_conn_del(struct sio_conn *sc)
{
	if (sc && sc->state == SIO_IDLE)
		sc_free(sc);
}

struct ssh_conn *sio_conn_ssh(const struct sio_conn *sc)
{
	return sc->ssh;
}

void *sio_conn_user(const struct sio_conn *sc)
{
	return sc->user;
}

void sio_conn_set_user(struct sio_conn *sc, void *user)
{
	sc->user = user;
}

size_t sio_conn_unsent(const struct sio_conn *sc)
{
	size_t len;
	(void)ssh_conn_output(sc->ssh, &len);
	return len + sc->wlen;
}

uint64_t sio_conn_last_input(const struct sio_conn *sc)
{
	return sc->last_input;
}

int sio_conn_peer_addr(const struct sio_conn *sc, struct sockaddr_storage *ss)
{
	int len = sizeof(*ss);
	if (!sc->in || sc->in->type != UV_TCP)
		return uv_to_slc(UV_ENOTSOCK);
	int r = uv_tcp_getpeername((const uv_tcp_t *)sc->in, (struct sockaddr *)ss, &len);
	return r < 0 ? uv_to_slc(r) : 0;
}

/* ---- closing ---- */

static void on_handle_closed(uv_handle_t *h)
{
	struct sio_conn *sc = h->data;
	if (h != (uv_handle_t *)&sc->timer)
		free(h);
	if (--sc->open_handles > 0)
		return;
	sc->cb.on_close(sc, sc->user);
	sc_free(sc);
}

static void close_all(struct sio_conn *sc)
{
	if (sc->state == SIO_CLOSING || sc->state == SIO_IDLE)
		return;
	sc->state = SIO_CLOSING;
	sc->reading = false;
	/* Closing a stream cancels its pending write and shutdown; their
	 * callbacks run (UV_ECANCELED) before the close callbacks. */
	uv_close((uv_handle_t *)sc->in, on_handle_closed);
	if (sc->out != sc->in)
		uv_close((uv_handle_t *)sc->out, on_handle_closed);
	uv_close((uv_handle_t *)&sc->timer, on_handle_closed);
}

/* The stream ended before the core did: tell the program, once. */
static void deliver_lost(struct sio_conn *sc, bool by_peer, const char *text)
{
	if (sc->ev_disconnect)
		return;
	sc->ev_disconnect = true;
	struct ssh_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = SSH_EV_DISCONNECT;
	ev.disconnect.reason = SSH_DISCONNECT_CONNECTION_LOST;
	ev.disconnect.text = text;
	ev.disconnect.by_peer = by_peer;
	sc->cb.on_event(sc, &ev, sc->user);
}

static void fail_io(struct sio_conn *sc, const char *what, int status)
{
	char text[160];
	if (sc->state == SIO_CLOSING)
		return;
	snprintf(text, sizeof(text), "%s: %s", what, uv_strerror(status));
	deliver_lost(sc, false, text);
	close_all(sc);
}

static void begin_flush(struct sio_conn *sc)
{
	if (sc->state != SIO_OPEN)
		return;
	sc->state = SIO_FLUSHING;
	sc->stash = 0;
	sc->bp_paused = false;
	sc->timer_due = UINT64_MAX;
	uv_timer_stop(&sc->timer); /* settle() arms the linger */
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct sio_conn *sc = req->data;
	sc->shutting = false;
	if (sc->state == SIO_CLOSING)
		return;
	if (status < 0 || sc->eof)
		close_all(sc);
	/* else wait for the peer's EOF (or the linger timer) */
}

static void begin_shutdown(struct sio_conn *sc)
{
	sc->state = SIO_SHUTDOWN;
	if (sc->out->type == UV_TCP && !sc->eof) {
		sc->sreq.data = sc;
		if (uv_shutdown(&sc->sreq, sc->out, on_shutdown) == 0) {
			sc->shutting = true;
			return;
		}
	}
	close_all(sc);
}

void sio_conn_close(struct sio_conn *sc)
{
	if (sc->state != SIO_OPEN)
		return;
	sc->ev_disconnect = true; /* the program ended it; it needs no event */
	begin_flush(sc);
	process(sc);
}

void sio_conn_abort(struct sio_conn *sc)
{
	if (sc->state == SIO_IDLE || sc->state == SIO_CLOSING)
		return;
	sc->ev_disconnect = true;
	close_all(sc);
}

/* ---- timer ---- */

static void on_timer(uv_timer_t *t)
{
	struct sio_conn *sc = t->data;
	if (sc->state != SIO_OPEN) {
		close_all(sc); /* the linger ran out */
		return;
	}
	sc->fired_due = sc->timer_due;
	sc->timer_due = UINT64_MAX;
	ssh_conn_on_expiry(sc->ssh, uv_now(sc->loop));
	process(sc);
}

static void arm_timer(struct sio_conn *sc)
{
	uint64_t due = ssh_conn_next_expiry(sc->ssh);
	if (due == sc->timer_due)
		return;
	sc->timer_due = due;
	if (due == UINT64_MAX) {
		uv_timer_stop(&sc->timer);
		return;
	}
	uint64_t now = uv_now(sc->loop);
	uint64_t delay = due > now ? due - now : 0;
	if (due <= now && due == sc->fired_due)
		delay = SIO_EXPIRY_RETRY_MS;
	uv_timer_start(&sc->timer, on_timer, delay, 0);
}

static void arm_linger(struct sio_conn *sc)
{
	if (!uv_is_active((uv_handle_t *)&sc->timer))
		uv_timer_start(&sc->timer, on_timer, SIO_LINGER_MS, 0);
}

/* ---- reading ---- */

static void release_rbuf(struct sio_conn *sc)
{
	if (sc->stash)
		return;
	free(sc->rbuf);
	sc->rbuf = NULL;
	sc->rcap = 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct sio_conn *sc = h->data;
	if (sc->rbuf && sc->rcap < sc->rsize)
		release_rbuf(sc);
	if (!sc->rbuf) {
		if (!(sc->rbuf = malloc(sc->rsize))) {
			*b = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
			return;
		}
		sc->rcap = sc->rsize;
	}
	*b = uv_buf_init((char *)sc->rbuf, (unsigned)sc->rcap);
}

/* Our own failure on this connection (memory): end it through the core,
 * so the peer learns why. */
static void local_fail(struct sio_conn *sc, int err)
{
	ssh_conn_disconnect(sc->ssh, SSH_DISCONNECT_BY_APPLICATION, slc_strerror(err));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct sio_conn *sc = s->data;
	(void)b;
	if (nread == 0 || sc->state == SIO_CLOSING)
		return;
	if (nread < 0) {
		release_rbuf(sc);
		if (nread == UV_EOF) {
			sc->eof = true;
			if (sc->state == SIO_OPEN)
				deliver_lost(sc, true, "Connection closed by remote host");
			close_all(sc);
			return;
		}
		fail_io(sc, "read", (int)nread);
		return;
	}
	size_t n = (size_t)nread;
	bool full = n == sc->rcap;
	sc->last_input = uv_now(sc->loop);
	/* Bulk transfers get bigger reads; a quiet connection smaller ones. */
	if (full)
		sc->rsize = SIO_READ_BIG;
	else if (n < SIO_READ_SMALL)
		sc->rsize = SIO_READ_SMALL;
	if (sc->state != SIO_OPEN) {
		/* closing: input is read only to be discarded */
		if (!full)
			release_rbuf(sc);
		return;
	}
	int r = ssh_conn_feed(sc->ssh, sc->rbuf, n, sc->last_input);
	if (r == SLC_ERR_LIMIT)
		sc->stash = n; /* kept in rbuf; reading stops until it is in */
	else if (r < 0)
		local_fail(sc, r);
	/* A short read drained the socket: an idle connection holds no
	 * read buffer. */
	if (!full)
		release_rbuf(sc);
	process(sc);
}

static void update_reading(struct sio_conn *sc)
{
	bool want;
	switch (sc->state) {
	case SIO_OPEN:
		want = !sc->eof && !sc->bp_paused && !sc->stash;
		break;
	case SIO_FLUSHING:
	case SIO_SHUTDOWN:
		want = !sc->eof;
		break;
	default:
		want = false;
	}
	if (want == sc->reading)
		return;
	if (want) {
		int r = uv_read_start(sc->in, on_alloc, on_read);
		if (r < 0) {
			fail_io(sc, "read", r);
			return;
		}
	} else {
		uv_read_stop(sc->in);
	}
	sc->reading = want;
}

/* ---- writing ---- */

static void on_write(uv_write_t *req, int status)
{
	struct sio_conn *sc = req->data;
	sc->writing = false;
	sc->wlen = 0;
	if (sc->state == SIO_CLOSING)
		return;
	if (status < 0) {
		fail_io(sc, "write", status);
		return;
	}
	process(sc);
}

static void flush(struct sio_conn *sc)
{
	size_t len;
	const uint8_t *p;
	int n;

	if (sc->writing || (sc->state != SIO_OPEN && sc->state != SIO_FLUSHING))
		return;
	p = ssh_conn_output(sc->ssh, &len);
	if (len == 0)
		return;
	uv_buf_t b = uv_buf_init((char *)p,
	                         len > SIO_WRITE_CHUNK * 64 ? SIO_WRITE_CHUNK * 64 : (unsigned)len);
	n = uv_try_write(sc->out, &b, 1);
	if (n == UV_EAGAIN || n == UV_ENOSYS)
		n = 0;
	else if (n < 0) {
		fail_io(sc, "write", n);
		return;
	}
	ssh_conn_consume_output(sc->ssh, (size_t)n);
	p = ssh_conn_output(sc->ssh, &len);
	if (len == 0)
		return;
	size_t chunk = len < SIO_WRITE_CHUNK ? len : SIO_WRITE_CHUNK;
	if (sc->wcap < chunk) {
		free(sc->wbuf);
		sc->wcap = 0;
		if (!(sc->wbuf = malloc(chunk))) {
			fail_io(sc, "write", UV_ENOMEM);
			return;
		}
		sc->wcap = chunk;
	}
	memcpy(sc->wbuf, p, chunk);
	ssh_conn_consume_output(sc->ssh, chunk);
	sc->wlen = chunk;
	sc->wreq.data = sc;
	b = uv_buf_init((char *)sc->wbuf, (unsigned)chunk);
	int r = uv_write(&sc->wreq, sc->out, &b, 1, on_write);
	if (r < 0) {
		sc->wlen = 0;
		fail_io(sc, "write", r);
		return;
	}
	sc->writing = true;
}

/* ---- batches ---- */

static void drain(struct sio_conn *sc)
{
	struct ssh_event ev;
	for (;;) {
		while (sc->state == SIO_OPEN && ssh_conn_next_event(sc->ssh, &ev)) {
			if (ev.type == SSH_EV_DISCONNECT)
				sc->ev_disconnect = true;
			sc->cb.on_event(sc, &ev, sc->user);
			if (ev.type == SSH_EV_DISCONNECT)
				begin_flush(sc);
		}
		if (sc->state != SIO_OPEN || !sc->stash)
			return;
		/* Events drained: the core may take the refused bytes now. If
		 * not, it waits for an answer (a host key verdict) and a kick. */
		int r = ssh_conn_feed(sc->ssh, sc->rbuf, sc->stash, uv_now(sc->loop));
		if (r == SLC_ERR_LIMIT)
			return;
		sc->stash = 0;
		release_rbuf(sc);
		if (r < 0)
			local_fail(sc, r);
	}
}

static void settle(struct sio_conn *sc)
{
	size_t len;
	if (!sc->writing && sc->wbuf) {
		free(sc->wbuf);
		sc->wbuf = NULL;
		sc->wcap = 0;
	}
	if (sc->state == SIO_OPEN) {
		bool drained = false;
		size_t unsent = sio_conn_unsent(sc);
		arm_timer(sc);
		if (!sc->bp_paused && unsent > SIO_HIGH_WATER) {
			sc->bp_paused = true;
		} else if (sc->bp_paused && unsent <= SIO_LOW_WATER) {
			sc->bp_paused = false;
			drained = true;
		}
		update_reading(sc);
		if (drained && sc->state == SIO_OPEN && sc->cb.on_drain)
			sc->cb.on_drain(sc, sc->user);
		return;
	}
	if (sc->state == SIO_FLUSHING) {
		arm_linger(sc);
		(void)ssh_conn_output(sc->ssh, &len);
		if (!sc->writing && len == 0)
			begin_shutdown(sc);
	}
	if (sc->state == SIO_FLUSHING || sc->state == SIO_SHUTDOWN)
		update_reading(sc);
}

static void process(struct sio_conn *sc)
{
	if (sc->in_process) {
		sc->again = true;
		return;
	}
	sc->in_process = true;
	do {
		sc->again = false;
		if (sc->state == SIO_OPEN)
			drain(sc);
		flush(sc);
	} while (sc->again && (sc->state == SIO_OPEN || sc->state == SIO_FLUSHING));
	sc->in_process = false;
	if (sc->state != SIO_CLOSING)
		settle(sc);
}

void sio_conn_kick(struct sio_conn *sc)
{
	if (sc->state == SIO_OPEN || sc->state == SIO_FLUSHING)
		process(sc);
}

int sio_conn_start(struct sio_conn *sc, uv_stream_t *in, uv_stream_t *out)
{
	int r;
	if (sc->state != SIO_IDLE || !in)
		return SLC_ERR_INVALID;
	sc->in = in;
	sc->out = out ? out : in;
	sc->in->data = sc;
	sc->out->data = sc;
	uv_timer_init(sc->loop, &sc->timer);
	sc->timer.data = sc;
	sc->open_handles = sc->out == sc->in ? 2 : 3;
	sc->state = SIO_OPEN;
	sc->last_input = uv_now(sc->loop);
	/* SSH is request/response during kex and interactive use; Nagle
	 * would only add round trips. Failure is harmless. */
	if (sc->in->type == UV_TCP)
		(void)uv_tcp_nodelay((uv_tcp_t *)sc->in, 1);
	if (sc->out != sc->in && sc->out->type == UV_TCP)
		(void)uv_tcp_nodelay((uv_tcp_t *)sc->out, 1);
	if ((r = ssh_conn_start(sc->ssh, uv_now(sc->loop))) < 0) {
		sc->ev_disconnect = true;
		close_all(sc);
		return r;
	}
	if ((r = uv_read_start(sc->in, on_alloc, on_read)) < 0) {
		sc->ev_disconnect = true;
		close_all(sc);
		return uv_to_slc(r);
	}
	sc->reading = true;
	process(sc);
	return 0;
}
