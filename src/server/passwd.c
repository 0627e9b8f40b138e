/* passwd: password checks, run in a worker thread (they may block).
 *
 * UsePAM yes: PAM service "sluiced" when /etc/pam.d/sluiced exists, else
 * "sshd" (the distribution's sshd stack), pam_authenticate then
 * pam_acct_mgmt. UsePAM no: crypt(3) against the shadow entry
 * (getspnam), or the passwd entry when there is no shadow one.
 *
 * libpam and libcrypt are loaded with dlopen (they are in every Debian
 * system), so the binary does not need them at link time and a system
 * without PAM still runs sluiced with password authentication off. */
#include <crypt.h>
#include <dlfcn.h>
#include <pthread.h>
#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <security/pam_appl.h>

#include "log.h"
#include "server.h"

/* A yescrypt hash of a random password: unknown users cost the same. */
static const char dummy_hash[] =
        "$y$j9T$Cz8IgzGr7kTz0u.HaVWW51$ckJz1jkJB2ajFLJmmEDk61m27t64uQYhUfpEpCinn0D";

typedef char *(*crypt_r_fn)(const char *, const char *, struct crypt_data *);

static crypt_r_fn load_crypt(void)
{
	static void *h;
	if (h == NULL)
		h = dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);
	return h ? (crypt_r_fn)dlsym(h, "crypt_r") : NULL;
}

static bool check_crypt(const char *user, bool known, const char *password)
{
	crypt_r_fn fn = load_crypt();
	const char *hash = dummy_hash;
	char *copy = NULL;
	bool ok = false;
	if (fn == NULL) {
		slc_error("password check: libcrypt.so.1 not available");
		return false;
	}
	if (known) {
		struct passwd pwbuf, *pw = NULL;
		struct spwd spbuf, *sp = NULL;
		char tmp[4096];
		if (getspnam_r(user, &spbuf, tmp, sizeof(tmp), &sp) == 0 && sp != NULL)
			copy = strdup(sp->sp_pwdp);
		else if (getpwnam_r(user, &pwbuf, tmp, sizeof(tmp), &pw) == 0 && pw != NULL)
			copy = strdup(pw->pw_passwd);
		OPENSSL_cleanse(tmp, sizeof(tmp));
		if (copy != NULL)
			hash = copy;
	}
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (cd != NULL) {
		const char *out = fn(password, hash, cd);
		/* A locked ("!...") or empty hash never matches: crypt fails
		 * or gives another string. Empty passwords are refused too
		 * (PermitEmptyPasswords no). */
		size_t hl = strlen(hash);
		ok = known && out != NULL && hl > 0 && out[0] != '*' && strlen(out) == hl &&
		     CRYPTO_memcmp(out, hash, hl) == 0 && password[0] != '\0';
		OPENSSL_cleanse(cd, sizeof(*cd));
		free(cd);
	}
	if (copy) {
		OPENSSL_cleanse(copy, strlen(copy));
		free(copy);
	}
	return ok;
}

/* ---- PAM ---- */

struct pam_fns {
	int (*start)(const char *, const char *, const struct pam_conv *, pam_handle_t **);
	int (*end)(pam_handle_t *, int);
	int (*authenticate)(pam_handle_t *, int);
	int (*acct_mgmt)(pam_handle_t *, int);
	int (*set_item)(pam_handle_t *, int, const void *);
};

static bool load_pam(struct pam_fns *f)
{
	static void *h;
	if (h == NULL)
		h = dlopen("libpam.so.0", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return false;
	*(void **)&f->start = dlsym(h, "pam_start");
	*(void **)&f->end = dlsym(h, "pam_end");
	*(void **)&f->authenticate = dlsym(h, "pam_authenticate");
	*(void **)&f->acct_mgmt = dlsym(h, "pam_acct_mgmt");
	*(void **)&f->set_item = dlsym(h, "pam_set_item");
	return f->start && f->end && f->authenticate && f->acct_mgmt && f->set_item;
}

/* Answer every echo-off prompt with the password, others with "". */
static int pam_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
                       void *data)
{
	const char *password = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			r[i].resp = strdup(password);
			break;
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = strdup("");
			break;
		default:
			break;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static bool check_pam(const char *user, bool known, const char *password)
{
	struct pam_fns f;
	pam_handle_t *ph = NULL;
	if (!load_pam(&f)) {
		slc_error("UsePAM: libpam.so.0 not available");
		return false;
	}
	const char *service = access("/etc/pam.d/sluiced", F_OK) == 0 ? "sluiced" : "sshd";
	struct pam_conv conv = {pam_conv_fn, (void *)password};
	/* Unknown users go through PAM too (it fails them), as in sshd. */
	int r = f.start(service, known ? user : "NOUSER", &conv, &ph);
	if (r != PAM_SUCCESS)
		return false;
	r = f.authenticate(ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (r == PAM_SUCCESS)
		r = f.acct_mgmt(ph, 0);
	f.end(ph, r);
	return known && r == PAM_SUCCESS;
}

bool srv_passwd_check(const char *user, bool known, const char *password, bool use_pam)
{
	return use_pam ? check_pam(user, known, password) : check_crypt(user, known, password);
}

/* ---- keyboard-interactive through a PAM conversation ----
 *
 * PAM runs in a worker thread. Its conversation function posts the prompts
 * to the loop (uv_async) and waits on a condition variable for the
 * client's answers; the loop turns prompts into INFO_REQUEST and answers
 * (INFO_RESPONSE) into the conversation's replies. */

struct srv_pam_conv {
	uv_work_t work;
	uv_async_t async;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *user;
	bool known, ok;
	srv_pam_prompt_fn prompt;
	srv_pam_done_fn done;
	void *ctx;
	/* under mu */
	bool asking, delivered, answered, aborted;
	uint32_t n;
	char *prompts[SSH_AUTH_MAX_PROMPTS];
	bool echo[SSH_AUTH_MAX_PROMPTS];
	char *answers[SSH_AUTH_MAX_PROMPTS];
	char instruction[1024];
};

static void free_secret(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static int kbd_conv(int nmsg, const struct pam_message **msg, struct pam_response **resp,
                    void *data)
{
	struct srv_pam_conv *k = data;
	struct pam_response *r = NULL;
	int map[SSH_AUTH_MAX_PROMPTS], status = PAM_CONV_ERR;
	if (nmsg <= 0 || nmsg > SSH_AUTH_MAX_PROMPTS)
		return PAM_CONV_ERR;
	pthread_mutex_lock(&k->mu);
	if (k->aborted)
		goto out;
	k->n = 0;
	k->instruction[0] = '\0';
	for (int i = 0; i < nmsg; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			map[k->n] = i;
			k->echo[k->n] = msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
			k->prompts[k->n++] = strdup(msg[i]->msg ? msg[i]->msg : "");
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO: {
			size_t used = strlen(k->instruction);
			snprintf(k->instruction + used, sizeof(k->instruction) - used, "%s\n",
			         msg[i]->msg ? msg[i]->msg : "");
			break;
		}
		default:
			goto out;
		}
	}
	k->asking = true;
	k->answered = false;
	k->delivered = false;
	pthread_mutex_unlock(&k->mu);
	uv_async_send(&k->async);
	pthread_mutex_lock(&k->mu);
	while (!k->answered && !k->aborted)
		pthread_cond_wait(&k->cv, &k->mu);
	k->asking = false;
	if (k->aborted)
		goto out;
	if ((r = calloc((size_t)nmsg, sizeof(*r))) == NULL)
		goto out;
	for (uint32_t j = 0; j < k->n; j++) {
		r[map[j]].resp = k->answers[j]; /* transferred */
		k->answers[j] = NULL;
	}
	*resp = r;
	status = PAM_SUCCESS;
out:
	for (uint32_t j = 0; j < k->n; j++) {
		free(k->prompts[j]);
		k->prompts[j] = NULL;
		free_secret(k->answers[j]);
		k->answers[j] = NULL;
	}
	k->n = 0;
	pthread_mutex_unlock(&k->mu);
	return status;
}

static void kbd_work(uv_work_t *w)
{
	struct srv_pam_conv *k = w->data;
	struct pam_fns f;
	pam_handle_t *ph = NULL;
	k->ok = false;
	if (!load_pam(&f)) {
		slc_error("UsePAM: libpam.so.0 not available");
		return;
	}
	const char *service = access("/etc/pam.d/sluiced", F_OK) == 0 ? "sluiced" : "sshd";
	struct pam_conv conv = {kbd_conv, k};
	if (f.start(service, k->known ? k->user : "NOUSER", &conv, &ph) != PAM_SUCCESS)
		return;
	int r = f.authenticate(ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (r == PAM_SUCCESS)
		r = f.acct_mgmt(ph, 0);
	f.end(ph, r);
	k->ok = k->known && r == PAM_SUCCESS;
}

static void kbd_async(uv_async_t *h)
{
	struct srv_pam_conv *k = h->data;
	pthread_mutex_lock(&k->mu);
	bool post = k->asking && !k->delivered && !k->answered && !k->aborted;
	if (post)
		k->delivered = true;
	pthread_mutex_unlock(&k->mu);
	/* The prompts stay put while the thread waits for the answer. */
	if (post)
		k->prompt(k->ctx, k->instruction, k->n, (const char *const *)k->prompts, k->echo);
}

static void kbd_closed(uv_handle_t *h)
{
	struct srv_pam_conv *k = h->data;
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	free(k->user);
	free(k);
}

static void kbd_after(uv_work_t *w, int status)
{
	struct srv_pam_conv *k = w->data;
	bool aborted;
	pthread_mutex_lock(&k->mu);
	aborted = k->aborted;
	pthread_mutex_unlock(&k->mu);
	if (!aborted)
		k->done(k->ctx, status == 0 && k->ok);
	uv_close((uv_handle_t *)&k->async, kbd_closed);
}

int srv_pam_kbd_start(uv_loop_t *loop, const char *user, bool known, srv_pam_prompt_fn prompt,
                      srv_pam_done_fn done, void *ctx, struct srv_pam_conv **out)
{
	struct srv_pam_conv *k = calloc(1, sizeof(*k));
	if (k == NULL || (k->user = strdup(user)) == NULL) {
		free(k);
		return SLC_ERR_NOMEM;
	}
	k->known = known;
	k->prompt = prompt;
	k->done = done;
	k->ctx = ctx;
	k->work.data = k->async.data = k;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (uv_async_init(loop, &k->async, kbd_async) < 0) {
		kbd_closed((uv_handle_t *)&k->async);
		return SLC_ERR_SYS;
	}
	if (uv_queue_work(loop, &k->work, kbd_work, kbd_after) < 0) {
		uv_close((uv_handle_t *)&k->async, kbd_closed);
		return SLC_ERR_SYS;
	}
	*out = k;
	return 0;
}

void srv_pam_kbd_respond(struct srv_pam_conv *k, uint32_t n, const char *const *responses)
{
	pthread_mutex_lock(&k->mu);
	if (k->asking && k->delivered && !k->answered) {
		for (uint32_t j = 0; j < k->n; j++)
			k->answers[j] = strdup(j < n && responses[j] ? responses[j] : "");
		k->answered = true;
		pthread_cond_signal(&k->cv);
	}
	pthread_mutex_unlock(&k->mu);
}

void srv_pam_kbd_abort(struct srv_pam_conv *k)
{
	pthread_mutex_lock(&k->mu);
	k->aborted = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
}
