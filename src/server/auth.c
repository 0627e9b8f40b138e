/* auth: the server's authentication decisions. The core has parsed the
 * request and verified any signature; here we decide who may log in:
 * user lookup, AllowUsers/DenyUsers, PermitRootLogin, authorized_keys
 * (read as the user, with StrictModes), passwords (in a worker thread:
 * crypt(3) and PAM may block).
 *
 * An unknown user gets the same answers and roughly the same work as a
 * known one: the key search runs over an empty key list and the password
 * check against a dummy hash. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "alglist.h"
#include "log.h"
#include "server.h"

int srv_conn_authenticated(struct srv_conn *sc); /* conn.c */

#define AK_MAX_FILE (4u * 1024 * 1024)

struct srv_auth {
	struct srv_conn *sc;
	/* a password check in the thread pool */
	uv_work_t work;
	bool busy;
	bool known, ok, use_pam, kbdint;
	char *user, *password;
	struct passwd pw_copy; /* the user for the accept that follows */
	char *pw_name, *pw_dir, *pw_shell;
	bool banner_sent;
	struct srv_pam_conv *pam; /* keyboard-interactive through PAM */
};

int srv_auth_new(struct srv_conn *sc, struct srv_auth **out)
{
	struct srv_auth *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return SLC_ERR_NOMEM;
	a->sc = sc;
	a->work.data = a;
	*out = a;
	return 0;
}

static void wipe_password(struct srv_auth *a)
{
	if (a->password) {
		OPENSSL_cleanse(a->password, strlen(a->password));
		free(a->password);
		a->password = NULL;
	}
}

void srv_auth_abort(struct srv_auth *a)
{
	if (a != NULL && a->pam != NULL) {
		srv_pam_kbd_abort(a->pam);
		a->pam = NULL;
	}
}

void srv_auth_del(struct srv_auth *a)
{
	if (a == NULL)
		return;
	srv_auth_abort(a);
	wipe_password(a);
	free(a->user);
	free(a);
}

/* Which user we would log in: NULL for unknown ones, and when not running
 * as root, for everyone but ourselves. */
static struct passwd *lookup_user(const char *name)
{
	struct passwd *pw = getpwnam(name);
	if (pw == NULL)
		return NULL;
	if (geteuid() != 0 && pw->pw_uid != geteuid())
		return NULL;
	return pw;
}

static bool match_user_list(const struct cfg_strv *list, const char *user, const char *addr)
{
	for (size_t i = 0; i < list->n; i++) {
		const char *p = list->v[i];
		const char *at = strchr(p, '@');
		if (at == NULL) {
			if (alglist_match_pattern(user, p))
				return true;
			continue;
		}
		char up[256];
		size_t n = (size_t)(at - p);
		if (n >= sizeof(up))
			continue;
		memcpy(up, p, n);
		up[n] = '\0';
		if (alglist_match_pattern(user, up) && alglist_match_pattern(addr, at + 1))
			return true;
	}
	return false;
}

static bool user_allowed(struct srv_conn *sc, const struct passwd *pw)
{
	const struct sshd_config *c = &sc->cfg;
	const char *shell = pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
	struct stat st;
	if (stat(shell, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
		slc_info("User %s not allowed because shell %s does not exist or is not executable",
		         pw->pw_name, shell);
		return false;
	}
	if (!c->use_pam && geteuid() == 0) {
		/* Without PAM, a locked (shadow "!...") or expired account may
		 * not log in at all, as in sshd. */
		struct spwd *sp = getspnam(pw->pw_name);
		if (sp != NULL && sp->sp_pwdp != NULL && sp->sp_pwdp[0] == '!') {
			slc_info("User %s not allowed because account is locked", pw->pw_name);
			return false;
		}
		if (sp != NULL && sp->sp_expire > 0 && time(NULL) / 86400 >= sp->sp_expire) {
			slc_info("User %s not allowed because account has expired", pw->pw_name);
			return false;
		}
	}
	if (c->deny_users.n && match_user_list(&c->deny_users, pw->pw_name, sc->peer_host)) {
		slc_info("User %s from %s not allowed because listed in DenyUsers", pw->pw_name,
		         sc->peer_host);
		return false;
	}
	if (c->allow_users.n && !match_user_list(&c->allow_users, pw->pw_name, sc->peer_host)) {
		slc_info("User %s from %s not allowed because not listed in AllowUsers",
		         pw->pw_name, sc->peer_host);
		return false;
	}
	return true;
}

/* StrictModes: the file and every directory from it up to the home
 * directory (inclusive) owned by the user or root and not writable by
 * group or others. */
static bool strict_ok(const char *path, int fd, uid_t uid, const char *home, char *why, size_t wlen)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != uid) || (st.st_mode & 022) != 0) {
		snprintf(why, wlen, "bad ownership or modes for file %s", path);
		return false;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			break;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &st) < 0 || (st.st_uid != 0 && st.st_uid != uid) ||
		    (st.st_mode & 022) != 0) {
			snprintf(why, wlen, "bad ownership or modes for directory %s", dir);
			return false;
		}
		if (strcmp(dir, home) == 0 || strcmp(dir, "/") == 0)
			break;
	}
	return true;
}

/* Read a file as the user (effective ids only, restored afterwards). */
static char *read_as_user(const struct passwd *pw, const char *path, bool strict, size_t *len)
{
	gid_t saved[256], saved_egid = getegid();
	int nsaved = -1;
	bool switched = false;
	char *text = NULL;
	int fd = -1;
	*len = 0;
	if (geteuid() == 0 && pw->pw_uid != 0) {
		nsaved = getgroups(256, saved);
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setegid(pw->pw_gid) < 0 ||
		    seteuid(pw->pw_uid) < 0) {
			slc_error("temporarily_use_uid %s: %s", pw->pw_name, strerror(errno));
			goto out;
		}
		switched = true;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		slc_debug("Could not open user '%s' authorized keys '%s': %s", pw->pw_name, path,
		          strerror(errno));
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		slc_error("User %s authorized keys %s is not a regular file", pw->pw_name, path);
		goto out;
	}
	char why[4200];
	if (strict && !strict_ok(path, fd, pw->pw_uid, pw->pw_dir, why, sizeof(why))) {
		slc_error("Authentication refused: %s", why);
		goto out;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	if (cap > AK_MAX_FILE)
		cap = AK_MAX_FILE;
	text = malloc(cap);
	while (text != NULL && n + 1 < cap) {
		ssize_t got = read(fd, text + n, cap - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (text) {
		text[n] = '\0';
		*len = n;
	}
out:
	if (fd >= 0)
		close(fd);
	if (switched) {
		if (seteuid(0) < 0 || setegid(saved_egid) < 0 ||
		    (nsaved >= 0 && setgroups((size_t)nsaved, saved) < 0))
			slc_fatal("restore_uid: %s", strerror(errno));
	}
	return text;
}

static void ak_note(void *ctx, size_t line, bool key_matched, const char *msg)
{
	const char *file = ctx;
	slc_log(key_matched ? SLC_LOG_ERROR : SLC_LOG_DEBUG2, "%s line %zu: %s", file, line, msg);
}

/* Search the user's AuthorizedKeysFile entries for key. On success the
 * line's options go to *opts (caller frees). */
static bool find_key(struct srv_conn *sc, const struct passwd *pw, const struct sshkey *key,
                     struct ak_opts *opts)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	bool found = false;
	for (size_t i = 0; pw && !found && i < sc->cfg.authorized_keys_files.n; i++) {
		const char *pat = sc->cfg.authorized_keys_files.v[i];
		char *path = NULL;
		if (!strcmp(pat, "none"))
			continue;
		if (sshd_config_expand_keys_file(pat, pw->pw_name, pw->pw_dir, pw->pw_uid, &path) <
		    0)
			continue;
		size_t len = 0;
		char *text = read_as_user(pw, path, sc->cfg.strict_modes, &len);
		if (text != NULL) {
			struct ak_query q = {.key = key,
			                     .addr = sc->peer_host,
			                     .now = now,
			                     .utc_offset = tm.tm_gmtoff,
			                     .note = ak_note,
			                     .note_ctx = path};
			struct ak_result res;
			int r = ak_find(text, len, &q, &res);
			if (r == 0) {
				slc_debug("%s:%zu: matching key found", path, res.line);
				*opts = res.opts; /* transferred */
				found = true;
			} else {
				if (r == SLC_ERR_DENIED)
					slc_info("%s: key refused: %s", path, res.reason);
				ak_opts_free(&res.opts);
			}
			free(text);
		}
		free(path);
	}
	if (pw == NULL) {
		/* Unknown user: the same search over nothing. */
		struct ak_query q = {.key = key, .addr = sc->peer_host, .now = now};
		struct ak_result res;
		if (ak_find("", 0, &q, &res) == 0)
			found = false;
		ak_opts_free(&res.opts);
	}
	return found;
}

/* PermitRootLogin for a method ("publickey" with or without a forced
 * command, "password"). */
static bool root_allowed(struct srv_conn *sc, const struct passwd *pw, bool is_pubkey,
                         bool forced_cmd)
{
	if (pw == NULL || pw->pw_uid != 0)
		return true;
	switch (sc->cfg.permit_root_login) {
	case SSHD_ROOT_YES:
		return true;
	case SSHD_ROOT_PROHIBIT_PASSWORD:
		return is_pubkey;
	case SSHD_ROOT_FORCED_COMMANDS:
		return is_pubkey && (forced_cmd || (sc->cfg.force_command != NULL &&
		                                    strcmp(sc->cfg.force_command, "none") != 0));
	default:
		return false;
	}
}

static void reject(struct srv_conn *sc)
{
	if (ssh_auth_reject(sc->ssh, false) < 0)
		slc_debug("auth reject failed");
}

static void accept_user(struct srv_conn *sc, const struct passwd *pw, const char *method)
{
	char *fp = NULL;
	(void)fp;
	if (ssh_auth_accept(sc->ssh) < 0) {
		reject(sc);
		return;
	}
	slc_info("Accepted %s for %s from %s port %u ssh2", method, pw->pw_name, sc->peer_host,
	         sc->peer_port);
	if (srv_conn_authenticated(sc) < 0)
		return;
}

/* ---- passwords, in the thread pool ---- */

static void pw_work(uv_work_t *w)
{
	struct srv_auth *a = w->data;
	a->ok = srv_passwd_check(a->user, a->known, a->password ? a->password : "", a->use_pam);
}

static void pw_done(uv_work_t *w, int status)
{
	struct srv_auth *a = w->data;
	struct srv_conn *sc = a->sc;
	a->busy = false;
	wipe_password(a);
	if (sc->closing || sc->ssh == NULL)
		return;
	struct passwd *pw = a->known ? lookup_user(a->user) : NULL;
	const char *method = a->kbdint ? "keyboard-interactive/pam" : "password";
	if (status == 0 && a->ok && pw != NULL && srv_conn_login(sc, pw) == 0) {
		accept_user(sc, pw, method);
	} else {
		slc_info("Failed %s for %s%s from %s port %u ssh2", method,
		         a->known ? "" : "invalid user ", a->user, sc->peer_host, sc->peer_port);
		reject(sc);
	}
	sio_conn_kick(sc->sio);
}

static void start_password(struct srv_auth *a, const char *user, bool known, const char *pw,
                           bool kbdint)
{
	char *u = strdup(user); /* user may be a->user */
	wipe_password(a);
	free(a->user);
	a->user = u;
	a->password = strdup(pw);
	a->known = known;
	a->kbdint = kbdint;
	a->use_pam = a->sc->cfg.use_pam;
	if (a->user == NULL || a->password == NULL ||
	    uv_queue_work(&a->sc->loop, &a->work, pw_work, pw_done) < 0) {
		wipe_password(a);
		reject(a->sc);
		return;
	}
	a->busy = true;
}

/* Banner: the file's text before the first answer, as sshd sends it. */
static void send_banner(struct srv_conn *sc)
{
	const char *path = sc->srv->cfg.banner;
	if (path == NULL || strcmp(path, "none") == 0)
		return;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 64 * 1024 ||
	    (text = calloc(1, (size_t)st.st_size + 1)) == NULL) {
		slc_error("Banner %s: %s", path, fd < 0 ? strerror(errno) : "unusable");
		goto out;
	}
	ssize_t n = read(fd, text, (size_t)st.st_size);
	if (n > 0 && ssh_auth_send_banner(sc->ssh, text) < 0)
		slc_debug("banner not sent");
out:
	if (fd >= 0)
		close(fd);
	free(text);
}

static void pam_prompt(void *ctx, const char *instruction, uint32_t n, const char *const *prompts,
                       const bool *echo)
{
	struct srv_auth *a = ctx;
	struct srv_conn *sc = a->sc;
	if (sc->closing || sc->ssh == NULL)
		return;
	if (ssh_auth_info_request(sc->ssh, "", instruction, n, prompts, echo) < 0) {
		srv_auth_abort(a);
		reject(sc);
	}
	sio_conn_kick(sc->sio);
}

static void pam_done(void *ctx, bool ok)
{
	struct srv_auth *a = ctx;
	struct srv_conn *sc = a->sc;
	a->pam = NULL;
	if (sc->closing || sc->ssh == NULL)
		return;
	struct passwd *pw = a->known ? lookup_user(a->user) : NULL;
	if (ok && pw != NULL && srv_conn_login(sc, pw) == 0) {
		accept_user(sc, pw, "keyboard-interactive/pam");
	} else {
		slc_info("Failed keyboard-interactive/pam for %s%s from %s port %u ssh2",
		         a->known ? "" : "invalid user ", a->user, sc->peer_host, sc->peer_port);
		reject(sc);
	}
	sio_conn_kick(sc->sio);
}

void srv_auth_event(struct srv_auth *a, const struct ssh_event *ev)
{
	struct srv_conn *sc = a->sc;
	if (!a->banner_sent) {
		a->banner_sent = true;
		send_banner(sc);
	}
	if (ev->type == SSH_EV_AUTH_INFO_RESPONSE && a->pam != NULL) {
		srv_pam_kbd_respond(a->pam, ev->auth.info_response.n,
		                    ev->auth.info_response.responses);
		return;
	}
	/* A new request abandons a PAM conversation in progress. */
	srv_auth_abort(a);
	if (ev->type == SSH_EV_AUTH_INFO_RESPONSE) {
		const char *user = a->user ? a->user : "";
		struct passwd *pw = lookup_user(user);
		bool known =
		        pw != NULL && user_allowed(sc, pw) && root_allowed(sc, pw, false, false);
		if (ev->auth.info_response.n != 1) {
			reject(sc);
			return;
		}
		start_password(a, user, known, ev->auth.info_response.responses[0], true);
		return;
	}
	const char *user = ev->auth.request.user;
	struct passwd *pw = lookup_user(user);
	if (pw != NULL && !user_allowed(sc, pw))
		pw = NULL;
	if (pw != NULL && srv_conn_login(sc, pw) < 0)
		pw = NULL;
	/* Match blocks may turn a method off for this user. The announced
	 * list follows, so the client stops trying it. */
	if (pw != NULL) {
		enum ssh_auth_method m = ev->auth.request.method;
		if ((m == SSH_AUTH_PASSWORD && !sc->cfg.password_authentication) ||
		    (m == SSH_AUTH_KBDINT && !sc->cfg.kbd_interactive_authentication) ||
		    (m == SSH_AUTH_PUBLICKEY && !sc->cfg.pubkey_authentication)) {
			char methods[64] = "";
			if (sc->cfg.pubkey_authentication)
				strcat(methods, "publickey,");
			if (sc->cfg.password_authentication)
				strcat(methods, "password,");
			if (sc->cfg.kbd_interactive_authentication)
				strcat(methods, "keyboard-interactive,");
			if (methods[0] != '\0')
				methods[strlen(methods) - 1] = '\0';
			if (ssh_auth_set_methods(sc->ssh, methods) < 0)
				slc_debug("could not narrow the method list");
			reject(sc);
			return;
		}
	}
	switch (ev->auth.request.method) {
	case SSH_AUTH_NONE:
		if (pw == NULL)
			slc_info("Invalid user %s from %s port %u", user, sc->peer_host,
			         sc->peer_port);
		reject(sc);
		return;
	case SSH_AUTH_PUBLICKEY: {
		struct ak_opts opts;
		ak_opts_init(&opts);
		bool found = sc->cfg.pubkey_authentication &&
		             find_key(sc, pw, ev->auth.request.key, &opts);
		if (found && !root_allowed(sc, pw, true, opts.command != NULL)) {
			slc_info("ROOT LOGIN REFUSED FROM %s port %u", sc->peer_host,
			         sc->peer_port);
			found = false;
		}
		if (!found) {
			if (ev->auth.request.has_sig)
				slc_info("Failed publickey for %s%s from %s port %u ssh2",
				         pw ? "" : "invalid user ", user, sc->peer_host,
				         sc->peer_port);
			ak_opts_free(&opts);
			reject(sc);
			return;
		}
		if (!ev->auth.request.has_sig) {
			ak_opts_free(&opts);
			if (ssh_auth_pk_ok(sc->ssh) < 0)
				reject(sc);
			return;
		}
		if (!ev->auth.request.sig_ok) {
			ak_opts_free(&opts);
			reject(sc);
			return;
		}
		if (sc->key_opts_set)
			ak_opts_free(&sc->key_opts);
		sc->key_opts = opts; /* transferred */
		sc->key_opts_set = true;
		accept_user(sc, pw, "publickey");
		return;
	}
	case SSH_AUTH_PASSWORD: {
		if (ev->auth.request.new_password != NULL) {
			reject(sc);
			return;
		}
		bool known = pw != NULL && root_allowed(sc, pw, false, false);
		start_password(a, user, known, ev->auth.request.password, false);
		return;
	}
	case SSH_AUTH_KBDINT: {
		static const char *const prompts[] = {"Password: "};
		static const bool echo[] = {false};
		free(a->user);
		a->user = strdup(user);
		if (a->user != NULL && sc->cfg.use_pam) {
			a->known = pw != NULL && root_allowed(sc, pw, false, false);
			if (srv_pam_kbd_start(&sc->loop, user, a->known, pam_prompt, pam_done, a,
			                      &a->pam) < 0)
				reject(sc);
			return;
		}
		if (a->user == NULL || ssh_auth_info_request(sc->ssh, "", "", 1, prompts, echo) < 0)
			reject(sc);
		return;
	}
	}
	reject(sc);
}
