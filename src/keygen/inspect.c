/* Commands on an existing key file: -y (public half), -l (fingerprint),
 * -p (change passphrase). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "keygen.h"

/* Read path whole. Returns 0; KG_EXIT_FAIL once a failure to open or read
 * it is printed as "<prefix><path>: <cause>", ssh-keygen's words; or, for a
 * directory, SLC_ERR_SYS (errno EISDIR) with nothing printed: ssh-keygen
 * opens a directory and fails only when loading the key, so each command
 * reports it as it reports a key it cannot load. */
static int read_key_file(const char *path, const char *prefix, struct buf *data)
{
	int r = keyfile_read_file(path, KEYFILE_MAX_SIZE, data);

	if (r == 0 || (r == SLC_ERR_SYS && errno == EISDIR))
		return r;
	/* slc_strerror reads errno for SLC_ERR_SYS and says "not a regular
	 * file" for SLC_ERR_NOT_REGULAR; only a size over the limit wants
	 * other words than its generic ones. */
	fprintf(stderr, "%s%s: %s\n", prefix, path,
	        r == SLC_ERR_LENGTH ? "file is too large" : slc_strerror(r));
	return KG_EXIT_FAIL;
}

/* Decrypt the private key in data with passphrase (-P); without one try
 * none, then ask prompt on the terminal if the key is encrypted. */
static int load_private(const struct buf *data, const char *passphrase, const char *prompt,
                        struct sshkey **key, char **comment)
{
	char *asked = NULL;
	int r, ra;

	r = keyfile_parse_private(buf_ptr(data), buf_len(data), passphrase, key, comment);
	if (r == SLC_ERR_KEY_ENCRYPTED && passphrase != NULL)
		return SLC_ERR_PASSPHRASE; /* -P "" on an encrypted key */
	if (r != SLC_ERR_KEY_ENCRYPTED)
		return r;
	ra = kg_read_passphrase(prompt, &asked);
	if (ra == SLC_ERR_NOT_FOUND)
		return r; /* no terminal to ask on */
	if (ra != 0)
		return ra;
	r = keyfile_parse_private(buf_ptr(data), buf_len(data), asked, key, comment);
	kg_free_secret(asked);
	if (r == SLC_ERR_KEY_ENCRYPTED)
		r = SLC_ERR_PASSPHRASE; /* an empty answer */
	return r;
}

int kg_print_public(const struct kg_opts *o)
{
	struct buf data;
	struct sshkey *key = NULL;
	char *path = NULL, *comment = NULL, *line = NULL;
	int r, status;

	buf_init(&data);
	status = kg_input_file(o, &path);
	if (status != 0)
		goto out;
	r = read_key_file(path, "", &data);
	if (r == KG_EXIT_FAIL) {
		status = r;
		goto out;
	}
	if (r == 0)
		r = load_private(&data, o->old_passphrase, "Enter passphrase: ", &key, &comment);
	if (r != 0) {
		fprintf(stderr, "Load key \"%s\": %s\n", path, slc_strerror(r));
		status = KG_EXIT_FAIL;
		goto out;
	}
	r = sshkey_format_public(key, comment != NULL && *comment != '\0' ? comment : NULL, &line);
	if (r != 0) {
		fprintf(stderr, "sluice-keygen: %s: %s\n", path, slc_strerror(r));
		status = KG_EXIT_FAIL;
		goto out;
	}
	puts(line);
	status = KG_EXIT_OK;
out:
	sshkey_del(key);
	buf_free(&data);
	free(path);
	free(comment);
	free(line);
	return status;
}

/* Comments come from files that may be anyone's: control characters are
 * shown as \ooo (as ssh-keygen does) rather than sent to the terminal. */
static void print_escaped(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			printf("\\%03o", c);
		else
			putchar(c);
	}
}

/* "256 SHA256:... comment (ED25519)", ssh-keygen -l's line. */
static int print_fingerprint(const struct sshkey *key, const char *comment, enum sshkey_fp_alg alg)
{
	char *fp = NULL;
	int r = sshkey_fingerprint(key, alg, &fp);

	if (r != 0)
		return r;
	printf("%u %s ", sshkey_bits(key), fp);
	print_escaped(comment != NULL && *comment != '\0' ? comment : "no comment");
	printf(" (%s)\n", sshkey_type_label(sshkey_type(key)));
	free(fp);
	return 0;
}

/* Fingerprint every public key line of text (blank and '#' lines
 * skipped, unparsable lines ignored as ssh-keygen does), or the one key of
 * an RFC 4716 text. Returns how many keys were printed, or an error. */
static int fingerprint_public_text(char *text, enum sshkey_fp_alg alg)
{
	struct sshkey *key = NULL;
	char *comment = NULL, *line, *next;
	int r, n = 0;

	if (strstr(text, "---- BEGIN SSH2 PUBLIC KEY ----") != NULL) {
		if (sshkey_parse_rfc4716(text, &key, &comment) != 0)
			return 0;
		r = print_fingerprint(key, comment, alg);
		sshkey_del(key);
		free(comment);
		return r != 0 ? r : 1;
	}
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line += strspn(line, " \t\r");
		if (*line == '\0' || *line == '#')
			continue;
		if (sshkey_parse_public(line, &key, &comment) != 0)
			continue;
		r = print_fingerprint(key, comment, alg);
		sshkey_del(key);
		free(comment);
		key = NULL;
		comment = NULL;
		if (r != 0)
			return r;
		n++;
	}
	return n;
}

static bool looks_private(const struct buf *data)
{
	static const char mark[] = "PRIVATE KEY-----";

	return memmem(buf_ptr(data), buf_len(data), mark, sizeof(mark) - 1) != NULL;
}

int kg_fingerprint(const struct kg_opts *o)
{
	struct buf data;
	struct sshkey *key = NULL;
	char *path = NULL, *pubpath = NULL, *text = NULL, *comment = NULL;
	int r, status;

	buf_init(&data);
	status = kg_input_file(o, &path);
	if (status != 0)
		goto out;
	r = read_key_file(path, "sluice-keygen: ", &data);
	if (r == KG_EXIT_FAIL) {
		status = r;
		goto out;
	}
	status = KG_EXIT_FAIL;
	if (r != 0) { /* a directory: neither kind of key file */
		fprintf(stderr, "%s is not a public key file.\n", path);
		goto out;
	}

	/* A public key file (text without NULs)? */
	if (memchr(buf_ptr(&data), '\0', buf_len(&data)) == NULL) {
		text = strndup((const char *)buf_ptr(&data), buf_len(&data));
		if (text == NULL) {
			r = SLC_ERR_NOMEM;
			goto fail;
		}
		r = fingerprint_public_text(text, o->fp_alg);
		if (r < 0)
			goto fail;
		if (r > 0) {
			status = KG_EXIT_OK;
			goto out;
		}
	}

	/* A private key. Like ssh-keygen, believe path.pub when it is there:
	 * it carries the comment PEM and PKCS#8 lack, and needs no passphrase. */
	if (asprintf(&pubpath, "%s.pub", path) < 0) {
		pubpath = NULL;
		r = SLC_ERR_NOMEM;
		goto fail;
	}
	r = keyfile_load_public(pubpath, &key, &comment);
	if (r != 0)
		r = keyfile_parse_private(buf_ptr(&data), buf_len(&data), NULL, &key, &comment);
	/* Encrypted: openssh-key-v1 still shows its public key (the comment
	 * is encrypted, so "no comment"); encrypted PEM and PKCS#8 do not,
	 * and ssh-keygen calls them not a key file. */
	if (r == SLC_ERR_KEY_ENCRYPTED)
		r = keyfile_parse_public_from_private(buf_ptr(&data), buf_len(&data), &key);
	if (r != 0) {
		fprintf(stderr, "%s is not a %skey file.\n", path,
		        looks_private(&data) ? "" : "public ");
		goto out;
	}
	r = print_fingerprint(key, comment, o->fp_alg);
	if (r != 0)
		goto fail;
	status = KG_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "sluice-keygen: %s: %s\n", path, slc_strerror(r));
	status = KG_EXIT_FAIL;
out:
	sshkey_del(key);
	buf_free(&data);
	free(path);
	free(pubpath);
	free(text);
	free(comment);
	return status;
}

/* The replacement passphrase for -p: -N, else asked twice (a mismatch
 * ends the command, as in ssh-keygen), else none. */
static int replacement_passphrase(const struct kg_opts *o, char **out)
{
	char *p1 = NULL, *p2 = NULL;
	int r;

	*out = NULL;
	if (o->new_passphrase != NULL) {
		*out = strdup(o->new_passphrase);
		return *out != NULL ? 0 : SLC_ERR_NOMEM;
	}
	r = kg_read_passphrase("Enter new passphrase (empty for no passphrase): ", &p1);
	if (r == SLC_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	r = kg_read_passphrase("Enter same passphrase again: ", &p2);
	if (r == 0 && strcmp(p1, p2) != 0)
		r = SLC_ERR_INVALID;
	kg_free_secret(p2);
	if (r != 0) {
		kg_free_secret(p1);
		return r;
	}
	*out = p1; /* transferred */
	return 0;
}

int kg_change_passphrase(const struct kg_opts *o)
{
	struct buf data;
	struct sshkey *key = NULL;
	char *path = NULL, *comment = NULL, *pass = NULL;
	int r, status;

	buf_init(&data);
	status = kg_input_file(o, &path);
	if (status != 0)
		goto out;
	r = read_key_file(path, "", &data);
	if (r == KG_EXIT_FAIL) {
		status = r;
		goto out;
	}
	status = KG_EXIT_FAIL;
	if (r == 0)
		r = load_private(&data, o->old_passphrase, "Enter old passphrase: ", &key,
		                 &comment);
	if (r != 0) {
		fprintf(stderr, "Failed to load key %s: %s\n", path, slc_strerror(r));
		goto out;
	}
	if (comment != NULL && *comment != '\0') {
		fputs("Key has comment '", stdout);
		print_escaped(comment);
		puts("'");
	}
	r = replacement_passphrase(o, &pass);
	if (r == SLC_ERR_INVALID) {
		puts("Pass phrases do not match.  Try again.");
		status = KG_EXIT_DECLINED;
		goto out;
	}
	if (r != 0) {
		fprintf(stderr, "sluice-keygen: %s\n", slc_strerror(r));
		goto out;
	}
	r = keyfile_save_private(path, key, comment != NULL ? comment : "", pass, o->rounds);
	if (r != 0) {
		fprintf(stderr, "Saving key \"%s\" failed: %s.\n", path, slc_strerror(r));
		goto out;
	}
	puts("Your identification has been saved with the new passphrase.");
	status = KG_EXIT_OK;
out:
	sshkey_del(key);
	buf_free(&data);
	kg_free_secret(pass);
	free(path);
	free(comment);
	return status;
}
