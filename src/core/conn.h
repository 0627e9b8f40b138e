/* conn: one SSH connection in either role, sans I/O (DESIGN.md).
 *
 * Driving it:
 *
 *     ssh_conn_new(&cfg, &c);  ssh_conn_start(c, now);
 *     loop:
 *       write what ssh_conn_output() gives; ssh_conn_consume_output(n)
 *       on socket data:  ssh_conn_feed(c, data, len, now)
 *       then:            while (ssh_conn_next_event(c, &ev)) handle(ev)
 *       at ssh_conn_next_expiry(c): ssh_conn_on_expiry(c, now)
 *       stop when ssh_conn_closed(c) and all output is written
 *
 * Events are pulled, not pushed: ssh_conn_feed only buffers, and input is
 * processed inside ssh_conn_next_event until it has an event to return.
 * So the core is never re-entered from inside a callback (there are none),
 * an event's borrowed data is valid until the next call into the core for
 * this connection, and answers that take time (a host key prompt, an agent
 * signature) are given later through API calls; until then input simply
 * stays buffered.
 *
 * Time is passed in as milliseconds on any monotonic clock. */
#ifndef SLC_CONN_H
#define SLC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "crypto.h"
#include "err.h"
#include "sshkey.h"
#include "userauth.h"

/* RFC 4253 11.1 reason codes */
enum ssh_disconnect_reason {
	SSH_DISCONNECT_HOST_NOT_ALLOWED_TO_CONNECT = 1,
	SSH_DISCONNECT_PROTOCOL_ERROR = 2,
	SSH_DISCONNECT_KEY_EXCHANGE_FAILED = 3,
	SSH_DISCONNECT_MAC_ERROR = 5,
	SSH_DISCONNECT_SERVICE_NOT_AVAILABLE = 7,
	SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE = 9,
	SSH_DISCONNECT_CONNECTION_LOST = 10,
	SSH_DISCONNECT_BY_APPLICATION = 11,
	SSH_DISCONNECT_TOO_MANY_CONNECTIONS = 12,
	SSH_DISCONNECT_AUTH_CANCELLED_BY_USER = 13,
	SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14,
};

struct ssh_conn_config {
	bool server;
	/* Final algorithm lists (already through alglist_apply); NULL means
	 * the defaults of kex.h / cipher.h. */
	const char *kex_algs;
	const char *hostkey_algs;
	const char *ciphers;
	const char *macs;
	/* Server: host keys with private halves (borrowed; must outlive c). */
	struct sshkey *const *hostkeys;
	size_t n_hostkeys;
	/* Rekey after this many bytes in either direction (0: 1 GiB) or this
	 * many seconds (0: never by time). RekeyLimit in the configs. */
	uint64_t rekey_bytes;
	uint32_t rekey_seconds;
	const struct slc_rng *rng; /* borrowed */
};

enum ssh_event_type {
	SSH_EV_NONE = 0,
	/* Client: the server proved it holds ev.hostkey.key. Check it (known
	 * hosts, prompt) and answer with ssh_conn_hostkey_verdict(). */
	SSH_EV_HOSTKEY,
	/* New keys are in use in both directions. ev.kex.first for the initial
	 * exchange; the names of what was agreed are in ev.kex. */
	SSH_EV_KEX_DONE,
	/* Client: the server accepted the service we asked for. */
	SSH_EV_SERVICE_ACCEPT,
	/* The connection is over: flush output, then close the socket. */
	SSH_EV_DISCONNECT,
	/* User authentication events (userauth.h) use SSH_EV_AUTH_FIRST ..
	 * SSH_EV_AUTH_LAST; connection protocol events (channel.h) use
	 * SSH_EV_CHAN_FIRST .. SSH_EV_CHAN_LAST. */
	SSH_EV_AUTH_FIRST = 16,
	SSH_EV_AUTH_LAST = 47,
	SSH_EV_CHAN_FIRST = 48,
	SSH_EV_CHAN_LAST = 95,
};

struct ssh_event {
	int type; /* enum ssh_event_type, or a userauth.h / channel.h value */
	union {
		struct {
			const struct sshkey *key;
			const char *alg; /* negotiated host key algorithm */
		} hostkey;
		struct {
			bool first;
			const char *kex, *hostkey, *cipher_c2s, *cipher_s2c, *mac_c2s, *mac_s2c;
		} kex;
		struct {
			uint32_t reason;
			const char *text; /* one line: the cause */
			bool by_peer; /* the peer sent DISCONNECT */
		} disconnect;
		struct ssh_auth_event auth;
		struct ssh_chan_event chan;
	};
};

struct ssh_conn;

SLC_WUR int ssh_conn_new(const struct ssh_conn_config *cfg, struct ssh_conn **out);
void ssh_conn_del(struct ssh_conn *c);

/* Queue our version line and first KEXINIT. */
SLC_WUR int ssh_conn_start(struct ssh_conn *c, uint64_t now);

/* Buffer bytes from the peer. Only fails (SLC_ERR_LIMIT) when the peer
 * sends far more than a packet without our draining events; the driver
 * should then stop reading until ssh_conn_next_event() returns false. */
SLC_WUR int ssh_conn_feed(struct ssh_conn *c, const uint8_t *data, size_t len, uint64_t now);

/* Process buffered input until there is an event: true with *ev filled,
 * false when more input (or an answer to a pending event) is needed.
 * Fatal errors come out as SSH_EV_DISCONNECT. */
bool ssh_conn_next_event(struct ssh_conn *c, struct ssh_event *ev);

/* Bytes to write. The pointer is valid until the next call into the core
 * for this connection (queuing more output may move the buffer). */
const uint8_t *ssh_conn_output(const struct ssh_conn *c, size_t *len);
void ssh_conn_consume_output(struct ssh_conn *c, size_t n);

/* Timers. UINT64_MAX when nothing is scheduled. */
uint64_t ssh_conn_next_expiry(const struct ssh_conn *c);
void ssh_conn_on_expiry(struct ssh_conn *c, uint64_t now);

/* Client: answer to SSH_EV_HOSTKEY. Rejecting ends the connection with
 * HOST_KEY_NOT_VERIFIABLE and the given reason. */
void ssh_conn_hostkey_verdict(struct ssh_conn *c, bool accept, const char *why);

/* Client: ask for a service ("ssh-userauth") once the first kex is done. */
SLC_WUR int ssh_conn_request_service(struct ssh_conn *c, const char *service);

/* Start a key re-exchange now (no-op while one runs). */
SLC_WUR int ssh_conn_rekey(struct ssh_conn *c);

/* Send DISCONNECT and close. The event SSH_EV_DISCONNECT follows. */
void ssh_conn_disconnect(struct ssh_conn *c, uint32_t reason, const char *text);

bool ssh_conn_closed(const struct ssh_conn *c);
/* The peer's version line, once known (else NULL). */
const char *ssh_conn_peer_version(const struct ssh_conn *c);
/* Session identifier (the first exchange hash), once known. */
const uint8_t *ssh_conn_session_id(const struct ssh_conn *c, size_t *len);
/* Client: the server's server-sig-algs extension, or NULL. */
const char *ssh_conn_server_sig_algs(const struct ssh_conn *c);
/* Whether strict key exchange is in force. */
bool ssh_conn_strict_kex(const struct ssh_conn *c);

#endif
