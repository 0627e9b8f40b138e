#include "alglist.h"

#include <stdlib.h>
#include <string.h>

bool alglist_match_pattern(const char *s, const char *p)
{
	for (;;) {
		if (*p == '\0')
			return *s == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;
			for (; *s; s++)
				if (alglist_match_pattern(s, p))
					return true;
			return false;
		}
		if (*s == '\0' || (*p != '?' && *p != *s))
			return false;
		s++;
		p++;
	}
}

/* Iterate comma-separated elements: returns length of the element at *pos
 * and advances *pos past it and its comma; -1 at the end. */
static long next_elem(const char *list, size_t *pos, const char **start)
{
	if (!list || list[*pos] == '\0')
		return -1;
	const char *s = list + *pos;
	const char *c = strchr(s, ',');
	size_t n = c ? (size_t)(c - s) : strlen(s);
	*start = s;
	*pos += n + (c ? 1 : 0);
	return (long)n;
}

static bool contains_n(const char *list, const char *name, size_t len)
{
	size_t pos = 0;
	const char *e;
	long n;
	while ((n = next_elem(list, &pos, &e)) >= 0)
		if ((size_t)n == len && !memcmp(e, name, len))
			return true;
	return false;
}

bool alglist_contains(const char *list, const char *name)
{
	return contains_n(list, name, strlen(name));
}

/* A string builder just for lists: appends "name" with a comma. */
struct lb {
	char *s;
	size_t len, cap;
};

static int lb_add(struct lb *b, const char *name, size_t n)
{
	if (b->s && contains_n(b->s, name, n))
		return 0;
	size_t need = b->len + n + 2;
	if (need > b->cap) {
		size_t cap = need * 2;
		char *s = realloc(b->s, cap);
		if (!s)
			return SLC_ERR_NOMEM;
		b->s = s;
		b->cap = cap;
	}
	if (b->len)
		b->s[b->len++] = ',';
	memcpy(b->s + b->len, name, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int set_bad(char **bad, const char *e, size_t n)
{
	if (bad) {
		*bad = strndup(e, n);
		if (!*bad)
			return SLC_ERR_NOMEM;
	}
	return SLC_ERR_CONFIG;
}

/* Every element of spec (wildcards allowed) must match something supported. */
static int check_supported(const char *spec, const char *supported, bool allow_unmatched,
                           char **bad)
{
	size_t pos = 0;
	const char *e;
	long n;
	char tmp[256];
	while ((n = next_elem(spec, &pos, &e)) >= 0) {
		if (n == 0 || (size_t)n >= sizeof(tmp))
			return set_bad(bad, e, (size_t)n);
		memcpy(tmp, e, (size_t)n);
		tmp[n] = '\0';
		bool found = false;
		size_t spos = 0;
		const char *se;
		long sn;
		char name[256];
		while (!found && (sn = next_elem(supported, &spos, &se)) >= 0) {
			if ((size_t)sn >= sizeof(name))
				continue;
			memcpy(name, se, (size_t)sn);
			name[sn] = '\0';
			found = alglist_match_pattern(name, tmp);
		}
		if (!found && !allow_unmatched)
			return set_bad(bad, e, (size_t)n);
	}
	return 0;
}

/* Append to b the elements of from that match (or do not match, when
 * keep_matching is false) any pattern of pats. */
static int filter(struct lb *b, const char *from, const char *pats, bool keep_matching)
{
	size_t pos = 0;
	const char *e;
	long n;
	char name[256];
	while ((n = next_elem(from, &pos, &e)) >= 0) {
		if ((size_t)n >= sizeof(name))
			continue;
		memcpy(name, e, (size_t)n);
		name[n] = '\0';
		bool m = false;
		size_t ppos = 0;
		const char *pe;
		long pn;
		char pat[256];
		while (!m && (pn = next_elem(pats, &ppos, &pe)) >= 0) {
			if ((size_t)pn >= sizeof(pat))
				continue;
			memcpy(pat, pe, (size_t)pn);
			pat[pn] = '\0';
			m = alglist_match_pattern(name, pat);
		}
		if (m == keep_matching) {
			int r = lb_add(b, e, (size_t)n);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int alglist_apply(const char *spec, const char *defaults, const char *supported, char **out,
                  char **bad)
{
	struct lb b = {0};
	int r = 0;
	char op = spec[0];
	const char *list = (op == '+' || op == '-' || op == '^') ? spec + 1 : spec;

	if (bad)
		*bad = NULL;
	r = check_supported(list, supported, op == '-', bad);
	if (r < 0)
		goto out;
	switch (op) {
	case '+':
		if ((r = filter(&b, defaults, "*", true)) < 0 ||
		    (r = filter(&b, supported, list, true)) < 0)
			goto out;
		break;
	case '-':
		r = filter(&b, defaults, list, false);
		break;
	case '^':
		if ((r = filter(&b, supported, list, true)) < 0 ||
		    (r = filter(&b, defaults, "*", true)) < 0)
			goto out;
		break;
	default:
		r = filter(&b, supported, list, true);
		if (r < 0)
			goto out;
		/* Keep the user's order, not the supported list's. */
		free(b.s);
		b = (struct lb){0};
		{
			size_t pos = 0;
			const char *e;
			long n;
			while ((n = next_elem(list, &pos, &e)) >= 0) {
				char pat[256];
				memcpy(pat, e, (size_t)n);
				pat[n] = '\0';
				if ((r = filter(&b, supported, pat, true)) < 0)
					goto out;
			}
		}
		break;
	}
	if (r < 0)
		goto out;
	if (!b.s || b.len == 0) {
		r = set_bad(bad, spec, strlen(spec));
		goto out;
	}
	*out = b.s;
	b.s = NULL;
out:
	free(b.s);
	return r;
}

int alglist_negotiate(const char *client, const char *server, char **out)
{
	size_t pos = 0;
	const char *e;
	long n;
	while ((n = next_elem(client, &pos, &e)) >= 0) {
		if (n > 0 && contains_n(server, e, (size_t)n)) {
			*out = strndup(e, (size_t)n);
			return *out ? 0 : SLC_ERR_NOMEM;
		}
	}
	return SLC_ERR_NOT_FOUND;
}

int alglist_final(char **out, const char *spec, const char *defaults, const char *supported)
{
	char *bad = NULL;
	free(*out);
	*out = NULL;
	int r = alglist_apply(spec ? spec : defaults, defaults, supported, out, &bad);
	free(bad);
	return r;
}
