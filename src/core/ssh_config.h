/* ssh_config: the client configuration grammar of ssh_config(5), as
 * OpenSSH 9.2 reads it.
 *
 * Order of precedence (the first value obtained wins, except for the
 * accumulating options IdentityFile, CertificateFile, LocalForward,
 * RemoteForward, DynamicForward, SendEnv and SetEnv):
 *   1. command-line options, applied with ssh_config_apply_option() in the
 *      order given (-o, and the caller's translation of -p, -l, -i, -L ...)
 *   2. the user file (~/.ssh/config) or, with -F, that file instead of both
 *   3. the system file (/etc/ssh/ssh_config)
 * ssh_config_load() does 1-3 and the "Match final" re-read; then
 * ssh_config_finalize() fills in defaults.
 *
 * Typical use:
 *     struct ssh_config c;
 *     r = ssh_config_init(&c, host, local_user, home);
 *     r = ssh_config_load(&c, &io, &sources);   (prints nothing)
 *     r = ssh_config_finalize(&c);
 *     on error: fprintf(stderr, "%s\n", c.error); exit(255);
 *     ssh_config_free(&c);
 *
 * Keywords OpenSSH knows but sluice does not implement are accepted and
 * listed in `unsupported` ("file line N: Keyword") so the client can warn
 * under -v. Unknown keywords and bad values fail with SLC_ERR_CONFIG and a
 * message in `error` worded as OpenSSH's.
 *
 * Forwarding specifications are parsed by fwdspec (OpenSSH's grammar and
 * error texts) and stored as struct fwdspec, in two lists as OpenSSH keeps
 * them: local-side (LocalForward and DynamicForward interleaved in the
 * order given) and remote. -G prints from these lists in OpenSSH's order. */
#ifndef SLC_SSH_CONFIG_H
#define SLC_SSH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "fwdspec.h"

/* Forwards in the order given; an identical spec given again is dropped,
 * as OpenSSH does. Entries owned by the list. */
struct ssh_cfg_fwds {
	struct fwdspec *v;
	size_t n;
};

/* -1 (unset) is the value of every enum and int option before finalize. */
#define SSH_CFG_UNSET (-1)

enum ssh_cfg_shkc { SSH_SHKC_NO, SSH_SHKC_YES, SSH_SHKC_ASK, SSH_SHKC_ACCEPT_NEW };
enum ssh_cfg_tty { SSH_TTY_NO, SSH_TTY_YES, SSH_TTY_FORCE, SSH_TTY_AUTO };
enum ssh_cfg_session { SSH_SESSION_DEFAULT, SSH_SESSION_NONE, SSH_SESSION_SUBSYSTEM };
/* SSH_TUN_YES asks for the default mode, point-to-point. */
enum ssh_cfg_tunnel { SSH_TUN_NO, SSH_TUN_YES, SSH_TUN_POINTOPOINT, SSH_TUN_ETHERNET };
#define SSH_TUNID_ANY 0x7fffffff
enum ssh_cfg_af { SSH_AF_ANY, SSH_AF_INET, SSH_AF_INET6 };
enum ssh_cfg_pubkey { SSH_PUBKEY_NO, SSH_PUBKEY_YES, SSH_PUBKEY_UNBOUND, SSH_PUBKEY_HOSTBOUND };
enum ssh_cfg_loglevel {
	SSH_LOG_QUIET,
	SSH_LOG_FATAL,
	SSH_LOG_ERROR,
	SSH_LOG_INFO,
	SSH_LOG_VERBOSE,
	SSH_LOG_DEBUG1,
	SSH_LOG_DEBUG2,
	SSH_LOG_DEBUG3
};
/* EscapeChar none */
#define SSH_ESCAPE_NONE (-2)

struct ssh_config {
	/* What is matched against (set by ssh_config_init; owned). */
	char *host_arg; /* the destination as given: Match originalhost */
	char *match_host; /* lower-cased: Host lines and Match host */
	char *local_user;
	char *home;
	bool final_pass; /* re-reading for Match final/canonical */
	bool want_final; /* a Match final or canonical was seen */

	char *hostname;
	int port;
	char *user;
	struct cfg_strv identity_files;
	struct cfg_strv certificate_files;
	int identities_only;
	char *identity_agent;
	/* kind FWDSPEC_LOCAL or FWDSPEC_DYNAMIC (DynamicForward "8080:/sock"
	 * is a local forward, as in OpenSSH) */
	struct ssh_cfg_fwds local_forwards;
	struct ssh_cfg_fwds remote_forwards; /* kind FWDSPEC_REMOTE */
	int gateway_ports;
	int exit_on_forward_failure;
	int clear_all_forwardings;
	int server_alive_interval; /* seconds */
	int server_alive_count_max;
	int tcp_keep_alive;
	int connect_timeout; /* seconds; SSH_CFG_UNSET after finalize = none */
	int connection_attempts;
	int strict_host_key_checking; /* enum ssh_cfg_shkc */
	struct cfg_strv user_known_hosts; /* as written; see ssh_config_expand */
	struct cfg_strv global_known_hosts;
	int hash_known_hosts;
	int check_host_ip;
	char *ciphers; /* final comma lists after finalize; the spec before */
	char *macs;
	char *kex_algorithms;
	char *hostkey_algorithms;
	char *pubkey_accepted_algorithms;
	int64_t rekey_limit_bytes; /* 0 = cipher default */
	int rekey_limit_seconds; /* 0 = none */
	char *preferred_authentications;
	int password_authentication;
	int kbd_interactive_authentication;
	int pubkey_authentication; /* enum ssh_cfg_pubkey */
	int number_of_password_prompts;
	int batch_mode;
	int log_level; /* enum ssh_cfg_loglevel */
	char *proxy_jump; /* NULL or "none" mean none */
	char *proxy_command; /* raw text, tokens unexpanded */
	int tunnel; /* enum ssh_cfg_tunnel */
	int tun_local, tun_remote; /* SSH_TUNID_ANY or a unit */
	struct cfg_strv permit_remote_open;
	int stream_local_bind_mask;
	int stream_local_bind_unlink;
	struct cfg_strv send_env;
	struct cfg_strv set_env; /* "NAME=value" */
	int request_tty; /* enum ssh_cfg_tty */
	int session_type; /* enum ssh_cfg_session */
	int forward_agent; /* 0/1; 1 with forward_agent_sock set = that socket */
	char *forward_agent_sock;
	int compression; /* "yes" accepted but never used (warn_compression) */
	bool warn_compression;
	int address_family; /* enum ssh_cfg_af */
	char *bind_address;
	int escape_char; /* a byte, or SSH_ESCAPE_NONE */

	/* "file line N: Keyword" for each recognised keyword sluice ignores. */
	struct cfg_strv unsupported;
	/* Message for the last SLC_ERR_CONFIG (OpenSSH's wording, no newline,
	 * possibly two lines). */
	char *error;

	/* private */
	bool user_knownhosts_set, global_knownhosts_set, permit_remote_open_set;
	bool ciphers_set, macs_set, kex_set, hostkey_set, pubkey_set;
	char *ciphers_spec, *macs_spec, *kex_spec, *hostkey_spec, *pubkey_spec;
	bool finalized;
};

/* host: the destination host name as given (user@ and port removed by the
 * caller); local_user, home: for defaults and tokens. */
SLC_WUR int ssh_config_init(struct ssh_config *c, const char *host, const char *local_user,
                            const char *home);
void ssh_config_free(struct ssh_config *c);

/* One command-line option, "Keyword=value" or "Keyword value", as -o
 * takes it. Errors are reported as "command-line line 0: ...". */
SLC_WUR int ssh_config_apply_option(struct ssh_config *c, const char *line);

/* Read one file. user_file: relative Include paths are under ~/.ssh
 * (home/.ssh), otherwise under /etc/ssh. must_exist: a missing file is an
 * error ("Can't open user config file ..."), else it is skipped. */
SLC_WUR int ssh_config_read_file(struct ssh_config *c, const struct cfg_io *io, const char *path,
                                 bool user_file, bool must_exist);

struct ssh_config_sources {
	const char *const *options; /* -o strings in command-line order */
	size_t n_options;
	/* -F file: replaces both files below ("none" reads nothing). */
	const char *file;
	const char *user_file; /* NULL: home/.ssh/config */
	const char *system_file; /* NULL: /etc/ssh/ssh_config */
};

/* The whole sequence: options, files, and the re-read when a Match final
 * or canonical line asked for it. */
SLC_WUR int ssh_config_load(struct ssh_config *c, const struct cfg_io *io,
                            const struct ssh_config_sources *src);

/* Apply defaults, expand %h in Hostname, resolve the algorithm lists.
 * Call once, after loading. */
SLC_WUR int ssh_config_finalize(struct ssh_config *c);

/* Expand "~" and the tokens %d (home) %h (hostname) %n (host as given)
 * %p (port) %r (remote user) %u (local user) %% in a path-like value, for
 * IdentityFile, UserKnownHostsFile, IdentityAgent, ... after finalize.
 * *out malloc'd; SLC_ERR_CONFIG (c->error set) for an unknown token. */
SLC_WUR int ssh_config_expand(struct ssh_config *c, const char *s, char **out);

/* The effective configuration as `ssh -G` prints it (OpenSSH 9.2 keyword
 * order and value spellings, one "keyword value\n" per line) for the
 * options sluice implements. After finalize. *out is malloc'd. */
SLC_WUR int ssh_config_dump(struct ssh_config *c, char **out);

/* A command-line forward: the argument of -L, -R or -D (kind), parsed as
 * ssh parses it there (fwdspec_parse: "-R 8080" is a remote SOCKS forward,
 * "-D 8080:/sock" a local one) and appended like the config keywords.
 * OpenSSH appends -L/-R/-D and -o LocalForward=... to the same lists in
 * command-line order, ahead of the files: call this for each -L/-R/-D
 * before ssh_config_load() (after it, the spec lands after the files'
 * forwards). On a bad spec returns SLC_ERR_CONFIG with c->error set to
 * ssh's message, e.g. "Bad local forwarding specification '8080'" (no
 * "command-line line 0:" prefix, as ssh prints it). A -o LocalForward
 * cannot carry a -L spec: ssh rejects "-o LocalForward=8080:h:80" (Missing
 * target argument.) and so does ssh_config_apply_option(). */
SLC_WUR int ssh_config_add_forward_arg(struct ssh_config *c, enum fwdspec_kind kind,
                                       const char *spec);

/* Names for enum values, as -G prints them. */
const char *ssh_config_loglevel_name(int level);

#endif
