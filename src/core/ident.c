#include "ident.h"

#include <stdlib.h>
#include <string.h>

void ssh_ident_init(struct ssh_ident *id, bool peer_is_server)
{
	memset(id, 0, sizeof(*id));
	id->peer_is_server = peer_is_server;
}

void ssh_ident_free(struct ssh_ident *id)
{
	free(id->version);
	id->version = NULL;
}

const char *ssh_ident_ours(void)
{
	return "SSH-2.0-" IDENT_SOFTWARE;
}

/* protoversion-softwareversion: printable US-ASCII, no spaces or '-' in
 * the software version; comments after a space may hold any printable. */
static int check_version(struct ssh_ident *id, const char *l)
{
	const char *soft;
	if (!strncmp(l, "SSH-2.0-", 8)) {
		soft = l + 8;
	} else if (!strncmp(l, "SSH-1.99-", 9)) {
		soft = l + 9; /* RFC 4253 5.1: means "2.0 compatible" */
	} else {
		id->why = "peer does not speak SSH protocol version 2.0";
		return SLC_ERR_PROTOCOL;
	}
	if (*soft == '\0' || *soft == ' ') {
		id->why = "peer's version line has no software version";
		return SLC_ERR_PROTOCOL;
	}
	for (const char *p = soft; *p; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			id->why = "peer's version line has non-printable characters";
			return SLC_ERR_PROTOCOL;
		}
	}
	return 0;
}

int ssh_ident_feed(struct ssh_ident *id, const uint8_t *data, size_t len, size_t *consumed)
{
	*consumed = 0;
	if (id->version)
		return 0;
	while (*consumed < len) {
		uint8_t c = data[(*consumed)++];
		id->total++;
		if (c != '\n') {
			if (id->line_len >= IDENT_MAX_LINE - 1) {
				id->why = "peer's version line is longer than 255 bytes";
				return SLC_ERR_PROTOCOL;
			}
			id->line[id->line_len++] = (char)c;
			continue;
		}
		size_t n = id->line_len;
		if (n > 0 && id->line[n - 1] == '\r')
			n--;
		id->line[n] = '\0';
		id->line_len = 0;
		if (memchr(id->line, '\0', n)) {
			id->why = "peer's version line contains a NUL byte";
			return SLC_ERR_PROTOCOL;
		}
		if (!strncmp(id->line, "SSH-", 4)) {
			int r = check_version(id, id->line);
			if (r < 0)
				return r;
			id->version = strdup(id->line);
			if (!id->version)
				return SLC_ERR_NOMEM;
			return 0;
		}
		if (!id->peer_is_server) {
			id->why = "client sent data before its version line";
			return SLC_ERR_PROTOCOL;
		}
		if (++id->lines > IDENT_MAX_PRELINES || id->total > IDENT_MAX_BYTES) {
			id->why = "no SSH version line from the peer within the allowed amount";
			return SLC_ERR_PROTOCOL;
		}
	}
	/* A client's version must come first: refuse early rather than wait for
	 * a line end that a non-SSH peer may never send. */
	if (!id->peer_is_server && id->line_len >= 4 && strncmp(id->line, "SSH-", 4)) {
		id->why = "client sent data before its version line";
		return SLC_ERR_PROTOCOL;
	}
	if (id->total > IDENT_MAX_BYTES) {
		id->why = "no SSH version line from the peer within the allowed amount";
		return SLC_ERR_PROTOCOL;
	}
	return SLC_ERR_AGAIN;
}
