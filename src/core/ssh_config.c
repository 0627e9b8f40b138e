/* ssh_config: client configuration grammar (ssh_config(5)). */
#include "ssh_config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alglist.h"
#include "cipher.h"
#include "kex.h"

static void fwds_free(struct ssh_cfg_fwds *l);

enum opcode {
	oBad,
	oHost,
	oMatch,
	oInclude,
	oHostname,
	oPort,
	oUser,
	oIdentityFile,
	oCertificateFile,
	oIdentitiesOnly,
	oIdentityAgent,
	oLocalForward,
	oRemoteForward,
	oDynamicForward,
	oGatewayPorts,
	oExitOnForwardFailure,
	oClearAllForwardings,
	oServerAliveInterval,
	oServerAliveCountMax,
	oTCPKeepAlive,
	oConnectTimeout,
	oConnectionAttempts,
	oStrictHostKeyChecking,
	oUserKnownHostsFile,
	oGlobalKnownHostsFile,
	oHashKnownHosts,
	oCheckHostIP,
	oCiphers,
	oMACs,
	oKexAlgorithms,
	oHostKeyAlgorithms,
	oPubkeyAcceptedAlgorithms,
	oRekeyLimit,
	oPreferredAuthentications,
	oPasswordAuthentication,
	oKbdInteractiveAuthentication,
	oPubkeyAuthentication,
	oNumberOfPasswordPrompts,
	oBatchMode,
	oLogLevel,
	oProxyJump,
	oProxyCommand,
	oTunnel,
	oTunnelDevice,
	oPermitRemoteOpen,
	oStreamLocalBindMask,
	oStreamLocalBindUnlink,
	oSendEnv,
	oSetEnv,
	oRequestTTY,
	oSessionType,
	oForwardAgent,
	oCompression,
	oAddressFamily,
	oBindAddress,
	oEscapeChar,
	oIgnoreUnknown,
	oUnsupported
};

static const struct {
	const char *name;
	enum opcode op;
} keywords[] = {
        {"host", oHost},
        {"match", oMatch},
        {"include", oInclude},
        {"hostname", oHostname},
        {"port", oPort},
        {"user", oUser},
        {"identityfile", oIdentityFile},
        {"certificatefile", oCertificateFile},
        {"identitiesonly", oIdentitiesOnly},
        {"identityagent", oIdentityAgent},
        {"localforward", oLocalForward},
        {"remoteforward", oRemoteForward},
        {"dynamicforward", oDynamicForward},
        {"gatewayports", oGatewayPorts},
        {"exitonforwardfailure", oExitOnForwardFailure},
        {"clearallforwardings", oClearAllForwardings},
        {"serveraliveinterval", oServerAliveInterval},
        {"serveralivecountmax", oServerAliveCountMax},
        {"tcpkeepalive", oTCPKeepAlive},
        {"connecttimeout", oConnectTimeout},
        {"connectionattempts", oConnectionAttempts},
        {"stricthostkeychecking", oStrictHostKeyChecking},
        {"userknownhostsfile", oUserKnownHostsFile},
        {"globalknownhostsfile", oGlobalKnownHostsFile},
        {"hashknownhosts", oHashKnownHosts},
        {"checkhostip", oCheckHostIP},
        {"ciphers", oCiphers},
        {"macs", oMACs},
        {"kexalgorithms", oKexAlgorithms},
        {"hostkeyalgorithms", oHostKeyAlgorithms},
        {"pubkeyacceptedalgorithms", oPubkeyAcceptedAlgorithms},
        {"pubkeyacceptedkeytypes", oPubkeyAcceptedAlgorithms}, /* old name */
        {"rekeylimit", oRekeyLimit},
        {"preferredauthentications", oPreferredAuthentications},
        {"passwordauthentication", oPasswordAuthentication},
        {"kbdinteractiveauthentication", oKbdInteractiveAuthentication},
        {"challengeresponseauthentication", oKbdInteractiveAuthentication}, /* old name */
        {"pubkeyauthentication", oPubkeyAuthentication},
        {"numberofpasswordprompts", oNumberOfPasswordPrompts},
        {"batchmode", oBatchMode},
        {"loglevel", oLogLevel},
        {"proxyjump", oProxyJump},
        {"proxycommand", oProxyCommand},
        {"tunnel", oTunnel},
        {"tunneldevice", oTunnelDevice},
        {"permitremoteopen", oPermitRemoteOpen},
        {"streamlocalbindmask", oStreamLocalBindMask},
        {"streamlocalbindunlink", oStreamLocalBindUnlink},
        {"sendenv", oSendEnv},
        {"setenv", oSetEnv},
        {"requesttty", oRequestTTY},
        {"sessiontype", oSessionType},
        {"forwardagent", oForwardAgent},
        {"compression", oCompression},
        {"addressfamily", oAddressFamily},
        {"bindaddress", oBindAddress},
        {"escapechar", oEscapeChar},
        {"ignoreunknown", oIgnoreUnknown},
        /* Known to OpenSSH 9.2 (with Debian's GSSAPI patch), not implemented. */
        {"addkeystoagent", oUnsupported},
        {"bindinterface", oUnsupported},
        {"canonicaldomains", oUnsupported},
        {"canonicalizefallbacklocal", oUnsupported},
        {"canonicalizehostname", oUnsupported},
        {"canonicalizemaxdots", oUnsupported},
        {"canonicalizepermittedcnames", oUnsupported},
        {"casignaturealgorithms", oUnsupported},
        {"controlmaster", oUnsupported},
        {"controlpath", oUnsupported},
        {"controlpersist", oUnsupported},
        {"enableescapecommandline", oUnsupported},
        {"enablesshkeysign", oUnsupported},
        {"fingerprinthash", oUnsupported},
        {"forkafterauthentication", oUnsupported},
        {"forwardx11", oUnsupported},
        {"forwardx11timeout", oUnsupported},
        {"forwardx11trusted", oUnsupported},
        {"gssapiauthentication", oUnsupported},
        {"gssapiclientidentity", oUnsupported},
        {"gssapidelegatecredentials", oUnsupported},
        {"gssapikeyexchange", oUnsupported},
        {"gssapirenewalforcesrekey", oUnsupported},
        {"gssapiserveridentity", oUnsupported},
        {"gssapitrustdns", oUnsupported},
        {"gssapikexalgorithms", oUnsupported},
        {"hostbasedacceptedalgorithms", oUnsupported},
        {"hostbasedkeytypes", oUnsupported},
        {"hostbasedauthentication", oUnsupported},
        {"hostkeyalias", oUnsupported},
        {"ipqos", oUnsupported},
        {"kbdinteractivedevices", oUnsupported},
        {"knownhostscommand", oUnsupported},
        {"localcommand", oUnsupported},
        {"logverbose", oUnsupported},
        {"nohostauthenticationforlocalhost", oUnsupported},
        {"permitlocalcommand", oUnsupported},
        {"pkcs11provider", oUnsupported},
        {"smartcarddevice", oUnsupported},
        {"proxyusefdpass", oUnsupported},
        {"remotecommand", oUnsupported},
        {"requiredrsasize", oUnsupported},
        {"revokedhostkeys", oUnsupported},
        {"securitykeyprovider", oUnsupported},
        {"stdinnull", oUnsupported},
        {"syslogfacility", oUnsupported},
        {"updatehostkeys", oUnsupported},
        {"verifyhostkeydns", oUnsupported},
        {"visualhostkey", oUnsupported},
        {"xauthlocation", oUnsupported},
        /* Deprecated or removed in OpenSSH, which still accepts them. */
        {"protocol", oUnsupported},
        {"cipher", oUnsupported},
        {"rsaauthentication", oUnsupported},
        {"rhostsrsaauthentication", oUnsupported},
        {"compressionlevel", oUnsupported},
        {"useroaming", oUnsupported},
        {"fallbacktorsh", oUnsupported},
        {"usersh", oUnsupported},
        {"useprivilegedport", oUnsupported},
        {"userknownhostsfile2", oUnsupported},
        {"globalknownhostsfile2", oUnsupported},
        {"kerberosauthentication", oUnsupported},
        {"kerberostgtpassing", oUnsupported},
        {"afstokenpassing", oUnsupported},
        {"dsaauthentication", oUnsupported},
        {"gssapiclientidentity", oUnsupported},
};

static enum opcode lookup(const char *word)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasecmp(word, keywords[i].name) == 0)
			return keywords[i].op;
	return oBad;
}

struct pctx {
	struct ssh_config *c;
	const struct cfg_io *io;
	const char *file; /* "command-line" for -o */
	int depth;
	bool user_file;
	bool active;
	bool never_match;
	bool cmdline;
	char *ignore_unknown; /* this file's IgnoreUnknown patterns */
};

/* "file line N: msg", then OpenSSH's closing line for files. */
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
	int r;
	if (p->cmdline)
		r = cfg_errf(&p->c->error, "%s line %d: %s", p->file, line, m);
	else
		r = cfg_errf(&p->c->error,
		             "%s line %d: %s\n%s: terminating, 1 bad configuration options",
		             p->file, line, m, p->file);
	free(m);
	return r;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int ssh_config_init(struct ssh_config *c, const char *host, const char *local_user,
                    const char *home)
{
	memset(c, 0, sizeof(*c));
	int *ints[] = {&c->port,
	               &c->identities_only,
	               &c->gateway_ports,
	               &c->exit_on_forward_failure,
	               &c->clear_all_forwardings,
	               &c->server_alive_interval,
	               &c->server_alive_count_max,
	               &c->tcp_keep_alive,
	               &c->connect_timeout,
	               &c->connection_attempts,
	               &c->strict_host_key_checking,
	               &c->hash_known_hosts,
	               &c->check_host_ip,
	               &c->rekey_limit_seconds,
	               &c->password_authentication,
	               &c->kbd_interactive_authentication,
	               &c->pubkey_authentication,
	               &c->number_of_password_prompts,
	               &c->batch_mode,
	               &c->log_level,
	               &c->tunnel,
	               &c->tun_local,
	               &c->tun_remote,
	               &c->stream_local_bind_mask,
	               &c->stream_local_bind_unlink,
	               &c->request_tty,
	               &c->session_type,
	               &c->forward_agent,
	               &c->compression,
	               &c->address_family,
	               &c->escape_char};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		*ints[i] = SSH_CFG_UNSET;
	c->rekey_limit_bytes = SSH_CFG_UNSET;
	c->host_arg = strdup(host ? host : "");
	c->match_host = strdup(host ? host : "");
	c->local_user = strdup(local_user ? local_user : "");
	c->home = strdup(home ? home : "/");
	if (!c->host_arg || !c->match_host || !c->local_user || !c->home) {
		ssh_config_free(c);
		return SLC_ERR_NOMEM;
	}
	return 0;
}

void ssh_config_free(struct ssh_config *c)
{
	char **strs[] = {&c->host_arg,
	                 &c->match_host,
	                 &c->local_user,
	                 &c->home,
	                 &c->hostname,
	                 &c->user,
	                 &c->identity_agent,
	                 &c->ciphers,
	                 &c->macs,
	                 &c->kex_algorithms,
	                 &c->hostkey_algorithms,
	                 &c->pubkey_accepted_algorithms,
	                 &c->preferred_authentications,
	                 &c->proxy_jump,
	                 &c->proxy_command,
	                 &c->forward_agent_sock,
	                 &c->bind_address,
	                 &c->error,
	                 &c->ciphers_spec,
	                 &c->macs_spec,
	                 &c->kex_spec,
	                 &c->hostkey_spec,
	                 &c->pubkey_spec};
	struct cfg_strv *vs[] = {&c->identity_files,
	                         &c->certificate_files,
	                         &c->user_known_hosts,
	                         &c->global_known_hosts,
	                         &c->permit_remote_open,
	                         &c->send_env,
	                         &c->set_env,
	                         &c->unsupported};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		cfg_strv_free(vs[i]);
	fwds_free(&c->local_forwards);
	fwds_free(&c->remote_forwards);
}

/* Forwarding specifications. */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* OpenSSH's test for "already listed": the same listen and connect sides. */
static bool fwd_equal(const struct fwdspec *a, const struct fwdspec *b)
{
	return a->dynamic == b->dynamic && a->listen_port == b->listen_port &&
	       a->connect_port == b->connect_port && str_eq(a->listen_host, b->listen_host) &&
	       str_eq(a->listen_path, b->listen_path) && str_eq(a->connect_host, b->connect_host) &&
	       str_eq(a->connect_path, b->connect_path);
}

/* Appends *f (transferred: on every return *f is owned by the list or
 * freed). */
static int fwds_add(struct ssh_cfg_fwds *l, struct fwdspec *f)
{
	for (size_t i = 0; i < l->n; i++) {
		if (fwd_equal(&l->v[i], f)) {
			fwdspec_free(f);
			return 0;
		}
	}
	struct fwdspec *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL) {
		fwdspec_free(f);
		return SLC_ERR_NOMEM;
	}
	l->v = v;
	l->v[l->n++] = *f; /* transferred */
	memset(f, 0, sizeof(*f));
	return 0;
}

static void fwds_free(struct ssh_cfg_fwds *l)
{
	for (size_t i = 0; i < l->n; i++)
		fwdspec_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct ssh_cfg_fwds *fwds_for(struct ssh_config *c, const struct fwdspec *f)
{
	return f->kind == FWDSPEC_REMOTE ? &c->remote_forwards : &c->local_forwards;
}

int ssh_config_add_forward_arg(struct ssh_config *c, enum fwdspec_kind kind, const char *spec)
{
	struct fwdspec f;
	char *msg = NULL;
	int r = fwdspec_parse(spec, kind, NULL, &f, &msg);
	if (r < 0) {
		if (r == SLC_ERR_CONFIG && msg != NULL) {
			free(c->error);
			c->error = msg; /* transferred */
			msg = NULL;
		}
		free(msg);
		return r;
	}
	return fwds_add(fwds_for(c, &f), &f);
}

/* Host and Match. */

static bool host_line_matches(struct pctx *p, const struct cfg_line *l)
{
	bool hit = false;
	for (size_t i = 1; i < l->argc; i++) {
		const char *pat = l->argv[i];
		bool neg = pat[0] == '!';
		/* A Host pattern is one word: commas are not separators here. */
		bool m = alglist_match_pattern(p->c->match_host, neg ? pat + 1 : pat);
		if (m && neg)
			return false;
		if (m)
			hit = true;
	}
	return hit;
}

/* A bad Match line: OpenSSH prints the reason (detail, sometimes already
 * prefixed with file and line), then "Bad Match condition". */
static int match_err(struct pctx *p, int lineno, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int match_err(struct pctx *p, int lineno, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SLC_ERR_NOMEM;
	int r = cfg_errf(&p->c->error,
	                 "%s\n%s line %d: Bad Match condition\n"
	                 "%s: terminating, 1 bad configuration options",
	                 m, p->file, lineno, p->file);
	free(m);
	return r;
}

static int match_line(struct pctx *p, const struct cfg_line *l, int lineno, bool *result)
{
	struct ssh_config *c = p->c;
	bool all_ok = true;
	size_t i = 1;
	if (l->argc < 2)
		return perr(p, lineno, "no argument after keyword \"match\"");
	while (i < l->argc) {
		const char *attr = l->argv[i++];
		bool neg = attr[0] == '!';
		if (neg)
			attr++;
		if (strcasecmp(attr, "all") == 0) {
			/* "all" stands alone, or after canonical/final. */
			for (size_t j = 1; j < l->argc; j++) {
				const char *a = l->argv[j][0] == '!' ? l->argv[j] + 1 : l->argv[j];
				if (strcasecmp(a, "all") && strcasecmp(a, "canonical") &&
				    strcasecmp(a, "final"))
					return match_err(
					        p, lineno,
					        "%s line %d: 'all' cannot be combined with "
					        "other Match attributes",
					        p->file, lineno);
			}
			if (neg)
				all_ok = false;
			continue;
		}
		if (strcasecmp(attr, "canonical") == 0 || strcasecmp(attr, "final") == 0) {
			c->want_final = true;
			if (c->final_pass == neg)
				all_ok = false;
			continue;
		}
		bool known = strcasecmp(attr, "host") == 0 ||
		             strcasecmp(attr, "originalhost") == 0 ||
		             strcasecmp(attr, "user") == 0 || strcasecmp(attr, "localuser") == 0 ||
		             strcasecmp(attr, "exec") == 0;
		if (!known)
			return match_err(p, lineno, "Unsupported Match attribute %s", attr);
		if (i >= l->argc || l->argv[i][0] == '\0')
			return match_err(p, lineno, "Missing Match criteria for %s", attr);
		const char *arg = l->argv[i++];
		int m;
		if (strcasecmp(attr, "host") == 0) {
			m = cfg_match_list(c->hostname ? c->hostname : c->match_host, arg, true);
		} else if (strcasecmp(attr, "originalhost") == 0) {
			m = cfg_match_list(c->host_arg, arg, true);
		} else if (strcasecmp(attr, "user") == 0) {
			m = cfg_match_list(c->user ? c->user : c->local_user, arg, false);
		} else if (strcasecmp(attr, "localuser") == 0) {
			m = cfg_match_list(c->local_user, arg, false);
		} else {
			/* sluice runs no commands while reading its configuration. */
			return perr(p, lineno, "Match exec is not supported by sluice");
		}
		if ((m == 1) == neg)
			all_ok = false;
	}
	*result = all_ok && !p->never_match;
	return 0;
}

static int parse_buffer(struct pctx *p, const char *data, size_t len);

static int do_include(struct pctx *p, const struct cfg_line *l, int lineno)
{
	struct cfg_strv paths = {0};
	char *base = NULL;
	int r = 0;
	if (l->argc < 2)
		return perr(p, lineno, "Include missing filename argument");
	if (p->depth >= CFG_MAX_INCLUDE_DEPTH)
		return perr(p, lineno, "Too many recursive configuration includes");
	if (p->user_file) {
		if (asprintf(&base, "%s/.ssh", p->c->home) < 0)
			return SLC_ERR_NOMEM;
	} else if ((base = strdup("/etc/ssh")) == NULL) {
		return SLC_ERR_NOMEM;
	}
	for (size_t i = 1; i < l->argc && r == 0; i++) {
		char *arg = NULL;
		if (l->argv[i][0] == '~' && !p->user_file) {
			r = perr(p, lineno,
			         "Include paths may only use ~ in user configuration files");
			break;
		}
		r = cfg_expand_tilde(l->argv[i], p->c->home, &arg);
		if (r == 0)
			r = cfg_include_paths(p->io, base, arg, &paths);
		free(arg);
	}
	for (size_t i = 0; i < paths.n && r == 0; i++) {
		char *data = NULL;
		size_t dlen = 0;
		if (p->io == NULL || p->io->read_file == NULL)
			continue;
		int rr = p->io->read_file(p->io->ctx, paths.v[i], &data, &dlen);
		if (rr < 0)
			continue; /* like OpenSSH: a missing Include is no error */
		struct pctx sub = *p;
		sub.file = paths.v[i];
		sub.depth = p->depth + 1;
		sub.never_match = p->never_match || !p->active;
		sub.active = p->active;
		sub.ignore_unknown = NULL;
		r = parse_buffer(&sub, data, dlen);
		free(sub.ignore_unknown);
		free(data);
	}
	cfg_strv_free(&paths);
	free(base);
	return r;
}

struct ms {
	const char *name;
	int value;
};

static const struct ms ms_yesno[] = {{"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0}, {NULL, 0}};
static const struct ms ms_shkc[] = {{"yes", SSH_SHKC_YES},
                                    {"true", SSH_SHKC_YES},
                                    {"no", SSH_SHKC_NO},
                                    {"false", SSH_SHKC_NO},
                                    {"off", SSH_SHKC_NO},
                                    {"ask", SSH_SHKC_ASK},
                                    {"accept-new", SSH_SHKC_ACCEPT_NEW},
                                    {NULL, 0}};
static const struct ms ms_tty[] = {
        {"yes", SSH_TTY_YES},     {"true", SSH_TTY_YES},  {"no", SSH_TTY_NO}, {"false", SSH_TTY_NO},
        {"force", SSH_TTY_FORCE}, {"auto", SSH_TTY_AUTO}, {NULL, 0}};
static const struct ms ms_session[] = {{"default", SSH_SESSION_DEFAULT},
                                       {"none", SSH_SESSION_NONE},
                                       {"subsystem", SSH_SESSION_SUBSYSTEM},
                                       {NULL, 0}};
static const struct ms ms_tunnel[] = {{"yes", SSH_TUN_YES},
                                      {"true", SSH_TUN_YES},
                                      {"no", SSH_TUN_NO},
                                      {"false", SSH_TUN_NO},
                                      {"point-to-point", SSH_TUN_POINTOPOINT},
                                      {"ethernet", SSH_TUN_ETHERNET},
                                      {NULL, 0}};
static const struct ms ms_af[] = {
        {"any", SSH_AF_ANY}, {"inet", SSH_AF_INET}, {"inet6", SSH_AF_INET6}, {NULL, 0}};
static const struct ms ms_pubkey[] = {{"yes", SSH_PUBKEY_YES},
                                      {"true", SSH_PUBKEY_YES},
                                      {"no", SSH_PUBKEY_NO},
                                      {"false", SSH_PUBKEY_NO},
                                      {"unbound", SSH_PUBKEY_UNBOUND},
                                      {"host-bound", SSH_PUBKEY_HOSTBOUND},
                                      {NULL, 0}};
static const struct ms ms_loglevel[] = {{"QUIET", SSH_LOG_QUIET},     {"FATAL", SSH_LOG_FATAL},
                                        {"ERROR", SSH_LOG_ERROR},     {"INFO", SSH_LOG_INFO},
                                        {"VERBOSE", SSH_LOG_VERBOSE}, {"DEBUG", SSH_LOG_DEBUG1},
                                        {"DEBUG1", SSH_LOG_DEBUG1},   {"DEBUG2", SSH_LOG_DEBUG2},
                                        {"DEBUG3", SSH_LOG_DEBUG3},   {NULL, 0}};

const char *ssh_config_loglevel_name(int level)
{
	/* OpenSSH prints QUIET as SILENT. */
	static const char *const names[] = {"SILENT",  "FATAL",  "ERROR",  "INFO",
	                                    "VERBOSE", "DEBUG1", "DEBUG2", "DEBUG3"};
	if (level < 0 || level > SSH_LOG_DEBUG3)
		return "INFO";
	return names[level];
}

static int parse_ms(struct pctx *p, int lineno, const char *arg, const struct ms *t, int *out)
{
	for (; t->name; t++)
		if (strcasecmp(arg, t->name) == 0) {
			*out = t->value;
			return 0;
		}
	return perr(p, lineno, "unsupported option \"%s\".", arg);
}

/* Store v into *dst only the first time (first obtained value wins) and
 * only in an active block. */
#define SET_INT(dst, v)                                                                            \
	do {                                                                                       \
		if (p->active && (dst) == SSH_CFG_UNSET)                                           \
			(dst) = (v);                                                               \
	} while (0)

static int set_str(struct pctx *p, char **dst, const char *v)
{
	if (!p->active || *dst != NULL)
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : SLC_ERR_NOMEM;
}

static int push_unique(struct cfg_strv *sv, const char *s)
{
	if (cfg_strv_contains(sv, s))
		return 0;
	return cfg_strv_push(sv, s);
}

static int parse_alg_spec(struct pctx *p, int lineno, const char *arg, const char *defaults,
                          const char *supported, const char *what, char **spec, bool *set)
{
	char *out = NULL, *bad = NULL;
	int r = alglist_apply(arg, defaults, supported, &out, &bad);
	free(out);
	free(bad);
	if (r == SLC_ERR_NOMEM)
		return r;
	if (r < 0)
		return perr(p, lineno, "Bad %s '%s'.", what, arg);
	if (p->active && !*set) {
		*set = true;
		*spec = strdup(arg);
		if (*spec == NULL)
			return SLC_ERR_NOMEM;
	}
	return 0;
}

static int parse_escape(const char *arg, int *out)
{
	if (strcmp(arg, "none") == 0) {
		*out = SSH_ESCAPE_NONE;
		return 0;
	}
	if (arg[0] == '^' && arg[1] != '\0' && arg[2] == '\0') {
		*out = (unsigned char)arg[1] & 31;
		return 0;
	}
	if (arg[0] != '\0' && arg[1] == '\0') {
		*out = (unsigned char)arg[0];
		return 0;
	}
	return SLC_ERR_CONFIG;
}

static int parse_tundev(const char *arg, int *local, int *remote)
{
	char *tmp = strdup(arg);
	int r = SLC_ERR_CONFIG;
	long v;
	if (tmp == NULL)
		return SLC_ERR_NOMEM;
	char *colon = strchr(tmp, ':');
	if (colon)
		*colon = '\0';
	const char *parts[2] = {tmp, colon ? colon + 1 : "any"};
	int vals[2];
	for (int i = 0; i < 2; i++) {
		if (strcasecmp(parts[i], "any") == 0)
			vals[i] = SSH_TUNID_ANY;
		else if (cfg_parse_int(parts[i], 0, SSH_TUNID_ANY - 1, &v) == 0)
			vals[i] = (int)v;
		else
			goto out;
	}
	*local = vals[0];
	*remote = vals[1];
	r = 0;
out:
	free(tmp);
	return r;
}

/* PermitRemoteOpen: "any", "none" or host:port entries (host may be "*",
 * port may be "*"). */
static bool permit_open_valid(const char *s)
{
	if (strcmp(s, "any") == 0 || strcmp(s, "none") == 0)
		return true;
	const char *colon = strrchr(s, ':');
	if (colon == NULL || colon == s)
		return false;
	int port;
	return strcmp(colon + 1, "*") == 0 || cfg_parse_port(colon + 1, false, &port) == 0;
}

static int one_arg(struct pctx *p, const struct cfg_line *l, int lineno, const char **arg)
{
	if (l->argc < 2) {
		char *kw = strdup(l->argv[0]);
		if (kw == NULL)
			return SLC_ERR_NOMEM;
		lower(kw);
		int r = perr(p, lineno, "no argument after keyword \"%s\"", kw);
		free(kw);
		return r;
	}
	if (l->argc > 2) {
		char *kw = strdup(l->argv[0]);
		if (kw == NULL)
			return SLC_ERR_NOMEM;
		lower(kw);
		int r = perr(p, lineno, "keyword %s extra arguments at end of line", kw);
		free(kw);
		return r;
	}
	if (l->argv[1][0] == '\0')
		return perr(p, lineno, "Missing argument.");
	*arg = l->argv[1];
	return 0;
}

static int record_unsupported(struct pctx *p, const char *kw, int lineno)
{
	char *s = NULL;
	if (asprintf(&s, "%s line %d: %s", p->file, lineno, kw) < 0)
		return SLC_ERR_NOMEM;
	return cfg_strv_push_owned(&p->c->unsupported, s);
}

static int parse_option(struct pctx *p, const struct cfg_line *l, int lineno)
{
	struct ssh_config *c = p->c;
	const char *kw = l->argv[0], *arg = NULL;
	enum opcode op = lookup(kw);
	int r = 0, iv;
	long lv;
	bool b;

	switch (op) {
	case oBad:
		if (p->ignore_unknown && cfg_match_list(kw, p->ignore_unknown, true) == 1)
			return record_unsupported(p, kw, lineno);
		{
			char *lk = strdup(kw);
			if (lk == NULL)
				return SLC_ERR_NOMEM;
			lower(lk);
			if (p->cmdline)
				r = cfg_errf(&c->error, "%s: line %d: Bad configuration option: %s",
				             p->file, lineno, lk);
			else
				r = cfg_errf(&c->error,
				             "%s: line %d: Bad configuration option: %s\n"
				             "%s: terminating, 1 bad configuration options",
				             p->file, lineno, lk, p->file);
			free(lk);
		}
		return r;
	case oUnsupported:
		return record_unsupported(p, kw, lineno);
	case oHost:
		if (p->cmdline)
			return perr(p, lineno,
			            "Host directive not supported as a command-line option");
		if (l->argc < 2)
			return perr(p, lineno, "no argument after keyword \"host\"");
		p->active = !p->never_match && host_line_matches(p, l);
		return 0;
	case oMatch:
		if (p->cmdline)
			return perr(p, lineno,
			            "Match directive not supported as a command-line option");
		r = match_line(p, l, lineno, &b);
		if (r == 0)
			p->active = b;
		return r;
	case oInclude:
		if (p->cmdline)
			return perr(p, lineno,
			            "Include directive not supported as a command-line option");
		return do_include(p, l, lineno);
	case oIgnoreUnknown:
		if ((r = one_arg(p, l, lineno, &arg)) < 0)
			return r;
		if (p->active && p->ignore_unknown == NULL &&
		    (p->ignore_unknown = strdup(arg)) == NULL)
			return SLC_ERR_NOMEM;
		return 0;
	case oProxyCommand:
		if (l->argc < 2 || l->argv[1][0] == '\0')
			return perr(p, lineno, "Missing argument.");
		if (p->active && c->proxy_command == NULL && c->proxy_jump == NULL) {
			/* The command is the raw rest of the line, quotes kept. */
			c->proxy_command = strdup(l->rest[1]);
			if (c->proxy_command == NULL)
				return SLC_ERR_NOMEM;
		}
		return 0;
	case oIdentityFile:
	case oCertificateFile:
	case oSendEnv:
	case oSetEnv:
	case oUserKnownHostsFile:
	case oGlobalKnownHostsFile:
	case oPermitRemoteOpen:
		if (l->argc < 2 || l->argv[1][0] == '\0')
			return perr(p, lineno, "Missing argument.");
		break;
	case oLocalForward:
	case oRemoteForward:
	case oDynamicForward:
		/* listen [connect]; one_arg words the wrong counts as ssh. */
		if (l->argc < 2 || l->argc > 3)
			return one_arg(p, l, lineno, &arg);
		if (l->argv[1][0] == '\0')
			return perr(p, lineno, "Missing argument.");
		break;
	default:
		if ((r = one_arg(p, l, lineno, &arg)) < 0)
			return r;
		break;
	}

	switch (op) {
	case oHostname:
		if (strpbrk(arg, " \t"))
			return perr(p, lineno, "Invalid hostname '%s'.", arg);
		return set_str(p, &c->hostname, arg);
	case oPort:
		if (cfg_parse_port(arg, false, &iv) < 0)
			return perr(p, lineno, "Bad port '%s'.", arg);
		SET_INT(c->port, iv);
		return 0;
	case oUser:
		return set_str(p, &c->user, arg);
	case oIdentityFile:
	case oCertificateFile:
		if (l->argc > 2)
			return perr(p, lineno, "keyword %s extra arguments at end of line",
			            op == oIdentityFile ? "identityfile" : "certificatefile");
		if (!p->active)
			return 0;
		return push_unique(op == oIdentityFile ? &c->identity_files : &c->certificate_files,
		                   l->argv[1]);
	case oIdentitiesOnly:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->identities_only, iv);
		return 0;
	case oIdentityAgent:
		return set_str(p, &c->identity_agent, arg);
	case oLocalForward:
	case oRemoteForward:
	case oDynamicForward: {
		struct fwdspec f;
		char *msg = NULL;
		enum fwdspec_kind kind = op == oLocalForward    ? FWDSPEC_LOCAL
		                         : op == oRemoteForward ? FWDSPEC_REMOTE
		                                                : FWDSPEC_DYNAMIC;
		/* Checked even in inactive blocks, as ssh does. */
		r = fwdspec_parse_config(kind, l->argv[1], l->argc > 2 ? l->argv[2] : NULL, NULL,
		                         &f, &msg);
		if (r < 0) {
			if (r == SLC_ERR_CONFIG && msg != NULL)
				r = perr(p, lineno, "%s", msg);
			free(msg);
			return r;
		}
		if (!p->active) {
			fwdspec_free(&f);
			return 0;
		}
		return fwds_add(fwds_for(c, &f), &f);
	}
	case oGatewayPorts:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->gateway_ports, iv);
		return 0;
	case oExitOnForwardFailure:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->exit_on_forward_failure, iv);
		return 0;
	case oClearAllForwardings:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->clear_all_forwardings, iv);
		return 0;
	case oServerAliveInterval:
	case oConnectTimeout:
		if (op == oConnectTimeout && strcasecmp(arg, "none") == 0) {
			lv = SSH_CFG_UNSET;
		} else if (cfg_parse_time(arg, &lv) < 0) {
			return perr(p, lineno, "invalid time value '%s'.", arg);
		}
		if (op == oServerAliveInterval)
			SET_INT(c->server_alive_interval, (int)lv);
		else if (p->active && c->connect_timeout == SSH_CFG_UNSET)
			c->connect_timeout =
			        lv == SSH_CFG_UNSET ? -3 : (int)lv; /* -3: "none" seen */
		return 0;
	case oServerAliveCountMax:
	case oConnectionAttempts:
	case oNumberOfPasswordPrompts:
		if (cfg_parse_int(arg, 0, INT32_MAX, &lv) < 0)
			return perr(p, lineno, "Bad number '%s'.", arg);
		if (op == oServerAliveCountMax)
			SET_INT(c->server_alive_count_max, (int)lv);
		else if (op == oConnectionAttempts)
			SET_INT(c->connection_attempts, (int)lv);
		else
			SET_INT(c->number_of_password_prompts, (int)lv);
		return 0;
	case oTCPKeepAlive:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->tcp_keep_alive, iv);
		return 0;
	case oStrictHostKeyChecking:
		if ((r = parse_ms(p, lineno, arg, ms_shkc, &iv)) < 0)
			return r;
		SET_INT(c->strict_host_key_checking, iv);
		return 0;
	case oUserKnownHostsFile:
	case oGlobalKnownHostsFile: {
		bool *set = op == oUserKnownHostsFile ? &c->user_knownhosts_set
		                                      : &c->global_knownhosts_set;
		struct cfg_strv *sv =
		        op == oUserKnownHostsFile ? &c->user_known_hosts : &c->global_known_hosts;
		if (!p->active || *set)
			return 0;
		*set = true;
		for (size_t i = 1; i < l->argc; i++)
			if ((r = cfg_strv_push(sv, l->argv[i])) < 0)
				return r;
		return 0;
	}
	case oHashKnownHosts:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->hash_known_hosts, iv);
		return 0;
	case oCheckHostIP:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->check_host_ip, iv);
		return 0;
	case oCiphers:
		return parse_alg_spec(p, lineno, arg, cipher_default_names(),
		                      cipher_supported_names(), "SSH2 cipher spec",
		                      &c->ciphers_spec, &c->ciphers_set);
	case oMACs:
		return parse_alg_spec(p, lineno, arg, cipher_mac_default_names(),
		                      cipher_mac_supported_names(), "SSH2 MAC spec", &c->macs_spec,
		                      &c->macs_set);
	case oKexAlgorithms:
		return parse_alg_spec(p, lineno, arg, kex_default_names(), kex_supported_names(),
		                      "SSH2 KexAlgorithms", &c->kex_spec, &c->kex_set);
	case oHostKeyAlgorithms:
		return parse_alg_spec(p, lineno, arg, kex_hostkey_default_names(),
		                      kex_hostkey_supported_names(), "key types", &c->hostkey_spec,
		                      &c->hostkey_set);
	case oPubkeyAcceptedAlgorithms:
		return parse_alg_spec(p, lineno, arg, kex_hostkey_default_names(),
		                      kex_hostkey_supported_names(), "key types", &c->pubkey_spec,
		                      &c->pubkey_set);
	case oRekeyLimit:
		break; /* two arguments: handled below */
	case oPreferredAuthentications:
		return set_str(p, &c->preferred_authentications, arg);
	case oPasswordAuthentication:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->password_authentication, iv);
		return 0;
	case oKbdInteractiveAuthentication:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->kbd_interactive_authentication, iv);
		return 0;
	case oPubkeyAuthentication:
		if ((r = parse_ms(p, lineno, arg, ms_pubkey, &iv)) < 0)
			return r;
		SET_INT(c->pubkey_authentication, iv);
		return 0;
	case oBatchMode:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->batch_mode, iv);
		return 0;
	case oLogLevel:
		if ((r = parse_ms(p, lineno, arg, ms_loglevel, &iv)) < 0)
			return r;
		SET_INT(c->log_level, iv);
		return 0;
	case oProxyJump:
		if (p->active && c->proxy_jump == NULL && c->proxy_command == NULL) {
			if (strcasecmp(arg, "none") != 0 && strpbrk(arg, " \t") != NULL)
				return perr(p, lineno, "Invalid ProxyJump \"%s\"", arg);
			return set_str(p, &c->proxy_jump, arg);
		}
		return 0;
	case oTunnel:
		if ((r = parse_ms(p, lineno, arg, ms_tunnel, &iv)) < 0)
			return r;
		SET_INT(c->tunnel, iv);
		return 0;
	case oTunnelDevice: {
		int lo, re;
		if ((r = parse_tundev(arg, &lo, &re)) == SLC_ERR_NOMEM)
			return r;
		if (r < 0)
			return perr(p, lineno, "Bad tun device '%s'.", arg);
		if (p->active && c->tun_local == SSH_CFG_UNSET) {
			c->tun_local = lo;
			c->tun_remote = re;
		}
		return 0;
	}
	case oPermitRemoteOpen:
		for (size_t i = 1; i < l->argc; i++)
			if (!permit_open_valid(l->argv[i]) ||
			    ((!strcmp(l->argv[i], "any") || !strcmp(l->argv[i], "none")) &&
			     l->argc > 2))
				return perr(p, lineno, "Bad PermitRemoteOpen specification '%s'.",
				            l->argv[i]);
		if (!p->active || c->permit_remote_open_set)
			return 0;
		c->permit_remote_open_set = true;
		for (size_t i = 1; i < l->argc; i++)
			if ((r = cfg_strv_push(&c->permit_remote_open, l->argv[i])) < 0)
				return r;
		return 0;
	case oStreamLocalBindMask: {
		char *end = NULL;
		long m = strtol(arg, &end, 8);
		if (*end != '\0' || m < 0 || m > 0777 || arg[0] == '-' || arg[0] == '+')
			return perr(p, lineno, "Bad mask '%s'.", arg);
		SET_INT(c->stream_local_bind_mask, (int)m);
		return 0;
	}
	case oStreamLocalBindUnlink:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		SET_INT(c->stream_local_bind_unlink, iv);
		return 0;
	case oSendEnv:
		for (size_t i = 1; i < l->argc; i++) {
			if (strchr(l->argv[i], '=') != NULL)
				return perr(p, lineno, "Invalid environment name '%s'.",
				            l->argv[i]);
			if (p->active && (r = cfg_strv_push(&c->send_env, l->argv[i])) < 0)
				return r;
		}
		return 0;
	case oSetEnv:
		for (size_t i = 1; i < l->argc; i++) {
			const char *eq = strchr(l->argv[i], '=');
			if (eq == NULL || eq == l->argv[i])
				return perr(p, lineno, "Invalid environment variable '%s'.",
				            l->argv[i]);
			if (!p->active)
				continue;
			/* The first value for a name wins, like every option. */
			size_t nl = (size_t)(eq - l->argv[i]) + 1;
			bool dup = false;
			for (size_t j = 0; j < c->set_env.n; j++)
				if (strncmp(c->set_env.v[j], l->argv[i], nl) == 0)
					dup = true;
			if (!dup && (r = cfg_strv_push(&c->set_env, l->argv[i])) < 0)
				return r;
		}
		return 0;
	case oRequestTTY:
		if ((r = parse_ms(p, lineno, arg, ms_tty, &iv)) < 0)
			return r;
		SET_INT(c->request_tty, iv);
		return 0;
	case oSessionType:
		if ((r = parse_ms(p, lineno, arg, ms_session, &iv)) < 0)
			return r;
		SET_INT(c->session_type, iv);
		return 0;
	case oForwardAgent:
		if (cfg_parse_yesno(arg, &b) == 0) {
			SET_INT(c->forward_agent, b ? 1 : 0);
			return 0;
		}
		/* Otherwise a socket path or an environment variable name. */
		if (p->active && c->forward_agent == SSH_CFG_UNSET) {
			c->forward_agent = 1;
			c->forward_agent_sock = strdup(arg);
			if (c->forward_agent_sock == NULL)
				return SLC_ERR_NOMEM;
		}
		return 0;
	case oCompression:
		if ((r = parse_ms(p, lineno, arg, ms_yesno, &iv)) < 0)
			return r;
		if (p->active && c->compression == SSH_CFG_UNSET && iv)
			c->warn_compression = true;
		SET_INT(c->compression, iv);
		return 0;
	case oAddressFamily:
		if ((r = parse_ms(p, lineno, arg, ms_af, &iv)) < 0)
			return r;
		SET_INT(c->address_family, iv);
		return 0;
	case oBindAddress:
		return set_str(p, &c->bind_address, arg);
	case oEscapeChar:
		if (parse_escape(arg, &iv) < 0)
			return perr(p, lineno, "Bad escape character '%s'.", arg);
		SET_INT(c->escape_char, iv);
		return 0;
	default:
		return perr(p, lineno, "internal error: unhandled keyword %s", kw);
	}
	return 0;
}

/* RekeyLimit takes one or two arguments, so it bypasses one_arg(). */
static int parse_rekeylimit(struct pctx *p, const struct cfg_line *l, int lineno)
{
	struct ssh_config *c = p->c;
	uint64_t bytes = 0;
	long secs = 0;
	if (l->argc < 2 || l->argv[1][0] == '\0')
		return perr(p, lineno, "Missing argument.");
	if (l->argc > 3)
		return perr(p, lineno, "keyword rekeylimit extra arguments at end of line");
	if (strcmp(l->argv[1], "default") != 0) {
		if (cfg_parse_size(l->argv[1], &bytes) < 0 || bytes > INT64_MAX)
			return perr(p, lineno, "Bad RekeyLimit size '%s'.", l->argv[1]);
		/* Below 16 bytes rekeying would never stop; OpenSSH refuses. */
		if (bytes != 0 && bytes < 16)
			return perr(p, lineno, "RekeyLimit too small '%s'.", l->argv[1]);
	}
	if (l->argc == 3 && strcmp(l->argv[2], "default") != 0 && strcmp(l->argv[2], "none") != 0) {
		if (cfg_parse_time(l->argv[2], &secs) < 0)
			return perr(p, lineno, "Bad RekeyLimit time value '%s'.", l->argv[2]);
	}
	if (p->active && c->rekey_limit_bytes == SSH_CFG_UNSET) {
		c->rekey_limit_bytes = (int64_t)bytes;
		if (l->argc == 3)
			c->rekey_limit_seconds = (int)secs;
	}
	return 0;
}

static int line_cb(void *ctx, const char *line, size_t n, int lineno)
{
	struct pctx *p = ctx;
	struct cfg_line l;
	int r = cfg_line_split(line, n, &l);
	if (r == SLC_ERR_FORMAT)
		r = perr(p, lineno, "invalid quotes");
	else if (r == 0 && l.argc > 0) {
		if (strcasecmp(l.argv[0], "rekeylimit") == 0)
			r = parse_rekeylimit(p, &l, lineno);
		else
			r = parse_option(p, &l, lineno);
	}
	cfg_line_free(&l);
	return r;
}

static int parse_buffer(struct pctx *p, const char *data, size_t len)
{
	return cfg_each_line(data, len, line_cb, p);
}

int ssh_config_apply_option(struct ssh_config *c, const char *line)
{
	struct pctx p = {.c = c, .file = "command-line", .active = true, .cmdline = true};
	return line_cb(&p, line, strlen(line), 0);
}

int ssh_config_read_file(struct ssh_config *c, const struct cfg_io *io, const char *path,
                         bool user_file, bool must_exist)
{
	char *data = NULL;
	size_t len = 0;
	int r = SLC_ERR_NOT_FOUND;
	if (io != NULL && io->read_file != NULL)
		r = io->read_file(io->ctx, path, &data, &len);
	if (r < 0) {
		if (!must_exist && r == SLC_ERR_NOT_FOUND)
			return 0;
		if (r == SLC_ERR_NOMEM)
			return r;
		return cfg_errf(&c->error, "Can't open user config file %s: %s", path,
		                r == SLC_ERR_NOT_FOUND ? "No such file or directory"
		                                       : slc_strerror(r));
	}
	struct pctx p = {.c = c, .io = io, .file = path, .user_file = user_file, .active = true};
	r = parse_buffer(&p, data, len);
	free(p.ignore_unknown);
	free(data);
	return r;
}

static int read_all_files(struct ssh_config *c, const struct cfg_io *io,
                          const struct ssh_config_sources *src)
{
	int r = 0;
	if (src->file != NULL) {
		if (strcasecmp(src->file, "none") == 0)
			return 0;
		return ssh_config_read_file(c, io, src->file, true, true);
	}
	char *user = NULL;
	if (src->user_file == NULL && asprintf(&user, "%s/.ssh/config", c->home) < 0)
		return SLC_ERR_NOMEM;
	r = ssh_config_read_file(c, io, src->user_file ? src->user_file : user, true, false);
	free(user);
	if (r == 0)
		r = ssh_config_read_file(
		        c, io, src->system_file ? src->system_file : "/etc/ssh/ssh_config", false,
		        false);
	return r;
}

int ssh_config_load(struct ssh_config *c, const struct cfg_io *io,
                    const struct ssh_config_sources *src)
{
	int r;
	for (size_t i = 0; i < src->n_options; i++)
		if ((r = ssh_config_apply_option(c, src->options[i])) < 0)
			return r;
	if ((r = read_all_files(c, io, src)) < 0)
		return r;
	if (!c->want_final)
		return 0;
	/* The final pass matches Host lines against the host name reached so
	 * far; values already obtained keep winning. */
	c->final_pass = true;
	if (c->hostname != NULL) {
		char *h = NULL;
		struct cfg_token t[] = {{'h', c->host_arg}};
		if (cfg_expand_tokens(c->hostname, t, 1, &h, NULL) == 0) {
			lower(h);
			free(c->match_host);
			c->match_host = h;
		}
	}
	return read_all_files(c, io, src);
}

#define DEF(field, v)                                                                              \
	do {                                                                                       \
		if ((field) == SSH_CFG_UNSET)                                                      \
			(field) = (v);                                                             \
	} while (0)

int ssh_config_finalize(struct ssh_config *c)
{
	int r = 0;
	char bad = 0;
	if (c->finalized)
		return 0;
	c->finalized = true;
	if (c->user == NULL && (c->user = strdup(c->local_user)) == NULL)
		return SLC_ERR_NOMEM;
	if (c->hostname == NULL) {
		if ((c->hostname = strdup(c->host_arg)) == NULL)
			return SLC_ERR_NOMEM;
		lower(c->hostname);
	} else {
		char *h = NULL;
		struct cfg_token t[] = {{'h', c->host_arg}};
		r = cfg_expand_tokens(c->hostname, t, 1, &h, &bad);
		if (r == SLC_ERR_CONFIG)
			return cfg_errf(&c->error, "percent_expand: unknown key %%%c", bad);
		if (r < 0)
			return r;
		lower(h);
		free(c->hostname);
		c->hostname = h;
	}
	DEF(c->port, 22);
	DEF(c->identities_only, 0);
	DEF(c->gateway_ports, 0);
	DEF(c->exit_on_forward_failure, 0);
	DEF(c->clear_all_forwardings, 0);
	/* Debian's OpenSSH keeps batch sessions from hanging on a dead peer. */
	if (c->batch_mode == 1)
		DEF(c->server_alive_interval, 300);
	DEF(c->server_alive_interval, 0);
	DEF(c->server_alive_count_max, 3);
	DEF(c->tcp_keep_alive, 1);
	if (c->connect_timeout == -3)
		c->connect_timeout = SSH_CFG_UNSET;
	DEF(c->connection_attempts, 1);
	DEF(c->strict_host_key_checking, SSH_SHKC_ASK);
	DEF(c->hash_known_hosts, 0);
	DEF(c->check_host_ip, 0);
	DEF(c->rekey_limit_bytes, 0);
	DEF(c->rekey_limit_seconds, 0);
	DEF(c->password_authentication, 1);
	DEF(c->kbd_interactive_authentication, 1);
	DEF(c->pubkey_authentication, SSH_PUBKEY_YES);
	DEF(c->number_of_password_prompts, 3);
	DEF(c->batch_mode, 0);
	DEF(c->log_level, SSH_LOG_INFO);
	DEF(c->tunnel, SSH_TUN_NO);
	DEF(c->tun_local, SSH_TUNID_ANY);
	DEF(c->tun_remote, SSH_TUNID_ANY);
	DEF(c->stream_local_bind_mask, 0177);
	DEF(c->stream_local_bind_unlink, 0);
	DEF(c->request_tty, SSH_TTY_AUTO);
	DEF(c->session_type, SSH_SESSION_DEFAULT);
	DEF(c->forward_agent, 0);
	DEF(c->compression, 0);
	DEF(c->address_family, SSH_AF_ANY);
	DEF(c->escape_char, '~');
	if (c->clear_all_forwardings) {
		/* OpenSSH counts a tunnel as a forwarding here too. */
		c->tunnel = SSH_TUN_NO;
		fwds_free(&c->local_forwards);
		fwds_free(&c->remote_forwards);
	}
	if (c->identity_files.n == 0) {
		static const char *const ids[] = {"~/.ssh/id_rsa", "~/.ssh/id_ecdsa",
		                                  "~/.ssh/id_ed25519"};
		for (size_t i = 0; i < 3; i++)
			if ((r = cfg_strv_push(&c->identity_files, ids[i])) < 0)
				return r;
	}
	if (c->user_known_hosts.n == 0) {
		if ((r = cfg_strv_push(&c->user_known_hosts, "~/.ssh/known_hosts")) < 0 ||
		    (r = cfg_strv_push(&c->user_known_hosts, "~/.ssh/known_hosts2")) < 0)
			return r;
	}
	if (c->global_known_hosts.n == 0) {
		if ((r = cfg_strv_push(&c->global_known_hosts, "/etc/ssh/ssh_known_hosts")) < 0 ||
		    (r = cfg_strv_push(&c->global_known_hosts, "/etc/ssh/ssh_known_hosts2")) < 0)
			return r;
	}
	if (c->permit_remote_open.n == 0 && (r = cfg_strv_push(&c->permit_remote_open, "any")) < 0)
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

int ssh_config_expand(struct ssh_config *c, const char *s, char **out)
{
	char port[16], bad = 0, *t = NULL;
	snprintf(port, sizeof(port), "%d", c->port);
	struct cfg_token toks[] = {{'d', c->home}, {'h', c->hostname}, {'n', c->host_arg},
	                           {'p', port},    {'r', c->user},     {'u', c->local_user}};
	int r = cfg_expand_tilde(s, c->home, &t);
	if (r < 0)
		return r;
	r = cfg_expand_tokens(t, toks, sizeof(toks) / sizeof(toks[0]), out, &bad);
	free(t);
	if (r == SLC_ERR_CONFIG)
		return cfg_errf(&c->error, "percent_expand: unknown key %%%c", bad);
	return r;
}
