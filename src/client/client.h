/* client: the sluice program's connection, shared by its parts (client.c
 * drives the connection; hostkey.c, auth.c, session.c answer events;
 * prompt.c and agentconn.c are helpers). One connection per process, so
 * the state is one struct the parts share. */
#ifndef SLC_CLIENT_H
#define SLC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "conn.h"
#include "crypto.h"
#include "log.h"
#include "ssh_config.h"
#include "sshio.h"

#define EXIT_SSH_ERROR 255

struct auth_state;
struct session;

struct client {
	struct ssh_config cfg;
	size_t n_explicit_ids; /* IdentityFile entries given, before defaults */
	const char *home;
	uv_loop_t *loop;
	struct slc_rng rng;
	struct ssh_conn_config ccfg;
	struct sio_connect *connecting;
	struct sio_conn *sc;
	char peer_ip[64]; /* numeric address reached */
	char *command; /* NULL: shell */
	bool want_tty;
	bool stdin_null; /* -n */
	bool hostkey_failed;
	bool changed_key; /* connected despite a changed key: no passwords */
	bool authenticated;
	bool closing;
	bool conn_closed;
	int exit_status;
	struct auth_state *auth;
	struct session *sess;
};

extern struct client CL;

/* User-visible message on stderr (or the -E file), unless LogLevel is
 * below level. One line per call; no prefix (as ssh prints them). */
void cl_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* client.c */
int client_run(const char *host, const char *const *options, size_t n_options, const char *file,
               const char *logfile, char *command, bool stdin_null);
/* End the connection with DISCONNECT; exit_status becomes status. */
void client_end(int status, const char *why);
/* Everything written: exit when the connection and outputs are done. */
void client_maybe_exit(void);

/* hostkey.c: check the server's key; true to accept. */
bool hostkey_check(const struct sshkey *key);
/* The default HostKeyAlgorithms reordered for the keys on file (malloc'd),
 * or NULL to keep algs. */
char *hostkey_order_algs(const char *algs);

/* auth.c */
int auth_start(struct ssh_conn *c);
void auth_event(struct ssh_conn *c, const struct ssh_event *ev);
void auth_free(void);

/* session.c */
int session_start(struct ssh_conn *c);
void session_event(struct ssh_conn *c, const struct ssh_event *ev);
void session_drain(void);
bool session_outputs_idle(void);
bool session_stdin_busy(void);
void session_tty_restore(void);
void session_stdin_restore(void);

/* prompt.c: read a line from /dev/tty (echo off unless echo) or askpass.
 * NULL when no prompt is possible or it was cancelled. Caller wipes and
 * frees. */
char *prompt_read(const char *prompt, bool echo);
void prompt_free(char *s);

/* agentconn.c: ssh-agent client on the loop (uv_pipe_t), one request at a
 * time. The callback gets status 0 with the reply's type and body (body
 * borrowed for the call), or a negative SLC_ERR_* with body NULL. */
struct agentconn;
typedef void (*agentconn_cb)(int status, uint8_t type, struct buf *body, void *user);
/* cb is called once the socket is connected (status 0) or not. */
int agentconn_new(uv_loop_t *loop, const char *path, agentconn_cb cb, void *user,
                  struct agentconn **out);
void agentconn_del(struct agentconn *a);
int agentconn_request_identities(struct agentconn *a, agentconn_cb cb, void *user);
int agentconn_request_sign(struct agentconn *a, const uint8_t *blob, size_t blob_len,
                           const uint8_t *data, size_t len, const char *alg, agentconn_cb cb,
                           void *user);

#endif
