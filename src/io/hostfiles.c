/* Reading host and key files and appending to known_hosts. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfiles.h"

int hostfiles_read(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	char *s = NULL, *ns;
	size_t cap = 0, n = 0;
	ssize_t got;
	int fd = -1, r;

	if (text != NULL)
		*text = NULL;
	if (len != NULL)
		*len = 0;
	if (path == NULL || text == NULL || len == NULL)
		return SLC_ERR_INVALID;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		r = errno == ENOENT || errno == ENOTDIR ? SLC_ERR_NOT_FOUND : SLC_ERR_SYS;
		goto out;
	}
	r = SLC_ERR_SYS;
	if (fstat(fd, &st) < 0)
		goto out;
	/* A FIFO or device could block or never end. */
	r = SLC_ERR_LIMIT;
	if (!S_ISREG(st.st_mode) || (st.st_size > 0 && (uintmax_t)st.st_size > max))
		goto out;
	/* Read to EOF rather than trusting st_size: the file may change. */
	for (;;) {
		if (n + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : (size_t)st.st_size + 4096;
			r = SLC_ERR_LIMIT;
			if (cap > max + 1)
				goto out;
			r = SLC_ERR_NOMEM;
			if ((ns = realloc(s, ncap)) == NULL)
				goto out;
			s = ns;
			cap = ncap;
		}
		got = read(fd, s + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		r = SLC_ERR_SYS;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		n += (size_t)got;
		r = SLC_ERR_LIMIT;
		if (n > max)
			goto out;
	}
	s[n] = '\0';
	*text = s; /* transferred */
	*len = n;
	s = NULL;
	r = 0;
out:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	free(s);
	return r;
}

int hostfiles_load_known_hosts(struct kh_db *db, const char *const *paths, size_t n, size_t *failed)
{
	char *text = NULL;
	size_t len;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		r = hostfiles_read(paths[i], HOSTFILES_MAX_SIZE, &text, &len);
		if (r == SLC_ERR_NOT_FOUND)
			continue;
		if (r == 0)
			r = kh_db_add(db, paths[i], text, len);
		free(text);
		text = NULL;
		if (r < 0) {
			if (failed != NULL)
				*failed = i;
			return r;
		}
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SLC_ERR_SYS;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* mkdir the directory part of path (one level), mode 0700. */
static int make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int r = 0;

	if (slash == NULL || slash == path) {
		errno = ENOENT;
		return SLC_ERR_SYS;
	}
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return SLC_ERR_NOMEM;
	if (mkdir(dir, 0700) < 0)
		r = SLC_ERR_SYS;
	free(dir);
	return r;
}

int hostfiles_append(const char *path, const char *text, bool *created_dir)
{
	const int flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY;
	struct stat st;
	char last;
	int fd = -1, r;

	if (created_dir != NULL)
		*created_dir = false;
	if (path == NULL || text == NULL)
		return SLC_ERR_INVALID;
	if ((fd = open(path, flags, 0666)) < 0 && errno == ENOENT) {
		if ((r = make_parent(path)) < 0)
			goto out;
		if (created_dir != NULL)
			*created_dir = true;
		fd = open(path, flags, 0666);
	}
	r = SLC_ERR_SYS;
	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	/* O_APPEND writes go to the end whatever the offset, and pread
	 * leaves the offset alone. */
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
	    (r = write_all(fd, "\n", 1)) < 0)
		goto out;
	r = write_all(fd, text, strlen(text));
out:
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = SLC_ERR_SYS;
	return r;
}
