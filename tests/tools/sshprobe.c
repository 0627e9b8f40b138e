/* sshprobe: drives the SSH transport (src/core over src/io/sshio) against
 * a real peer, for the end-to-end tests. Test-only.
 *
 *   sshprobe connect HOST PORT --hostkey FILE.pub [options]
 *       Client: key exchange (the host key must equal FILE.pub's, else
 *       "Host key verification failed." and exit 255), service request
 *       "ssh-userauth", then a re-exchange, then disconnect; exit 0.
 *       Prints kex=, hostkey=, cipher=, mac=, service=accepted, rekey=ok.
 *   sshprobe proxy --hostkey FILE.pub [options] -- COMMAND [ARG...]
 *       As connect, over the stdin/stdout pipes of COMMAND (ProxyCommand
 *       style; e.g. "sshd -i" speaks SSH there): two streams, no socket.
 *   sshprobe serve PORT --hostkey PRIVFILE [--hostkey ...] [options]
 *       Server on 127.0.0.1:PORT (0: any; prints "listening port=N" when
 *       ready) for one connection: prints what was negotiated, answers
 *       the service request, and disconnects once the client has gone
 *       quiet (it is then waiting on user authentication, which is not
 *       ours to do) or sends anything past the service; exit 0 once the
 *       connection is over if a key exchange completed.
 *
 * Options:
 *   --kex L --ciphers L --macs L --hostkeyalgs L
 *                       final algorithm lists, straight into the core
 *   --no-rekey          client: stop after the service. OpenSSH refuses a
 *                       re-exchange before user authentication (sshd
 *                       answers KEXINIT with UNIMPLEMENTED, ssh aborts), so
 *                       against it the rekey step must wait until the
 *                       probe can authenticate
 *   --rekey             server: start a re-exchange right after the first
 *   --verdict-delay MS  client: answer the host key later, from a timer, as
 *                       a prompt would
 *   --quiet MS          server: client silence that ends it (default 300)
 *   --connect-timeout MS  (default 10000)
 *   -4, -6, --timeout S (whole run, default 60) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "sshio.h"

#define MAX_HOSTKEYS 8
#define QUIET_MS 300 /* default for --quiet */

static struct {
	bool server;
	const char *host;
	uint16_t port;
	int family;
	struct ssh_conn_config cfg;
	struct slc_rng rng;
	struct sshkey *expect; /* client: FILE.pub */
	struct sshkey *keys[MAX_HOSTKEYS]; /* server */
	size_t n_keys;
	bool no_rekey;
	bool server_rekey;
	unsigned timeout_s;
	unsigned quiet_ms;
	unsigned connect_timeout_ms;
	unsigned verdict_delay;
	bool verdict;
	char **proxy_argv;
	uv_process_t proxy;
	bool proxy_running;
	uv_timer_t verdict_timer;

	uv_loop_t *loop;
	uv_timer_t deadline, quiet;
	struct sio_listener *listener;
	struct sio_conn *conn;
	bool kex_done, rekeyed, hostkey_rejected, done, quiet_armed;
	int status; /* exit status */
} P;

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: sshprobe connect HOST PORT --hostkey FILE.pub [options]\n"
	                "       sshprobe proxy --hostkey FILE.pub [options] -- COMMAND [ARG...]\n"
	                "       sshprobe serve PORT --hostkey PRIVFILE [options]\n");
	exit(2);
}

static void print_algs(const struct ssh_event *ev)
{
	const char *mc = ev->kex.mac_c2s && *ev->kex.mac_c2s ? ev->kex.mac_c2s : "<implicit>";
	const char *ms = ev->kex.mac_s2c && *ev->kex.mac_s2c ? ev->kex.mac_s2c : "<implicit>";
	printf("kex=%s\nhostkey=%s\n", ev->kex.kex, ev->kex.hostkey);
	if (strcmp(ev->kex.cipher_c2s, ev->kex.cipher_s2c))
		printf("cipher=%s,%s\n", ev->kex.cipher_c2s, ev->kex.cipher_s2c);
	else
		printf("cipher=%s\n", ev->kex.cipher_c2s);
	if (strcmp(mc, ms))
		printf("mac=%s,%s\n", mc, ms);
	else
		printf("mac=%s\n", mc);
	fflush(stdout);
}

static void finish_run(void)
{
	/* Let the loop end: nothing of ours stays active. */
	uv_timer_stop(&P.deadline);
	uv_timer_stop(&P.quiet);
	uv_timer_stop(&P.verdict_timer);
	if (P.proxy_running)
		uv_process_kill(&P.proxy, SIGTERM);
}

static void end_by_us(struct sio_conn *sc, const char *why)
{
	ssh_conn_disconnect(sio_conn_ssh(sc), SSH_DISCONNECT_BY_APPLICATION, why);
	sio_conn_kick(sc);
}

static void on_quiet_tick(uv_timer_t *t)
{
	if (!P.conn || P.done)
		return;
	if (uv_now(P.loop) - sio_conn_last_input(P.conn) >= P.quiet_ms)
		end_by_us(P.conn, "sshprobe: done");
}

static void give_verdict(struct ssh_conn *c)
{
	if (P.verdict) {
		ssh_conn_hostkey_verdict(c, true, NULL);
	} else {
		P.hostkey_rejected = true;
		ssh_conn_hostkey_verdict(c, false, "Host key verification failed.");
	}
}

/* A late answer: from outside on_event, so the driver needs a kick. */
static void on_verdict_timer(uv_timer_t *t)
{
	if (!P.conn)
		return;
	give_verdict(sio_conn_ssh(P.conn));
	sio_conn_kick(P.conn);
}

static void on_event(struct sio_conn *sc, const struct ssh_event *ev, void *user)
{
	struct ssh_conn *c = sio_conn_ssh(sc);
	switch (ev->type) {
	case SSH_EV_HOSTKEY:
		/* ev->hostkey.key is borrowed: decide now, answer maybe later */
		P.verdict = P.expect && sshkey_equal_public(P.expect, ev->hostkey.key);
		if (P.verdict_delay)
			uv_timer_start(&P.verdict_timer, on_verdict_timer, P.verdict_delay, 0);
		else
			give_verdict(c);
		break;
	case SSH_EV_KEX_DONE:
		if (ev->kex.first) {
			P.kex_done = true;
			if (P.server) {
				print_algs(ev);
				uv_timer_start(&P.quiet, on_quiet_tick, 50, 50);
				if (P.server_rekey && ssh_conn_rekey(c) < 0)
					end_by_us(sc, "sshprobe: cannot start rekey");
			} else if (ssh_conn_request_service(c, "ssh-userauth") < 0) {
				fprintf(stderr, "sshprobe: cannot request service\n");
				end_by_us(sc, "sshprobe: failed");
			} else {
				print_algs(ev);
			}
		} else {
			P.rekeyed = true;
			printf("rekey=ok\n");
			fflush(stdout);
			if (!P.server) {
				P.status = 0;
				end_by_us(sc, "sshprobe: done");
			}
		}
		break;
	case SSH_EV_SERVICE_ACCEPT:
		printf("service=accepted\n");
		fflush(stdout);
		if (P.no_rekey) {
			P.status = 0;
			end_by_us(sc, "sshprobe: done");
		} else if (ssh_conn_rekey(c) < 0) {
			fprintf(stderr, "sshprobe: cannot start rekey\n");
			end_by_us(sc, "sshprobe: failed");
		}
		break;
	case SSH_EV_DISCONNECT:
		P.done = true;
		if (P.hostkey_rejected) {
			fprintf(stderr, "Host key verification failed.\n");
			P.status = 255;
		} else if (P.server) {
			P.status = P.kex_done ? 0 : 255;
			printf("disconnect=%s\n", ev->disconnect.text);
			fflush(stdout);
			if (!P.kex_done)
				fprintf(stderr, "sshprobe: %s\n", ev->disconnect.text);
		} else if (P.status != 0) {
			fprintf(stderr, "sshprobe: %s\n", ev->disconnect.text);
		}
		break;
	default:
		/* Past the service (user authentication, channels): not ours. */
		if (P.server)
			end_by_us(sc, "sshprobe: done");
		break;
	}
}

static void on_close(struct sio_conn *sc, void *user)
{
	P.conn = NULL;
	finish_run();
}

static const struct sio_conn_cb probe_cb = {on_event, on_close, NULL};

static void start_conn(uv_tcp_t *tcp)
{
	int r = sio_conn_new(P.loop, &P.cfg, &probe_cb, NULL, &P.conn);
	if (r < 0) {
		fprintf(stderr, "sshprobe: %s\n", slc_strerror(r));
		sio_close_free((uv_handle_t *)tcp);
		finish_run();
		return;
	}
	if ((r = sio_conn_start(P.conn, (uv_stream_t *)tcp, NULL)) < 0)
		fprintf(stderr, "sshprobe: start: %s\n", slc_strerror(r)); /* on_close follows */
}

static void on_connect(struct sio_connect *req, int status, uv_tcp_t *tcp,
                       const struct sockaddr *addr, void *user)
{
	if (status < 0) {
		fprintf(stderr, "sshprobe: connect to host %s port %u: %s\n", P.host,
		        (unsigned)P.port, uv_strerror(status));
		finish_run();
		return;
	}
	start_conn(tcp);
}

static void on_accept(struct sio_listener *l, uv_tcp_t *client, void *user)
{
	if (P.conn || P.done) {
		sio_close_free((uv_handle_t *)client);
		return;
	}
	sio_listener_close(P.listener); /* one connection only */
	P.listener = NULL;
	start_conn(client);
}

static void on_proxy_exit(uv_process_t *proc, int64_t status, int sig)
{
	P.proxy_running = false;
	uv_close((uv_handle_t *)proc, NULL);
}

/* ProxyCommand style: the command's stdout is our input, its stdin our
 * output. */
static int start_proxy(void)
{
	uv_pipe_t *to = malloc(sizeof(*to)), *from = malloc(sizeof(*from));
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	int r;
	if (!to || !from) {
		free(to);
		free(from);
		return UV_ENOMEM;
	}
	uv_pipe_init(P.loop, to, 0);
	uv_pipe_init(P.loop, from, 0);
	memset(&o, 0, sizeof(o));
	stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
	stdio[0].data.stream = (uv_stream_t *)to;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)from;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = 2;
	o.file = P.proxy_argv[0];
	o.args = P.proxy_argv;
	o.stdio = stdio;
	o.stdio_count = 3;
	o.exit_cb = on_proxy_exit;
	if ((r = uv_spawn(P.loop, &P.proxy, &o)) < 0) {
		uv_close((uv_handle_t *)&P.proxy, NULL);
		sio_close_free((uv_handle_t *)to);
		sio_close_free((uv_handle_t *)from);
		return r;
	}
	P.proxy_running = true;
	if ((r = sio_conn_new(P.loop, &P.cfg, &probe_cb, NULL, &P.conn)) < 0) {
		sio_close_free((uv_handle_t *)to);
		sio_close_free((uv_handle_t *)from);
		finish_run();
		return UV_ENOMEM;
	}
	if ((r = sio_conn_start(P.conn, (uv_stream_t *)from, (uv_stream_t *)to)) < 0)
		fprintf(stderr, "sshprobe: start: %s\n", slc_strerror(r)); /* on_close follows */
	return 0;
}

static void on_deadline(uv_timer_t *t)
{
	fprintf(stderr, "sshprobe: timed out\n");
	P.status = 255;
	if (P.listener) {
		sio_listener_close(P.listener);
		P.listener = NULL;
	}
	if (P.conn)
		sio_conn_abort(P.conn);
	finish_run();
}

static unsigned parse_num(const char *s, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > max)
		usage();
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	int i, r;
	const char *pub = NULL, *priv[MAX_HOSTKEYS];
	size_t n_priv = 0;

	if (argc < 3)
		usage();
	P.status = 255;
	P.timeout_s = 60;
	P.quiet_ms = QUIET_MS;
	P.connect_timeout_ms = 10000;
	if (!strcmp(argv[1], "connect") && argc >= 4) {
		P.host = argv[2];
		P.port = (uint16_t)parse_num(argv[3], 65535);
		i = 4;
	} else if (!strcmp(argv[1], "proxy")) {
		i = 2;
	} else if (!strcmp(argv[1], "serve")) {
		P.server = true;
		P.port = (uint16_t)parse_num(argv[2], 65535);
		i = 3;
	} else {
		usage();
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-4")) {
			P.family = AF_INET;
			continue;
		}
		if (!strcmp(a, "-6")) {
			P.family = AF_INET6;
			continue;
		}
		if (!strcmp(a, "--") && !strcmp(argv[1], "proxy") && i + 1 < argc) {
			P.proxy_argv = &argv[i + 1];
			break;
		}
		if (!strcmp(a, "--rekey")) {
			P.server_rekey = true;
			continue;
		}
		if (!strcmp(a, "--no-rekey")) {
			P.no_rekey = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--hostkey")) {
			if (!P.server)
				pub = v;
			else if (n_priv < MAX_HOSTKEYS)
				priv[n_priv++] = v;
			else
				usage();
		} else if (!strcmp(a, "--kex"))
			P.cfg.kex_algs = v;
		else if (!strcmp(a, "--ciphers"))
			P.cfg.ciphers = v;
		else if (!strcmp(a, "--macs"))
			P.cfg.macs = v;
		else if (!strcmp(a, "--hostkeyalgs"))
			P.cfg.hostkey_algs = v;
		else if (!strcmp(a, "--verdict-delay"))
			P.verdict_delay = parse_num(v, 60000);
		else if (!strcmp(a, "--connect-timeout"))
			P.connect_timeout_ms = parse_num(v, 3600000);
		else if (!strcmp(a, "--quiet"))
			P.quiet_ms = parse_num(v, 3600000);
		else if (!strcmp(a, "--timeout"))
			P.timeout_s = parse_num(v, 3600);
		else
			usage();
	}
	if (P.server ? n_priv == 0 : !pub)
		usage();
	if (!strcmp(argv[1], "proxy") && !P.proxy_argv)
		usage();

	if (pub && (r = keyfile_load_public(pub, &P.expect, NULL)) < 0) {
		fprintf(stderr, "sshprobe: %s: %s\n", pub, slc_strerror(r));
		return 255;
	}
	for (size_t k = 0; k < n_priv; k++) {
		if ((r = keyfile_load_private(priv[k], NULL, &P.keys[k], NULL)) < 0) {
			fprintf(stderr, "sshprobe: %s: %s\n", priv[k], slc_strerror(r));
			return 255;
		}
		P.n_keys++;
	}
	slc_rng_system(&P.rng);
	P.cfg.server = P.server;
	P.cfg.rng = &P.rng;
	P.cfg.hostkeys = P.keys;
	P.cfg.n_hostkeys = P.n_keys;

	P.loop = uv_default_loop();
	uv_timer_init(P.loop, &P.deadline);
	uv_timer_init(P.loop, &P.quiet);
	uv_timer_init(P.loop, &P.verdict_timer);
	uv_timer_start(&P.deadline, on_deadline, (uint64_t)P.timeout_s * 1000, 0);

	if (P.server) {
		static const char *const addrs[] = {"127.0.0.1"};
		if ((r = sio_listen(P.loop, addrs, 1, P.port, AF_INET, 16, on_accept, NULL,
		                    &P.listener)) < 0) {
			fprintf(stderr, "sshprobe: listen: %s\n", slc_strerror(r));
			return 255;
		}
		printf("listening port=%u\n", (unsigned)sio_listener_port(P.listener, 0));
		fflush(stdout);
	} else if (P.proxy_argv) {
		if ((r = start_proxy()) < 0) {
			fprintf(stderr, "sshprobe: %s: %s\n", P.proxy_argv[0], uv_strerror(r));
			finish_run();
		}
	} else {
		struct sio_connect_opts o = {.host = P.host,
		                             .port = P.port,
		                             .family = P.family,
		                             .timeout_ms = P.connect_timeout_ms};
		struct sio_connect *req;
		if ((r = sio_connect_start(P.loop, &o, on_connect, NULL, &req)) < 0) {
			fprintf(stderr, "sshprobe: connect: %s\n", slc_strerror(r));
			return 255;
		}
	}
	uv_run(P.loop, UV_RUN_DEFAULT);

	uv_close((uv_handle_t *)&P.deadline, NULL);
	uv_close((uv_handle_t *)&P.quiet, NULL);
	uv_close((uv_handle_t *)&P.verdict_timer, NULL);
	uv_run(P.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(P.loop) != 0)
		fprintf(stderr, "sshprobe: handles left open\n");
	sshkey_del(P.expect);
	for (size_t k = 0; k < P.n_keys; k++)
		sshkey_del(P.keys[k]);
	return P.status;
}
