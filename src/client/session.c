/* session: the "session" channel of ssh(1): exec a command or start a
 * shell, stdin to the channel, channel data to stdout and stderr, the
 * remote exit status as ours (RFC 4254 6).
 *
 * Local I/O goes through uv_fs_read/uv_fs_write so that stdin and stdout
 * may be anything (a pipe, a tty, a regular file, /dev/null). One read and
 * one write per descriptor are in flight at a time, which keeps output in
 * order; flow control is end to end: channel data is consumed (and the
 * window given back) only once written out, and stdin is read only when
 * the channel can take more. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "alglist.h"
#include "client.h"

extern char **environ;

#define STDIN_CHUNK (64u * 1024)

struct outchunk {
	struct outchunk *next;
	size_t len, off;
	uint8_t data[];
};

struct outq {
	int fd;
	struct outchunk *head, *tail;
	bool busy;
	uv_fs_t req;
	bool failed;
};

struct session {
	uint32_t id;
	bool open, closed;
	bool stdin_eof, reading; /* reading: a uv_fs_read is in flight */
	/* Pipes, sockets and terminals are read as libuv streams (nothing
	 * sits in the thread pool); regular files and devices with uv_fs_read. */
	uv_stream_t *in_stream;
	bool stream_reading;
	int stdin_flags; /* to restore O_NONBLOCK at exit, -1: untouched */
	uint32_t pty_seq;
	bool pty_asked;
	uv_fs_t rreq;
	uint8_t *inbuf;
	size_t in_len, in_off; /* unsent part of inbuf */
	struct outq out[2];
	bool got_status;
	bool tty_raw;
	struct termios saved_tio;
	uv_signal_t winch;
	bool winch_on;
};

static struct session S;

static void stdin_pump(void);

/* n bytes read into S.inbuf, or the end of stdin when n <= 0. */
static void stdin_got(ssize_t n)
{
	if (n <= 0) {
		S.stdin_eof = true;
		if (ssh_chan_eof(sio_conn_ssh(CL.sc), S.id) == 0)
			sio_conn_kick(CL.sc);
		return;
	}
	S.in_len = (size_t)n;
	S.in_off = 0;
	stdin_pump();
}

bool session_stdin_busy(void)
{
	return S.reading;
}

bool session_outputs_idle(void)
{
	return !S.out[0].busy && !S.out[1].busy;
}

static void outq_start(struct outq *q);

/* Drop the head chunk, done with, and give its bytes back to the
 * channel's window. */
static void outq_pop(struct outq *q)
{
	struct outchunk *ch = q->head;
	q->head = ch->next;
	if (!q->head)
		q->tail = NULL;
	if (CL.sc && !S.closed && ssh_chan_consume(sio_conn_ssh(CL.sc), S.id, ch->len) == 0)
		sio_conn_kick(CL.sc);
	free(ch);
}

static void on_written(uv_fs_t *req)
{
	struct outq *q = req->data;
	struct outchunk *ch = q->head;
	ssize_t n = req->result;
	uv_fs_req_cleanup(req);
	q->busy = false;
	if (n < 0) {
		/* stdout gone (EPIPE): drop what is left, as ssh does */
		q->failed = true;
		n = (ssize_t)(ch->len - ch->off);
	}
	ch->off += (size_t)n;
	if (ch->off == ch->len)
		outq_pop(q);
	outq_start(q);
	client_maybe_exit();
}

static void outq_start(struct outq *q)
{
	if (q->busy || !q->head)
		return;
	struct outchunk *ch = q->head;
	uv_buf_t b = uv_buf_init((char *)ch->data + ch->off, (unsigned)(ch->len - ch->off));
	q->req.data = q;
	if (q->failed || uv_fs_write(CL.loop, &q->req, q->fd, &b, 1, -1, on_written) < 0) {
		q->failed = true;
		/* Pretend written so the window still moves. */
		outq_pop(q);
		outq_start(q);
		return;
	}
	q->busy = true;
}

static void outq_push(struct outq *q, const uint8_t *data, size_t len)
{
	struct outchunk *ch = malloc(sizeof(*ch) + len);
	if (!ch) {
		client_end(EXIT_SSH_ERROR, "out of memory");
		return;
	}
	ch->next = NULL;
	ch->len = len;
	ch->off = 0;
	memcpy(ch->data, data, len);
	if (q->tail)
		q->tail->next = ch;
	else
		q->head = ch;
	q->tail = ch;
	outq_start(q);
}

static void on_stdin(uv_fs_t *req)
{
	ssize_t n = req->result;
	uv_fs_req_cleanup(req);
	S.reading = false;
	if (S.closed || !CL.sc)
		return;
	stdin_got(n);
}

static void on_stream_alloc(uv_handle_t *h, size_t size, uv_buf_t *b)
{
	b->base = (char *)S.inbuf;
	b->len = STDIN_CHUNK;
}

static void stream_stop(void)
{
	if (S.stream_reading) {
		uv_read_stop(S.in_stream);
		S.stream_reading = false;
	}
}

static void on_stream_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	if (n == 0)
		return;
	if (S.closed || !CL.sc) {
		stream_stop();
		return;
	}
	if (n < 0)
		stream_stop();
	stdin_got(n);
}

/* Send what is buffered from stdin, then read more if the channel and the
 * connection's output can take it. */
static void stdin_pump(void)
{
	if (S.closed || !CL.sc || S.stdin_eof || S.reading)
		return;
	struct ssh_conn *c = sio_conn_ssh(CL.sc);
	while (S.in_off < S.in_len) {
		size_t taken = 0;
		int r = ssh_chan_write(c, S.id, S.inbuf + S.in_off, S.in_len - S.in_off, &taken);
		if (r < 0 || taken == 0) {
			if (r < 0 && r != SLC_ERR_AGAIN) {
				S.stdin_eof = true; /* the channel will not take more */
				S.in_off = S.in_len;
			}
			break;
		}
		S.in_off += taken;
	}
	sio_conn_kick(CL.sc);
	if (S.in_off < S.in_len || S.stdin_eof || sio_conn_unsent(CL.sc) > SIO_HIGH_WATER) {
		stream_stop(); /* WRITABLE or on_drain will call us */
		return;
	}
	if (S.in_stream) {
		if (!S.stream_reading &&
		    uv_read_start(S.in_stream, on_stream_alloc, on_stream_read) == 0)
			S.stream_reading = true;
		return;
	}
	uv_buf_t b = uv_buf_init((char *)S.inbuf, STDIN_CHUNK);
	if (uv_fs_read(CL.loop, &S.rreq, STDIN_FILENO, &b, 1, -1, on_stdin) == 0)
		S.reading = true;
	else {
		S.stdin_eof = true;
		if (ssh_chan_eof(c, S.id) == 0)
			sio_conn_kick(CL.sc);
	}
}

/* Pick how stdin is read (see struct session). libuv makes the
 * descriptor non-blocking; the flags are put back at exit, since the
 * file description may be shared with the shell. */
static void stdin_setup(void)
{
	uv_handle_type t = uv_guess_handle(STDIN_FILENO);
	S.stdin_flags = -1;
	if (t != UV_TTY && t != UV_NAMED_PIPE && t != UV_TCP)
		return;
	S.stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
	if (t == UV_TTY) {
		uv_tty_t *tty = malloc(sizeof(*tty));
		if (tty && uv_tty_init(CL.loop, tty, STDIN_FILENO, 1) == 0) {
			S.in_stream = (uv_stream_t *)tty;
			return;
		}
		free(tty);
	} else {
		uv_pipe_t *p = malloc(sizeof(*p));
		if (p && uv_pipe_init(CL.loop, p, 0) == 0) {
			if (uv_pipe_open(p, STDIN_FILENO) == 0) {
				S.in_stream = (uv_stream_t *)p;
				return;
			}
			sio_close_free((uv_handle_t *)p);
			return;
		}
		free(p);
	}
}

void session_stdin_restore(void)
{
	if (S.stdin_flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, S.stdin_flags);
}

void session_drain(void)
{
	if (CL.sess)
		stdin_pump();
}

void session_tty_restore(void)
{
	if (S.tty_raw) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &S.saved_tio);
		S.tty_raw = false;
	}
}

static void tty_make_raw(void)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &S.saved_tio) < 0)
		return;
	t = S.saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0) {
		S.tty_raw = true;
		atexit(session_tty_restore);
	}
}

static void send_window_change(uv_signal_t *h, int sig)
{
	struct winsize ws;
	struct buf *x = NULL;
	if (S.closed || !CL.sc || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	struct ssh_conn *c = sio_conn_ssh(CL.sc);
	if (ssh_chan_request(c, S.id, "window-change", false, NULL, &x) < 0)
		return;
	if (buf_put_u32(x, ws.ws_col) < 0 || buf_put_u32(x, ws.ws_row) < 0 ||
	    buf_put_u32(x, ws.ws_xpixel) < 0 || buf_put_u32(x, ws.ws_ypixel) < 0) {
		ssh_chan_msg_abort(c);
		return;
	}
	if (ssh_chan_msg_end(c) == 0)
		sio_conn_kick(CL.sc);
}

/* pty-req: TERM, the window size and a few terminal modes (RFC 4254 8). */
static int request_pty(struct ssh_conn *c)
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct termios t;
	struct buf *x = NULL;
	const char *term = getenv("TERM");
	int r;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0) {
		ws.ws_row = 24;
		ws.ws_col = 80;
	}
	if ((r = ssh_chan_request(c, S.id, "pty-req", true, &S.pty_seq, &x)) < 0)
		return r;
	struct buf modes;
	buf_init(&modes);
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		/* opcode values from RFC 4254 8 */
		static const struct {
			uint8_t op;
			int cc;
		} ccs[] = {{1, VINTR}, {2, VQUIT},  {3, VERASE}, {4, VKILL},
		           {5, VEOF},  {9, VSTART}, {10, VSTOP}, {11, VSUSP}};
		for (size_t i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++)
			if (buf_put_u8(&modes, ccs[i].op) < 0 ||
			    buf_put_u32(&modes, t.c_cc[ccs[i].cc]) < 0)
				break;
		if (buf_put_u8(&modes, 50) < 0 || buf_put_u32(&modes, !!(t.c_lflag & ISIG)) < 0 ||
		    buf_put_u8(&modes, 51) < 0 || buf_put_u32(&modes, !!(t.c_lflag & ICANON)) < 0 ||
		    buf_put_u8(&modes, 53) < 0 || buf_put_u32(&modes, !!(t.c_lflag & ECHO)) < 0 ||
		    buf_put_u8(&modes, 72) < 0 || buf_put_u32(&modes, !!(t.c_oflag & OPOST)) < 0 ||
		    buf_put_u8(&modes, 73) < 0 || buf_put_u32(&modes, !!(t.c_oflag & ONLCR)) < 0 ||
		    buf_put_u8(&modes, 36) < 0 || buf_put_u32(&modes, !!(t.c_iflag & ICRNL)) < 0) {
			/* a short list is still valid */
		}
	}
	r = buf_put_u8(&modes, 0);
	if (r == 0)
		r = buf_put_cstring(x, term ? term : "");
	if (r == 0)
		r = buf_put_u32(x, ws.ws_col);
	if (r == 0)
		r = buf_put_u32(x, ws.ws_row);
	if (r == 0)
		r = buf_put_u32(x, ws.ws_xpixel);
	if (r == 0)
		r = buf_put_u32(x, ws.ws_ypixel);
	if (r == 0)
		r = buf_put_string(x, buf_ptr(&modes), buf_len(&modes));
	buf_free(&modes);
	if (r < 0) {
		ssh_chan_msg_abort(c);
		return r;
	}
	if ((r = ssh_chan_msg_end(c)) < 0)
		return r;
	S.pty_asked = true;
	tty_make_raw();
	if (uv_signal_init(CL.loop, &S.winch) == 0) {
		S.winch_on = true;
		if (uv_signal_start(&S.winch, send_window_change, SIGWINCH) < 0)
			S.winch_on = false;
		uv_unref((uv_handle_t *)&S.winch);
	}
	return 0;
}

int session_start(struct ssh_conn *c)
{
	CL.sess = &S;
	S.out[0].fd = STDOUT_FILENO;
	S.out[1].fd = STDERR_FILENO;
	if (CL.cfg.session_type == SSH_SESSION_NONE)
		return 0; /* -N: only the connection (forwardings, later) */
	if (!(S.inbuf = malloc(STDIN_CHUNK)))
		return SLC_ERR_NOMEM;
	return ssh_chan_open(c, "session", NULL, &S.id, NULL);
}

static int send_env_one(struct ssh_conn *c, const char *name, size_t nlen, const char *value)
{
	struct buf *x = NULL;
	int r = ssh_chan_request(c, S.id, "env", false, NULL, &x);
	if (r < 0)
		return r;
	if ((r = buf_put_string(x, name, nlen)) < 0 || (r = buf_put_cstring(x, value)) < 0) {
		ssh_chan_msg_abort(c);
		return r;
	}
	return ssh_chan_msg_end(c);
}

static bool set_env_has(const char *name, size_t nlen)
{
	for (size_t i = 0; i < CL.cfg.set_env.n; i++)
		if (!strncmp(CL.cfg.set_env.v[i], name, nlen) && CL.cfg.set_env.v[i][nlen] == '=')
			return true;
	return false;
}

/* SetEnv values, then the local variables SendEnv names (a "-pattern"
 * takes back what earlier patterns gave), as "env" requests; the server
 * decides what it accepts (AcceptEnv). */
static void send_env(struct ssh_conn *c)
{
	for (size_t i = 0; i < CL.cfg.set_env.n; i++) {
		const char *v = CL.cfg.set_env.v[i], *eq = strchr(v, '=');
		if (eq && send_env_one(c, v, (size_t)(eq - v), eq + 1) < 0)
			return;
	}
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			continue;
		char *name = strndup(*e, (size_t)(eq - *e));
		if (!name)
			return;
		bool send = false;
		for (size_t i = 0; i < CL.cfg.send_env.n; i++) {
			const char *pat = CL.cfg.send_env.v[i];
			bool neg = pat[0] == '-';
			if (alglist_match_pattern(name, neg ? pat + 1 : pat))
				send = !neg;
		}
		if (send && !set_env_has(name, strlen(name))) {
			slc_debug("Sending env %s", name);
			if (send_env_one(c, name, strlen(name), eq + 1) < 0) {
				free(name);
				return;
			}
		}
		free(name);
	}
}

static void on_confirmed(struct ssh_conn *c)
{
	struct buf *x = NULL;
	S.open = true;
	if (CL.want_tty && request_pty(c) < 0)
		cl_msg(SSH_LOG_ERROR, "PTY allocation request failed on channel %u", S.id);
	send_env(c);
	int r;
	if (CL.command) {
		r = ssh_chan_request(c, S.id, "exec", true, NULL, &x);
		if (r == 0 && (r = buf_put_cstring(x, CL.command)) < 0)
			ssh_chan_msg_abort(c);
		if (r == 0)
			r = ssh_chan_msg_end(c);
	} else {
		r = ssh_chan_request(c, S.id, "shell", true, NULL, NULL);
	}
	if (r < 0) {
		client_end(EXIT_SSH_ERROR, "cannot start the session");
		return;
	}
	if (CL.stdin_null) {
		S.stdin_eof = true;
		if (ssh_chan_eof(c, S.id) < 0)
			slc_debug("cannot send EOF");
	} else {
		stdin_setup();
		stdin_pump();
	}
}

static void on_request(struct ssh_conn *c, const struct ssh_event *ev)
{
	struct buf b;
	buf_init_view(&b, ev->chan.data, ev->chan.len);
	bool ok = false;
	if (!strcmp(ev->chan.name, "exit-status")) {
		uint32_t st = 0;
		if (buf_get_u32(&b, &st) == 0) {
			CL.exit_status = (int)(st & 0xff);
			S.got_status = true;
			ok = true;
		}
	} else if (!strcmp(ev->chan.name, "exit-signal")) {
		const uint8_t *sig = NULL, *msg = NULL;
		size_t slen = 0, mlen = 0;
		bool core = false;
		if (buf_get_string(&b, &sig, &slen) == 0 && buf_get_bool(&b, &core) == 0) {
			if (buf_get_string(&b, &msg, &mlen) < 0)
				mlen = 0;
			/* ssh's debug line, shown as its default level shows it */
			cl_msg(SSH_LOG_VERBOSE, "Remote command killed by signal %.*s%s%.*s",
			       (int)slen, (const char *)sig, mlen ? ": " : "", (int)mlen,
			       (const char *)msg);
			CL.exit_status = EXIT_SSH_ERROR;
			S.got_status = true;
			ok = true;
		}
	}
	if (ev->chan.want_reply && ssh_chan_reply(c, ev->chan.id, ev->chan.seq, ok) < 0)
		slc_debug("cannot reply to %s", ev->chan.name);
}

void session_event(struct ssh_conn *c, const struct ssh_event *ev)
{
	switch (ev->type) {
	case SSH_EV_CHAN_OPEN_REQUEST:
		/* nothing is forwarded to us (no -R, -A, -X yet) */
		if (ssh_chan_reject(c, ev->chan.id, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
		                    "open failed") < 0)
			slc_debug("cannot reject channel");
		break;
	case SSH_EV_CHAN_OPEN_CONFIRMED:
		on_confirmed(c);
		break;
	case SSH_EV_CHAN_OPEN_FAILED:
		cl_msg(SSH_LOG_ERROR, "channel %u: open failed: %s", ev->chan.id,
		       ev->chan.text ? ev->chan.text : "");
		S.closed = true;
		client_end(EXIT_SSH_ERROR, "disconnected by user");
		break;
	case SSH_EV_CHAN_DATA:
		outq_push(&S.out[0], ev->chan.data, ev->chan.len);
		break;
	case SSH_EV_CHAN_EXTENDED_DATA:
		if (ev->chan.code == SSH_EXTENDED_DATA_STDERR)
			outq_push(&S.out[1], ev->chan.data, ev->chan.len);
		else if (ssh_chan_consume(c, ev->chan.id, ev->chan.len) < 0)
			slc_debug("consume failed");
		break;
	case SSH_EV_CHAN_WRITABLE:
		stdin_pump();
		break;
	case SSH_EV_CHAN_EOF:
		break;
	case SSH_EV_CHAN_REQUEST:
		on_request(c, ev);
		break;
	case SSH_EV_CHAN_SUCCESS:
		break;
	case SSH_EV_CHAN_FAILURE:
		/* the pty (if asked) comes first, then exec/shell */
		if (S.pty_asked && ev->chan.seq == S.pty_seq) {
			cl_msg(SSH_LOG_ERROR, "PTY allocation request failed on channel %u", S.id);
			break;
		}
		cl_msg(SSH_LOG_ERROR, "%s request failed on channel %u",
		       CL.command ? "exec" : "shell", S.id);
		if (ssh_chan_close(c, S.id) < 0)
			slc_debug("cannot close channel");
		break;
	case SSH_EV_CHAN_CLOSE:
		S.closed = true;
		if (S.winch_on) {
			uv_signal_stop(&S.winch);
			uv_close((uv_handle_t *)&S.winch, NULL);
			S.winch_on = false;
		}
		session_tty_restore();
		if (S.pty_asked)
			cl_msg(SSH_LOG_INFO, "Connection to %s closed.", CL.cfg.hostname);
		if (!S.got_status)
			CL.exit_status = EXIT_SSH_ERROR;
		client_end(CL.exit_status, "disconnected by user");
		break;
	case SSH_EV_GLOBAL_REQUEST:
		if (ev->chan.want_reply && ssh_global_reply_failure(c, ev->chan.seq) < 0)
			slc_debug("cannot answer global request");
		break;
	default:
		break;
	}
}
