/* sluiced: the SSH server's command line (sshd(8)'s flags).
 *
 * Serving connections arrives with the server session work; today the
 * program checks (-t) and prints (-T) its configuration as sshd does. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_config.h"

static void usage(FILE *f)
{
	fputs("usage: sluiced [-DdeTt] [-C connection_spec] [-f config_file]\n"
	      "               [-h host_key_file] [-o option] [-p port]\n",
	      f);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *conn_spec = NULL;
	const char **keys = NULL;
	size_t n_keys = 0;
	bool test = false, print = false;
	int ch, status = 1;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-?"))) {
		usage(stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "C:Ddef:h:o:p:Tt")) != -1) {
		switch (ch) {
		case 'C': conn_spec = optarg; break;
		case 'f': file = optarg; break;
		case 'h': {
			const char **k = realloc(keys, (n_keys + 1) * sizeof(*keys));
			if (!k) {
				fputs("sluiced: out of memory\n", stderr);
				goto out;
			}
			keys = k;
			keys[n_keys++] = optarg;
			break;
		}
		case 'T': print = true; break;
		case 't': test = true; break;
		case 'D': case 'd': case 'e': case 'o': case 'p':
			fprintf(stderr, "sluiced: option -%c is not supported yet\n", ch);
			goto out;
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
		status = server_print_config(file, keys, n_keys, conn_spec, print, stdout);
		goto out;
	}
	fputs("sluiced: serving connections is not implemented yet (see README: status)\n", stderr);
out:
	free(keys);
	return status;
}
