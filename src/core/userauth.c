/* User authentication (RFC 4252, RFC 4256, RFC 8332/8308), both roles.
 *
 * Message 60 means a different thing for each method (PK_OK, PASSWD_-
 * CHANGEREQ, INFO_REQUEST), so each side tracks which request is out. The
 * server hands each request to the driver as an event and reads no more
 * input until it has the answer (userauth_blocking), as OpenSSH processes
 * requests one at a time. */
#include <stdlib.h>
#include <string.h>

#include "alglist.h"
#include "conn_int.h"
#include "crypto.h"

_Static_assert((int)SSH_EV_AUTH_BANNER == (int)SSH_EV_AUTH_FIRST, "auth events start the range");
_Static_assert((int)SSH_EV_AUTH__END - 1 <= (int)SSH_EV_AUTH_LAST, "auth events fit the range");

enum {
	MSG_USERAUTH_60 = 60, /* PK_OK, PASSWD_CHANGEREQ, INFO_REQUEST */
	MSG_USERAUTH_INFO_RESPONSE = 61,
};

#define SERVICE "ssh-connection"
#define DEFAULT_METHODS "publickey,password"
/* What the transport announces in server-sig-algs, and what a client
 * offers by default: everything but SHA-1 RSA (RFC 8332, OpenSSH 8.8). */
#define DEFAULT_ALGS kex_hostkey_default_names()
#define DEFAULT_MAX_TRIES 6
#define MAX_USER_LEN 255

enum client_state {
	UC_IDLE, /* nothing outstanding */
	UC_NONE, /* "none" request out */
	UC_PASSWORD, /* password request out */
	UC_PK_QUERY, /* publickey query out */
	UC_PK_SIGN, /* waiting for the driver's signature; nothing out */
	UC_PK_SIGNED, /* signed publickey request out */
	UC_KBDINT, /* keyboard-interactive out, or responses sent */
	UC_KBDINT_PROMPT, /* INFO_REQUEST given to the driver */
	UC_DONE,
};

enum server_state {
	US_IDLE, /* reading requests */
	US_REQUEST, /* SSH_EV_AUTH_REQUEST awaits the driver */
	US_INFO_WAIT, /* INFO_REQUEST out, waiting for INFO_RESPONSE */
	US_INFO_ANSWER, /* SSH_EV_AUTH_INFO_RESPONSE awaits the driver */
	US_DONE,
};

struct userauth_state {
	char *user; /* client: outstanding request's; server: fixed by the first */

	/* client */
	enum client_state cs;
	char *client_algs;
	const struct sshkey *key; /* borrowed from the driver */
	const char *alg; /* static name */
	struct buf blob; /* public key blob of the outstanding request */
	struct buf tbs; /* data to be signed */
	char *text, *text2; /* sanitized banner / prompt / name, instruction */
	char *methods_in;

	/* server */
	enum server_state ss;
	char *methods;
	char *server_algs;
	unsigned max_tries, failures;
	enum ssh_auth_method method;
	const char *method_name;
	struct sshkey *req_key;
	char *req_alg;
	struct buf req_blob;
	bool has_sig, sig_ok;
	char *password, *new_password;
	char *submethods;
	uint32_t n_sent; /* prompts in our last INFO_REQUEST */

	/* prompts (client) or responses (server, secret) */
	char *strv[SSH_AUTH_MAX_PROMPTS];
	bool echo[SSH_AUTH_MAX_PROMPTS];
	uint32_t nstr;
};

/* ---- helpers ---- */

static void free_secret(char **s)
{
	if (*s) {
		crypto_wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static void strv_clear(struct userauth_state *ua)
{
	for (uint32_t i = 0; i < ua->nstr; i++)
		free_secret(&ua->strv[i]);
	ua->nstr = 0;
}

static struct userauth_state *ua_get(struct ssh_conn *c)
{
	if (!c->ua) {
		struct userauth_state *ua = calloc(1, sizeof(*ua));
		if (!ua)
			return NULL;
		buf_init(&ua->blob);
		buf_init(&ua->tbs);
		buf_init(&ua->req_blob);
		ua->max_tries = DEFAULT_MAX_TRIES;
		c->ua = ua;
	}
	return c->ua;
}

/* *slot = a copy of s (NULL clears it), for the setters; slot is NULL
 * when ua_get failed. */
static int set_copy(char **slot, const char *s)
{
	char *copy = NULL;
	if (!slot || (s && !(copy = strdup(s))))
		return SLC_ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

/* The server's per-request data; secrets wiped. */
static void server_clear_request(struct userauth_state *ua)
{
	sshkey_del(ua->req_key);
	ua->req_key = NULL;
	free(ua->req_alg);
	ua->req_alg = NULL;
	buf_reset(&ua->req_blob);
	free_secret(&ua->password);
	free_secret(&ua->new_password);
	free(ua->submethods);
	ua->submethods = NULL;
	ua->has_sig = ua->sig_ok = false;
	strv_clear(ua);
}

void userauth_free(struct ssh_conn *c)
{
	struct userauth_state *ua = c->ua;
	if (!ua)
		return;
	server_clear_request(ua);
	free(ua->user);
	free(ua->client_algs);
	buf_free(&ua->blob);
	buf_free(&ua->tbs);
	buf_free(&ua->req_blob);
	free(ua->text);
	free(ua->text2);
	free(ua->methods_in);
	free(ua->methods);
	free(ua->server_algs);
	free(ua);
	c->ua = NULL;
}

bool userauth_blocking(const struct ssh_conn *c)
{
	return c->ua && (c->ua->ss == US_REQUEST || c->ua->ss == US_INFO_ANSWER);
}

/* A printable copy of peer text: ASCII and C1 controls, DEL and malformed
 * UTF-8 become '?'; with multiline, LF and TAB stay and CR before LF goes.
 * Never longer than the input. */
static char *sanitize(const uint8_t *p, size_t n, bool multiline)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint8_t b = p[i];
		if (b < 0x80) {
			if (b >= 0x20 && b != 0x7f)
				out[o++] = (char)b;
			else if (multiline && (b == '\n' || b == '\t'))
				out[o++] = (char)b;
			else if (!(multiline && b == '\r' && i + 1 < n && p[i + 1] == '\n'))
				out[o++] = '?';
			i++;
			continue;
		}
		/* UTF-8: the sequence length and the allowed range of the
		 * second byte (no overlongs, surrogates or > U+10FFFF). */
		size_t len = 0;
		uint8_t lo = 0x80, hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf)
			len = 2;
		else if (b >= 0xe0 && b <= 0xef) {
			len = 3;
			if (b == 0xe0)
				lo = 0xa0;
			if (b == 0xed)
				hi = 0x9f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			len = 4;
			if (b == 0xf0)
				lo = 0x90;
			if (b == 0xf4)
				hi = 0x8f;
		}
		bool ok = len > 0 && n - i >= len && p[i + 1] >= lo && p[i + 1] <= hi;
		for (size_t k = 2; ok && k < len; k++)
			ok = p[i + k] >= 0x80 && p[i + k] <= 0xbf;
		if (ok && b == 0xc2 && p[i + 1] <= 0x9f) {
			/* U+0080..U+009F are C1 controls: terminals may obey
			 * them. One '?' for the whole character. */
			out[o++] = '?';
			i += 2;
		} else if (ok) {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

/* A string from the peer, sanitized. */
static int get_text(struct buf *m, bool multiline, char **out)
{
	const uint8_t *p;
	size_t n;
	int r = buf_get_string(m, &p, &n);
	if (r < 0)
		return r;
	if (!(*out = sanitize(p, n, multiline)))
		return SLC_ERR_NOMEM;
	return 0;
}

static const struct {
	const char *alg;
	enum sshkey_type type;
} pk_algs[] = {
        {"ssh-ed25519", SSHKEY_ED25519},
        {"ecdsa-sha2-nistp256", SSHKEY_ECDSA_P256},
        {"ecdsa-sha2-nistp384", SSHKEY_ECDSA_P384},
        {"ecdsa-sha2-nistp521", SSHKEY_ECDSA_P521},
        {"rsa-sha2-512", SSHKEY_RSA},
        {"rsa-sha2-256", SSHKEY_RSA},
        {"ssh-rsa", SSHKEY_RSA},
};

/* The static name of a signature algorithm for key type t, or NULL. */
static const char *alg_for_type(const char *alg, enum sshkey_type t)
{
	for (size_t i = 0; i < sizeof(pk_algs) / sizeof(pk_algs[0]); i++)
		if (pk_algs[i].type == t && !strcmp(pk_algs[i].alg, alg))
			return pk_algs[i].alg;
	return NULL;
}

static const char *msg_name(uint8_t t)
{
	switch (t) {
	case SSH_MSG_USERAUTH_REQUEST:
		return "USERAUTH_REQUEST";
	case SSH_MSG_USERAUTH_FAILURE:
		return "USERAUTH_FAILURE";
	case SSH_MSG_USERAUTH_SUCCESS:
		return "USERAUTH_SUCCESS";
	case SSH_MSG_USERAUTH_BANNER:
		return "USERAUTH_BANNER";
	case MSG_USERAUTH_60:
		return "USERAUTH_PK_OK/INFO_REQUEST/PASSWD_CHANGEREQ";
	case MSG_USERAUTH_INFO_RESPONSE:
		return "USERAUTH_INFO_RESPONSE";
	default:
		return "USERAUTH message";
	}
}

static int unexpected(struct ssh_conn *c, uint8_t t, const char *why)
{
	conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected %s (%u) from %s%s%s", msg_name(t),
	          t, c->cfg.server ? "client" : "server", why ? ": " : "", why ? why : "");
	return SLC_ERR_PROTOCOL;
}

/* A banner or a password change prompt: string text, string language
 * tag, nothing after. *text is replaced. */
static int get_text_lang(struct buf *m, char **text)
{
	const uint8_t *lang;
	size_t ll;
	int r;

	free(*text);
	*text = NULL;
	if ((r = get_text(m, true, text)) < 0 || (r = buf_get_string(m, &lang, &ll)) < 0)
		return r;
	return buf_len(m) ? SLC_ERR_FORMAT : 0;
}

static int malformed(struct ssh_conn *c, uint8_t t, int r)
{
	if (r == SLC_ERR_NOMEM)
		conn_fail(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory in user authentication");
	else
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed %s (%u) from %s",
		          msg_name(t), t, c->cfg.server ? "client" : "server");
	return r < 0 ? r : SLC_ERR_FORMAT;
}

static void raise_auth(struct ssh_conn *c, int type, const struct ssh_auth_event *a)
{
	struct ssh_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.auth = *a;
	conn_raise(c, &ev);
}

/* ---- client ---- */

int ssh_auth_set_client_algs(struct ssh_conn *c, const char *algs)
{
	struct userauth_state *ua = ua_get(c);
	return set_copy(ua ? &ua->client_algs : NULL, algs);
}

static const char *client_algs(const struct ssh_conn *c)
{
	return c->ua && c->ua->client_algs ? c->ua->client_algs : DEFAULT_ALGS;
}

const char *ssh_auth_pubkey_alg(const struct ssh_conn *c, const struct sshkey *key)
{
	const char *mine = client_algs(c);
	const char *theirs = ssh_conn_server_sig_algs(c);
	if (sshkey_type(key) != SSHKEY_RSA) {
		const char *a = alg_for_type(sshkey_name(key), sshkey_type(key));
		return a && alglist_contains(mine, a) ? a : NULL;
	}
	static const char *const rsa[] = {"rsa-sha2-512", "rsa-sha2-256"};
	for (size_t i = 0; i < 2; i++)
		if (theirs && alglist_contains(theirs, rsa[i]) && alglist_contains(mine, rsa[i]))
			return rsa[i];
	return alglist_contains(mine, "ssh-rsa") ? "ssh-rsa" : NULL;
}

/* Common checks before a client request; gives the state. */
static int client_ready(struct ssh_conn *c, const char *user, struct userauth_state **out)
{
	if (c->cfg.server || !c->service_accepted || c->authenticated || !user)
		return SLC_ERR_INVALID;
	if (c->closed)
		return SLC_ERR_CLOSED;
	struct userauth_state *ua = ua_get(c);
	if (!ua)
		return SLC_ERR_NOMEM;
	if (ua->cs != UC_IDLE)
		return SLC_ERR_INVALID;
	char *u = strdup(user);
	if (!u)
		return SLC_ERR_NOMEM;
	free(ua->user);
	ua->user = u;
	*out = ua;
	return 0;
}

/* USERAUTH_REQUEST header: byte 50, string user, "ssh-connection", method. */
static int put_request_head(struct buf *b, const char *user, const char *method)
{
	int r;
	if ((r = buf_put_u8(b, SSH_MSG_USERAUTH_REQUEST)) < 0 ||
	    (r = buf_put_cstring(b, user)) < 0 || (r = buf_put_cstring(b, SERVICE)) < 0 ||
	    (r = buf_put_cstring(b, method)) < 0)
		return r;
	return 0;
}

int ssh_auth_none(struct ssh_conn *c, const char *user)
{
	struct userauth_state *ua;
	struct buf *b;
	int r;
	if ((r = client_ready(c, user, &ua)) < 0 || (r = conn_send_begin(c, &b)) < 0 ||
	    (r = put_request_head(b, user, "none")) < 0 || (r = conn_send_end(c)) < 0)
		return r;
	ua->cs = UC_NONE;
	return 0;
}

int ssh_auth_password(struct ssh_conn *c, const char *user, const char *password,
                      const char *new_password)
{
	struct userauth_state *ua;
	struct buf *b;
	int r;
	if (!password)
		return SLC_ERR_INVALID;
	if ((r = client_ready(c, user, &ua)) < 0 || (r = conn_send_begin(c, &b)) < 0 ||
	    (r = put_request_head(b, user, "password")) < 0 ||
	    (r = buf_put_bool(b, new_password != NULL)) < 0 ||
	    (r = buf_put_cstring(b, password)) < 0 ||
	    (new_password && (r = buf_put_cstring(b, new_password)) < 0) ||
	    (r = conn_send_end(c)) < 0)
		return r;
	ua->cs = UC_PASSWORD;
	return 0;
}

/* Pick or check the algorithm and keep the key's blob. */
static int client_key(struct ssh_conn *c, struct userauth_state *ua, const struct sshkey *key,
                      const char *alg)
{
	int r;
	if (!key)
		return SLC_ERR_INVALID;
	if (alg) {
		const char *a = alg_for_type(alg, sshkey_type(key));
		if (!a)
			return SLC_ERR_INVALID;
		if (!alglist_contains(client_algs(c), a))
			return SLC_ERR_UNSUPPORTED;
		ua->alg = a;
	} else if (!(ua->alg = ssh_auth_pubkey_alg(c, key))) {
		return SLC_ERR_UNSUPPORTED;
	}
	buf_reset(&ua->blob);
	if ((r = sshkey_put_public(key, &ua->blob)) < 0)
		return r;
	ua->key = key;
	return 0;
}

int ssh_auth_publickey_query(struct ssh_conn *c, const char *user, const struct sshkey *key,
                             const char *alg)
{
	struct userauth_state *ua;
	struct buf *b;
	int r;
	if ((r = client_ready(c, user, &ua)) < 0 || (r = client_key(c, ua, key, alg)) < 0 ||
	    (r = conn_send_begin(c, &b)) < 0 || (r = put_request_head(b, user, "publickey")) < 0 ||
	    (r = buf_put_bool(b, false)) < 0 || (r = buf_put_cstring(b, ua->alg)) < 0 ||
	    (r = buf_put_stringb(b, &ua->blob)) < 0 || (r = conn_send_end(c)) < 0)
		return r;
	ua->cs = UC_PK_QUERY;
	return 0;
}

/* RFC 4252 7: the data a publickey signature covers. */
static int put_signed_data(struct buf *b, const uint8_t *sid, size_t sid_len, const char *user,
                           size_t user_len, const char *alg, const struct buf *blob)
{
	int r;
	if ((r = buf_put_string(b, sid, sid_len)) < 0 ||
	    (r = buf_put_u8(b, SSH_MSG_USERAUTH_REQUEST)) < 0 ||
	    (r = buf_put_string(b, user, user_len)) < 0 || (r = buf_put_cstring(b, SERVICE)) < 0 ||
	    (r = buf_put_cstring(b, "publickey")) < 0 || (r = buf_put_bool(b, true)) < 0 ||
	    (r = buf_put_cstring(b, alg)) < 0 || (r = buf_put_stringb(b, blob)) < 0)
		return r;
	return 0;
}

int ssh_auth_publickey_sign(struct ssh_conn *c, const char *user, const struct sshkey *key,
                            const char *alg)
{
	struct userauth_state *ua;
	size_t sid_len;
	const uint8_t *sid = ssh_conn_session_id(c, &sid_len);
	int r;
	if (c->pending.type != SSH_EV_NONE)
		return SLC_ERR_AGAIN; /* the driver has not pulled an event */
	if ((r = client_ready(c, user, &ua)) < 0 || (r = client_key(c, ua, key, alg)) < 0)
		return r;
	buf_reset(&ua->tbs);
	if ((r = put_signed_data(&ua->tbs, sid, sid_len, user, strlen(user), ua->alg, &ua->blob)) <
	    0)
		return r;
	ua->cs = UC_PK_SIGN;
	struct ssh_auth_event a = {.sign = {buf_ptr(&ua->tbs), buf_len(&ua->tbs), ua->alg, key}};
	raise_auth(c, SSH_EV_AUTH_SIGN, &a);
	return 0;
}

void ssh_auth_publickey_cancel(struct ssh_conn *c)
{
	if (c->ua && c->ua->cs == UC_PK_SIGN) {
		c->ua->cs = UC_IDLE;
		buf_reset(&c->ua->tbs);
		if (c->pending.type == SSH_EV_AUTH_SIGN)
			c->pending.type = SSH_EV_NONE; /* not pulled yet: its data is gone */
	}
}

int ssh_auth_publickey_signed(struct ssh_conn *c, const uint8_t *sig, size_t len)
{
	struct userauth_state *ua = c->ua;
	const uint8_t *name;
	size_t nl;
	struct buf *b;
	int r;
	if (c->cfg.server || !ua || ua->cs != UC_PK_SIGN || !sig)
		return SLC_ERR_INVALID;
	/* An agent may answer with another algorithm than asked (old agents
	 * and ssh-rsa): the server would refuse that, so say so now. */
	if ((r = sshkey_sig_alg(sig, len, &name, &nl)) < 0 || nl != strlen(ua->alg) ||
	    memcmp(name, ua->alg, nl)) {
		ssh_auth_publickey_cancel(c);
		return r < 0 ? r : SLC_ERR_SIGNATURE;
	}
	ua->cs = UC_IDLE;
	buf_reset(&ua->tbs);
	if ((r = conn_send_begin(c, &b)) < 0 ||
	    (r = put_request_head(b, ua->user, "publickey")) < 0 ||
	    (r = buf_put_bool(b, true)) < 0 || (r = buf_put_cstring(b, ua->alg)) < 0 ||
	    (r = buf_put_stringb(b, &ua->blob)) < 0 || (r = buf_put_string(b, sig, len)) < 0 ||
	    (r = conn_send_end(c)) < 0)
		return r;
	ua->cs = UC_PK_SIGNED;
	return 0;
}

int ssh_auth_kbdint(struct ssh_conn *c, const char *user, const char *submethods)
{
	struct userauth_state *ua;
	struct buf *b;
	int r;
	if ((r = client_ready(c, user, &ua)) < 0 || (r = conn_send_begin(c, &b)) < 0 ||
	    (r = put_request_head(b, user, "keyboard-interactive")) < 0 ||
	    (r = buf_put_cstring(b, "")) < 0 ||
	    (r = buf_put_cstring(b, submethods ? submethods : "")) < 0 ||
	    (r = conn_send_end(c)) < 0)
		return r;
	ua->cs = UC_KBDINT;
	return 0;
}

int ssh_auth_kbdint_respond(struct ssh_conn *c, uint32_t n, const char *const *responses)
{
	struct userauth_state *ua = c->ua;
	struct buf *b;
	int r;
	if (c->cfg.server || !ua || ua->cs != UC_KBDINT_PROMPT || n != ua->nstr ||
	    (n && !responses))
		return SLC_ERR_INVALID;
	for (uint32_t i = 0; i < n; i++)
		if (!responses[i])
			return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 ||
	    (r = buf_put_u8(b, MSG_USERAUTH_INFO_RESPONSE)) < 0 || (r = buf_put_u32(b, n)) < 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if ((r = buf_put_cstring(b, responses[i])) < 0)
			return r;
	if ((r = conn_send_end(c)) < 0)
		return r;
	strv_clear(ua);
	ua->cs = UC_KBDINT;
	return 0;
}

static bool client_outstanding(const struct userauth_state *ua)
{
	switch (ua->cs) {
	case UC_NONE:
	case UC_PASSWORD:
	case UC_PK_QUERY:
	case UC_PK_SIGNED:
	case UC_KBDINT:
	case UC_KBDINT_PROMPT: /* the server may give up on its prompt */
		return true;
	default:
		return false;
	}
}

static int client_info_request(struct ssh_conn *c, struct userauth_state *ua, struct buf *m)
{
	uint32_t n;
	const uint8_t *lang;
	size_t ll;
	int r;
	free(ua->text);
	free(ua->text2);
	ua->text = ua->text2 = NULL;
	strv_clear(ua);
	if ((r = get_text(m, false, &ua->text)) < 0 || (r = get_text(m, true, &ua->text2)) < 0 ||
	    (r = buf_get_string(m, &lang, &ll)) < 0 || (r = buf_get_u32(m, &n)) < 0)
		return r;
	if (n > SSH_AUTH_MAX_PROMPTS)
		return SLC_ERR_LIMIT;
	for (uint32_t i = 0; i < n; i++) {
		if ((r = get_text(m, true, &ua->strv[i])) < 0)
			return r;
		ua->nstr = i + 1;
		if ((r = buf_get_bool(m, &ua->echo[i])) < 0)
			return r;
	}
	return buf_len(m) ? SLC_ERR_FORMAT : 0;
}

static int client_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	struct userauth_state *ua = ua_get(c);
	struct ssh_auth_event a;
	int r = 0;
	if (!ua) {
		conn_fail(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory in user authentication");
		return SLC_ERR_NOMEM;
	}
	memset(&a, 0, sizeof(a));
	switch (t) {
	case SSH_MSG_USERAUTH_BANNER: {
		if ((r = get_text_lang(m, &ua->text)) < 0)
			return malformed(c, t, r);
		a.banner.text = ua->text;
		raise_auth(c, SSH_EV_AUTH_BANNER, &a);
		return 0;
	}
	case SSH_MSG_USERAUTH_FAILURE: {
		bool partial;
		if (!client_outstanding(ua))
			return unexpected(c, t, "no request outstanding");
		free(ua->methods_in);
		ua->methods_in = NULL;
		if ((r = buf_get_namelist(m, &ua->methods_in)) < 0 ||
		    (r = buf_get_bool(m, &partial)) < 0 || buf_len(m))
			return malformed(c, t, r);
		strv_clear(ua);
		ua->cs = UC_IDLE;
		a.failure.methods = ua->methods_in;
		a.failure.partial = partial;
		raise_auth(c, SSH_EV_AUTH_FAILURE, &a);
		return 0;
	}
	case SSH_MSG_USERAUTH_SUCCESS:
		if (!client_outstanding(ua))
			return unexpected(c, t, "no request outstanding");
		if (buf_len(m))
			return malformed(c, t, SLC_ERR_FORMAT);
		strv_clear(ua);
		ua->cs = UC_DONE;
		c->authenticated = true;
		raise_auth(c, SSH_EV_AUTH_SUCCESS, &a);
		return 0;
	case MSG_USERAUTH_60:
		break;
	default:
		return unexpected(c, t, NULL);
	}

	switch (ua->cs) {
	case UC_PK_QUERY: { /* PK_OK: string alg, string blob, as we sent */
		const uint8_t *alg, *blob;
		size_t al, bl;
		if ((r = buf_get_string(m, &alg, &al)) < 0 ||
		    (r = buf_get_string(m, &blob, &bl)) < 0 || buf_len(m))
			return malformed(c, t, r);
		if (al != strlen(ua->alg) || memcmp(alg, ua->alg, al) || bl != buf_len(&ua->blob) ||
		    memcmp(blob, buf_ptr(&ua->blob), bl)) {
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			          "USERAUTH_PK_OK (60) from server for a key or algorithm we did "
			          "not offer");
			return SLC_ERR_PROTOCOL;
		}
		ua->cs = UC_IDLE;
		a.pk_ok.key = ua->key;
		a.pk_ok.alg = ua->alg;
		raise_auth(c, SSH_EV_AUTH_PK_OK, &a);
		return 0;
	}
	case UC_PASSWORD: { /* PASSWD_CHANGEREQ: string prompt, string lang */
		if ((r = get_text_lang(m, &ua->text)) < 0)
			return malformed(c, t, r);
		ua->cs = UC_IDLE;
		a.failure.methods = "";
		a.failure.change_password = true;
		a.failure.prompt = ua->text;
		raise_auth(c, SSH_EV_AUTH_FAILURE, &a);
		return 0;
	}
	case UC_KBDINT:
		if ((r = client_info_request(c, ua, m)) < 0) {
			if (r == SLC_ERR_LIMIT) {
				conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
				          "USERAUTH_INFO_REQUEST (60) from server with too many "
				          "prompts");
				return r;
			}
			return malformed(c, t, r);
		}
		ua->cs = UC_KBDINT_PROMPT;
		a.info_request.name = ua->text;
		a.info_request.instruction = ua->text2;
		a.info_request.n_prompts = ua->nstr;
		a.info_request.prompts = (const char *const *)ua->strv;
		a.info_request.echo = ua->echo;
		raise_auth(c, SSH_EV_AUTH_INFO_REQUEST, &a);
		return 0;
	case UC_KBDINT_PROMPT:
		return unexpected(c, t, "keyboard-interactive prompts not yet answered");
	default:
		return unexpected(c, t,
		                  "no publickey query, password or keyboard-interactive "
		                  "request outstanding");
	}
}

/* ---- server ---- */

int ssh_auth_set_methods(struct ssh_conn *c, const char *methods)
{
	struct userauth_state *ua = ua_get(c);
	return set_copy(ua ? &ua->methods : NULL, methods);
}

void ssh_auth_set_max_tries(struct ssh_conn *c, unsigned tries)
{
	struct userauth_state *ua = ua_get(c);
	if (ua)
		ua->max_tries = tries ? tries : DEFAULT_MAX_TRIES;
}

int ssh_auth_set_server_algs(struct ssh_conn *c, const char *algs)
{
	struct userauth_state *ua = ua_get(c);
	return set_copy(ua ? &ua->server_algs : NULL, algs);
}

unsigned ssh_auth_failures(const struct ssh_conn *c)
{
	return c->ua ? c->ua->failures : 0;
}

static const char *server_methods(const struct userauth_state *ua)
{
	return ua->methods ? ua->methods : DEFAULT_METHODS;
}

int ssh_auth_send_banner(struct ssh_conn *c, const char *text)
{
	struct buf *b;
	int r;
	if (!c->cfg.server || c->authenticated || !text)
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, SSH_MSG_USERAUTH_BANNER)) < 0 ||
	    (r = buf_put_cstring(b, text)) < 0 || (r = buf_put_cstring(b, "")) < 0)
		return r;
	return conn_send_end(c);
}

/* A failed (or partially successful) request: FAILURE, or the end of the
 * connection at MaxAuthTries. */
static int server_failure(struct ssh_conn *c, bool partial, bool counts)
{
	struct userauth_state *ua = c->ua;
	struct buf *b;
	int r;
	server_clear_request(ua);
	ua->ss = US_IDLE;
	if (counts && ++ua->failures >= ua->max_tries) {
		conn_fail(c, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
		          "Too many authentication failures");
		return SLC_ERR_DENIED;
	}
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, SSH_MSG_USERAUTH_FAILURE)) < 0 ||
	    (r = buf_put_cstring(b, server_methods(ua))) < 0 || (r = buf_put_bool(b, partial)) < 0)
		return r;
	return conn_send_end(c);
}

/* The answers need a request waiting, on a live connection. */
static struct userauth_state *answering(struct ssh_conn *c)
{
	if (!c->cfg.server || c->closed || !userauth_blocking(c))
		return NULL;
	return c->ua;
}

int ssh_auth_accept(struct ssh_conn *c)
{
	struct userauth_state *ua = answering(c);
	struct buf *b;
	int r;
	if (!ua)
		return SLC_ERR_INVALID;
	/* Never on the driver's word alone for a key: the core must have
	 * checked a signature by it over this session. */
	if (ua->method == SSH_AUTH_PUBLICKEY && !(ua->has_sig && ua->sig_ok)) {
		r = server_failure(c, false, true);
		return r < 0 && r != SLC_ERR_DENIED ? r : SLC_ERR_DENIED;
	}
	server_clear_request(ua);
	ua->ss = US_DONE;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, SSH_MSG_USERAUTH_SUCCESS)) < 0 ||
	    (r = conn_send_end(c)) < 0)
		return r;
	c->authenticated = true;
	return 0;
}

int ssh_auth_reject(struct ssh_conn *c, bool partial)
{
	struct userauth_state *ua = answering(c);
	if (!ua)
		return SLC_ERR_INVALID;
	int r = server_failure(c, partial, !partial && ua->method != SSH_AUTH_NONE);
	return r == SLC_ERR_DENIED ? 0 : r; /* the disconnect is the answer */
}

int ssh_auth_pk_ok(struct ssh_conn *c)
{
	struct userauth_state *ua = answering(c);
	struct buf *b;
	int r;
	if (!ua || ua->ss != US_REQUEST || ua->method != SSH_AUTH_PUBLICKEY || ua->has_sig)
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, MSG_USERAUTH_60)) < 0 ||
	    (r = buf_put_cstring(b, ua->req_alg)) < 0 ||
	    (r = buf_put_stringb(b, &ua->req_blob)) < 0)
		return r;
	server_clear_request(ua);
	ua->ss = US_IDLE;
	return conn_send_end(c);
}

int ssh_auth_info_request(struct ssh_conn *c, const char *name, const char *instruction, uint32_t n,
                          const char *const *prompts, const bool *echo)
{
	struct userauth_state *ua = answering(c);
	struct buf *b;
	int r;
	if (!ua || ua->method != SSH_AUTH_KBDINT || n > SSH_AUTH_MAX_PROMPTS ||
	    (n && (!prompts || !echo)))
		return SLC_ERR_INVALID;
	for (uint32_t i = 0; i < n; i++)
		if (!prompts[i])
			return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, MSG_USERAUTH_60)) < 0 ||
	    (r = buf_put_cstring(b, name ? name : "")) < 0 ||
	    (r = buf_put_cstring(b, instruction ? instruction : "")) < 0 ||
	    (r = buf_put_cstring(b, "")) < 0 || (r = buf_put_u32(b, n)) < 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if ((r = buf_put_cstring(b, prompts[i])) < 0 || (r = buf_put_bool(b, echo[i])) < 0)
			return r;
	server_clear_request(ua);
	ua->n_sent = n;
	ua->ss = US_INFO_WAIT;
	return conn_send_end(c);
}

int ssh_auth_passwd_changereq(struct ssh_conn *c, const char *prompt)
{
	struct userauth_state *ua = answering(c);
	struct buf *b;
	int r;
	if (!ua || ua->ss != US_REQUEST || ua->method != SSH_AUTH_PASSWORD)
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, MSG_USERAUTH_60)) < 0 ||
	    (r = buf_put_cstring(b, prompt ? prompt : "")) < 0 || (r = buf_put_cstring(b, "")) < 0)
		return r;
	server_clear_request(ua);
	ua->ss = US_IDLE;
	return conn_send_end(c);
}

static bool valid_user(const char *u, size_t len)
{
	if (len > MAX_USER_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)u[i] < 0x20 || u[i] == 0x7f)
			return false;
	return true;
}

/* publickey: bool has_sig, string alg, string blob[, string sig]. Returns
 * 1 when the core itself refuses (unusable key or algorithm). */
static int server_publickey(struct ssh_conn *c, struct userauth_state *ua, struct buf *m)
{
	const uint8_t *blob, *sig = NULL;
	size_t bl, sl = 0;
	struct buf tbs;
	int r;
	if ((r = buf_get_bool(m, &ua->has_sig)) < 0 ||
	    (r = buf_get_cstring(m, &ua->req_alg, NULL)) < 0 ||
	    (r = buf_get_string(m, &blob, &bl)) < 0 ||
	    (ua->has_sig && (r = buf_get_string(m, &sig, &sl)) < 0))
		return r;
	if (buf_len(m))
		return SLC_ERR_FORMAT;
	if ((r = buf_put(&ua->req_blob, blob, bl)) < 0)
		return r;
	if (!alglist_contains(ua->server_algs ? ua->server_algs : DEFAULT_ALGS, ua->req_alg))
		return 1;
	r = sshkey_from_blob(blob, bl, &ua->req_key);
	if (r == SLC_ERR_NOMEM)
		return r;
	if (r < 0 || !alg_for_type(ua->req_alg, sshkey_type(ua->req_key)))
		return 1;
	if (!ua->has_sig)
		return 0;
	/* Verify before the driver looks the user up, whatever it will say,
	 * so that an unknown user costs the same as a known one. */
	size_t sid_len;
	const uint8_t *sid = ssh_conn_session_id(c, &sid_len);
	buf_init(&tbs);
	if ((r = put_signed_data(&tbs, sid, sid_len, ua->user, strlen(ua->user), ua->req_alg,
	                         &ua->req_blob)) == 0)
		ua->sig_ok = sshkey_verify(ua->req_key, sig, sl, buf_ptr(&tbs), buf_len(&tbs),
		                           ua->req_alg) == 0;
	buf_free(&tbs);
	return r;
}

static int server_request(struct ssh_conn *c, struct userauth_state *ua, uint8_t t, struct buf *m)
{
	char *user = NULL, *service = NULL, *method = NULL;
	size_t ulen;
	int r;
	struct ssh_auth_event a;

	if (ua->ss == US_INFO_WAIT) /* a new request abandons keyboard-interactive */
		ua->ss = US_IDLE;
	if (ua->ss != US_IDLE) /* cannot happen: input is held while blocked */
		return unexpected(c, t, "previous request not answered");
	if ((r = buf_get_cstring(m, &user, &ulen)) < 0 ||
	    (r = buf_get_cstring(m, &service, NULL)) < 0 ||
	    (r = buf_get_cstring(m, &method, NULL)) < 0) {
		r = malformed(c, t, r);
		goto out;
	}
	if (!valid_user(user, ulen)) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		          "invalid user name in USERAUTH_REQUEST (50) from client");
		r = SLC_ERR_PROTOCOL;
		goto out;
	}
	if (!ua->user) {
		ua->user = user; /* transferred */
		user = NULL;
	} else if (strcmp(ua->user, user)) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		          "change of user name not allowed in USERAUTH_REQUEST (50) from client");
		r = SLC_ERR_PROTOCOL;
		goto out;
	}
	bool none = !strcmp(method, "none");
	if (strcmp(service, SERVICE)) {
		r = server_failure(c, false, !none);
		goto out;
	}
	memset(&a, 0, sizeof(a));
	if (none) {
		ua->method = SSH_AUTH_NONE;
		ua->method_name = "none";
		if (buf_len(m)) {
			r = malformed(c, t, SLC_ERR_FORMAT);
			goto out;
		}
	} else if (!alglist_contains(server_methods(ua), method)) {
		r = server_failure(c, false, true); /* unknown or not allowed */
		goto out;
	} else if (!strcmp(method, "password")) {
		bool change;
		ua->method = SSH_AUTH_PASSWORD;
		ua->method_name = "password";
		if ((r = buf_get_bool(m, &change)) < 0 ||
		    (r = buf_get_cstring(m, &ua->password, NULL)) < 0 ||
		    (change && (r = buf_get_cstring(m, &ua->new_password, NULL)) < 0) ||
		    buf_len(m)) {
			r = malformed(c, t, r);
			goto out;
		}
		a.request.password = ua->password;
		a.request.new_password = ua->new_password;
	} else if (!strcmp(method, "publickey")) {
		ua->method = SSH_AUTH_PUBLICKEY;
		ua->method_name = "publickey";
		r = server_publickey(c, ua, m);
		if (r == 1) {
			r = server_failure(c, false, true);
			goto out;
		}
		if (r < 0) {
			r = malformed(c, t, r);
			goto out;
		}
		a.request.key = ua->req_key;
		a.request.pk_alg = ua->req_alg;
		a.request.has_sig = ua->has_sig;
		a.request.sig_ok = ua->sig_ok;
	} else if (!strcmp(method, "keyboard-interactive")) {
		const uint8_t *lang;
		size_t ll;
		ua->method = SSH_AUTH_KBDINT;
		ua->method_name = "keyboard-interactive";
		if ((r = buf_get_string(m, &lang, &ll)) < 0 ||
		    (r = get_text(m, false, &ua->submethods)) < 0 || buf_len(m)) {
			r = malformed(c, t, r);
			goto out;
		}
		a.request.submethods = ua->submethods;
	} else {
		r = server_failure(c, false, true); /* listed, but not a method we know */
		goto out;
	}
	a.request.user = ua->user;
	a.request.service = SERVICE;
	a.request.method = ua->method;
	a.request.method_name = ua->method_name;
	ua->ss = US_REQUEST;
	raise_auth(c, SSH_EV_AUTH_REQUEST, &a);
	r = 0;
out:
	if (r < 0 && c->closed)
		server_clear_request(ua);
	free(user);
	free(service);
	free(method);
	return r == SLC_ERR_DENIED ? 0 : r;
}

static int server_info_response(struct ssh_conn *c, struct userauth_state *ua, uint8_t t,
                                struct buf *m)
{
	uint32_t n;
	int r;
	if (ua->ss != US_INFO_WAIT)
		return unexpected(c, t, "no keyboard-interactive prompts outstanding");
	if ((r = buf_get_u32(m, &n)) < 0)
		return malformed(c, t, r);
	if (n != ua->n_sent) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
		          "USERAUTH_INFO_RESPONSE (61) from client has %u answers for %u prompts",
		          n, ua->n_sent);
		return SLC_ERR_PROTOCOL;
	}
	strv_clear(ua);
	for (uint32_t i = 0; i < n; i++) {
		if ((r = buf_get_cstring(m, &ua->strv[i], NULL)) < 0) {
			strv_clear(ua);
			return malformed(c, t, r);
		}
		ua->nstr = i + 1;
	}
	if (buf_len(m)) {
		strv_clear(ua);
		return malformed(c, t, SLC_ERR_FORMAT);
	}
	struct ssh_auth_event a;
	memset(&a, 0, sizeof(a));
	a.info_response.n = n;
	a.info_response.responses = (const char *const *)ua->strv;
	ua->ss = US_INFO_ANSWER;
	raise_auth(c, SSH_EV_AUTH_INFO_RESPONSE, &a);
	return 0;
}

static int server_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	struct userauth_state *ua = ua_get(c);
	if (!ua) {
		conn_fail(c, SSH_DISCONNECT_BY_APPLICATION, "out of memory in user authentication");
		return SLC_ERR_NOMEM;
	}
	switch (t) {
	case SSH_MSG_USERAUTH_REQUEST:
		return server_request(c, ua, t, m);
	case MSG_USERAUTH_INFO_RESPONSE:
		return server_info_response(c, ua, t, m);
	default:
		return unexpected(c, t, NULL);
	}
}

int userauth_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	/* 62..79 belong to methods we do not implement (GSSAPI...):
	 * the transport answers UNIMPLEMENTED. */
	if (t > MSG_USERAUTH_INFO_RESPONSE || (t > SSH_MSG_USERAUTH_BANNER && t < MSG_USERAUTH_60))
		return SLC_ERR_NOT_FOUND;
	return c->cfg.server ? server_dispatch(c, t, m) : client_dispatch(c, t, m);
}
