/* config: the lexer and value parsers shared by the ssh_config(5) and
 * sshd_config(5) grammars (ssh_config.h, sshd_config.h).
 *
 * No I/O: files are read and globs expanded through struct cfg_io, so the
 * real filesystem (src/io/config_fs.c), unit tests (an in-memory map) and
 * the fuzzer (nothing) plug in the same way.
 *
 * Line syntax, as OpenSSH reads it:
 *   - blank lines and lines whose first non-blank character is '#' are
 *     ignored; a word starting with '#' ends the line (trailing comment)
 *   - "Keyword value...", "Keyword=value", "Keyword = value"; keywords are
 *     case-insensitive (callers compare with strcasecmp)
 *   - arguments are split on blanks; "double" or 'single' quotes group
 *     blanks into one argument; a backslash escapes a quote, a backslash or
 *     a blank
 *   - '\r' counts as a blank, so CRLF files work */
#ifndef SLC_CONFIG_H
#define SLC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Deepest Include nesting before an error (a loop would otherwise never
 * end). */
#define CFG_MAX_INCLUDE_DEPTH 16

struct cfg_io {
	/* Read a whole file. On success *data is malloc'd, NUL-terminated
	 * (the NUL not counted in *len). SLC_ERR_NOT_FOUND when it does not
	 * exist; any other negative SLC_ERR_* is reported as unreadable. */
	int (*read_file)(void *ctx, const char *path, char **data, size_t *len);
	/* Expand a glob(7) pattern to the existing paths it names, sorted.
	 * *paths is a malloc'd array of *n malloc'd strings (NULL when 0).
	 * No match is success with *n == 0. May be NULL: then a pattern names
	 * only itself. */
	int (*glob)(void *ctx, const char *pattern, char ***paths, size_t *n);
	void *ctx;
};

/* A growable vector of owned strings. Zero-initialise. */
struct cfg_strv {
	char **v;
	size_t n;
};

SLC_WUR int cfg_strv_push(struct cfg_strv *sv, const char *s);
/* Takes ownership of s (freed on failure too). */
SLC_WUR int cfg_strv_push_owned(struct cfg_strv *sv, char *s);
SLC_WUR int cfg_strv_copy(struct cfg_strv *dst, const struct cfg_strv *src);
bool cfg_strv_contains(const struct cfg_strv *sv, const char *s);
void cfg_strv_free(struct cfg_strv *sv);

/* One tokenised line. argv[0] is the keyword; rest[i] is the raw text of
 * the line from argument i to its end (trailing blanks and any trailing
 * comment kept), for keywords that take a whole command line such as
 * ProxyCommand. argc == 0 for a blank or comment line. */
struct cfg_line {
	char **argv;
	const char **rest;
	size_t argc;
	char *raw; /* owned copy of the line */
};

/* Split line[0 .. len) (no newline; stops at a NUL). SLC_ERR_FORMAT for an
 * unterminated quote. Free with cfg_line_free() whatever the result. */
SLC_WUR int cfg_line_split(const char *line, size_t len, struct cfg_line *out);
void cfg_line_free(struct cfg_line *l);

/* Value parsers. All reject trailing garbage and empty strings with
 * SLC_ERR_CONFIG. */
/* "yes"/"no" (also "true"/"false" where OpenSSH takes them). */
SLC_WUR int cfg_parse_yesno(const char *s, bool *out);
/* Decimal integer in [min, max]. */
SLC_WUR int cfg_parse_int(const char *s, long min, long max, long *out);
/* sshd_config(5) TIME FORMATS: a sequence of number[smhdw] (case
 * insensitive, no unit = seconds), e.g. "1h30m". Result in seconds, at most
 * INT32_MAX. */
SLC_WUR int cfg_parse_time(const char *s, long *seconds);
/* A byte count with an optional K, M or G suffix (powers of 1024), as
 * RekeyLimit takes. */
SLC_WUR int cfg_parse_size(const char *s, uint64_t *out);
/* A network port number, 1..65535 (0 with allow_zero). */
SLC_WUR int cfg_parse_port(const char *s, bool allow_zero, int *out);

/* Pattern lists, as ssh_config(5) PATTERNS: comma-separated patterns with
 * * and ?, each optionally negated with a leading '!'. Returns 1 when s
 * matches a positive pattern and no negated one, -1 when a negated pattern
 * matches, 0 otherwise. lower: compare s lower-cased (host names). */
int cfg_match_list(const char *s, const char *list, bool lower);

/* Whether addr (a numeric IPv4 or IPv6 address) matches a comma-separated
 * list of addresses, wildcard patterns and CIDR blocks (a.b.c.d/n,
 * x::y/n), each optionally negated. Same return convention as
 * cfg_match_list. SLC_ERR_CONFIG (negative, never -1 by accident: -24) is
 * returned for a malformed CIDR entry. */
#define CFG_MATCH_BAD SLC_ERR_CONFIG
int cfg_match_addr_list(const char *addr, const char *list);
/* Validate a list for cfg_match_addr_list (at parse time). */
bool cfg_addr_list_valid(const char *list);

/* %-token expansion. toks maps a character to its value; "%%" is always a
 * literal '%'. An unknown token or a lone trailing '%' is SLC_ERR_CONFIG
 * and *bad (if non-NULL) gets the offending character ('\0' for a
 * trailing '%'). *out is malloc'd. */
struct cfg_token {
	char key;
	const char *value;
};
SLC_WUR int cfg_expand_tokens(const char *s, const struct cfg_token *toks, size_t ntoks, char **out,
                              char *bad);
/* "~" or "~/..." with home; other strings are copied. *out malloc'd. */
SLC_WUR int cfg_expand_tilde(const char *s, const char *home, char **out);

/* Replace *err with a malloc'd formatted message; returns SLC_ERR_CONFIG
 * (or SLC_ERR_NOMEM if the message could not be made). */
SLC_WUR int cfg_errf(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resolve an Include argument: relative paths are taken relative to base_dir,
 * then expanded as a glob through io. Appends every resulting path to out. */
SLC_WUR int cfg_include_paths(const struct cfg_io *io, const char *base_dir, const char *arg,
                              struct cfg_strv *out);

/* Call cb for every line of data[0 .. len); lineno counts from 1. Stops at
 * the first negative return and passes it on. */
SLC_WUR int cfg_each_line(const char *data, size_t len,
                          int (*cb)(void *ctx, const char *line, size_t n, int lineno), void *ctx);

#endif
