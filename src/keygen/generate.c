/* Key generation: the default command. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "keygen.h"

/* What -t and -b ask for. name is what "Generating public/private %s key
 * pair." shows; file_name the "id_<file_name>" of the default file. */
struct kg_spec {
	enum sshkey_type type;
	unsigned bits;
	const char *name;
	const char *file_name;
};

static enum sshkey_type ecdsa_type(unsigned bits)
{
	switch (bits) {
	case 256:
		return SSHKEY_ECDSA_P256;
	case 384:
		return SSHKEY_ECDSA_P384;
	case 521:
		return SSHKEY_ECDSA_P521;
	default:
		return SSHKEY_UNKNOWN;
	}
}

static unsigned ecdsa_bits(enum sshkey_type type)
{
	return type == SSHKEY_ECDSA_P384 ? 384 : type == SSHKEY_ECDSA_P521 ? 521 : 256;
}

static int choose_spec(const struct kg_opts *o, struct kg_spec *spec)
{
	const char *arg = o->type_arg != NULL ? o->type_arg : KG_DEFAULT_TYPE;
	enum sshkey_type type;

	/* Short names (any case) as ssh-keygen takes them, or full names. */
	if (!strcasecmp(arg, "ed25519"))
		type = SSHKEY_ED25519;
	else if (!strcasecmp(arg, "ecdsa"))
		type = SSHKEY_ECDSA_P256;
	else if (!strcasecmp(arg, "rsa"))
		type = SSHKEY_RSA;
	else
		type = sshkey_type_from_name(arg);
	spec->name = arg;
	spec->bits = o->bits;
	switch (type) {
	case SSHKEY_ED25519:
		spec->type = type;
		spec->bits = 0; /* ssh-keygen ignores -b for ed25519 */
		spec->file_name = "ed25519";
		return 0;
	case SSHKEY_ECDSA_P256:
	case SSHKEY_ECDSA_P384:
	case SSHKEY_ECDSA_P521:
		/* -b wins over the curve in a full type name, as in ssh-keygen */
		if (spec->bits == 0)
			spec->bits = ecdsa_bits(type);
		spec->type = ecdsa_type(spec->bits);
		spec->file_name = "ecdsa";
		if (spec->type == SSHKEY_UNKNOWN) {
			fputs("Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits\n",
			      stderr);
			return KG_EXIT_FAIL;
		}
		return 0;
	case SSHKEY_RSA:
		spec->type = type;
		spec->file_name = "rsa";
		if (spec->bits == 0)
			spec->bits = 3072;
		if (spec->bits < SSHKEY_RSA_MIN_GEN_BITS) {
			fprintf(stderr, "Invalid RSA key length: minimum is %d bits\n",
			        SSHKEY_RSA_MIN_GEN_BITS);
			return KG_EXIT_FAIL;
		}
		if (spec->bits > SSHKEY_RSA_MAX_BITS) {
			fprintf(stderr, "Invalid RSA key length: maximum is %d bits\n",
			        SSHKEY_RSA_MAX_BITS);
			return KG_EXIT_FAIL;
		}
		return 0;
	default:
		fprintf(stderr, "unknown key type %s\n", arg);
		return KG_EXIT_FAIL;
	}
}

/* "user@host", ssh-keygen's default comment. Caller frees. */
static char *default_comment(void)
{
	struct passwd *pw = getpwuid(getuid());
	char host[256];
	char *s = NULL;

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (asprintf(&s, "%s@%s", pw != NULL ? pw->pw_name : "", host) < 0)
		return NULL;
	return s;
}

/* ssh-keygen creates ~/.ssh when the key goes there and it is missing. */
static int make_ssh_dir(const char *path, bool quiet)
{
	char *home = NULL, *dir = NULL;
	struct stat st;
	size_t n;
	int status = 0;

	if (kg_home_dir(&home) != 0)
		return 0;
	if (asprintf(&dir, "%s/.ssh", home) < 0) {
		dir = NULL;
		goto out;
	}
	n = strlen(dir);
	if (strncmp(path, dir, n) != 0 || path[n] != '/' || stat(dir, &st) == 0)
		goto out;
	if (errno != ENOENT) {
		fprintf(stderr, "Could not stat %s: %s\n", dir, strerror(errno));
		status = KG_EXIT_DECLINED;
	} else if (mkdir(dir, 0700) != 0) {
		fprintf(stderr, "Could not create directory '%s': %s\n", dir, strerror(errno));
		status = KG_EXIT_DECLINED;
	} else if (!quiet) {
		printf("Created directory '%s'.\n", dir);
	}
out:
	free(home);
	free(dir);
	return status;
}

/* The new key's passphrase: -N, else asked twice on the terminal until
 * both agree, else (no terminal) none. *out NULL means none. */
static int new_passphrase(const struct kg_opts *o, char **out)
{
	char *p1 = NULL, *p2 = NULL;
	int r;

	*out = NULL;
	if (o->new_passphrase != NULL) {
		*out = strdup(o->new_passphrase);
		return *out != NULL ? 0 : SLC_ERR_NOMEM;
	}
	for (;;) {
		r = kg_read_passphrase("Enter passphrase (empty for no passphrase): ", &p1);
		if (r == SLC_ERR_NOT_FOUND)
			return 0;
		if (r != 0)
			return r;
		r = kg_read_passphrase("Enter same passphrase again: ", &p2);
		if (r != 0) {
			kg_free_secret(p1);
			return r;
		}
		if (strcmp(p1, p2) == 0)
			break;
		kg_free_secret(p1);
		kg_free_secret(p2);
		p1 = p2 = NULL;
		puts("Passphrases do not match.  Try again.");
	}
	kg_free_secret(p2);
	*out = p1; /* transferred */
	return 0;
}

int kg_generate(const struct kg_opts *o)
{
	struct kg_spec spec;
	struct sshkey *key = NULL;
	char *path = NULL, *pubpath = NULL, *answer = NULL, *pass = NULL;
	char *comment = NULL, *fp = NULL;
	struct stat st;
	int r, status;

	status = choose_spec(o, &spec);
	if (status != 0)
		return status;
	if (!o->quiet)
		printf("Generating public/private %s key pair.\n", spec.name);
	status = kg_ask_file(o, spec.file_name, "Enter file in which to save the key", &path);
	if (status != 0)
		goto out;
	status = make_ssh_dir(path, o->quiet);
	if (status != 0)
		goto out;
	if (stat(path, &st) == 0) {
		printf("%s already exists.\n", path);
		if (kg_ask_line("Overwrite (y/n)? ", &answer) != 0 ||
		    (answer[0] != 'y' && answer[0] != 'Y')) {
			status = KG_EXIT_DECLINED;
			goto out;
		}
	}
	if (asprintf(&pubpath, "%s.pub", path) < 0) {
		pubpath = NULL;
		r = SLC_ERR_NOMEM;
		goto fail;
	}
	r = new_passphrase(o, &pass);
	if (r != 0)
		goto fail;
	comment = o->comment != NULL ? strdup(o->comment) : default_comment();
	if (comment == NULL) {
		r = SLC_ERR_NOMEM;
		goto fail;
	}
	r = sshkey_generate(spec.type, spec.bits, &key);
	if (r != 0) {
		fprintf(stderr, "sluice-keygen: generating the key failed: %s\n", slc_strerror(r));
		status = KG_EXIT_FAIL;
		goto out;
	}

	r = keyfile_save_private(path, key, comment, pass, o->rounds);
	if (r != 0) {
		fprintf(stderr, "Saving key \"%s\" failed: %s\n", path, slc_strerror(r));
		status = KG_EXIT_DECLINED;
		goto out;
	}
	if (!o->quiet)
		printf("Your identification has been saved in %s\n", path);
	r = keyfile_save_public(pubpath, key, comment);
	if (r != 0) {
		fprintf(stderr, "Unable to save public key to %s: %s\n", pubpath, slc_strerror(r));
		status = KG_EXIT_DECLINED;
		goto out;
	}
	if (!o->quiet) {
		printf("Your public key has been saved in %s\n", pubpath);
		r = sshkey_fingerprint(key, o->fp_alg, &fp);
		if (r != 0)
			goto fail;
		printf("The key fingerprint is:\n%s %s\n", fp, comment);
	}
	status = KG_EXIT_OK;
	goto out;

fail:
	fprintf(stderr, "sluice-keygen: %s\n", slc_strerror(r));
	status = KG_EXIT_FAIL;
out:
	sshkey_del(key);
	kg_free_secret(pass);
	free(path);
	free(pubpath);
	free(answer);
	free(comment);
	free(fp);
	return status;
}
