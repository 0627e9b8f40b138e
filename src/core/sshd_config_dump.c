/* sshd_config_dump: the effective server configuration in `sshd -T`
 * form, in OpenSSH 9.2's order and spelling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ssh_config.h"
#include "sshd_config.h"

static const char *yesno(int v)
{
	return v ? "yes" : "no";
}

static void put_list(FILE *f, const char *kw, const struct cfg_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		fprintf(f, "%s %s\n", kw, sv->v[i]);
}

static void put_joined(FILE *f, const char *kw, const struct cfg_strv *sv)
{
	fputs(kw, f);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(f, " %s", sv->v[i]);
	fputc('\n', f);
}

/* One ListenAddress entry, numeric or a name, with its port(s). */
static void put_listen(FILE *f, const struct sshd_config *c, const char *spec)
{
	char host[1100];
	const char *port = NULL;
	if (strlen(spec) >= sizeof(host))
		return;
	strcpy(host, spec);
	char *h = host;
	if (host[0] == '[') {
		char *close = strchr(host, ']');
		if (close == NULL)
			return;
		*close = '\0';
		h = host + 1;
		if (close[1] == ':')
			port = close + 2;
	} else {
		char *colon = strchr(host, ':');
		if (colon && strchr(colon + 1, ':') == NULL) {
			*colon = '\0';
			port = colon + 1;
		}
	}
	bool v6 = strchr(h, ':') != NULL;
	if (port) {
		fprintf(f, v6 ? "listenaddress [%s]:%s\n" : "listenaddress %s:%s\n", h, port);
		return;
	}
	for (size_t i = 0; i < c->nports; i++)
		fprintf(f, v6 ? "listenaddress [%s]:%d\n" : "listenaddress %s:%d\n", h,
		        c->ports[i]);
}

int sshd_config_dump(const struct sshd_config *c, char **out)
{
	static const char *const af[] = {"any", "inet", "inet6"};
	static const char *const root[] = {"no", "yes", "without-password", "forced-commands-only"};
	static const char *const fwd[] = {"no", "yes", "local", "remote"};
	static const char *const gw[] = {"no", "yes", "clientspecified"};
	static const char *const tun[] = {"no", "yes", "point-to-point", "ethernet"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return SLC_ERR_NOMEM;
	for (size_t i = 0; i < c->nports; i++)
		fprintf(f, "port %d\n", c->ports[i]);
	fprintf(f, "addressfamily %s\n", af[c->address_family]);
	if (c->listen_addrs.n == 0) {
		for (size_t i = 0; i < c->nports; i++) {
			if (c->address_family != SSHD_AF_INET)
				fprintf(f, "listenaddress [::]:%d\n", c->ports[i]);
			if (c->address_family != SSHD_AF_INET6)
				fprintf(f, "listenaddress 0.0.0.0:%d\n", c->ports[i]);
		}
	}
	for (size_t i = 0; i < c->listen_addrs.n; i++)
		put_listen(f, c, c->listen_addrs.v[i]);
	fprintf(f, "usepam %s\n", yesno(c->use_pam));
	fprintf(f, "logingracetime %d\n", c->login_grace_time);
	fprintf(f, "maxauthtries %d\n", c->max_auth_tries);
	fprintf(f, "maxsessions %d\n", c->max_sessions);
	fprintf(f, "clientaliveinterval %d\n", c->client_alive_interval);
	fprintf(f, "clientalivecountmax %d\n", c->client_alive_count_max);
	fprintf(f, "streamlocalbindmask 0%o\n", (unsigned)c->stream_local_bind_mask);
	fprintf(f, "permitrootlogin %s\n", root[c->permit_root_login]);
	fprintf(f, "pubkeyauthentication %s\n", yesno(c->pubkey_authentication));
	fprintf(f, "passwordauthentication %s\n", yesno(c->password_authentication));
	fprintf(f, "kbdinteractiveauthentication %s\n", yesno(c->kbd_interactive_authentication));
	fprintf(f, "printmotd %s\n", yesno(c->print_motd));
	fprintf(f, "x11forwarding %s\n", yesno(c->x11_forwarding));
	fprintf(f, "permittty %s\n", yesno(c->permit_tty));
	fprintf(f, "strictmodes %s\n", yesno(c->strict_modes));
	fprintf(f, "tcpkeepalive %s\n", yesno(c->tcp_keep_alive));
	fprintf(f, "gatewayports %s\n", gw[c->gateway_ports]);
	fprintf(f, "allowtcpforwarding %s\n", fwd[c->allow_tcp_forwarding]);
	fprintf(f, "disableforwarding %s\n", yesno(c->disable_forwarding));
	fprintf(f, "allowstreamlocalforwarding %s\n", fwd[c->allow_stream_local_forwarding]);
	fprintf(f, "streamlocalbindunlink %s\n", yesno(c->stream_local_bind_unlink));
	fprintf(f, "pidfile %s\n", c->pid_file);
	fprintf(f, "ciphers %s\n", c->ciphers);
	fprintf(f, "macs %s\n", c->macs);
	fprintf(f, "banner %s\n", c->banner ? c->banner : "none");
	fprintf(f, "forcecommand %s\n", c->force_command ? c->force_command : "none");
	fprintf(f, "kexalgorithms %s\n", c->kex_algorithms);
	fprintf(f, "hostkeyalgorithms %s\n", c->hostkey_algorithms);
	fprintf(f, "pubkeyacceptedalgorithms %s\n", c->pubkey_accepted_algorithms);
	fprintf(f, "loglevel %s\n", ssh_config_loglevel_name(c->log_level));
	fprintf(f, "syslogfacility %s\n", c->syslog_facility);
	put_joined(f, "authorizedkeysfile", &c->authorized_keys_files);
	put_list(f, "hostkey", &c->host_keys);
	put_list(f, "allowusers", &c->allow_users);
	put_list(f, "denyusers", &c->deny_users);
	put_list(f, "allowgroups", &c->allow_groups);
	put_list(f, "denygroups", &c->deny_groups);
	put_list(f, "acceptenv", &c->accept_env);
	put_list(f, "setenv", &c->set_env);
	put_list(f, "subsystem", &c->subsystems);
	fprintf(f, "maxstartups %d:%d:%d\n", c->max_startups_begin, c->max_startups_rate,
	        c->max_startups_full);
	fprintf(f, "permittunnel %s\n", tun[c->permit_tunnel]);
	fprintf(f, "rekeylimit %lld %d\n", (long long)c->rekey_limit_bytes, c->rekey_limit_seconds);
	put_joined(f, "permitopen", &c->permit_open);
	put_joined(f, "permitlisten", &c->permit_listen);
	fprintf(f, "permituserenvironment %s\n", c->permit_user_environment);
	if (fclose(f) != 0) {
		free(buf);
		return SLC_ERR_NOMEM;
	}
	*out = buf;
	return 0;
}
