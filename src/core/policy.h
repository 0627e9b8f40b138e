/* policy: the server's forwarding decisions, as a pure function of the
 * settings in force for a connection and one request.
 *
 *     struct policy_settings s;
 *     policy_settings_init(&s);            (OpenSSH's defaults)
 *     s.allow_tcp = POLICY_DIR_LOCAL; s.from.allow_tcp = "sshd_config line 12";
 *     ...
 *     struct policy_request rq = {.kind = POLICY_LOCAL_TCP, .host = "db", .port = 3306};
 *     struct policy_decision d;
 *     r = policy_check(&s, &rq, &d);
 *     if (r == SLC_ERR_DENIED) {
 *             char line[512];
 *             policy_describe(&rq, &d, line, sizeof(line));
 *             log("%s", line);   "refused local port forwarding to db:3306:
 *                                 PermitOpen does not allow it (sshd_config line 12)"
 *     }
 *
 * The settings are plain values so that both the sshd_config parser (after
 * Match) and the authorized_keys parser can fill them; nothing here reads a
 * file, resolves a name or looks at the clock.
 *
 * The rules are sshd_config(5) and sshd(8) as OpenSSH 9.2 applies them,
 * checked by experiment: tests/e2e/test_policy_table.py runs a table of
 * settings x requests against a real sshd and tests/unit/test_policy.c runs
 * the same table against this module. Where OpenSSH's behaviour is not what
 * the manual suggests, the table wins; those places are marked "observed"
 * below. */
#ifndef SLC_POLICY_H
#define SLC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* AllowTcpForwarding / AllowStreamLocalForwarding: "yes" and "all" are
 * POLICY_DIR_ALL. Local and remote are from ssh(1)'s point of view:
 * local = -L (direct-tcpip), remote = -R (tcpip-forward). */
enum policy_dir {
	POLICY_DIR_NONE = 0,
	POLICY_DIR_LOCAL = 1,
	POLICY_DIR_REMOTE = 2,
	POLICY_DIR_ALL = 3,
};

enum policy_gw { POLICY_GW_NO, POLICY_GW_YES, POLICY_GW_CLIENTSPECIFIED };

/* PermitTunnel, and the mode of a tun@openssh.com request (the wire values
 * 1 and 2 of OpenSSH's PROTOCOL). "yes" allows both. */
enum policy_tun {
	POLICY_TUN_NO = 0,
	POLICY_TUN_POINTOPOINT = 1,
	POLICY_TUN_ETHERNET = 2,
	POLICY_TUN_YES = 3,
};

/* tun@openssh.com's "any unit" */
#define POLICY_TUN_ANY 0x7fffffffu

#define POLICY_PORT_ANY (-1)

/* One PermitOpen / PermitListen / permitopen= / permitlisten= entry.
 * host: IPv6 brackets removed; "*" for any host; NULL (PermitListen and
 * permitlisten= with a bare port) also any host. port: 1..65535 or
 * POLICY_PORT_ANY for '*'.
 * PermitOpen hosts are compared literally, case and all (observed: entry
 * "LOCALHOST" does not allow "localhost"); PermitListen hosts are wildcard
 * patterns (* and ?) matched against the bind address as the client sent
 * it, lower-cased (observed: so a pattern with capitals never matches), and
 * "localhost" (what ssh sends when no bind address was given) and
 * "127.0.0.1" are different things. The lists are the same types whether
 * they come from sshd_config or from authorized_keys; both apply. */
struct policy_hostport {
	const char *host;
	int port;
};

enum policy_list_mode {
	POLICY_LIST_ANY = 0, /* no restriction: unset, or "any" */
	POLICY_LIST_NONE, /* "none": nothing is allowed */
	POLICY_LIST_SOME, /* only the n entries */
};

/* A permission list. The entries are borrowed unless the list was made by
 * policy_list_parse (then policy_list_free releases them). */
struct policy_list {
	enum policy_list_mode mode;
	const struct policy_hostport *v;
	size_t n;
	void *owned; /* private: the block policy_list_parse allocated */
};

/* Where each setting came from, for the log line: "sshd_config line 12",
 * "/root/.ssh/authorized_keys line 3"... NULL means the built-in default.
 * Borrowed. */
struct policy_origins {
	const char *disable_forwarding;
	const char *allow_tcp;
	const char *allow_streamlocal;
	const char *gateway_ports;
	const char *permit_open;
	const char *permit_listen;
	const char *permit_tunnel;
	const char *x11_forwarding;
	const char *allow_agent;
	const char *key; /* the authorized_keys line of the key used */
};

/* The effective settings for one connection. */
struct policy_settings {
	/* sshd_config, after Match */
	bool disable_forwarding;
	enum policy_dir allow_tcp;
	enum policy_dir allow_streamlocal;
	enum policy_gw gateway_ports;
	struct policy_list permit_open;
	struct policy_list permit_listen;
	enum policy_tun permit_tunnel;
	bool x11_forwarding;
	bool allow_agent;

	/* authorized_keys options of the key the user logged in with; all
	 * ignored unless key_used (password logins, keys without a line of
	 * their own...). The flags are the state after the whole option list
	 * was read: "restrict" clears them, a later "port-forwarding" sets
	 * key_port_forwarding again, "no-port-forwarding" clears it. */
	bool key_used;
	bool key_port_forwarding;
	bool key_x11_forwarding;
	bool key_agent_forwarding;
	struct policy_list key_permitopen; /* POLICY_LIST_ANY when none given */
	struct policy_list key_permitlisten; /* POLICY_LIST_ANY when none given */
	long key_tunnel; /* tunnel="n", or -1 */

	/* only root may listen on ports below 1024 */
	bool user_is_root;

	struct policy_origins from;
};

enum policy_kind {
	POLICY_LOCAL_TCP, /* direct-tcpip: host, port = where to connect */
	POLICY_REMOTE_TCP, /* tcpip-forward: host, port = where to listen (0: any) */
	POLICY_LOCAL_STREAM, /* direct-streamlocal@openssh.com: path */
	POLICY_REMOTE_STREAM, /* streamlocal-forward@openssh.com: path */
	POLICY_TUN, /* tun@openssh.com: tun_mode, tun_unit */
	POLICY_X11, /* x11-req */
	POLICY_AGENT, /* auth-agent-req@openssh.com */
};

/* A request as it came off the wire. Strings are borrowed and must be
 * NUL-terminated (the channel layer has already refused embedded NULs). */
struct policy_request {
	enum policy_kind kind;
	const char *host; /* TCP kinds: as sent, "" allowed */
	uint32_t port; /* TCP kinds; values above 65535 are refused */
	const char *path; /* stream kinds */
	uint32_t tun_mode; /* POLICY_TUN_POINTOPOINT or POLICY_TUN_ETHERNET */
	uint32_t tun_unit; /* a unit number or POLICY_TUN_ANY */
};

/* Which rule refused a request. */
enum policy_rule {
	POLICY_RULE_NONE = 0,
	POLICY_RULE_BAD_REQUEST, /* port > 65535, unknown tun mode, no host */
	POLICY_RULE_DISABLE_FORWARDING, /* DisableForwarding yes */
	POLICY_RULE_KEY_NO_PORT_FORWARDING, /* restrict / no-port-forwarding */
	POLICY_RULE_ALLOW_TCP, /* AllowTcpForwarding */
	POLICY_RULE_ALLOW_STREAMLOCAL, /* AllowStreamLocalForwarding */
	POLICY_RULE_PERMIT_OPEN, /* PermitOpen */
	POLICY_RULE_KEY_PERMITOPEN, /* permitopen= */
	POLICY_RULE_PERMIT_LISTEN, /* PermitListen */
	POLICY_RULE_KEY_PERMITLISTEN, /* permitlisten= */
	POLICY_RULE_PRIVILEGED_PORT, /* listen port < 1024 for a non-root user */
	POLICY_RULE_PERMIT_TUNNEL, /* PermitTunnel */
	POLICY_RULE_KEY_TUNNEL, /* tunnel= names another unit */
	POLICY_RULE_X11_FORWARDING, /* X11Forwarding no */
	POLICY_RULE_KEY_NO_X11, /* restrict / no-X11-forwarding */
	POLICY_RULE_ALLOW_AGENT, /* AllowAgentForwarding no */
	POLICY_RULE_KEY_NO_AGENT, /* restrict / no-agent-forwarding */
};

/* Where a remote TCP forward listens. */
enum policy_bind {
	POLICY_BIND_NONE = 0, /* not a remote TCP forward, or refused */
	POLICY_BIND_LOOPBACK, /* 127.0.0.1 and ::1 */
	POLICY_BIND_WILDCARD, /* 0.0.0.0 and :: */
	POLICY_BIND_ADDRESS, /* bind_addr: an address or a name to resolve
	                        (with AI_PASSIVE; one that does not resolve
	                        fails the request, as in sshd) */
};

struct policy_decision {
	bool allow;
	enum policy_rule rule; /* refusals: the first rule that refused */
	const char *origin; /* its origin from policy_settings.from (NULL: default) */
	enum policy_bind bind; /* POLICY_REMOTE_TCP, allowed */
	const char *bind_addr; /* POLICY_BIND_ADDRESS: the request's host */
	uint32_t tun_unit; /* POLICY_TUN, allowed: the unit to open (tunnel=
	                      overrides "any"), or POLICY_TUN_ANY */
};

/* OpenSSH's defaults: TCP and StreamLocal forwarding in both directions,
 * GatewayPorts no, no PermitOpen/PermitListen restriction, PermitTunnel
 * no, X11Forwarding no, AllowAgentForwarding yes, no key options, not
 * root, every origin NULL. */
void policy_settings_init(struct policy_settings *s);

/* Decide. Returns 0 when the request is allowed, SLC_ERR_DENIED when a
 * rule refuses it (d says which), SLC_ERR_INVALID for NULL arguments or an
 * unknown kind. d is always filled when non-NULL. d's pointers borrow from
 * s and r. */
SLC_WUR int policy_check(const struct policy_settings *s, const struct policy_request *r,
                         struct policy_decision *d);

/* The log line for a decision: "refused local port forwarding to db:3306:
 * PermitOpen does not allow it (sshd_config line 12)", or "allowed ..." with
 * where a remote forward listens. Untrusted strings from the request are
 * written with non-printable bytes escaped as \xNN, so the line is safe for
 * a log. Like snprintf: returns the length the whole line needs; buf gets
 * as much as fits, NUL-terminated when len > 0. */
size_t policy_describe(const struct policy_request *r, const struct policy_decision *d, char *buf,
                       size_t len);

/* Short name of a rule, as the keyword an administrator would look up:
 * "PermitOpen", "permitopen", "AllowTcpForwarding"... */
const char *policy_rule_name(enum policy_rule rule);

/* Optional service-name lookup for ports written as names ("h:ssh", which
 * sshd accepts): return the port, or -1. The caller supplies it (e.g. with
 * getservbyname) so this module stays free of I/O. */
typedef int (*policy_port_lookup_fn)(const char *name);

/* Build a list from sshd_config words as written: PermitOpen ("any",
 * "none", "host:port", "[v6addr]:port", "*" for either part), or, with
 * listen set, PermitListen (also "port" and "*", meaning any host). A
 * single "any" or "none" must be the only word, and ports are 1..65535, as
 * sshd -t requires. lookup may be NULL (then only numeric ports).
 * SLC_ERR_CONFIG with err (errlen bytes, may be NULL) naming the bad word,
 * SLC_ERR_NOMEM, SLC_ERR_INVALID. n == 0 gives POLICY_LIST_ANY. */
SLC_WUR int policy_list_parse(const char *const *words, size_t n, bool listen,
                              policy_port_lookup_fn lookup, struct policy_list *out, char *err,
                              size_t errlen);

/* Release a list made by policy_list_parse; harmless on borrowed ones
 * (only the owned block is freed). Leaves an empty POLICY_LIST_ANY. */
void policy_list_free(struct policy_list *l);

#endif
