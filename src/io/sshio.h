/* sshio: runs SSH connections on a libuv loop (DESIGN.md, src/io).
 *
 * struct sio_conn drives one struct ssh_conn over a libuv stream: socket
 * bytes go into ssh_conn_feed, events are pulled with ssh_conn_next_event
 * and handed to the program's on_event, what the core emits is written
 * out, and a timer follows ssh_conn_next_expiry. On SSH_EV_DISCONNECT the
 * queued output (the DISCONNECT message) is flushed, the write side shut
 * down, and the handles closed.
 *
 * Errors: 0 or a negative SLC_ERR_*; libuv failures are SLC_ERR_SYS with
 * errno set.
 *
 * Handles: streams passed in are heap handles (malloc'd, initialised)
 * whose ownership moves to sc; it uv_close()s and free()s them. Nothing
 * here blocks the loop. */
#ifndef SLC_SSHIO_H
#define SLC_SSHIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "conn.h"
#include "err.h"
#include "net.h"

/* Back-pressure: the driver stops reading the peer while more than
 * SIO_HIGH_WATER bytes of output are unsent, and resumes (calling
 * on_drain) once it is down to SIO_LOW_WATER. */
#define SIO_HIGH_WATER (4u << 20)
#define SIO_LOW_WATER (1u << 20)
/* After our last bytes are out, how long we wait for the peer to close
 * before closing anyway (also the bound on flushing to a stalled peer). */
#define SIO_LINGER_MS 3000

struct sio_conn;

struct sio_conn_cb {
	/* One event from the core. Runs outside the core, so it may call any
	 * ssh_conn_* function on sio_conn_ssh(sc) (ssh_conn_hostkey_verdict,
	 * ssh_conn_request_service, ...) and sio_conn_close/abort; the
	 * driver flushes what that produces when it returns. ev's borrowed
	 * data is valid only during the call.
	 *
	 * Every connection ends with exactly one SSH_EV_DISCONNECT: the
	 * core's, or one the driver makes when the stream ends first
	 * (reason SSH_DISCONNECT_CONNECTION_LOST, by_peer true for EOF,
	 * text "Connection closed by remote host" or "read: <error>" /
	 * "write: <error>"). sio_conn_close() and sio_conn_abort(), the
	 * program's own doing, skip it. Required. */
	void (*on_event)(struct sio_conn *sc, const struct ssh_event *ev, void *user);
	/* The stream and timer are closed; sc and its ssh_conn are freed
	 * when this returns. Required. */
	void (*on_close)(struct sio_conn *sc, void *user);
	/* Unsent output fell to SIO_LOW_WATER after exceeding SIO_HIGH_WATER:
	 * producers (forwarded sockets) may resume. Optional. */
	void (*on_drain)(struct sio_conn *sc, void *user);
};

/* Make the connection's core from cfg (copied by ssh_conn_new; what it
 * borrows, host keys and rng, must outlive sc). cb is copied. */
SLC_WUR int sio_conn_new(uv_loop_t *loop, const struct ssh_conn_config *cfg,
                         const struct sio_conn_cb *cb, void *user, struct sio_conn **out);

/* Start on a connected stream pair: in is read, out is written; they may
 * be the same handle (a TCP socket) or two (a ProxyCommand's pipes).
 * Ownership of in and out moves to sc, even on failure. TCP gets
 * TCP_NODELAY. Sends our version line and KEXINIT. On failure sc is
 * closing: on_close follows (without an on_event). */
SLC_WUR int sio_conn_start(struct sio_conn *sc, uv_stream_t *in, uv_stream_t *out);

/* Before start (or instead of it, when there is no stream): free sc
 * without callbacks. */
void sio_conn_del(struct sio_conn *sc);

struct ssh_conn *sio_conn_ssh(const struct sio_conn *sc);
void *sio_conn_user(const struct sio_conn *sc);
void sio_conn_set_user(struct sio_conn *sc, void *user);

/* Call after using ssh_conn_* on sio_conn_ssh(sc) from outside on_event
 * (an answer given later, channel data from a local socket): processes
 * any events that unblocked, writes output, re-arms the timer. Safe from
 * inside on_event too (it is then deferred to the end of the batch). */
void sio_conn_kick(struct sio_conn *sc);

/* End the connection gracefully: write what the core has queued, then
 * close. Call ssh_conn_disconnect first to tell the peer why; that alone
 * also ends it (through SSH_EV_DISCONNECT). */
void sio_conn_close(struct sio_conn *sc);
/* Close now, dropping unsent output and without SSH_EV_DISCONNECT. */
void sio_conn_abort(struct sio_conn *sc);

/* Output not yet handed to the kernel (core queue + the write in flight). */
size_t sio_conn_unsent(const struct sio_conn *sc);
/* uv_now() of the last bytes read from the peer (the start time before
 * any): for idle timeouts. */
uint64_t sio_conn_last_input(const struct sio_conn *sc);
/* The peer's address for TCP streams: SLC_ERR_SYS otherwise. */
SLC_WUR int sio_conn_peer_addr(const struct sio_conn *sc, struct sockaddr_storage *ss);

#endif
