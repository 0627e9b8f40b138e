/* User authentication between a client core and a server core wired
 * together in memory: none, password (and change requests), publickey
 * queries and signatures for every key type and RSA hash, keyboard-
 * interactive, banners, MaxAuthTries, partial success, and every message
 * that arrives where it does not belong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn_int.h"

static struct slc_rng rng;
static struct sshkey *hostkey, *k_ed, *k_ec, *k_rsa, *k_ed2;

/* An event, with its borrowed strings copied. */
struct rec {
	int type;
	char s1[512], s2[512], s3[512], s4[512];
	bool partial, change, has_sig, sig_ok, by_peer;
	enum ssh_auth_method method;
	uint32_t n, reason;
	char strs[4][128];
	bool echo[4];
	uint8_t data[4096];
	size_t len;
	const struct sshkey *key;
};

struct pair {
	struct ssh_conn *c, *s;
	struct rec cev[64], sev[64];
	int nc, ns;
	bool mute; /* the client does not read: raw requests get answers it never asked for */
};

static void cp(char *dst, const char *src)
{
	snprintf(dst, 512, "%s", src ? src : "(null)");
}

static void record(struct rec *r, const struct ssh_event *ev)
{
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	const struct ssh_auth_event *a = &ev->auth;
	switch (ev->type) {
	case SSH_EV_DISCONNECT:
		cp(r->s1, ev->disconnect.text);
		r->reason = ev->disconnect.reason;
		r->by_peer = ev->disconnect.by_peer;
		break;
	case SSH_EV_AUTH_BANNER:
		cp(r->s1, a->banner.text);
		break;
	case SSH_EV_AUTH_FAILURE:
		cp(r->s1, a->failure.methods);
		cp(r->s2, a->failure.prompt);
		r->partial = a->failure.partial;
		r->change = a->failure.change_password;
		break;
	case SSH_EV_AUTH_PK_OK:
		cp(r->s1, a->pk_ok.alg);
		r->key = a->pk_ok.key;
		break;
	case SSH_EV_AUTH_SIGN:
		cp(r->s1, a->sign.alg);
		assert_true(a->sign.len <= sizeof(r->data));
		memcpy(r->data, a->sign.data, a->sign.len);
		r->len = a->sign.len;
		r->key = a->sign.key;
		break;
	case SSH_EV_AUTH_INFO_REQUEST:
		cp(r->s1, a->info_request.name);
		cp(r->s2, a->info_request.instruction);
		r->n = a->info_request.n_prompts;
		for (uint32_t i = 0; i < r->n && i < 4; i++) {
			snprintf(r->strs[i], 128, "%s", a->info_request.prompts[i]);
			r->echo[i] = a->info_request.echo[i];
		}
		break;
	case SSH_EV_AUTH_REQUEST:
		cp(r->s1, a->request.user);
		cp(r->s2, a->request.method_name);
		cp(r->s3, a->request.method == SSH_AUTH_PUBLICKEY ? a->request.pk_alg
		          : a->request.method == SSH_AUTH_KBDINT  ? a->request.submethods
		                                                  : a->request.password);
		cp(r->s4, a->request.new_password);
		assert_string_equal(a->request.service, "ssh-connection");
		r->method = a->request.method;
		r->has_sig = a->request.has_sig;
		r->sig_ok = a->request.sig_ok;
		r->key = a->request.key;
		break;
	case SSH_EV_AUTH_INFO_RESPONSE:
		r->n = a->info_response.n;
		for (uint32_t i = 0; i < r->n && i < 4; i++)
			snprintf(r->strs[i], 128, "%s", a->info_response.responses[i]);
		break;
	default:
		break;
	}
}

static void move(struct ssh_conn *from, struct ssh_conn *to)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(from, &n);
	if (n == 0)
		return;
	uint8_t *copy = malloc(n);
	memcpy(copy, p, n);
	ssh_conn_consume_output(from, n);
	assert_int_equal(ssh_conn_feed(to, copy, n, 0), 0);
	free(copy);
}

static void drain(struct pair *p)
{
	struct ssh_event ev;
	while (ssh_conn_next_event(p->c, &ev)) {
		assert_true(p->nc < 64);
		record(&p->cev[p->nc++], &ev);
		if (ev.type == SSH_EV_HOSTKEY)
			ssh_conn_hostkey_verdict(p->c, true, NULL);
	}
	while (ssh_conn_next_event(p->s, &ev)) {
		assert_true(p->ns < 64);
		record(&p->sev[p->ns++], &ev);
	}
}

static void pump(struct pair *p)
{
	for (int i = 0; i < 8; i++) {
		move(p->c, p->s);
		if (!p->mute)
			move(p->s, p->c);
		drain(p);
	}
}

static int count(const struct rec *evs, int n, int t)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += evs[i].type == t;
	return k;
}

/* The last event of type t (fails when there is none). */
static const struct rec *last(const struct rec *evs, int n, int t)
{
	for (int i = n - 1; i >= 0; i--)
		if (evs[i].type == t)
			return &evs[i];
	fail_msg("no event of type %d", t);
	return NULL;
}

/* Kex done and "ssh-userauth" accepted. */
static void ready(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	struct ssh_conn_config cc = {.rng = &rng};
	struct ssh_conn_config sc = {
	        .server = true, .rng = &rng, .hostkeys = &hostkey, .n_hostkeys = 1};
	assert_int_equal(ssh_conn_new(&cc, &p->c), 0);
	assert_int_equal(ssh_conn_new(&sc, &p->s), 0);
	assert_int_equal(ssh_conn_start(p->c, 0), 0);
	assert_int_equal(ssh_conn_start(p->s, 0), 0);
	pump(p);
	assert_int_equal(ssh_conn_request_service(p->c, "ssh-userauth"), 0);
	pump(p);
	assert_int_equal(count(p->cev, p->nc, SSH_EV_SERVICE_ACCEPT), 1);
}

static void pair_del(struct pair *p)
{
	ssh_conn_del(p->c);
	ssh_conn_del(p->s);
}

static void inject(struct ssh_conn *from, const uint8_t *payload, size_t len)
{
	assert_int_equal(packet_send(&from->pkt, payload, len), 0);
}

/* side's disconnect names needle, and the peer heard it. */
static void expect_disconnect(struct pair *p, bool server, const char *needle, uint32_t reason)
{
	pump(p);
	const struct rec *mine = server ? last(p->sev, p->ns, SSH_EV_DISCONNECT)
	                                : last(p->cev, p->nc, SSH_EV_DISCONNECT);
	assert_false(mine->by_peer);
	if (!strstr(mine->s1, needle))
		fail_msg("%s said '%s', wanted '%s'", server ? "server" : "client", mine->s1,
		         needle);
	assert_int_equal(mine->reason, reason);
	if (p->mute)
		return;
	const struct rec *peer = server ? last(p->cev, p->nc, SSH_EV_DISCONNECT)
	                                : last(p->sev, p->ns, SSH_EV_DISCONNECT);
	assert_true(peer->by_peer);
	assert_int_equal(peer->reason, reason);
}

static void test_none_lists_methods(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_set_methods(p.s, "publickey,password"), 0);
	assert_int_equal(ssh_auth_none(p.c, "alice"), 0);
	/* one request at a time */
	assert_int_equal(ssh_auth_none(p.c, "alice"), SLC_ERR_INVALID);
	pump(&p);
	const struct rec *r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_string_equal(r->s1, "alice");
	assert_string_equal(r->s2, "none");
	assert_int_equal(r->method, SSH_AUTH_NONE);
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	pump(&p);
	r = last(p.cev, p.nc, SSH_EV_AUTH_FAILURE);
	assert_string_equal(r->s1, "publickey,password");
	assert_false(r->partial);
	assert_false(r->change);
	assert_int_equal(ssh_auth_failures(p.s), 0); /* none does not count */
	assert_false(p.c->authenticated);
	assert_false(p.s->authenticated);
	pair_del(&p);
}

static void test_password(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_password(p.c, "bob", "wrong", NULL), 0);
	pump(&p);
	const struct rec *r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_int_equal(r->method, SSH_AUTH_PASSWORD);
	assert_string_equal(r->s3, "wrong");
	assert_string_equal(r->s4, "(null)");
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	/* the answer is given: a second one is refused */
	assert_int_equal(ssh_auth_reject(p.s, false), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_accept(p.s), SLC_ERR_INVALID);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 1);
	assert_int_equal(ssh_auth_failures(p.s), 1);

	assert_int_equal(ssh_auth_password(p.c, "bob", "right", NULL), 0);
	pump(&p);
	r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_string_equal(r->s3, "right");
	assert_int_equal(ssh_auth_pk_ok(p.s), SLC_ERR_INVALID); /* not a key query */
	assert_int_equal(ssh_auth_accept(p.s), 0);
	assert_true(p.s->authenticated);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_SUCCESS), 1);
	assert_true(p.c->authenticated);
	/* nothing more to ask, either side */
	assert_int_equal(ssh_auth_none(p.c, "bob"), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_send_banner(p.s, "late"), SLC_ERR_INVALID);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 0);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_DISCONNECT), 0);
	pair_del(&p);
}

static void test_password_change(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_password(p.c, "bob", "old", NULL), 0);
	pump(&p);
	assert_int_equal(ssh_auth_passwd_changereq(p.s, "Password expired\x1b[2J"), 0);
	pump(&p);
	const struct rec *r = last(p.cev, p.nc, SSH_EV_AUTH_FAILURE);
	assert_true(r->change);
	assert_string_equal(r->s1, "");
	assert_string_equal(r->s2, "Password expired?[2J");
	assert_int_equal(ssh_auth_failures(p.s), 0);
	assert_int_equal(ssh_auth_password(p.c, "bob", "old", "new"), 0);
	pump(&p);
	r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_string_equal(r->s3, "old");
	assert_string_equal(r->s4, "new");
	assert_int_equal(ssh_auth_accept(p.s), 0);
	pump(&p);
	assert_true(p.c->authenticated);
	pair_del(&p);
}

/* query -> PK_OK -> sign -> signed request accepted, with alg expected */
static void pubkey_flow(struct pair *p, const char *user, const struct sshkey *key,
                        const char *expect_alg)
{
	size_t sid_len;
	const uint8_t *sid = ssh_conn_session_id(p->c, &sid_len);
	assert_string_equal(ssh_auth_pubkey_alg(p->c, key), expect_alg);
	assert_int_equal(ssh_auth_publickey_query(p->c, user, key, NULL), 0);
	pump(p);
	const struct rec *r = last(p->sev, p->ns, SSH_EV_AUTH_REQUEST);
	assert_int_equal(r->method, SSH_AUTH_PUBLICKEY);
	assert_string_equal(r->s3, expect_alg);
	assert_false(r->has_sig);
	assert_false(r->sig_ok);
	assert_true(sshkey_equal_public(r->key, key));
	assert_int_equal(ssh_auth_pk_ok(p->s), 0);
	pump(p);
	r = last(p->cev, p->nc, SSH_EV_AUTH_PK_OK);
	assert_string_equal(r->s1, expect_alg);
	assert_ptr_equal(r->key, key);

	int before = count(p->cev, p->nc, SSH_EV_AUTH_SIGN);
	assert_int_equal(ssh_auth_publickey_sign(p->c, user, key, NULL), 0);
	drain(p);
	assert_int_equal(count(p->cev, p->nc, SSH_EV_AUTH_SIGN), before + 1);
	r = last(p->cev, p->nc, SSH_EV_AUTH_SIGN);
	assert_string_equal(r->s1, expect_alg);
	/* the exact RFC 4252 7 data: string session id, byte 50, ... */
	struct buf want, sig;
	buf_init(&want);
	buf_init(&sig);
	assert_int_equal(buf_put_string(&want, sid, sid_len), 0);
	assert_int_equal(buf_put_u8(&want, 50), 0);
	assert_int_equal(buf_put_cstring(&want, user), 0);
	assert_int_equal(buf_put_cstring(&want, "ssh-connection"), 0);
	assert_int_equal(buf_put_cstring(&want, "publickey"), 0);
	assert_int_equal(buf_put_u8(&want, 1), 0);
	assert_int_equal(buf_put_cstring(&want, expect_alg), 0);
	struct buf blob;
	buf_init(&blob);
	assert_int_equal(sshkey_put_public(key, &blob), 0);
	assert_int_equal(buf_put_stringb(&want, &blob), 0);
	assert_int_equal(r->len, buf_len(&want));
	assert_memory_equal(r->data, buf_ptr(&want), r->len);
	assert_int_equal(sshkey_sign(key, expect_alg, r->data, r->len, &sig), 0);
	assert_int_equal(ssh_auth_publickey_signed(p->c, buf_ptr(&sig), buf_len(&sig)), 0);
	pump(p);
	r = last(p->sev, p->ns, SSH_EV_AUTH_REQUEST);
	assert_true(r->has_sig);
	assert_true(r->sig_ok);
	assert_string_equal(r->s3, expect_alg);
	assert_int_equal(ssh_auth_accept(p->s), 0);
	pump(p);
	assert_int_equal(count(p->cev, p->nc, SSH_EV_AUTH_SUCCESS), 1);
	assert_true(p->c->authenticated);
	assert_true(p->s->authenticated);
	assert_int_equal(count(p->cev, p->nc, SSH_EV_DISCONNECT), 0);
	assert_int_equal(count(p->sev, p->ns, SSH_EV_DISCONNECT), 0);
	buf_free(&want);
	buf_free(&sig);
	buf_free(&blob);
}

static void test_publickey_ed25519(void **state)
{
	struct pair p;
	ready(&p);
	pubkey_flow(&p, "carol", k_ed, "ssh-ed25519");
	pair_del(&p);
}

static void test_publickey_ecdsa(void **state)
{
	struct pair p;
	ready(&p);
	pubkey_flow(&p, "carol", k_ec, "ecdsa-sha2-nistp256");
	pair_del(&p);
}

static void test_publickey_rsa_sha512(void **state)
{
	struct pair p;
	ready(&p);
	assert_non_null(strstr(ssh_conn_server_sig_algs(p.c), "rsa-sha2-512"));
	pubkey_flow(&p, "carol", k_rsa, "rsa-sha2-512");
	pair_del(&p);
}

static void test_publickey_rsa_sha256(void **state)
{
	struct pair p;
	ready(&p);
	/* a server announcing only rsa-sha2-256 */
	free(p.c->server_sig_algs);
	p.c->server_sig_algs = strdup("ssh-ed25519,rsa-sha2-256");
	pubkey_flow(&p, "carol", k_rsa, "rsa-sha2-256");
	pair_del(&p);
}

static void test_publickey_ssh_rsa_only_if_allowed(void **state)
{
	struct pair p;
	ready(&p);
	/* an old server without server-sig-algs */
	free(p.c->server_sig_algs);
	p.c->server_sig_algs = NULL;
	assert_null(ssh_auth_pubkey_alg(p.c, k_rsa));
	assert_int_equal(ssh_auth_publickey_query(p.c, "carol", k_rsa, NULL), SLC_ERR_UNSUPPORTED);
	assert_int_equal(ssh_auth_publickey_query(p.c, "carol", k_rsa, "ssh-rsa"),
	                 SLC_ERR_UNSUPPORTED);
	assert_int_equal(ssh_auth_publickey_query(p.c, "carol", k_rsa, "ssh-ed25519"),
	                 SLC_ERR_INVALID);
	assert_string_equal(ssh_auth_pubkey_alg(p.c, k_ed), "ssh-ed25519");
	/* the server refuses SHA-1 by default, without asking the driver */
	assert_int_equal(ssh_auth_set_client_algs(p.c, "ssh-rsa,rsa-sha2-256"), 0);
	assert_null(ssh_auth_pubkey_alg(p.c, k_ed));
	assert_string_equal(ssh_auth_pubkey_alg(p.c, k_rsa), "ssh-rsa");
	assert_int_equal(ssh_auth_publickey_query(p.c, "carol", k_rsa, NULL), 0);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 0);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 1);
	assert_int_equal(ssh_auth_failures(p.s), 1);
	/* allowed on both sides, it works */
	assert_int_equal(ssh_auth_set_server_algs(p.s, "ssh-rsa,ssh-ed25519"), 0);
	pubkey_flow(&p, "carol", k_rsa, "ssh-rsa");
	pair_del(&p);
}

static void test_bad_signature_rejected_by_core(void **state)
{
	struct pair p;
	ready(&p);
	struct buf sig;
	buf_init(&sig);
	/* a query cannot be accepted */
	assert_int_equal(ssh_auth_publickey_query(p.c, "dave", k_ed, NULL), 0);
	pump(&p);
	assert_int_equal(ssh_auth_accept(p.s), SLC_ERR_DENIED);
	assert_false(p.s->authenticated);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 1);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_SUCCESS), 0);

	/* a signature by another key, claimed for k_ed */
	assert_int_equal(ssh_auth_publickey_sign(p.c, "dave", k_ed, NULL), 0);
	drain(&p);
	const struct rec *r = last(p.cev, p.nc, SSH_EV_AUTH_SIGN);
	assert_int_equal(sshkey_sign(k_ed2, NULL, r->data, r->len, &sig), 0);
	assert_int_equal(ssh_auth_publickey_signed(p.c, buf_ptr(&sig), buf_len(&sig)), 0);
	pump(&p);
	r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_true(r->has_sig);
	assert_false(r->sig_ok);
	assert_int_equal(ssh_auth_accept(p.s), SLC_ERR_DENIED); /* the driver would */
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 2);

	/* the right key over other data */
	assert_int_equal(ssh_auth_publickey_sign(p.c, "dave", k_ed, NULL), 0);
	drain(&p);
	r = last(p.cev, p.nc, SSH_EV_AUTH_SIGN);
	uint8_t data[4096];
	memcpy(data, r->data, r->len);
	data[r->len - 60] ^= 1;
	buf_reset(&sig);
	assert_int_equal(sshkey_sign(k_ed, NULL, data, r->len, &sig), 0);
	assert_int_equal(ssh_auth_publickey_signed(p.c, buf_ptr(&sig), buf_len(&sig)), 0);
	pump(&p);
	r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_false(r->sig_ok);
	assert_int_equal(ssh_auth_accept(p.s), SLC_ERR_DENIED);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 3);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_SUCCESS), 0);
	assert_false(p.c->authenticated);
	assert_false(p.s->authenticated);
	assert_int_equal(ssh_auth_failures(p.s), 3);

	/* a signature naming another algorithm than asked is refused locally */
	assert_int_equal(ssh_auth_publickey_sign(p.c, "dave", k_rsa, "rsa-sha2-512"), 0);
	drain(&p);
	r = last(p.cev, p.nc, SSH_EV_AUTH_SIGN);
	buf_reset(&sig);
	assert_int_equal(sshkey_sign(k_rsa, "rsa-sha2-256", r->data, r->len, &sig), 0);
	assert_int_equal(ssh_auth_publickey_signed(p.c, buf_ptr(&sig), buf_len(&sig)),
	                 SLC_ERR_SIGNATURE);
	assert_int_equal(ssh_auth_publickey_signed(p.c, buf_ptr(&sig), buf_len(&sig)),
	                 SLC_ERR_INVALID);
	/* cancel returns to idle */
	assert_int_equal(ssh_auth_publickey_sign(p.c, "dave", k_ed, NULL), 0);
	ssh_auth_publickey_cancel(p.c);
	assert_int_equal(ssh_auth_none(p.c, "dave"), 0);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 0);
	buf_free(&sig);
	pair_del(&p);
}

static void test_kbdint(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_set_methods(p.s, "keyboard-interactive"), 0);
	assert_int_equal(ssh_auth_kbdint(p.c, "erin", "pam"), 0);
	pump(&p);
	const struct rec *r = last(p.sev, p.ns, SSH_EV_AUTH_REQUEST);
	assert_int_equal(r->method, SSH_AUTH_KBDINT);
	assert_string_equal(r->s3, "pam");
	assert_int_equal(ssh_auth_pk_ok(p.s), SLC_ERR_INVALID);
	const char *prompts[] = {"Password: ", "Code\x1b]0;x\x07: "};
	bool echo[] = {false, true};
	assert_int_equal(ssh_auth_info_request(p.s, "Login\n", "Two\nlines", 2, prompts, echo), 0);
	pump(&p);
	r = last(p.cev, p.nc, SSH_EV_AUTH_INFO_REQUEST);
	assert_string_equal(r->s1, "Login?");
	assert_string_equal(r->s2, "Two\nlines");
	assert_int_equal(r->n, 2);
	assert_string_equal(r->strs[0], "Password: ");
	assert_string_equal(r->strs[1], "Code?]0;x?: ");
	assert_false(r->echo[0]);
	assert_true(r->echo[1]);
	const char *one[] = {"x"};
	assert_int_equal(ssh_auth_kbdint_respond(p.c, 1, one), SLC_ERR_INVALID);
	const char *answers[] = {"hunter2", "123456"};
	assert_int_equal(ssh_auth_kbdint_respond(p.c, 2, answers), 0);
	pump(&p);
	r = last(p.sev, p.ns, SSH_EV_AUTH_INFO_RESPONSE);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->strs[0], "hunter2");
	assert_string_equal(r->strs[1], "123456");
	/* a second round with no prompts, then success */
	assert_int_equal(ssh_auth_info_request(p.s, "", "Welcome", 0, NULL, NULL), 0);
	pump(&p);
	r = last(p.cev, p.nc, SSH_EV_AUTH_INFO_REQUEST);
	assert_int_equal(r->n, 0);
	assert_int_equal(ssh_auth_kbdint_respond(p.c, 0, NULL), 0);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_INFO_RESPONSE), 2);
	assert_int_equal(ssh_auth_accept(p.s), 0);
	pump(&p);
	assert_true(p.c->authenticated);
	assert_true(p.s->authenticated);
	pair_del(&p);
}

static void test_banner(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_send_banner(p.s, "Welcome\r\n\x1b[31mred\x07 caf\xc3\xa9 "
	                                           "\xc2\x9b\xff\xe2\x82 x\tz\xc2"
	                                           "A\xed\xa0\x80\xf0\x9f\x98\x80\n"),
	                 0);
	pump(&p);
	const struct rec *r = last(p.cev, p.nc, SSH_EV_AUTH_BANNER);
	assert_string_equal(r->s1,
	                    "Welcome\n?[31mred? caf\xc3\xa9 ???? x\tz?A???\xf0\x9f\x98\x80\n");
	/* a client cannot send one */
	assert_int_equal(ssh_auth_send_banner(p.c, "x"), SLC_ERR_INVALID);
	pair_del(&p);
}

static void test_max_tries(void **state)
{
	struct pair p;
	ready(&p);
	ssh_auth_set_max_tries(p.s, 3);
	for (int i = 0; i < 5; i++) { /* none is free */
		assert_int_equal(ssh_auth_none(p.c, "mallory"), 0);
		pump(&p);
		assert_int_equal(ssh_auth_reject(p.s, false), 0);
		pump(&p);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ssh_auth_password(p.c, "mallory", "guess", NULL), 0);
		pump(&p);
		assert_int_equal(ssh_auth_reject(p.s, false), 0);
		pump(&p);
	}
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 7);
	assert_int_equal(ssh_auth_failures(p.s), 2);
	assert_int_equal(ssh_auth_password(p.c, "mallory", "guess", NULL), 0);
	pump(&p);
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	expect_disconnect(&p, true, "Too many authentication failures",
	                  SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 7);
	pair_del(&p);
}

static void test_partial_success(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_set_methods(p.s, "password"), 0);
	assert_int_equal(ssh_auth_password(p.c, "frank", "pw", NULL), 0);
	pump(&p);
	/* first factor done: only publickey remains */
	assert_int_equal(ssh_auth_set_methods(p.s, "publickey"), 0);
	assert_int_equal(ssh_auth_reject(p.s, true), 0);
	pump(&p);
	const struct rec *r = last(p.cev, p.nc, SSH_EV_AUTH_FAILURE);
	assert_true(r->partial);
	assert_string_equal(r->s1, "publickey");
	assert_int_equal(ssh_auth_failures(p.s), 0);
	/* password is no longer on the list: the core refuses it itself */
	assert_int_equal(ssh_auth_password(p.c, "frank", "pw", NULL), 0);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 1);
	r = last(p.cev, p.nc, SSH_EV_AUTH_FAILURE);
	assert_false(r->partial);
	assert_int_equal(ssh_auth_failures(p.s), 1);
	pubkey_flow(&p, "frank", k_ed, "ssh-ed25519");
	pair_del(&p);
}

static void test_service_user_and_order(void **state)
{
	struct pair p;
	ready(&p);
	p.mute = true;
	/* another service: FAILURE from the core, no event */
	static const uint8_t svc[] = {50,  0,   0,   0, 1, 'u', 0,   0,   0,   3,   'f',
	                              'o', 'o', 0,   0, 0, 8,   'p', 'a', 's', 's', 'w',
	                              'o', 'r', 'd', 0, 0, 0,   0,   1,   'x'};
	inject(p.c, svc, sizeof(svc));
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 0);
	assert_int_equal(ssh_auth_failures(p.s), 1);
	/* requests queue behind the one waiting for the driver */
	static const uint8_t none[] = {50,  0,   0,   0,   1,   'u', 0,   0,   0,   14,  's',
	                               's', 'h', '-', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i',
	                               'o', 'n', 0,   0,   0,   4,   'n', 'o', 'n', 'e'};
	inject(p.c, none, sizeof(none));
	inject(p.c, none, sizeof(none));
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 1);
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 2);
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	pump(&p);
	/* the user name may not change */
	static const uint8_t other[] = {50,  0,   0,   0,   1,   'v', 0,   0,   0,   14,  's',
	                                's', 'h', '-', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i',
	                                'o', 'n', 0,   0,   0,   4,   'n', 'o', 'n', 'e'};
	inject(p.c, other, sizeof(other));
	expect_disconnect(&p, true, "change of user name", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
}

static void test_bad_user_name(void **state)
{
	struct pair p;
	ready(&p);
	static const uint8_t m[] = {50,  0,   0,   0,   2,   'u', 0x1b, 0,   0,   0,   14,
	                            's', 's', 'h', '-', 'c', 'o', 'n',  'n', 'e', 'c', 't',
	                            'i', 'o', 'n', 0,   0,   0,   4,    'n', 'o', 'n', 'e'};
	inject(p.c, m, sizeof(m));
	expect_disconnect(&p, true, "invalid user name", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
}

/* Messages a client must not send, after the service accept. */
static void test_wrong_messages_from_client(void **state)
{
	static const struct {
		uint8_t m[12];
		size_t len;
		const char *needle;
	} cases[] = {
	        {{52}, 1, "USERAUTH_SUCCESS (52) from client"},
	        {{51, 0, 0, 0, 0, 0}, 6, "USERAUTH_FAILURE (51) from client"},
	        {{53, 0, 0, 0, 0, 0, 0, 0}, 9, "USERAUTH_BANNER (53) from client"},
	        {{60, 0, 0, 0, 0, 0, 0, 0}, 8, "(60) from client"},
	        {{61, 0, 0, 0, 0}, 5, "USERAUTH_INFO_RESPONSE (61) from client"},
	        {{50, 0, 0, 0}, 4, "malformed USERAUTH_REQUEST"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;
		ready(&p);
		inject(p.c, cases[i].m, cases[i].len);
		expect_disconnect(&p, true, cases[i].needle, SSH_DISCONNECT_PROTOCOL_ERROR);
		pair_del(&p);
	}
}

static void test_wrong_messages_from_server(void **state)
{
	struct pair p;
	/* PK_OK with nothing outstanding */
	ready(&p);
	static const uint8_t pkok[] = {60, 0, 0, 0, 0, 0, 0, 0, 0};
	inject(p.s, pkok, sizeof(pkok));
	expect_disconnect(&p, false, "(60) from server: no publickey query",
	                  SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	/* SUCCESS with nothing outstanding */
	ready(&p);
	static const uint8_t ok[] = {52};
	inject(p.s, ok, sizeof(ok));
	expect_disconnect(&p, false, "USERAUTH_SUCCESS (52) from server: no request",
	                  SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	/* a USERAUTH_REQUEST and an INFO_RESPONSE from a server */
	ready(&p);
	static const uint8_t req[] = {50, 0, 0, 0, 0};
	inject(p.s, req, sizeof(req));
	expect_disconnect(&p, false, "USERAUTH_REQUEST (50) from server",
	                  SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	ready(&p);
	static const uint8_t resp[] = {61, 0, 0, 0, 0};
	inject(p.s, resp, sizeof(resp));
	expect_disconnect(&p, false, "USERAUTH_INFO_RESPONSE (61) from server",
	                  SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	/* PK_OK for another key than the one queried */
	ready(&p);
	assert_int_equal(ssh_auth_publickey_query(p.c, "g", k_ed, NULL), 0);
	pump(&p);
	struct buf m;
	buf_init(&m);
	assert_int_equal(buf_put_u8(&m, 60), 0);
	assert_int_equal(buf_put_cstring(&m, "ssh-ed25519"), 0);
	struct buf blob;
	buf_init(&blob);
	assert_int_equal(sshkey_put_public(k_ed2, &blob), 0);
	assert_int_equal(buf_put_stringb(&m, &blob), 0);
	inject(p.s, buf_ptr(&m), buf_len(&m));
	assert_int_equal(ssh_auth_reject(p.s, false), 0); /* the server waited for this */
	expect_disconnect(&p, false, "did not offer", SSH_DISCONNECT_PROTOCOL_ERROR);
	buf_free(&m);
	buf_free(&blob);
	pair_del(&p);
	/* FAILURE with a malformed name-list */
	ready(&p);
	assert_int_equal(ssh_auth_none(p.c, "g"), 0);
	static const uint8_t badfail[] = {51, 0, 0, 0, 2, 'a', '\n', 0};
	pump(&p);
	inject(p.s, badfail, sizeof(badfail));
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	expect_disconnect(&p, false, "malformed USERAUTH_FAILURE", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	/* INFO_REQUEST with too many prompts */
	ready(&p);
	assert_int_equal(ssh_auth_set_methods(p.s, "keyboard-interactive"), 0);
	assert_int_equal(ssh_auth_kbdint(p.c, "g", ""), 0);
	pump(&p);
	static const uint8_t many[] = {60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 101};
	inject(p.s, many, sizeof(many));
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	expect_disconnect(&p, false, "too many prompts", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
}

static void test_after_success(void **state)
{
	struct pair p;
	ready(&p);
	assert_int_equal(ssh_auth_none(p.c, "h"), 0);
	pump(&p);
	assert_int_equal(ssh_auth_accept(p.s), 0); /* none may be accepted */
	pump(&p);
	assert_true(p.c->authenticated);
	assert_true(p.s->authenticated);
	static const uint8_t none[] = {50,  0,   0,   0,   1,   'h', 0,   0,   0,   14,  's',
	                               's', 'h', '-', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i',
	                               'o', 'n', 0,   0,   0,   4,   'n', 'o', 'n', 'e'};
	inject(p.c, none, sizeof(none));
	expect_disconnect(&p, true, "USERAUTH_REQUEST", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
	/* and a late SUCCESS at the client */
	ready(&p);
	assert_int_equal(ssh_auth_none(p.c, "h"), 0);
	pump(&p);
	assert_int_equal(ssh_auth_accept(p.s), 0);
	static const uint8_t ok[] = {52};
	inject(p.s, ok, sizeof(ok));
	expect_disconnect(&p, false, "USERAUTH_SUCCESS", SSH_DISCONNECT_PROTOCOL_ERROR);
	pair_del(&p);
}

static void test_api_misuse(void **state)
{
	struct pair p;
	memset(&p, 0, sizeof(p));
	struct ssh_conn_config cc = {.rng = &rng};
	assert_int_equal(ssh_conn_new(&cc, &p.c), 0);
	/* before the service accept */
	assert_int_equal(ssh_auth_none(p.c, "x"), SLC_ERR_INVALID);
	ssh_conn_del(p.c);
	ready(&p);
	assert_int_equal(ssh_auth_none(p.s, "x"), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_accept(p.c), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_accept(p.s), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_reject(p.s, false), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_kbdint_respond(p.c, 0, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_publickey_signed(p.c, (const uint8_t *)"", 0), SLC_ERR_INVALID);
	/* keyboard-interactive not on the list: refused by the core */
	assert_int_equal(ssh_auth_kbdint(p.c, "x", ""), 0);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_AUTH_REQUEST), 0);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_AUTH_FAILURE), 1);
	/* INFO_REQUEST only for keyboard-interactive */
	assert_int_equal(ssh_auth_password(p.c, "x", "y", NULL), 0);
	pump(&p);
	assert_int_equal(ssh_auth_info_request(p.s, "", "", 0, NULL, NULL), SLC_ERR_INVALID);
	assert_int_equal(ssh_auth_reject(p.s, false), 0);
	pair_del(&p);
}

static int setup(void **state)
{
	slc_rng_system(&rng);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &hostkey), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &k_ed), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &k_ed2), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 256, &k_ec), 0);
	assert_int_equal(sshkey_generate(SSHKEY_RSA, 2048, &k_rsa), 0);
	return 0;
}

static int teardown(void **state)
{
	sshkey_del(hostkey);
	sshkey_del(k_ed);
	sshkey_del(k_ed2);
	sshkey_del(k_ec);
	sshkey_del(k_rsa);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_none_lists_methods),
	        cmocka_unit_test(test_password),
	        cmocka_unit_test(test_password_change),
	        cmocka_unit_test(test_publickey_ed25519),
	        cmocka_unit_test(test_publickey_ecdsa),
	        cmocka_unit_test(test_publickey_rsa_sha512),
	        cmocka_unit_test(test_publickey_rsa_sha256),
	        cmocka_unit_test(test_publickey_ssh_rsa_only_if_allowed),
	        cmocka_unit_test(test_bad_signature_rejected_by_core),
	        cmocka_unit_test(test_kbdint),
	        cmocka_unit_test(test_banner),
	        cmocka_unit_test(test_max_tries),
	        cmocka_unit_test(test_partial_success),
	        cmocka_unit_test(test_service_user_and_order),
	        cmocka_unit_test(test_bad_user_name),
	        cmocka_unit_test(test_wrong_messages_from_client),
	        cmocka_unit_test(test_wrong_messages_from_server),
	        cmocka_unit_test(test_after_success),
	        cmocka_unit_test(test_api_misuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
