/* session: "session" channels (RFC 4254 6): pty-req, env, exec, shell,
 * subsystem, window-change, signal. The command runs in a child process
 * (already as the user: conn.c dropped privileges) with pipes, or a pty,
 * wired to the channel:
 *
 *   channel data        -> child's stdin (window given back once written)
 *   child's stdout      -> channel data
 *   child's stderr      -> extended data 1 (no pty)
 *   end: exit-status or exit-signal, then EOF, then CLOSE, once the child
 *        exited and its output reached EOF.
 *
 * Flow control: a read from the child that the channel window cannot take
 * whole is kept and reading stops until SSH_EV_CHAN_WRITABLE; reading also
 * stops while the connection has more than SIO_HIGH_WATER unsent (resumed
 * from on_drain). */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "alglist.h"
#include "buf.h"
#include "log.h"
#include "server.h"

#define READ_CHUNK (64u * 1024)

enum { S_OUT = 0, S_ERR = 1 };

struct srv_session {
	struct srv_conn *sc;
	uint32_t id;
	bool chan_gone; /* CLOSE event seen (or connection over) */
	bool finished; /* our EOF/CLOSE sent */
	pid_t pid;
	bool started, exited;
	int wstatus;
	/* pty */
	bool pty;
	int ptm;
	char *term;
	uint8_t *modes; /* pty-req's encoded terminal modes */
	size_t modes_len;
	char tty[64];
	struct winsize ws;
	/* environment requests, "NAME=value" */
	char **env;
	size_t nenv;
	/* child streams; for a pty in == out (the master) */
	uv_pipe_t *in, *rd[2];
	bool rd_eof[2], rd_paused[2];
	uint8_t rbuf[2][READ_CHUNK];
	uint8_t *pend[2]; /* output the window could not take yet */
	size_t pend_off[2], pend_len[2];
	size_t in_flight; /* stdin writes not yet complete */
	bool eof_rcvd;
	int handles; /* open libuv handles */
};

struct in_write {
	uv_write_t req;
	struct srv_session *s;
	size_t len;
	uint8_t data[];
};

static struct srv_session *sess_get(struct srv_conn *sc, uint32_t id)
{
	return id < sc->sessions_cap ? sc->sessions[id] : NULL;
}

static void sess_maybe_free(struct srv_session *s)
{
	if (!s->chan_gone || s->handles > 0)
		return;
	for (size_t i = 0; i < s->nenv; i++)
		free(s->env[i]);
	free(s->env);
	free(s->term);
	free(s->modes);
	free(s->pend[0]);
	free(s->pend[1]);
	free(s);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct srv_session *s = h->data;
	free(h);
	s->handles--;
	sess_maybe_free(s);
}

static void close_handle(struct srv_session *s, uv_pipe_t **hp)
{
	uv_pipe_t *h = *hp;
	if (h == NULL)
		return;
	if (s->in == h)
		s->in = NULL;
	for (int i = 0; i < 2; i++)
		if (s->rd[i] == h)
			s->rd[i] = NULL;
	*hp = NULL;
	uv_close((uv_handle_t *)h, on_handle_closed);
}

static const char *const sig_names[][2] = {
        {"ABRT", "6"},  {"ALRM", "14"}, {"FPE", "8"},   {"HUP", "1"},  {"ILL", "4"},
        {"INT", "2"},   {"KILL", "9"},  {"PIPE", "13"}, {"QUIT", "3"}, {"SEGV", "11"},
        {"TERM", "15"}, {"USR1", "10"}, {"USR2", "12"},
};

static const char *sig_name(int sig)
{
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (atoi(sig_names[i][1]) == sig)
			return sig_names[i][0];
	return NULL;
}

static int sig_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (!strcmp(sig_names[i][0], name))
			return atoi(sig_names[i][1]);
	return 0;
}

/* Exit status, EOF, CLOSE: once the child is gone and its output is all
 * out. */
static void sess_maybe_finish(struct srv_session *s)
{
	struct ssh_conn *c = s->sc->ssh;
	if (s->finished || s->chan_gone || c == NULL || !s->exited)
		return;
	for (int i = 0; i < 2; i++)
		if (s->rd[i] != NULL && (!s->rd_eof[i] || s->pend_len[i] > 0))
			return;
	s->finished = true;
	struct buf *b = NULL;
	if (WIFSIGNALED(s->wstatus) && sig_name(WTERMSIG(s->wstatus)) != NULL) {
		if (ssh_chan_request(c, s->id, "exit-signal", false, NULL, &b) == 0) {
			if (buf_put_cstring(b, sig_name(WTERMSIG(s->wstatus))) < 0 ||
			    buf_put_bool(b, WCOREDUMP(s->wstatus)) < 0 ||
			    buf_put_cstring(b, "") < 0 || buf_put_cstring(b, "") < 0)
				ssh_chan_msg_abort(c);
			else if (ssh_chan_msg_end(c) < 0)
				slc_debug("exit-signal failed");
		}
	} else {
		uint32_t code = WIFEXITED(s->wstatus) ? (uint32_t)WEXITSTATUS(s->wstatus) : 255;
		if (ssh_chan_request(c, s->id, "exit-status", false, NULL, &b) == 0) {
			if (buf_put_u32(b, code) < 0)
				ssh_chan_msg_abort(c);
			else if (ssh_chan_msg_end(c) < 0)
				slc_debug("exit-status failed");
		}
	}
	if (ssh_chan_eof(c, s->id) < 0 || ssh_chan_close(c, s->id) < 0)
		slc_debug("channel %u: eof/close failed", s->id);
	close_handle(s, &s->in);
	close_handle(s, &s->rd[0]);
	close_handle(s, &s->rd[1]);
	sio_conn_kick(s->sc->sio);
}

/* ---- child output -> channel ---- */

static void rd_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct srv_session *s = h->data;
	int i = (uv_pipe_t *)h == s->rd[S_ERR] ? S_ERR : S_OUT;
	(void)sz;
	*b = uv_buf_init((char *)s->rbuf[i], READ_CHUNK);
}

static void rd_pause(struct srv_session *s, int i)
{
	if (s->rd[i] != NULL && !s->rd_paused[i]) {
		uv_read_stop((uv_stream_t *)s->rd[i]);
		s->rd_paused[i] = true;
	}
}

static void rd_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b);

static void rd_resume(struct srv_session *s, int i)
{
	if (s->rd[i] != NULL && s->rd_paused[i] && !s->rd_eof[i] && s->pend_len[i] == 0) {
		s->rd_paused[i] = false;
		uv_read_start((uv_stream_t *)s->rd[i], rd_alloc, rd_read);
	}
}

/* Send what the window takes; keep the rest. Returns whether all went. */
static bool push_out(struct srv_session *s, int i, const uint8_t *data, size_t len)
{
	struct ssh_conn *c = s->sc->ssh;
	size_t taken = 0;
	if (c == NULL || s->finished)
		return true;
	int r = i == S_OUT
	                ? ssh_chan_write(c, s->id, data, len, &taken)
	                : ssh_chan_write_ext(c, s->id, SSH_EXTENDED_DATA_STDERR, data, len, &taken);
	if (r < 0 && r != SLC_ERR_AGAIN) {
		/* channel closed for output: drop the data */
		return true;
	}
	if (r < 0)
		taken = 0;
	if (taken == len)
		return true;
	uint8_t *p = malloc(len - taken);
	if (p == NULL)
		return true;
	memcpy(p, data + taken, len - taken);
	free(s->pend[i]);
	s->pend[i] = p;
	s->pend_off[i] = 0;
	s->pend_len[i] = len - taken;
	return false;
}

static void flush_pending(struct srv_session *s)
{
	for (int i = 0; i < 2; i++) {
		if (s->pend_len[i] == 0)
			continue;
		uint8_t *p = s->pend[i];
		size_t off = s->pend_off[i], len = s->pend_len[i];
		s->pend[i] = NULL;
		s->pend_len[i] = 0;
		if (push_out(s, i, p + off, len))
			rd_resume(s, i);
		free(p);
	}
	sess_maybe_finish(s);
}

/* libuv reports EOF on POLLHUP after a short read, but a pty master is
 * hung up as soon as the slave closes, while the last output may still be
 * on its way into the master's buffer. Read until the kernel itself says
 * EIO (it flushes that buffer first), so the end of the output is not
 * lost. */
static void pty_drain(struct srv_session *s)
{
	uv_os_fd_t fd;
	uint8_t *acc = NULL;
	size_t len = 0, cap = 0;
	if (s->rd[S_OUT] == NULL || uv_fileno((uv_handle_t *)s->rd[S_OUT], &fd) < 0)
		return;
	while (len < (1u << 20)) {
		if (cap - len < READ_CHUNK) {
			uint8_t *p = realloc(acc, cap + READ_CHUNK);
			if (p == NULL)
				break;
			acc = p;
			cap += READ_CHUNK;
		}
		ssize_t r = read(fd, acc + len, READ_CHUNK);
		if (r > 0)
			len += (size_t)r;
		else if (r < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	slc_debug3("session %u: %zu bytes after the pty hung up", s->id, len);
	if (len > 0)
		push_out(s, S_OUT, acc, len);
	free(acc);
}

static void rd_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct srv_session *s = st->data;
	int i = (uv_pipe_t *)st == s->rd[S_ERR] ? S_ERR : S_OUT;
	if (n == 0)
		return;
	slc_debug3("session %u: read %zd from %s", s->id, n, i == S_OUT ? "stdout" : "stderr");
	if (n < 0) {
		/* EOF, or EIO from a pty master once the slave side is gone */
		if (s->pty)
			pty_drain(s);
		s->rd_eof[i] = true;
		uv_read_stop(st);
		sess_maybe_finish(s);
		return;
	}
	if (!push_out(s, i, (const uint8_t *)b->base, (size_t)n))
		rd_pause(s, i);
	else if (s->sc->sio && sio_conn_unsent(s->sc->sio) > SIO_HIGH_WATER)
		rd_pause(s, i);
	if (s->sc->sio)
		sio_conn_kick(s->sc->sio);
}

void srv_session_drain(struct srv_conn *sc)
{
	for (size_t id = 0; id < sc->sessions_cap; id++) {
		struct srv_session *s = sc->sessions[id];
		if (s == NULL)
			continue;
		rd_resume(s, S_OUT);
		rd_resume(s, S_ERR);
	}
}

/* ---- channel data -> child's stdin ---- */

static void in_written(uv_write_t *req, int status)
{
	struct in_write *w = (struct in_write *)req;
	struct srv_session *s = w->s;
	(void)status;
	s->in_flight--;
	if (!s->chan_gone && s->sc->ssh != NULL) {
		if (ssh_chan_consume(s->sc->ssh, s->id, w->len) < 0)
			slc_debug("channel %u: consume failed", s->id);
		sio_conn_kick(s->sc->sio);
	}
	if (s->in_flight == 0 && s->eof_rcvd && !s->pty)
		close_handle(s, &s->in);
	free(w);
}

static void on_data(struct srv_session *s, const struct ssh_event *ev)
{
	struct ssh_conn *c = s->sc->ssh;
	if (ev->type == SSH_EV_CHAN_EXTENDED_DATA || s->in == NULL) {
		if (ssh_chan_consume(c, s->id, ev->chan.len) < 0)
			slc_debug("consume failed");
		return;
	}
	struct in_write *w = malloc(sizeof(*w) + ev->chan.len);
	if (w == NULL) {
		if (ssh_chan_consume(c, s->id, ev->chan.len) < 0)
			slc_debug("consume failed");
		return;
	}
	w->s = s;
	w->len = ev->chan.len;
	memcpy(w->data, ev->chan.data, ev->chan.len);
	uv_buf_t ub = uv_buf_init((char *)w->data, (unsigned)w->len);
	if (uv_write(&w->req, (uv_stream_t *)s->in, &ub, 1, in_written) < 0) {
		free(w);
		if (ssh_chan_consume(c, s->id, ev->chan.len) < 0)
			slc_debug("consume failed");
		return;
	}
	s->in_flight++;
}

/* ---- starting the child ---- */

static int env_add(char ***envp, size_t *n, const char *name, const char *value)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*envp)[i], name, nl) && (*envp)[i][nl] == '=')
			return 0; /* first one wins */
	char **v = realloc(*envp, (*n + 2) * sizeof(*v));
	if (v == NULL)
		return -1;
	*envp = v;
	size_t len = nl + strlen(value) + 2;
	if ((v[*n] = malloc(len)) == NULL)
		return -1;
	snprintf(v[*n], len, "%s=%s", name, value);
	v[++*n] = NULL;
	return 0;
}

static int env_add_kv(char ***envp, size_t *n, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char name[256];
	if (eq == NULL || (size_t)(eq - kv) >= sizeof(name) || eq == kv)
		return 0;
	memcpy(name, kv, (size_t)(eq - kv));
	name[eq - kv] = '\0';
	return env_add(envp, n, name, eq + 1);
}

static char **build_env(struct srv_session *s, const char *orig_cmd)
{
	struct srv_conn *sc = s->sc;
	const struct srv_user *u = &sc->user;
	char **e = NULL, buf[512];
	size_t n = 0;
	int r = 0;
	r |= env_add(&e, &n, "USER", u->name);
	r |= env_add(&e, &n, "LOGNAME", u->name);
	r |= env_add(&e, &n, "HOME", u->home);
	r |= env_add(&e, &n, "SHELL", u->shell);
	r |= env_add(&e, &n, "PATH",
	             u->uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	                         : "/usr/local/bin:/usr/bin:/bin:/usr/games");
	snprintf(buf, sizeof(buf), "/var/mail/%s", u->name);
	r |= env_add(&e, &n, "MAIL", buf);
	snprintf(buf, sizeof(buf), "%s %u %u", sc->peer_host, sc->peer_port, sc->local_port);
	r |= env_add(&e, &n, "SSH_CLIENT", buf);
	snprintf(buf, sizeof(buf), "%s %u %s %u", sc->peer_host, sc->peer_port, sc->local_host,
	         sc->local_port);
	r |= env_add(&e, &n, "SSH_CONNECTION", buf);
	if (s->pty) {
		r |= env_add(&e, &n, "SSH_TTY", s->tty);
		r |= env_add(&e, &n, "TERM", s->term ? s->term : "vt100");
	}
	if (orig_cmd != NULL)
		r |= env_add(&e, &n, "SSH_ORIGINAL_COMMAND", orig_cmd);
	for (size_t i = 0; i < sc->cfg.set_env.n; i++)
		r |= env_add_kv(&e, &n, sc->cfg.set_env.v[i]);
	if (sc->key_opts_set && sc->cfg.permit_user_environment != NULL &&
	    strcmp(sc->cfg.permit_user_environment, "no") != 0)
		for (size_t i = 0; i < sc->key_opts.nenv; i++)
			r |= env_add_kv(&e, &n, sc->key_opts.env[i]);
	for (size_t i = 0; i < s->nenv; i++)
		r |= env_add_kv(&e, &n, s->env[i]);
	if (r != 0 || e == NULL) {
		for (size_t i = 0; i < n; i++)
			free(e[i]);
		free(e);
		return NULL;
	}
	return e;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static uv_pipe_t *wrap_fd(struct srv_session *s, int fd)
{
	uv_pipe_t *p = malloc(sizeof(*p));
	if (p == NULL || uv_pipe_init(&s->sc->loop, p, 0) < 0) {
		free(p);
		close(fd);
		return NULL;
	}
	p->data = s;
	s->handles++;
	if (uv_pipe_open(p, fd) < 0) {
		close(fd);
		uv_close((uv_handle_t *)p, on_handle_closed);
		return NULL;
	}
	return p;
}

/* RFC 4254 8: encoded terminal modes onto the pty's termios. */
static void apply_modes(int fd, const uint8_t *modes, size_t len)
{
	static const struct {
		uint8_t op;
		int idx;
	} cc[] = {
	        {1, VINTR},     {2, VQUIT},    {3, VERASE},  {4, VKILL},     {5, VEOF},
	        {6, VEOL},      {7, VEOL2},    {8, VSTART},  {9, VSTOP},     {10, VSUSP},
	        {12, VREPRINT}, {13, VWERASE}, {14, VLNEXT}, {18, VDISCARD},
	};
	static const struct {
		uint8_t op;
		char field;
		tcflag_t bit;
	} fl[] = {
	        {30, 'i', IGNPAR}, {31, 'i', PARMRK}, {32, 'i', INPCK},  {33, 'i', ISTRIP},
	        {34, 'i', INLCR},  {35, 'i', IGNCR},  {36, 'i', ICRNL},  {37, 'i', IUCLC},
	        {38, 'i', IXON},   {39, 'i', IXANY},  {40, 'i', IXOFF},  {41, 'i', IMAXBEL},
	        {42, 'i', IUTF8},  {50, 'l', ISIG},   {51, 'l', ICANON}, {52, 'l', XCASE},
	        {53, 'l', ECHO},   {54, 'l', ECHOE},  {55, 'l', ECHOK},  {56, 'l', ECHONL},
	        {57, 'l', NOFLSH}, {58, 'l', TOSTOP}, {59, 'l', IEXTEN}, {60, 'l', ECHOCTL},
	        {61, 'l', ECHOKE}, {62, 'l', PENDIN}, {70, 'o', OPOST},  {71, 'o', OLCUC},
	        {72, 'o', ONLCR},  {73, 'o', OCRNL},  {74, 'o', ONOCR},  {75, 'o', ONLRET},
	        {92, 'c', PARENB}, {93, 'c', PARODD},
	};
	struct termios t;
	struct buf b;
	if (modes == NULL || tcgetattr(fd, &t) < 0)
		return;
	buf_init_view(&b, modes, len);
	for (;;) {
		uint8_t op;
		uint32_t v;
		if (buf_get_u8(&b, &op) < 0 || op == 0 || op >= 160)
			break; /* TTY_OP_END, or opcodes with unknown arguments */
		if (buf_get_u32(&b, &v) < 0)
			break;
		for (size_t i = 0; i < sizeof(cc) / sizeof(cc[0]); i++)
			if (cc[i].op == op)
				t.c_cc[cc[i].idx] = (cc_t)v;
		for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			if (fl[i].op != op)
				continue;
			tcflag_t *f = fl[i].field == 'i'   ? &t.c_iflag
			              : fl[i].field == 'l' ? &t.c_lflag
			              : fl[i].field == 'o' ? &t.c_oflag
			                                   : &t.c_cflag;
			*f = v ? (*f | fl[i].bit) : (*f & ~fl[i].bit);
		}
		if (op == 90 && v)
			t.c_cflag = (t.c_cflag & ~CSIZE) | CS7;
		if (op == 91 && v)
			t.c_cflag = (t.c_cflag & ~CSIZE) | CS8;
	}
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		slc_debug("tcsetattr: %s", strerror(errno));
}

/* Run command (NULL: a login shell) with orig_cmd as SSH_ORIGINAL_COMMAND
 * when a forced command replaced the client's. */
static int sess_start(struct srv_session *s, const char *command, const char *orig_cmd)
{
	struct srv_conn *sc = s->sc;
	const char *shell = sc->user.shell;
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, pts = -1;
	char **env = build_env(s, orig_cmd);
	char argv0[256];
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	snprintf(argv0, sizeof(argv0), "%s%s", command ? "" : "-", base);
	if (env == NULL)
		return -1;
	if (s->pty) {
		if (openpty(&s->ptm, &pts, s->tty, NULL, &s->ws) < 0) {
			slc_error("openpty: %s", strerror(errno));
			free_strv(env);
			return -1;
		}
		fcntl(s->ptm, F_SETFD, FD_CLOEXEC);
		apply_modes(pts, s->modes, s->modes_len);
	} else if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	           pipe2(err, O_CLOEXEC) < 0) {
		slc_error("pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		slc_error("fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		setsid();
		if (s->pty) {
			ioctl(pts, TIOCSCTTY, 0);
			dup2(pts, 0);
			dup2(pts, 1);
			dup2(pts, 2);
		} else {
			dup2(in[0], 0);
			dup2(out[1], 1);
			dup2(err[1], 2);
		}
		closefrom(3);
		if (chdir(sc->user.home) < 0) {
			fprintf(stderr, "Could not chdir to home directory %s: %s\n", sc->user.home,
			        strerror(errno));
			if (chdir("/") < 0)
				_exit(1);
		}
		if (command)
			execle(shell, argv0, "-c", command, (char *)NULL, env);
		else
			execle(shell, argv0, (char *)NULL, env);
		fprintf(stderr, "%s: %s\n", shell, strerror(errno));
		_exit(1);
	}
	free_strv(env);
	env = NULL;
	s->pid = pid;
	s->started = true;
	if (s->pty) {
		close(pts);
		s->in = s->rd[S_OUT] = wrap_fd(s, s->ptm);
		s->rd_eof[S_ERR] = true;
	} else {
		close(in[0]);
		close(out[1]);
		close(err[1]);
		s->in = wrap_fd(s, in[1]);
		s->rd[S_OUT] = wrap_fd(s, out[0]);
		s->rd[S_ERR] = wrap_fd(s, err[0]);
	}
	for (int i = 0; i < 2; i++) {
		if (s->rd[i] == NULL) {
			s->rd_eof[i] = true;
			continue;
		}
		s->rd_paused[i] = true;
		rd_resume(s, i);
	}
	slc_debug("session %u: started pid %ld%s%s", s->id, (long)pid, s->pty ? " on " : "",
	          s->pty ? s->tty : "");
	return 0;
fail:
	free_strv(env);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (pts >= 0) {
		close(pts);
		close(s->ptm);
	}
	return -1;
}

static void srv_orphan_add(struct srv_conn *sc, pid_t pid)
{
	pid_t *v = realloc(sc->orphans, (sc->n_orphans + 1) * sizeof(*v));
	if (v == NULL)
		return; /* reaped by init once we exit */
	sc->orphans = v;
	sc->orphans[sc->n_orphans++] = pid;
}

void srv_session_sigchld(struct srv_conn *sc)
{
	for (size_t i = 0; i < sc->n_orphans;) {
		int st;
		if (waitpid(sc->orphans[i], &st, WNOHANG) != 0)
			sc->orphans[i] = sc->orphans[--sc->n_orphans];
		else
			i++;
	}
	/* Only our own session children: a PAM module's helper process is
	 * waited for by the module. */
	for (size_t id = 0; id < sc->sessions_cap; id++) {
		struct srv_session *s = sc->sessions[id];
		int st;
		if (s != NULL && s->started && !s->exited &&
		    waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->exited = true;
			s->wstatus = st;
			slc_debug3("session %u: child exited", s->id);
			sess_maybe_finish(s);
		}
	}
}

/* ---- requests ---- */

static const char *forced_command(struct srv_conn *sc)
{
	if (sc->cfg.force_command != NULL && strcmp(sc->cfg.force_command, "none") != 0)
		return sc->cfg.force_command;
	if (sc->key_opts_set && sc->key_opts.command != NULL)
		return sc->key_opts.command;
	return NULL;
}

static bool accept_env_name(struct srv_conn *sc, const char *name)
{
	for (size_t i = 0; i < sc->cfg.accept_env.n; i++)
		if (alglist_match_pattern(name, sc->cfg.accept_env.v[i]))
			return true;
	return false;
}

/* A subsystem's command line from the Subsystem lines, or NULL. */
static char *subsystem_command(struct srv_conn *sc, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < sc->cfg.subsystems.n; i++) {
		const char *l = sc->cfg.subsystems.v[i];
		if (strncmp(l, name, nl) == 0 && l[nl] == ' ') {
			const char *cmd = l + nl + 1;
			while (*cmd == ' ')
				cmd++;
			if (!strncmp(cmd, "internal-sftp", 13) &&
			    (cmd[13] == '\0' || cmd[13] == ' ')) {
				/* No built-in sftp server: OpenSSH's binary. */
				size_t len = strlen(cmd) + 64;
				char *s = malloc(len);
				if (s)
					snprintf(s, len, "/usr/lib/openssh/sftp-server%s",
					         cmd + 13);
				return s;
			}
			return strdup(cmd);
		}
	}
	return NULL;
}

static bool on_request(struct srv_session *s, const struct ssh_event *ev)
{
	struct srv_conn *sc = s->sc;
	const char *name = ev->chan.name ? ev->chan.name : "";
	struct buf b;
	buf_init_view(&b, ev->chan.data, ev->chan.len);
	if (!strcmp(name, "pty-req")) {
		uint32_t v[4];
		char *term = NULL;
		if (s->started || s->pty || !sc->cfg.permit_tty ||
		    (sc->key_opts_set && !sc->key_opts.permit_pty))
			return false;
		if (buf_get_cstring(&b, &term, NULL) < 0)
			return false;
		for (int i = 0; i < 4; i++)
			if (buf_get_u32(&b, &v[i]) < 0) {
				free(term);
				return false;
			}
		const uint8_t *modes = NULL;
		size_t mlen = 0;
		if (buf_get_string(&b, &modes, &mlen) == 0 && mlen > 0 &&
		    (s->modes = malloc(mlen)) != NULL) {
			memcpy(s->modes, modes, mlen);
			s->modes_len = mlen;
		}
		s->term = term;
		s->ws.ws_col = (unsigned short)v[0];
		s->ws.ws_row = (unsigned short)v[1];
		s->ws.ws_xpixel = (unsigned short)v[2];
		s->ws.ws_ypixel = (unsigned short)v[3];
		s->pty = true;
		return true;
	}
	if (!strcmp(name, "window-change")) {
		uint32_t v[4];
		for (int i = 0; i < 4; i++)
			if (buf_get_u32(&b, &v[i]) < 0)
				return false;
		s->ws.ws_col = (unsigned short)v[0];
		s->ws.ws_row = (unsigned short)v[1];
		s->ws.ws_xpixel = (unsigned short)v[2];
		s->ws.ws_ypixel = (unsigned short)v[3];
		if (s->pty && s->started && s->in != NULL)
			ioctl(s->ptm, TIOCSWINSZ, &s->ws);
		return true;
	}
	if (!strcmp(name, "env")) {
		char *n = NULL, *v = NULL;
		bool ok = false;
		if (!s->started && buf_get_cstring(&b, &n, NULL) == 0 &&
		    buf_get_cstring(&b, &v, NULL) == 0 && accept_env_name(sc, n) &&
		    s->nenv < 1000) {
			size_t len = strlen(n) + strlen(v) + 2;
			char **e = realloc(s->env, (s->nenv + 1) * sizeof(*e));
			char *kv = malloc(len);
			if (e)
				s->env = e;
			if (e && kv) {
				snprintf(kv, len, "%s=%s", n, v);
				s->env[s->nenv++] = kv;
				ok = true;
			} else {
				free(kv);
			}
		} else if (n) {
			slc_debug("Ignored env %s", n);
		}
		free(n);
		free(v);
		return ok;
	}
	if (!strcmp(name, "exec") || !strcmp(name, "shell") || !strcmp(name, "subsystem")) {
		char *arg = NULL, *cmd = NULL;
		const char *forced = forced_command(sc);
		bool ok = false;
		if (s->started)
			return false;
		if (strcmp(name, "shell") != 0 && buf_get_cstring(&b, &arg, NULL) < 0)
			return false;
		if (forced != NULL) {
			ok = sess_start(s, forced, arg) == 0;
		} else if (!strcmp(name, "subsystem")) {
			cmd = subsystem_command(sc, arg);
			if (cmd == NULL)
				slc_info("subsystem request for %s by user %s failed, subsystem "
				         "not found",
				         arg, sc->user.name);
			ok = cmd != NULL && sess_start(s, cmd, NULL) == 0;
		} else {
			ok = sess_start(s, arg, NULL) == 0;
		}
		if (ok)
			slc_verbose("Starting session: %s%s%s for %s from %s port %u id %u", name,
			            arg ? " " : "", arg ? arg : "", sc->user.name, sc->peer_host,
			            sc->peer_port, s->id);
		free(arg);
		free(cmd);
		return ok;
	}
	if (!strcmp(name, "signal")) {
		char *sig = NULL;
		bool ok = false;
		if (buf_get_cstring(&b, &sig, NULL) == 0 && s->started && !s->exited) {
			int n = sig_from_name(sig);
			ok = n > 0 && kill(s->pid, n) == 0;
		}
		free(sig);
		return ok;
	}
	return false; /* x11-req, auth-agent-req@openssh.com, unknown */
}

/* ---- events ---- */

void srv_session_open(struct srv_conn *sc, const struct ssh_event *ev)
{
	uint32_t id = ev->chan.id;
	struct srv_session *s = NULL;
	if (!sc->authenticated || sc->n_sessions >= (unsigned)sc->cfg.max_sessions) {
		slc_info("session channel refused: MaxSessions %d reached", sc->cfg.max_sessions);
		goto refuse;
	}
	if (id >= sc->sessions_cap) {
		size_t cap = (id + 1) * 2;
		struct srv_session **v = realloc(sc->sessions, cap * sizeof(*v));
		if (v == NULL)
			goto refuse;
		memset(v + sc->sessions_cap, 0, (cap - sc->sessions_cap) * sizeof(*v));
		sc->sessions = v;
		sc->sessions_cap = cap;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto refuse;
	s->sc = sc;
	s->id = id;
	s->ptm = -1;
	if (ssh_chan_confirm(sc->ssh, id, NULL, NULL) < 0 ||
	    ssh_chan_set_user(sc->ssh, id, s) < 0) {
		free(s);
		return;
	}
	sc->sessions[id] = s;
	sc->n_sessions++;
	return;
refuse:
	if (ssh_chan_reject(sc->ssh, id, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "open failed") < 0)
		slc_debug("reject failed");
}

static void sess_gone(struct srv_conn *sc, struct srv_session *s)
{
	if (s->chan_gone)
		return;
	s->chan_gone = true;
	if (s->started && !s->exited) {
		kill(-s->pid, SIGHUP);
		srv_orphan_add(sc, s->pid);
	}
	close_handle(s, &s->in);
	close_handle(s, &s->rd[0]);
	close_handle(s, &s->rd[1]);
	if (s->id < sc->sessions_cap && sc->sessions[s->id] == s)
		sc->sessions[s->id] = NULL;
	sc->n_sessions--;
	sess_maybe_free(s);
}

void srv_session_event(struct srv_conn *sc, const struct ssh_event *ev)
{
	struct srv_session *s = sess_get(sc, ev->chan.id);
	if (s == NULL)
		return;
	switch (ev->type) {
	case SSH_EV_CHAN_DATA:
	case SSH_EV_CHAN_EXTENDED_DATA:
		on_data(s, ev);
		return;
	case SSH_EV_CHAN_WRITABLE:
		flush_pending(s);
		return;
	case SSH_EV_CHAN_EOF:
		s->eof_rcvd = true;
		if (s->in_flight == 0 && !s->pty)
			close_handle(s, &s->in);
		return;
	case SSH_EV_CHAN_CLOSE:
		sess_gone(sc, s);
		return;
	case SSH_EV_CHAN_REQUEST: {
		bool ok = on_request(s, ev);
		if (ev->chan.want_reply && ssh_chan_reply(sc->ssh, s->id, ev->chan.seq, ok) < 0)
			slc_debug("channel %u: reply failed", s->id);
		return;
	}
	default:
		return;
	}
}

void srv_session_close_all(struct srv_conn *sc)
{
	for (size_t id = 0; id < sc->sessions_cap; id++)
		if (sc->sessions[id] != NULL)
			sess_gone(sc, sc->sessions[id]);
}
