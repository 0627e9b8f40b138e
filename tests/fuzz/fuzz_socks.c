/* The SOCKS handshake over arbitrary client bytes delivered in pieces of
 * random sizes (the first two input bytes seed the sizes). Invariants:
 * the outcome (error or request, bytes sent back, where the client's data
 * starts) does not depend on how the bytes arrive; nothing is consumed or
 * sent while a message is incomplete; consumption never passes what was
 * received; the stateless parsers agree with the state machine. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
	int rc;
	uint8_t sent[64];
	size_t nsent;
	struct socks_request req;
	size_t data_off;
};

static size_t next_piece(uint32_t *seed, size_t left)
{
	*seed = *seed * 1103515245u + 12345u;
	size_t n = ((*seed >> 16) % 8) == 0 ? ((*seed >> 8) % 300) : ((*seed >> 16) % 4);
	if (n == 0)
		n = 1;
	return n > left ? left : n;
}

/* seed 0: everything at once */
static void drive(const uint8_t *s, size_t len, uint32_t seed, struct outcome *o)
{
	struct socks_state st;
	size_t consumed = 0, delivered = 0;
	bool whole = seed == 0;

	memset(o, 0, sizeof(*o));
	o->rc = SLC_ERR_AGAIN;
	socks_init(&st);
	for (;;) {
		for (;;) {
			struct socks_result res;
			int r = socks_feed(&st, s + consumed, delivered - consumed, &res);
			if (r == SLC_ERR_AGAIN) {
				assert(res.used == 0 && res.reply_len == 0 && !res.have_request);
				break;
			}
			assert(res.reply_len <= SOCKS_REPLY_MAX);
			assert(o->nsent + res.reply_len <= sizeof(o->sent));
			memcpy(o->sent + o->nsent, res.reply, res.reply_len);
			o->nsent += res.reply_len;
			if (r < 0) {
				assert(res.why != NULL && !res.have_request);
				assert(r == SLC_ERR_PROTOCOL || r == SLC_ERR_UNSUPPORTED ||
				       r == SLC_ERR_LENGTH);
				o->rc = r;
				return;
			}
			assert(res.used > 0 && res.used <= delivered - consumed);
			consumed += res.used;
			if (res.have_request) {
				const struct socks_request *q = &res.req;
				assert(q->version == 4 || q->version == 5);
				if (q->atyp == SOCKS_ATYP_NAME)
					assert(q->name[0] != '\0' &&
					       strnlen(q->name, sizeof(q->name)) <= SOCKS_NAME_MAX);
				else
					assert(q->atyp == SOCKS_ATYP_IPV4 ||
					       (q->atyp == SOCKS_ATYP_IPV6 && q->version == 5));
				char host[SOCKS_HOST_STRLEN];
				assert(socks_request_host(q, host, sizeof(host)) == 0);
				o->req = res.req;
				o->data_off = consumed;
				o->rc = 0;
				return;
			}
		}
		if (delivered == len)
			return;
		delivered += whole ? len - delivered : next_piece(&seed, len - delivered);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 4096)
		return 0;
	uint32_t seed = (uint32_t)data[0] << 8 | data[1] | 0x10000u;
	const uint8_t *s = data + 2;
	size_t len = size - 2;

	struct outcome whole, pieces, bytes;
	drive(s, len, 0, &whole);
	drive(s, len, seed, &pieces);
	drive(s, len, 1, &bytes); /* another cut */
	const struct outcome *os[] = {&pieces, &bytes};
	for (size_t i = 0; i < 2; i++) {
		assert(os[i]->rc == whole.rc);
		assert(os[i]->nsent == whole.nsent);
		assert(!memcmp(os[i]->sent, whole.sent, whole.nsent));
		assert(os[i]->data_off == whole.data_off);
		assert(!memcmp(&os[i]->req, &whole.req, sizeof(whole.req)));
	}

	/* the stateless parsers on the raw bytes */
	struct socks_result res;
	int (*parsers[])(const uint8_t *, size_t, struct socks_result *) = {
	        socks5_parse_greeting, socks5_parse_request, socks4_parse_request};
	for (size_t i = 0; i < 3; i++) {
		int r = parsers[i](s, len, &res);
		if (r == 0) {
			assert(res.used <= len);
			/* a complete message parses the same with extra bytes cut */
			struct socks_result again;
			assert(parsers[i](s, res.used, &again) == 0 && again.used == res.used);
			assert(!memcmp(&again.req, &res.req, sizeof(res.req)));
			if (res.used > 0) {
				assert(parsers[i](s, res.used - 1, &again) == SLC_ERR_AGAIN);
			}
		} else if (r == SLC_ERR_AGAIN) {
			assert(res.used == 0 && res.reply_len == 0);
		}
	}

	uint8_t out[SOCKS_REPLY_MAX];
	assert(socks_build_reply(4, len ? s[0] : 0, out) == 8);
	assert(socks_build_reply(5, len ? s[0] : 0, out) == 10);
	return 0;
}
