/* listener: accept connections, apply MaxStartups, fork one process per
 * connection, reap children, re-read the configuration on SIGHUP and stop
 * on SIGTERM.
 *
 * Each child gets the write end of a pipe and closes it once its user has
 * authenticated (or it exits); the parent counts children whose pipe is
 * still open as unauthenticated "startups" for MaxStartups. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "server.h"

struct child {
	pid_t pid;
	uv_pipe_t *startup; /* read end; NULL once the child authenticated */
	struct lst *l;
};

struct lst {
	struct srv *s;
	struct sio_listener **listeners;
	size_t n_listeners;
	uv_signal_t sig_chld, sig_hup, sig_term, sig_int;
	struct child **children;
	size_t n_children;
	unsigned startups;
	bool stopping;
	int status;
};

/* Set in a child right after fork so conn.c can tell the parent. */
int srv_startup_fd = -1;

static void drop_startup(struct child *ch)
{
	if (ch->startup == NULL)
		return;
	sio_close_free((uv_handle_t *)ch->startup);
	ch->startup = NULL;
	ch->l->startups--;
}

static void startup_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	static char byte[16];
	(void)h;
	(void)sz;
	*b = uv_buf_init(byte, sizeof(byte));
}

static void startup_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	(void)b;
	if (n == 0)
		return;
	struct child *ch = st->data;
	drop_startup(ch); /* EOF or a byte: authenticated or gone */
}

static void remove_child(struct lst *l, size_t i)
{
	struct child *ch = l->children[i];
	drop_startup(ch);
	free(ch);
	l->children[i] = l->children[--l->n_children];
}

static void stop_all(struct lst *l)
{
	if (l->stopping)
		return;
	l->stopping = true;
	for (size_t i = 0; i < l->n_listeners; i++)
		sio_listener_close(l->listeners[i]);
	l->n_listeners = 0;
	uv_close((uv_handle_t *)&l->sig_hup, NULL);
	uv_close((uv_handle_t *)&l->sig_term, NULL);
	uv_close((uv_handle_t *)&l->sig_int, NULL);
	if (l->n_children == 0 || !l->s->opts.debug) {
		uv_close((uv_handle_t *)&l->sig_chld, NULL);
		while (l->n_children > 0)
			remove_child(l, l->n_children - 1);
	}
}

static void on_sigchld(uv_signal_t *h, int sig)
{
	struct lst *l = h->data;
	int st;
	pid_t pid;
	(void)sig;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < l->n_children; i++) {
			if (l->children[i]->pid == pid) {
				remove_child(l, i);
				break;
			}
		}
		slc_debug2("child %ld exited", (long)pid);
	}
}

static void on_sigterm(uv_signal_t *h, int sig)
{
	struct lst *l = h->data;
	slc_info("Received signal %d; terminating.", sig);
	stop_all(l);
}

static void on_sighup(uv_signal_t *h, int sig)
{
	struct lst *l = h->data;
	struct srv *s = l->s;
	struct sshd_config c;
	(void)sig;
	slc_info("Received SIGHUP; re-reading the configuration.");
	if (srv_config_load(&s->opts, &c) < 0) {
		slc_error("configuration reload failed; keeping the old one");
		sshd_config_free(&c);
		return;
	}
	/* Host keys too; keep the old ones if none of the new load. */
	struct srv tmp = *s;
	tmp.cfg = c;
	tmp.hostkeys = NULL;
	tmp.n_hostkeys = 0;
	if (srv_hostkeys_load(&tmp) < 0) {
		slc_error("no host keys after reload; keeping the old configuration");
		sshd_config_free(&c);
		return;
	}
	srv_hostkeys_free(s);
	sshd_config_free(&s->cfg);
	s->cfg = c;
	s->hostkeys = tmp.hostkeys;
	s->n_hostkeys = tmp.n_hostkeys;
	slc_log_set_level((enum slc_log_level)c.log_level);
	/* Listen addresses are not changed by a reload (restart for that). */
}

/* MaxStartups start:rate:full: past start, refuse with a probability that
 * grows from rate% to 100% at full. */
static bool should_drop(struct lst *l)
{
	const struct sshd_config *c = &l->s->cfg;
	unsigned n = l->startups;
	int begin = c->max_startups_begin, rate = c->max_startups_rate, full = c->max_startups_full;
	if (begin <= 0 || (int)n < begin)
		return false;
	if ((int)n >= full)
		return true;
	uint32_t rnd = 0;
	if (slc_rng_fill(&l->s->rng, &rnd, sizeof(rnd)) < 0)
		return true;
	int p = rate + (100 - rate) * ((int)n - begin) / (full - begin);
	return (int)(rnd % 100) < p;
}

/* In the child: forget the parent's loop without running it. Signal
 * handlers are unregistered; sockets closed by descriptor. */
static void child_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return; /* closing signal handles are already unregistered */
	if (h->type == UV_SIGNAL) {
		uv_signal_stop((uv_signal_t *)h);
	} else if (h->type == UV_TCP || h->type == UV_NAMED_PIPE) {
		uv_os_fd_t fd;
		if (uv_fileno(h, &fd) == 0)
			close(fd);
	}
}

static void on_accept(struct sio_listener *sl, uv_tcp_t *client, void *user)
{
	struct lst *l = user;
	struct srv *s = l->s;
	int fd = -1, pfd[2] = {-1, -1};
	uv_os_fd_t ufd;
	(void)sl;
	if (l->stopping || uv_fileno((uv_handle_t *)client, &ufd) < 0) {
		sio_close_free((uv_handle_t *)client);
		return;
	}
	if (should_drop(l)) {
		struct sockaddr_storage ss;
		int len = sizeof(ss);
		char host[64] = "?";
		uint16_t port = 0;
		if (uv_tcp_getpeername(client, (struct sockaddr *)&ss, &len) == 0)
			sio_addr_format((struct sockaddr *)&ss, host, sizeof(host), &port);
		slc_info("drop connection #%u from [%s]:%u past MaxStartups", l->startups, host,
		         port);
		sio_close_free((uv_handle_t *)client);
		return;
	}
	if (s->opts.debug) {
		/* sshd -d: serve this one connection in this process. */
		fd = dup(ufd);
		sio_close_free((uv_handle_t *)client);
		stop_all(l);
		uv_walk(s->loop, child_walk, NULL);
		srv_conn_child(s, fd);
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		slc_error("pipe: %s", strerror(errno));
		sio_close_free((uv_handle_t *)client);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		slc_error("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		sio_close_free((uv_handle_t *)client);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		srv_startup_fd = pfd[1];
		fd = dup(ufd);
		uv_walk(s->loop, child_walk, NULL);
		close(uv_backend_fd(s->loop));
		srv_conn_child(s, fd);
	}
	close(pfd[1]);
	sio_close_free((uv_handle_t *)client);
	struct child *ch = calloc(1, sizeof(*ch));
	struct child **v = realloc(l->children, (l->n_children + 1) * sizeof(*v));
	if (ch == NULL || v == NULL) {
		free(ch);
		if (v)
			l->children = v;
		close(pfd[0]);
		return;
	}
	l->children = v;
	ch->pid = pid;
	ch->l = l;
	ch->startup = malloc(sizeof(*ch->startup));
	if (ch->startup == NULL || uv_pipe_init(s->loop, ch->startup, 0) < 0) {
		free(ch->startup);
		ch->startup = NULL;
		close(pfd[0]);
	} else if (uv_pipe_open(ch->startup, pfd[0]) < 0 ||
	           uv_read_start((uv_stream_t *)ch->startup, startup_alloc, startup_read) < 0) {
		sio_close_free((uv_handle_t *)ch->startup);
		ch->startup = NULL;
	} else {
		ch->startup->data = ch;
		l->startups++;
	}
	l->children[l->n_children++] = ch;
}

/* ListenAddress entries: "addr", "addr:port", "[addr]:port". Entries
 * without a port listen on every configured Port. */
static int split_addr(const char *spec, char *host, size_t hlen, int *port)
{
	const char *colon = NULL;
	*port = 0;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL || (size_t)(end - spec - 1) >= hlen)
			return -1;
		memcpy(host, spec + 1, (size_t)(end - spec - 1));
		host[end - spec - 1] = '\0';
		if (end[1] == ':')
			*port = atoi(end + 2);
		return 0;
	}
	colon = strchr(spec, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		if ((size_t)(colon - spec) >= hlen)
			return -1;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		*port = atoi(colon + 1);
		return 0;
	}
	if (strlen(spec) >= hlen)
		return -1;
	strcpy(host, spec);
	return 0;
}

static int add_listener(struct lst *l, const char *const *addrs, size_t n, int port)
{
	struct srv *s = l->s;
	int family = s->cfg.address_family == SSHD_AF_INET    ? AF_INET
	             : s->cfg.address_family == SSHD_AF_INET6 ? AF_INET6
	                                                      : AF_UNSPEC;
	struct sio_listener *sl = NULL;
	int r = sio_listen(s->loop, addrs, n, (uint16_t)port, family, 128, on_accept, l, &sl);
	if (r < 0) {
		slc_error("Cannot bind any address for port %d: %s", port, strerror(errno));
		return -1;
	}
	struct sio_listener **v = realloc(l->listeners, (l->n_listeners + 1) * sizeof(*v));
	if (v == NULL) {
		sio_listener_close(sl);
		return -1;
	}
	l->listeners = v;
	l->listeners[l->n_listeners++] = sl;
	for (size_t i = 0; i < sio_listener_count(sl); i++)
		slc_info("Server listening on port %u.", sio_listener_port(sl, i));
	return 0;
}

static int start_listening(struct lst *l)
{
	const struct sshd_config *c = &l->s->cfg;
	const char **plain = calloc(c->listen_addrs.n + 1, sizeof(*plain));
	char(*hosts)[256] = calloc(c->listen_addrs.n + 1, sizeof(*hosts));
	size_t np = 0;
	int r = -1;
	if (plain == NULL || hosts == NULL)
		goto out;
	for (size_t i = 0; i < c->listen_addrs.n; i++) {
		int port;
		if (split_addr(c->listen_addrs.v[i], hosts[i], sizeof(hosts[i]), &port) < 0) {
			slc_error("bad ListenAddress %s", c->listen_addrs.v[i]);
			goto out;
		}
		if (port > 0) {
			const char *one = hosts[i];
			if (add_listener(l, &one, 1, port) < 0)
				goto out;
		} else {
			plain[np++] = hosts[i];
		}
	}
	if (np > 0 || c->listen_addrs.n == 0)
		for (size_t i = 0; i < c->nports; i++)
			if (add_listener(l, np ? plain : NULL, np, c->ports[i]) < 0)
				goto out;
	r = 0;
out:
	free(plain);
	free(hosts);
	return r;
}

int srv_listen_run(struct srv *s)
{
	static uv_loop_t loop; /* static: a forked child keeps it reachable */
	struct lst l;
	memset(&l, 0, sizeof(l));
	l.s = s;
	if (uv_loop_init(&loop) < 0)
		return 255;
	s->loop = &loop;
	uv_signal_init(&loop, &l.sig_chld);
	uv_signal_init(&loop, &l.sig_hup);
	uv_signal_init(&loop, &l.sig_term);
	uv_signal_init(&loop, &l.sig_int);
	l.sig_chld.data = l.sig_hup.data = l.sig_term.data = l.sig_int.data = &l;
	uv_signal_start(&l.sig_chld, on_sigchld, SIGCHLD);
	uv_signal_start(&l.sig_hup, on_sighup, SIGHUP);
	uv_signal_start(&l.sig_term, on_sigterm, SIGTERM);
	uv_signal_start(&l.sig_int, on_sigterm, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (start_listening(&l) < 0) {
		l.status = 255;
		stop_all(&l);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	free(l.listeners);
	free(l.children);
	uv_loop_close(&loop);
	return l.status;
}
