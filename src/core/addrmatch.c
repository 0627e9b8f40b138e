/* Host and address pattern lists (ssh_config(5) PATTERNS, sshd_config(5)
 * CIDR notation). Written from the man pages. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addrmatch.h"

/* Longest address text we try to parse; anything longer is not one. */
#define ADDR_TEXT_MAX 64

static inline unsigned char lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

bool addrmatch_glob(const char *s, const char *pat, size_t patlen)
{
	/* Greedy match remembering only the last '*': when a later literal
	 * fails, that star absorbs one more character. Earlier stars never
	 * need revisiting, which keeps this quadratic at worst rather than
	 * exponential on inputs like "a*a*a*a*b". */
	size_t si = 0, pi = 0, star = (size_t)-1, mark = 0;
	size_t slen = strlen(s);

	while (si < slen) {
		if (pi < patlen && pat[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < patlen && (pat[pi] == '?' || lc((unsigned char)pat[pi]) ==
		                                                     lc((unsigned char)s[si]))) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < patlen && pat[pi] == '*')
		pi++;
	return pi == patlen;
}

/* Walks a comma-separated list; each call yields one pattern (without its
 * '!') and whether it was negated. */
struct list_iter {
	const char *p;
	bool done;
};

static bool list_next(struct list_iter *it, const char **pat, size_t *len, bool *neg)
{
	const char *start, *comma;

	if (it->done)
		return false;
	start = it->p;
	comma = strchr(start, ',');
	if (comma == NULL) {
		*len = strlen(start);
		it->done = true;
	} else {
		*len = (size_t)(comma - start);
		it->p = comma + 1;
	}
	*neg = *len > 0 && start[0] == '!';
	*pat = start + (*neg ? 1 : 0);
	*len -= *neg ? 1 : 0;
	return true;
}

static enum addrmatch_result fold(enum addrmatch_result acc, bool matched, bool neg)
{
	if (!matched)
		return acc;
	if (neg)
		return ADDRMATCH_NEGATED;
	return acc == ADDRMATCH_NEGATED ? acc : ADDRMATCH_YES;
}

enum addrmatch_result addrmatch_host_list(const char *name, const char *list)
{
	struct list_iter it = {list, false};
	enum addrmatch_result res = ADDRMATCH_NO;
	const char *pat;
	size_t len;
	bool neg;

	if (name == NULL || list == NULL)
		return ADDRMATCH_NO;
	while (list_next(&it, &pat, &len, &neg)) {
		res = fold(res, addrmatch_glob(name, pat, len), neg);
		/* Nothing can undo a negated match; stop early. */
		if (res == ADDRMATCH_NEGATED)
			break;
	}
	return res;
}

/* ---- addresses ---- */

/* An address in both of the forms a pattern might be written in. */
struct addr_forms {
	bool has4, has6;
	uint8_t v4[4];
	uint8_t v6[16];
	char v4text[INET_ADDRSTRLEN]; /* for wildcards, when v6 was mapped */
};

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool parse_addr(const char *s, size_t len, int *af, uint8_t out[16])
{
	char tmp[ADDR_TEXT_MAX];

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* inet_pton stops at nothing but NUL, so an embedded NUL (impossible
	 * from C strings, possible from len-delimited callers) fails here. */
	if (memchr(s, '\0', len) != NULL)
		return false;
	if (inet_pton(AF_INET, tmp, out) == 1) {
		*af = 4;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, out) == 1) {
		*af = 6;
		return true;
	}
	return false;
}

static bool addr_forms_init(const char *addr, struct addr_forms *f)
{
	uint8_t a[16];
	int af;

	memset(f, 0, sizeof(*f));
	if (!parse_addr(addr, strlen(addr), &af, a))
		return false;
	if (af == 4) {
		/* Not the other way round: "::/0" is meant for IPv6 clients. */
		f->has4 = true;
		memcpy(f->v4, a, 4);
	} else {
		f->has6 = true;
		memcpy(f->v6, a, 16);
		if (memcmp(a, mapped_prefix, 12) == 0) {
			f->has4 = true;
			memcpy(f->v4, a + 12, 4);
			if (inet_ntop(AF_INET, f->v4, f->v4text, sizeof(f->v4text)) == NULL)
				f->v4text[0] = '\0';
		}
	}
	return true;
}

int addrmatch_parse_cidr(const char *s, size_t len, struct addrmatch_net *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned mask = 0, maxlen, i;
	uint8_t a[16];
	int af;

	if (!parse_addr(s, alen, &af, a))
		return SLC_ERR_FORMAT;
	maxlen = af == 4 ? 32 : 128;
	if (slash == NULL) {
		mask = maxlen;
	} else {
		const char *m = slash + 1, *end = s + len;
		/* Decimal digits only: no sign, no blanks, at most three. */
		if (m == end || end - m > 3)
			return SLC_ERR_FORMAT;
		for (; m < end; m++) {
			if (*m < '0' || *m > '9')
				return SLC_ERR_FORMAT;
			mask = mask * 10 + (unsigned)(*m - '0');
		}
		if (mask > maxlen)
			return SLC_ERR_FORMAT;
	}
	/* Host bits set means the administrator meant something else. */
	for (i = mask; i < maxlen; i++)
		if (a[i / 8] & (0x80u >> (i % 8)))
			return SLC_ERR_FORMAT;
	memset(out, 0, sizeof(*out));
	out->af = af;
	out->masklen = mask;
	memcpy(out->addr, a, af == 4 ? 4 : 16);
	return 0;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t m = (uint8_t)(0xffu << (8 - rest));
	return (a[whole] & m) == (b[whole] & m);
}

static bool forms_in_net(const struct addr_forms *f, const struct addrmatch_net *net)
{
	if (net->af == 4)
		return f->has4 && prefix_equal(f->v4, net->addr, net->masklen);
	return f->has6 && prefix_equal(f->v6, net->addr, net->masklen);
}

bool addrmatch_net_contains(const struct addrmatch_net *net, const char *addr)
{
	struct addr_forms f;

	if (net == NULL || addr == NULL || !addr_forms_init(addr, &f))
		return false;
	return forms_in_net(&f, net);
}

int addrmatch_addr_list(const char *addr, const char *list, enum addrmatch_result *res)
{
	struct list_iter it = {list, false};
	struct addr_forms f;
	struct addrmatch_net net;
	bool is_addr, matched;
	const char *pat;
	size_t len;
	bool neg;
	int r;

	*res = ADDRMATCH_NO;
	if (addr == NULL || list == NULL)
		return 0;
	is_addr = addr_forms_init(addr, &f);
	/* Check every network pattern even after a verdict: a malformed one
	 * is an error wherever it sits, so the outcome does not depend on
	 * the order of the list. */
	while (list_next(&it, &pat, &len, &neg)) {
		if (memchr(pat, '/', len) != NULL) {
			if ((r = addrmatch_parse_cidr(pat, len, &net)) < 0) {
				*res = ADDRMATCH_NO;
				return r;
			}
			matched = is_addr && forms_in_net(&f, &net);
		} else if (addrmatch_parse_cidr(pat, len, &net) == 0) {
			matched = is_addr && forms_in_net(&f, &net);
		} else {
			matched = addrmatch_glob(addr, pat, len) ||
			          (f.v4text[0] != '\0' && addrmatch_glob(f.v4text, pat, len));
		}
		*res = fold(*res, matched, neg);
	}
	return 0;
}

int addrmatch_host_and_addr(const char *host, const char *addr, const char *list, bool *allowed)
{
	enum addrmatch_result ra, rh = ADDRMATCH_NO;
	int r;

	*allowed = false;
	if ((r = addrmatch_addr_list(addr, list, &ra)) < 0)
		return r;
	if (host != NULL)
		rh = addrmatch_host_list(host, list);
	if (ra == ADDRMATCH_NEGATED || rh == ADDRMATCH_NEGATED)
		return 0;
	*allowed = ra == ADDRMATCH_YES || rh == ADDRMATCH_YES;
	return 0;
}
