/* authorized_keys lookup and key options, from sshd(8) "AUTHORIZED_KEYS
 * FILE FORMAT" and the behaviour of sshd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addrmatch.h"
#include "authorized_keys.h"
#include "base64.h"
#include "buf.h"

/* tun(4) unit numbers sshd accepts: below its "any"/"none" sentinels. */
#define AK_TUN_MAX 0x7ffffffdL

void ak_opts_init(struct ak_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->permit_port_forwarding = true;
	o->permit_agent_forwarding = true;
	o->permit_x11_forwarding = true;
	o->permit_pty = true;
	o->permit_user_rc = true;
	o->tunnel = -1;
}

static void hostports_free(struct ak_hostport *hp, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(hp[i].host);
	free(hp);
}

void ak_opts_free(struct ak_opts *o)
{
	if (o == NULL)
		return;
	free(o->command);
	free(o->from);
	free(o->principals);
	for (size_t i = 0; i < o->nenv; i++)
		free(o->env[i]);
	free(o->env);
	hostports_free(o->permitopen, o->npermitopen);
	hostports_free(o->permitlisten, o->npermitlisten);
	ak_opts_init(o);
}

/* ---- option values ---- */

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the well-known
 * era-based conversion: 400-year eras of 146097 days, March-based years
 * so the leap day falls at the end). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned num(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

/* YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]. */
static int parse_timespec(const char *s, long utc_offset, int64_t *out)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = strlen(s);
	bool utc = false;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;

	if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
		utc = true;
		n--;
	}
	if ((n != 8 && n != 12 && n != 14) || !all_digits(s, n))
		return SLC_ERR_FORMAT;
	y = num(s, 4);
	mo = num(s + 4, 2);
	d = num(s + 6, 2);
	if (n >= 12) {
		h = num(s + 8, 2);
		mi = num(s + 10, 2);
	}
	if (n == 14)
		sec = num(s + 12, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return SLC_ERR_FORMAT;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return SLC_ERR_FORMAT;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (!utc)
		*out -= utc_offset;
	return 0;
}

/* "host:port", "[v6]:port", and for permitlisten also a bare "port". */
static int parse_hostport(const char *v, bool bare_port_ok, struct ak_hostport *hp)
{
	const char *host = v, *port, *hend;
	size_t plen;

	hp->host = NULL;
	if (v[0] == '[') {
		host = v + 1;
		if ((hend = strchr(host, ']')) == NULL || hend[1] != ':')
			return SLC_ERR_FORMAT;
		port = hend + 2;
	} else if ((hend = strchr(v, ':')) == NULL) {
		if (!bare_port_ok)
			return SLC_ERR_FORMAT;
		port = v;
	} else {
		/* An unbracketed IPv6 address would be ambiguous. */
		if (strchr(hend + 1, ':') != NULL)
			return SLC_ERR_FORMAT;
		port = hend + 1;
	}
	plen = strlen(port);
	if (plen == 1 && port[0] == '*') {
		hp->port = -1;
	} else {
		if (!all_digits(port, plen) || plen > 5)
			return SLC_ERR_FORMAT;
		unsigned p = num(port, plen);
		if (p < 1 || p > 65535)
			return SLC_ERR_FORMAT;
		hp->port = (int)p;
	}
	if (hend != NULL) {
		if (hend == host)
			return SLC_ERR_FORMAT;
		if ((hp->host = strndup(host, (size_t)(hend - host))) == NULL)
			return SLC_ERR_NOMEM;
	}
	return 0;
}

static int push_hostport(struct ak_hostport **arr, size_t *n, const struct ak_hostport *hp)
{
	struct ak_hostport *a;

	if (*n >= 1024)
		return SLC_ERR_LIMIT;
	if ((a = realloc(*arr, (*n + 1) * sizeof(**arr))) == NULL)
		return SLC_ERR_NOMEM;
	a[(*n)++] = *hp;
	*arr = a;
	return 0;
}

static bool env_name_ok(const char *v, size_t *namelen)
{
	size_t i;

	for (i = 0; v[i] != '\0' && v[i] != '='; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '_'))
			return false;
	*namelen = i;
	return i > 0 && v[i] == '=';
}

/* Takes ownership of v (freed here unless stored). */
static int add_env(struct ak_opts *o, char *v)
{
	size_t nl, ol;
	char **a;

	if (!env_name_ok(v, &nl)) {
		free(v);
		return SLC_ERR_FORMAT;
	}
	for (size_t i = 0; i < o->nenv; i++) {
		if (env_name_ok(o->env[i], &ol) && ol == nl && memcmp(o->env[i], v, nl) == 0) {
			free(v); /* the first setting of a name wins */
			return 0;
		}
	}
	if (o->nenv >= 1024) {
		free(v);
		return SLC_ERR_LIMIT;
	}
	if ((a = realloc(o->env, (o->nenv + 1) * sizeof(*a))) == NULL) {
		free(v);
		return SLC_ERR_NOMEM;
	}
	a[o->nenv++] = v;
	o->env = a;
	return 0;
}

/* ---- the options field ---- */

enum opt_id {
	OPT_RESTRICT,
	OPT_NO_PORTFWD,
	OPT_PORTFWD,
	OPT_NO_AGENT,
	OPT_AGENT,
	OPT_NO_X11,
	OPT_X11,
	OPT_NO_PTY,
	OPT_PTY,
	OPT_NO_USERRC,
	OPT_USERRC,
	OPT_CERT_AUTHORITY,
	OPT_NO_TOUCH,
	OPT_VERIFY,
	/* with a value from here on */
	OPT_COMMAND,
	OPT_ENVIRONMENT,
	OPT_FROM,
	OPT_PERMITOPEN,
	OPT_PERMITLISTEN,
	OPT_PRINCIPALS,
	OPT_EXPIRY,
	OPT_TUNNEL,
};

static const struct {
	const char *name;
	enum opt_id id;
} opt_names[] = {
        {"restrict", OPT_RESTRICT},
        {"no-port-forwarding", OPT_NO_PORTFWD},
        {"port-forwarding", OPT_PORTFWD},
        {"no-agent-forwarding", OPT_NO_AGENT},
        {"agent-forwarding", OPT_AGENT},
        {"no-x11-forwarding", OPT_NO_X11},
        {"x11-forwarding", OPT_X11},
        {"no-pty", OPT_NO_PTY},
        {"pty", OPT_PTY},
        {"no-user-rc", OPT_NO_USERRC},
        {"user-rc", OPT_USERRC},
        {"cert-authority", OPT_CERT_AUTHORITY},
        {"no-touch-required", OPT_NO_TOUCH},
        {"verify-required", OPT_VERIFY},
        {"command", OPT_COMMAND},
        {"environment", OPT_ENVIRONMENT},
        {"from", OPT_FROM},
        {"permitopen", OPT_PERMITOPEN},
        {"permitlisten", OPT_PERMITLISTEN},
        {"principals", OPT_PRINCIPALS},
        {"expiry-time", OPT_EXPIRY},
        {"tunnel", OPT_TUNNEL},
};

static void apply_flag(struct ak_opts *o, enum opt_id id)
{
	switch (id) {
	case OPT_RESTRICT:
		o->restricted = true;
		o->permit_port_forwarding = o->permit_agent_forwarding = false;
		o->permit_x11_forwarding = o->permit_pty = o->permit_user_rc = false;
		break;
	case OPT_NO_PORTFWD:
	case OPT_PORTFWD:
		o->permit_port_forwarding = id == OPT_PORTFWD;
		break;
	case OPT_NO_AGENT:
	case OPT_AGENT:
		o->permit_agent_forwarding = id == OPT_AGENT;
		break;
	case OPT_NO_X11:
	case OPT_X11:
		o->permit_x11_forwarding = id == OPT_X11;
		break;
	case OPT_NO_PTY:
	case OPT_PTY:
		o->permit_pty = id == OPT_PTY;
		break;
	case OPT_NO_USERRC:
	case OPT_USERRC:
		o->permit_user_rc = id == OPT_USERRC;
		break;
	case OPT_CERT_AUTHORITY:
		o->cert_authority = true;
		break;
	case OPT_NO_TOUCH:
		o->no_touch_required = true;
		break;
	case OPT_VERIFY:
		o->verify_required = true;
		break;
	default:
		break;
	}
}

/* Takes ownership of v. *what gets a static description on failure. */
static int apply_value(struct ak_opts *o, enum opt_id id, char *v, long utc_offset,
                       const char **what)
{
	struct ak_hostport hp = {NULL, 0};
	enum addrmatch_result res;
	int64_t t;
	char *end;
	long n;
	int r;

	switch (id) {
	case OPT_COMMAND:
	case OPT_FROM:
	case OPT_PRINCIPALS: {
		char **slot = id == OPT_COMMAND ? &o->command
		              : id == OPT_FROM  ? &o->from
		                                : &o->principals;
		if (*slot != NULL) {
			*what = "given more than once";
			r = SLC_ERR_FORMAT;
			break;
		}
		/* A from= whose networks are malformed can never be
		 * honoured as written: refuse the line now. */
		if (id == OPT_FROM && addrmatch_addr_list("", v, &res) < 0) {
			*what = "has a malformed address/masklen";
			r = SLC_ERR_FORMAT;
			break;
		}
		*slot = v; /* transferred */
		return 0;
	}
	case OPT_ENVIRONMENT:
		r = add_env(o, v); /* takes v */
		if (r == SLC_ERR_FORMAT)
			*what = "is not NAME=value";
		else if (r == SLC_ERR_LIMIT)
			*what = "given too many times";
		return r == SLC_ERR_LIMIT ? SLC_ERR_FORMAT : r;
	case OPT_PERMITOPEN:
	case OPT_PERMITLISTEN:
		r = parse_hostport(v, id == OPT_PERMITLISTEN, &hp);
		if (r == 0)
			r = id == OPT_PERMITOPEN
			            ? push_hostport(&o->permitopen, &o->npermitopen, &hp)
			            : push_hostport(&o->permitlisten, &o->npermitlisten, &hp);
		if (r < 0) {
			free(hp.host);
			*what = r == SLC_ERR_LIMIT ? "given too many times"
			                           : "is not a valid host and port";
			if (r == SLC_ERR_LIMIT)
				r = SLC_ERR_FORMAT;
		}
		break;
	case OPT_EXPIRY:
		if ((r = parse_timespec(v, utc_offset, &t)) < 0) {
			*what = "is not YYYYMMDD[HHMM[SS]][Z]";
			break;
		}
		/* Several: the earliest one counts. */
		if (!o->has_expiry || t < o->expiry)
			o->expiry = t;
		o->has_expiry = true;
		break;
	case OPT_TUNNEL:
		if (o->tunnel != -1) {
			*what = "given more than once";
			r = SLC_ERR_FORMAT;
			break;
		}
		n = all_digits(v, strlen(v)) && strlen(v) <= 10 ? strtol(v, &end, 10) : -1;
		if (n < 0 || n > AK_TUN_MAX) {
			*what = "is not a tunnel device number";
			r = SLC_ERR_FORMAT;
			break;
		}
		o->tunnel = n;
		r = 0;
		break;
	default:
		r = SLC_ERR_INVALID;
		break;
	}
	free(v);
	return r;
}

/* Copy of an option name safe to print: printable ASCII only, bounded. */
static void printable(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t i;

	if (n > 32)
		n = 32;
	for (i = 0; i < n && i + 1 < dstlen; i++)
		dst[i] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '?';
	dst[i] = '\0';
}

int ak_parse_options(const char *s, size_t len, long utc_offset, struct ak_opts *o, char *err,
                     size_t errlen)
{
	const char *p = s, *end = s + len, *name, *what = NULL;
	char nm[40], *v = NULL;
	size_t nlen, vlen, i;
	int r = SLC_ERR_FORMAT;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (o == NULL || (s == NULL && len > 0))
		return SLC_ERR_INVALID;
	nm[0] = '\0';
	if (memchr(s, '\0', len) != NULL) {
		what = "options contain a NUL byte";
		goto out;
	}
	if (len == 0) {
		what = "empty options";
		goto out;
	}
	for (;;) {
		name = p;
		while (p < end && *p != '=' && *p != ',')
			p++;
		nlen = (size_t)(p - name);
		printable(nm, sizeof(nm), name, nlen);
		if (nlen == 0) {
			what = "empty option";
			goto out;
		}
		for (i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
			if (strlen(opt_names[i].name) == nlen &&
			    strncasecmp(opt_names[i].name, name, nlen) == 0)
				break;
		if (i == sizeof(opt_names) / sizeof(opt_names[0])) {
			what = "unknown option";
			goto out;
		}
		if (opt_names[i].id < OPT_COMMAND) {
			if (p < end && *p == '=') {
				what = "takes no value";
				goto out;
			}
			apply_flag(o, opt_names[i].id);
		} else {
			if (p + 1 >= end || p[0] != '=' || p[1] != '"') {
				what = "needs a \"quoted\" value";
				goto out;
			}
			p += 2;
			r = SLC_ERR_NOMEM;
			/* The value is never longer than what is left. */
			if ((v = malloc((size_t)(end - p) + 1)) == NULL)
				goto out;
			r = SLC_ERR_FORMAT;
			vlen = 0;
			while (p < end && *p != '"') {
				if (p[0] == '\\' && p + 1 < end && p[1] == '"')
					p++;
				v[vlen++] = *p++;
			}
			if (p == end) {
				what = "has no closing quote";
				goto out;
			}
			p++;
			v[vlen] = '\0';
			r = apply_value(o, opt_names[i].id, v, utc_offset, &what);
			v = NULL; /* transferred */
			if (r < 0)
				goto out;
			r = SLC_ERR_FORMAT;
		}
		if (p == end)
			break;
		if (*p != ',') {
			what = "is followed by junk";
			goto out;
		}
		p++;
	}
	r = 0;
out:
	free(v);
	if (r < 0 && err != NULL && errlen > 0) {
		if (r == SLC_ERR_NOMEM)
			snprintf(err, errlen, "out of memory");
		else if (nm[0] != '\0')
			snprintf(err, errlen, "option \"%s\" %s", nm, what ? what : "is invalid");
		else
			snprintf(err, errlen, "%s", what ? what : "invalid options");
	}
	return r;
}

/* ---- lines ---- */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static enum sshkey_type type_of_word(const char *w, size_t n)
{
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return SSHKEY_UNKNOWN;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	return sshkey_type_from_name(tmp);
}

struct line_ctx {
	const struct ak_query *q;
	struct ak_result *res;
	size_t lineno;
	bool refused; /* some line held the key but was refused */
};

static void note(struct line_ctx *c, bool key_matched, const char *fmt, const char *arg)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	if (key_matched) {
		c->refused = true;
		snprintf(c->res->reason, sizeof(c->res->reason), "line %zu: %s", c->lineno, msg);
	}
	if (c->q->note != NULL)
		c->q->note(c->q->note_ctx, c->lineno, key_matched, msg);
}

/* One line [s, end). Returns 1 if accepted (res filled), 0 to go on, or
 * SLC_ERR_NOMEM. want is the client's key blob. */
static int check_line(struct line_ctx *c, const char *s, const char *end, const struct buf *want)
{
	const struct ak_query *q = c->q;
	const char *p = s, *opts = NULL, *w, *typew;
	size_t optslen = 0, n, typen;
	struct ak_opts o;
	struct sshkey *k = NULL;
	struct buf blob;
	char err[160];
	bool allowed, inq;
	int r;

	ak_opts_init(&o);
	buf_init(&blob);
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		note(c, false, "line contains a NUL byte%s", NULL);
		return 0;
	}
	/* A line starts with options unless its first word is a key type. */
	for (w = p; p < end && !is_blank(*p); p++)
		;
	n = (size_t)(p - w);
	if (type_of_word(w, n) == SSHKEY_UNKNOWN && !sshkey_openssh_only_type(w, n)) {
		opts = p = w;
		for (inq = false; p < end && (inq || !is_blank(*p)); p++) {
			if (*p == '\\' && inq && p + 1 < end && p[1] == '"')
				p++;
			else if (*p == '"')
				inq = !inq;
		}
		if (inq) {
			note(c, false, "options have no closing quote%s", NULL);
			return 0;
		}
		optslen = (size_t)(p - opts);
		while (p < end && is_blank(*p))
			p++;
		for (w = p; p < end && !is_blank(*p); p++)
			;
		n = (size_t)(p - w);
	}
	if (type_of_word(w, n) == SSHKEY_UNKNOWN) {
		note(c, false,
		     sshkey_openssh_only_type(w, n) ? "key type not supported by sluice%s"
		                                    : "no key type where expected%s",
		     NULL);
		return 0;
	}
	typew = w;
	typen = n;
	while (p < end && is_blank(*p))
		p++;
	for (w = p; p < end && !is_blank(*p); p++)
		;
	n = (size_t)(p - w);
	/* The rest of the line is a comment. */
	if ((r = b64_decode(w, n, &blob)) < 0) {
		if (r == SLC_ERR_NOMEM)
			goto out;
		note(c, false, "key is not valid base64%s", NULL);
		r = 0;
		goto out;
	}
	/* Blob equality first: cheap, and the client's blob is canonical. */
	r = 0;
	if (buf_len(&blob) != buf_len(want) ||
	    memcmp(buf_ptr(&blob), buf_ptr(want), buf_len(want)) != 0)
		goto out;
	if ((r = sshkey_from_blob(buf_ptr(&blob), buf_len(&blob), &k)) < 0) {
		if (r == SLC_ERR_NOMEM)
			goto out;
		r = 0;
		goto out;
	}
	r = 0;
	if (!sshkey_equal_public(k, q->key))
		goto out;
	/* The type word must name the key, as in any public key line. */
	if (type_of_word(typew, typen) != sshkey_type(k))
		goto out;

	if (opts != NULL) {
		r = ak_parse_options(opts, optslen, q->utc_offset, &o, err, sizeof(err));
		if (r == SLC_ERR_NOMEM)
			goto out;
		if (r < 0) {
			note(c, true, "bad options: %s", err);
			r = 0;
			goto out;
		}
	}
	if (o.cert_authority) {
		note(c, true, "cert-authority key offered as a plain key%s", NULL);
		goto out;
	}
	if (o.has_expiry && q->now > o.expiry) {
		note(c, true, "key has expired (expiry-time)%s", NULL);
		goto out;
	}
	if (o.from != NULL) {
		if (addrmatch_host_and_addr(q->host, q->addr, o.from, &allowed) < 0 || !allowed) {
			char who[160];
			snprintf(who, sizeof(who), "host=%.64s, ip=%.64s",
			         q->host ? q->host : "(unknown)", q->addr ? q->addr : "(unknown)");
			note(c, true, "key not allowed from this host (%s)", who);
			goto out;
		}
	}
	c->res->line = c->lineno;
	c->res->opts = o; /* transferred */
	ak_opts_init(&o);
	r = 1;
out:
	ak_opts_free(&o);
	sshkey_del(k);
	buf_free(&blob);
	return r;
}

int ak_find(const char *text, size_t len, const struct ak_query *q, struct ak_result *res)
{
	const char *p, *end, *eol, *lend;
	struct line_ctx c;
	struct buf want;
	int r;

	if (res == NULL)
		return SLC_ERR_INVALID;
	memset(res, 0, sizeof(*res));
	ak_opts_init(&res->opts);
	if (q == NULL || q->key == NULL || (text == NULL && len > 0))
		return SLC_ERR_INVALID;
	/* NULL + 0 is undefined. */
	p = text != NULL ? text : "";
	end = p + len;
	buf_init(&want);
	if ((r = sshkey_put_public(q->key, &want)) < 0)
		goto out;
	c = (struct line_ctx){.q = q, .res = res};
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		lend = eol ? eol : end;
		if (lend > p && lend[-1] == '\r')
			lend--;
		c.lineno++;
		if ((r = check_line(&c, p, lend, &want)) < 0)
			goto out;
		if (r == 1) {
			res->reason[0] = '\0';
			r = 0;
			goto out;
		}
		p = eol ? eol + 1 : end;
	}
	r = c.refused ? SLC_ERR_DENIED : SLC_ERR_NOT_FOUND;
out:
	buf_free(&want);
	return r;
}
