/* log: see log.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static struct {
	char prefix[64];
	bool with_pid;
	enum slc_log_level level;
	int fd; /* -1: stderr */
} lg = {"sluice", false, SLC_LOG_INFO, -1};

void slc_log_init(const char *prefix, bool with_pid, enum slc_log_level level)
{
	snprintf(lg.prefix, sizeof(lg.prefix), "%s", prefix ? prefix : "sluice");
	lg.with_pid = with_pid;
	lg.level = level;
}

void slc_log_set_level(enum slc_log_level level)
{
	lg.level = level;
}

enum slc_log_level slc_log_get_level(void)
{
	return lg.level;
}

bool slc_log_enabled(enum slc_log_level level)
{
	return level != SLC_LOG_QUIET && level <= lg.level;
}

int slc_log_set_file(const char *path)
{
	int fd = -1;
	if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0)
			return SLC_ERR_SYS;
	}
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = fd;
	return 0;
}

int slc_log_level_from_name(const char *name, enum slc_log_level *level)
{
	static const struct {
		const char *name;
		enum slc_log_level level;
	} names[] = {
	        {"QUIET", SLC_LOG_QUIET},     {"FATAL", SLC_LOG_FATAL},
	        {"ERROR", SLC_LOG_ERROR},     {"INFO", SLC_LOG_INFO},
	        {"VERBOSE", SLC_LOG_VERBOSE}, {"DEBUG", SLC_LOG_DEBUG1},
	        {"DEBUG1", SLC_LOG_DEBUG1},   {"DEBUG2", SLC_LOG_DEBUG2},
	        {"DEBUG3", SLC_LOG_DEBUG3},
	};
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(name, names[i].name)) {
			*level = names[i].level;
			return 0;
		}
	}
	return SLC_ERR_INVALID;
}

/* Append text to line[*pos..], escaping control bytes so one message is
 * one line. Leaves room for the final newline. */
static void put_clean(char *line, size_t *pos, size_t cap, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			if (*pos + 2 > cap)
				return;
			line[(*pos)++] = (char)*p;
		} else {
			if (*pos + 5 > cap)
				return;
			*pos += (size_t)snprintf(line + *pos, 5, "\\%03o", *p);
		}
	}
}

void slc_logv(enum slc_log_level level, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX], line[LOG_LINE_MAX + 128];
	size_t pos;
	int saved = errno; /* callers may log between a failure and reading errno */

	if (!slc_log_enabled(level))
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (lg.with_pid)
		pos = (size_t)snprintf(line, sizeof(line), "%s[%ld]: ", lg.prefix, (long)getpid());
	else
		pos = (size_t)snprintf(line, sizeof(line), "%s: ", lg.prefix);
	put_clean(line, &pos, sizeof(line), text);
	line[pos++] = '\n';
	int fd = lg.fd >= 0 ? lg.fd : STDERR_FILENO;
	for (size_t off = 0; off < pos;) {
		ssize_t n = write(fd, line + off, pos - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	errno = saved;
}

void slc_log(enum slc_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	slc_logv(level, fmt, ap);
	va_end(ap);
}

void slc_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	slc_logv(SLC_LOG_FATAL, fmt, ap);
	va_end(ap);
	exit(255);
}
