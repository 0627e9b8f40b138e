/* Parses arbitrary bytes as both configuration grammars, with Include
 * returning not-found, then finalizes, dumps, and evaluates the server's
 * Match blocks for a fixed connection. Invariants: no crash or leak, and
 * every failure carries a message. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_config.h"
#include "sshd_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int no_file(void *ctx, const char *path, char **out, size_t *len)
{
	return SLC_ERR_NOT_FOUND;
}

static int no_glob(void *ctx, const char *pattern, char ***paths, size_t *n)
{
	*paths = NULL;
	*n = 0;
	return 0;
}

static const struct cfg_io io = {no_file, no_glob, NULL};

static int one_file(void *ctx, const char *path, char **out, size_t *len)
{
	const struct {
		const uint8_t *d;
		size_t n;
	} *in = ctx;
	if (strcmp(path, "F") != 0)
		return SLC_ERR_NOT_FOUND;
	if ((*out = malloc(in->n + 1)) == NULL)
		return SLC_ERR_NOMEM;
	memcpy(*out, in->d, in->n);
	(*out)[in->n] = '\0';
	*len = in->n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct {
		const uint8_t *d;
		size_t n;
	} in = {data, size};
	struct cfg_io cio = {one_file, no_glob, &in};
	char *text = NULL;

	struct ssh_config c;
	if (ssh_config_init(&c, "host.example", "me", "/home/me") == 0) {
		struct ssh_config_sources src = {.file = "F"};
		int r = ssh_config_load(&c, &cio, &src);
		if (r == 0)
			r = ssh_config_finalize(&c);
		if (r == 0 && ssh_config_dump(&c, &text) == 0)
			free(text);
		assert(r != SLC_ERR_CONFIG || c.error != NULL);
		ssh_config_free(&c);
	}

	struct sshd_config s, eff;
	sshd_config_init(&s);
	int r = sshd_config_read_string(&s, &io, "F", (const char *)data, size);
	if (r == 0)
		r = sshd_config_finalize(&s);
	assert(r != SLC_ERR_CONFIG || s.error != NULL);
	if (r == 0) {
		static const char *const groups[] = {"staff", "wheel"};
		struct sshd_conn_info ci = {"alice", groups, 2, "a.example", "10.1.2.3", "::1", 22};
		if (sshd_config_dump(&s, &text) == 0)
			free(text);
		if (sshd_config_for_connection(&s, &ci, &eff) == 0 &&
		    sshd_config_dump(&eff, &text) == 0)
			free(text);
		sshd_config_free(&eff);
	}
	sshd_config_free(&s);
	return 0;
}
