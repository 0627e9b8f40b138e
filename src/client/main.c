/* sluice: the SSH client. Transport and forwarding arrive in later work;
 * for now it only knows its command line's shape. */
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: sluice [-46fgNnqTtv] [-D [bind_address:]port] [-E log_file]\n"
	      "              [-F configfile] [-i identity_file] [-J destination]\n"
	      "              [-L address] [-l login_name] [-o option] [-p port]\n"
	      "              [-R address] [-W host:port] [-w local_tun[:remote_tun]]\n"
	      "              destination [command [argument ...]]\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 255;
}
