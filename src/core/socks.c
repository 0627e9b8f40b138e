/* socks: SOCKS4/4a/5 CONNECT handshakes, server side (see socks.h).
 * Each parser reads a view of the bytes so far with the buf getters; a
 * truncated getter means SLC_ERR_AGAIN, and since the view is discarded
 * nothing is consumed until a message is whole. */
#include <arpa/inet.h>
#include <string.h>

#include "buf.h"
#include "socks.h"

#define SOCKS5_VERSION 5
#define SOCKS4_VERSION 4
#define SOCKS_CMD_CONNECT 1
#define SOCKS5_AUTH_NONE 0x00
#define SOCKS5_AUTH_NO_ACCEPTABLE 0xff

static void result_init(struct socks_result *res)
{
	memset(res, 0, sizeof(*res));
}

static int fail(struct socks_result *res, int err, const char *why)
{
	res->why = why;
	return err;
}

/* A SOCKS5 failure reply to send before closing. */
static int fail5(struct socks_result *res, int err, uint8_t rep, const char *why)
{
	res->reply_len = socks_build_reply(SOCKS5_VERSION, rep, res->reply);
	return fail(res, err, why);
}

static int fail4(struct socks_result *res, int err, const char *why)
{
	res->reply_len = socks_build_reply(SOCKS4_VERSION, SOCKS4_REP_REJECTED, res->reply);
	return fail(res, err, why);
}

/* A truncated read means "not yet"; getters on a view fail only so. */
static int need(int r)
{
	return r == SLC_ERR_TRUNCATED ? SLC_ERR_AGAIN : r;
}

static int get_port(struct buf *b, uint16_t *port)
{
	uint8_t p[2];
	int r = buf_get(b, p, sizeof(p));
	if (r < 0)
		return need(r);
	*port = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int socks5_parse_greeting(const uint8_t *data, size_t len, struct socks_result *res)
{
	struct buf b;
	uint8_t ver, n, methods[255];
	bool none = false;
	int r;

	result_init(res);
	buf_init_view(&b, data, len);
	if ((r = buf_get_u8(&b, &ver)) < 0)
		return need(r);
	if (ver != SOCKS5_VERSION)
		return fail(res, SLC_ERR_PROTOCOL, "not a SOCKS5 greeting");
	if ((r = buf_get_u8(&b, &n)) < 0)
		return need(r);
	if (n == 0)
		goto no_method; /* RFC 1928 leaves no method to pick */
	if ((r = buf_get(&b, methods, n)) < 0)
		return need(r);
	for (size_t i = 0; i < n; i++)
		none |= methods[i] == SOCKS5_AUTH_NONE;
	if (!none)
		goto no_method;
	res->used = len - buf_len(&b);
	res->reply[0] = SOCKS5_VERSION;
	res->reply[1] = SOCKS5_AUTH_NONE;
	res->reply_len = 2;
	return 0;
no_method:
	res->reply[0] = SOCKS5_VERSION;
	res->reply[1] = SOCKS5_AUTH_NO_ACCEPTABLE;
	res->reply_len = 2;
	return fail(res, n == 0 ? SLC_ERR_PROTOCOL : SLC_ERR_UNSUPPORTED,
	            n == 0 ? "SOCKS5 greeting offers no methods"
	                   : "SOCKS5 client does not offer \"no authentication\"");
}

int socks5_parse_request(const uint8_t *data, size_t len, struct socks_result *res)
{
	struct buf b;
	struct socks_request *q = &res->req;
	uint8_t ver, cmd, rsv, atyp, n;
	int r;

	result_init(res);
	buf_init_view(&b, data, len);
	if ((r = buf_get_u8(&b, &ver)) < 0)
		return need(r);
	if (ver != SOCKS5_VERSION)
		return fail5(res, SLC_ERR_PROTOCOL, SOCKS5_REP_GENERAL_FAILURE,
		             "SOCKS5 request with a wrong version");
	if ((r = buf_get_u8(&b, &cmd)) < 0)
		return need(r);
	if (cmd != SOCKS_CMD_CONNECT)
		return fail5(res, SLC_ERR_UNSUPPORTED, SOCKS5_REP_CMD_NOT_SUPPORTED,
		             "SOCKS5 command other than CONNECT");
	/* RSV should be 0; like most servers we do not insist. */
	if ((r = buf_get_u8(&b, &rsv)) < 0 || (r = buf_get_u8(&b, &atyp)) < 0)
		return need(r);
	q->version = SOCKS5_VERSION;
	q->atyp = atyp;
	switch (atyp) {
	case SOCKS_ATYP_IPV4:
		r = buf_get(&b, q->addr, 4);
		break;
	case SOCKS_ATYP_IPV6:
		r = buf_get(&b, q->addr, 16);
		break;
	case SOCKS_ATYP_NAME:
		if ((r = buf_get_u8(&b, &n)) < 0)
			return need(r);
		if (n == 0)
			return fail5(res, SLC_ERR_PROTOCOL, SOCKS5_REP_GENERAL_FAILURE,
			             "SOCKS5 request with an empty domain name");
		if ((r = buf_get(&b, q->name, n)) < 0)
			return need(r);
		q->name[n] = '\0';
		if (strlen(q->name) != n)
			return fail5(res, SLC_ERR_PROTOCOL, SOCKS5_REP_GENERAL_FAILURE,
			             "SOCKS5 domain name contains NUL");
		break;
	default:
		return fail5(res, SLC_ERR_UNSUPPORTED, SOCKS5_REP_ATYP_NOT_SUPPORTED,
		             "SOCKS5 address type not supported");
	}
	if (r < 0)
		return need(r);
	if ((r = get_port(&b, &q->port)) < 0)
		return r;
	res->used = len - buf_len(&b);
	res->have_request = true;
	return 0;
}

/* A NUL-terminated field of at most max bytes before the NUL. */
static int get_nul_string(struct buf *b, char *out, size_t max)
{
	struct buf save = *b;
	for (size_t i = 0; i <= max; i++) {
		uint8_t c;
		int r = buf_get_u8(b, &c);
		if (r < 0) {
			*b = save;
			return need(r);
		}
		out[i] = (char)c;
		if (c == 0)
			return 0;
	}
	*b = save;
	return SLC_ERR_LENGTH;
}

int socks4_parse_request(const uint8_t *data, size_t len, struct socks_result *res)
{
	struct buf b;
	struct socks_request *q = &res->req;
	uint8_t ver, cmd;
	int r;

	result_init(res);
	buf_init_view(&b, data, len);
	if ((r = buf_get_u8(&b, &ver)) < 0)
		return need(r);
	if (ver != SOCKS4_VERSION)
		return fail(res, SLC_ERR_PROTOCOL, "not a SOCKS4 request");
	if ((r = buf_get_u8(&b, &cmd)) < 0)
		return need(r);
	if (cmd != SOCKS_CMD_CONNECT)
		return fail4(res, SLC_ERR_UNSUPPORTED, "SOCKS4 command other than CONNECT");
	if ((r = get_port(&b, &q->port)) < 0 || (r = buf_get(&b, q->addr, 4)) < 0)
		return need(r);
	q->version = SOCKS4_VERSION;
	q->atyp = SOCKS_ATYP_IPV4;
	r = get_nul_string(&b, q->userid, SOCKS4_USERID_MAX);
	if (r == SLC_ERR_LENGTH)
		return fail4(res, r, "SOCKS4 user id too long");
	if (r < 0)
		return r;
	/* SOCKS4a: 0.0.0.x with x != 0 says a host name follows. */
	if (q->addr[0] == 0 && q->addr[1] == 0 && q->addr[2] == 0 && q->addr[3] != 0) {
		r = get_nul_string(&b, q->name, SOCKS_NAME_MAX);
		if (r == SLC_ERR_LENGTH)
			return fail4(res, r, "SOCKS4a host name too long");
		if (r < 0)
			return r;
		if (q->name[0] == '\0')
			return fail4(res, SLC_ERR_PROTOCOL,
			             "SOCKS4a request with an empty host name");
		q->atyp = SOCKS_ATYP_NAME;
		memset(q->addr, 0, sizeof(q->addr));
	}
	res->used = len - buf_len(&b);
	res->have_request = true;
	return 0;
}

void socks_init(struct socks_state *s)
{
	s->phase = SOCKS_PHASE_START;
}

int socks_feed(struct socks_state *s, const uint8_t *data, size_t len, struct socks_result *res)
{
	struct buf b;
	uint8_t ver;
	int r;

	switch (s->phase) {
	case SOCKS_PHASE_START:
		buf_init_view(&b, data, len);
		if (buf_get_u8(&b, &ver) < 0) {
			result_init(res);
			return SLC_ERR_AGAIN;
		}
		if (ver == SOCKS4_VERSION) {
			r = socks4_parse_request(data, len, res);
			if (r == 0)
				s->phase = SOCKS_PHASE_DONE;
		} else if (ver == SOCKS5_VERSION) {
			r = socks5_parse_greeting(data, len, res);
			if (r == 0)
				s->phase = SOCKS_PHASE_V5_REQUEST;
		} else {
			result_init(res);
			r = fail(res, SLC_ERR_PROTOCOL, "not a SOCKS4 or SOCKS5 client");
		}
		break;
	case SOCKS_PHASE_V5_REQUEST:
		r = socks5_parse_request(data, len, res);
		if (r == 0)
			s->phase = SOCKS_PHASE_DONE;
		break;
	default:
		result_init(res);
		return fail(res, SLC_ERR_INVALID, "SOCKS handshake already over");
	}
	if (r < 0 && r != SLC_ERR_AGAIN)
		s->phase = SOCKS_PHASE_FAILED;
	return r;
}

size_t socks_build_reply(uint8_t version, uint8_t rep, uint8_t out[SOCKS_REPLY_MAX])
{
	static const uint8_t any[4];
	if (version == SOCKS5_VERSION)
		return socks5_build_reply_addr(rep, SOCKS_ATYP_IPV4, any, 0, out);
	if (version != SOCKS4_VERSION)
		return 0;
	/* VN 0, CD, then DSTPORT and DSTIP, which CONNECT clients ignore */
	memset(out, 0, 8);
	out[1] = rep == SOCKS5_REP_SUCCEEDED ? SOCKS4_REP_GRANTED : SOCKS4_REP_REJECTED;
	return 8;
}

size_t socks5_build_reply_addr(uint8_t rep, uint8_t atyp, const uint8_t *addr, uint16_t port,
                               uint8_t out[SOCKS_REPLY_MAX])
{
	size_t alen = atyp == SOCKS_ATYP_IPV4 ? 4 : atyp == SOCKS_ATYP_IPV6 ? 16 : 0;
	if (alen == 0)
		return 0;
	out[0] = SOCKS5_VERSION;
	out[1] = rep;
	out[2] = 0; /* RSV */
	out[3] = atyp;
	memcpy(out + 4, addr, alen);
	out[4 + alen] = (uint8_t)(port >> 8);
	out[5 + alen] = (uint8_t)port;
	return 6 + alen;
}

int socks_request_host(const struct socks_request *req, char *out, size_t len)
{
	switch (req->atyp) {
	case SOCKS_ATYP_NAME: {
		size_t n = strnlen(req->name, sizeof(req->name));
		if (n >= sizeof(req->name))
			return SLC_ERR_INVALID;
		if (n + 1 > len)
			return SLC_ERR_LENGTH;
		memcpy(out, req->name, n + 1);
		return 0;
	}
	case SOCKS_ATYP_IPV4:
	case SOCKS_ATYP_IPV6:
		if (len > (socklen_t)-1)
			len = (socklen_t)-1;
		if (inet_ntop(req->atyp == SOCKS_ATYP_IPV4 ? AF_INET : AF_INET6, req->addr, out,
		              (socklen_t)len) == NULL)
			return SLC_ERR_LENGTH;
		return 0;
	}
	return SLC_ERR_INVALID;
}
