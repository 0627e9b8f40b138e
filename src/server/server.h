/* sluiced internals shared by main.c, listener.c, conn.c, auth.c, passwd.c
 * and session.c.
 *
 * Process model (DESIGN.md): the listener process accepts and forks one
 * process per connection. That child closes the listening sockets, starts a
 * fresh libuv loop with one sio_conn, authenticates the user (as root when
 * started as root), then drops privileges to the user for good before any
 * session work: opening files, running commands. */
#ifndef SLC_SERVER_H
#define SLC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

#include "authorized_keys.h"
#include "conn.h"
#include "crypto.h"
#include "sshd_config.h"
#include "sshio.h"
#include "sshkey.h"

/* The command line. */
struct srv_opts {
	const char *cfg_file; /* -f, default /etc/ssh/sshd_config */
	char *o_text; /* -o options, one per line (malloc'd) */
	const char **hostkey_args; /* -h (malloc'd array of argv strings) */
	size_t n_hostkey_args;
	int port; /* -p, 0: none */
	bool debug; /* -d: foreground, stderr, one connection */
	bool foreground; /* -D */
	bool log_stderr; /* -e */
	const char *log_file; /* -E */
};

/* The listener's state; a per-connection child inherits a copy. */
struct srv {
	struct srv_opts opts;
	struct sshd_config cfg; /* finalized; replaced on SIGHUP */
	struct sshkey **hostkeys;
	size_t n_hostkeys;
	struct slc_rng rng;
	uv_loop_t *loop;
};

/* main.c: read the configuration as the command line says (-o lines first,
 * so they win, then the file; -p overrides Port). Errors are printed to
 * stderr; returns 0 or -1. */
int srv_config_load(const struct srv_opts *o, struct sshd_config *out);
/* main.c: load (or create) the host keys of s->cfg into s. */
int srv_hostkeys_load(struct srv *s);
void srv_hostkeys_free(struct srv *s);

/* listener.c: listen as configured and serve until SIGTERM (or after one
 * connection with -d). Returns the exit status. */
int srv_listen_run(struct srv *s);

/* conn.c: serve one accepted connection in a fresh process (the caller has
 * forked and closed the listener). fd is the connected socket. Never
 * returns. */
void srv_conn_child(struct srv *s, int fd) __attribute__((noreturn));

/* ---- per connection ---- */

struct srv_conn;

/* The authenticated user. */
struct srv_user {
	char *name, *home, *shell, *dir_for_cd;
	uid_t uid;
	gid_t gid;
};

/* auth.c: state of the authentication phase. */
struct srv_auth;
int srv_auth_new(struct srv_conn *sc, struct srv_auth **out);
void srv_auth_del(struct srv_auth *a);
/* Handle SSH_EV_AUTH_REQUEST / SSH_EV_AUTH_INFO_RESPONSE. */
void srv_auth_event(struct srv_auth *a, const struct ssh_event *ev);

/* passwd.c: check a password for user (NULL: unknown user, checked against
 * a dummy hash so the work is the same). Blocking: call from a worker
 * thread. use_pam: through PAM service "sluiced" (falling back to "sshd"
 * when /etc/pam.d/sluiced is absent). */
bool srv_passwd_check(const char *user, bool known, const char *password, bool use_pam);

/* passwd.c: keyboard-interactive through PAM (UsePAM yes). PAM runs in a
 * worker thread; prompt is called on the loop with the conversation's
 * prompts (answer with srv_pam_kbd_respond), done once with the verdict.
 * After srv_pam_kbd_abort neither is called again; the object frees itself
 * once the thread is finished. */
struct srv_pam_conv;
typedef void (*srv_pam_prompt_fn)(void *ctx, const char *instruction, uint32_t n,
                                  const char *const *prompts, const bool *echo);
typedef void (*srv_pam_done_fn)(void *ctx, bool ok);
int srv_pam_kbd_start(uv_loop_t *loop, const char *user, bool known, srv_pam_prompt_fn prompt,
                      srv_pam_done_fn done, void *ctx, struct srv_pam_conv **out);
void srv_pam_kbd_respond(struct srv_pam_conv *k, uint32_t n, const char *const *responses);
void srv_pam_kbd_abort(struct srv_pam_conv *k);
/* auth.c: stop background work (the connection is closing). */
void srv_auth_abort(struct srv_auth *a);

/* conn.c: what auth.c and session.c use. */
struct srv_conn {
	struct srv *srv;
	uv_loop_t loop;
	struct sio_conn *sio;
	struct ssh_conn *ssh;
	struct sshd_config cfg; /* effective for this connection (after Match) */
	bool have_cfg; /* cfg is per user (Match applied) */
	char peer_host[64], local_host[64];
	uint16_t peer_port, local_port;
	uv_timer_t grace;
	bool grace_armed;
	uv_timer_t alive; /* ClientAliveInterval */
	unsigned alive_missed;
	struct srv_auth *auth;
	bool authenticated;
	struct srv_user user;
	struct ak_opts key_opts; /* options of the authorized_keys line used */
	bool key_opts_set;
	bool closing;
	/* sessions */
	uv_signal_t sigchld;
	bool sigchld_on;
	unsigned n_sessions;
	struct srv_session **sessions; /* by channel id (grown as needed) */
	size_t sessions_cap;
	pid_t *orphans; /* children of sessions already closed, to reap */
	size_t n_orphans;
};

/* conn.c: the user logged in (called by auth.c just before accepting):
 * fills sc->user, the per-user configuration and key options. */
int srv_conn_login(struct srv_conn *sc, const struct passwd *pw);
/* conn.c: end the connection with a DISCONNECT. */
void srv_conn_disconnect(struct srv_conn *sc, uint32_t reason, const char *text);

/* session.c */
void srv_session_open(struct srv_conn *sc, const struct ssh_event *ev);
void srv_session_event(struct srv_conn *sc, const struct ssh_event *ev);
void srv_session_drain(struct srv_conn *sc);
void srv_session_sigchld(struct srv_conn *sc);
void srv_session_close_all(struct srv_conn *sc);

#endif
