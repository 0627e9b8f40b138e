/* The SSH transport layer (RFC 4253) for both roles: version exchange,
 * key exchange and re-exchange, strict kex, ext-info, service requests,
 * and the check of every incoming message against the state it arrives in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alglist.h"
#include "cipher.h"
#include "conn_int.h"

#define DEFAULT_REKEY_BYTES (1ull << 30)
/* RFC 4344 3.1: rekey well before the sequence number could wrap. */
#define REKEY_PACKETS (1ull << 31)

static const char STRICT_C[] = "kex-strict-c-v00@openssh.com";
static const char STRICT_S[] = "kex-strict-s-v00@openssh.com";

int ssh_conn_new(const struct ssh_conn_config *cfg, struct ssh_conn **out)
{
	struct ssh_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return SLC_ERR_NOMEM;
	c->cfg = *cfg;
	c->kex_algs = strdup(cfg->kex_algs ? cfg->kex_algs : kex_default_names());
	c->hostkey_algs =
	        strdup(cfg->hostkey_algs ? cfg->hostkey_algs : kex_hostkey_default_names());
	c->ciphers = strdup(cfg->ciphers ? cfg->ciphers : cipher_default_names());
	c->macs = strdup(cfg->macs ? cfg->macs : cipher_mac_default_names());
	if (!c->kex_algs || !c->hostkey_algs || !c->ciphers || !c->macs) {
		ssh_conn_del(c);
		return SLC_ERR_NOMEM;
	}
	if (!c->cfg.rekey_bytes)
		c->cfg.rekey_bytes = DEFAULT_REKEY_BYTES;
	ssh_ident_init(&c->ident, !cfg->server);
	packet_init(&c->pkt, cfg->rng);
	buf_init(&c->my_kexinit);
	buf_init(&c->peer_kexinit);
	buf_init(&c->deferred);
	*out = c;
	return 0;
}

static void kex_reset(struct ssh_conn *c)
{
	crypto_kex_del(c->ephemeral);
	c->ephemeral = NULL;
	sshkey_del(c->peer_hostkey);
	c->peer_hostkey = NULL;
	cipher_del(c->next_in);
	c->next_in = NULL;
	cipher_del(c->next_out);
	c->next_out = NULL;
	kex_choice_free(&c->choice);
	buf_reset(&c->my_kexinit);
	buf_reset(&c->peer_kexinit);
	crypto_wipe(c->h, sizeof(c->h));
	c->method = NULL;
	c->peer_kexinit_seen = false;
	c->ignore_guess = false;
}

void ssh_conn_del(struct ssh_conn *c)
{
	if (!c)
		return;
	userauth_free(c);
	channel_free(c);
	kex_reset(c);
	sshkey_del(c->first_hostkey);
	buf_free(&c->my_kexinit);
	buf_free(&c->peer_kexinit);
	buf_free(&c->deferred);
	packet_free(&c->pkt);
	ssh_ident_free(&c->ident);
	free(c->kex_algs);
	free(c->hostkey_algs);
	free(c->ciphers);
	free(c->macs);
	free(c->server_sig_algs);
	crypto_wipe(c->session_id, sizeof(c->session_id));
	free(c);
}

/* ---- errors and disconnects ---- */

static void set_pending_disconnect(struct ssh_conn *c, uint32_t reason, bool by_peer,
                                   const char *text)
{
	snprintf(c->pending_text, sizeof(c->pending_text), "%s", text);
	c->pending.type = SSH_EV_DISCONNECT;
	c->pending.disconnect.reason = reason;
	c->pending.disconnect.text = c->pending_text;
	c->pending.disconnect.by_peer = by_peer;
	c->closed = true;
}

static void send_disconnect(struct ssh_conn *c, uint32_t reason, const char *text)
{
	struct buf *b;
	if (packet_begin(&c->pkt, &b) < 0)
		return;
	if (buf_put_u8(b, SSH_MSG_DISCONNECT) < 0 || buf_put_u32(b, reason) < 0 ||
	    buf_put_cstring(b, text) < 0 || buf_put_cstring(b, "") < 0)
		conn_send_abort(c);
	else if (packet_end(&c->pkt) < 0)
		return;
}

void conn_fail(struct ssh_conn *c, uint32_t reason, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	if (c->closed)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Before the version exchange ends there is no packet stream. */
	if (c->ident.version)
		send_disconnect(c, reason, text);
	set_pending_disconnect(c, reason, false, text);
}

void ssh_conn_disconnect(struct ssh_conn *c, uint32_t reason, const char *text)
{
	conn_fail(c, reason, "%s", text);
}

/* ---- sending ---- */

int ssh_conn_rekey(struct ssh_conn *c);

static bool in_kex(const struct ssh_conn *c)
{
	return c->kex != KEX_IDLE && c->kex != KEX_WAIT_NEWKEYS;
}

int conn_send_begin(struct ssh_conn *c, struct buf **payload)
{
	if (c->closed)
		return SLC_ERR_CLOSED;
	if (!in_kex(c))
		return packet_begin(&c->pkt, payload);
	/* Reserve the length prefix; conn_send_end fills it in. */
	uint8_t *p;
	int r = buf_reserve(&c->deferred, 4, &p);
	if (r < 0)
		return r;
	buf_store_u32(p, 0);
	c->pkt.pkt_start = c->deferred.wpos - 4; /* reuse as the prefix offset */
	*payload = &c->deferred;
	return 0;
}

/* Limits apply once authenticated: OpenSSH refuses a key re-exchange
 * during user authentication, and nothing before it moves much data. */
static bool rekey_due(const struct ssh_conn *c)
{
	const struct packet_dir *in = &c->pkt.in, *out = &c->pkt.out;
	if (!c->authenticated)
		return false;
	return in->bytes >= c->cfg.rekey_bytes || out->bytes >= c->cfg.rekey_bytes ||
	       in->packets >= REKEY_PACKETS || out->packets >= REKEY_PACKETS;
}

int conn_send_end(struct ssh_conn *c)
{
	if (c->pkt.building) {
		int r = packet_end(&c->pkt);
		/* Volume limits count what we send too. */
		if (r == 0 && c->first_kex_done && c->kex == KEX_IDLE && rekey_due(c))
			r = ssh_conn_rekey(c);
		return r;
	}
	size_t at = c->pkt.pkt_start;
	buf_store_u32(c->deferred.base + at, (uint32_t)(c->deferred.wpos - at - 4));
	return 0;
}

void conn_send_abort(struct ssh_conn *c)
{
	/* Direct packets sit in the packet layer's output at an offset from
	 * its read position; deferred ones at their length prefix. */
	if (c->pkt.building) {
		c->pkt.outbuf.wpos = c->pkt.outbuf.rpos + c->pkt.pkt_start;
		c->pkt.building = false;
	} else {
		c->deferred.wpos = c->pkt.pkt_start;
	}
}

int conn_send(struct ssh_conn *c, const uint8_t *payload, size_t len)
{
	struct buf *b;
	int r = conn_send_begin(c, &b);
	if (r < 0)
		return r;
	if ((r = buf_put(b, payload, len)) < 0) {
		conn_send_abort(c);
		return r;
	}
	return conn_send_end(c);
}

/* Transport messages bypass the deferral: they are what a kex is made of. */
static int send_now(struct ssh_conn *c, const struct buf *payload)
{
	return packet_send(&c->pkt, buf_ptr(payload), buf_len(payload));
}

static int flush_deferred(struct ssh_conn *c)
{
	while (buf_len(&c->deferred) > 0) {
		const uint8_t *p;
		size_t len;
		int r;
		if ((r = buf_get_string(&c->deferred, &p, &len)) < 0)
			return r;
		if ((r = packet_send(&c->pkt, p, len)) < 0)
			return r;
	}
	buf_free(&c->deferred);
	buf_init(&c->deferred);
	return 0;
}

/* ---- version exchange and KEXINIT ---- */

int ssh_conn_start(struct ssh_conn *c, uint64_t now)
{
	const char *v = ssh_ident_ours();
	int r;
	c->now = now;
	c->last_kex_time = now;
	/* The version line goes out raw, ahead of every packet. */
	if ((r = buf_put(&c->pkt.outbuf, v, strlen(v))) < 0 ||
	    (r = buf_put(&c->pkt.outbuf, "\r\n", 2)) < 0)
		return r;
	return ssh_conn_rekey(c);
}

/* The host key algorithms a server can offer: those it has a key for. */
static int server_hostkey_list(struct ssh_conn *c, char **out)
{
	size_t cap = strlen(c->hostkey_algs) + 1;
	char *s = calloc(1, cap);
	char *copy = strdup(c->hostkey_algs);
	if (!s || !copy) {
		free(s);
		free(copy);
		return SLC_ERR_NOMEM;
	}
	char *save = NULL;
	for (char *alg = strtok_r(copy, ",", &save); alg; alg = strtok_r(NULL, ",", &save)) {
		bool have = false;
		for (size_t i = 0; i < c->cfg.n_hostkeys && !have; i++) {
			const char *kt = sshkey_name(c->cfg.hostkeys[i]);
			have = !strcmp(kt, alg) ||
			       (!strcmp(kt, "ssh-rsa") && !strncmp(alg, "rsa-sha2-", 9));
		}
		if (have) {
			if (*s)
				strcat(s, ",");
			strcat(s, alg);
		}
	}
	free(copy);
	*out = s;
	return 0;
}

static int send_kexinit(struct ssh_conn *c)
{
	struct kexinit k;
	char *kexlist = NULL, *hk = NULL;
	int r;

	memset(&k, 0, sizeof(k));
	if ((r = slc_rng_fill(c->cfg.rng, k.cookie, sizeof(k.cookie))) < 0)
		return r;
	/* The pseudo-algorithms go only into the first KEXINIT. */
	size_t n = strlen(c->kex_algs) + 64;
	if (!(kexlist = malloc(n)))
		return SLC_ERR_NOMEM;
	if (c->first_kex_done)
		snprintf(kexlist, n, "%s", c->kex_algs);
	else if (c->cfg.server)
		snprintf(kexlist, n, "%s,%s", c->kex_algs, STRICT_S);
	else
		snprintf(kexlist, n, "%s,ext-info-c,%s", c->kex_algs, STRICT_C);
	if (c->cfg.server) {
		if ((r = server_hostkey_list(c, &hk)) < 0)
			goto out;
	} else if (!(hk = strdup(c->hostkey_algs))) {
		r = SLC_ERR_NOMEM;
		goto out;
	}
	k.lists[KEX_ALGS] = kexlist;
	k.lists[KEX_HOSTKEY_ALGS] = hk;
	k.lists[KEX_ENC_C2S] = k.lists[KEX_ENC_S2C] = c->ciphers;
	k.lists[KEX_MAC_C2S] = k.lists[KEX_MAC_S2C] = c->macs;
	k.lists[KEX_COMP_C2S] = k.lists[KEX_COMP_S2C] = "none";
	k.lists[KEX_LANG_C2S] = k.lists[KEX_LANG_S2C] = "";
	buf_reset(&c->my_kexinit);
	if ((r = kexinit_put(&k, &c->my_kexinit)) < 0 || (r = send_now(c, &c->my_kexinit)) < 0)
		goto out;
	c->kex = KEX_SENT_KEXINIT;
out:
	free(kexlist);
	free(hk);
	return r;
}

int ssh_conn_rekey(struct ssh_conn *c)
{
	if (c->closed)
		return SLC_ERR_CLOSED;
	if (c->kex != KEX_IDLE)
		return 0;
	return send_kexinit(c);
}

/* ---- key exchange ---- */

static const char *aead_names(void)
{
	return "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
}

/* Build one direction's cipher from the exchange: d = 0 client to server. */
static int make_cipher(struct ssh_conn *c, const uint8_t *secret, size_t secret_len, int d,
                       bool encrypt, struct cipher_ctx **out)
{
	const struct cipher_info *ci = cipher_lookup(c->choice.enc[d]);
	const char *mac = c->choice.mac[d][0] ? c->choice.mac[d] : NULL;
	const struct cipher_mac_info *mi = mac ? cipher_mac_lookup(mac) : NULL;
	uint8_t iv[CIPHER_MAX_IV_LEN], key[CIPHER_MAX_KEY_LEN], mk[CIPHER_MAX_MAC_KEY_LEN];
	int r;
	if (!ci || (mac && !mi))
		return SLC_ERR_UNSUPPORTED;
	size_t mkl = mi ? mi->key_len : 0;
	if ((r = kex_derive(c->method, secret, secret_len, c->h, c->h_len, c->session_id,
	                    c->session_id_len, (char)('A' + d), iv, ci->iv_len)) < 0 ||
	    (r = kex_derive(c->method, secret, secret_len, c->h, c->h_len, c->session_id,
	                    c->session_id_len, (char)('C' + d), key, ci->key_len)) < 0 ||
	    (mkl && (r = kex_derive(c->method, secret, secret_len, c->h, c->h_len, c->session_id,
	                            c->session_id_len, (char)('E' + d), mk, mkl)) < 0))
		goto out;
	r = cipher_new(ci->name, mac, key, ci->key_len, ci->iv_len ? iv : NULL, ci->iv_len,
	               mkl ? mk : NULL, mkl, encrypt, out);
out:
	crypto_wipe(iv, sizeof(iv));
	crypto_wipe(key, sizeof(key));
	crypto_wipe(mk, sizeof(mk));
	return r;
}

/* Both sides: K and H are known; derive both directions' keys. */
static int derive_keys(struct ssh_conn *c, const uint8_t *secret, size_t secret_len)
{
	int r;
	int my_dir = c->cfg.server ? 1 : 0;
	if (!c->session_id_len) {
		memcpy(c->session_id, c->h, c->h_len);
		c->session_id_len = c->h_len;
	}
	if ((r = make_cipher(c, secret, secret_len, my_dir, true, &c->next_out)) < 0 ||
	    (r = make_cipher(c, secret, secret_len, 1 - my_dir, false, &c->next_in)) < 0)
		return r;
	return 0;
}

/* Send NEWKEYS and switch our output to the new keys. */
static int send_newkeys(struct ssh_conn *c)
{
	uint8_t nk = SSH_MSG_NEWKEYS;
	int r = packet_send(&c->pkt, &nk, 1);
	if (r < 0)
		return r;
	packet_set_cipher(&c->pkt.out, c->next_out); /* transferred */
	c->next_out = NULL;
	if (c->strict)
		packet_reset_seqnr(&c->pkt.out);
	c->kex = KEX_WAIT_NEWKEYS;
	/* Packets held back during the exchange go out under the new keys. */
	return flush_deferred(c);
}

static const struct sshkey *server_hostkey(const struct ssh_conn *c, const char *alg)
{
	for (size_t i = 0; i < c->cfg.n_hostkeys; i++) {
		const char *kt = sshkey_name(c->cfg.hostkeys[i]);
		if (!strcmp(kt, alg) || (!strcmp(kt, "ssh-rsa") && !strncmp(alg, "rsa-sha2-", 9)))
			return c->cfg.hostkeys[i];
	}
	return NULL;
}

static int on_peer_kexinit(struct ssh_conn *c, const uint8_t *payload, size_t len)
{
	struct kexinit peer;
	const char *which = NULL;
	int r;

	if (c->peer_kexinit_seen) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "second KEXINIT during key exchange");
		return SLC_ERR_PROTOCOL;
	}
	if ((r = kexinit_parse(payload, len, &peer)) < 0) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed KEXINIT");
		return r;
	}
	c->peer_kexinit_seen = true;
	buf_reset(&c->peer_kexinit);
	if ((r = buf_put(&c->peer_kexinit, payload, len)) < 0)
		goto out;
	if (c->kex == KEX_IDLE && (r = send_kexinit(c)) < 0)
		goto out;

	struct kexinit mine;
	if ((r = kexinit_parse(buf_ptr(&c->my_kexinit), buf_len(&c->my_kexinit), &mine)) < 0)
		goto out;
	const struct kexinit *ck = c->cfg.server ? &peer : &mine;
	const struct kexinit *sk = c->cfg.server ? &mine : &peer;
	if (!c->first_kex_done) {
		c->strict = alglist_contains(ck->lists[KEX_ALGS], STRICT_C) &&
		            alglist_contains(sk->lists[KEX_ALGS], STRICT_S);
		c->peer_ext_info =
		        c->cfg.server && alglist_contains(ck->lists[KEX_ALGS], "ext-info-c");
		/* Strict kex: KEXINIT must have been the very first packet. */
		if (c->strict && c->pkt.in.seqnr != 1) {
			kexinit_free(&mine);
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			          "strict key exchange: KEXINIT was not the first packet");
			r = SLC_ERR_PROTOCOL;
			goto out;
		}
	}
	kex_choice_free(&c->choice);
	r = kexinit_negotiate(ck, sk, aead_names(), &c->choice, &which);
	bool peer_guessed = peer.first_kex_follows;
	kexinit_free(&mine);
	if (r < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no matching %s algorithm found",
		          which ? which : "key exchange");
		goto out;
	}
	c->ignore_guess = peer_guessed && c->choice.ignore_guessed_packet;
	c->method = kex_method_lookup(c->choice.kex);
	if (!c->method || strcmp(c->choice.comp[0], "none") || strcmp(c->choice.comp[1], "none")) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		          "unsupported algorithm negotiated");
		r = SLC_ERR_UNSUPPORTED;
		goto out;
	}
	if ((r = crypto_kex_new(c->method->alg, c->cfg.rng, &c->ephemeral)) < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "key exchange failed");
		goto out;
	}
	if (c->cfg.server) {
		c->kex = KEX_WAIT_INIT;
	} else {
		struct buf b;
		buf_init(&b);
		if ((r = buf_put_u8(&b, SSH_MSG_KEX_ECDH_INIT)) == 0 &&
		    (r = kex_put_public(c->method, c->ephemeral, &b)) == 0)
			r = send_now(c, &b);
		buf_free(&b);
		if (r < 0)
			goto out;
		c->kex = KEX_WAIT_REPLY;
	}
out:
	kexinit_free(&peer);
	return r;
}

/* Server: KEX_ECDH_INIT / KEXDH_INIT. */
static int on_kex_init(struct ssh_conn *c, struct buf *m)
{
	const uint8_t *q_c;
	size_t q_c_len;
	uint8_t secret[CRYPTO_KEX_SECRET_MAX];
	size_t secret_len = 0;
	struct buf reply, hk, sig;
	int r;

	buf_init(&reply);
	buf_init(&hk);
	buf_init(&sig);
	const struct sshkey *key = server_hostkey(c, c->choice.hostkey);
	if ((r = kex_get_public(c->method, m, &q_c, &q_c_len)) < 0 || buf_len(m) != 0) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed key exchange init");
		r = r < 0 ? r : SLC_ERR_FORMAT;
		goto out;
	}
	if (!key) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no host key for %s",
		          c->choice.hostkey);
		r = SLC_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = crypto_kex_derive(c->ephemeral, q_c, q_c_len, secret, sizeof(secret),
	                           &secret_len)) < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		          "invalid key exchange value from client");
		goto out;
	}
	size_t q_s_len;
	const uint8_t *q_s = crypto_kex_public(c->ephemeral, &q_s_len);
	if ((r = sshkey_put_public(key, &hk)) < 0)
		goto out;
	c->h_len = crypto_hash_len(c->method->hash);
	if ((r = kex_exchange_hash(c->method, ssh_conn_peer_version(c), ssh_ident_ours(),
	                           &c->peer_kexinit, &c->my_kexinit, buf_ptr(&hk), buf_len(&hk),
	                           q_c, q_c_len, q_s, q_s_len, secret, secret_len, c->h)) < 0 ||
	    (r = sshkey_sign(key, c->choice.hostkey, c->h, c->h_len, &sig)) < 0)
		goto fail;
	if ((r = buf_put_u8(&reply, SSH_MSG_KEX_ECDH_REPLY)) < 0 ||
	    (r = buf_put_stringb(&reply, &hk)) < 0 ||
	    (r = kex_put_public(c->method, c->ephemeral, &reply)) < 0 ||
	    (r = buf_put_stringb(&reply, &sig)) < 0 || (r = send_now(c, &reply)) < 0)
		goto fail;
	if ((r = derive_keys(c, secret, secret_len)) < 0 || (r = send_newkeys(c)) < 0)
		goto fail;
	goto out;
fail:
	conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "key exchange failed: %s",
	          slc_strerror(r));
out:
	crypto_wipe(secret, sizeof(secret));
	buf_free(&reply);
	buf_free(&hk);
	buf_free(&sig);
	return r;
}

/* Client: KEX_ECDH_REPLY / KEXDH_REPLY. Our NEWKEYS waits for the host
 * key verdict. */
static int on_kex_reply(struct ssh_conn *c, struct buf *m)
{
	const uint8_t *k_s, *q_s, *sig;
	size_t k_s_len, q_s_len, sig_len;
	int r;

	if ((r = buf_get_string(m, &k_s, &k_s_len)) < 0 ||
	    (r = kex_get_public(c->method, m, &q_s, &q_s_len)) < 0 ||
	    (r = buf_get_string(m, &sig, &sig_len)) < 0 || buf_len(m) != 0) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed key exchange reply");
		return r < 0 ? r : SLC_ERR_FORMAT;
	}
	if ((r = sshkey_from_blob(k_s, k_s_len, &c->peer_hostkey)) < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "bad server host key: %s",
		          slc_strerror(r));
		return r;
	}
	uint8_t secret[CRYPTO_KEX_SECRET_MAX];
	size_t secret_len = 0;
	if ((r = crypto_kex_derive(c->ephemeral, q_s, q_s_len, secret, sizeof(secret),
	                           &secret_len)) < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		          "invalid key exchange value from server");
		return r;
	}
	size_t q_c_len;
	const uint8_t *q_c = crypto_kex_public(c->ephemeral, &q_c_len);
	c->h_len = crypto_hash_len(c->method->hash);
	r = kex_exchange_hash(c->method, ssh_ident_ours(), ssh_conn_peer_version(c), &c->my_kexinit,
	                      &c->peer_kexinit, k_s, k_s_len, q_c, q_c_len, q_s, q_s_len, secret,
	                      secret_len, c->h);
	if (r == 0)
		r = sshkey_verify(c->peer_hostkey, sig, sig_len, c->h, c->h_len, c->choice.hostkey);
	if (r < 0) {
		crypto_wipe(secret, sizeof(secret));
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
		          "server host key signature does not verify (%s)", slc_strerror(r));
		return r;
	}
	/* Derive now (the secret dies here), activate after the verdict. */
	r = derive_keys(c, secret, secret_len);
	crypto_wipe(secret, sizeof(secret));
	if (r < 0) {
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "key derivation failed");
		return r;
	}
	/* A re-exchange must present the key accepted the first time. */
	if (c->first_hostkey) {
		if (!sshkey_equal_public(c->first_hostkey, c->peer_hostkey)) {
			conn_fail(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE,
			          "server host key changed during key re-exchange");
			return SLC_ERR_PROTOCOL;
		}
		sshkey_del(c->peer_hostkey);
		c->peer_hostkey = NULL;
		c->kex = KEX_WAIT_VERDICT;
		ssh_conn_hostkey_verdict(c, true, NULL);
		return 0;
	}
	c->kex = KEX_WAIT_VERDICT;
	c->pending.type = SSH_EV_HOSTKEY;
	c->pending.hostkey.key = c->peer_hostkey;
	c->pending.hostkey.alg = c->choice.hostkey;
	return 0;
}

void ssh_conn_hostkey_verdict(struct ssh_conn *c, bool accept, const char *why)
{
	if (c->closed || c->kex != KEX_WAIT_VERDICT)
		return;
	if (!accept) {
		conn_fail(c, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, "%s",
		          why ? why : "host key verification failed");
		return;
	}
	if (!c->first_hostkey) {
		c->first_hostkey = c->peer_hostkey; /* transferred */
		c->peer_hostkey = NULL;
	}
	if (send_newkeys(c) < 0)
		conn_fail(c, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "cannot send NEWKEYS");
}

static int send_ext_info(struct ssh_conn *c)
{
	struct buf b;
	int r;
	buf_init(&b);
	/* server-sig-algs: what we accept in publickey user authentication */
	if ((r = buf_put_u8(&b, SSH_MSG_EXT_INFO)) == 0 && (r = buf_put_u32(&b, 1)) == 0 &&
	    (r = buf_put_cstring(&b, "server-sig-algs")) == 0 &&
	    (r = buf_put_cstring(&b, kex_hostkey_default_names())) == 0)
		r = send_now(c, &b);
	buf_free(&b);
	return r;
}

static int on_newkeys(struct ssh_conn *c)
{
	bool first = !c->first_kex_done;
	packet_set_cipher(&c->pkt.in, c->next_in); /* transferred */
	c->next_in = NULL;
	if (c->strict)
		packet_reset_seqnr(&c->pkt.in);
	c->first_kex_done = true;
	c->kex = KEX_IDLE;
	c->last_kex_time = c->now;
	c->pending.type = SSH_EV_KEX_DONE;
	c->pending.kex.first = first;
	/* The event's names point into the choice, which lives until the next
	 * exchange starts; keep it, drop the rest. */
	crypto_kex_del(c->ephemeral);
	c->ephemeral = NULL;
	buf_reset(&c->my_kexinit);
	buf_reset(&c->peer_kexinit);
	crypto_wipe(c->h, sizeof(c->h));
	c->peer_kexinit_seen = false;
	c->pending.kex.kex = c->choice.kex;
	c->pending.kex.hostkey = c->choice.hostkey;
	c->pending.kex.cipher_c2s = c->choice.enc[0];
	c->pending.kex.cipher_s2c = c->choice.enc[1];
	c->pending.kex.mac_c2s = c->choice.mac[0];
	c->pending.kex.mac_s2c = c->choice.mac[1];
	if (first && c->cfg.server && c->peer_ext_info)
		return send_ext_info(c);
	return 0;
}

static int on_ext_info(struct ssh_conn *c, struct buf *m)
{
	uint32_t n;
	int r;
	if ((r = buf_get_u32(m, &n)) < 0)
		return r;
	/* Each extension is two strings, so n is bounded by the packet. */
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *name, *val;
		size_t nl, vl;
		if ((r = buf_get_string(m, &name, &nl)) < 0 ||
		    (r = buf_get_string(m, &val, &vl)) < 0)
			return r;
		if (!c->cfg.server && nl == 15 && !memcmp(name, "server-sig-algs", 15)) {
			free(c->server_sig_algs);
			c->server_sig_algs = strndup((const char *)val, vl);
			if (!c->server_sig_algs)
				return SLC_ERR_NOMEM;
		}
	}
	return 0;
}

int ssh_conn_request_service(struct ssh_conn *c, const char *service)
{
	struct buf *b;
	int r;
	if (c->cfg.server || !c->first_kex_done || c->service_requested)
		return SLC_ERR_INVALID;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, SSH_MSG_SERVICE_REQUEST)) < 0 ||
	    (r = buf_put_cstring(b, service)) < 0 || (r = conn_send_end(c)) < 0)
		return r;
	c->service_requested = true;
	return 0;
}

static int on_service_request(struct ssh_conn *c, struct buf *m)
{
	const uint8_t *name;
	size_t len;
	struct buf *b;
	int r;
	if ((r = buf_get_string(m, &name, &len)) < 0)
		return r;
	if (c->service_accepted || len != 12 || memcmp(name, "ssh-userauth", 12)) {
		conn_fail(c, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE, "service not available: %.*s",
		          (int)(len > 64 ? 64 : len), (const char *)name);
		return SLC_ERR_PROTOCOL;
	}
	c->service_accepted = true;
	if ((r = conn_send_begin(c, &b)) < 0 || (r = buf_put_u8(b, SSH_MSG_SERVICE_ACCEPT)) < 0 ||
	    (r = buf_put_string(b, name, len)) < 0 || (r = conn_send_end(c)) < 0)
		return r;
	return 0;
}

/* RFC 4253 11.4: reply to a message number we do not know. */
static int send_unimplemented(struct ssh_conn *c, uint32_t seqnr)
{
	struct buf b;
	int r;
	buf_init(&b);
	if ((r = buf_put_u8(&b, SSH_MSG_UNIMPLEMENTED)) == 0 && (r = buf_put_u32(&b, seqnr)) == 0)
		r = send_now(c, &b);
	buf_free(&b);
	return r;
}

static const char *msg_name(uint8_t t)
{
	switch (t) {
	case SSH_MSG_SERVICE_REQUEST:
		return "SERVICE_REQUEST";
	case SSH_MSG_SERVICE_ACCEPT:
		return "SERVICE_ACCEPT";
	case SSH_MSG_EXT_INFO:
		return "EXT_INFO";
	case SSH_MSG_KEXINIT:
		return "KEXINIT";
	case SSH_MSG_NEWKEYS:
		return "NEWKEYS";
	case SSH_MSG_KEX_ECDH_INIT:
		return "KEX_ECDH_INIT";
	case SSH_MSG_KEX_ECDH_REPLY:
		return "KEX_ECDH_REPLY";
	case SSH_MSG_USERAUTH_REQUEST:
		return "USERAUTH_REQUEST";
	case SSH_MSG_USERAUTH_SUCCESS:
		return "USERAUTH_SUCCESS";
	case SSH_MSG_CHANNEL_OPEN:
		return "CHANNEL_OPEN";
	case SSH_MSG_GLOBAL_REQUEST:
		return "GLOBAL_REQUEST";
	default:
		return NULL;
	}
}

static void unexpected(struct ssh_conn *c, uint8_t t)
{
	const char *n = msg_name(t);
	if (n)
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message %s (%u) from %s", n,
		          t, c->cfg.server ? "client" : "server");
	else
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message type %u from %s", t,
		          c->cfg.server ? "client" : "server");
}

/* Dispatch one payload. Returns < 0 only after conn_fail. */
static int dispatch(struct ssh_conn *c, const uint8_t *payload, size_t len, uint32_t seqnr)
{
	struct buf m;
	uint8_t t = payload[0];
	int r = 0;

	buf_init_view(&m, payload + 1, len - 1);
	/* The peer guessed its first kex packet wrongly: drop exactly it. */
	if (c->ignore_guess && t >= 30 && t <= 49) {
		c->ignore_guess = false;
		return 0;
	}
	/* Strict kex: nothing but the exchange itself during the first one. */
	bool initial = !c->first_kex_done;
	if (initial && c->strict && t != SSH_MSG_KEXINIT && t != SSH_MSG_NEWKEYS &&
	    !(t >= 30 && t <= 49) && t != SSH_MSG_DISCONNECT) {
		unexpected(c, t);
		return SLC_ERR_PROTOCOL;
	}
	/* Between the peer's KEXINIT and its NEWKEYS only transport messages
	 * may arrive (RFC 4253 7.1). */
	bool kex_locked = c->peer_kexinit_seen || initial;

	switch (t) {
	case SSH_MSG_DISCONNECT: {
		uint32_t reason = 0;
		char *text = NULL;
		if (buf_get_u32(&m, &reason) < 0 || buf_get_cstring(&m, &text, NULL) < 0)
			text = NULL;
		char clean[200];
		size_t j = 0;
		/* peer text is untrusted: keep it printable and short */
		for (const char *p = text ? text : ""; *p && j < sizeof(clean) - 1; p++)
			clean[j++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
		clean[j] = '\0';
		free(text);
		char line[256];
		snprintf(line, sizeof(line), "Received disconnect: %u: %s", reason, clean);
		set_pending_disconnect(c, reason, true, line);
		return 0;
	}
	case SSH_MSG_IGNORE:
	case SSH_MSG_DEBUG:
	case SSH_MSG_UNIMPLEMENTED:
		return 0;
	case SSH_MSG_KEXINIT:
		if (c->kex == KEX_WAIT_VERDICT || c->kex == KEX_WAIT_NEWKEYS ||
		    c->kex == KEX_WAIT_INIT || c->kex == KEX_WAIT_REPLY) {
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR,
			          "second KEXINIT during key exchange");
			return SLC_ERR_PROTOCOL;
		}
		return on_peer_kexinit(c, payload, len);
	case SSH_MSG_NEWKEYS:
		if (c->kex != KEX_WAIT_NEWKEYS || len != 1) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		return on_newkeys(c);
	case SSH_MSG_KEX_ECDH_INIT:
		if (!c->cfg.server || c->kex != KEX_WAIT_INIT) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		return on_kex_init(c, &m);
	case SSH_MSG_KEX_ECDH_REPLY:
		if (c->cfg.server || c->kex != KEX_WAIT_REPLY) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		return on_kex_reply(c, &m);
	default:
		break;
	}
	if (kex_locked || (t >= 30 && t <= 49)) {
		unexpected(c, t);
		return SLC_ERR_PROTOCOL;
	}
	switch (t) {
	case SSH_MSG_EXT_INFO:
		r = on_ext_info(c, &m);
		if (r < 0) {
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed EXT_INFO");
			return r;
		}
		return 0;
	case SSH_MSG_SERVICE_REQUEST:
		if (!c->cfg.server) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		r = on_service_request(c, &m);
		if (r < 0 && !c->closed)
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "malformed SERVICE_REQUEST");
		return r;
	case SSH_MSG_SERVICE_ACCEPT:
		if (c->cfg.server || !c->service_requested || c->service_accepted) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		c->service_accepted = true;
		c->pending.type = SSH_EV_SERVICE_ACCEPT;
		return 0;
	default:
		break;
	}
	/* Higher layers: user authentication once the service is accepted,
	 * the connection protocol once authenticated, nothing before. */
	if (t >= SSH_MSG_USERAUTH_REQUEST && t <= 79) {
		if (!c->service_accepted || c->authenticated) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		r = userauth_dispatch(c, t, &m);
		if (r != SLC_ERR_NOT_FOUND)
			return r;
	} else if (t >= SSH_MSG_GLOBAL_REQUEST && t <= 127) {
		if (!c->authenticated) {
			unexpected(c, t);
			return SLC_ERR_PROTOCOL;
		}
		r = channel_dispatch(c, t, &m);
		if (r != SLC_ERR_NOT_FOUND)
			return r;
	}
	/* Defined numbers this build does not handle yet, and undefined ones,
	 * get UNIMPLEMENTED as RFC 4253 11.4 asks. */
	if ((r = send_unimplemented(c, seqnr)) < 0) {
		conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "cannot reply");
		return r;
	}
	return 0;
}

int ssh_conn_feed(struct ssh_conn *c, const uint8_t *data, size_t len, uint64_t now)
{
	c->now = now;
	if (c->closed)
		return 0;
	if (!c->ident.version) {
		size_t used = 0;
		int r = ssh_ident_feed(&c->ident, data, len, &used);
		if (r == SLC_ERR_AGAIN)
			return 0;
		if (r < 0) {
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "%s",
			          c->ident.why ? c->ident.why : "bad version line");
			return 0;
		}
		data += used;
		len -= used;
	}
	if (len == 0)
		return 0;
	int r = packet_feed(&c->pkt, data, len);
	if (r < 0)
		return r;
	return 0;
}

void conn_raise(struct ssh_conn *c, const struct ssh_event *ev)
{
	c->pending = *ev;
}

static bool take_pending(struct ssh_conn *c, struct ssh_event *ev)
{
	if (c->pending.type == SSH_EV_NONE)
		return false;
	*ev = c->pending;
	c->pending.type = SSH_EV_NONE;
	return true;
}

bool ssh_conn_next_event(struct ssh_conn *c, struct ssh_event *ev)
{
	while (!take_pending(c, ev)) {
		if (c->closed || !c->ident.version || c->kex == KEX_WAIT_VERDICT ||
		    userauth_blocking(c))
			return false;
		const uint8_t *payload;
		size_t len;
		uint32_t seqnr = c->pkt.in.seqnr;
		int r = packet_next(&c->pkt, &payload, &len);
		if (r == SLC_ERR_AGAIN)
			return false;
		if (r < 0) {
			conn_fail(c,
			          r == SLC_ERR_MAC ? SSH_DISCONNECT_MAC_ERROR
			                           : SSH_DISCONNECT_PROTOCOL_ERROR,
			          "%s", packet_why(&c->pkt));
			continue;
		}
		(void)dispatch(c, payload, len, seqnr);
		if (!c->closed && c->first_kex_done && c->kex == KEX_IDLE && rekey_due(c) &&
		    ssh_conn_rekey(c) < 0)
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "cannot start rekey");
	}
	return true;
}

const uint8_t *ssh_conn_output(const struct ssh_conn *c, size_t *len)
{
	return packet_output(&c->pkt, len);
}

void ssh_conn_consume_output(struct ssh_conn *c, size_t n)
{
	packet_consume_output(&c->pkt, n);
}

uint64_t ssh_conn_next_expiry(const struct ssh_conn *c)
{
	/* Not while an exchange runs (it restarts the clock when done), nor
	 * before authentication (see rekey_due). */
	if (c->closed || !c->cfg.rekey_seconds || !c->authenticated || c->kex != KEX_IDLE)
		return UINT64_MAX;
	return c->last_kex_time + (uint64_t)c->cfg.rekey_seconds * 1000;
}

void ssh_conn_on_expiry(struct ssh_conn *c, uint64_t now)
{
	c->now = now;
	if (now >= ssh_conn_next_expiry(c) && c->kex == KEX_IDLE) {
		c->last_kex_time = now; /* not again until this one is done */
		if (ssh_conn_rekey(c) < 0)
			conn_fail(c, SSH_DISCONNECT_PROTOCOL_ERROR, "cannot start rekey");
	}
}

bool ssh_conn_closed(const struct ssh_conn *c)
{
	return c->closed;
}

const char *ssh_conn_peer_version(const struct ssh_conn *c)
{
	return c->ident.version;
}

const uint8_t *ssh_conn_session_id(const struct ssh_conn *c, size_t *len)
{
	*len = c->session_id_len;
	return c->session_id_len ? c->session_id : NULL;
}

const char *ssh_conn_server_sig_algs(const struct ssh_conn *c)
{
	return c->server_sig_algs;
}

bool ssh_conn_strict_kex(const struct ssh_conn *c)
{
	return c->strict;
}
