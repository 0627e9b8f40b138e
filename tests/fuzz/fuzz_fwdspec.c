/* Forwarding specifications from arbitrary text. The first byte picks the
 * kind and whether the rest is a command-line spec or a config line's two
 * arguments (split at the first newline). Invariants: a parsed spec is
 * well formed, formats for -G, copies; where the -G text can be read back
 * (no ']' in a field, no ':' in a path...) it parses to the same spec. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int services(const char *name, void *arg)
{
	return strcmp(name, "http") == 0 ? 80 : strcmp(name, "big") == 0 ? 99999 : -1;
}

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same(const struct fwdspec *a, const struct fwdspec *b)
{
	return a->kind == b->kind && a->dynamic == b->dynamic && a->listen_port == b->listen_port &&
	       a->connect_port == b->connect_port && same_str(a->listen_host, b->listen_host) &&
	       same_str(a->listen_path, b->listen_path) &&
	       same_str(a->connect_host, b->connect_host) &&
	       same_str(a->connect_path, b->connect_path);
}

static bool printable_back(const struct fwdspec *f)
{
	const char *s[] = {f->listen_host, f->listen_path, f->connect_host, f->connect_path};
	for (size_t i = 0; i < 4; i++)
		if (s[i] != NULL && strchr(s[i], ']') != NULL)
			return false;
	const char *p[] = {f->listen_path, f->connect_path};
	for (size_t i = 0; i < 2; i++)
		if (p[i] != NULL && (strchr(p[i], ':') != NULL || p[i][0] == '['))
			return false;
	if (f->listen_path != NULL && strchr(" \t\n\v\f\r", f->listen_path[0]) != NULL)
		return false;
	return true;
}

static char *side(const char *host, int port, const char *path)
{
	char *s = NULL;
	int r;
	if (path != NULL)
		r = asprintf(&s, "%s", path);
	else if (host != NULL)
		r = asprintf(&s, "[%s]:%d", host, port);
	else
		r = asprintf(&s, "%d", port);
	return r < 0 ? NULL : s;
}

static void check(const struct fwdspec *f)
{
	assert((f->listen_path != NULL) != (f->listen_port >= 0));
	assert(f->listen_port <= 65535);
	assert(f->listen_path == NULL || f->listen_host == NULL);
	assert(!(f->connect_host != NULL && f->connect_path != NULL));
	assert(f->dynamic == (f->connect_host == NULL && f->connect_path == NULL));
	assert(f->connect_host ? (f->connect_port >= 1 && f->connect_port <= 65535)
	                       : f->connect_port == -1);
	assert(f->listen_host == NULL || strlen(f->listen_host) <= FWDSPEC_HOST_MAX);
	assert(f->connect_host == NULL || strlen(f->connect_host) <= FWDSPEC_HOST_MAX);
	assert(f->listen_path == NULL || strlen(f->listen_path) <= FWDSPEC_PATH_MAX);
	assert(f->connect_path == NULL || strlen(f->connect_path) <= FWDSPEC_PATH_MAX);
	assert(f->listen_path == NULL || strchr(f->listen_path, '/') != NULL);
	assert(f->connect_path == NULL || strchr(f->connect_path, '/') != NULL);
	if (f->kind != FWDSPEC_REMOTE && f->listen_path == NULL)
		assert(f->listen_port > 0);

	int lines = 0;
	for (int k = FWDSPEC_LOCAL; k <= FWDSPEC_DYNAMIC; k++) {
		char *line = NULL;
		int r = fwdspec_format(f, (enum fwdspec_kind)k, &line);
		if (fwdspec_dump_has(f, (enum fwdspec_kind)k)) {
			assert(r == 0 && line != NULL);
			lines++;
		} else {
			assert(r == SLC_ERR_INVALID && line == NULL);
		}
		free(line);
	}
	assert(lines >= 1);

	const char *addr;
	enum fwdspec_bind b = fwdspec_local_bind(f, false, &addr);
	assert((b == FWDSPEC_BIND_ADDR) == (addr != NULL));
	assert(fwdspec_remote_bind_host(f) != NULL);

	struct fwdspec c;
	if (fwdspec_copy(&c, f) == 0) {
		assert(same(&c, f));
		fwdspec_free(&c);
	}

	if (!printable_back(f))
		return;
	char *l = side(f->listen_host, f->listen_port, f->listen_path);
	char *cn = f->dynamic ? NULL : side(f->connect_host, f->connect_port, f->connect_path);
	if (l != NULL && (f->dynamic || cn != NULL)) {
		struct fwdspec g;
		char *err = NULL;
		int r = fwdspec_parse_config(f->kind, l, cn, NULL, &g, &err);
		assert(r == 0 || r == SLC_ERR_NOMEM);
		if (r == 0) {
			assert(same(&g, f));
			fwdspec_free(&g);
		}
		free(err);
	}
	free(l);
	free(cn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	enum fwdspec_kind kind = (enum fwdspec_kind)(data[0] % 3);
	bool config = data[0] & 4;
	struct fwdspec_opts opts = {services, NULL};
	char *s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	struct fwdspec f;
	char *err = NULL;
	int r;
	if (config) {
		char *nl = strchr(s, '\n');
		if (nl != NULL)
			*nl = '\0';
		r = fwdspec_parse_config(kind, s, nl ? nl + 1 : NULL, &opts, &f, &err);
	} else {
		r = fwdspec_parse(s, kind, &opts, &f, &err);
	}
	if (r == 0) {
		assert(err == NULL);
		check(&f);
		fwdspec_free(&f);
	} else {
		assert(r == SLC_ERR_CONFIG || r == SLC_ERR_NOMEM);
		assert(r != SLC_ERR_CONFIG || err != NULL);
	}
	free(err);
	free(s);
	return 0;
}
