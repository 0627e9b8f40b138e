/* conn: one client connection in its own process: transport, the
 * LoginGraceTime timer, dispatch of auth and channel events, the user's
 * login (per-user configuration) and the privilege drop. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

extern int srv_startup_fd; /* listener.c */

static void tell_parent_authenticated(void)
{
	if (srv_startup_fd >= 0) {
		close(srv_startup_fd);
		srv_startup_fd = -1;
	}
}

void srv_conn_disconnect(struct srv_conn *sc, uint32_t reason, const char *text)
{
	if (sc->closing)
		return;
	ssh_conn_disconnect(sc->ssh, reason, text);
	sio_conn_kick(sc->sio);
}

static void on_grace(uv_timer_t *t)
{
	struct srv_conn *sc = t->data;
	if (sc->authenticated)
		return;
	slc_info("Timeout before authentication for %s port %u", sc->peer_host, sc->peer_port);
	srv_conn_disconnect(sc, SSH_DISCONNECT_PROTOCOL_ERROR, "Timeout before authentication");
}

/* The user's groups, for Match Group. */
static char **user_groups(const char *user, gid_t gid, size_t *n)
{
	int ng = 64;
	gid_t *gids = NULL;
	char **names = NULL;
	*n = 0;
	for (int tries = 0; tries < 4; tries++) {
		gid_t *g2 = realloc(gids, (size_t)ng * sizeof(*gids));
		if (g2 == NULL)
			goto out;
		gids = g2;
		int want = ng;
		if (getgrouplist(user, gid, gids, &want) >= 0) {
			ng = want;
			break;
		}
		ng = want > ng ? want : ng * 2;
		if (tries == 3)
			goto out;
	}
	names = calloc((size_t)ng + 1, sizeof(*names));
	for (int i = 0; names && i < ng; i++) {
		const struct group *g = getgrgid(gids[i]);
		if (g && (names[*n] = strdup(g->gr_name)) != NULL)
			(*n)++;
	}
out:
	free(gids);
	return names;
}

int srv_conn_login(struct srv_conn *sc, const struct passwd *pw)
{
	size_t ng = 0;
	char **groups = user_groups(pw->pw_name, pw->pw_gid, &ng);
	struct sshd_conn_info ci = {
	        .user = pw->pw_name,
	        .groups = (const char *const *)groups,
	        .ngroups = ng,
	        .addr = sc->peer_host,
	        .laddr = sc->local_host,
	        .lport = sc->local_port,
	};
	struct sshd_config eff;
	int r = sshd_config_for_connection(&sc->srv->cfg, &ci, &eff);
	for (size_t i = 0; i < ng; i++)
		free(groups[i]);
	free(groups);
	if (r < 0) {
		slc_error("Match for %s: %s", pw->pw_name, eff.error ? eff.error : slc_strerror(r));
		sshd_config_free(&eff);
		return -1;
	}
	if (sc->have_cfg)
		sshd_config_free(&sc->cfg);
	sc->cfg = eff;
	sc->have_cfg = true;
	free(sc->user.name);
	free(sc->user.home);
	free(sc->user.shell);
	sc->user.name = strdup(pw->pw_name);
	sc->user.home = strdup(pw->pw_dir);
	sc->user.shell = strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	sc->user.uid = pw->pw_uid;
	sc->user.gid = pw->pw_gid;
	if (!sc->user.name || !sc->user.home || !sc->user.shell)
		return -1;
	return 0;
}

/* Become the user for good. Called once authentication succeeded, before
 * any session work. */
static int drop_privileges(struct srv_conn *sc)
{
	const struct srv_user *u = &sc->user;
	if (geteuid() != 0)
		return u->uid == geteuid() ? 0 : -1;
	if (initgroups(u->name, u->gid) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0) {
		slc_error("privilege drop to %s failed: %s", u->name, strerror(errno));
		return -1;
	}
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		slc_error("privilege drop to %s: root could be regained", u->name);
		return -1;
	}
	/* This process still holds the host keys (for re-keying): the user
	 * must not be able to ptrace it or read its core dumps. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

/* ClientAliveInterval: after that long without input, ask the client
 * for a reply; ClientAliveCountMax unanswered asks end the connection. */
static void on_alive(uv_timer_t *t)
{
	struct srv_conn *sc = t->data;
	uint64_t interval = (uint64_t)sc->cfg.client_alive_interval * 1000;
	if (sc->closing || sc->ssh == NULL)
		return;
	if (uv_now(&sc->loop) - sio_conn_last_input(sc->sio) < interval && sc->alive_missed == 0)
		return;
	if (sc->alive_missed >= (unsigned)sc->cfg.client_alive_count_max) {
		slc_info("Timeout, client not responding from user %s %s port %u", sc->user.name,
		         sc->peer_host, sc->peer_port);
		srv_conn_disconnect(sc, SSH_DISCONNECT_BY_APPLICATION,
		                    "Timeout, client not responding");
		return;
	}
	uint32_t seq;
	if (ssh_global_request(sc->ssh, "keepalive@openssh.com", true, &seq, NULL) == 0) {
		sc->alive_missed++;
		sio_conn_kick(sc->sio);
	}
}

/* auth.c calls this after ssh_auth_accept. */
int srv_conn_authenticated(struct srv_conn *sc);
int srv_conn_authenticated(struct srv_conn *sc)
{
	sc->authenticated = true;
	if (sc->grace_armed) {
		uv_timer_stop(&sc->grace);
		sc->grace_armed = false;
	}
	tell_parent_authenticated();
	if (drop_privileges(sc) < 0) {
		srv_conn_disconnect(sc, SSH_DISCONNECT_BY_APPLICATION, "privilege drop failed");
		return -1;
	}
	if (sc->cfg.client_alive_interval > 0) {
		uint64_t ms = (uint64_t)sc->cfg.client_alive_interval * 1000;
		uv_timer_start(&sc->alive, on_alive, ms, ms);
	}
	return 0;
}

static void on_global_request(struct srv_conn *sc, const struct ssh_event *ev)
{
	const char *name = ev->chan.name ? ev->chan.name : "";
	if (!strcmp(name, "tcpip-forward") || !strcmp(name, "streamlocal-forward@openssh.com"))
		slc_info("refused %s request: forwarding is not implemented", name);
	else
		slc_debug("global request %s: refused", name);
	if (ev->chan.want_reply && ssh_global_reply_failure(sc->ssh, ev->chan.seq) < 0)
		slc_debug("global reply failed");
}

static void on_open_request(struct srv_conn *sc, const struct ssh_event *ev)
{
	const char *name = ev->chan.name ? ev->chan.name : "";
	if (!strcmp(name, "session")) {
		srv_session_open(sc, ev);
		return;
	}
	uint32_t code = SSH_OPEN_UNKNOWN_CHANNEL_TYPE;
	const char *text = "unknown channel type";
	if (!strcmp(name, "direct-tcpip") || !strcmp(name, "direct-streamlocal@openssh.com") ||
	    !strcmp(name, "x11") || !strcmp(name, "auth-agent@openssh.com")) {
		code = SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
		text = "open failed";
		slc_info("refused %s channel: not implemented", name);
	}
	if (ssh_chan_reject(sc->ssh, ev->chan.id, code, text) < 0)
		slc_debug("channel reject failed");
}

static void on_event(struct sio_conn *sio, const struct ssh_event *ev, void *user)
{
	struct srv_conn *sc = user;
	(void)sio;
	switch (ev->type) {
	case SSH_EV_KEX_DONE:
		if (ev->kex.first)
			slc_debug("kex done: %s %s %s", ev->kex.kex, ev->kex.hostkey,
			          ev->kex.cipher_c2s);
		return;
	case SSH_EV_DISCONNECT:
		if (sc->authenticated)
			slc_info("Disconnected from user %s %s port %u: %s", sc->user.name,
			         sc->peer_host, sc->peer_port,
			         ev->disconnect.text ? ev->disconnect.text : "");
		else
			slc_info("Disconnected from %s port %u: %s", sc->peer_host, sc->peer_port,
			         ev->disconnect.text ? ev->disconnect.text : "");
		sc->closing = true;
		srv_session_close_all(sc);
		return;
	case SSH_EV_AUTH_REQUEST:
	case SSH_EV_AUTH_INFO_RESPONSE:
		srv_auth_event(sc->auth, ev);
		return;
	case SSH_EV_CHAN_OPEN_REQUEST:
		on_open_request(sc, ev);
		return;
	case SSH_EV_GLOBAL_REQUEST:
		on_global_request(sc, ev);
		return;
	case SSH_EV_GLOBAL_SUCCESS:
	case SSH_EV_GLOBAL_FAILURE:
		sc->alive_missed = 0; /* the client answered a keepalive */
		return;
	default:
		if (ev->type >= SSH_EV_CHAN_FIRST && ev->type <= SSH_EV_CHAN_LAST)
			srv_session_event(sc, ev);
		return;
	}
}

static void on_close(struct sio_conn *sio, void *user)
{
	struct srv_conn *sc = user;
	(void)sio;
	sc->closing = true;
	sc->sio = NULL;
	sc->ssh = NULL;
	srv_auth_abort(sc->auth);
	srv_session_close_all(sc);
	if (!uv_is_closing((uv_handle_t *)&sc->grace))
		uv_close((uv_handle_t *)&sc->grace, NULL);
	if (!uv_is_closing((uv_handle_t *)&sc->alive))
		uv_close((uv_handle_t *)&sc->alive, NULL);
	if (sc->sigchld_on && !uv_is_closing((uv_handle_t *)&sc->sigchld))
		uv_close((uv_handle_t *)&sc->sigchld, NULL);
}

static void on_drain(struct sio_conn *sio, void *user)
{
	(void)sio;
	srv_session_drain(user);
}

static void on_sigchld(uv_signal_t *h, int sig)
{
	(void)sig;
	srv_session_sigchld(h->data);
}

static const char *auth_methods(const struct sshd_config *c)
{
	static char m[64];
	m[0] = '\0';
	if (c->pubkey_authentication)
		strcat(m, "publickey,");
	if (c->password_authentication)
		strcat(m, "password,");
	if (c->kbd_interactive_authentication)
		strcat(m, "keyboard-interactive,");
	size_t n = strlen(m);
	if (n > 0)
		m[n - 1] = '\0';
	return m;
}

void srv_conn_child(struct srv *s, int fd)
{
	static struct srv_conn sc; /* static: reachable until exit */
	struct ssh_conn_config cfg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uv_tcp_t *tcp = NULL;
	int r;

	memset(&sc, 0, sizeof(sc));
	sc.srv = s;
	sc.cfg = s->cfg; /* borrowed until login */
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&sc.loop) < 0)
		_exit(255);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		sio_addr_format((struct sockaddr *)&ss, sc.peer_host, sizeof(sc.peer_host),
		                &sc.peer_port);
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		sio_addr_format((struct sockaddr *)&ss, sc.local_host, sizeof(sc.local_host),
		                &sc.local_port);
	slc_verbose("Connection from %s port %u on %s port %u", sc.peer_host, sc.peer_port,
	            sc.local_host, sc.local_port);

	memset(&cfg, 0, sizeof(cfg));
	cfg.server = true;
	cfg.kex_algs = s->cfg.kex_algorithms;
	cfg.hostkey_algs = s->cfg.hostkey_algorithms;
	cfg.ciphers = s->cfg.ciphers;
	cfg.macs = s->cfg.macs;
	cfg.hostkeys = s->hostkeys;
	cfg.n_hostkeys = s->n_hostkeys;
	cfg.rekey_bytes = s->cfg.rekey_limit_bytes > 0 ? (uint64_t)s->cfg.rekey_limit_bytes : 0;
	cfg.rekey_seconds =
	        s->cfg.rekey_limit_seconds > 0 ? (uint32_t)s->cfg.rekey_limit_seconds : 0;
	cfg.rng = &s->rng;
	static const struct sio_conn_cb cb = {
	        .on_event = on_event, .on_close = on_close, .on_drain = on_drain};
	if ((r = sio_conn_new(&sc.loop, &cfg, &cb, &sc, &sc.sio)) < 0) {
		slc_error("connection setup: %s", slc_strerror(r));
		_exit(255);
	}
	sc.ssh = sio_conn_ssh(sc.sio);
	if ((r = ssh_auth_set_methods(sc.ssh, auth_methods(&s->cfg))) < 0 ||
	    (r = ssh_auth_set_server_algs(sc.ssh, s->cfg.pubkey_accepted_algorithms)) < 0 ||
	    (r = srv_auth_new(&sc, &sc.auth)) < 0) {
		slc_error("connection setup: %s", slc_strerror(r));
		_exit(255);
	}
	ssh_auth_set_max_tries(sc.ssh, (unsigned)s->cfg.max_auth_tries);
	uv_timer_init(&sc.loop, &sc.grace);
	sc.grace.data = &sc;
	uv_timer_init(&sc.loop, &sc.alive);
	sc.alive.data = &sc;
	if (s->cfg.login_grace_time > 0) {
		uv_timer_start(&sc.grace, on_grace, (uint64_t)s->cfg.login_grace_time * 1000, 0);
		sc.grace_armed = true;
	}
	uv_signal_init(&sc.loop, &sc.sigchld);
	sc.sigchld.data = &sc;
	uv_signal_start(&sc.sigchld, on_sigchld, SIGCHLD);
	sc.sigchld_on = true;
	tcp = malloc(sizeof(*tcp));
	if (tcp == NULL || uv_tcp_init(&sc.loop, tcp) < 0 || uv_tcp_open(tcp, fd) < 0) {
		slc_error("connection setup failed");
		_exit(255);
	}
	if (s->cfg.tcp_keep_alive)
		uv_tcp_keepalive(tcp, 1, 60);
	if ((r = sio_conn_start(sc.sio, (uv_stream_t *)tcp, (uv_stream_t *)tcp)) < 0)
		slc_error("connection start: %s", slc_strerror(r));
	uv_run(&sc.loop, UV_RUN_DEFAULT);
	srv_auth_del(sc.auth);
	if (sc.have_cfg)
		sshd_config_free(&sc.cfg);
	if (sc.key_opts_set)
		ak_opts_free(&sc.key_opts);
	free(sc.user.name);
	free(sc.user.home);
	free(sc.user.shell);
	free(sc.sessions);
	free(sc.orphans);
	uv_loop_close(&sc.loop);
	exit(0);
}
