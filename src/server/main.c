/* sluiced: the SSH server's command line (sshd(8)'s flags), configuration,
 * host keys, daemonizing and the pid file. The serving itself is in
 * listener.c (accept, fork), conn.c (one connection), auth.c, session.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_fs.h"
#include "dump_config.h"
#include "keyfile.h"
#include "log.h"
#include "server.h"

static void usage(FILE *f)
{
	fputs("usage: sluiced [-46DdeTt] [-C connection_spec] [-E log_file] [-f config_file]\n"
	      "               [-h host_key_file] [-o option] [-p port]\n",
	      f);
}

int srv_config_load(const struct srv_opts *o, struct sshd_config *c)
{
	struct cfg_io io;
	int r = 0;
	sshd_config_init(c);
	config_fs_io(&io);
	for (size_t i = 0; i < o->n_hostkey_args && r == 0; i++)
		r = cfg_strv_push(&c->host_keys, o->hostkey_args[i]);
	/* First value wins, so the command line's -o goes first, as in sshd. */
	if (r == 0 && o->o_text != NULL)
		r = sshd_config_read_string(c, &io, "command-line", o->o_text, strlen(o->o_text));
	if (r == 0)
		r = sshd_config_read_file(c, &io,
		                          o->cfg_file ? o->cfg_file : "/etc/ssh/sshd_config");
	if (r == 0)
		r = sshd_config_finalize(c);
	if (r < 0) {
		fprintf(stderr, "%s\n", c->error ? c->error : slc_strerror(r));
		return -1;
	}
	if (o->port > 0) {
		c->ports[0] = o->port;
		c->nports = 1;
	}
	return 0;
}

/* Where a generated host key goes when none is configured: sshd's own
 * directory when root, else the user's ~/.sluice. */
static int default_key_path(char *path, size_t len)
{
	if (geteuid() == 0) {
		snprintf(path, len, "/etc/ssh/sluiced_host_ed25519_key");
		return 0;
	}
	const char *home = getenv("HOME");
	const struct passwd *pw = getpwuid(geteuid());
	if ((home == NULL || *home == '\0') && pw != NULL)
		home = pw->pw_dir;
	if (home == NULL)
		return -1;
	snprintf(path, len, "%s/.sluice", home);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, len, "%s/.sluice/ssh_host_ed25519_key", home);
	return 0;
}

static int push_key(struct srv *s, struct sshkey *k)
{
	struct sshkey **v = realloc(s->hostkeys, (s->n_hostkeys + 1) * sizeof(*v));
	if (v == NULL) {
		sshkey_del(k);
		return -1;
	}
	s->hostkeys = v;
	s->hostkeys[s->n_hostkeys++] = k;
	return 0;
}

int srv_hostkeys_load(struct srv *s)
{
	/* Host keys given neither in the file nor with -h: finalize put in
	 * sshd's three defaults; generate our own if none of them loads. */
	bool configured = s->opts.n_hostkey_args > 0;
	for (size_t i = 0; i < s->cfg.host_keys.n; i++) {
		struct sshkey *k = NULL;
		const char *path = s->cfg.host_keys.v[i];
		int r = keyfile_load_private(path, NULL, &k, NULL);
		if (r < 0) {
			slc_log(configured ? SLC_LOG_ERROR : SLC_LOG_DEBUG1,
			        "Unable to load host key \"%s\": %s", path,
			        r == SLC_ERR_SYS ? strerror(errno) : slc_strerror(r));
			continue;
		}
		if (push_key(s, k) < 0)
			return -1;
		slc_debug("host key %s: %s", path, sshkey_name(k));
	}
	if (s->n_hostkeys > 0)
		return 0;
	char path[4096];
	struct sshkey *k = NULL;
	if (default_key_path(path, sizeof(path)) < 0)
		goto none;
	if (keyfile_load_private(path, NULL, &k, NULL) == 0)
		return push_key(s, k);
	if (sshkey_generate(SSHKEY_ED25519, 0, &k) < 0)
		goto none;
	if (keyfile_save_private(path, k, "sluiced host key", NULL, 0) < 0) {
		slc_error("could not save generated host key %s: %s", path, strerror(errno));
	} else {
		char pub[4200];
		snprintf(pub, sizeof(pub), "%s.pub", path);
		if (keyfile_save_public(pub, k, "sluiced host key") < 0)
			slc_error("could not save %s", pub);
		slc_info("generated host key %s", path);
	}
	return push_key(s, k);
none:
	slc_error("sshd: no hostkeys available -- exiting.");
	return -1;
}

void srv_hostkeys_free(struct srv *s)
{
	for (size_t i = 0; i < s->n_hostkeys; i++)
		sshkey_del(s->hostkeys[i]);
	free(s->hostkeys);
	s->hostkeys = NULL;
	s->n_hostkeys = 0;
}

static int add_o_line(struct srv_opts *o, const char *arg)
{
	size_t old = o->o_text ? strlen(o->o_text) : 0, n = strlen(arg);
	char *t = realloc(o->o_text, old + n + 2);
	if (t == NULL)
		return -1;
	memcpy(t + old, arg, n);
	t[old + n] = '\n';
	t[old + n + 1] = '\0';
	o->o_text = t;
	return 0;
}

/* -t / -T with -o or -p: the same reading as serving. */
static int check_config(const struct srv_opts *o, bool print)
{
	struct sshd_config c;
	char *text = NULL;
	int status = 255;
	if (srv_config_load(o, &c) < 0)
		goto out;
	if (print && (sshd_config_dump(&c, &text) < 0 || fputs(text, stdout) == EOF))
		goto out;
	status = 0;
out:
	free(text);
	sshd_config_free(&c);
	return status;
}

static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if (chdir("/") < 0)
		return -1;
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static void write_pid_file(const char *path)
{
	if (path == NULL || strcmp(path, "none") == 0)
		return;
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		slc_error("Couldn't create pid file \"%s\": %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

int main(int argc, char **argv)
{
	struct srv s;
	const char *conn_spec = NULL;
	bool test = false, print = false;
	int ch, status = 1;

	memset(&s, 0, sizeof(s));
	sshd_config_init(&s.cfg);
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-?"))) {
		usage(stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "46C:DdE:ef:h:o:p:Tt")) != -1) {
		switch (ch) {
		case '4':
		case '6':
			break; /* AddressFamily in the file decides */
		case 'C':
			conn_spec = optarg;
			break;
		case 'D':
			s.opts.foreground = true;
			break;
		case 'd':
			s.opts.debug = s.opts.foreground = s.opts.log_stderr = true;
			break;
		case 'E':
			s.opts.log_file = optarg;
			break;
		case 'e':
			s.opts.log_stderr = true;
			break;
		case 'f':
			s.opts.cfg_file = optarg;
			break;
		case 'h': {
			const char **k = realloc(s.opts.hostkey_args,
			                         (s.opts.n_hostkey_args + 1) * sizeof(*k));
			if (!k) {
				fputs("sluiced: out of memory\n", stderr);
				goto out;
			}
			s.opts.hostkey_args = k;
			k[s.opts.n_hostkey_args++] = optarg;
			break;
		}
		case 'o':
			if (add_o_line(&s.opts, optarg) < 0) {
				fputs("sluiced: out of memory\n", stderr);
				goto out;
			}
			break;
		case 'p': {
			char *end;
			long p = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || p <= 0 || p > 65535) {
				fprintf(stderr, "Bad port number.\n");
				status = 255;
				goto out;
			}
			s.opts.port = (int)p;
			break;
		}
		case 'T':
			print = true;
			break;
		case 't':
			test = true;
			break;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Extra argument %s.\n", argv[optind]);
		goto out;
	}
	if (test || print) {
		if (s.opts.o_text == NULL && s.opts.port == 0)
			status = server_print_config(s.opts.cfg_file, s.opts.hostkey_args,
			                             s.opts.n_hostkey_args, conn_spec, print,
			                             stdout);
		else
			status = check_config(&s.opts, print);
		goto out;
	}
	if (srv_config_load(&s.opts, &s.cfg) < 0) {
		status = 255;
		goto out;
	}
	slc_log_init("sluiced", true, (enum slc_log_level)s.cfg.log_level);
	if (s.opts.debug && s.cfg.log_level < SLC_LOG_DEBUG1)
		slc_log_set_level(SLC_LOG_DEBUG1);
	if (s.opts.log_file != NULL && slc_log_set_file(s.opts.log_file) < 0) {
		fprintf(stderr, "sluiced: %s: %s\n", s.opts.log_file, strerror(errno));
		status = 255;
		goto out;
	}
	if (s.cfg.unsupported.n > 0)
		for (size_t i = 0; i < s.cfg.unsupported.n; i++)
			slc_debug("%s: not supported by sluiced, ignored", s.cfg.unsupported.v[i]);
	slc_rng_system(&s.rng);
	if (srv_hostkeys_load(&s) < 0) {
		status = 255;
		goto out;
	}
	if (!s.opts.foreground && daemonize() < 0) {
		slc_error("daemon: %s", strerror(errno));
		status = 255;
		goto out;
	}
	if (!s.opts.debug)
		write_pid_file(s.cfg.pid_file);
	status = srv_listen_run(&s);
	if (!s.opts.debug && s.cfg.pid_file != NULL && strcmp(s.cfg.pid_file, "none") != 0)
		unlink(s.cfg.pid_file);
out:
	srv_hostkeys_free(&s);
	sshd_config_free(&s.cfg);
	free(s.opts.hostkey_args);
	free(s.opts.o_text);
	return status;
}
