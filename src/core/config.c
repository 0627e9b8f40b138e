/* config: lexer and value parsers shared by ssh_config and sshd_config. */
#include "config.h"

#include "addrmatch.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alglist.h"

int cfg_strv_push_owned(struct cfg_strv *sv, char *s)
{
	if (s == NULL)
		return SLC_ERR_NOMEM;
	char **nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(s);
		return SLC_ERR_NOMEM;
	}
	sv->v = nv;
	sv->v[sv->n++] = s;
	return 0;
}

int cfg_strv_push(struct cfg_strv *sv, const char *s)
{
	return cfg_strv_push_owned(sv, strdup(s));
}

int cfg_strv_copy(struct cfg_strv *dst, const struct cfg_strv *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = cfg_strv_push(dst, src->v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

bool cfg_strv_contains(const struct cfg_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void cfg_strv_free(struct cfg_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void cfg_line_free(struct cfg_line *l)
{
	for (size_t i = 0; i < l->argc; i++)
		free(l->argv[i]);
	free(l->argv);
	free(l->rest);
	free(l->raw);
	memset(l, 0, sizeof(*l));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Scan one argument starting at *pp into a malloc'd string. The keyword
 * (first word) also ends at an unquoted '='. */
static int scan_word(const char **pp, const char *end, bool keyword, char **out)
{
	const char *p = *pp;
	char *w = malloc((size_t)(end - p) + 1);
	size_t n = 0;
	char quote = 0;
	if (w == NULL)
		return SLC_ERR_NOMEM;
	while (p < end) {
		char c = *p;
		if (quote) {
			if (c == quote) {
				quote = 0;
				p++;
				continue;
			}
			if (c == '\\' && p + 1 < end && (p[1] == quote || p[1] == '\\')) {
				w[n++] = p[1];
				p += 2;
				continue;
			}
			w[n++] = c;
			p++;
			continue;
		}
		if (is_blank(c) || (keyword && c == '='))
			break;
		if (c == '"' || c == '\'') {
			quote = c;
			p++;
			continue;
		}
		if (c == '\\' && p + 1 < end &&
		    (p[1] == '"' || p[1] == '\'' || p[1] == '\\' || p[1] == ' ' || p[1] == '\t')) {
			w[n++] = p[1];
			p += 2;
			continue;
		}
		w[n++] = c;
		p++;
	}
	if (quote) {
		free(w);
		return SLC_ERR_FORMAT;
	}
	w[n] = '\0';
	*pp = p;
	*out = w;
	return 0;
}

int cfg_line_split(const char *line, size_t len, struct cfg_line *out)
{
	int r = SLC_ERR_NOMEM;
	const char *nul = memchr(line, '\0', len);
	if (nul != NULL)
		len = (size_t)(nul - line);
	memset(out, 0, sizeof(*out));
	out->raw = malloc(len + 1);
	if (out->raw == NULL)
		goto out;
	memcpy(out->raw, line, len);
	out->raw[len] = '\0';
	const char *p = out->raw, *end = out->raw + len;
	/* Trailing blanks are never part of the last argument or a command. */
	while (end > p && is_blank(end[-1]))
		end--;
	out->raw[end - out->raw] = '\0';
	while (p < end && is_blank(*p))
		p++;
	if (p < end && *p == '=')
		p++;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	/* At most one argument per two bytes, plus the keyword. */
	size_t cap = (size_t)(end - p) / 2 + 2;
	out->argv = calloc(cap, sizeof(*out->argv));
	out->rest = calloc(cap, sizeof(*out->rest));
	if (out->argv == NULL || out->rest == NULL)
		goto out;
	bool first = true;
	while (p < end) {
		if (!first && *p == '#')
			break;
		out->rest[out->argc] = p;
		r = scan_word(&p, end, first, &out->argv[out->argc]);
		if (r < 0)
			goto out;
		out->argc++;
		while (p < end && is_blank(*p))
			p++;
		if (first && p < end && *p == '=') {
			p++;
			while (p < end && is_blank(*p))
				p++;
		}
		first = false;
	}
	r = 0;
out:
	return r;
}

int cfg_each_line(const char *data, size_t len,
                  int (*cb)(void *ctx, const char *line, size_t n, int lineno), void *ctx)
{
	size_t pos = 0;
	int lineno = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		if (lineno < INT_MAX)
			lineno++;
		int r = cb(ctx, data + pos, n, lineno);
		if (r < 0)
			return r;
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

int cfg_parse_yesno(const char *s, bool *out)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0) {
		*out = false;
		return 0;
	}
	return SLC_ERR_CONFIG;
}

int cfg_parse_int(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	if (*s == '\0' || isspace((unsigned char)*s))
		return SLC_ERR_CONFIG;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return SLC_ERR_CONFIG;
	*out = v;
	return 0;
}

int cfg_parse_time(const char *s, long *seconds)
{
	long total = 0;
	const char *p = s;
	if (*p == '\0')
		return SLC_ERR_CONFIG;
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return SLC_ERR_CONFIG;
		long v = 0;
		while (isdigit((unsigned char)*p)) {
			if (v > INT32_MAX / 10)
				return SLC_ERR_CONFIG;
			v = v * 10 + (*p++ - '0');
		}
		long mult = 1;
		switch (*p) {
		case '\0':
			break;
		case 's':
		case 'S':
			p++;
			break;
		case 'm':
		case 'M':
			mult = 60;
			p++;
			break;
		case 'h':
		case 'H':
			mult = 3600;
			p++;
			break;
		case 'd':
		case 'D':
			mult = 86400;
			p++;
			break;
		case 'w':
		case 'W':
			mult = 604800;
			p++;
			break;
		default:
			return SLC_ERR_CONFIG;
		}
		if (v > (INT32_MAX - total) / mult)
			return SLC_ERR_CONFIG;
		total += v * mult;
	}
	*seconds = total;
	return 0;
}

int cfg_parse_size(const char *s, uint64_t *out)
{
	char *end = NULL;
	if (!isdigit((unsigned char)*s))
		return SLC_ERR_CONFIG;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0)
		return SLC_ERR_CONFIG;
	unsigned shift = 0;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		return SLC_ERR_CONFIG;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift))
		return SLC_ERR_CONFIG;
	*out = (uint64_t)v << shift;
	return 0;
}

int cfg_parse_port(const char *s, bool allow_zero, int *out)
{
	long v;
	if (cfg_parse_int(s, allow_zero ? 0 : 1, 65535, &v) < 0)
		return SLC_ERR_CONFIG;
	*out = (int)v;
	return 0;
}

int cfg_match_list(const char *s, const char *list, bool lower)
{
	int result = 0;
	char *ls = NULL, *pat = NULL;
	if (lower) {
		ls = strdup(s);
		if (ls == NULL)
			return 0;
		for (char *c = ls; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		s = ls;
	}
	pat = malloc(strlen(list) + 1);
	if (pat == NULL)
		goto out;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		bool neg = false;
		const char *q = p;
		if (*q == '!') {
			neg = true;
			q++;
		}
		size_t m = n - (size_t)(q - p);
		memcpy(pat, q, m);
		pat[m] = '\0';
		if (lower)
			for (char *c = pat; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		if (alglist_match_pattern(s, pat)) {
			if (neg) {
				result = -1;
				goto out;
			}
			result = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
out:
	free(pat);
	free(ls);
	return result;
}

int cfg_match_addr_list(const char *addr, const char *list)
{
	enum addrmatch_result res;
	/* addrmatch checks every network pattern, so "" validates a list. */
	if (addrmatch_addr_list(addr ? addr : "", list, &res) < 0)
		return CFG_MATCH_BAD;
	return res == ADDRMATCH_YES ? 1 : res == ADDRMATCH_NEGATED ? -1 : 0;
}

bool cfg_addr_list_valid(const char *list)
{
	return cfg_match_addr_list(NULL, list) != CFG_MATCH_BAD;
}

int cfg_expand_tokens(const char *s, const struct cfg_token *toks, size_t ntoks, char **out,
                      char *bad)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *o = malloc(cap);
	if (o == NULL)
		return SLC_ERR_NOMEM;
	for (const char *p = s; *p; p++) {
		const char *add = p;
		size_t addlen = 1;
		if (*p == '%') {
			p++;
			if (*p == '%') {
				add = "%";
			} else {
				size_t i;
				for (i = 0; i < ntoks && *p != '\0'; i++)
					if (toks[i].key == *p)
						break;
				if (*p == '\0' || i == ntoks || toks[i].value == NULL) {
					if (bad)
						*bad = *p;
					free(o);
					return SLC_ERR_CONFIG;
				}
				add = toks[i].value;
				addlen = strlen(add);
			}
		}
		if (n + addlen + 1 > cap) {
			cap = (n + addlen + 1) * 2;
			char *no = realloc(o, cap);
			if (no == NULL) {
				free(o);
				return SLC_ERR_NOMEM;
			}
			o = no;
		}
		memcpy(o + n, add, addlen);
		n += addlen;
	}
	o[n] = '\0';
	*out = o;
	return 0;
}

int cfg_expand_tilde(const char *s, const char *home, char **out)
{
	if (home != NULL && s[0] == '~' && (s[1] == '\0' || s[1] == '/')) {
		size_t hl = strlen(home);
		/* "/" as home must not give "//x" */
		if (hl > 0 && home[hl - 1] == '/' && s[1] == '/')
			hl--;
		size_t n = hl + strlen(s + 1) + 1;
		char *o = malloc(n);
		if (o == NULL)
			return SLC_ERR_NOMEM;
		memcpy(o, home, hl);
		strcpy(o + hl, s + 1);
		*out = o;
		return 0;
	}
	*out = strdup(s);
	return *out ? 0 : SLC_ERR_NOMEM;
}

int cfg_errf(char **err, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (err == NULL) {
		if (n >= 0)
			free(m);
		return SLC_ERR_CONFIG;
	}
	free(*err);
	*err = NULL;
	if (n < 0)
		return SLC_ERR_NOMEM;
	*err = m;
	return SLC_ERR_CONFIG;
}

int cfg_include_paths(const struct cfg_io *io, const char *base_dir, const char *arg,
                      struct cfg_strv *out)
{
	char *pattern = NULL, **paths = NULL;
	size_t n = 0;
	int r;
	if (arg[0] == '/' || base_dir == NULL) {
		pattern = strdup(arg);
	} else if (asprintf(&pattern, "%s/%s", base_dir, arg) < 0) {
		pattern = NULL;
	}
	if (pattern == NULL)
		return SLC_ERR_NOMEM;
	if (io == NULL || io->glob == NULL || strpbrk(pattern, "*?[") == NULL) {
		r = cfg_strv_push_owned(out, pattern);
		pattern = NULL; /* transferred */
		goto out;
	}
	r = io->glob(io->ctx, pattern, &paths, &n);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n && r == 0; i++)
		r = cfg_strv_push(out, paths[i]);
out:
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(pattern);
	return r;
}
