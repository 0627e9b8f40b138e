#include "agent.h"

#include <stdlib.h>
#include <string.h>

/* Reserve the frame length, let the caller append, then patch it. */
static int frame_begin(struct buf *out, size_t *at)
{
	uint8_t *p;
	int r = buf_reserve(out, 4, &p);
	if (r < 0)
		return r;
	*at = out->wpos - 4;
	return 0;
}

static void frame_end(struct buf *out, size_t at)
{
	buf_store_u32(out->base + at, (uint32_t)(out->wpos - at - 4));
}

int agent_put_request_identities(struct buf *out)
{
	size_t at;
	int r;
	if ((r = frame_begin(out, &at)) < 0 || (r = buf_put_u8(out, AGENTC_REQUEST_IDENTITIES)) < 0)
		return r;
	frame_end(out, at);
	return 0;
}

int agent_put_sign_request(struct buf *out, const uint8_t *blob, size_t blob_len,
                           const uint8_t *data, size_t len, const char *alg)
{
	uint32_t flags = 0;
	size_t at;
	int r;
	if (alg && !strcmp(alg, "rsa-sha2-256"))
		flags = AGENT_RSA_SHA2_256;
	else if (alg && !strcmp(alg, "rsa-sha2-512"))
		flags = AGENT_RSA_SHA2_512;
	if ((r = frame_begin(out, &at)) < 0 || (r = buf_put_u8(out, AGENTC_SIGN_REQUEST)) < 0 ||
	    (r = buf_put_string(out, blob, blob_len)) < 0 ||
	    (r = buf_put_string(out, data, len)) < 0 || (r = buf_put_u32(out, flags)) < 0)
		return r;
	if (out->wpos - at - 4 > AGENT_MAX_MSG) {
		out->wpos = at;
		return SLC_ERR_LENGTH;
	}
	frame_end(out, at);
	return 0;
}

int agent_take_reply(struct buf *in, uint8_t *type, struct buf *body)
{
	uint32_t n;
	int r = buf_peek_u32(in, &n);
	if (r < 0)
		return SLC_ERR_AGAIN;
	if (n == 0 || n > AGENT_MAX_MSG)
		return SLC_ERR_LENGTH;
	if (buf_len(in) - 4 < n)
		return SLC_ERR_AGAIN;
	const uint8_t *p = buf_ptr(in) + 4;
	*type = p[0];
	buf_init_view(body, p + 1, n - 1);
	buf_discard(in, 4 + (size_t)n);
	return 0;
}

void agent_identities_free(struct agent_identity *ids, size_t n)
{
	if (!ids)
		return;
	for (size_t i = 0; i < n; i++) {
		sshkey_del(ids[i].key);
		free(ids[i].comment);
		free(ids[i].blob);
	}
	free(ids);
}

int agent_parse_identities(struct buf *body, struct agent_identity **out, size_t *nout)
{
	struct agent_identity *ids = NULL;
	uint32_t n;
	size_t got = 0;
	int r;

	if ((r = buf_get_u32(body, &n)) < 0)
		return r;
	/* Each identity takes at least 8 bytes: refuse counts the body cannot
	 * hold before allocating anything. */
	if (n > AGENT_MAX_IDENTITIES || n > buf_len(body) / 8)
		return SLC_ERR_LENGTH;
	if (n && !(ids = calloc(n, sizeof(*ids))))
		return SLC_ERR_NOMEM;
	for (; got < n; got++) {
		const uint8_t *blob;
		size_t blen;
		if ((r = buf_get_string(body, &blob, &blen)) < 0 ||
		    (r = buf_get_cstring(body, &ids[got].comment, NULL)) < 0)
			goto fail;
		if (!(ids[got].blob = malloc(blen ? blen : 1))) {
			r = SLC_ERR_NOMEM;
			goto fail;
		}
		memcpy(ids[got].blob, blob, blen);
		ids[got].blob_len = blen;
		/* Certificates and other types stay listed without a key. */
		if (sshkey_from_blob(blob, blen, &ids[got].key) < 0)
			ids[got].key = NULL;
	}
	if (buf_len(body) != 0) {
		r = SLC_ERR_FORMAT;
		goto fail;
	}
	*out = ids;
	*nout = n;
	return 0;
fail:
	agent_identities_free(ids, got + 1 <= n ? got + 1 : n);
	return r;
}

int agent_parse_signature(struct buf *body, const uint8_t **sig, size_t *len)
{
	int r = buf_get_string(body, sig, len);
	if (r < 0)
		return r;
	return buf_len(body) == 0 ? 0 : SLC_ERR_FORMAT;
}
