/* config_fs: configuration files from the real filesystem. */
#include "config_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fs_read_file(void *ctx, const char *path, char **data, size_t *len)
{
	int fd = -1, r = SLC_ERR_SYS;
	char *buf = NULL;
	size_t n = 0, cap = 4096;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = errno == ENOENT || errno == ENOTDIR ? SLC_ERR_NOT_FOUND : SLC_ERR_SYS;
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		goto out;
	/* A directory opens fine but does not read: report it like glob
	 * would see it, as nothing to include. */
	if (S_ISDIR(st.st_mode)) {
		r = SLC_ERR_NOT_FOUND;
		goto out;
	}
	if ((buf = malloc(cap)) == NULL) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		if (n + 1 >= cap) {
			if (cap >= CONFIG_FS_MAX_FILE) {
				r = SLC_ERR_LIMIT;
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				r = SLC_ERR_NOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL; /* transferred */
	r = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return r;
}

static int fs_glob(void *ctx, const char *pattern, char ***paths, size_t *n)
{
	glob_t g;
	int r = 0;
	memset(&g, 0, sizeof(g));
	*paths = NULL;
	*n = 0;
	int gr = glob(pattern, 0, NULL, &g);
	if (gr == GLOB_NOMATCH)
		goto out;
	if (gr != 0) {
		r = gr == GLOB_NOSPACE ? SLC_ERR_NOMEM : SLC_ERR_SYS;
		goto out;
	}
	if (g.gl_pathc == 0)
		goto out;
	*paths = calloc(g.gl_pathc, sizeof(**paths));
	if (*paths == NULL) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (((*paths)[i] = strdup(g.gl_pathv[i])) == NULL) {
			for (size_t j = 0; j < i; j++)
				free((*paths)[j]);
			free(*paths);
			*paths = NULL;
			r = SLC_ERR_NOMEM;
			goto out;
		}
	}
	*n = g.gl_pathc;
out:
	globfree(&g);
	return r;
}

void config_fs_io(struct cfg_io *io)
{
	io->read_file = fs_read_file;
	io->glob = fs_glob;
	io->ctx = NULL;
}
