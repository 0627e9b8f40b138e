/* net: see net.h. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net.h"

static int uv_to_slc(int status)
{
	errno = -status;
	return SLC_ERR_SYS;
}

static void free_handle(uv_handle_t *h)
{
	free(h);
}

void sio_close_free(uv_handle_t *h)
{
	if (h && !uv_is_closing(h))
		uv_close(h, free_handle);
}

void sio_addr_format(const struct sockaddr *sa, char *host, size_t hostlen, uint16_t *port)
{
	if (hostlen)
		host[0] = '\0';
	if (port)
		*port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		uv_ip4_name(in, host, hostlen);
		if (port)
			*port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			struct sockaddr_in in;
			memset(&in, 0, sizeof(in));
			in.sin_family = AF_INET;
			memcpy(&in.sin_addr, in6->sin6_addr.s6_addr + 12, 4);
			uv_ip4_name(&in, host, hostlen);
		} else {
			uv_ip6_name(in6, host, hostlen);
		}
		if (port)
			*port = ntohs(in6->sin6_port);
	}
}

/* ---- outgoing TCP ----
 *
 * The request lives until everything it started has finished: the
 * getaddrinfo call, the timer handle and each attempt's socket (closed
 * asynchronously). refs counts those; done says the outcome was given
 * (or the caller cancelled). */

struct sio_connect {
	uv_loop_t *loop;
	char *host;
	char port[8];
	uint64_t timeout_ms;
	sio_connect_cb cb;
	void *user;

	uv_getaddrinfo_t gai;
	struct addrinfo *res, *next;
	uv_connect_t creq;
	uv_tcp_t *tcp; /* the attempt in progress */
	uv_timer_t timer;
	bool timer_armed;

	int refs;
	bool done;
	int last_err;
	struct sockaddr_storage addr; /* the last address tried */
	bool have_addr;
};

static void connect_maybe_free(struct sio_connect *c)
{
	if (!c->done || c->refs > 0)
		return;
	if (c->res)
		uv_freeaddrinfo(c->res);
	free(c->host);
	free(c);
}

static void connect_timer_closed(uv_handle_t *h)
{
	struct sio_connect *c = h->data;
	c->refs--;
	connect_maybe_free(c);
}

static void connect_tcp_closed(uv_handle_t *h)
{
	struct sio_connect *c = h->data;
	free(h);
	c->refs--;
	connect_maybe_free(c);
}

/* Stop everything still running; the request frees itself afterwards. */
static void connect_wind_down(struct sio_connect *c)
{
	c->done = true;
	if (c->tcp) {
		uv_close((uv_handle_t *)c->tcp, connect_tcp_closed);
		c->tcp = NULL;
	}
	if (!uv_is_closing((uv_handle_t *)&c->timer))
		uv_close((uv_handle_t *)&c->timer, connect_timer_closed);
}

static void connect_finish(struct sio_connect *c, int status, uv_tcp_t *tcp)
{
	if (c->done)
		return;
	connect_wind_down(c);
	c->cb(c, status, tcp, c->have_addr ? (const struct sockaddr *)&c->addr : NULL, c->user);
	connect_maybe_free(c);
}

static void on_connected(uv_connect_t *req, int status);
static void on_connect_timeout(uv_timer_t *h);

static void connect_next(struct sio_connect *c)
{
	while (c->next) {
		struct addrinfo *ai = c->next;
		c->next = ai->ai_next;
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(c->addr))
			continue;
		memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
		c->have_addr = true;
		uv_tcp_t *t = malloc(sizeof(*t));
		if (!t) {
			c->last_err = UV_ENOMEM;
			break;
		}
		uv_tcp_init(c->loop, t);
		t->data = c;
		c->refs++;
		if (c->timeout_ms && !c->timer_armed) {
			uv_timer_start(&c->timer, on_connect_timeout, c->timeout_ms, 0);
			c->timer_armed = true;
		}
		int r = uv_tcp_connect(&c->creq, t, ai->ai_addr, on_connected);
		if (r == 0) {
			c->tcp = t;
			return;
		}
		c->last_err = r;
		uv_close((uv_handle_t *)t, connect_tcp_closed);
	}
	connect_finish(c, c->last_err ? c->last_err : UV_EADDRNOTAVAIL, NULL);
}

static void on_connected(uv_connect_t *req, int status)
{
	uv_tcp_t *t = (uv_tcp_t *)req->handle;
	struct sio_connect *c = t->data;
	if (c->done || status == UV_ECANCELED) {
		/* timed out or cancelled: the socket is already closing */
		if (!uv_is_closing((uv_handle_t *)t))
			uv_close((uv_handle_t *)t, connect_tcp_closed);
		return;
	}
	c->tcp = NULL;
	if (status == 0) {
		c->refs--; /* transferred to the caller */
		t->data = NULL;
		connect_finish(c, 0, t);
		return;
	}
	c->last_err = status;
	uv_close((uv_handle_t *)t, connect_tcp_closed);
	connect_next(c);
}

static void on_connect_timeout(uv_timer_t *h)
{
	struct sio_connect *c = h->data;
	connect_finish(c, UV_ETIMEDOUT, NULL);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct sio_connect *c = req->data;
	c->refs--;
	c->res = res;
	if (c->done) {
		connect_maybe_free(c);
		return;
	}
	if (status < 0) {
		connect_finish(c, status, NULL);
		return;
	}
	c->next = res;
	connect_next(c);
}

int sio_connect_start(uv_loop_t *loop, const struct sio_connect_opts *opts, sio_connect_cb cb,
                      void *user, struct sio_connect **out)
{
	struct addrinfo hints;
	struct sio_connect *c;
	int r;

	if (!opts->host || !cb)
		return SLC_ERR_INVALID;
	if (!(c = calloc(1, sizeof(*c))) || !(c->host = strdup(opts->host))) {
		free(c);
		return SLC_ERR_NOMEM;
	}
	c->loop = loop;
	c->cb = cb;
	c->user = user;
	c->timeout_ms = opts->timeout_ms;
	snprintf(c->port, sizeof(c->port), "%u", (unsigned)opts->port);
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	c->refs = 1; /* the timer handle */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = opts->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;
	c->gai.data = c;
	r = uv_getaddrinfo(loop, &c->gai, on_resolved, c->host, c->port, &hints);
	if (r < 0) {
		connect_wind_down(c);
		return uv_to_slc(r);
	}
	c->refs++;
	*out = c;
	return 0;
}

void sio_connect_cancel(struct sio_connect *c)
{
	if (!c || c->done)
		return;
	/* If resolution is still queued this cancels it; if it is running,
	 * on_resolved sees done and only frees. */
	(void)uv_cancel((uv_req_t *)&c->gai);
	connect_wind_down(c);
	connect_maybe_free(c);
}

/* ---- listening ---- */

struct sio_listener {
	uv_loop_t *loop;
	sio_accept_cb cb;
	void *user;
	uv_tcp_t **socks;
	size_t n, cap;
	size_t open; /* sockets not yet closed */
};

static void on_listener_sock_closed(uv_handle_t *h)
{
	struct sio_listener *l = h->data;
	free(h);
	if (--l->open == 0) {
		free(l->socks);
		free(l);
	}
}

void sio_listener_close(struct sio_listener *l)
{
	if (!l)
		return;
	if (l->n == 0) {
		free(l->socks);
		free(l);
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		uv_close((uv_handle_t *)l->socks[i], on_listener_sock_closed);
	l->n = 0;
}

size_t sio_listener_count(const struct sio_listener *l)
{
	return l->n;
}

uint16_t sio_listener_port(const struct sio_listener *l, size_t i)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	uint16_t port = 0;
	char host[64];
	if (i >= l->n || uv_tcp_getsockname(l->socks[i], (struct sockaddr *)&ss, &len) < 0)
		return 0;
	sio_addr_format((struct sockaddr *)&ss, host, sizeof(host), &port);
	return port;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct sio_listener *l = server->data;
	if (status < 0) {
		/* EMFILE and friends: the connection waits in the backlog */
		slc_error("accept: %s", uv_strerror(status));
		return;
	}
	uv_tcp_t *t = malloc(sizeof(*t));
	if (!t) {
		slc_error("accept: out of memory");
		return;
	}
	uv_tcp_init(l->loop, t);
	int r = uv_accept(server, (uv_stream_t *)t);
	if (r < 0) {
		slc_error("accept: %s", uv_strerror(r));
		sio_close_free((uv_handle_t *)t);
		return;
	}
	l->cb(l, t, l->user);
}

static int listen_one(struct sio_listener *l, const struct sockaddr *sa, int backlog)
{
	uv_tcp_t *t;
	int r;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		uv_tcp_t **ns = realloc(l->socks, ncap * sizeof(*ns));
		if (!ns)
			return UV_ENOMEM;
		l->socks = ns;
		l->cap = ncap;
	}
	if (!(t = malloc(sizeof(*t))))
		return UV_ENOMEM;
	uv_tcp_init(l->loop, t);
	t->data = l;
	r = uv_tcp_bind(t, sa, sa->sa_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
	if (r == 0)
		r = uv_listen((uv_stream_t *)t, backlog, on_connection);
	if (r < 0) {
		sio_close_free((uv_handle_t *)t);
		return r;
	}
	l->socks[l->n++] = t;
	l->open++;
	return 0;
}

int sio_listen(uv_loop_t *loop, const char *const *addrs, size_t n_addrs, uint16_t port, int family,
               int backlog, sio_accept_cb cb, void *user, struct sio_listener **out)
{
	static const char *const any4[] = {"0.0.0.0"}, *const any6[] = {"::"},
	                         *const any[] = {"0.0.0.0", "::"};
	struct sio_listener *l;
	int last = UV_EADDRNOTAVAIL;

	if (!cb)
		return SLC_ERR_INVALID;
	if (!(l = calloc(1, sizeof(*l))))
		return SLC_ERR_NOMEM;
	l->loop = loop;
	l->cb = cb;
	l->user = user;
	if (n_addrs == 0) {
		static const char *const none[] = {NULL};
		addrs = none;
		n_addrs = 1;
	}
	for (size_t i = 0; i < n_addrs; i++) {
		const char *const *names = &addrs[i];
		size_t n_names = 1;
		if (!addrs[i] || !*addrs[i]) {
			names = family == AF_INET ? any4 : family == AF_INET6 ? any6 : any;
			n_names = family == AF_UNSPEC ? 2 : 1;
		}
		for (size_t j = 0; j < n_names; j++) {
			struct addrinfo hints, *res = NULL;
			char portstr[8];
			/* With port 0, later sockets follow the first's port. */
			uint16_t p = port ? port : l->n ? sio_listener_port(l, 0) : 0;
			snprintf(portstr, sizeof(portstr), "%u", (unsigned)p);
			memset(&hints, 0, sizeof(hints));
			hints.ai_family = family;
			hints.ai_socktype = SOCK_STREAM;
			hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
			int g = getaddrinfo(names[j], portstr, &hints, &res);
			if (g != 0) {
				slc_error("bad address %s: %s", names[j], gai_strerror(g));
				last = UV_EADDRNOTAVAIL;
				continue;
			}
			for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
				if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
					continue;
				int r = listen_one(l, ai->ai_addr, backlog);
				if (r < 0) {
					char host[64];
					sio_addr_format(ai->ai_addr, host, sizeof(host), NULL);
					slc_error("Bind to port %u on %s failed: %s.", (unsigned)p,
					          host, uv_strerror(r));
					last = r;
				}
			}
			freeaddrinfo(res);
		}
	}
	if (l->n == 0) {
		sio_listener_close(l);
		return uv_to_slc(last);
	}
	*out = l;
	return 0;
}
