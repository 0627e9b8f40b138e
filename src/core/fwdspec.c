/* fwdspec: -L/-R/-D and Local/Remote/DynamicForward specifications.
 * The grammar and its quirks are described in fwdspec.h; every rule here
 * was checked against OpenSSH 9.2's ssh -G. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdspec.h"

#define MAX_FIELDS 4

struct field {
	const char *s;
	bool path;
};

/* isspace() in the C locale, without the locale. */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Splits p in place into fields (see fwdspec.h). -1 on a bad bracket or
 * more than MAX_FIELDS fields. */
static int split_fields(char *p, struct field *fv, size_t *nf)
{
	size_t n = 0;
	while (is_space(*p))
		p++;
	/* A field starting at the end of the string ends the list, so a
	 * trailing ':' adds no empty field. */
	while (*p != '\0') {
		if (n == MAX_FIELDS)
			return -1;
		if (*p == '[') {
			char *close = strchr(p + 1, ']');
			if (close == NULL || (close[1] != ':' && close[1] != '\0'))
				return -1;
			fv[n].s = p + 1;
			p = close + 1;
			*close = '\0';
			if (*p == ':')
				p++;
		} else {
			char *colon = strchr(p, ':');
			fv[n].s = p;
			if (colon != NULL) {
				*colon = '\0';
				p = colon + 1;
			} else {
				p += strlen(p);
			}
		}
		fv[n].path = strchr(fv[n].s, '/') != NULL;
		n++;
	}
	*nf = n;
	return 0;
}

/* Decimal 0..65535 as strtonum(3) takes it (leading white space and one
 * sign allowed, nothing after the digits), else -1. */
static int port_number(const char *s)
{
	bool neg = false;
	long v = 0;
	while (is_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 65535)
			v = 65536; /* saturate; out of range either way */
	}
	if (*s != '\0' || v > 65535 || (neg && v != 0))
		return -1;
	return (int)v;
}

static int port_of(const char *s, const struct fwdspec_opts *opts)
{
	int p = port_number(s);
	if (p >= 0 || opts == NULL || opts->service_port == NULL)
		return p;
	p = opts->service_port(s, opts->arg);
	return p >= 0 && p <= 65535 ? p : -1;
}

static int dup_field(char **dst, const char *s)
{
	*dst = strdup(s);
	return *dst != NULL ? 0 : SLC_ERR_NOMEM;
}

/* One attempt in one mode: dynamic (no connect part wanted) or not,
 * remote (listen port 0 allowed) or not. SLC_ERR_CONFIG on a bad spec;
 * on any error *f is freed. */
static int parse_mode(const char *spec, bool dynamic, bool remote, const struct fwdspec_opts *opts,
                      struct fwdspec *f)
{
	struct field fv[MAX_FIELDS];
	size_t n = 0;
	const char *lhost = NULL, *lport = NULL, *lpath = NULL;
	const char *chost = NULL, *cport = NULL, *cpath = NULL;
	int r = SLC_ERR_NOMEM;
	char *w = strdup(spec);

	memset(f, 0, sizeof(*f));
	f->listen_port = -1;
	f->connect_port = -1;
	if (w == NULL)
		goto out;
	r = SLC_ERR_CONFIG;
	if (split_fields(w, fv, &n) < 0)
		goto out;
	switch (n) {
	case 1:
		if (fv[0].path)
			lpath = fv[0].s;
		else
			lport = fv[0].s;
		break;
	case 2:
		if (fv[0].path && fv[1].path) {
			lpath = fv[0].s;
			cpath = fv[1].s;
		} else if (fv[1].path) {
			lport = fv[0].s;
			cpath = fv[1].s;
		} else {
			lhost = fv[0].s;
			lport = fv[1].s;
		}
		break;
	case 3:
		if (fv[0].path) {
			lpath = fv[0].s;
			chost = fv[1].s;
			cport = fv[2].s;
		} else if (fv[2].path) {
			lhost = fv[0].s;
			lport = fv[1].s;
			cpath = fv[2].s;
		} else {
			lport = fv[0].s;
			chost = fv[1].s;
			cport = fv[2].s;
		}
		break;
	case 4:
		lhost = fv[0].s;
		lport = fv[1].s;
		chost = fv[2].s;
		cport = fv[3].s;
		break;
	default: /* no fields at all */
		goto out;
	}

	/* A dynamic forward has one or two fields (OpenSSH counts fields
	 * only, so a socket target slips through: "-D /a:/b"); a plain one
	 * needs a target. */
	if (dynamic ? n > 2 : (chost == NULL && cpath == NULL))
		goto out;
	if (lpath == NULL) {
		f->listen_port = port_of(lport, opts);
		if (f->listen_port < 0 || (f->listen_port == 0 && !remote))
			goto out;
	}
	if (chost != NULL) {
		f->connect_port = port_of(cport, opts);
		if (f->connect_port <= 0)
			goto out;
	}
	if ((lhost && strlen(lhost) > FWDSPEC_HOST_MAX) ||
	    (chost && strlen(chost) > FWDSPEC_HOST_MAX) ||
	    (lpath && strlen(lpath) > FWDSPEC_PATH_MAX) ||
	    (cpath && strlen(cpath) > FWDSPEC_PATH_MAX))
		goto out;

	r = SLC_ERR_NOMEM;
	if ((lhost && dup_field(&f->listen_host, lhost) < 0) ||
	    (lpath && dup_field(&f->listen_path, lpath) < 0) ||
	    (chost && dup_field(&f->connect_host, chost) < 0) ||
	    (cpath && dup_field(&f->connect_path, cpath) < 0))
		goto out;
	f->dynamic = chost == NULL && cpath == NULL;
	if (remote)
		f->kind = FWDSPEC_REMOTE;
	else
		f->kind = f->dynamic ? FWDSPEC_DYNAMIC : FWDSPEC_LOCAL;
	r = 0;
out:
	free(w);
	if (r < 0)
		fwdspec_free(f);
	return r;
}

static int parse_kind(const char *spec, enum fwdspec_kind kind, const struct fwdspec_opts *opts,
                      struct fwdspec *f)
{
	int r;
	switch (kind) {
	case FWDSPEC_LOCAL:
		return parse_mode(spec, false, false, opts, f);
	case FWDSPEC_DYNAMIC:
		return parse_mode(spec, true, false, opts, f);
	case FWDSPEC_REMOTE:
		/* A target given makes it a plain forward; otherwise SOCKS. */
		r = parse_mode(spec, false, true, opts, f);
		if (r == SLC_ERR_CONFIG)
			r = parse_mode(spec, true, true, opts, f);
		return r;
	}
	memset(f, 0, sizeof(*f));
	return SLC_ERR_INVALID;
}

/* *errmsg = msg for a bad spec (the caller may pass NULL). */
static int bad_spec(char **errmsg, const char *msg)
{
	if (errmsg != NULL && (*errmsg = strdup(msg)) == NULL)
		return SLC_ERR_NOMEM;
	return SLC_ERR_CONFIG;
}

int fwdspec_parse(const char *spec, enum fwdspec_kind kind, const struct fwdspec_opts *opts,
                  struct fwdspec *f, char **errmsg)
{
	static const char *const what[] = {"local", "remote", "dynamic"};
	if (errmsg != NULL)
		*errmsg = NULL;
	int r = parse_kind(spec, kind, opts, f);
	if (r == SLC_ERR_CONFIG && errmsg != NULL &&
	    asprintf(errmsg, "Bad %s forwarding specification '%s'", what[kind], spec) < 0) {
		*errmsg = NULL;
		r = SLC_ERR_NOMEM;
	}
	return r;
}

int fwdspec_parse_config(enum fwdspec_kind kind, const char *listen, const char *connect,
                         const struct fwdspec_opts *opts, struct fwdspec *f, char **errmsg)
{
	char *joined = NULL;
	int r;

	memset(f, 0, sizeof(*f));
	if (errmsg != NULL)
		*errmsg = NULL;
	if (connect != NULL && connect[0] == '\0')
		connect = NULL; /* an empty argument counts as none */
	switch (kind) {
	case FWDSPEC_LOCAL:
		if (connect == NULL)
			return bad_spec(errmsg, "Missing target argument.");
		break;
	case FWDSPEC_DYNAMIC:
		if (connect != NULL)
			return bad_spec(errmsg,
			                "keyword dynamicforward extra arguments at end of line");
		break;
	case FWDSPEC_REMOTE:
		break;
	default:
		return SLC_ERR_INVALID;
	}
	if (connect != NULL) {
		if (asprintf(&joined, "%s:%s", listen, connect) < 0)
			return SLC_ERR_NOMEM;
		r = parse_mode(joined, false, kind == FWDSPEC_REMOTE, opts, f);
	} else {
		r = parse_mode(listen, true, kind == FWDSPEC_REMOTE, opts, f);
	}
	free(joined);
	if (r == SLC_ERR_CONFIG)
		r = bad_spec(errmsg, "Bad forwarding specification.");
	return r;
}

void fwdspec_free(struct fwdspec *f)
{
	free(f->listen_host);
	free(f->listen_path);
	free(f->connect_host);
	free(f->connect_path);
	memset(f, 0, sizeof(*f));
	f->listen_port = -1;
	f->connect_port = -1;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	return src == NULL ? 0 : dup_field(dst, src);
}

int fwdspec_copy(struct fwdspec *dst, const struct fwdspec *src)
{
	*dst = *src;
	dst->listen_host = dst->listen_path = dst->connect_host = dst->connect_path = NULL;
	if (dup_opt(&dst->listen_host, src->listen_host) < 0 ||
	    dup_opt(&dst->listen_path, src->listen_path) < 0 ||
	    dup_opt(&dst->connect_host, src->connect_host) < 0 ||
	    dup_opt(&dst->connect_path, src->connect_path) < 0) {
		fwdspec_free(dst);
		memset(dst, 0, sizeof(*dst));
		return SLC_ERR_NOMEM;
	}
	return 0;
}

bool fwdspec_dump_has(const struct fwdspec *f, enum fwdspec_kind keyword)
{
	switch (keyword) {
	case FWDSPEC_REMOTE:
		return f->kind == FWDSPEC_REMOTE;
	case FWDSPEC_LOCAL:
		return f->kind == FWDSPEC_LOCAL;
	case FWDSPEC_DYNAMIC:
		/* OpenSSH keeps -L and -D in one list and prints under
		 * dynamicforward every entry without a target host. */
		return f->kind != FWDSPEC_REMOTE && f->connect_host == NULL;
	}
	return false;
}

int fwdspec_format(const struct fwdspec *f, enum fwdspec_kind keyword, char **line)
{
	static const char *const kw[] = {"localforward", "remoteforward", "dynamicforward"};
	char *out = NULL;
	size_t len = 0;
	int r = SLC_ERR_INVALID;
	FILE *m = NULL;

	*line = NULL;
	if (!fwdspec_dump_has(f, keyword))
		goto out;
	r = SLC_ERR_NOMEM;
	if ((m = open_memstream(&out, &len)) == NULL)
		goto out;
	fputs(kw[keyword], m);
	if (f->listen_path != NULL)
		fprintf(m, " %s", f->listen_path);
	else if (f->listen_host == NULL)
		fprintf(m, " %d", f->listen_port);
	else
		fprintf(m, " [%s]:%d", f->listen_host, f->listen_port);
	if (keyword != FWDSPEC_DYNAMIC) {
		if (f->connect_path != NULL)
			fprintf(m, " %s", f->connect_path);
		else if (f->connect_host != NULL)
			fprintf(m, " [%s]:%d", f->connect_host, f->connect_port);
		else /* remote SOCKS: OpenSSH's placeholder target */
			fputs(" [socks]:0", m);
	}
	if (fclose(m) != 0) {
		m = NULL;
		goto out;
	}
	m = NULL;
	*line = out;
	out = NULL; /* transferred */
	r = 0;
out:
	if (m != NULL)
		fclose(m);
	free(out);
	return r;
}

enum fwdspec_bind fwdspec_local_bind(const struct fwdspec *f, bool gateway_ports, const char **addr)
{
	const char *h = f->listen_host;
	*addr = NULL;
	if (h == NULL)
		return gateway_ports ? FWDSPEC_BIND_ANY : FWDSPEC_BIND_LOOPBACK;
	if (h[0] == '\0' || strcmp(h, "*") == 0)
		return FWDSPEC_BIND_ANY;
	if (strcmp(h, "localhost") == 0)
		return FWDSPEC_BIND_LOOPBACK;
	*addr = h;
	return FWDSPEC_BIND_ADDR;
}

const char *fwdspec_remote_bind_host(const struct fwdspec *f)
{
	const char *h = f->listen_host;
	if (h == NULL)
		return "localhost";
	if (h[0] == '\0' || strcmp(h, "*") == 0)
		return "";
	return h;
}
