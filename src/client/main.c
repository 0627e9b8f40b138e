/* sluice: the SSH client's command line (ssh(1)'s flags).
 *
 * Every flag that has a configuration equivalent becomes an "-o"-style
 * option in command-line order, so it wins over the files exactly as in
 * OpenSSH. -G prints the effective configuration; otherwise client.c
 * connects and runs the command or a shell. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dump_config.h"

static void usage(FILE *f)
{
	fputs("usage: sluice [-46fGgNnqTtv] [-D [bind_address:]port] [-E log_file]\n"
	      "              [-F configfile] [-i identity_file] [-J destination]\n"
	      "              [-L address] [-l login_name] [-o option] [-p port]\n"
	      "              [-R address] [-W host:port] [-w local_tun[:remote_tun]]\n"
	      "              destination [command [argument ...]]\n",
	      f);
}

struct opts {
	char **list; /* "Keyword=value" strings, command-line order */
	size_t n, cap;
	const char *file; /* -F */
	const char *logfile; /* -E */
	bool stdin_null; /* -n */
	int ttys; /* -t count; -1 after -T */
	long tty_at; /* index of the RequestTTY option, -1: none */
	bool dump; /* -G */
	int verbose;
};

static void add(struct opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append one option, formatted; the list owns it. */
static void add(struct opts *o, const char *fmt, ...)
{
	char *opt = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&opt, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fputs("sluice: out of memory\n", stderr);
		exit(EXIT_SSH_ERROR);
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->list = realloc(o->list, o->cap * sizeof(*o->list));
		if (!o->list) {
			fputs("sluice: out of memory\n", stderr);
			exit(EXIT_SSH_ERROR);
		}
	}
	o->list[o->n++] = opt;
}

/* "[user@]host" or "ssh://[user@]host[:port]" -> host, plus User/Port. */
static char *destination(struct opts *o, const char *dest)
{
	char *d = strdup(dest);
	char *host = d;
	if (!d)
		exit(EXIT_SSH_ERROR);
	if (!strncmp(d, "ssh://", 6)) {
		host = d + 6;
		char *slash = strchr(host, '/');
		if (slash && slash[1] == '\0')
			*slash = '\0';
		char *colon = strrchr(host, ':');
		if (colon && !strchr(colon, ']')) {
			*colon = '\0';
			add(o, "Port=%s", colon + 1);
		}
	}
	char *at = strrchr(host, '@');
	if (at) {
		*at = '\0';
		add(o, "User=%s", host);
		host = at + 1;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		host++;
	}
	char *h = strdup(host);
	free(d);
	return h;
}

int main(int argc, char **argv)
{
	struct opts o = {.tty_at = -1};
	int ch;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	/* '+': stop at the first non-option (the destination), as ssh does. */
	while ((ch = getopt(argc, argv, "+46AaCD:E:F:GgI:i:J:KkL:l:MNnO:o:p:qR:S:TtVvW:w:XxYy")) !=
	       -1) {
		switch (ch) {
		case '4':
			add(&o, "AddressFamily=inet");
			break;
		case '6':
			add(&o, "AddressFamily=inet6");
			break;
		case 'A':
			add(&o, "ForwardAgent=yes");
			break;
		case 'a':
			add(&o, "ForwardAgent=no");
			break;
		case 'C':
			add(&o, "Compression=yes");
			break;
		case 'F':
			o.file = optarg;
			break;
		case 'G':
			o.dump = true;
			break;
		case 'g':
			add(&o, "GatewayPorts=yes");
			break;
		case 'i':
			add(&o, "IdentityFile=%s", optarg);
			break;
		case 'J':
			add(&o, "ProxyJump=%s", optarg);
			break;
		case 'l':
			add(&o, "User=%s", optarg);
			break;
		case 'N':
			add(&o, "SessionType=none");
			break;
		case 'n':
			o.stdin_null = true;
			add(&o, "StdinNull=yes");
			break;
		case 'E':
			o.logfile = optarg;
			break;
		case 'o':
			add(&o, "%s", optarg);
			break;
		case 'p':
			add(&o, "Port=%s", optarg);
			break;
		case 'q':
			add(&o, "LogLevel=QUIET");
			break;
		/* -T and -t: the last one wins, as in ssh; one option is
		 * placed where the first of them stood. */
		case 'T':
		case 't':
			if (o.tty_at < 0) {
				o.tty_at = (long)o.n;
				add(&o, "RequestTTY=no");
			}
			o.ttys = ch == 'T' ? -1 : (o.ttys < 0 ? 1 : o.ttys + 1);
			break;
		case 'v':
			o.verbose++;
			break;
		case 'x':
			add(&o, "ForwardX11=no");
			break;
		case 'D':
		case 'L':
		case 'R':
		case 'W':
		case 'w':
		case 'I':
		case 'K':
		case 'k':
		case 'M':
		case 'O':
		case 'S':
		case 'V':
		case 'X':
		case 'Y':
		case 'y':
			fprintf(stderr, "sluice: option -%c is not supported yet\n", ch);
			return EXIT_SSH_ERROR;
		default:
			usage(stderr);
			return EXIT_SSH_ERROR;
		}
	}
	if (o.tty_at >= 0 && o.ttys > 0) {
		free(o.list[o.tty_at]);
		o.list[o.tty_at] = strdup(o.ttys > 1 ? "RequestTTY=force" : "RequestTTY=yes");
		if (!o.list[o.tty_at])
			return EXIT_SSH_ERROR;
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_SSH_ERROR;
	}
	/* -v is DEBUG1, each further -v one step more, up to DEBUG3, as in
	 * ssh (VERBOSE is only reachable through LogLevel). */
	static const char *const levels[] = {"LogLevel=DEBUG", "LogLevel=DEBUG2",
	                                     "LogLevel=DEBUG3"};
	if (o.verbose)
		add(&o, "%s", levels[o.verbose > 3 ? 2 : o.verbose - 1]);
	char *host = destination(&o, argv[optind]);
	int status;
	if (o.dump) {
		status =
		        client_print_config(host, (const char *const *)o.list, o.n, o.file, stdout);
	} else {
		/* The command: the remaining arguments joined by blanks, as ssh
		 * sends them (the remote shell splits them again). */
		char *command = NULL;
		size_t len = 0;
		for (int i = optind + 1; i < argc; i++)
			len += strlen(argv[i]) + 1;
		if (len) {
			command = calloc(1, len);
			if (!command)
				return EXIT_SSH_ERROR;
			for (int i = optind + 1; i < argc; i++) {
				if (i > optind + 1)
					strcat(command, " ");
				strcat(command, argv[i]);
			}
		}
		status = client_run(host, (const char *const *)o.list, o.n, o.file, o.logfile,
		                    command, o.stdin_null);
		free(command);
	}
	free(host);
	for (size_t i = 0; i < o.n; i++)
		free(o.list[i]);
	free(o.list);
	return status;
}
