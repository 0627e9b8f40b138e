/* A server core past the service accept, fed arbitrary user authentication
 * traffic. Each input sets up a real client/server pair in memory (fixed
 * rng and keys, so every run is the same), then plays records:
 *
 *   byte 0: config: methods (bits 0-2), MaxAuthTries 1 + (bits 4-7)
 *   then records: [ctl][len hi][len lo][len bytes]
 *     ctl & 3: 0 raw payload, type forced into 50..79
 *              1 publickey request signed by the fixed client key over the
 *                real session id (user = payload); ctl & 0x80 spoils it
 *              2 publickey query for the client key (user = payload)
 *              3 raw payload as is (any message type)
 *     (ctl >> 2) & 7: how the driver answers events from this record on:
 *              accept, reject, partial, pk_ok, two prompts, change
 *              request, no answer, banner + reject
 *
 * Checked: a publickey request is never accepted without a verified
 * signature, and nothing leaks or crashes. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "conn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sshkey *hostkey, *clientkey;

static struct sshkey *key_from_seed(uint8_t fill)
{
	uint8_t seed[32];
	struct sshkey *k = NULL;
	memset(seed, fill, sizeof(seed));
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
	if (!pk || sshkey_from_pkey(pk, &k) < 0)
		abort();
	return k;
}

static void move(struct ssh_conn *from, struct ssh_conn *to)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(from, &n);
	if (n == 0)
		return;
	if (to)
		(void)ssh_conn_feed(to, p, n, 0);
	ssh_conn_consume_output(from, n);
}

static void answer(struct ssh_conn *s, const struct ssh_event *ev, int policy)
{
	static const char *const prompts[] = {"Password: ", "Code: "};
	static const bool echo[] = {false, true};
	int r = 0;
	if (getenv("FUZZ_USERAUTH_VERBOSE")) /* to check what seeds reach */
		fprintf(stderr, "event %d method %s sig %d/%d policy %d\n", ev->type,
		        ev->type == SSH_EV_AUTH_REQUEST ? ev->auth.request.method_name : "-",
		        ev->type == SSH_EV_AUTH_REQUEST && ev->auth.request.has_sig,
		        ev->type == SSH_EV_AUTH_REQUEST && ev->auth.request.sig_ok, policy);
	bool unverified_key = ev->type == SSH_EV_AUTH_REQUEST &&
	                      ev->auth.request.method == SSH_AUTH_PUBLICKEY &&
	                      !(ev->auth.request.has_sig && ev->auth.request.sig_ok);
	if (ev->type == SSH_EV_AUTH_REQUEST) {
		assert(ev->auth.request.user && ev->auth.request.method_name);
		if (ev->auth.request.method == SSH_AUTH_PUBLICKEY)
			assert(ev->auth.request.key && ev->auth.request.pk_alg);
		if (ev->auth.request.method == SSH_AUTH_PASSWORD)
			assert(ev->auth.request.password);
	}
	switch (policy) {
	case 0:
		r = ssh_auth_accept(s);
		assert(!unverified_key || (r == SLC_ERR_DENIED && !s->authenticated));
		break;
	case 2:
		r = ssh_auth_reject(s, true);
		break;
	case 3:
		if (ssh_auth_pk_ok(s) == 0)
			return;
		r = ssh_auth_reject(s, false);
		break;
	case 4:
		if (ssh_auth_info_request(s, "n", "i", 2, prompts, echo) == 0)
			return;
		r = ssh_auth_reject(s, false);
		break;
	case 5:
		if (ssh_auth_passwd_changereq(s, "expired") == 0)
			return;
		r = ssh_auth_reject(s, false);
		break;
	case 6:
		return; /* the server stays blocked */
	case 7:
		(void)ssh_auth_send_banner(s, "banner\n");
		r = ssh_auth_reject(s, false);
		break;
	default:
		r = ssh_auth_reject(s, false);
		break;
	}
	(void)r;
}

static void drain_server(struct ssh_conn *s, int policy)
{
	struct ssh_event ev;
	while (ssh_conn_next_event(s, &ev))
		if (ev.type == SSH_EV_AUTH_REQUEST || ev.type == SSH_EV_AUTH_INFO_RESPONSE)
			answer(s, &ev, policy);
	move(s, NULL); /* the client does not listen any more */
}

/* A publickey request by clientkey; signed over the session id if sign. */
static void put_pubkey(struct ssh_conn *s, struct buf *m, const uint8_t *user, size_t ulen,
                       bool sign, bool spoil)
{
	struct buf blob, tbs, sig;
	size_t sid_len;
	const uint8_t *sid = ssh_conn_session_id(s, &sid_len);
	buf_init(&blob);
	buf_init(&tbs);
	buf_init(&sig);
	if (sshkey_put_public(clientkey, &blob) < 0)
		abort();
	if (buf_put_u8(m, SSH_MSG_USERAUTH_REQUEST) < 0 || buf_put_string(m, user, ulen) < 0 ||
	    buf_put_cstring(m, "ssh-connection") < 0 || buf_put_cstring(m, "publickey") < 0 ||
	    buf_put_bool(m, sign) < 0 || buf_put_cstring(m, "ssh-ed25519") < 0 ||
	    buf_put_stringb(m, &blob) < 0)
		abort();
	if (sign) {
		if (buf_put_string(&tbs, sid, sid_len) < 0 ||
		    buf_put_u8(&tbs, SSH_MSG_USERAUTH_REQUEST) < 0 ||
		    buf_put_string(&tbs, user, ulen) < 0 ||
		    buf_put_cstring(&tbs, "ssh-connection") < 0 ||
		    buf_put_cstring(&tbs, "publickey") < 0 || buf_put_bool(&tbs, true) < 0 ||
		    buf_put_cstring(&tbs, "ssh-ed25519") < 0 || buf_put_stringb(&tbs, &blob) < 0 ||
		    sshkey_sign(clientkey, NULL, buf_ptr(&tbs), buf_len(&tbs), &sig) < 0)
			abort();
		if (spoil)
			buf_mutable_ptr(&sig)[buf_len(&sig) - 1] ^= 1;
		if (buf_put_stringb(m, &sig) < 0)
			abort();
	}
	buf_free(&blob);
	buf_free(&tbs);
	buf_free(&sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const method_sets[] = {
	        "publickey,password",
	        "publickey",
	        "password",
	        "keyboard-interactive",
	        "publickey,password,keyboard-interactive",
	        "none,hostbased",
	        "",
	        "publickey,x",
	};
	struct slc_rng rng;
	struct ssh_conn *c = NULL, *s = NULL;
	struct ssh_event ev;

	if (!hostkey) {
		hostkey = key_from_seed(1);
		clientkey = key_from_seed(2);
	}
	if (size < 1)
		return 0;
	if (slc_rng_det_new("fuzz_userauth", 13, &rng) < 0)
		abort();
	struct ssh_conn_config cc = {.rng = &rng};
	struct ssh_conn_config sc = {
	        .server = true, .rng = &rng, .hostkeys = &hostkey, .n_hostkeys = 1};
	if (ssh_conn_new(&cc, &c) < 0 || ssh_conn_new(&sc, &s) < 0 || ssh_conn_start(c, 0) < 0 ||
	    ssh_conn_start(s, 0) < 0)
		abort();
	uint8_t cfg = data[0];
	if (ssh_auth_set_methods(s, method_sets[cfg & 7]) < 0)
		abort();
	ssh_auth_set_max_tries(s, 1 + (cfg >> 4));
	data++;
	size--;

	/* kex and the service accept, all in memory */
	for (int i = 0; i < 8 && !c->service_accepted; i++) {
		move(c, s);
		move(s, c);
		while (ssh_conn_next_event(c, &ev)) {
			if (ev.type == SSH_EV_HOSTKEY)
				ssh_conn_hostkey_verdict(c, true, NULL);
			if (ev.type == SSH_EV_KEX_DONE &&
			    ssh_conn_request_service(c, "ssh-userauth") < 0)
				abort();
		}
		while (ssh_conn_next_event(s, &ev))
			;
	}
	assert(c->service_accepted && s->service_accepted);

	int policy = 1;
	while (size >= 3 && !ssh_conn_closed(s)) {
		uint8_t ctl = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		const uint8_t *p = data;
		data += len;
		size -= len;
		policy = (ctl >> 2) & 7;

		struct buf m;
		buf_init(&m);
		switch (ctl & 3) {
		case 0:
			if (len == 0)
				break;
			if (buf_put_u8(&m, (uint8_t)(50 + p[0] % 30)) < 0 ||
			    buf_put(&m, p + 1, len - 1) < 0)
				abort();
			break;
		case 1:
		case 2:
			put_pubkey(s, &m, p, len, (ctl & 3) == 1, ctl & 0x80);
			break;
		case 3:
			if (len && buf_put(&m, p, len) < 0)
				abort();
			break;
		}
		if (buf_len(&m) > 0 && packet_send(&c->pkt, buf_ptr(&m), buf_len(&m)) < 0)
			abort();
		buf_free(&m);
		move(c, s);
		drain_server(s, policy);
	}
	if (getenv("FUZZ_USERAUTH_VERBOSE"))
		fprintf(stderr, "closed %d authenticated %d failures %u\n", ssh_conn_closed(s),
		        s->authenticated, ssh_auth_failures(s));
	ssh_conn_del(c);
	ssh_conn_del(s);
	slc_rng_det_del(&rng);
	return 0;
}
