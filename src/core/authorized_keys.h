/* authorized_keys: find a client's public key in the contents of an
 * authorized_keys file (sshd(8) "AUTHORIZED_KEYS FILE FORMAT") and work
 * out the options that apply. Pure: the caller reads the file (as the
 * user) and passes the text, the client's address and the time.
 *
 *   [options] keytype base64-key [comment]
 *
 * options is a comma-separated list without blanks outside double quotes;
 * names are case-insensitive; values are "quoted", with \" standing for a
 * quote (any other backslash is kept as is). An unknown or malformed
 * option makes the whole line unusable ("bad options"), as in sshd.
 * Like sshd, options are only examined on lines holding the client's key,
 * and a line refused for from= or expiry-time does not end the search: a
 * later line with the same key may still let it in. */
#ifndef SLC_AUTHORIZED_KEYS_H
#define SLC_AUTHORIZED_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sshkey.h"

/* permitopen / permitlisten destination. port is 1..65535, or -1 for
 * '*'. host has IPv6 brackets removed; NULL in permitlisten="port" (a bare
 * port, which sshd treats as any listen address). permitopen hosts are
 * literal; permitlisten hosts may hold addrmatch wildcards. */
struct ak_hostport {
	char *host;
	int port;
};

/* Effective options of one line. The five permit_* flags start true;
 * "restrict" clears them all at the point it appears and later options
 * may set them again ("restrict,pty"). Strings and arrays are owned. */
struct ak_opts {
	bool restricted; /* "restrict" appeared */
	bool permit_port_forwarding;
	bool permit_agent_forwarding;
	bool permit_x11_forwarding;
	bool permit_pty;
	bool permit_user_rc;
	bool cert_authority; /* such lines never match a plain key */
	bool no_touch_required; /* FIDO keys, recognised only */
	bool verify_required;
	char *command; /* forced command, or NULL */
	char *from; /* from= pattern list (already checked by ak_find), or NULL */
	char *principals; /* principals= (certificates only), or NULL */
	long tunnel; /* tunnel="n", or -1 */
	bool has_expiry;
	int64_t expiry; /* seconds since the epoch; refused once now > expiry */
	char **env; /* "NAME=value", first one for each NAME kept */
	size_t nenv;
	struct ak_hostport *permitopen;
	size_t npermitopen;
	struct ak_hostport *permitlisten;
	size_t npermitlisten;
};

void ak_opts_init(struct ak_opts *o);
/* Frees what o owns and re-initialises it. */
void ak_opts_free(struct ak_opts *o);

/* Parse an options field (len bytes, no NUL needed) on top of o, which
 * must be initialised. utc_offset: local time's offset east of UTC in
 * seconds, for expiry-time values without a 'Z' (sshd reads those in the
 * system time zone; the caller gets the offset from its clock, so a
 * daylight saving change between now and the expiry shifts it by that
 * hour). On error o may be partly filled (free it) and err (errlen bytes,
 * may be NULL) says why. SLC_ERR_FORMAT for bad options, SLC_ERR_NOMEM. */
SLC_WUR int ak_parse_options(const char *s, size_t len, long utc_offset, struct ak_opts *o,
                             char *err, size_t errlen);

/* Why a line was skipped or refused, for the caller's log. key_matched
 * tells lines that held the client's key (sshd logs those as errors)
 * from mere garbage or unsupported lines (debug level). msg has no line
 * number and is valid only during the call. */
typedef void (*ak_note_fn)(void *ctx, size_t line, bool key_matched, const char *msg);

struct ak_query {
	const struct sshkey *key; /* the client's key */
	const char *addr; /* client address text, for from= */
	const char *host; /* its canonical name, or NULL (UseDNS no) */
	int64_t now; /* seconds since the epoch */
	long utc_offset; /* see ak_parse_options */
	ak_note_fn note; /* optional */
	void *note_ctx;
};

struct ak_result {
	size_t line; /* 1-based line of the accepted entry */
	struct ak_opts opts; /* its options; the caller frees with ak_opts_free */
	/* The last reason a line holding the key was refused or skipped,
	 * "line N: ...", or "" if none. */
	char reason[256];
};

/* Search len bytes of text (CR LF accepted, NUL bytes make a line bad).
 * res is always initialised (free res->opts after any return).
 *   0                   accepted: res->line, res->opts
 *   SLC_ERR_NOT_FOUND   no usable line holds the key
 *   SLC_ERR_DENIED      lines hold it, but every one was refused (bad
 *                       options, from=, expiry-time, cert-authority);
 *                       res->reason says why for the last of them
 *   SLC_ERR_NOMEM / SLC_ERR_INVALID */
SLC_WUR int ak_find(const char *text, size_t len, const struct ak_query *q, struct ak_result *res);

#endif
