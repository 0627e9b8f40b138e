/* ssh_config_dump: the effective client configuration in `ssh -G` form.
 * Keyword order and value spellings follow what OpenSSH 9.2 prints, so
 * scripts that read `ssh -G` output can read ours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ssh_config.h"

static const char *yesno(int v)
{
	return v ? "yes" : "no";
}

/* One line per spec of list that fwdspec_dump_has() under keyword. */
static int put_forwards(FILE *f, const struct ssh_cfg_fwds *list, enum fwdspec_kind keyword)
{
	for (size_t i = 0; i < list->n; i++) {
		char *line = NULL;
		if (!fwdspec_dump_has(&list->v[i], keyword))
			continue;
		int r = fwdspec_format(&list->v[i], keyword, &line);
		if (r < 0)
			return r;
		fprintf(f, "%s\n", line);
		free(line);
	}
	return 0;
}

static int put_expanded_list(FILE *f, struct ssh_config *c, const char *kw,
                             const struct cfg_strv *sv)
{
	fputs(kw, f);
	for (size_t i = 0; i < sv->n; i++) {
		char *e = NULL;
		int r = ssh_config_expand(c, sv->v[i], &e);
		if (r < 0)
			return r;
		fprintf(f, " %s", e);
		free(e);
	}
	fputc('\n', f);
	return 0;
}

static void put_tunid(FILE *f, int id)
{
	if (id == SSH_TUNID_ANY)
		fputs("any", f);
	else
		fprintf(f, "%d", id);
}

int ssh_config_dump(struct ssh_config *c, char **out)
{
	char *buf = NULL;
	size_t len = 0;
	int r = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return SLC_ERR_NOMEM;
	static const char *const shkc[] = {"false", "true", "ask", "accept-new"};
	static const char *const tty[] = {"false", "true", "force", "auto"};
	static const char *const session[] = {"default", "none", "subsystem"};
	/* "yes" asks for the default mode and prints as that mode. */
	static const char *const tunnel[] = {"false", "point-to-point", "point-to-point",
	                                     "ethernet"};
	static const char *const af[] = {"any", "inet", "inet6"};
	static const char *const pubkey[] = {"false", "true", "unbound", "host-bound"};

	fprintf(f, "host %s\n", c->host_arg);
	fprintf(f, "user %s\n", c->user);
	fprintf(f, "hostname %s\n", c->hostname);
	fprintf(f, "port %d\n", c->port);
	fprintf(f, "addressfamily %s\n", af[c->address_family]);
	fprintf(f, "batchmode %s\n", yesno(c->batch_mode));
	fprintf(f, "checkhostip %s\n", yesno(c->check_host_ip));
	fprintf(f, "compression %s\n", yesno(c->compression));
	fprintf(f, "clearallforwardings %s\n", yesno(c->clear_all_forwardings));
	fprintf(f, "exitonforwardfailure %s\n", yesno(c->exit_on_forward_failure));
	fprintf(f, "gatewayports %s\n", yesno(c->gateway_ports));
	fprintf(f, "hashknownhosts %s\n", yesno(c->hash_known_hosts));
	fprintf(f, "identitiesonly %s\n", yesno(c->identities_only));
	fprintf(f, "kbdinteractiveauthentication %s\n", yesno(c->kbd_interactive_authentication));
	fprintf(f, "passwordauthentication %s\n", yesno(c->password_authentication));
	fprintf(f, "pubkeyauthentication %s\n", pubkey[c->pubkey_authentication]);
	fprintf(f, "requesttty %s\n", tty[c->request_tty]);
	fprintf(f, "sessiontype %s\n", session[c->session_type]);
	fprintf(f, "streamlocalbindunlink %s\n", yesno(c->stream_local_bind_unlink));
	fprintf(f, "stricthostkeychecking %s\n", shkc[c->strict_host_key_checking]);
	fprintf(f, "tcpkeepalive %s\n", yesno(c->tcp_keep_alive));
	fprintf(f, "tunnel %s\n", tunnel[c->tunnel]);
	fprintf(f, "connectionattempts %d\n", c->connection_attempts);
	fprintf(f, "numberofpasswordprompts %d\n", c->number_of_password_prompts);
	fprintf(f, "serveralivecountmax %d\n", c->server_alive_count_max);
	fprintf(f, "serveraliveinterval %d\n", c->server_alive_interval);
	if (c->bind_address)
		fprintf(f, "bindaddress %s\n", c->bind_address);
	fprintf(f, "ciphers %s\n", c->ciphers);
	fprintf(f, "hostkeyalgorithms %s\n", c->hostkey_algorithms);
	if (c->identity_agent)
		fprintf(f, "identityagent %s\n", c->identity_agent);
	fprintf(f, "kexalgorithms %s\n", c->kex_algorithms);
	fprintf(f, "loglevel %s\n", ssh_config_loglevel_name(c->log_level));
	fprintf(f, "macs %s\n", c->macs);
	if (c->preferred_authentications)
		fprintf(f, "preferredauthentications %s\n", c->preferred_authentications);
	fprintf(f, "pubkeyacceptedalgorithms %s\n", c->pubkey_accepted_algorithms);
	/* OpenSSH's order: every local-side spec that prints as dynamic, then
	 * every one that prints as local (a local forward to a socket is in
	 * both), then the remote ones. */
	if ((r = put_forwards(f, &c->local_forwards, FWDSPEC_DYNAMIC)) < 0 ||
	    (r = put_forwards(f, &c->local_forwards, FWDSPEC_LOCAL)) < 0 ||
	    (r = put_forwards(f, &c->remote_forwards, FWDSPEC_REMOTE)) < 0)
		goto out;
	for (size_t i = 0; i < c->identity_files.n; i++)
		fprintf(f, "identityfile %s\n", c->identity_files.v[i]);
	for (size_t i = 0; i < c->certificate_files.n; i++)
		fprintf(f, "certificatefile %s\n", c->certificate_files.v[i]);
	if ((r = put_expanded_list(f, c, "globalknownhostsfile", &c->global_known_hosts)) < 0 ||
	    (r = put_expanded_list(f, c, "userknownhostsfile", &c->user_known_hosts)) < 0)
		goto out;
	for (size_t i = 0; i < c->send_env.n; i++)
		fprintf(f, "sendenv %s\n", c->send_env.v[i]);
	for (size_t i = 0; i < c->set_env.n; i++)
		fprintf(f, "setenv %s\n", c->set_env.v[i]);
	fputs("permitremoteopen", f);
	for (size_t i = 0; i < c->permit_remote_open.n; i++)
		fprintf(f, " %s", c->permit_remote_open.v[i]);
	fputc('\n', f);
	if (c->forward_agent_sock)
		fprintf(f, "forwardagent %s\n", c->forward_agent_sock);
	else
		fprintf(f, "forwardagent %s\n", yesno(c->forward_agent));
	if (c->connect_timeout == SSH_CFG_UNSET)
		fputs("connecttimeout none\n", f);
	else
		fprintf(f, "connecttimeout %d\n", c->connect_timeout);
	fputs("tunneldevice ", f);
	put_tunid(f, c->tun_local);
	fputc(':', f);
	put_tunid(f, c->tun_remote);
	fputc('\n', f);
	if (c->escape_char == SSH_ESCAPE_NONE)
		fputs("escapechar none\n", f);
	else if (c->escape_char < 32 || c->escape_char == 127)
		fprintf(f, "escapechar \\^%c\n", c->escape_char == 127 ? '?' : c->escape_char + 64);
	else
		fprintf(f, "escapechar %c\n", c->escape_char);
	fprintf(f, "rekeylimit %lld %d\n", (long long)c->rekey_limit_bytes, c->rekey_limit_seconds);
	fprintf(f, "streamlocalbindmask 0%o\n", (unsigned)c->stream_local_bind_mask);
	if (c->proxy_jump && strcasecmp(c->proxy_jump, "none") != 0)
		fprintf(f, "proxyjump %s\n", c->proxy_jump);
	if (c->proxy_command && strcasecmp(c->proxy_command, "none") != 0)
		fprintf(f, "proxycommand %s\n", c->proxy_command);
out:
	if (fclose(f) != 0 && r == 0)
		r = SLC_ERR_NOMEM;
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	return 0;
}
