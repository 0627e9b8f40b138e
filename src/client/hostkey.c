/* hostkey: decide whether to trust the server's host key, as ssh(1) does
 * with StrictHostKeyChecking, UserKnownHostsFile, GlobalKnownHostsFile and
 * HashKnownHosts (ssh_config(5)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "hostfiles.h"
#include "known_hosts.h"

struct khfiles {
	char **v;
	size_t n, n_user;
};

static void khfiles_free(struct khfiles *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static int khfiles_expand(struct khfiles *f)
{
	const struct cfg_strv *lists[2] = {&CL.cfg.user_known_hosts, &CL.cfg.global_known_hosts};
	size_t total = lists[0]->n + lists[1]->n;
	f->v = calloc(total ? total : 1, sizeof(*f->v));
	if (!f->v)
		return SLC_ERR_NOMEM;
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			int r = ssh_config_expand(&CL.cfg, lists[l]->v[i], &f->v[f->n]);
			if (r < 0)
				return r;
			f->n++;
		}
		if (l == 0)
			f->n_user = f->n;
	}
	return 0;
}

/* Add the key to the first user file; ssh warns and goes on on failure. */
static void add_key(const struct khfiles *f, const char *name, const struct sshkey *key)
{
	char *line = NULL;
	bool created = false;
	if (f->n_user == 0)
		return;
	int r = kh_format_entry(CL.cfg.hostname, NULL, (uint16_t)CL.cfg.port, key,
	                        CL.cfg.hash_known_hosts == 1 ? &CL.rng : NULL, &line);
	if (r == 0)
		r = hostfiles_append(f->v[0], line, &created);
	if (created)
		cl_msg(SSH_LOG_INFO, "Created directory '%.*s'.",
		       (int)(strrchr(f->v[0], '/') ? strrchr(f->v[0], '/') - f->v[0] : 0), f->v[0]);
	if (r < 0)
		cl_msg(SSH_LOG_INFO, "Failed to add the host to the list of known hosts (%s).",
		       f->v[0]);
	else
		cl_msg(SSH_LOG_INFO,
		       "Warning: Permanently added '%s' (%s) to the list of known hosts.", name,
		       sshkey_type_label(sshkey_type(key)));
	free(line);
}

/* The "continue connecting?" question; true for yes or the fingerprint. */
static bool ask_user(const char *name, const char *label, const char *fp)
{
	char *q = NULL, *ipname = NULL;
	bool yes = false;
	if (CL.cfg.batch_mode == 1)
		return false;
	/* The address as known_hosts would name it: "[ip]:port" off 22. */
	if (kh_host_name(CL.peer_ip[0] ? CL.peer_ip : CL.cfg.hostname, (uint16_t)CL.cfg.port,
	                 &ipname) < 0)
		return false;
	if (asprintf(&q,
	             "The authenticity of host '%s (%s)' can't be established.\n"
	             "%s key fingerprint is %s.\n"
	             "This key is not known by any other names.\n"
	             "Are you sure you want to continue connecting (yes/no/[fingerprint])? ",
	             name, ipname, label, fp) < 0) {
		free(ipname);
		return false;
	}
	free(ipname);
	char *a = prompt_read(q, true);
	while (a) {
		if (!strcasecmp(a, "yes") || !strcmp(a, fp)) {
			yes = true;
			break;
		}
		if (!strcasecmp(a, "no"))
			break;
		prompt_free(a);
		a = prompt_read("Please type 'yes', 'no' or the fingerprint: ", true);
	}
	prompt_free(a);
	free(q);
	return yes;
}

static void changed_warning(const char *name, const char *label, const char *fp,
                            const struct kh_match *m, const char *addfile)
{
	cl_msg(SSH_LOG_ERROR, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	cl_msg(SSH_LOG_ERROR, "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @");
	cl_msg(SSH_LOG_ERROR, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	cl_msg(SSH_LOG_ERROR, "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!");
	cl_msg(SSH_LOG_ERROR,
	       "Someone could be eavesdropping on you right now (man-in-the-middle attack)!");
	cl_msg(SSH_LOG_ERROR, "It is also possible that a host key has just been changed.");
	cl_msg(SSH_LOG_ERROR, "The fingerprint for the %s key sent by the remote host is\n%s.",
	       label, fp);
	cl_msg(SSH_LOG_ERROR, "Please contact your system administrator.");
	cl_msg(SSH_LOG_ERROR, "Add correct host key in %s to get rid of this message.", addfile);
	cl_msg(SSH_LOG_ERROR, "Offending %s key in %s:%zu", sshkey_type_label(m->type), m->file,
	       m->line);
	cl_msg(SSH_LOG_ERROR, "  remove with:\n  ssh-keygen -f \"%s\" -R \"%s\"", m->file, name);
}

bool hostkey_check(const struct sshkey *key)
{
	struct khfiles f = {0};
	struct kh_db *db = NULL;
	struct kh_match m = {0};
	char *name = NULL, *fp = NULL;
	bool ok = false;
	size_t failed = 0;
	const char *label = sshkey_type_label(sshkey_type(key));
	uint16_t port = (uint16_t)CL.cfg.port;

	if (khfiles_expand(&f) < 0 || kh_db_new(&db) < 0 ||
	    kh_host_name(CL.cfg.hostname, port, &name) < 0 ||
	    sshkey_fingerprint(key, SSHKEY_FP_SHA256, &fp) < 0) {
		cl_msg(SSH_LOG_ERROR, "%s", "sluice: out of memory");
		goto out;
	}
	int r = hostfiles_load_known_hosts(db, (const char *const *)f.v, f.n, &failed);
	if (r < 0)
		slc_debug("cannot read %s: %s", f.v[failed], slc_strerror(r));
	if (kh_db_lookup(db, CL.cfg.hostname, port, key, &m) < 0)
		goto out;
	slc_debug("Server host key: %s %s", sshkey_name(key), fp);
	int shkc = CL.cfg.strict_host_key_checking;
	switch (m.status) {
	case KH_FOUND:
		slc_debug("Host '%s' is known and matches the %s host key.", name, label);
		slc_debug("Found key in %s:%zu", m.file, m.line);
		ok = true;
		break;
	case KH_REVOKED:
		cl_msg(SSH_LOG_ERROR,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		cl_msg(SSH_LOG_ERROR,
		       "@       WARNING: REVOKED HOST KEY DETECTED!               @");
		cl_msg(SSH_LOG_ERROR,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		cl_msg(SSH_LOG_ERROR, "The %s host key for %s is marked as revoked.", label, name);
		cl_msg(SSH_LOG_ERROR, "This could mean that a stolen key is being used to");
		cl_msg(SSH_LOG_ERROR, "impersonate this host.");
		break;
	case KH_CHANGED:
		changed_warning(name, label, fp, &m, f.n_user ? f.v[0] : m.file);
		if (shkc != SSH_SHKC_NO) {
			cl_msg(SSH_LOG_ERROR,
			       "Host key for %s has changed and you have requested strict "
			       "checking.",
			       name);
			break;
		}
		/* StrictHostKeyChecking no: go on, but nothing a man in the
		 * middle could harvest (ssh_config(5)). */
		if (CL.cfg.password_authentication == 1)
			cl_msg(SSH_LOG_ERROR, "Password authentication is disabled to avoid "
			                      "man-in-the-middle attacks.");
		if (CL.cfg.kbd_interactive_authentication == 1)
			cl_msg(SSH_LOG_ERROR, "Keyboard-interactive authentication is disabled "
			                      "to avoid man-in-the-middle attacks.");
		CL.changed_key = true;
		ok = true;
		break;
	case KH_NOT_FOUND:
		if (shkc == SSH_SHKC_YES) {
			cl_msg(SSH_LOG_ERROR,
			       "No %s host key is known for %s and you have requested strict "
			       "checking.",
			       label, name);
			break;
		}
		if (shkc == SSH_SHKC_ASK && !ask_user(name, label, fp))
			break;
		add_key(&f, name, key);
		ok = true;
		break;
	}
out:
	free(name);
	free(fp);
	kh_db_del(db);
	khfiles_free(&f);
	return ok;
}

static enum sshkey_type alg_key_type(const char *alg, size_t len)
{
	char name[64];
	if (len >= sizeof(name))
		return SSHKEY_UNKNOWN;
	memcpy(name, alg, len);
	name[len] = '\0';
	if (!strcmp(name, "rsa-sha2-256") || !strcmp(name, "rsa-sha2-512"))
		return SSHKEY_RSA;
	return sshkey_type_from_name(name);
}

/* As ssh does when HostKeyAlgorithms is left at its default: put the
 * algorithms for key types already known for this host first, so a host
 * with several keys shows the one on file rather than an unknown one. */
char *hostkey_order_algs(const char *algs)
{
	struct khfiles f = {0};
	struct kh_db *db = NULL;
	enum sshkey_type types[KH_MAX_TYPES];
	size_t nt = 0, failed = 0;
	char *out = NULL;
	size_t len = strlen(algs), o = 0;
	if (khfiles_expand(&f) < 0 || kh_db_new(&db) < 0)
		goto done;
	if (hostfiles_load_known_hosts(db, (const char *const *)f.v, f.n, &failed) < 0 &&
	    failed < f.n)
		slc_debug("cannot read %s", f.v[failed]);
	if (kh_db_known_types(db, CL.cfg.hostname, (uint16_t)CL.cfg.port, types, KH_MAX_TYPES,
	                      &nt) < 0 ||
	    nt == 0 || !(out = malloc(len + 2)))
		goto done;
	for (int pass = 0; pass < 2; pass++) {
		for (const char *p = algs; *p;) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			enum sshkey_type t = alg_key_type(p, n);
			bool known = false;
			for (size_t i = 0; i < nt; i++)
				known = known || (t != SSHKEY_UNKNOWN && types[i] == t);
			if (known == (pass == 0)) {
				if (o)
					out[o++] = ',';
				memcpy(out + o, p, n);
				o += n;
			}
			p += n + (e ? 1 : 0);
		}
	}
	out[o] = '\0';
	slc_debug("prefer host key algorithms known for this host: %s", out);
done:
	kh_db_del(db);
	khfiles_free(&f);
	return out;
}
