/* policy: forwarding decisions. See policy.h; the rules were checked
 * against OpenSSH 9.2's sshd by tests/e2e/test_policy_table.py. */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void policy_settings_init(struct policy_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->disable_forwarding = false;
	s->allow_tcp = POLICY_DIR_ALL;
	s->allow_streamlocal = POLICY_DIR_ALL;
	s->gateway_ports = POLICY_GW_NO;
	s->permit_open.mode = POLICY_LIST_ANY;
	s->permit_listen.mode = POLICY_LIST_ANY;
	s->permit_tunnel = POLICY_TUN_NO;
	s->x11_forwarding = false;
	s->allow_agent = true;
	s->key_used = false;
	s->key_port_forwarding = true;
	s->key_x11_forwarding = true;
	s->key_agent_forwarding = true;
	s->key_permitopen.mode = POLICY_LIST_ANY;
	s->key_permitlisten.mode = POLICY_LIST_ANY;
	s->key_tunnel = -1;
	s->user_is_root = false;
}

/* Wildcard match with '*' and '?' where the subject is compared in lower
 * case and the pattern as written: that is what sshd does with
 * PermitListen (observed: "LOCALHOST" from the client matches a
 * "localhost" entry, while an entry written "LOCALHOST" matches nothing).
 * Greedy with one backtrack point, so O(len(s) * len(p)) at worst: the
 * subject comes from the peer and may be long. */
static bool glob_lower(const char *s, const char *p)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p != '\0' && (*p == '?' || *p == c)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static bool port_matches(int want, uint32_t port)
{
	return want == POLICY_PORT_ANY || (want > 0 && (uint32_t)want == port);
}

/* PermitOpen / permitopen=: host literally (or "*"), port or '*'. */
static bool open_allows(const struct policy_list *l, const char *host, uint32_t port)
{
	if (l->mode == POLICY_LIST_ANY)
		return true;
	if (l->mode == POLICY_LIST_NONE)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct policy_hostport *e = &l->v[i];
		if (e->host == NULL || !port_matches(e->port, port))
			continue;
		if (strcmp(e->host, "*") == 0 || strcmp(e->host, host) == 0)
			return true;
	}
	return false;
}

/* A Unix-socket destination has no port, so a restricted open list only
 * lets it through with an entry for any host and any port (observed:
 * PermitOpen none, "127.0.0.1:*", "*:7000" and permitopen= all refuse
 * direct-streamlocal; "*:*" does not). */
static bool open_allows_path(const struct policy_list *l)
{
	if (l->mode == POLICY_LIST_ANY)
		return true;
	if (l->mode == POLICY_LIST_NONE)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct policy_hostport *e = &l->v[i];
		if (e->host != NULL && strcmp(e->host, "*") == 0 && e->port == POLICY_PORT_ANY)
			return true;
	}
	return false;
}

/* PermitListen / permitlisten=: the bind address as the client sent it
 * against a pattern; no host in the entry means any. Port 0 (let the
 * server pick) is an ordinary number here: only a '*' entry allows it
 * (observed). */
static bool listen_allows(const struct policy_list *l, const char *host, uint32_t port)
{
	if (l->mode == POLICY_LIST_ANY)
		return true;
	if (l->mode == POLICY_LIST_NONE)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct policy_hostport *e = &l->v[i];
		if (e->port != POLICY_PORT_ANY && (uint32_t)e->port != port)
			continue;
		if (e->host == NULL || glob_lower(host, e->host))
			return true;
	}
	return false;
}

static int refuse(struct policy_decision *d, enum policy_rule rule, const char *origin)
{
	d->allow = false;
	d->rule = rule;
	d->origin = origin;
	d->bind = POLICY_BIND_NONE;
	d->bind_addr = NULL;
	return SLC_ERR_DENIED;
}

/* The gates every TCP and StreamLocal forward passes, in the order a
 * reader of the log would want the reason: the switch that turns
 * everything off first, then the key, then the per-kind setting. */
static int check_common(const struct policy_settings *s, struct policy_decision *d)
{
	if (s->disable_forwarding)
		return refuse(d, POLICY_RULE_DISABLE_FORWARDING, s->from.disable_forwarding);
	if (s->key_used && !s->key_port_forwarding)
		return refuse(d, POLICY_RULE_KEY_NO_PORT_FORWARDING, s->from.key);
	return 0;
}

/* AllowTcpForwarding also gates StreamLocal forwarding in that direction
 * (observed: AllowTcpForwarding no refuses both StreamLocal kinds, "local"
 * refuses streamlocal-forward, "remote" refuses direct-streamlocal). */
static int check_dir(const struct policy_settings *s, enum policy_dir dir, bool stream,
                     struct policy_decision *d)
{
	if (!(s->allow_tcp & dir))
		return refuse(d, POLICY_RULE_ALLOW_TCP, s->from.allow_tcp);
	if (stream && !(s->allow_streamlocal & dir))
		return refuse(d, POLICY_RULE_ALLOW_STREAMLOCAL, s->from.allow_streamlocal);
	return 0;
}

/* Where sshd listens for a remote forward (observed, ss -ltn):
 *   no:              "127.0.0.1" and "::1" exactly as sent, anything else
 *                    (localhost, "", 0.0.0.0, another address, a name that
 *                    does not even resolve) on loopback
 *   yes:             always the wildcard address
 *   clientspecified: "" (ssh sends it for "*") and "*" on the wildcard,
 *                    "localhost" (exactly; "LOCALHOST" is a name to
 *                    resolve) on loopback, anything else as given
 *                    ("0.0.0.0" is IPv4 only) */
static void bind_for(const struct policy_settings *s, const char *host, struct policy_decision *d)
{
	switch (s->gateway_ports) {
	case POLICY_GW_YES:
		d->bind = POLICY_BIND_WILDCARD;
		return;
	case POLICY_GW_CLIENTSPECIFIED:
		if (host[0] == '\0' || strcmp(host, "*") == 0) {
			d->bind = POLICY_BIND_WILDCARD;
		} else if (strcmp(host, "localhost") == 0) {
			d->bind = POLICY_BIND_LOOPBACK;
		} else {
			d->bind = POLICY_BIND_ADDRESS;
			d->bind_addr = host;
		}
		return;
	case POLICY_GW_NO:
	default:
		if (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0) {
			d->bind = POLICY_BIND_ADDRESS;
			d->bind_addr = host;
		} else {
			d->bind = POLICY_BIND_LOOPBACK;
		}
		return;
	}
}

static int check_local_tcp(const struct policy_settings *s, const struct policy_request *r,
                           struct policy_decision *d)
{
	int rc;

	if (r->host == NULL || r->port > 65535)
		return refuse(d, POLICY_RULE_BAD_REQUEST, NULL);
	if ((rc = check_common(s, d)) < 0 || (rc = check_dir(s, POLICY_DIR_LOCAL, false, d)) < 0)
		return rc;
	/* Both lists apply (observed): a permitopen= in the key narrows
	 * PermitOpen, it does not replace it. */
	if (!open_allows(&s->permit_open, r->host, r->port))
		return refuse(d, POLICY_RULE_PERMIT_OPEN, s->from.permit_open);
	if (s->key_used && !open_allows(&s->key_permitopen, r->host, r->port))
		return refuse(d, POLICY_RULE_KEY_PERMITOPEN, s->from.key);
	return 0;
}

static int check_remote_tcp(const struct policy_settings *s, const struct policy_request *r,
                            struct policy_decision *d)
{
	int rc;

	if (r->host == NULL || r->port > 65535)
		return refuse(d, POLICY_RULE_BAD_REQUEST, NULL);
	if ((rc = check_common(s, d)) < 0 || (rc = check_dir(s, POLICY_DIR_REMOTE, false, d)) < 0)
		return rc;
	if (!listen_allows(&s->permit_listen, r->host, r->port))
		return refuse(d, POLICY_RULE_PERMIT_LISTEN, s->from.permit_listen);
	if (s->key_used && !listen_allows(&s->key_permitlisten, r->host, r->port))
		return refuse(d, POLICY_RULE_KEY_PERMITLISTEN, s->from.key);
	/* sshd 9.2 leaves this to the kernel (the bind runs as the user and
	 * fails with EACCES); refusing here gives the log a reason and does
	 * not depend on where the bind happens. It differs from sshd only on
	 * hosts that lowered net.ipv4.ip_unprivileged_port_start. */
	if (r->port != 0 && r->port < 1024 && !s->user_is_root)
		return refuse(d, POLICY_RULE_PRIVILEGED_PORT, NULL);
	bind_for(s, r->host, d);
	return 0;
}

static int check_stream(const struct policy_settings *s, const struct policy_request *r,
                        enum policy_dir dir, struct policy_decision *d)
{
	int rc;

	if (r->path == NULL)
		return refuse(d, POLICY_RULE_BAD_REQUEST, NULL);
	if ((rc = check_common(s, d)) < 0 || (rc = check_dir(s, dir, true, d)) < 0)
		return rc;
	/* PermitListen and permitlisten= do not apply to streamlocal-forward
	 * (observed: "PermitListen none" lets it through). */
	if (dir == POLICY_DIR_LOCAL) {
		if (!open_allows_path(&s->permit_open))
			return refuse(d, POLICY_RULE_PERMIT_OPEN, s->from.permit_open);
		if (s->key_used && !open_allows_path(&s->key_permitopen))
			return refuse(d, POLICY_RULE_KEY_PERMITOPEN, s->from.key);
	}
	return 0;
}

/* Tunnels are outside DisableForwarding, restrict and no-port-forwarding
 * (observed, all three let a tunnel through); only PermitTunnel and the
 * key's tunnel= apply. */
static int check_tun(const struct policy_settings *s, const struct policy_request *r,
                     struct policy_decision *d)
{
	if (r->tun_mode != POLICY_TUN_POINTOPOINT && r->tun_mode != POLICY_TUN_ETHERNET)
		return refuse(d, POLICY_RULE_BAD_REQUEST, NULL);
	if (!((unsigned)s->permit_tunnel & r->tun_mode))
		return refuse(d, POLICY_RULE_PERMIT_TUNNEL, s->from.permit_tunnel);
	d->tun_unit = r->tun_unit;
	if (s->key_used && s->key_tunnel >= 0) {
		/* A forced unit serves "any" and itself, nothing else. */
		if (r->tun_unit != POLICY_TUN_ANY && (long)r->tun_unit != s->key_tunnel)
			return refuse(d, POLICY_RULE_KEY_TUNNEL, s->from.key);
		d->tun_unit = (uint32_t)s->key_tunnel;
	}
	return 0;
}

int policy_check(const struct policy_settings *s, const struct policy_request *r,
                 struct policy_decision *d)
{
	int rc = SLC_ERR_INVALID;

	if (d != NULL)
		*d = (struct policy_decision){.allow = false, .tun_unit = POLICY_TUN_ANY};
	if (s == NULL || r == NULL || d == NULL)
		return SLC_ERR_INVALID;

	switch (r->kind) {
	case POLICY_LOCAL_TCP:
		rc = check_local_tcp(s, r, d);
		break;
	case POLICY_REMOTE_TCP:
		rc = check_remote_tcp(s, r, d);
		break;
	case POLICY_LOCAL_STREAM:
		rc = check_stream(s, r, POLICY_DIR_LOCAL, d);
		break;
	case POLICY_REMOTE_STREAM:
		rc = check_stream(s, r, POLICY_DIR_REMOTE, d);
		break;
	case POLICY_TUN:
		rc = check_tun(s, r, d);
		break;
	case POLICY_X11:
		if (s->disable_forwarding)
			rc = refuse(d, POLICY_RULE_DISABLE_FORWARDING, s->from.disable_forwarding);
		else if (!s->x11_forwarding)
			rc = refuse(d, POLICY_RULE_X11_FORWARDING, s->from.x11_forwarding);
		else if (s->key_used && !s->key_x11_forwarding)
			rc = refuse(d, POLICY_RULE_KEY_NO_X11, s->from.key);
		else
			rc = 0;
		break;
	case POLICY_AGENT:
		if (s->disable_forwarding)
			rc = refuse(d, POLICY_RULE_DISABLE_FORWARDING, s->from.disable_forwarding);
		else if (!s->allow_agent)
			rc = refuse(d, POLICY_RULE_ALLOW_AGENT, s->from.allow_agent);
		else if (s->key_used && !s->key_agent_forwarding)
			rc = refuse(d, POLICY_RULE_KEY_NO_AGENT, s->from.key);
		else
			rc = 0;
		break;
	default:
		return SLC_ERR_INVALID;
	}
	if (rc == 0)
		d->allow = true;
	return rc;
}

const char *policy_rule_name(enum policy_rule rule)
{
	switch (rule) {
	case POLICY_RULE_NONE:
		return "none";
	case POLICY_RULE_BAD_REQUEST:
		return "malformed request";
	case POLICY_RULE_DISABLE_FORWARDING:
		return "DisableForwarding";
	case POLICY_RULE_KEY_NO_PORT_FORWARDING:
		return "no-port-forwarding";
	case POLICY_RULE_ALLOW_TCP:
		return "AllowTcpForwarding";
	case POLICY_RULE_ALLOW_STREAMLOCAL:
		return "AllowStreamLocalForwarding";
	case POLICY_RULE_PERMIT_OPEN:
		return "PermitOpen";
	case POLICY_RULE_KEY_PERMITOPEN:
		return "permitopen";
	case POLICY_RULE_PERMIT_LISTEN:
		return "PermitListen";
	case POLICY_RULE_KEY_PERMITLISTEN:
		return "permitlisten";
	case POLICY_RULE_PRIVILEGED_PORT:
		return "privileged port";
	case POLICY_RULE_PERMIT_TUNNEL:
		return "PermitTunnel";
	case POLICY_RULE_KEY_TUNNEL:
		return "tunnel";
	case POLICY_RULE_X11_FORWARDING:
		return "X11Forwarding";
	case POLICY_RULE_KEY_NO_X11:
		return "no-X11-forwarding";
	case POLICY_RULE_ALLOW_AGENT:
		return "AllowAgentForwarding";
	case POLICY_RULE_KEY_NO_AGENT:
		return "no-agent-forwarding";
	}
	return "unknown rule";
}

/* ---- describe ---- */

struct out {
	char *buf;
	size_t len; /* capacity */
	size_t need; /* bytes the whole text takes */
};

static void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->need < o->len) {
		size_t room = o->len - 1 - o->need;
		memcpy(o->buf + o->need, s, n < room ? n : room);
	}
	o->need += n;
}

static void put(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Peer-supplied text: anything that is not printable ASCII becomes \xNN,
 * and so does the backslash itself, so log lines cannot be forged or
 * broken and the escaping is unambiguous. */
static void put_untrusted(struct out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '\\')
			put_mem(o, (const char *)&c, 1);
		else
			putf(o, "\\x%02x", c);
	}
}

static void put_hostport(struct out *o, const char *host, uint32_t port)
{
	bool v6 = strchr(host, ':') != NULL;
	if (v6)
		put(o, "[");
	put_untrusted(o, host);
	if (v6)
		put(o, "]");
	putf(o, ":%u", (unsigned)port);
}

static const char *tun_mode_name(uint32_t mode)
{
	return mode == POLICY_TUN_POINTOPOINT ? "point-to-point"
	       : mode == POLICY_TUN_ETHERNET  ? "ethernet"
	                                      : "unknown-mode";
}

static void put_request(struct out *o, const struct policy_request *r)
{
	switch (r->kind) {
	case POLICY_LOCAL_TCP:
		put(o, "local port forwarding to ");
		if (r->host != NULL)
			put_hostport(o, r->host, r->port);
		break;
	case POLICY_REMOTE_TCP:
		put(o, "remote port forwarding on ");
		if (r->host == NULL)
			break;
		/* "" is the client asking for every address */
		if (r->host[0] == '\0')
			putf(o, "port %u", (unsigned)r->port);
		else
			put_hostport(o, r->host, r->port);
		break;
	case POLICY_LOCAL_STREAM:
		put(o, "local forwarding to Unix socket ");
		if (r->path != NULL)
			put_untrusted(o, r->path);
		break;
	case POLICY_REMOTE_STREAM:
		put(o, "remote forwarding on Unix socket ");
		if (r->path != NULL)
			put_untrusted(o, r->path);
		break;
	case POLICY_TUN:
		putf(o, "tunnel forwarding (%s, ", tun_mode_name(r->tun_mode));
		if (r->tun_unit == POLICY_TUN_ANY)
			put(o, "any unit)");
		else
			putf(o, "unit %u)", (unsigned)r->tun_unit);
		break;
	case POLICY_X11:
		put(o, "X11 forwarding");
		break;
	case POLICY_AGENT:
		put(o, "agent forwarding");
		break;
	default:
		put(o, "unknown request");
		break;
	}
}

static const char *dir_name(enum policy_kind kind)
{
	return kind == POLICY_LOCAL_TCP || kind == POLICY_LOCAL_STREAM ? "local" : "remote";
}

static void put_reason(struct out *o, const struct policy_request *r,
                       const struct policy_decision *d)
{
	bool key = false;

	switch (d->rule) {
	case POLICY_RULE_BAD_REQUEST:
		if (r->kind == POLICY_TUN)
			putf(o, "unknown tunnel mode %u", (unsigned)r->tun_mode);
		else if ((r->kind == POLICY_LOCAL_TCP || r->kind == POLICY_REMOTE_TCP) &&
		         r->host != NULL)
			putf(o, "port %u is out of range", (unsigned)r->port);
		else
			put(o, "the request is incomplete");
		return;
	case POLICY_RULE_DISABLE_FORWARDING:
		put(o, "DisableForwarding is set");
		break;
	case POLICY_RULE_KEY_NO_PORT_FORWARDING:
		put(o, "the key's options forbid port forwarding");
		key = true;
		break;
	case POLICY_RULE_ALLOW_TCP:
		putf(o, "AllowTcpForwarding does not allow %s forwarding", dir_name(r->kind));
		break;
	case POLICY_RULE_ALLOW_STREAMLOCAL:
		putf(o, "AllowStreamLocalForwarding does not allow %s forwarding",
		     dir_name(r->kind));
		break;
	case POLICY_RULE_PERMIT_OPEN:
		put(o, "PermitOpen does not allow it");
		break;
	case POLICY_RULE_KEY_PERMITOPEN:
		put(o, "the key's permitopen does not allow it");
		key = true;
		break;
	case POLICY_RULE_PERMIT_LISTEN:
		put(o, "PermitListen does not allow it");
		break;
	case POLICY_RULE_KEY_PERMITLISTEN:
		put(o, "the key's permitlisten does not allow it");
		key = true;
		break;
	case POLICY_RULE_PRIVILEGED_PORT:
		put(o, "only root may listen on ports below 1024");
		return;
	case POLICY_RULE_PERMIT_TUNNEL:
		putf(o, "PermitTunnel does not allow %s tunnels", tun_mode_name(r->tun_mode));
		break;
	case POLICY_RULE_KEY_TUNNEL:
		put(o, "the key's tunnel option names another unit");
		key = true;
		break;
	case POLICY_RULE_X11_FORWARDING:
		put(o, "X11Forwarding is no");
		break;
	case POLICY_RULE_KEY_NO_X11:
		put(o, "the key's options forbid X11 forwarding");
		key = true;
		break;
	case POLICY_RULE_ALLOW_AGENT:
		put(o, "AllowAgentForwarding is no");
		break;
	case POLICY_RULE_KEY_NO_AGENT:
		put(o, "the key's options forbid agent forwarding");
		key = true;
		break;
	case POLICY_RULE_NONE:
	default:
		put(o, "no reason recorded");
		return;
	}
	/* A refusing sshd_config value with no origin is a built-in default
	 * (PermitTunnel no, X11Forwarding no); say so, as the administrator
	 * will look for a line that is not there. */
	if (d->origin != NULL) {
		put(o, " (");
		put(o, d->origin);
		put(o, ")");
	} else if (!key) {
		put(o, " (default)");
	}
}

size_t policy_describe(const struct policy_request *r, const struct policy_decision *d, char *buf,
                       size_t len)
{
	struct out o = {.buf = buf, .len = len, .need = 0};

	if (r == NULL || d == NULL) {
		put(&o, "no decision");
		goto out;
	}
	put(&o, d->allow ? "allowed " : "refused ");
	put_request(&o, r);
	if (!d->allow) {
		put(&o, ": ");
		put_reason(&o, r, d);
	} else if (r->kind == POLICY_REMOTE_TCP) {
		switch (d->bind) {
		case POLICY_BIND_LOOPBACK:
			put(&o, ": listening on loopback");
			break;
		case POLICY_BIND_WILDCARD:
			put(&o, ": listening on all addresses");
			break;
		case POLICY_BIND_ADDRESS:
			put(&o, ": listening on ");
			put_untrusted(&o, d->bind_addr != NULL ? d->bind_addr : "");
			break;
		case POLICY_BIND_NONE:
		default:
			break;
		}
	} else if (r->kind == POLICY_TUN && d->tun_unit != POLICY_TUN_ANY) {
		putf(&o, ": unit %u", (unsigned)d->tun_unit);
	}
out:
	if (len > 0)
		buf[o.need < len ? o.need : len - 1] = '\0';
	return o.need;
}

/* ---- parsing sshd_config words ---- */

static void set_err(char *err, size_t errlen, const char *fmt, const char *word)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, word);
}

/* "*", 1..65535, or a service name through lookup. */
static int parse_port(const char *s, size_t n, policy_port_lookup_fn lookup, int *port)
{
	char name[64];

	if (n == 1 && s[0] == '*') {
		*port = POLICY_PORT_ANY;
		return 0;
	}
	if (n == 0)
		return SLC_ERR_CONFIG;
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = false;
	if (digits) {
		long v = 0;
		for (size_t i = 0; i < n && v <= 65535; i++)
			v = v * 10 + (s[i] - '0');
		if (v < 1 || v > 65535)
			return SLC_ERR_CONFIG;
		*port = (int)v;
		return 0;
	}
	if (lookup == NULL || n >= sizeof(name))
		return SLC_ERR_CONFIG;
	memcpy(name, s, n);
	name[n] = '\0';
	int v = lookup(name);
	if (v < 1 || v > 65535)
		return SLC_ERR_CONFIG;
	*port = v;
	return 0;
}

/* One word into e, host copied to *strs (advanced). The host ends at the
 * first ':' unless bracketed, as in sshd: "::1:22" is an error there
 * ("bad port number"), "[::1]:22" is the way to write it. */
static int parse_word(const char *w, bool listen, policy_port_lookup_fn lookup,
                      struct policy_hostport *e, char **strs)
{
	const char *host = NULL, *port;
	size_t hostlen = 0;

	if (w[0] == '[') {
		const char *close = strchr(w, ']');
		if (close == NULL || close[1] != ':')
			return SLC_ERR_CONFIG;
		host = w + 1;
		hostlen = (size_t)(close - host);
		port = close + 2;
	} else {
		const char *colon = strchr(w, ':');
		if (colon == NULL) {
			/* PermitListen "port" (or "*"): any host */
			if (!listen)
				return SLC_ERR_CONFIG;
			port = w;
		} else {
			host = w;
			hostlen = (size_t)(colon - w);
			port = colon + 1;
		}
	}
	if (parse_port(port, strlen(port), lookup, &e->port) < 0)
		return SLC_ERR_CONFIG;
	if (host == NULL) {
		e->host = NULL;
		return 0;
	}
	memcpy(*strs, host, hostlen);
	(*strs)[hostlen] = '\0';
	e->host = *strs;
	*strs += hostlen + 1;
	return 0;
}

int policy_list_parse(const char *const *words, size_t n, bool listen, policy_port_lookup_fn lookup,
                      struct policy_list *out, char *err, size_t errlen)
{
	int rc = SLC_ERR_INVALID;
	void *block = NULL;
	const char *kw = listen ? "PermitListen" : "PermitOpen";
	char fmt[64];

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = (struct policy_list){.mode = POLICY_LIST_ANY};
	if (n > 0 && words == NULL)
		return SLC_ERR_INVALID;
	if (n == 0)
		return 0;

	size_t strbytes = 0;
	for (size_t i = 0; i < n; i++) {
		if (words[i] == NULL)
			return SLC_ERR_INVALID;
		bool special = strcmp(words[i], "any") == 0 || strcmp(words[i], "none") == 0;
		if (special && n > 1) {
			snprintf(fmt, sizeof(fmt), "%s: '%%s' must be the only argument", kw);
			set_err(err, errlen, fmt, words[i]);
			return SLC_ERR_CONFIG;
		}
		if (special) {
			out->mode =
			        strcmp(words[0], "any") == 0 ? POLICY_LIST_ANY : POLICY_LIST_NONE;
			return 0;
		}
		size_t l = strlen(words[i]);
		if (l > SIZE_MAX / 2 - strbytes)
			return SLC_ERR_NOMEM;
		strbytes += l + 1;
	}
	if (n > (SIZE_MAX / 2) / sizeof(struct policy_hostport))
		return SLC_ERR_NOMEM;
	block = malloc(n * sizeof(struct policy_hostport) + strbytes);
	if (block == NULL)
		return SLC_ERR_NOMEM;
	struct policy_hostport *v = block;
	char *strs = (char *)(v + n);
	for (size_t i = 0; i < n; i++) {
		rc = parse_word(words[i], listen, lookup, &v[i], &strs);
		if (rc < 0) {
			snprintf(fmt, sizeof(fmt), "%s: bad specification '%%s'", kw);
			set_err(err, errlen, fmt, words[i]);
			goto out;
		}
	}
	out->mode = POLICY_LIST_SOME;
	out->v = v;
	out->n = n;
	out->owned = block;
	block = NULL; /* transferred */
	rc = 0;
out:
	free(block);
	return rc;
}

void policy_list_free(struct policy_list *l)
{
	if (l == NULL)
		return;
	free(l->owned);
	*l = (struct policy_list){.mode = POLICY_LIST_ANY};
}
