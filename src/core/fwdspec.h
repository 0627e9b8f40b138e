/* fwdspec: forwarding specifications as ssh(1) -L/-R/-D and ssh_config(5)
 * LocalForward/RemoteForward/DynamicForward take them, parsed the way
 * OpenSSH 9.2 parses them (checked against its ssh -G on every form the
 * unit tests list), plus the bind-address rules OpenSSH applies to them.
 *
 * Grammar, as OpenSSH implements it (the man pages show only the main
 * forms):
 *   - leading white space is skipped; the rest is split at ':' into at
 *     most four fields, a trailing ':' ends the list ("8080:h:80:" is
 *     three fields), an empty field elsewhere is a field ("8080::80" has
 *     connect host "");
 *   - a field in square brackets is taken literally (IPv6 addresses,
 *     paths with ':'); the ']' must be followed by ':' or the end;
 *   - a field containing '/' is a Unix socket path (relative paths such
 *     as "x/y" included); paths are at most FWDSPEC_PATH_MAX bytes, host
 *     names at most FWDSPEC_HOST_MAX;
 *   - ports are decimal 0..65535 with optional leading white space and
 *     sign ("+80", " 80", "080"; "-0" is 0), or a service name resolved by
 *     the caller's service_port hook (OpenSSH uses getservbyname(3));
 *   - listen port 0 is accepted for remote forwards only (the server picks
 *     a port); a connect port must be 1..65535;
 *   - "*" and "" are kept as given: they mean "all interfaces" only to the
 *     bind functions below. OpenSSH's old '/' separator for IPv6
 *     ("::1/8080/...") is gone: '/' now means a path, so such specs fail.
 *
 * Field shapes (n fields, P = field is a path):
 *   1: port | path                          -> dynamic (SOCKS)
 *   2: path:path | port:path                -> path forwards
 *      host:port                            -> dynamic (SOCKS)
 *   3: path:host:port | host:port:path | port:host:port
 *   4: host:port:host:port
 * -D accepts any 1- or 2-field shape: "-D 8080:/sock" and "-D /a:/b" are
 * local forwards to a socket in OpenSSH (its -G prints them under both
 * dynamicforward and localforward), and parse here as FWDSPEC_LOCAL.
 * -R takes the non-dynamic shapes first, else a dynamic one. */
#ifndef SLC_FWDSPEC_H
#define SLC_FWDSPEC_H

#include <stdbool.h>

#include "err.h"

/* Longest accepted host name (OpenSSH: below NI_MAXHOST) and socket path
 * (below sizeof(sun_path) on Linux), in bytes without the NUL. */
#define FWDSPEC_HOST_MAX 1024
#define FWDSPEC_PATH_MAX 107

enum fwdspec_kind {
	FWDSPEC_LOCAL, /* -L, LocalForward */
	FWDSPEC_REMOTE, /* -R, RemoteForward */
	FWDSPEC_DYNAMIC /* -D, DynamicForward: a local SOCKS listener */
};

/* One forwarding. The listen side is a TCP port (listen_path NULL,
 * listen_port 0..65535, optional listen_host) or a Unix socket
 * (listen_path set, listen_port -1, listen_host NULL). The connect side is
 * host:port, a socket path, or nothing when dynamic is set (the peer of
 * the listener speaks SOCKS: FWDSPEC_DYNAMIC, and -R [bind_address:]port).
 * All strings are owned by the struct; free with fwdspec_free(). */
struct fwdspec {
	enum fwdspec_kind kind;
	bool dynamic;
	char *listen_host; /* NULL: no bind address given; "" and "*" kept */
	int listen_port; /* -1 with listen_path */
	char *listen_path;
	char *connect_host; /* NULL when dynamic or connect_path */
	int connect_port; /* 1..65535 with connect_host, else -1 */
	char *connect_path;
};

/* Service names in port fields. service_port returns the port for name
 * (0..65535) or -1; NULL accepts decimal ports only. Called only for
 * fields that are not decimal numbers. */
struct fwdspec_opts {
	int (*service_port)(const char *name, void *arg);
	void *arg;
};

/* A command-line spec (the argument of -L, -R or -D; kind picks which).
 * opts may be NULL. On success fills *f (caller frees with fwdspec_free).
 * On a bad spec returns SLC_ERR_CONFIG and, if errmsg is not NULL, sets
 * *errmsg to OpenSSH's message, e.g. "Bad local forwarding specification
 * '8080'" (spec verbatim; "remote"/"dynamic" for -R/-D), malloc'd, for
 * the caller to print and free. SLC_ERR_NOMEM leaves *errmsg NULL. */
SLC_WUR int fwdspec_parse(const char *spec, enum fwdspec_kind kind, const struct fwdspec_opts *opts,
                          struct fwdspec *f, char **errmsg);

/* A config-file forward: listen and connect are the keyword's first and
 * second arguments (connect NULL when absent); OpenSSH joins them with
 * ':' and parses the result, so "LocalForward 8080:h 80" is accepted.
 * LocalForward needs connect ("Missing target argument." when NULL or
 * empty); RemoteForward with connect NULL or "" is a dynamic forward,
 * with a connect argument a plain one; DynamicForward takes no connect
 * argument ("keyword dynamicforward extra arguments at end of line").
 * Other bad specs give "Bad forwarding specification.", all with
 * SLC_ERR_CONFIG. Messages are without OpenSSH's
 * "file line N: " prefix. Same ownership as fwdspec_parse. */
SLC_WUR int fwdspec_parse_config(enum fwdspec_kind kind, const char *listen, const char *connect,
                                 const struct fwdspec_opts *opts, struct fwdspec *f, char **errmsg);

void fwdspec_free(struct fwdspec *f);

/* Deep copy; SLC_ERR_NOMEM leaves *dst zeroed. */
SLC_WUR int fwdspec_copy(struct fwdspec *dst, const struct fwdspec *src);

/* ssh -G. OpenSSH prints, in this order: one "dynamicforward" line per
 * local-side spec (LocalForward and DynamicForward, in the order given)
 * for which fwdspec_dump_has(f, FWDSPEC_DYNAMIC), then one "localforward"
 * line per local-side spec with fwdspec_dump_has(f, FWDSPEC_LOCAL), then
 * the remote ones. A local forward to a socket path appears under both
 * keywords (an OpenSSH quirk that scripts may rely on). */
bool fwdspec_dump_has(const struct fwdspec *f, enum fwdspec_kind keyword);
/* The -G line for f under keyword, without newline, e.g.
 * "localforward [127.0.0.1]:8080 [::1]:80", "remoteforward 0 [socks]:0",
 * "dynamicforward 1080". *line is malloc'd. SLC_ERR_INVALID when
 * !fwdspec_dump_has(f, keyword). */
SLC_WUR int fwdspec_format(const struct fwdspec *f, enum fwdspec_kind keyword, char **line);

/* Where a local TCP listener (-L, -D) binds, as OpenSSH's client decides:
 * no bind address -> loopback, or all interfaces with GatewayPorts (-g);
 * "" or "*" -> all interfaces; "localhost" -> loopback whatever
 * GatewayPorts says; anything else -> that address (*addr points to
 * f->listen_host). Loopback and all mean both address families
 * (127.0.0.1 and ::1, or 0.0.0.0 and ::). Only for listen_path == NULL. */
enum fwdspec_bind { FWDSPEC_BIND_LOOPBACK, FWDSPEC_BIND_ANY, FWDSPEC_BIND_ADDR };
enum fwdspec_bind fwdspec_local_bind(const struct fwdspec *f, bool gateway_ports,
                                     const char **addr);

/* The address a client puts in a "tcpip-forward" global request for a
 * remote TCP forward, as OpenSSH's ssh sends it: "localhost" when no bind
 * address was given, "" for "" or "*", otherwise the address as given
 * (the server's GatewayPorts decides what it binds). Borrowed from f or a
 * literal. */
const char *fwdspec_remote_bind_host(const struct fwdspec *f);

#endif
