/* sluice-keygen: the ssh-keygen subset sluice needs -- generate keys,
 * print a private key's public half, fingerprints, change passphrases.
 * Flags, messages and exit statuses follow ssh-keygen (OpenSSH 9.2). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"
#include "keygen.h"

static void usage(FILE *f)
{
	fputs("usage: sluice-keygen [-q] [-a rounds] [-b bits] [-C comment] [-E fingerprint_hash]\n"
	      "                     [-f output_keyfile] [-N new_passphrase]\n"
	      "                     [-t ecdsa | ed25519 | rsa]\n"
	      "       sluice-keygen -p [-a rounds] [-f keyfile] [-N new_passphrase]\n"
	      "                        [-P old_passphrase]\n"
	      "       sluice-keygen -y [-f input_keyfile] [-P passphrase]\n"
	      "       sluice-keygen -l [-E fingerprint_hash] [-f input_keyfile]\n",
	      f);
}

/* A decimal number in [min, max]; *why names the failure as ssh-keygen
 * does ("invalid", "too small", "too large"). */
static int parse_number(const char *s, long long min, long long max, long long *v, const char **why)
{
	char *end = NULL;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*why = "invalid";
		return -1;
	}
	if ((errno == ERANGE && n == LLONG_MIN) || n < min) {
		*why = "too small";
		return -1;
	}
	if (errno == ERANGE || n > max) {
		*why = "too large";
		return -1;
	}
	*v = n;
	return 0;
}

int main(int argc, char **argv)
{
	struct kg_opts o = {.fp_alg = SSHKEY_FP_SHA256};
	bool do_print = false, do_fp = false, do_passwd = false;
	const char *why = NULL;
	long long n;
	int c;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	opterr = 0; /* our own messages, in ssh-keygen's words */
	while ((c = getopt(argc, argv, "+:a:b:C:E:f:lN:pP:qt:y")) != -1) {
		switch (c) {
		case 'a':
			if (parse_number(optarg, 1, KEYFILE_MAX_ROUNDS, &n, &why) != 0) {
				fprintf(stderr, "Invalid number: %s (%s)\n", optarg, why);
				return KG_EXIT_FAIL;
			}
			o.rounds = (unsigned)n;
			break;
		case 'b':
			if (parse_number(optarg, 1, UINT32_MAX, &n, &why) != 0) {
				fprintf(stderr, "Bits has bad value %s (%s)\n", optarg, why);
				return KG_EXIT_FAIL;
			}
			o.bits = (unsigned)n;
			break;
		case 'C':
			o.comment = optarg;
			break;
		case 'E':
			if (!strcasecmp(optarg, "sha256")) {
				o.fp_alg = SSHKEY_FP_SHA256;
			} else if (!strcasecmp(optarg, "md5")) {
				o.fp_alg = SSHKEY_FP_MD5;
			} else {
				fprintf(stderr, "Invalid hash algorithm \"%s\"\n", optarg);
				return KG_EXIT_FAIL;
			}
			break;
		case 'f':
			o.file = optarg;
			break;
		case 'l':
			do_fp = true;
			break;
		case 'N':
			o.new_passphrase = optarg;
			break;
		case 'p':
			do_passwd = true;
			break;
		case 'P':
			o.old_passphrase = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 't':
			o.type_arg = optarg;
			break;
		case 'y':
			do_print = true;
			break;
		case ':':
			fprintf(stderr, "option requires an argument -- %c\n", optopt);
			usage(stderr);
			return KG_EXIT_DECLINED;
		default:
			fprintf(stderr, "unknown option -- %c\n", optopt);
			usage(stderr);
			return KG_EXIT_DECLINED;
		}
	}
	if (optind < argc) {
		fputs("Too many arguments.\n", stderr);
		usage(stderr);
		return KG_EXIT_DECLINED;
	}

	/* ssh-keygen's precedence when several commands are given. */
	if (do_fp)
		return kg_fingerprint(&o);
	if (do_passwd)
		return kg_change_passphrase(&o);
	if (do_print)
		return kg_print_public(&o);
	return kg_generate(&o);
}
