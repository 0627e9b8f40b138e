/* log: one-line messages for the programs, to stderr or a file.
 *
 * Levels follow OpenSSH's LogLevel (QUIET .. DEBUG3), so the configs'
 * LogLevel maps straight onto them. Each message becomes exactly one line
 * "<prefix>: <text>\n" written with a single write(2), so lines from
 * forked server processes sharing a file do not interleave. Control
 * characters in the text (a peer's banner, a file name) are escaped as
 * \ooo, so a message can never forge a second line.
 *
 * The state is process-wide (the programs have one log) and not thread
 * safe; set it up before the loop runs. */
#ifndef SLC_LOG_H
#define SLC_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "err.h"

enum slc_log_level {
	SLC_LOG_QUIET = 0,
	SLC_LOG_FATAL,
	SLC_LOG_ERROR,
	SLC_LOG_INFO,
	SLC_LOG_VERBOSE,
	SLC_LOG_DEBUG1,
	SLC_LOG_DEBUG2,
	SLC_LOG_DEBUG3,
};

/* prefix: the program name ("sluice", "sluiced"); with_pid adds "[pid]",
 * taken at each message so it stays right after fork(). The string is
 * copied (truncated to 63 bytes). Default: "sluice", no pid, INFO. */
void slc_log_init(const char *prefix, bool with_pid, enum slc_log_level level);
void slc_log_set_level(enum slc_log_level level);
enum slc_log_level slc_log_get_level(void);
/* Whether a message at this level would be written (skip costly
 * formatting otherwise). */
bool slc_log_enabled(enum slc_log_level level);

/* Send messages to a file (opened O_APPEND|O_CREAT, mode 0600) instead of
 * stderr; NULL goes back to stderr. SLC_ERR_SYS with errno on failure
 * (the previous destination stays). */
SLC_WUR int slc_log_set_file(const char *path);

/* "QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1",
 * "DEBUG2", "DEBUG3" (any case; DEBUG is DEBUG1). SLC_ERR_INVALID
 * otherwise. */
SLC_WUR int slc_log_level_from_name(const char *name, enum slc_log_level *level);

void slc_log(enum slc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void slc_logv(enum slc_log_level level, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
/* Log at FATAL (written unless QUIET) and exit(255), OpenSSH's status. */
void slc_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define slc_error(...) slc_log(SLC_LOG_ERROR, __VA_ARGS__)
#define slc_info(...) slc_log(SLC_LOG_INFO, __VA_ARGS__)
#define slc_verbose(...) slc_log(SLC_LOG_VERBOSE, __VA_ARGS__)
#define slc_debug(...) slc_log(SLC_LOG_DEBUG1, __VA_ARGS__)
#define slc_debug2(...) slc_log(SLC_LOG_DEBUG2, __VA_ARGS__)
#define slc_debug3(...) slc_log(SLC_LOG_DEBUG3, __VA_ARGS__)

#endif
