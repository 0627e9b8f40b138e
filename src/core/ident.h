/* ident: the SSH version exchange (RFC 4253 section 4.2).
 *
 * Each side sends "SSH-2.0-softwareversion[ SP comments]\r\n". A server may
 * send other lines before its version line; a client may not. We accept a
 * bare LF as a line end (OpenSSH does), cap lines at 255 bytes including the
 * line end, and give up after IDENT_MAX_PRELINES lines or IDENT_MAX_BYTES
 * bytes, so a peer that never sends a version costs a bounded amount. */
#ifndef SLC_IDENT_H
#define SLC_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define IDENT_MAX_LINE 255
#define IDENT_MAX_PRELINES 1024
#define IDENT_MAX_BYTES (64 * 1024)
#define IDENT_SOFTWARE "sluice_0.1"

struct ssh_ident {
	bool peer_is_server; /* a server may send lines before its version */
	char line[IDENT_MAX_LINE + 1];
	size_t line_len;
	size_t lines;
	size_t total;
	char *version; /* the peer's version line without CR LF, once complete */
	const char *why; /* static text naming the cause of a failure */
};

void ssh_ident_init(struct ssh_ident *id, bool peer_is_server);
void ssh_ident_free(struct ssh_ident *id);

/* Feed bytes from the peer. *consumed gets how many were used; bytes after
 * the version line belong to the binary packet protocol. Returns 0 once the
 * version line is complete (id->version is set), SLC_ERR_AGAIN when more is
 * needed, SLC_ERR_PROTOCOL (id->why says why) on a bad or missing version. */
SLC_WUR int ssh_ident_feed(struct ssh_ident *id, const uint8_t *data, size_t len, size_t *consumed);

/* Our own version line without CR LF ("SSH-2.0-sluice_0.1"). */
const char *ssh_ident_ours(void);

#endif
