/* socks: the server side of a SOCKS handshake, for dynamic forwarding
 * (-D, and -R [bind_address:]port): SOCKS5 (RFC 1928) with the "no
 * authentication" method and the CONNECT command, SOCKS4 CONNECT and its
 * 4a extension (DSTIP 0.0.0.x, x != 0, followed by a host name). Pure
 * parsing: no sockets, no allocation.
 *
 * Incremental input: every parser takes all the bytes received so far
 * that it has not consumed, and either
 *   - returns SLC_ERR_AGAIN: the message is incomplete, nothing consumed,
 *     nothing to send; call again with more bytes;
 *   - returns 0: res->used bytes form the message; send res->reply
 *     (res->reply_len bytes, possibly none) and drop those bytes. Bytes
 *     after res->used are the next message or, after a request, the first
 *     bytes of the client's data stream: keep them;
 *   - returns a negative error: send res->reply (possibly empty), then
 *     close. res->why says why, for the log.
 * Errors: SLC_ERR_PROTOCOL (malformed: wrong version, no methods, empty
 * or NUL-carrying name), SLC_ERR_UNSUPPORTED (no acceptable auth method,
 * BIND or UDP ASSOCIATE, unknown address type), SLC_ERR_LENGTH (SOCKS4
 * user id or 4a host name over 255 bytes). An error is reported as soon
 * as the bytes seen prove it, without waiting for the rest. */
#ifndef SLC_SOCKS_H
#define SLC_SOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SOCKS_NAME_MAX 255 /* SOCKS5 domain names; SOCKS4a host names */
#define SOCKS4_USERID_MAX 255 /* without the NUL */
#define SOCKS_REPLY_MAX 22 /* SOCKS5 reply with an IPv6 address */
/* Room for socks_request_host(): a name, or an IPv6 address in text. */
#define SOCKS_HOST_STRLEN (SOCKS_NAME_MAX + 1)

/* Address types: SOCKS5's ATYP values, also used for SOCKS4 requests. */
enum socks_atyp { SOCKS_ATYP_IPV4 = 1, SOCKS_ATYP_NAME = 3, SOCKS_ATYP_IPV6 = 4 };

/* SOCKS5 reply codes (RFC 1928 section 6). */
enum socks5_rep {
	SOCKS5_REP_SUCCEEDED = 0x00,
	SOCKS5_REP_GENERAL_FAILURE = 0x01,
	SOCKS5_REP_NOT_ALLOWED = 0x02,
	SOCKS5_REP_NET_UNREACHABLE = 0x03,
	SOCKS5_REP_HOST_UNREACHABLE = 0x04,
	SOCKS5_REP_CONN_REFUSED = 0x05,
	SOCKS5_REP_TTL_EXPIRED = 0x06,
	SOCKS5_REP_CMD_NOT_SUPPORTED = 0x07,
	SOCKS5_REP_ATYP_NOT_SUPPORTED = 0x08
};

/* SOCKS4 reply codes. */
#define SOCKS4_REP_GRANTED 0x5a
#define SOCKS4_REP_REJECTED 0x5b

/* A CONNECT request. */
struct socks_request {
	uint8_t version; /* 4 (SOCKS4 and 4a) or 5 */
	uint8_t atyp; /* enum socks_atyp */
	uint8_t addr[16]; /* IPv4 (first 4 bytes) or IPv6, network order */
	/* SOCKS_ATYP_NAME: 1..255 bytes from the peer, NUL-terminated,
	 * without NUL inside, otherwise unchecked: escape before logging. */
	char name[SOCKS_NAME_MAX + 1];
	uint16_t port; /* host order; may be 0 (the connect will fail) */
	char userid[SOCKS4_USERID_MAX + 1]; /* SOCKS4 only; often empty */
};

struct socks_result {
	size_t used;
	uint8_t reply[SOCKS_REPLY_MAX];
	size_t reply_len;
	const char *why; /* static; set with an error */
	bool have_request; /* req is filled (0 was returned) */
	struct socks_request req;
};

/* One message each. The version byte must match the parser. */
SLC_WUR int socks5_parse_greeting(const uint8_t *data, size_t len, struct socks_result *res);
SLC_WUR int socks5_parse_request(const uint8_t *data, size_t len, struct socks_result *res);
SLC_WUR int socks4_parse_request(const uint8_t *data, size_t len, struct socks_result *res);

/* The whole handshake: picks the version from the first byte (neither 4
 * nor 5: SLC_ERR_PROTOCOL, nothing to send), then for SOCKS5 takes the
 * greeting (res->reply 05 00, have_request false) and the request, for
 * SOCKS4 the one request. After have_request the caller connects and
 * sends socks_build_reply(); feeding a finished or failed handshake gives
 * SLC_ERR_INVALID. A client may send greeting and request in one write:
 * call again with the bytes after res->used. */
enum socks_phase {
	SOCKS_PHASE_START,
	SOCKS_PHASE_V5_REQUEST,
	SOCKS_PHASE_DONE,
	SOCKS_PHASE_FAILED
};
struct socks_state {
	enum socks_phase phase;
};
void socks_init(struct socks_state *s);
SLC_WUR int socks_feed(struct socks_state *s, const uint8_t *data, size_t len,
                       struct socks_result *res);

/* The answer to a request once the connection attempt is over. rep is a
 * SOCKS5 code (SOCKS5_REP_SUCCEEDED when connected); for SOCKS4 success
 * is 0x5a and every failure 0x5b. The bound address is 0.0.0.0:0, as
 * CONNECT clients do not use it. Returns the length written (10 for
 * SOCKS5, 8 for SOCKS4), 0 for a version other than 4 or 5. */
size_t socks_build_reply(uint8_t version, uint8_t rep, uint8_t out[SOCKS_REPLY_MAX]);
/* A SOCKS5 reply naming a bound address (atyp IPv4 or IPv6; addr in
 * network order, port in host order). Returns the length, 0 for another
 * atyp. */
size_t socks5_build_reply_addr(uint8_t rep, uint8_t atyp, const uint8_t *addr, uint16_t port,
                               uint8_t out[SOCKS_REPLY_MAX]);

/* The request's destination host as text ("192.0.2.1", "2001:db8::1" or
 * the name), for a direct-tcpip channel open. len >= SOCKS_HOST_STRLEN
 * always suffices; SLC_ERR_LENGTH when out is too small. */
SLC_WUR int socks_request_host(const struct socks_request *req, char *out, size_t len);

#endif
