/* sshd_config: the server configuration grammar of sshd_config(5), as
 * OpenSSH 9.2 reads it.
 *
 *     struct sshd_config c;
 *     sshd_config_init(&c);
 *     r = sshd_config_read_file(&c, &io, "/etc/ssh/sshd_config");
 *     r = sshd_config_finalize(&c);      (defaults; global values only)
 *     ...per connection, once user/addresses are known:
 *     struct sshd_config eff;
 *     r = sshd_config_for_connection(&c, &conn, &eff);
 *     ...
 *     sshd_config_free(&eff); sshd_config_free(&c);
 *
 * The first value obtained for an option wins. Match blocks are checked
 * when the file is read (only the keywords sshd_config(5) allows there)
 * but applied only by sshd_config_for_connection(), which keeps the parsed
 * lines and needs no file access: values from matching blocks override the
 * global ones, first value within the blocks winning.
 *
 * Errors are SLC_ERR_CONFIG with `error` worded as sshd's ("file line N:
 * ..."; "file: line N: Bad configuration option: X" plus the terminating
 * line for unknown keywords). Keywords OpenSSH knows and sluiced does not
 * implement are accepted and listed in `unsupported` for a debug note. */
#ifndef SLC_SSHD_CONFIG_H
#define SLC_SSHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

#define SSHD_CFG_UNSET (-1)
#define SSHD_MAX_PORTS 256

enum sshd_af { SSHD_AF_ANY, SSHD_AF_INET, SSHD_AF_INET6 };
enum sshd_root {
	SSHD_ROOT_NO,
	SSHD_ROOT_YES,
	SSHD_ROOT_PROHIBIT_PASSWORD,
	SSHD_ROOT_FORCED_COMMANDS
};
enum sshd_fwd { SSHD_FWD_NO, SSHD_FWD_YES, SSHD_FWD_LOCAL, SSHD_FWD_REMOTE };
enum sshd_gwports { SSHD_GW_NO, SSHD_GW_YES, SSHD_GW_CLIENTSPECIFIED };
enum sshd_tun { SSHD_TUN_NO, SSHD_TUN_YES, SSHD_TUN_POINTOPOINT, SSHD_TUN_ETHERNET };
/* LogLevel values are those of ssh_config.h's enum ssh_cfg_loglevel. */

struct sshd_config {
	int ports[SSHD_MAX_PORTS];
	size_t nports;
	struct cfg_strv listen_addrs; /* as written: "addr", "addr:port", "[v6]:port" */
	int address_family;
	struct cfg_strv host_keys;
	char *pid_file;
	int log_level;
	char *syslog_facility; /* upper case */
	int permit_root_login;
	int pubkey_authentication;
	int password_authentication;
	int kbd_interactive_authentication;
	int use_pam;
	struct cfg_strv authorized_keys_files; /* tokens unexpanded */
	int strict_modes;
	int max_auth_tries;
	int max_sessions;
	int max_startups_begin, max_startups_rate, max_startups_full;
	int login_grace_time;
	int client_alive_interval;
	int client_alive_count_max;
	int tcp_keep_alive;
	char *ciphers; /* final lists after finalize */
	char *macs;
	char *kex_algorithms;
	char *hostkey_algorithms;
	char *pubkey_accepted_algorithms;
	int64_t rekey_limit_bytes;
	int rekey_limit_seconds;
	struct cfg_strv accept_env;
	struct cfg_strv set_env;
	struct cfg_strv subsystems; /* "name command args..." */
	int allow_tcp_forwarding; /* enum sshd_fwd */
	int allow_stream_local_forwarding; /* enum sshd_fwd */
	int disable_forwarding;
	int gateway_ports; /* enum sshd_gwports */
	struct cfg_strv permit_open;
	struct cfg_strv permit_listen;
	int permit_tunnel; /* enum sshd_tun */
	int stream_local_bind_mask;
	int stream_local_bind_unlink;
	int permit_tty;
	char *force_command; /* NULL or "none": none */
	struct cfg_strv allow_users, deny_users, allow_groups, deny_groups;
	char *banner; /* NULL or "none": none */
	int print_motd;
	int x11_forwarding; /* "yes" is parsed; sluiced never forwards X11 */
	char *permit_user_environment; /* "no", "yes" or a pattern list */

	struct cfg_strv unsupported; /* "file line N: Keyword" */
	char *error;

	/* private: every line read, for Match evaluation per connection */
	char *ciphers_spec, *macs_spec, *kex_spec, *hostkey_spec, *pubkey_spec;
	struct sshd_saved_line *lines;
	size_t nlines;
	bool finalized;
};

/* What Match criteria test. NULL/0 members never match. */
struct sshd_conn_info {
	const char *user;
	const char *const *groups; /* the user's groups */
	size_t ngroups;
	const char *host; /* remote host name (UseDNS) or NULL */
	const char *addr; /* remote address, numeric */
	const char *laddr; /* local address, numeric */
	int lport; /* local port, 0 unknown */
};

void sshd_config_init(struct sshd_config *c);
void sshd_config_free(struct sshd_config *c);

/* Read a file (a missing one is "file: No such file or directory").
 * Relative Include paths are under /etc/ssh. */
SLC_WUR int sshd_config_read_file(struct sshd_config *c, const struct cfg_io *io, const char *path);
/* Parse text as a file named name (tests, -o style use). */
SLC_WUR int sshd_config_read_string(struct sshd_config *c, const struct cfg_io *io,
                                    const char *name, const char *text, size_t len);
SLC_WUR int sshd_config_finalize(struct sshd_config *c);

/* The effective configuration for one connection: a deep copy of base
 * (finalized) with matching Match blocks applied, itself finalized. */
SLC_WUR int sshd_config_for_connection(const struct sshd_config *base,
                                       const struct sshd_conn_info *ci, struct sshd_config *out);

/* Parse "user=...,host=...,addr=...,laddr=...,lport=..." as sshd -C
 * takes it; the strings point into spec, which the caller keeps. spec is
 * modified. Groups are the caller's to look up. */
SLC_WUR int sshd_conn_info_parse(char *spec, struct sshd_conn_info *ci);

/* Expand AuthorizedKeysFile tokens %h (home) %u (user) %U (uid) %%;
 * a relative result is taken relative to home. *out malloc'd. */
SLC_WUR int sshd_config_expand_keys_file(const char *pattern, const char *user, const char *home,
                                         unsigned long uid, char **out);

/* `sshd -T` output for the implemented options (OpenSSH 9.2 order and
 * spelling). ListenAddress host names are printed as written, not
 * resolved. *out malloc'd. */
SLC_WUR int sshd_config_dump(const struct sshd_config *c, char **out);

#endif
