/* Internal to the core: the connection struct shared by the transport
 * (transport.c) and the layers above it. Not for src/io or the programs. */
#ifndef SLC_CONN_INT_H
#define SLC_CONN_INT_H

#include "conn.h"
#include "ident.h"
#include "kex.h"
#include "kexinit.h"
#include "packet.h"

enum ssh_msg {
	SSH_MSG_DISCONNECT = 1,
	SSH_MSG_IGNORE = 2,
	SSH_MSG_UNIMPLEMENTED = 3,
	SSH_MSG_DEBUG = 4,
	SSH_MSG_SERVICE_REQUEST = 5,
	SSH_MSG_SERVICE_ACCEPT = 6,
	SSH_MSG_EXT_INFO = 7,
	/* SSH_MSG_KEXINIT 20 is in kexinit.h */
	SSH_MSG_NEWKEYS = 21,
	/* 30, 31 in kex.h */
	SSH_MSG_USERAUTH_REQUEST = 50,
	SSH_MSG_USERAUTH_FAILURE = 51,
	SSH_MSG_USERAUTH_SUCCESS = 52,
	SSH_MSG_USERAUTH_BANNER = 53,
	SSH_MSG_GLOBAL_REQUEST = 80,
	SSH_MSG_REQUEST_SUCCESS = 81,
	SSH_MSG_REQUEST_FAILURE = 82,
	SSH_MSG_CHANNEL_OPEN = 90,
	SSH_MSG_CHANNEL_FAILURE = 100,
};

enum kex_phase {
	KEX_IDLE, /* no exchange running */
	KEX_SENT_KEXINIT, /* ours is out, waiting for the peer's */
	KEX_WAIT_INIT, /* server: waiting for KEX_ECDH_INIT */
	KEX_WAIT_REPLY, /* client: waiting for KEX_ECDH_REPLY */
	KEX_WAIT_VERDICT, /* client: waiting for the host key verdict */
	KEX_WAIT_NEWKEYS, /* our NEWKEYS is out, waiting for the peer's */
};

struct ssh_conn {
	struct ssh_conn_config cfg;
	char *kex_algs, *hostkey_algs, *ciphers, *macs; /* owned copies */
	uint64_t now;

	struct ssh_ident ident;
	struct ssh_packet pkt;

	/* key exchange */
	enum kex_phase kex;
	bool peer_kexinit_seen; /* this round */
	bool first_kex_done;
	bool strict;
	bool ignore_guess; /* drop the peer's wrongly guessed packet */
	bool peer_ext_info; /* the client sent ext-info-c */
	struct buf my_kexinit; /* payloads, for the exchange hash */
	struct buf peer_kexinit;
	struct kex_choice choice;
	const struct kex_method *method;
	struct crypto_kex *ephemeral;
	struct sshkey *peer_hostkey; /* client: from KEX_ECDH_REPLY */
	struct sshkey *first_hostkey; /* client: accepted in the first kex */
	uint8_t h[CRYPTO_HASH_MAX_LEN];
	size_t h_len;
	uint8_t session_id[CRYPTO_HASH_MAX_LEN];
	size_t session_id_len;
	struct cipher_ctx *next_in; /* activated by the peer's NEWKEYS */
	struct cipher_ctx *next_out; /* activated when our NEWKEYS goes out */
	uint64_t last_kex_time;
	/* Upper-layer packets queued while our KEXINIT is out (RFC 4253 7.1
	 * allows only transport messages until NEWKEYS): [u32 len][payload]... */
	struct buf deferred;

	/* upper layers: owned by userauth.c and channel.c */
	struct userauth_state *ua;
	struct channel_table *chans;
	bool authenticated;

	/* service */
	bool service_requested;
	bool service_accepted;
	char *server_sig_algs;

	/* state */
	bool closed;
	struct ssh_event pending; /* SSH_EV_NONE when empty */
	char pending_text[256];
};

/* Upper layers. Each dispatch returns 0 when it handled message t,
 * SLC_ERR_NOT_FOUND when t is not one of its messages, or another negative
 * error after conn_fail(). The transport calls userauth_dispatch for 50..79
 * once the service is accepted and channel_dispatch for 80..127 once
 * c->authenticated is set; anything else out of state ends the
 * connection. *_free release the layer's state (NULL-safe). */
SLC_WUR int userauth_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m);
SLC_WUR int channel_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m);
void userauth_free(struct ssh_conn *c);
/* Server: a request awaits the driver's answer; the transport reads no
 * input meanwhile (RFC 4252 requests are answered one at a time). */
bool userauth_blocking(const struct ssh_conn *c);
void channel_free(struct ssh_conn *c);
/* Raise an event from an upper layer (the slot must be empty: layers
 * produce at most one event per dispatched message). */
void conn_raise(struct ssh_conn *c, const struct ssh_event *ev);

/* Upper layers send through these: during a key exchange the payload is
 * deferred (copied) and sent after NEWKEYS. */
SLC_WUR int conn_send_begin(struct ssh_conn *c, struct buf **payload);
SLC_WUR int conn_send_end(struct ssh_conn *c);
/* Drop the payload begun with conn_send_begin (nothing is sent). */
void conn_send_abort(struct ssh_conn *c);
SLC_WUR int conn_send(struct ssh_conn *c, const uint8_t *payload, size_t len);
/* Fatal error: queue DISCONNECT (reason, text) and report it as an event. */
void conn_fail(struct ssh_conn *c, uint32_t reason, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
