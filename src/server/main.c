/* sluiced: the SSH server. The listener arrives with the transport work;
 * for now it only knows its command line's shape. */
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: sluiced [-DdeTt] [-f config_file] [-h host_key_file]\n"
	      "               [-o option] [-p port]\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 1;
}
