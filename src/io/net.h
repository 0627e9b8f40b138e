/* net: TCP for the programs on a libuv loop: asynchronous resolve +
 * connect with a timeout (sio_connect), listeners (sio_listener), and
 * small handle and address helpers.
 *
 * Errors: functions returning int give 0 or a negative SLC_ERR_*; libuv
 * failures are SLC_ERR_SYS with errno set. Callbacks get libuv status
 * codes (negative errno values; uv_strerror() names them). Handles given
 * out are heap handles (malloc'd) that the receiver owns: close them with
 * sio_close_free(). */
#ifndef SLC_NET_H
#define SLC_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "err.h"

/* Numeric host and port of a sockaddr (IPv4-mapped IPv6 shown as IPv4). */
void sio_addr_format(const struct sockaddr *sa, char *host, size_t hostlen, uint16_t *port);

/* Close a heap handle and free it in its close callback. NULL-safe;
 * a handle already closing is left alone. */
void sio_close_free(uv_handle_t *h);

/* ---- outgoing TCP ---- */

struct sio_connect;

struct sio_connect_opts {
	const char *host; /* name or numeric address */
	uint16_t port;
	int family; /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	/* ConnectTimeout: ms for the connect attempts together, measured
	 * from the first one (name resolution is not bounded, as in ssh).
	 * 0: the kernel's own timeout per address. */
	uint64_t timeout_ms;
};

/* status 0: tcp is the connected socket (a heap handle; ownership moves
 * to the callback), addr the address it reached. Otherwise tcp is NULL,
 * status the last failure (UV_ETIMEDOUT when the time ran out; a
 * getaddrinfo error such as UV_EAI_NONAME when resolution failed) and
 * addr the last address tried, or NULL when none was. The request is
 * freed after the callback returns. */
typedef void (*sio_connect_cb)(struct sio_connect *req, int status, uv_tcp_t *tcp,
                               const struct sockaddr *addr, void *user);

/* Resolve host and try each address in the order getaddrinfo gives,
 * until one connects. opts->host is copied. */
SLC_WUR int sio_connect_start(uv_loop_t *loop, const struct sio_connect_opts *opts,
                              sio_connect_cb cb, void *user, struct sio_connect **out);
/* Stop: the callback will not be called; the request frees itself. */
void sio_connect_cancel(struct sio_connect *req);

/* ---- listening ---- */

struct sio_listener;

/* A new connection (a heap handle; ownership moves to the callback,
 * which may sio_close_free() it to refuse). */
typedef void (*sio_accept_cb)(struct sio_listener *l, uv_tcp_t *client, void *user);

/* Listen on each of addrs (numeric addresses or host names; NULL or ""
 * means every address: 0.0.0.0 and ::, as family allows) at port (0: the
 * kernel picks; see sio_listener_port). IPv6 sockets are IPV6_V6ONLY so
 * :: and 0.0.0.0 can both bind; libuv sets SO_REUSEADDR. Like sshd, an
 * address that fails is logged and skipped; it is an error only when
 * nothing could be bound (the last error is returned). Host names are
 * resolved with a blocking getaddrinfo: call this at startup, before the
 * loop runs. */
SLC_WUR int sio_listen(uv_loop_t *loop, const char *const *addrs, size_t n_addrs, uint16_t port,
                       int family, int backlog, sio_accept_cb cb, void *user,
                       struct sio_listener **out);
/* How many sockets are listening, and the local port of the i-th. */
size_t sio_listener_count(const struct sio_listener *l);
uint16_t sio_listener_port(const struct sio_listener *l, size_t i);
/* Stop listening; l is freed once its sockets are closed. */
void sio_listener_close(struct sio_listener *l);

#endif
