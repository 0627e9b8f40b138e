/* Whole transport conversations between a client core and a server core
 * wired together in memory: every kex method, cipher, MAC and host key
 * type; strict kex; host key verdicts; service request; rekey while data
 * flows; messages out of state end the connection with a reason. */
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
static struct sshkey *hostkeys[4];

struct pair {
	struct ssh_conn *c, *s;
	struct ssh_event cev[32], sev[32];
	int nc, ns;
	bool reject_hostkey;
	uint64_t now;
};

static void move(struct ssh_conn *from, struct ssh_conn *to, uint64_t now)
{
	size_t n;
	const uint8_t *p = ssh_conn_output(from, &n);
	if (n == 0)
		return;
	uint8_t *copy = malloc(n);
	memcpy(copy, p, n);
	ssh_conn_consume_output(from, n);
	assert_int_equal(ssh_conn_feed(to, copy, n, now), 0);
	free(copy);
}

static void drain(struct pair *p)
{
	struct ssh_event ev;
	while (ssh_conn_next_event(p->c, &ev)) {
		if (p->nc < 32)
			p->cev[p->nc++] = ev;
		if (ev.type == SSH_EV_HOSTKEY)
			ssh_conn_hostkey_verdict(p->c, !p->reject_hostkey, "rejected by test");
	}
	while (ssh_conn_next_event(p->s, &ev))
		if (p->ns < 32)
			p->sev[p->ns++] = ev;
}

static void pump(struct pair *p)
{
	for (int i = 0; i < 20; i++) {
		move(p->c, p->s, p->now);
		move(p->s, p->c, p->now);
		drain(p);
	}
}

static int count(const struct ssh_event *evs, int n, int t)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += evs[i].type == t;
	return k;
}

static void pair_new(struct pair *p, const struct ssh_conn_config *cc,
                     const struct ssh_conn_config *sc)
{
	memset(p, 0, sizeof(*p));
	struct ssh_conn_config c = *cc, s = *sc;
	c.server = false;
	c.rng = &rng;
	s.server = true;
	s.rng = &rng;
	if (!s.hostkeys) {
		s.hostkeys = hostkeys;
		s.n_hostkeys = 4;
	}
	assert_int_equal(ssh_conn_new(&c, &p->c), 0);
	assert_int_equal(ssh_conn_new(&s, &p->s), 0);
	assert_int_equal(ssh_conn_start(p->c, 0), 0);
	assert_int_equal(ssh_conn_start(p->s, 0), 0);
}

static void pair_del(struct pair *p)
{
	ssh_conn_del(p->c);
	ssh_conn_del(p->s);
}

static void run_combo(const char *kex, const char *hk, const char *cipher, const char *mac)
{
	struct ssh_conn_config cc = {
	        .kex_algs = kex, .hostkey_algs = hk, .ciphers = cipher, .macs = mac};
	struct ssh_conn_config sc = cc;
	struct pair p;
	pair_new(&p, &cc, &sc);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_HOSTKEY), 1);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_KEX_DONE), 1);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_KEX_DONE), 1);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 0);
	assert_true(ssh_conn_strict_kex(p.c));
	assert_true(ssh_conn_strict_kex(p.s));
	/* both derived the same session id */
	size_t l1, l2;
	const uint8_t *s1 = ssh_conn_session_id(p.c, &l1), *s2 = ssh_conn_session_id(p.s, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(s1, s2, l1);
	/* the server announced server-sig-algs */
	assert_non_null(ssh_conn_server_sig_algs(p.c));
	/* service request under the new keys */
	assert_int_equal(ssh_conn_request_service(p.c, "ssh-userauth"), 0);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_SERVICE_ACCEPT), 1);
	/* rekey from the client, then from the server */
	assert_int_equal(ssh_conn_rekey(p.c), 0);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_KEX_DONE), 2);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_KEX_DONE), 2);
	assert_int_equal(ssh_conn_rekey(p.s), 0);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_KEX_DONE), 3);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_KEX_DONE), 3);
	/* re-exchanges present the same host key: no second verdict */
	assert_int_equal(count(p.cev, p.nc, SSH_EV_HOSTKEY), 1);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 0);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_DISCONNECT), 0);
	/* session id stays the first exchange hash */
	s1 = ssh_conn_session_id(p.c, &l1);
	assert_memory_equal(s1, s2, l1);
	pair_del(&p);
}

static void test_every_kex(void **state)
{
	const char *kex[] = {"curve25519-sha256",
	                     "curve25519-sha256@libssh.org",
	                     "ecdh-sha2-nistp256",
	                     "ecdh-sha2-nistp384",
	                     "ecdh-sha2-nistp521",
	                     "diffie-hellman-group14-sha256",
	                     "diffie-hellman-group16-sha512",
	                     "diffie-hellman-group14-sha1"};
	for (size_t i = 0; i < sizeof(kex) / sizeof(kex[0]); i++)
		run_combo(kex[i], "ssh-ed25519", "aes128-ctr", "hmac-sha2-256");
}

static void test_group18(void **state)
{
	run_combo("diffie-hellman-group18-sha512", "ssh-ed25519", "aes256-gcm@openssh.com", NULL);
}

static void test_every_hostkey(void **state)
{
	const char *hk[] = {"ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256",
	                    "ssh-rsa"};
	for (size_t i = 0; i < sizeof(hk) / sizeof(hk[0]); i++)
		run_combo("curve25519-sha256", hk[i], "chacha20-poly1305@openssh.com", NULL);
}

static void test_every_cipher_mac(void **state)
{
	const char *aead[] = {"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
	                      "aes256-gcm@openssh.com"};
	for (size_t i = 0; i < 3; i++)
		run_combo("curve25519-sha256", "ssh-ed25519", aead[i], NULL);
	const char *ctr[] = {"aes128-ctr", "aes256-ctr"};
	const char *mac[] = {"hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com",
	                     "hmac-sha2-512-etm@openssh.com", "hmac-sha1"};
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 5; j++)
			run_combo("curve25519-sha256", "ssh-ed25519", ctr[i], mac[j]);
}

static void test_no_common_algorithm(void **state)
{
	struct ssh_conn_config cc = {.ciphers = "aes128-ctr"};
	struct ssh_conn_config sc = {.ciphers = "aes256-gcm@openssh.com"};
	struct pair p;
	pair_new(&p, &cc, &sc);
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 1);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_DISCONNECT), 1);
	for (int i = 0; i < p.nc; i++)
		if (p.cev[i].type == SSH_EV_DISCONNECT)
			assert_non_null(strstr(p.cev[i].disconnect.text, "no matching cipher"));
	pair_del(&p);
}

static void test_hostkey_rejected(void **state)
{
	struct ssh_conn_config cc = {0}, sc = {0};
	struct pair p;
	pair_new(&p, &cc, &sc);
	p.reject_hostkey = true;
	pump(&p);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_KEX_DONE), 0);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_KEX_DONE), 0);
	bool seen = false;
	for (int i = 0; i < p.ns; i++)
		if (p.sev[i].type == SSH_EV_DISCONNECT) {
			seen = true;
			assert_true(p.sev[i].disconnect.by_peer);
			assert_int_equal(p.sev[i].disconnect.reason,
			                 SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE);
		}
	assert_true(seen);
	pair_del(&p);
}

/* Inject a raw payload from one side as if it were a protocol message. */
static void inject(struct ssh_conn *from, const uint8_t *payload, size_t len)
{
	assert_int_equal(packet_send(&from->pkt, payload, len), 0);
}

static void expect_server_disconnect(struct pair *p, const char *needle)
{
	pump(p);
	bool seen = false;
	for (int i = 0; i < p->ns; i++)
		if (p->sev[i].type == SSH_EV_DISCONNECT) {
			seen = true;
			assert_false(p->sev[i].disconnect.by_peer);
			if (!strstr(p->sev[i].disconnect.text, needle))
				fail_msg("server said '%s', wanted '%s'", p->sev[i].disconnect.text,
				         needle);
		}
	assert_true(seen);
	/* and the client heard about it */
	seen = false;
	for (int i = 0; i < p->nc; i++)
		if (p->cev[i].type == SSH_EV_DISCONNECT && p->cev[i].disconnect.by_peer)
			seen = true;
	assert_true(seen);
}

static void established(struct pair *p)
{
	struct ssh_conn_config cc = {0}, sc = {0};
	pair_new(p, &cc, &sc);
	pump(p);
	assert_int_equal(count(p->sev, p->ns, SSH_EV_KEX_DONE), 1);
}

static void test_userauth_success_from_client(void **state)
{
	struct pair p;
	established(&p);
	static const uint8_t m[] = {SSH_MSG_USERAUTH_SUCCESS};
	inject(p.c, m, sizeof(m));
	expect_server_disconnect(&p, "USERAUTH_SUCCESS");
	pair_del(&p);
}

static void test_channel_open_before_auth(void **state)
{
	struct pair p;
	established(&p);
	static const uint8_t m[] = {SSH_MSG_CHANNEL_OPEN,
	                            0,
	                            0,
	                            0,
	                            7,
	                            's',
	                            'e',
	                            's',
	                            's',
	                            'i',
	                            'o',
	                            'n',
	                            0,
	                            0,
	                            0,
	                            0,
	                            0,
	                            0,
	                            0,
	                            1,
	                            0,
	                            0,
	                            0x80,
	                            0};
	inject(p.c, m, sizeof(m));
	expect_server_disconnect(&p, "CHANNEL_OPEN");
	pair_del(&p);
}

static void test_second_kexinit_during_kex(void **state)
{
	struct pair p;
	established(&p);
	/* Client starts a rekey; its KEXINIT reaches the server; then a raw
	 * second KEXINIT follows before the exchange is done. */
	assert_int_equal(ssh_conn_rekey(p.c), 0);
	struct buf k;
	buf_init(&k);
	assert_int_equal(buf_put(&k, buf_ptr(&p.c->my_kexinit), buf_len(&p.c->my_kexinit)), 0);
	inject(p.c, buf_ptr(&k), buf_len(&k));
	buf_free(&k);
	expect_server_disconnect(&p, "second KEXINIT");
	pair_del(&p);
}

static void test_strict_kex_rejects_ignore_during_first_kex(void **state)
{
	struct ssh_conn_config cc = {0}, sc = {0};
	struct pair p;
	pair_new(&p, &cc, &sc);
	/* the client's KEXINIT is out; an IGNORE follows before NEWKEYS */
	static const uint8_t ign[] = {SSH_MSG_IGNORE, 0, 0, 0, 0};
	inject(p.c, ign, sizeof(ign));
	expect_server_disconnect(&p, "unexpected message type 2");
	pair_del(&p);
}

static void test_unknown_message_after_service(void **state)
{
	struct pair p;
	established(&p);
	assert_int_equal(ssh_conn_request_service(p.c, "ssh-userauth"), 0);
	pump(&p);
	static const uint8_t m[] = {200, 1, 2, 3};
	inject(p.c, m, sizeof(m));
	pump(&p);
	/* RFC 4253 11.4: UNIMPLEMENTED, the connection stays up */
	assert_int_equal(count(p.sev, p.ns, SSH_EV_DISCONNECT), 0);
	assert_int_equal(count(p.cev, p.nc, SSH_EV_DISCONNECT), 0);
	assert_false(ssh_conn_closed(p.s));
	pair_del(&p);
}

static void test_bad_version_and_garbage(void **state)
{
	struct ssh_conn_config sc = {
	        .server = true, .rng = &rng, .hostkeys = hostkeys, .n_hostkeys = 4};
	struct ssh_conn *s;
	struct ssh_event ev;
	assert_int_equal(ssh_conn_new(&sc, &s), 0);
	assert_int_equal(ssh_conn_start(s, 0), 0);
	assert_int_equal(ssh_conn_feed(s, (const uint8_t *)"GET / HTTP/1.0\r\n", 16, 0), 0);
	assert_true(ssh_conn_next_event(s, &ev));
	assert_int_equal(ev.type, SSH_EV_DISCONNECT);
	assert_non_null(strstr(ev.disconnect.text, "version"));
	assert_true(ssh_conn_closed(s));
	ssh_conn_del(s);
	/* good version, then a packet length of 2^31 */
	assert_int_equal(ssh_conn_new(&sc, &s), 0);
	assert_int_equal(ssh_conn_start(s, 0), 0);
	static const uint8_t bad[] = "SSH-2.0-x\r\n\x80\x00\x00\x00\x04";
	assert_int_equal(ssh_conn_feed(s, bad, sizeof(bad) - 1, 0), 0);
	assert_true(ssh_conn_next_event(s, &ev));
	assert_int_equal(ev.type, SSH_EV_DISCONNECT);
	assert_non_null(strstr(ev.disconnect.text, "packet"));
	ssh_conn_del(s);
}

static void test_rekey_by_volume_and_time(void **state)
{
	struct ssh_conn_config cc = {.rekey_bytes = 64 * 1024};
	struct ssh_conn_config sc = {.rekey_seconds = 60};
	struct pair p;
	pair_new(&p, &cc, &sc);
	pump(&p);
	assert_int_equal(ssh_conn_request_service(p.c, "ssh-userauth"), 0);
	pump(&p);
	/* limits apply only after authentication, as OpenSSH rekeys only then */
	assert_int_equal(ssh_conn_next_expiry(p.s), UINT64_MAX);
	p.c->authenticated = p.s->authenticated = true;
	/* IGNORE messages carry volume without needing upper layers */
	uint8_t m[1000] = {SSH_MSG_IGNORE, 0, 0, 0x03, 0xe0};
	for (int i = 0; i < 200; i++) {
		assert_int_equal(conn_send(p.c, m, 5 + 992), 0);
		if (i % 10 == 0)
			pump(&p);
	}
	pump(&p);
	int kexes = count(p.cev, p.nc, SSH_EV_KEX_DONE);
	assert_true(kexes >= 3); /* ~200 KB at a 64 KiB limit */
	assert_int_equal(count(p.sev, p.ns, SSH_EV_DISCONNECT), 0);
	/* time: the server rekeys after 60 s */
	assert_int_equal(ssh_conn_next_expiry(p.c), UINT64_MAX);
	uint64_t when = ssh_conn_next_expiry(p.s);
	assert_true(when != UINT64_MAX);
	p.now = when;
	ssh_conn_on_expiry(p.s, when);
	pump(&p);
	assert_int_equal(count(p.sev, p.ns, SSH_EV_KEX_DONE), kexes + 1);
	pair_del(&p);
}

static int setup(void **state)
{
	slc_rng_system(&rng);
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &hostkeys[0]), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 256, &hostkeys[1]), 0);
	assert_int_equal(sshkey_generate(SSHKEY_RSA, 2048, &hostkeys[2]), 0);
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P384, 384, &hostkeys[3]), 0);
	return 0;
}

static int teardown(void **state)
{
	for (int i = 0; i < 4; i++)
		sshkey_del(hostkeys[i]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_kex),
	        cmocka_unit_test(test_group18),
	        cmocka_unit_test(test_every_hostkey),
	        cmocka_unit_test(test_every_cipher_mac),
	        cmocka_unit_test(test_no_common_algorithm),
	        cmocka_unit_test(test_hostkey_rejected),
	        cmocka_unit_test(test_userauth_success_from_client),
	        cmocka_unit_test(test_channel_open_before_auth),
	        cmocka_unit_test(test_second_kexinit_during_kex),
	        cmocka_unit_test(test_strict_kex_rejects_ignore_during_first_kex),
	        cmocka_unit_test(test_unknown_message_after_service),
	        cmocka_unit_test(test_bad_version_and_garbage),
	        cmocka_unit_test(test_rekey_by_volume_and_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
