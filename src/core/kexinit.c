#include "kexinit.h"

#include <stdlib.h>
#include <string.h>

#include "alglist.h"

void kexinit_free(struct kexinit *k)
{
	for (int i = 0; i < KEX_NLISTS; i++) {
		free(k->lists[i]);
		k->lists[i] = NULL;
	}
}

void kex_choice_free(struct kex_choice *c)
{
	free(c->kex);
	free(c->hostkey);
	for (int i = 0; i < 2; i++) {
		free(c->enc[i]);
		free(c->mac[i]);
		free(c->comp[i]);
	}
	memset(c, 0, sizeof(*c));
}

int kexinit_parse(const uint8_t *payload, size_t len, struct kexinit *out)
{
	struct buf b;
	uint8_t msg;
	uint32_t reserved;
	int r;

	memset(out, 0, sizeof(*out));
	buf_init_view(&b, payload, len);
	if ((r = buf_get_u8(&b, &msg)) < 0)
		goto out;
	if (msg != SSH_MSG_KEXINIT) {
		r = SLC_ERR_PROTOCOL;
		goto out;
	}
	if ((r = buf_get(&b, out->cookie, sizeof(out->cookie))) < 0)
		goto out;
	for (int i = 0; i < KEX_NLISTS; i++)
		if ((r = buf_get_namelist(&b, &out->lists[i])) < 0)
			goto out;
	if ((r = buf_get_bool(&b, &out->first_kex_follows)) < 0 ||
	    (r = buf_get_u32(&b, &reserved)) < 0)
		goto out;
	if (buf_len(&b) != 0)
		r = SLC_ERR_FORMAT;
out:
	if (r < 0)
		kexinit_free(out);
	return r;
}

int kexinit_put(const struct kexinit *k, struct buf *out)
{
	int r;
	if ((r = buf_put_u8(out, SSH_MSG_KEXINIT)) < 0 ||
	    (r = buf_put(out, k->cookie, sizeof(k->cookie))) < 0)
		return r;
	for (int i = 0; i < KEX_NLISTS; i++)
		if ((r = buf_put_cstring(out, k->lists[i] ? k->lists[i] : "")) < 0)
			return r;
	if ((r = buf_put_bool(out, k->first_kex_follows)) < 0 || (r = buf_put_u32(out, 0)) < 0)
		return r;
	return 0;
}

/* The first name of a list, to compare guesses. */
static bool same_first(const char *a, const char *b)
{
	size_t na = strcspn(a, ","), nb = strcspn(b, ",");
	return na == nb && !memcmp(a, b, na);
}

int kexinit_negotiate(const struct kexinit *c, const struct kexinit *s, const char *aead,
                      struct kex_choice *out, const char **which)
{
	static const char *const names[KEX_NLISTS] = {"key exchange",
	                                              "host key",
	                                              "cipher (client to server)",
	                                              "cipher (server to client)",
	                                              "MAC (client to server)",
	                                              "MAC (server to client)",
	                                              "compression (client to server)",
	                                              "compression (server to client)",
	                                              "",
	                                              ""};
	int r;
	int failed = -1;

	memset(out, 0, sizeof(*out));
	if ((r = alglist_negotiate(c->lists[KEX_ALGS], s->lists[KEX_ALGS], &out->kex)) < 0) {
		failed = KEX_ALGS;
		goto out;
	}
	if ((r = alglist_negotiate(c->lists[KEX_HOSTKEY_ALGS], s->lists[KEX_HOSTKEY_ALGS],
	                           &out->hostkey)) < 0) {
		failed = KEX_HOSTKEY_ALGS;
		goto out;
	}
	for (int d = 0; d < 2; d++) {
		if ((r = alglist_negotiate(c->lists[KEX_ENC_C2S + d], s->lists[KEX_ENC_C2S + d],
		                           &out->enc[d])) < 0) {
			failed = KEX_ENC_C2S + d;
			goto out;
		}
		if (aead && alglist_contains(aead, out->enc[d])) {
			out->mac[d] = strdup("");
			if (!out->mac[d]) {
				r = SLC_ERR_NOMEM;
				goto out;
			}
		} else if ((r = alglist_negotiate(c->lists[KEX_MAC_C2S + d],
		                                  s->lists[KEX_MAC_C2S + d], &out->mac[d])) < 0) {
			failed = KEX_MAC_C2S + d;
			goto out;
		}
		if ((r = alglist_negotiate(c->lists[KEX_COMP_C2S + d], s->lists[KEX_COMP_C2S + d],
		                           &out->comp[d])) < 0) {
			failed = KEX_COMP_C2S + d;
			goto out;
		}
	}
	/* RFC 4253 7.1: a guess is wrong if the kex or host key algorithm the
	 * guesser listed first is not the negotiated one. Either side may
	 * have guessed; the caller knows which is the peer. */
	if (c->first_kex_follows || s->first_kex_follows) {
		const struct kexinit *g = c->first_kex_follows ? c : s;
		out->ignore_guessed_packet = !same_first(g->lists[KEX_ALGS], out->kex) ||
		                             !same_first(g->lists[KEX_HOSTKEY_ALGS], out->hostkey);
	}
out:
	if (r < 0) {
		if (which && failed >= 0)
			*which = names[failed];
		kex_choice_free(out);
	}
	return r;
}
