/* sshd_config: server configuration grammar (sshd_config(5)). */
#include "sshd_config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alglist.h"
#include "kex.h"
#include "cipher.h"
#include "ssh_config.h"

/* A line kept for Match evaluation. Include boundaries are kept as
 * markers so a Match inside an included file ends with that file. */
enum saved_kind { SAVED_LINE, SAVED_PUSH, SAVED_POP };
struct sshd_saved_line {
	enum saved_kind kind;
	char *file;
	int lineno;
	char *text;
};

enum ktype {
	K_BAD,
	K_FLAG, /* yes/no into int */
	K_MS, /* multistate table into int */
	K_INT, /* non-negative int */
	K_TIME, /* seconds */
	K_STR, /* one argument */
	K_REST, /* the rest of the line */
	K_ACC, /* accumulate every argument of every line */
	K_FIRST, /* every argument of the first line */
	K_ALG, /* algorithm list spec */
	K_SPECIAL,
	K_UNSUPPORTED
};

struct ms {
	const char *name;
	int value;
};

static const struct ms ms_yesno[] = {{"yes", 1}, {"no", 0}, {NULL, 0}};
static const struct ms ms_af[] = {
        {"any", SSHD_AF_ANY}, {"inet", SSHD_AF_INET}, {"inet6", SSHD_AF_INET6}, {NULL, 0}};
static const struct ms ms_root[] = {{"yes", SSHD_ROOT_YES},
                                    {"no", SSHD_ROOT_NO},
                                    {"prohibit-password", SSHD_ROOT_PROHIBIT_PASSWORD},
                                    {"without-password", SSHD_ROOT_PROHIBIT_PASSWORD},
                                    {"forced-commands-only", SSHD_ROOT_FORCED_COMMANDS},
                                    {NULL, 0}};
static const struct ms ms_fwd[] = {{"yes", SSHD_FWD_YES},       {"all", SSHD_FWD_YES},
                                   {"no", SSHD_FWD_NO},         {"local", SSHD_FWD_LOCAL},
                                   {"remote", SSHD_FWD_REMOTE}, {NULL, 0}};
static const struct ms ms_gw[] = {{"yes", SSHD_GW_YES},
                                  {"no", SSHD_GW_NO},
                                  {"clientspecified", SSHD_GW_CLIENTSPECIFIED},
                                  {NULL, 0}};
static const struct ms ms_tun[] = {{"yes", SSHD_TUN_YES},
                                   {"no", SSHD_TUN_NO},
                                   {"point-to-point", SSHD_TUN_POINTOPOINT},
                                   {"ethernet", SSHD_TUN_ETHERNET},
                                   {NULL, 0}};
static const struct ms ms_loglevel[] = {{"QUIET", SSH_LOG_QUIET},     {"FATAL", SSH_LOG_FATAL},
                                        {"ERROR", SSH_LOG_ERROR},     {"INFO", SSH_LOG_INFO},
                                        {"VERBOSE", SSH_LOG_VERBOSE}, {"DEBUG", SSH_LOG_DEBUG1},
                                        {"DEBUG1", SSH_LOG_DEBUG1},   {"DEBUG2", SSH_LOG_DEBUG2},
                                        {"DEBUG3", SSH_LOG_DEBUG3},   {NULL, 0}};

#define OFF(f) offsetof(struct sshd_config, f)
#define NOFF ((size_t)-1)

enum special {
	S_NONE,
	S_PORT,
	S_LISTEN,
	S_MAXSTARTUPS,
	S_REKEY,
	S_SUBSYSTEM,
	S_PERMITOPEN,
	S_PERMITLISTEN,
	S_MASK,
	S_PUE,
	S_SYSLOG,
	S_INCLUDE,
	S_MATCH,
	S_AKF
};

static const struct kw {
	const char *name;
	enum ktype type;
	size_t off;
	const struct ms *ms;
	bool in_match;
	enum special sp;
} keywords[] = {
        {"port", K_SPECIAL, NOFF, NULL, false, S_PORT},
        {"listenaddress", K_SPECIAL, NOFF, NULL, false, S_LISTEN},
        {"addressfamily", K_MS, OFF(address_family), ms_af, false, S_NONE},
        {"hostkey", K_ACC, OFF(host_keys), NULL, false, S_NONE},
        {"pidfile", K_STR, OFF(pid_file), NULL, false, S_NONE},
        {"loglevel", K_MS, OFF(log_level), ms_loglevel, true, S_NONE},
        {"syslogfacility", K_SPECIAL, OFF(syslog_facility), NULL, false, S_SYSLOG},
        {"permitrootlogin", K_MS, OFF(permit_root_login), ms_root, true, S_NONE},
        {"pubkeyauthentication", K_FLAG, OFF(pubkey_authentication), NULL, true, S_NONE},
        {"passwordauthentication", K_FLAG, OFF(password_authentication), NULL, true, S_NONE},
        {"kbdinteractiveauthentication", K_FLAG, OFF(kbd_interactive_authentication), NULL, true,
         S_NONE},
        {"challengeresponseauthentication", K_FLAG, OFF(kbd_interactive_authentication), NULL, true,
         S_NONE},
        {"usepam", K_FLAG, OFF(use_pam), NULL, false, S_NONE},
        {"authorizedkeysfile", K_SPECIAL, OFF(authorized_keys_files), NULL, true, S_AKF},
        {"strictmodes", K_FLAG, OFF(strict_modes), NULL, false, S_NONE},
        {"maxauthtries", K_INT, OFF(max_auth_tries), NULL, true, S_NONE},
        {"maxsessions", K_INT, OFF(max_sessions), NULL, true, S_NONE},
        {"maxstartups", K_SPECIAL, NOFF, NULL, false, S_MAXSTARTUPS},
        {"logingracetime", K_TIME, OFF(login_grace_time), NULL, false, S_NONE},
        {"clientaliveinterval", K_TIME, OFF(client_alive_interval), NULL, true, S_NONE},
        {"clientalivecountmax", K_INT, OFF(client_alive_count_max), NULL, true, S_NONE},
        {"tcpkeepalive", K_FLAG, OFF(tcp_keep_alive), NULL, false, S_NONE},
        {"ciphers", K_ALG, OFF(ciphers_spec), NULL, false, S_NONE},
        {"macs", K_ALG, OFF(macs_spec), NULL, false, S_NONE},
        {"kexalgorithms", K_ALG, OFF(kex_spec), NULL, false, S_NONE},
        {"hostkeyalgorithms", K_ALG, OFF(hostkey_spec), NULL, false, S_NONE},
        {"pubkeyacceptedalgorithms", K_ALG, OFF(pubkey_spec), NULL, true, S_NONE},
        {"pubkeyacceptedkeytypes", K_ALG, OFF(pubkey_spec), NULL, true, S_NONE},
        {"rekeylimit", K_SPECIAL, NOFF, NULL, true, S_REKEY},
        {"acceptenv", K_ACC, OFF(accept_env), NULL, true, S_NONE},
        {"setenv", K_ACC, OFF(set_env), NULL, true, S_NONE},
        {"subsystem", K_SPECIAL, OFF(subsystems), NULL, false, S_SUBSYSTEM},
        {"allowtcpforwarding", K_MS, OFF(allow_tcp_forwarding), ms_fwd, true, S_NONE},
        {"allowstreamlocalforwarding", K_MS, OFF(allow_stream_local_forwarding), ms_fwd, true,
         S_NONE},
        {"disableforwarding", K_FLAG, OFF(disable_forwarding), NULL, true, S_NONE},
        {"gatewayports", K_MS, OFF(gateway_ports), ms_gw, true, S_NONE},
        {"permitopen", K_SPECIAL, OFF(permit_open), NULL, true, S_PERMITOPEN},
        {"permitlisten", K_SPECIAL, OFF(permit_listen), NULL, true, S_PERMITLISTEN},
        {"permittunnel", K_MS, OFF(permit_tunnel), ms_tun, true, S_NONE},
        {"streamlocalbindmask", K_SPECIAL, OFF(stream_local_bind_mask), NULL, true, S_MASK},
        {"streamlocalbindunlink", K_FLAG, OFF(stream_local_bind_unlink), NULL, true, S_NONE},
        {"permittty", K_FLAG, OFF(permit_tty), NULL, true, S_NONE},
        {"forcecommand", K_REST, OFF(force_command), NULL, true, S_NONE},
        {"allowusers", K_ACC, OFF(allow_users), NULL, true, S_NONE},
        {"denyusers", K_ACC, OFF(deny_users), NULL, true, S_NONE},
        {"allowgroups", K_ACC, OFF(allow_groups), NULL, true, S_NONE},
        {"denygroups", K_ACC, OFF(deny_groups), NULL, true, S_NONE},
        {"banner", K_STR, OFF(banner), NULL, true, S_NONE},
        {"printmotd", K_FLAG, OFF(print_motd), NULL, false, S_NONE},
        {"x11forwarding", K_FLAG, OFF(x11_forwarding), NULL, true, S_NONE},
        {"permituserenvironment", K_SPECIAL, OFF(permit_user_environment), NULL, false, S_PUE},
        {"include", K_SPECIAL, NOFF, NULL, true, S_INCLUDE},
        {"match", K_SPECIAL, NOFF, NULL, true, S_MATCH},
        /* Known to OpenSSH 9.2 (Debian), not implemented by sluiced. */
        {"allowagentforwarding", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authenticationmethods", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authorizedkeyscommand", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authorizedkeyscommanduser", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authorizedprincipalscommand", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authorizedprincipalscommanduser", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"authorizedprincipalsfile", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"casignaturealgorithms", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"channeltimeout", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"chrootdirectory", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"compression", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"debianbanner", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"exposeauthinfo", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"fingerprinthash", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"gssapiauthentication", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"gssapicleanupcredentials", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"gssapikeyexchange", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"gssapistrictacceptorcheck", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"gssapistorecredentialsonrekey", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"gssapikexalgorithms", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"hostbasedacceptedalgorithms", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"hostbasedacceptedkeytypes", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"hostbasedauthentication", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"hostbasedusesnamefrompacketonly", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"hostcertificate", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"hostkeyagent", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"ignorerhosts", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"ignoreuserknownhosts", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"ipqos", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"kerberosauthentication", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"kerberosgetafstoken", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"kerberosorlocalpasswd", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"kerberosticketcleanup", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"logverbose", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"modulifile", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"permitemptypasswords", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"permituserrc", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"persourcemaxstartups", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"persourcenetblocksize", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"printlastlog", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"pubkeyauthoptions", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"requiredrsasize", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"revokedkeys", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"securitykeyprovider", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"trustedusercakeys", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"unusedconnectiontimeout", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"usedns", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"versionaddendum", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"x11displayoffset", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"x11uselocalhost", K_UNSUPPORTED, NOFF, NULL, true, S_NONE},
        {"xauthlocation", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        /* deprecated names OpenSSH still accepts */
        {"protocol", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"rsaauthentication", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"rhostsrsaauthentication", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"useprivilegeseparation", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"uselogin", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"serverkeybits", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"keyregenerationinterval", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"dsaauthentication", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
        {"skeyauthentication", K_UNSUPPORTED, NOFF, NULL, false, S_NONE},
};

static const struct kw *lookup(const char *word)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(word, keywords[i].name) == 0)
			return &keywords[i];
	return NULL;
}

#define INT_AT(c, off) ((int *)((char *)(c) + (off)))
#define STR_AT(c, off) ((char **)((char *)(c) + (off)))
#define STRV_AT(c, off) ((struct cfg_strv *)((char *)(c) + (off)))

struct pctx {
	struct sshd_config *c; /* where values go */
	struct sshd_config *keep; /* where lines are saved (NULL: not saved) */
	const struct cfg_io *io;
	const char *file;
	int depth;
	bool in_match; /* inside a Match block */
	bool active; /* values apply */
	const struct sshd_conn_info *ci; /* NULL while reading: Match never applies */
};

static int perr(struct pctx *p, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int perr(struct pctx *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SLC_ERR_NOMEM;
	int r = cfg_errf(&p->c->error, "%s line %d: %s", p->file, line, m);
	free(m);
	return r;
}

void sshd_config_init(struct sshd_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct kw *k = &keywords[i];
		if (k->type == K_FLAG || k->type == K_MS || k->type == K_INT || k->type == K_TIME ||
		    k->sp == S_MASK)
			*INT_AT(c, k->off) = SSHD_CFG_UNSET;
	}
	c->max_startups_begin = c->max_startups_rate = c->max_startups_full = SSHD_CFG_UNSET;
	c->rekey_limit_bytes = SSHD_CFG_UNSET;
	c->rekey_limit_seconds = SSHD_CFG_UNSET;
}

static void free_lines(struct sshd_config *c)
{
	for (size_t i = 0; i < c->nlines; i++) {
		free(c->lines[i].file);
		free(c->lines[i].text);
	}
	free(c->lines);
	c->lines = NULL;
	c->nlines = 0;
}

/* Every owned pointer, for free and deep copy. */
static const size_t str_fields[] = {OFF(pid_file),
                                    OFF(syslog_facility),
                                    OFF(ciphers),
                                    OFF(macs),
                                    OFF(kex_algorithms),
                                    OFF(hostkey_algorithms),
                                    OFF(pubkey_accepted_algorithms),
                                    OFF(force_command),
                                    OFF(banner),
                                    OFF(permit_user_environment),
                                    OFF(error),
                                    OFF(ciphers_spec),
                                    OFF(macs_spec),
                                    OFF(kex_spec),
                                    OFF(hostkey_spec),
                                    OFF(pubkey_spec)};
static const size_t strv_fields[] = {
        OFF(listen_addrs), OFF(host_keys),  OFF(authorized_keys_files), OFF(accept_env),
        OFF(set_env),      OFF(subsystems), OFF(permit_open),           OFF(permit_listen),
        OFF(allow_users),  OFF(deny_users), OFF(allow_groups),          OFF(deny_groups),
        OFF(unsupported)};

void sshd_config_free(struct sshd_config *c)
{
	for (size_t i = 0; i < sizeof(str_fields) / sizeof(str_fields[0]); i++) {
		free(*STR_AT(c, str_fields[i]));
		*STR_AT(c, str_fields[i]) = NULL;
	}
	for (size_t i = 0; i < sizeof(strv_fields) / sizeof(strv_fields[0]); i++)
		cfg_strv_free(STRV_AT(c, strv_fields[i]));
	free_lines(c);
}

static int save_line(struct pctx *p, enum saved_kind kind, int lineno, const char *text, size_t n)
{
	if (p->keep == NULL)
		return 0;
	struct sshd_config *k = p->keep;
	struct sshd_saved_line *nl = realloc(k->lines, (k->nlines + 1) * sizeof(*nl));
	if (nl == NULL)
		return SLC_ERR_NOMEM;
	k->lines = nl;
	struct sshd_saved_line *s = &k->lines[k->nlines];
	s->kind = kind;
	s->lineno = lineno;
	s->file = strdup(p->file);
	s->text = text ? strndup(text, n) : NULL;
	if (s->file == NULL || (text && s->text == NULL)) {
		free(s->file);
		free(s->text);
		return SLC_ERR_NOMEM;
	}
	k->nlines++;
	return 0;
}

static int parse_ms(struct pctx *p, int lineno, const char *kw, const char *arg, const struct ms *t,
                    int *out)
{
	for (; t->name; t++)
		if (strcasecmp(arg, t->name) == 0) {
			*out = t->value;
			return 0;
		}
	return perr(p, lineno, "unsupported option \"%s\".", arg);
}

/* Match criteria, as sshd evaluates them. Without connection info (while
 * reading the file) nothing matches. */
static int match_line(struct pctx *p, const struct cfg_line *l, int lineno, bool *result)
{
	const struct sshd_conn_info *ci = p->ci;
	bool ok = true;
	size_t i = 1;
	if (l->argc < 2)
		return perr(p, lineno, "no argument after keyword \"match\"");
	while (i < l->argc) {
		const char *attr = l->argv[i++];
		if (strcasecmp(attr, "all") == 0) {
			if (l->argc != 2)
				return perr(p, lineno,
				            "'all' cannot be combined with other Match attributes");
			continue;
		}
		if (i >= l->argc || l->argv[i][0] == '\0')
			return perr(p, lineno, "Missing Match criteria for %s", attr);
		const char *arg = l->argv[i++];
		if (strcasecmp(attr, "user") == 0) {
			if (!ci || !ci->user || cfg_match_list(ci->user, arg, false) != 1)
				ok = false;
		} else if (strcasecmp(attr, "group") == 0) {
			/* A negated group excludes; any positive member includes. */
			int m = 0;
			for (size_t g = 0; ci && g < ci->ngroups; g++) {
				int gm = cfg_match_list(ci->groups[g], arg, false);
				if (gm == -1) {
					m = -1;
					break;
				}
				if (gm == 1)
					m = 1;
			}
			if (m != 1)
				ok = false;
		} else if (strcasecmp(attr, "host") == 0) {
			if (!ci || !ci->host || cfg_match_list(ci->host, arg, true) != 1)
				ok = false;
		} else if (strcasecmp(attr, "address") == 0 ||
		           strcasecmp(attr, "localaddress") == 0) {
			if (!cfg_addr_list_valid(arg))
				return perr(p, lineno, "Invalid Match address argument '%s'", arg);
			const char *a =
			        ci ? (tolower((unsigned char)attr[0]) == 'a' ? ci->addr : ci->laddr)
			           : NULL;
			if (!a || cfg_match_addr_list(a, arg) != 1)
				ok = false;
		} else if (strcasecmp(attr, "localport") == 0) {
			int port;
			if (cfg_parse_port(arg, false, &port) < 0)
				return perr(p, lineno, "Invalid LocalPort '%s' on Match line", arg);
			if (!ci || ci->lport != port)
				ok = false;
		} else if (strcasecmp(attr, "rdomain") == 0) {
			ok = false; /* no routing domains on Linux */
		} else {
			return perr(p, lineno, "Unsupported Match attribute %s", attr);
		}
	}
	*result = ok && ci != NULL;
	return 0;
}

static int parse_lines(struct pctx *p, const char *data, size_t len);

static int do_include(struct pctx *p, const struct cfg_line *l, int lineno)
{
	struct cfg_strv paths = {0};
	int r = 0;
	if (l->argc < 2)
		return perr(p, lineno, "Include missing filename argument");
	if (p->depth >= CFG_MAX_INCLUDE_DEPTH)
		return perr(p, lineno, "Too many recursive configuration includes");
	for (size_t i = 1; i < l->argc && r == 0; i++) {
		if (l->argv[i][0] == '~') {
			r = perr(p, lineno, "Include paths may not use ~");
			break;
		}
		r = cfg_include_paths(p->io, "/etc/ssh", l->argv[i], &paths);
	}
	for (size_t i = 0; i < paths.n && r == 0; i++) {
		char *data = NULL;
		size_t dlen = 0;
		if (p->io == NULL || p->io->read_file == NULL)
			continue;
		if (p->io->read_file(p->io->ctx, paths.v[i], &data, &dlen) < 0)
			continue; /* a glob that names nothing is no error */
		struct pctx sub = *p;
		sub.file = paths.v[i];
		sub.depth = p->depth + 1;
		if ((r = save_line(&sub, SAVED_PUSH, 0, NULL, 0)) == 0)
			r = parse_lines(&sub, data, dlen);
		if (r == 0)
			r = save_line(&sub, SAVED_POP, 0, NULL, 0);
		free(data);
	}
	cfg_strv_free(&paths);
	return r;
}

static bool permit_open_ok(const char *s, bool listen)
{
	int port;
	if (strcmp(s, "any") == 0 || strcmp(s, "none") == 0)
		return true;
	const char *colon = strrchr(s, ':');
	const char *ps = colon ? colon + 1 : s;
	if (!listen && (colon == NULL || colon == s))
		return false;
	return strcmp(ps, "*") == 0 || cfg_parse_port(ps, listen, &port) == 0;
}

static int parse_special(struct pctx *p, const struct kw *k, const struct cfg_line *l, int lineno)
{
	struct sshd_config *c = p->c;
	const char *arg = l->argv[1];
	int r = 0;
	switch (k->sp) {
	case S_PORT: {
		int port;
		if (cfg_parse_port(arg, false, &port) < 0)
			return perr(p, lineno, "Badly formatted port number.");
		if (c->nports >= SSHD_MAX_PORTS)
			return perr(p, lineno, "too many ports.");
		if (p->active)
			c->ports[c->nports++] = port;
		return 0;
	}
	case S_LISTEN: {
		/* addr, addr:port, [addr]:port, with an optional rdomain */
		char *tmp = strdup(arg);
		int port = 0;
		if (tmp == NULL)
			return SLC_ERR_NOMEM;
		char *host = tmp, *ps = NULL;
		if (tmp[0] == '[') {
			char *close = strchr(tmp, ']');
			if (close == NULL || (close[1] != '\0' && close[1] != ':'))
				r = -1;
			else if (close[1] == ':')
				ps = close + 2;
			host = tmp + 1;
			if (close)
				*close = '\0';
		} else {
			char *colon = strchr(tmp, ':');
			if (colon && strchr(colon + 1, ':') == NULL) {
				*colon = '\0';
				ps = colon + 1;
			}
		}
		if (r == 0 && (host[0] == '\0' || (ps && cfg_parse_port(ps, false, &port) < 0)))
			r = -1;
		free(tmp);
		if (r < 0)
			return perr(p, lineno, "bad address:port usage");
		if (l->argc > 2 && !(l->argc == 4 && strcasecmp(l->argv[2], "rdomain") == 0))
			return perr(p, lineno, "bad ListenAddress usage");
		return p->active ? cfg_strv_push(&c->listen_addrs, arg) : 0;
	}
	case S_MAXSTARTUPS: {
		int v[3] = {0, 0, 0}, n = 0;
		const char *s = arg;
		while (n < 3) {
			long x;
			char buf[16];
			size_t len = strcspn(s, ":");
			if (len == 0 || len >= sizeof(buf))
				break;
			memcpy(buf, s, len);
			buf[len] = '\0';
			if (cfg_parse_int(buf, 0, INT32_MAX, &x) < 0)
				break;
			v[n++] = (int)x;
			s += len;
			if (*s != ':')
				break;
			s++;
		}
		if (*s != '\0' || (n != 1 && n != 3) ||
		    (n == 3 && (v[0] > v[2] || v[1] > 100 || v[1] < 1)))
			return perr(p, lineno, "Illegal MaxStartups spec.");
		if (n == 1) {
			v[2] = v[0];
			v[1] = 30;
		}
		if (p->active && c->max_startups_begin == SSHD_CFG_UNSET) {
			c->max_startups_begin = v[0];
			c->max_startups_rate = v[1];
			c->max_startups_full = v[2];
		}
		return 0;
	}
	case S_REKEY: {
		uint64_t bytes = 0;
		long secs = 0;
		if (l->argc > 3)
			return perr(p, lineno, "keyword rekeylimit extra arguments at end of line");
		if (strcmp(arg, "default") != 0 &&
		    (cfg_parse_size(arg, &bytes) < 0 || bytes > INT64_MAX || (bytes && bytes < 16)))
			return perr(p, lineno, "Bad RekeyLimit size '%s'.", arg);
		if (l->argc == 3 && strcmp(l->argv[2], "default") && strcmp(l->argv[2], "none") &&
		    cfg_parse_time(l->argv[2], &secs) < 0)
			return perr(p, lineno, "Bad RekeyLimit time value '%s'.", l->argv[2]);
		if (p->active && c->rekey_limit_bytes == SSHD_CFG_UNSET) {
			c->rekey_limit_bytes = (int64_t)bytes;
			if (l->argc == 3)
				c->rekey_limit_seconds = (int)secs;
		}
		return 0;
	}
	case S_SUBSYSTEM: {
		if (l->argc < 3)
			return perr(p, lineno, "Missing subsystem command.");
		size_t nl = strlen(arg);
		for (size_t i = 0; i < c->subsystems.n; i++)
			if (strncmp(c->subsystems.v[i], arg, nl) == 0 &&
			    c->subsystems.v[i][nl] == ' ')
				return perr(p, lineno, "Subsystem '%s' already defined.", arg);
		char *s = NULL;
		if (!p->active)
			return 0;
		if (asprintf(&s, "%s %s", arg, l->rest[2]) < 0)
			return SLC_ERR_NOMEM;
		return cfg_strv_push_owned(&c->subsystems, s);
	}
	case S_PERMITOPEN:
	case S_PERMITLISTEN: {
		struct cfg_strv *sv = STRV_AT(c, k->off);
		for (size_t i = 1; i < l->argc; i++) {
			bool special = !strcmp(l->argv[i], "any") || !strcmp(l->argv[i], "none");
			if (!permit_open_ok(l->argv[i], k->sp == S_PERMITLISTEN) ||
			    (special && l->argc > 2))
				return perr(p, lineno, "%s bad specification '%s'.",
				            k->sp == S_PERMITOPEN ? "PermitOpen" : "PermitListen",
				            l->argv[i]);
		}
		if (!p->active || sv->n > 0)
			return 0;
		for (size_t i = 1; i < l->argc; i++) {
			/* A bare port listens on every address, as sshd -T shows. */
			char *s = NULL;
			if (k->sp == S_PERMITLISTEN && strchr(l->argv[i], ':') == NULL &&
			    strcmp(l->argv[i], "any") && strcmp(l->argv[i], "none")) {
				if (asprintf(&s, "*:%s", l->argv[i]) < 0)
					return SLC_ERR_NOMEM;
			} else if ((s = strdup(l->argv[i])) == NULL) {
				return SLC_ERR_NOMEM;
			}
			if ((r = cfg_strv_push_owned(sv, s)) < 0)
				return r;
		}
		return 0;
	}
	case S_MASK: {
		char *end = NULL;
		long m = strtol(arg, &end, 8);
		if (*end != '\0' || m < 0 || m > 0777 || !isdigit((unsigned char)arg[0]))
			return perr(p, lineno, "Bad mask '%s'.", arg);
		if (p->active && *INT_AT(c, k->off) == SSHD_CFG_UNSET)
			*INT_AT(c, k->off) = (int)m;
		return 0;
	}
	case S_PUE:
	case S_SYSLOG: {
		static const char *const fac[] = {"DAEMON", "USER",   "AUTH",   "AUTHPRIV",
		                                  "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3",
		                                  "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"};
		char *v = strdup(arg);
		if (v == NULL)
			return SLC_ERR_NOMEM;
		if (k->sp == S_SYSLOG) {
			size_t i;
			for (i = 0; i < sizeof(fac) / sizeof(fac[0]); i++)
				if (strcasecmp(arg, fac[i]) == 0)
					break;
			if (i == sizeof(fac) / sizeof(fac[0])) {
				free(v);
				return perr(p, lineno, "unsupported log facility '%s'", arg);
			}
			strcpy(v, fac[i]);
		} else if (!strcasecmp(arg, "yes") || !strcasecmp(arg, "no")) {
			for (char *q = v; *q; q++)
				*q = (char)tolower((unsigned char)*q);
		}
		char **dst = STR_AT(c, k->off);
		if (p->active && *dst == NULL) {
			*dst = v;
			return 0;
		}
		free(v);
		return 0;
	}
	case S_AKF: {
		struct cfg_strv *sv = STRV_AT(c, k->off);
		for (size_t i = 1; i < l->argc; i++) {
			char *e = NULL;
			int er = sshd_config_expand_keys_file(l->argv[i], "u", "/h", 0, &e);
			free(e);
			if (er == SLC_ERR_CONFIG)
				return perr(p, lineno, "Bad token in AuthorizedKeysFile '%s'.",
				            l->argv[i]);
			if (er < 0)
				return er;
		}
		if (!p->active || sv->n > 0)
			return 0;
		for (size_t i = 1; i < l->argc; i++)
			if ((r = cfg_strv_push(sv, l->argv[i])) < 0)
				return r;
		return 0;
	}
	default:
		return perr(p, lineno, "internal error");
	}
}

static int parse_line(struct pctx *p, const struct cfg_line *l, int lineno)
{
	struct sshd_config *c = p->c;
	const struct kw *k = lookup(l->argv[0]);
	int r = 0, iv = 0;
	long lv;
	if (k == NULL)
		return cfg_errf(&c->error,
		                "%s: line %d: Bad configuration option: %s\n"
		                "%s: terminating, 1 bad configuration options",
		                p->file, lineno, l->argv[0], p->file);
	if (p->in_match && !k->in_match)
		return perr(p, lineno, "Directive '%s' is not allowed within a Match block",
		            l->argv[0]);
	if (k->type == K_UNSUPPORTED) {
		char *s = NULL;
		if (p->ci != NULL)
			return 0; /* noted once, when the file was read */
		if (asprintf(&s, "%s line %d: %s", p->file, lineno, l->argv[0]) < 0)
			return SLC_ERR_NOMEM;
		return cfg_strv_push_owned(&c->unsupported, s);
	}
	if (k->sp == S_MATCH) {
		bool m = false;
		if ((r = match_line(p, l, lineno, &m)) < 0)
			return r;
		p->in_match = true;
		p->active = m;
		return 0;
	}
	if (k->sp == S_INCLUDE)
		return do_include(p, l, lineno);
	if (l->argc < 2 || l->argv[1][0] == '\0')
		return perr(p, lineno, "%s missing argument.", l->argv[0]);
	const char *arg = l->argv[1];
	bool multi = k->type == K_ACC || k->type == K_FIRST || k->type == K_REST ||
	             k->sp == S_LISTEN || k->sp == S_SUBSYSTEM || k->sp == S_PERMITOPEN ||
	             k->sp == S_PERMITLISTEN || k->sp == S_AKF || k->sp == S_REKEY;
	if (!multi && l->argc > 2)
		return perr(p, lineno, "%s: garbage at end of line", l->argv[0]);
	switch (k->type) {
	case K_FLAG:
	case K_MS:
		if ((r = parse_ms(p, lineno, l->argv[0], arg, k->type == K_FLAG ? ms_yesno : k->ms,
		                  &iv)) < 0)
			return r;
		if (p->active && *INT_AT(c, k->off) == SSHD_CFG_UNSET)
			*INT_AT(c, k->off) = iv;
		return 0;
	case K_INT:
		if (cfg_parse_int(arg, 0, INT32_MAX, &lv) < 0)
			return perr(p, lineno, "Bad number '%s'.", arg);
		if (p->active && *INT_AT(c, k->off) == SSHD_CFG_UNSET)
			*INT_AT(c, k->off) = (int)lv;
		return 0;
	case K_TIME:
		if (cfg_parse_time(arg, &lv) < 0)
			return perr(p, lineno, "Invalid time value '%s'.", arg);
		if (p->active && *INT_AT(c, k->off) == SSHD_CFG_UNSET)
			*INT_AT(c, k->off) = (int)lv;
		return 0;
	case K_STR:
	case K_REST: {
		char **dst = STR_AT(c, k->off);
		if (!p->active || *dst != NULL)
			return 0;
		*dst = strdup(k->type == K_REST ? l->rest[1] : arg);
		return *dst ? 0 : SLC_ERR_NOMEM;
	}
	case K_ACC:
	case K_FIRST: {
		struct cfg_strv *sv = STRV_AT(c, k->off);
		if (k->off == OFF(set_env))
			for (size_t i = 1; i < l->argc; i++)
				if (strchr(l->argv[i], '=') == NULL)
					return perr(p, lineno, "Invalid environment '%s'.",
					            l->argv[i]);
		if (!p->active || (k->type == K_FIRST && sv->n > 0))
			return 0;
		for (size_t i = 1; i < l->argc; i++)
			if ((r = cfg_strv_push(sv, l->argv[i])) < 0)
				return r;
		return 0;
	}
	case K_ALG: {
		const char *def, *sup, *what;
		if (k->off == OFF(ciphers_spec)) {
			def = cipher_default_names(), sup = cipher_supported_names();
			what = "Bad SSH2 cipher spec";
		} else if (k->off == OFF(macs_spec)) {
			def = cipher_mac_default_names(), sup = cipher_mac_supported_names();
			what = "Bad SSH2 mac spec";
		} else if (k->off == OFF(kex_spec)) {
			def = kex_default_names(), sup = kex_supported_names();
			what = "Bad SSH2 KexAlgorithms";
		} else {
			def = kex_hostkey_default_names(), sup = kex_hostkey_supported_names();
			what = "Bad key types";
		}
		char *out = NULL, *bad = NULL;
		r = alglist_apply(arg, def, sup, &out, &bad);
		free(out);
		free(bad);
		if (r == SLC_ERR_NOMEM)
			return r;
		if (r < 0)
			return perr(p, lineno, "%s '%s'.", what, arg);
		char **dst = STR_AT(c, k->off);
		if (!p->active || *dst != NULL)
			return 0;
		*dst = strdup(arg);
		return *dst ? 0 : SLC_ERR_NOMEM;
	}
	case K_SPECIAL:
		return parse_special(p, k, l, lineno);
	default:
		return perr(p, lineno, "internal error");
	}
}

static int line_cb(void *ctx, const char *line, size_t n, int lineno)
{
	struct pctx *p = ctx;
	struct cfg_line l;
	int r = cfg_line_split(line, n, &l);
	if (r == SLC_ERR_FORMAT)
		r = perr(p, lineno, "invalid quotes");
	else if (r == 0 && l.argc > 0) {
		r = save_line(p, SAVED_LINE, lineno, line, n);
		if (r == 0)
			r = parse_line(p, &l, lineno);
	}
	cfg_line_free(&l);
	return r;
}

static int parse_lines(struct pctx *p, const char *data, size_t len)
{
	/* A Match block ends with the file it is in. */
	bool in_match = p->in_match, active = p->active;
	int r = cfg_each_line(data, len, line_cb, p);
	p->in_match = in_match;
	p->active = active;
	return r;
}

int sshd_config_read_string(struct sshd_config *c, const struct cfg_io *io, const char *name,
                            const char *text, size_t len)
{
	struct pctx p = {.c = c, .keep = c, .io = io, .file = name, .active = true};
	return parse_lines(&p, text, len);
}

int sshd_config_read_file(struct sshd_config *c, const struct cfg_io *io, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int r = SLC_ERR_NOT_FOUND;
	if (io != NULL && io->read_file != NULL)
		r = io->read_file(io->ctx, path, &data, &len);
	if (r == SLC_ERR_NOMEM)
		return r;
	if (r < 0)
		return cfg_errf(&c->error, "%s: %s", path,
		                r == SLC_ERR_NOT_FOUND ? "No such file or directory"
		                                       : slc_strerror(r));
	r = sshd_config_read_string(c, io, path, data, len);
	free(data);
	return r;
}

#define DEF(field, v)                                                                              \
	do {                                                                                       \
		if ((field) == SSHD_CFG_UNSET)                                                     \
			(field) = (v);                                                             \
	} while (0)

int sshd_config_finalize(struct sshd_config *c)
{
	int r;
	if (c->finalized)
		return 0;
	c->finalized = true;
	if (c->nports == 0)
		c->ports[c->nports++] = 22;
	DEF(c->address_family, SSHD_AF_ANY);
	DEF(c->log_level, SSH_LOG_INFO);
	DEF(c->permit_root_login, SSHD_ROOT_PROHIBIT_PASSWORD);
	DEF(c->pubkey_authentication, 1);
	DEF(c->password_authentication, 1);
	DEF(c->kbd_interactive_authentication, 1);
	DEF(c->use_pam, 0);
	DEF(c->strict_modes, 1);
	DEF(c->max_auth_tries, 6);
	DEF(c->max_sessions, 10);
	DEF(c->max_startups_begin, 10);
	DEF(c->max_startups_rate, 30);
	DEF(c->max_startups_full, 100);
	DEF(c->login_grace_time, 120);
	DEF(c->client_alive_interval, 0);
	DEF(c->client_alive_count_max, 3);
	DEF(c->tcp_keep_alive, 1);
	DEF(c->rekey_limit_bytes, 0);
	DEF(c->rekey_limit_seconds, 0);
	DEF(c->allow_tcp_forwarding, SSHD_FWD_YES);
	DEF(c->allow_stream_local_forwarding, SSHD_FWD_YES);
	DEF(c->disable_forwarding, 0);
	DEF(c->gateway_ports, SSHD_GW_NO);
	DEF(c->permit_tunnel, SSHD_TUN_NO);
	DEF(c->stream_local_bind_mask, 0177);
	DEF(c->stream_local_bind_unlink, 0);
	DEF(c->permit_tty, 1);
	DEF(c->print_motd, 1);
	DEF(c->x11_forwarding, 0);
	if (c->pid_file == NULL && (c->pid_file = strdup("/run/sshd.pid")) == NULL)
		return SLC_ERR_NOMEM;
	if (c->syslog_facility == NULL && (c->syslog_facility = strdup("AUTH")) == NULL)
		return SLC_ERR_NOMEM;
	if (c->permit_user_environment == NULL &&
	    (c->permit_user_environment = strdup("no")) == NULL)
		return SLC_ERR_NOMEM;
	if (c->authorized_keys_files.n == 0 &&
	    ((r = cfg_strv_push(&c->authorized_keys_files, ".ssh/authorized_keys")) < 0 ||
	     (r = cfg_strv_push(&c->authorized_keys_files, ".ssh/authorized_keys2")) < 0))
		return r;
	if (c->host_keys.n == 0) {
		static const char *const keys[] = {"/etc/ssh/ssh_host_rsa_key",
		                                   "/etc/ssh/ssh_host_ecdsa_key",
		                                   "/etc/ssh/ssh_host_ed25519_key"};
		for (size_t i = 0; i < 3; i++)
			if ((r = cfg_strv_push(&c->host_keys, keys[i])) < 0)
				return r;
	}
	if (c->permit_open.n == 0 && (r = cfg_strv_push(&c->permit_open, "any")) < 0)
		return r;
	if (c->permit_listen.n == 0 && (r = cfg_strv_push(&c->permit_listen, "any")) < 0)
		return r;
	if ((r = alglist_final(&c->ciphers, c->ciphers_spec, cipher_default_names(),
	                       cipher_supported_names())) < 0 ||
	    (r = alglist_final(&c->macs, c->macs_spec, cipher_mac_default_names(),
	                       cipher_mac_supported_names())) < 0 ||
	    (r = alglist_final(&c->kex_algorithms, c->kex_spec, kex_default_names(),
	                       kex_supported_names())) < 0 ||
	    (r = alglist_final(&c->hostkey_algorithms, c->hostkey_spec, kex_hostkey_default_names(),
	                       kex_hostkey_supported_names())) < 0 ||
	    (r = alglist_final(&c->pubkey_accepted_algorithms, c->pubkey_spec,
	                       kex_hostkey_default_names(), kex_hostkey_supported_names())) < 0)
		return r == SLC_ERR_CONFIG ? cfg_errf(&c->error, "empty algorithm list") : r;
	return 0;
}

static int deep_copy(struct sshd_config *dst, const struct sshd_config *src)
{
	int r = 0;
	memcpy(dst, src, sizeof(*dst));
	for (size_t i = 0; i < sizeof(str_fields) / sizeof(str_fields[0]); i++)
		*STR_AT(dst, str_fields[i]) = NULL;
	for (size_t i = 0; i < sizeof(strv_fields) / sizeof(strv_fields[0]); i++)
		memset(STRV_AT(dst, strv_fields[i]), 0, sizeof(struct cfg_strv));
	dst->lines = NULL;
	dst->nlines = 0;
	for (size_t i = 0; i < sizeof(str_fields) / sizeof(str_fields[0]); i++) {
		const char *s = *STR_AT(src, str_fields[i]);
		if (s && (*STR_AT(dst, str_fields[i]) = strdup(s)) == NULL)
			return SLC_ERR_NOMEM;
	}
	for (size_t i = 0; i < sizeof(strv_fields) / sizeof(strv_fields[0]); i++)
		if ((r = cfg_strv_copy(STRV_AT(dst, strv_fields[i]),
		                       STRV_AT(src, strv_fields[i]))) < 0)
			return r;
	return 0;
}

/* Values the Match blocks set replace the global ones. */
static int overlay(struct sshd_config *out, struct sshd_config *m)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct kw *k = &keywords[i];
		if (!k->in_match || k->off == NOFF)
			continue;
		switch (k->type) {
		case K_FLAG:
		case K_MS:
		case K_INT:
		case K_TIME:
			if (*INT_AT(m, k->off) != SSHD_CFG_UNSET)
				*INT_AT(out, k->off) = *INT_AT(m, k->off);
			break;
		case K_STR:
		case K_REST:
		case K_ALG:
			if (*STR_AT(m, k->off) != NULL) {
				free(*STR_AT(out, k->off));
				*STR_AT(out, k->off) = *STR_AT(m, k->off);
				*STR_AT(m, k->off) = NULL; /* transferred */
			}
			break;
		case K_ACC:
		case K_FIRST:
		case K_SPECIAL:
			if (k->sp == S_MASK) {
				if (*INT_AT(m, k->off) != SSHD_CFG_UNSET)
					*INT_AT(out, k->off) = *INT_AT(m, k->off);
			} else if (STRV_AT(m, k->off)->n > 0) {
				cfg_strv_free(STRV_AT(out, k->off));
				*STRV_AT(out, k->off) = *STRV_AT(m, k->off);
				memset(STRV_AT(m, k->off), 0,
				       sizeof(struct cfg_strv)); /* transferred */
			}
			break;
		default:
			break;
		}
	}
	if (m->rekey_limit_bytes != SSHD_CFG_UNSET) {
		out->rekey_limit_bytes = m->rekey_limit_bytes;
		if (m->rekey_limit_seconds != SSHD_CFG_UNSET)
			out->rekey_limit_seconds = m->rekey_limit_seconds;
	}
	return 0;
}

int sshd_config_for_connection(const struct sshd_config *base, const struct sshd_conn_info *ci,
                               struct sshd_config *out)
{
	struct sshd_config m;
	int r;
	sshd_config_init(&m);
	if ((r = deep_copy(out, base)) < 0)
		goto out;
	/* Re-run every saved line with connection info; only lines inside
	 * matching Match blocks land in m. */
	struct pctx p = {.c = &m, .file = "", .active = false, .ci = ci};
	struct {
		bool in_match, active;
	} stack[CFG_MAX_INCLUDE_DEPTH + 1];
	size_t depth = 0;
	for (size_t i = 0; i < base->nlines && r == 0; i++) {
		const struct sshd_saved_line *s = &base->lines[i];
		if (s->kind == SAVED_PUSH) {
			if (depth <= CFG_MAX_INCLUDE_DEPTH) {
				stack[depth].in_match = p.in_match;
				stack[depth].active = p.active;
			}
			depth++;
			continue;
		}
		if (s->kind == SAVED_POP) {
			if (depth > 0 && --depth <= CFG_MAX_INCLUDE_DEPTH) {
				p.in_match = stack[depth].in_match;
				p.active = stack[depth].active;
			}
			continue;
		}
		struct cfg_line l;
		p.file = s->file;
		r = cfg_line_split(s->text, strlen(s->text), &l);
		if (r == 0 && l.argc > 0) {
			const struct kw *k = lookup(l.argv[0]);
			/* Includes were expanded when the file was read. */
			if (k && (k->sp == S_MATCH || p.in_match) && k->sp != S_INCLUDE)
				r = parse_line(&p, &l, s->lineno);
		}
		cfg_line_free(&l);
	}
	if (r < 0) {
		/* Cannot happen for lines that parsed once; keep the message. */
		free(out->error);
		out->error = m.error;
		m.error = NULL;
		goto out;
	}
	r = overlay(out, &m);
	if (r == 0) {
		out->finalized = false;
		r = sshd_config_finalize(out);
	}
out:
	sshd_config_free(&m);
	return r;
}

int sshd_conn_info_parse(char *spec, struct sshd_conn_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	char *save = NULL;
	for (char *kv = strtok_r(spec, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq == NULL)
			return SLC_ERR_CONFIG;
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(kv, "user") == 0)
			ci->user = v;
		else if (strcmp(kv, "host") == 0)
			ci->host = v;
		else if (strcmp(kv, "addr") == 0)
			ci->addr = v;
		else if (strcmp(kv, "laddr") == 0)
			ci->laddr = v;
		else if (strcmp(kv, "lport") == 0) {
			if (cfg_parse_port(v, false, &ci->lport) < 0)
				return SLC_ERR_CONFIG;
		} else if (strcmp(kv, "rdomain") != 0) {
			return SLC_ERR_CONFIG;
		}
	}
	return 0;
}

int sshd_config_expand_keys_file(const char *pattern, const char *user, const char *home,
                                 unsigned long uid, char **out)
{
	char uidstr[24], *e = NULL;
	snprintf(uidstr, sizeof(uidstr), "%lu", uid);
	struct cfg_token t[] = {{'h', home}, {'u', user}, {'U', uidstr}};
	int r = cfg_expand_tokens(pattern, t, 3, &e, NULL);
	if (r < 0)
		return r;
	if (e[0] == '/' || strcmp(e, "none") == 0) {
		*out = e;
		return 0;
	}
	r = asprintf(out, "%s/%s", home, e) < 0 ? SLC_ERR_NOMEM : 0;
	free(e);
	return r;
}
