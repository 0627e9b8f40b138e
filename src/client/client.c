/* client: one ssh(1)-style connection: configuration, connect, key
 * exchange, host key check, authentication, session, exit status. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config_fs.h"
#include "log.h"
#include "net.h"

struct client CL;

static int msg_level = SSH_LOG_INFO;
static int msg_fd = STDERR_FILENO;

void cl_msg(int level, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	if (msg_level < level || msg_level == SSH_LOG_QUIET)
		return;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A tty in raw mode needs CR LF. */
	char *line = NULL;
	if (asprintf(&line, "%s%s", s, CL.sess && isatty(msg_fd) ? "\r\n" : "\n") >= 0) {
		if (write(msg_fd, line, strlen(line)) < 0) {
			/* nowhere left to complain */
		}
		free(line);
	}
	free(s);
}

void client_maybe_exit(void)
{
	if (!CL.conn_closed || (CL.sess && !session_outputs_idle()))
		return;
	auth_free();
	ssh_config_free(&CL.cfg);
	if (CL.sess)
		session_stdin_restore();
	/* A read of stdin may still sit in the thread pool (a terminal, a
	 * pipe nobody closes): libuv's exit-time cleanup would wait for it
	 * forever, so leave without it then. */
	if (CL.sess && session_stdin_busy()) {
		session_tty_restore();
		fflush(NULL);
		_exit(CL.exit_status);
	}
	exit(CL.exit_status);
}

void client_end(int status, const char *why)
{
	if (CL.closing)
		return;
	CL.closing = true;
	CL.exit_status = status;
	if (CL.sc) {
		ssh_conn_disconnect(sio_conn_ssh(CL.sc), SSH_DISCONNECT_BY_APPLICATION, why);
		sio_conn_kick(CL.sc);
	}
}

/* ConnectTimeout also bounds the SSH handshake (ssh_config(5)). */
static uv_timer_t handshake_timer;
static bool handshake_timer_on;

static void handshake_timer_stop(void)
{
	if (handshake_timer_on) {
		uv_timer_stop(&handshake_timer);
		uv_close((uv_handle_t *)&handshake_timer, NULL);
		handshake_timer_on = false;
	}
}

static void on_handshake_timeout(uv_timer_t *t)
{
	handshake_timer_stop();
	if (!CL.sc || CL.closing)
		return;
	CL.closing = true;
	CL.exit_status = EXIT_SSH_ERROR;
	cl_msg(SSH_LOG_ERROR, "Connection timed out during banner exchange");
	cl_msg(SSH_LOG_ERROR, "Connection to %s port %d timed out", CL.peer_ip, CL.cfg.port);
	sio_conn_abort(CL.sc);
}

/* ServerAliveInterval / ServerAliveCountMax: after that many seconds
 * without input, ask the server for a reply; give up after CountMax
 * unanswered. */
static uv_timer_t alive_timer;
static bool alive_on;
static int alive_missed;

static void alive_stop(void)
{
	if (alive_on) {
		uv_timer_stop(&alive_timer);
		uv_close((uv_handle_t *)&alive_timer, NULL);
		alive_on = false;
	}
}

static void on_alive_tick(uv_timer_t *t)
{
	if (!CL.sc || CL.closing)
		return;
	uint64_t ms = (uint64_t)CL.cfg.server_alive_interval * 1000;
	if (uv_now(CL.loop) - sio_conn_last_input(CL.sc) < ms && alive_missed == 0)
		return;
	if (++alive_missed > CL.cfg.server_alive_count_max) {
		cl_msg(SSH_LOG_ERROR, "Timeout, server %s not responding.", CL.cfg.hostname);
		CL.closing = true;
		CL.exit_status = EXIT_SSH_ERROR;
		sio_conn_abort(CL.sc);
		return;
	}
	if (ssh_global_request(sio_conn_ssh(CL.sc), "keepalive@openssh.com", true, NULL, NULL) == 0)
		sio_conn_kick(CL.sc);
}

static void alive_start(void)
{
	if (CL.cfg.server_alive_interval <= 0 || alive_on ||
	    uv_timer_init(CL.loop, &alive_timer) < 0)
		return;
	alive_on = true;
	uint64_t ms = (uint64_t)CL.cfg.server_alive_interval * 1000;
	uv_timer_start(&alive_timer, on_alive_tick, ms, ms);
	uv_unref((uv_handle_t *)&alive_timer);
}

static void on_disconnect(const struct ssh_event *ev)
{
	if (CL.closing)
		return; /* our own doing */
	CL.closing = true;
	CL.exit_status = EXIT_SSH_ERROR;
	const char *text = ev->disconnect.text ? ev->disconnect.text : "";
	if (CL.hostkey_failed) {
		cl_msg(SSH_LOG_ERROR, "Host key verification failed.");
		return;
	}
	if (ev->disconnect.by_peer && ev->disconnect.reason == SSH_DISCONNECT_CONNECTION_LOST) {
		cl_msg(SSH_LOG_ERROR, "Connection closed by %s port %d", CL.peer_ip, CL.cfg.port);
	} else if (ev->disconnect.by_peer) {
		/* The core words it "Received disconnect: N: text". */
		if (!strncmp(text, "Received disconnect: ", 21)) {
			const char *p = strstr(text + 21, ": ");
			if (p)
				text = p + 2;
		}
		cl_msg(SSH_LOG_ERROR, "Received disconnect from %s port %d:%u: %s", CL.peer_ip,
		       CL.cfg.port, (unsigned)ev->disconnect.reason, text);
		cl_msg(SSH_LOG_ERROR, "Disconnected from %s port %d", CL.peer_ip, CL.cfg.port);
	} else {
		cl_msg(SSH_LOG_ERROR, "%s", text);
	}
}

static void on_event(struct sio_conn *sc, const struct ssh_event *ev, void *user)
{
	struct ssh_conn *c = sio_conn_ssh(sc);
	switch (ev->type) {
	case SSH_EV_HOSTKEY:
		if (hostkey_check(ev->hostkey.key)) {
			ssh_conn_hostkey_verdict(c, true, NULL);
		} else {
			CL.hostkey_failed = true;
			ssh_conn_hostkey_verdict(c, false, "Host key verification failed.");
		}
		return;
	case SSH_EV_KEX_DONE:
		if (ev->kex.first) {
			handshake_timer_stop();
			slc_debug("kex: %s host key %s cipher %s mac %s", ev->kex.kex,
			          ev->kex.hostkey, ev->kex.cipher_c2s,
			          *ev->kex.mac_c2s ? ev->kex.mac_c2s : "<implicit>");
			if (ssh_conn_request_service(c, "ssh-userauth") < 0)
				client_end(EXIT_SSH_ERROR, "cannot request ssh-userauth");
		}
		return;
	case SSH_EV_SERVICE_ACCEPT:
		if (auth_start(c) < 0)
			client_end(EXIT_SSH_ERROR, "cannot start authentication");
		return;
	case SSH_EV_DISCONNECT:
		alive_stop();
		on_disconnect(ev);
		return;
	case SSH_EV_GLOBAL_SUCCESS:
	case SSH_EV_GLOBAL_FAILURE:
		alive_missed = 0; /* any answer shows the server is there */
		return;
	case SSH_EV_AUTH_SUCCESS:
		alive_start();
		break;
	default:
		break;
	}
	if (ev->type >= SSH_EV_AUTH_FIRST && ev->type <= SSH_EV_AUTH_LAST)
		auth_event(c, ev);
	else if (ev->type >= SSH_EV_CHAN_FIRST && ev->type <= SSH_EV_CHAN_LAST)
		session_event(c, ev);
}

static void on_close(struct sio_conn *sc, void *user)
{
	handshake_timer_stop();
	alive_stop();
	CL.sc = NULL;
	CL.conn_closed = true;
	client_maybe_exit();
}

static void on_drain(struct sio_conn *sc, void *user)
{
	session_drain();
}

static const struct sio_conn_cb client_cb = {on_event, on_close, on_drain};

static void on_connect(struct sio_connect *req, int status, uv_tcp_t *tcp,
                       const struct sockaddr *addr, void *user)
{
	CL.connecting = NULL;
	if (status < 0) {
		CL.exit_status = EXIT_SSH_ERROR;
		if (status == UV_EAI_NONAME || status == UV_EAI_NODATA)
			cl_msg(SSH_LOG_ERROR,
			       "sluice: Could not resolve hostname %s: Name or service not known",
			       CL.cfg.hostname);
		else if (status == UV_EAI_AGAIN)
			cl_msg(SSH_LOG_ERROR,
			       "sluice: Could not resolve hostname %s: Temporary failure in name "
			       "resolution",
			       CL.cfg.hostname);
		else if (status <= UV_EAI_ADDRFAMILY && status >= UV_EAI_SOCKTYPE)
			cl_msg(SSH_LOG_ERROR, "sluice: Could not resolve hostname %s: %s",
			       CL.cfg.hostname, uv_strerror(status));
		else
			cl_msg(SSH_LOG_ERROR, "sluice: connect to host %s port %d: %s",
			       CL.cfg.hostname, CL.cfg.port, strerror(-status));
		CL.conn_closed = true;
		client_maybe_exit();
		return;
	}
	uint16_t port = 0;
	sio_addr_format(addr, CL.peer_ip, sizeof(CL.peer_ip), &port);
	slc_debug("Connection established to %s port %u.", CL.peer_ip, (unsigned)port);
	int r = sio_conn_new(CL.loop, &CL.ccfg, &client_cb, NULL, &CL.sc);
	if (r < 0) {
		sio_close_free((uv_handle_t *)tcp);
		cl_msg(SSH_LOG_ERROR, "sluice: %s", slc_strerror(r));
		CL.exit_status = EXIT_SSH_ERROR;
		CL.conn_closed = true;
		client_maybe_exit();
		return;
	}
	if (CL.cfg.connect_timeout > 0 && uv_timer_init(CL.loop, &handshake_timer) == 0) {
		handshake_timer_on = true;
		uv_timer_start(&handshake_timer, on_handshake_timeout,
		               (uint64_t)CL.cfg.connect_timeout * 1000, 0);
	}
	if ((r = sio_conn_start(CL.sc, (uv_stream_t *)tcp, NULL)) < 0) {
		CL.exit_status = EXIT_SSH_ERROR;
		CL.closing = true;
		cl_msg(SSH_LOG_ERROR, "sluice: %s", slc_strerror(r)); /* on_close follows */
	}
}

/* SIGHUP, SIGINT, SIGTERM: put the terminal back, then go, as ssh does. */
static uv_signal_t sig_handles[3];

static void on_signal(uv_signal_t *h, int sig)
{
	if (CL.sess) {
		session_tty_restore();
		session_stdin_restore();
	}
	cl_msg(SSH_LOG_VERBOSE, "Killed by signal %d.", sig); /* ssh prints nothing by default */
	_exit(EXIT_SSH_ERROR);
}

static void signals_start(void)
{
	static const int sigs[3] = {SIGHUP, SIGINT, SIGTERM};
	for (int i = 0; i < 3; i++) {
		if (uv_signal_init(CL.loop, &sig_handles[i]) < 0)
			continue;
		if (uv_signal_start(&sig_handles[i], on_signal, sigs[i]) == 0)
			uv_unref((uv_handle_t *)&sig_handles[i]);
	}
}

static int load_config(const char *host, const char *const *options, size_t n_options,
                       const char *file)
{
	const struct passwd *pw = getpwuid(getuid());
	if (!pw) {
		cl_msg(SSH_LOG_ERROR, "No user exists for uid %lu", (unsigned long)getuid());
		return -1;
	}
	/* $HOME first: tests and sandboxes point it elsewhere (ssh uses the
	 * password database only). */
	const char *home = getenv("HOME");
	if (!home || !*home)
		home = pw->pw_dir;
	if (ssh_config_init(&CL.cfg, host, pw->pw_name, home) < 0) {
		cl_msg(SSH_LOG_ERROR, "sluice: out of memory");
		return -1;
	}
	struct cfg_io io;
	config_fs_io(&io);
	struct ssh_config_sources src = {.options = options, .n_options = n_options, .file = file};
	int r = ssh_config_load(&CL.cfg, &io, &src);
	CL.n_explicit_ids = CL.cfg.identity_files.n;
	if (r == 0)
		r = ssh_config_finalize(&CL.cfg);
	if (r < 0) {
		cl_msg(SSH_LOG_ERROR, "%s", CL.cfg.error ? CL.cfg.error : slc_strerror(r));
		return -1;
	}
	return 0;
}

int client_run(const char *host, const char *const *options, size_t n_options, const char *file,
               const char *logfile, char *command, bool stdin_null)
{
	CL.command = command;
	CL.stdin_null = stdin_null;
	CL.exit_status = EXIT_SSH_ERROR;
	signal(SIGPIPE, SIG_IGN);
	if (load_config(host, options, n_options, file) < 0)
		return EXIT_SSH_ERROR;
	msg_level = CL.cfg.log_level;
	slc_log_init("sluice", false, (enum slc_log_level)CL.cfg.log_level);
	if (logfile) {
		if (slc_log_set_file(logfile) < 0) {
			cl_msg(SSH_LOG_ERROR, "Couldn't open logfile %s: %s", logfile,
			       strerror(errno));
			return EXIT_SSH_ERROR;
		}
		int fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			msg_fd = fd;
	}
	for (size_t i = 0; i < CL.cfg.unsupported.n; i++)
		slc_verbose("%s: unsupported option, ignored", CL.cfg.unsupported.v[i]);

	bool in_tty = isatty(STDIN_FILENO);
	switch (CL.cfg.request_tty) {
	case SSH_TTY_FORCE:
		CL.want_tty = true;
		break;
	case SSH_TTY_YES:
		CL.want_tty = in_tty;
		if (!in_tty)
			cl_msg(SSH_LOG_INFO, "Pseudo-terminal will not be allocated because stdin "
			                     "is not a terminal.");
		break;
	case SSH_TTY_AUTO:
		CL.want_tty = !command && in_tty;
		break;
	default:
		CL.want_tty = false;
	}
	if (stdin_null)
		CL.want_tty = CL.cfg.request_tty == SSH_TTY_FORCE;

	slc_rng_system(&CL.rng);
	CL.ccfg.server = false;
	CL.ccfg.kex_algs = CL.cfg.kex_algorithms;
	CL.ccfg.hostkey_algs = CL.cfg.hostkey_algorithms;
	static char *ordered; /* lives until exit */
	if (!CL.cfg.hostkey_set && CL.cfg.hostkey_algorithms &&
	    (ordered = hostkey_order_algs(CL.cfg.hostkey_algorithms)) != NULL)
		CL.ccfg.hostkey_algs = ordered;
	CL.ccfg.ciphers = CL.cfg.ciphers;
	CL.ccfg.macs = CL.cfg.macs;
	CL.ccfg.rekey_bytes = CL.cfg.rekey_limit_bytes > 0 ? (uint64_t)CL.cfg.rekey_limit_bytes : 0;
	CL.ccfg.rekey_seconds =
	        CL.cfg.rekey_limit_seconds > 0 ? (uint32_t)CL.cfg.rekey_limit_seconds : 0;
	CL.ccfg.rng = &CL.rng;

	CL.loop = uv_default_loop();
	signals_start();
	struct sio_connect_opts co = {
	        .host = CL.cfg.hostname,
	        .port = (uint16_t)CL.cfg.port,
	        .family = CL.cfg.address_family == SSH_AF_INET    ? AF_INET
	                  : CL.cfg.address_family == SSH_AF_INET6 ? AF_INET6
	                                                          : AF_UNSPEC,
	        .timeout_ms =
	                CL.cfg.connect_timeout > 0 ? (uint64_t)CL.cfg.connect_timeout * 1000 : 0,
	};
	slc_debug("Connecting to %s port %d.", CL.cfg.hostname, CL.cfg.port);
	int r = sio_connect_start(CL.loop, &co, on_connect, NULL, &CL.connecting);
	if (r < 0) {
		cl_msg(SSH_LOG_ERROR, "sluice: connect to host %s port %d: %s", CL.cfg.hostname,
		       CL.cfg.port, slc_strerror(r));
		return EXIT_SSH_ERROR;
	}
	uv_run(CL.loop, UV_RUN_DEFAULT);
	/* Normally client_maybe_exit() ends the process; the loop only empties
	 * first when something went wrong. */
	CL.conn_closed = true;
	client_maybe_exit();
	return CL.exit_status;
}
