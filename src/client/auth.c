/* auth: the client side of user authentication, as ssh(1) goes about it:
 * methods in PreferredAuthentications order among those the server still
 * lists; public keys from the agent first (agent order, IdentitiesOnly
 * keeping only those matching IdentityFile), then the identity files;
 * each key is queried before it is signed with. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "client.h"
#include "keyfile.h"

#define DEFAULT_METHODS "publickey,keyboard-interactive,password"

struct ident {
	char *path; /* NULL: agent only */
	struct sshkey *pub; /* NULL until loaded (encrypted PEM without .pub) */
	struct sshkey *priv;
	const uint8_t *agent_blob; /* into auth_state.agent_ids */
	size_t agent_blob_len;
};

enum method { M_PUBKEY, M_KBDINT, M_PASSWORD, M__N };
static const char *const method_names[M__N] = {"publickey", "keyboard-interactive", "password"};

struct auth_state {
	struct ident *ids;
	size_t n_ids, next_id, cur_id;
	struct ident *fids; /* identity files, until merged with the agent's */
	size_t nf;
	struct ssh_conn *c;
	struct agentconn *agent;
	bool agent_wait; /* the agent's list is not in yet */
	bool deferred; /* a FAILURE came meanwhile: go on when it is */
	struct agent_identity *agent_ids;
	size_t n_agent;
	bool exhausted[M__N];
	int tries[M__N];
	int current; /* method in progress, -1 none */
	char *server_methods; /* last list from the server */
	bool pw_failed;
};

static struct auth_state A;

static void auth_next(struct ssh_conn *c);

static void ident_push(const struct ident *id)
{
	struct ident *v = realloc(A.ids, (A.n_ids + 1) * sizeof(*v));
	if (!v)
		return;
	A.ids = v;
	A.ids[A.n_ids++] = *id;
}

/* The public half of an identity file, without asking for a passphrase. */
static struct sshkey *load_public(const char *path)
{
	struct sshkey *k = NULL;
	char *pub = NULL;
	if (asprintf(&pub, "%s.pub", path) >= 0) {
		if (keyfile_load_public(pub, &k, NULL) < 0)
			k = NULL;
		free(pub);
	}
	if (!k && keyfile_load_public_from_private(path, &k) < 0)
		k = NULL;
	return k;
}

static void load_files(void)
{
	const struct cfg_strv *files = &CL.cfg.identity_files;
	A.fids = calloc(files->n ? files->n : 1, sizeof(*A.fids));
	if (!A.fids || CL.cfg.pubkey_authentication == SSH_PUBKEY_NO)
		return;
	for (size_t i = 0; i < files->n; i++) {
		char *path = NULL;
		if (ssh_config_expand(&CL.cfg, files->v[i], &path) < 0)
			continue;
		if (access(path, R_OK) < 0) {
			if (i < CL.n_explicit_ids)
				cl_msg(SSH_LOG_INFO,
				       "Warning: Identity file %s not accessible: %s.", path,
				       strerror(errno));
			free(path);
			continue;
		}
		A.fids[A.nf].path = path;
		A.fids[A.nf].pub = load_public(path);
		slc_debug("identity file %s type %s", path,
		          A.fids[A.nf].pub ? sshkey_name(A.fids[A.nf].pub) : "-1");
		A.nf++;
	}
}

/* The order ssh uses: agent keys in the agent's order (a file key the
 * agent holds takes its place there), then the other files. */
static void merge_identities(void)
{
	bool *taken = calloc(A.nf ? A.nf : 1, sizeof(*taken));
	if (!taken)
		return;
	for (size_t a = 0; a < A.n_agent; a++) {
		struct agent_identity *ai = &A.agent_ids[a];
		if (!ai->key)
			continue;
		size_t f = A.nf;
		for (size_t i = 0; i < A.nf; i++)
			if (!taken[i] && A.fids[i].pub &&
			    sshkey_equal_public(A.fids[i].pub, ai->key)) {
				f = i;
				break;
			}
		if (f == A.nf && CL.cfg.identities_only == 1)
			continue;
		struct ident id = {0};
		if (f < A.nf) {
			id = A.fids[f];
			taken[f] = true;
		} else if (sshkey_demote(ai->key, &id.pub) < 0) {
			continue;
		}
		id.agent_blob = ai->blob;
		id.agent_blob_len = ai->blob_len;
		slc_debug("Will attempt key: %s %s agent", id.path ? id.path : ai->comment,
		          sshkey_name(ai->key));
		ident_push(&id);
	}
	for (size_t i = 0; i < A.nf; i++)
		if (!taken[i])
			ident_push(&A.fids[i]);
	free(A.fids);
	A.fids = NULL;
	A.nf = 0;
	free(taken);
}

static void agent_done(void)
{
	if (!A.agent_wait)
		return;
	A.agent_wait = false;
	merge_identities();
	if (A.deferred && CL.sc) {
		A.deferred = false;
		auth_next(A.c);
		sio_conn_kick(CL.sc);
	}
}

static void on_agent_ids(int status, uint8_t type, struct buf *body, void *user)
{
	if (status == 0 && type == AGENT_IDENTITIES_ANSWER) {
		if (agent_parse_identities(body, &A.agent_ids, &A.n_agent) < 0) {
			slc_debug("agent: bad identities answer");
			A.agent_ids = NULL;
			A.n_agent = 0;
		}
	} else {
		slc_debug("agent: no identities (%s)",
		          status < 0 ? slc_strerror(status) : "refused");
	}
	agent_done();
}

static void on_agent_connected(int status, uint8_t type, struct buf *body, void *user)
{
	if (status < 0 || agentconn_request_identities(A.agent, on_agent_ids, NULL) < 0) {
		slc_debug("agent: cannot connect");
		agent_done();
	}
}

/* IdentityAgent, else SSH_AUTH_SOCK; "none" disables the agent. */
static void start_agent(void)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	char *sockx = NULL;
	const char *ia = CL.cfg.identity_agent;
	if (ia && !strcmp(ia, "none"))
		sock = NULL;
	else if (ia && strcmp(ia, "SSH_AUTH_SOCK") != 0) {
		if (ia[0] == '$')
			sock = getenv(ia + 1);
		else if (ssh_config_expand(&CL.cfg, ia, &sockx) == 0)
			sock = sockx;
	}
	A.agent_wait = true;
	if (sock && *sock && CL.cfg.pubkey_authentication != SSH_PUBKEY_NO &&
	    agentconn_new(CL.loop, sock, on_agent_connected, NULL, &A.agent) == 0) {
		free(sockx);
		return;
	}
	free(sockx);
	agent_done();
}

int auth_start(struct ssh_conn *c)
{
	A.current = -1;
	if (CL.cfg.pubkey_accepted_algorithms &&
	    ssh_auth_set_client_algs(c, CL.cfg.pubkey_accepted_algorithms) < 0)
		slc_debug("cannot set PubkeyAcceptedAlgorithms");
	A.c = c;
	load_files();
	start_agent();
	if (CL.cfg.pubkey_authentication == SSH_PUBKEY_NO)
		A.exhausted[M_PUBKEY] = true;
	if (CL.cfg.kbd_interactive_authentication == 0 || CL.changed_key || CL.cfg.batch_mode == 1)
		A.exhausted[M_KBDINT] = true;
	if (CL.cfg.password_authentication == 0 || CL.changed_key || CL.cfg.batch_mode == 1)
		A.exhausted[M_PASSWORD] = true;
	return ssh_auth_none(c, CL.cfg.user);
}

void auth_free(void)
{
	for (size_t i = 0; i < A.n_ids; i++) {
		free(A.ids[i].path);
		sshkey_del(A.ids[i].pub);
		sshkey_del(A.ids[i].priv);
	}
	free(A.ids);
	for (size_t i = 0; i < A.nf; i++) {
		free(A.fids[i].path);
		sshkey_del(A.fids[i].pub);
	}
	free(A.fids);
	agentconn_del(A.agent);
	agent_identities_free(A.agent_ids, A.n_agent);
	free(A.server_methods);
	memset(&A, 0, sizeof(A));
}

/* Load the private key of a file identity, asking for its passphrase. */
static int load_private(struct ident *id)
{
	if (id->priv)
		return 0;
	int r = keyfile_load_private(id->path, NULL, &id->priv, NULL);
	if (r != SLC_ERR_KEY_ENCRYPTED)
		return r;
	if (CL.cfg.batch_mode == 1)
		return r;
	char *q = NULL;
	if (asprintf(&q, "Enter passphrase for key '%s': ", id->path) < 0)
		return SLC_ERR_NOMEM;
	for (int i = 0; i < CL.cfg.number_of_password_prompts; i++) {
		char *pp = prompt_read(q, false);
		if (!pp || !*pp) {
			prompt_free(pp);
			break;
		}
		r = keyfile_load_private(id->path, pp, &id->priv, NULL);
		prompt_free(pp);
		if (r != SLC_ERR_PASSPHRASE)
			break;
		cl_msg(SSH_LOG_ERROR, "Bad passphrase, try again for %s", id->path);
	}
	free(q);
	if (r == 0 && !id->pub && sshkey_demote(id->priv, &id->pub) < 0)
		r = SLC_ERR_NOMEM;
	return r;
}

static bool server_allows(const char *m)
{
	if (!A.server_methods)
		return true;
	size_t l = strlen(m);
	for (const char *p = A.server_methods; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == l && !memcmp(p, m, l))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static bool try_pubkey(struct ssh_conn *c)
{
	while (A.next_id < A.n_ids) {
		struct ident *id = &A.ids[A.cur_id = A.next_id++];
		if (!id->pub && (!id->path || load_private(id) < 0))
			continue;
		slc_debug("Offering public key: %s %s", id->path ? id->path : "agent key",
		          sshkey_name(id->pub));
		if (ssh_auth_publickey_query(c, CL.cfg.user, id->pub, NULL) == 0)
			return true;
	}
	return false;
}

static bool try_password(struct ssh_conn *c)
{
	if (A.tries[M_PASSWORD] >= CL.cfg.number_of_password_prompts)
		return false;
	if (A.pw_failed)
		cl_msg(SSH_LOG_ERROR, "Permission denied, please try again.");
	char *q = NULL;
	if (asprintf(&q, "%s@%s's password: ", CL.cfg.user, CL.cfg.hostname) < 0)
		return false;
	char *pw = prompt_read(q, false);
	free(q);
	if (!pw)
		return false;
	A.tries[M_PASSWORD]++;
	int r = ssh_auth_password(c, CL.cfg.user, pw, NULL);
	prompt_free(pw);
	return r == 0;
}

static void auth_next(struct ssh_conn *c)
{
	const char *pref = CL.cfg.preferred_authentications ? CL.cfg.preferred_authentications
	                                                    : DEFAULT_METHODS;
	char *list = strdup(pref), *save = NULL;
	A.current = -1;
	for (char *m = list ? strtok_r(list, ",", &save) : NULL; m;
	     m = strtok_r(NULL, ",", &save)) {
		int k;
		for (k = 0; k < M__N && strcmp(m, method_names[k]); k++)
			;
		if (k == M__N || A.exhausted[k] || !server_allows(m))
			continue;
		bool sent = false;
		if (k == M_PUBKEY)
			sent = try_pubkey(c);
		else if (k == M_PASSWORD)
			sent = try_password(c);
		else if (A.tries[M_KBDINT] < CL.cfg.number_of_password_prompts) {
			A.tries[M_KBDINT]++;
			sent = ssh_auth_kbdint(c, CL.cfg.user, "") == 0;
		}
		if (sent) {
			A.current = k;
			free(list);
			return;
		}
		A.exhausted[k] = true;
	}
	free(list);
	cl_msg(SSH_LOG_ERROR, "%s@%s: Permission denied (%s).", CL.cfg.user, CL.cfg.hostname,
	       A.server_methods ? A.server_methods : "");
	client_end(EXIT_SSH_ERROR, "No more authentication methods available");
}

static void on_agent_sig(int status, uint8_t type, struct buf *body, void *user)
{
	const uint8_t *sig = NULL;
	size_t len = 0;
	int r = status;
	if (!CL.sc)
		return;
	if (r == 0 && type != AGENT_SIGN_RESPONSE)
		r = SLC_ERR_DENIED;
	if (r == 0)
		r = agent_parse_signature(body, &sig, &len);
	if (r == 0)
		r = ssh_auth_publickey_signed(A.c, sig, len);
	if (r < 0) {
		slc_debug("agent: signing failed: %s", slc_strerror(r));
		ssh_auth_publickey_cancel(A.c);
		auth_next(A.c);
	}
	sio_conn_kick(CL.sc);
}

static void on_sign(struct ssh_conn *c, const struct ssh_event *ev)
{
	struct ident *id = &A.ids[A.cur_id];
	int r;
	if (id->agent_blob) {
		/* The answer comes later; the core holds the request meanwhile. */
		r = agentconn_request_sign(A.agent, id->agent_blob, id->agent_blob_len,
		                           ev->auth.sign.data, ev->auth.sign.len, ev->auth.sign.alg,
		                           on_agent_sig, NULL);
	} else {
		struct buf sig;
		buf_init(&sig);
		r = sshkey_sign(id->priv, ev->auth.sign.alg, ev->auth.sign.data, ev->auth.sign.len,
		                &sig);
		if (r == 0)
			r = ssh_auth_publickey_signed(c, buf_ptr(&sig), buf_len(&sig));
		buf_free(&sig);
	}
	if (r < 0) {
		slc_debug("signing failed for %s: %s", sshkey_name(id->pub), slc_strerror(r));
		ssh_auth_publickey_cancel(c);
		auth_next(c);
	}
}

static void on_pk_ok(struct ssh_conn *c, const struct ssh_event *ev)
{
	struct ident *id = &A.ids[A.cur_id];
	slc_debug("Server accepts key: %s %s", id->path ? id->path : "agent key",
	          sshkey_name(id->pub));
	if (!id->agent_blob) {
		int r = load_private(id);
		if (r < 0) {
			slc_debug("cannot load %s: %s", id->path, slc_strerror(r));
			auth_next(c);
			return;
		}
	}
	const struct sshkey *k = id->agent_blob ? id->pub : id->priv;
	if (ssh_auth_publickey_sign(c, CL.cfg.user, k, ev->auth.pk_ok.alg) < 0)
		auth_next(c);
	/* SSH_EV_AUTH_SIGN follows */
}

static void on_info_request(struct ssh_conn *c, const struct ssh_event *ev)
{
	uint32_t n = ev->auth.info_request.n_prompts;
	char **answers = calloc(n ? n : 1, sizeof(*answers));
	bool ok = answers != NULL;
	if (ok && *ev->auth.info_request.name)
		cl_msg(SSH_LOG_ERROR, "%s", ev->auth.info_request.name);
	if (ok && *ev->auth.info_request.instruction)
		cl_msg(SSH_LOG_ERROR, "%s", ev->auth.info_request.instruction);
	for (uint32_t i = 0; ok && i < n; i++) {
		const char *p = ev->auth.info_request.prompts[i];
		/* As ssh: say whose password it is. */
		char *q = NULL;
		ok = asprintf(&q, "(%s@%s) %s", CL.cfg.user, CL.cfg.hostname, p) >= 0;
		if (ok)
			answers[i] = prompt_read(q, ev->auth.info_request.echo[i]);
		free(q);
		if (!answers[i])
			ok = false;
	}
	if (!ok) {
		A.exhausted[M_KBDINT] = true;
		for (uint32_t i = 0; answers && i < n; i++)
			if (!answers[i])
				answers[i] = strdup("");
	}
	if (!answers || ssh_auth_kbdint_respond(c, n, (const char *const *)answers) < 0)
		client_end(EXIT_SSH_ERROR, "keyboard-interactive failed");
	for (uint32_t i = 0; answers && i < n; i++)
		prompt_free(answers[i]);
	free(answers);
}

void auth_event(struct ssh_conn *c, const struct ssh_event *ev)
{
	switch (ev->type) {
	case SSH_EV_AUTH_BANNER:
		if (CL.cfg.log_level >= SSH_LOG_INFO)
			fputs(ev->auth.banner.text, stderr);
		break;
	case SSH_EV_AUTH_FAILURE:
		free(A.server_methods);
		A.server_methods = strdup(ev->auth.failure.methods);
		if (A.current == M_PASSWORD)
			A.pw_failed = true;
		if (ev->auth.failure.partial)
			slc_debug("Authenticated using \"%s\" with partial success.",
			          A.current >= 0 ? method_names[A.current] : "none");
		if (A.agent_wait) {
			A.deferred = true; /* agent_done() goes on */
			break;
		}
		auth_next(c);
		break;
	case SSH_EV_AUTH_PK_OK:
		on_pk_ok(c, ev);
		break;
	case SSH_EV_AUTH_SIGN:
		on_sign(c, ev);
		break;
	case SSH_EV_AUTH_INFO_REQUEST:
		on_info_request(c, ev);
		break;
	case SSH_EV_AUTH_SUCCESS:
		slc_debug("Authentication succeeded (%s).",
		          A.current >= 0 ? method_names[A.current] : "none");
		CL.authenticated = true;
		/* Keys are no longer needed: wipe them now. */
		auth_free();
		if (session_start(c) < 0)
			client_end(EXIT_SSH_ERROR, "cannot start the session");
		break;
	default:
		break;
	}
}
