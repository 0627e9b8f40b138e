/* userauth: SSH user authentication (RFC 4252; keyboard-interactive, RFC
 * 4256; rsa-sha2 signatures and server-sig-algs, RFC 8332 / RFC 8308), both
 * roles, on top of the transport in conn.h. Sans I/O like the rest of the
 * core: requests go out through the calls below, answers come back as
 * events from ssh_conn_next_event().
 *
 * Client, after SSH_EV_SERVICE_ACCEPT for "ssh-userauth":
 *
 *     ssh_auth_none(c, user)                  -> AUTH_FAILURE (learn methods)
 *     ssh_auth_password(c, user, pw, NULL)    -> AUTH_SUCCESS | AUTH_FAILURE
 *     ssh_auth_publickey_query(c, user, k, NULL)  -> AUTH_PK_OK | AUTH_FAILURE
 *     ssh_auth_publickey_sign(c, user, k, NULL)   -> AUTH_SIGN (at once)
 *       ... sign ev.auth.sign.data (key file, agent: may take time) ...
 *     ssh_auth_publickey_signed(c, sig, len)  -> AUTH_SUCCESS | AUTH_FAILURE
 *     ssh_auth_kbdint(c, user, "")            -> AUTH_INFO_REQUEST*, then
 *                                                AUTH_SUCCESS | AUTH_FAILURE
 *     ssh_auth_kbdint_respond(c, n, answers)  after each AUTH_INFO_REQUEST
 *
 * One request is outstanding at a time (calls made while one is out give
 * SLC_ERR_INVALID, as do client calls on a server and vice versa). The
 * server may send AUTH_BANNER at any point before success. On AUTH_SUCCESS
 * the connection is authenticated and channels may be opened.
 *
 * Server: set the method list (ssh_auth_set_methods) and MaxAuthTries
 * (ssh_auth_set_max_tries) before or after the service is accepted; the
 * client's requests come out as SSH_EV_AUTH_REQUEST (and keyboard-
 * interactive answers as SSH_EV_AUTH_INFO_RESPONSE). While one of those
 * waits for the driver's answer the core reads no further input: answer
 * with exactly one of ssh_auth_accept / ssh_auth_reject / ssh_auth_pk_ok /
 * ssh_auth_info_request / ssh_auth_passwd_changereq, then call
 * ssh_conn_next_event() again (input may be waiting). The core itself
 * answers, without an event, requests for another service than
 * "ssh-connection", for a method not on the list, or with a public key or
 * algorithm it cannot use; these count as failed attempts. After
 * MaxAuthTries failed attempts ("none" and partial successes do not count)
 * the connection ends with NO_MORE_AUTH_METHODS_AVAILABLE, "Too many
 * authentication failures". The user name and service may not change
 * between requests (protocol error).
 *
 * Strings from the peer that a program will print (banner, prompts, names,
 * instructions) are sanitized: control characters and malformed UTF-8
 * become '?', line breaks and tabs are kept where text may span lines.
 * Secrets the server receives (passwords, keyboard-interactive answers)
 * are wiped once the driver has answered. */
#ifndef SLC_USERAUTH_H
#define SLC_USERAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sshkey.h"

struct ssh_conn;

/* Event types, inside SSH_EV_AUTH_FIRST .. SSH_EV_AUTH_LAST (conn.h). */
enum ssh_auth_event_type {
	/* Client: ev.auth.banner.text, sanitized (may span lines). */
	SSH_EV_AUTH_BANNER = 16,
	/* Client: the outstanding request failed. ev.auth.failure.methods
	 * lists what may continue (a name-list, possibly ""), .partial says
	 * the request succeeded but more is needed. For a password request
	 * the server may instead ask for a new password: .change_password,
	 * with .prompt (sanitized) and methods "". Answer with
	 * ssh_auth_password(c, user, old, new) or try something else. */
	SSH_EV_AUTH_FAILURE,
	/* Client: authenticated. */
	SSH_EV_AUTH_SUCCESS,
	/* Client: the server would accept a signature by ev.auth.pk_ok.key
	 * (the key given to ssh_auth_publickey_query) with .alg. */
	SSH_EV_AUTH_PK_OK,
	/* Client: sign ev.auth.sign.data with ev.auth.sign.key and algorithm
	 * .alg, then call ssh_auth_publickey_signed (or _cancel). Unlike other
	 * event data, data, alg and key stay valid until that call. */
	SSH_EV_AUTH_SIGN,
	/* Client: keyboard-interactive prompts (ev.auth.info_request); answer
	 * with ssh_auth_kbdint_respond and exactly n_prompts responses (zero
	 * prompts still needs the empty answer). */
	SSH_EV_AUTH_INFO_REQUEST,
	/* Server: a request (ev.auth.request) awaits an answer. */
	SSH_EV_AUTH_REQUEST,
	/* Server: keyboard-interactive answers (ev.auth.info_response) to the
	 * last ssh_auth_info_request; answer as for SSH_EV_AUTH_REQUEST. */
	SSH_EV_AUTH_INFO_RESPONSE,
	SSH_EV_AUTH__END /* not an event */
};

enum ssh_auth_method {
	SSH_AUTH_NONE,
	SSH_AUTH_PASSWORD,
	SSH_AUTH_PUBLICKEY,
	SSH_AUTH_KBDINT,
};

/* Most prompts accepted in one keyboard-interactive round (either role). */
#define SSH_AUTH_MAX_PROMPTS 100

/* The event payload (conn.h embeds it as ev.auth). Every pointer is
 * borrowed from the core and valid until the next call into the core for
 * this connection, except where said otherwise. */
struct ssh_auth_event {
	union {
		struct {
			const char *text;
		} banner;
		struct {
			const char *methods;
			bool partial;
			bool change_password;
			const char *prompt; /* change_password only, else NULL */
		} failure;
		struct {
			const struct sshkey *key;
			const char *alg;
		} pk_ok;
		struct {
			const uint8_t *data; /* to be signed */
			size_t len;
			const char *alg;
			const struct sshkey *key; /* as given to _sign */
		} sign;
		struct {
			const char *name, *instruction; /* sanitized, may be "" */
			uint32_t n_prompts;
			const char *const *prompts; /* sanitized */
			const bool *echo;
		} info_request;
		/* Server. Valid until the driver answers. */
		struct {
			const char *user; /* no control characters, <= 255 bytes */
			const char *service; /* always "ssh-connection" */
			enum ssh_auth_method method;
			const char *method_name;
			/* publickey: the parsed key, its signature algorithm;
			 * has_sig says the client signed, sig_ok that the core
			 * verified that signature over this session. A query
			 * (!has_sig) may be answered with ssh_auth_pk_ok; a
			 * signed request is accepted only when sig_ok. */
			const struct sshkey *key;
			const char *pk_alg;
			bool has_sig, sig_ok;
			/* password (wiped after the answer); new_password is
			 * non-NULL for a change request */
			const char *password, *new_password;
			/* keyboard-interactive: the submethods hint (sanitized) */
			const char *submethods;
		} request;
		struct {
			uint32_t n; /* == prompts sent */
			const char *const *responses; /* wiped after the answer */
		} info_response;
	};
};

/* ---- client ---- */

/* The signature algorithms this client may use for public keys
 * (PubkeyAcceptedAlgorithms; copied). NULL restores the default: every
 * algorithm but "ssh-rsa". */
SLC_WUR int ssh_auth_set_client_algs(struct ssh_conn *c, const char *algs);
/* The algorithm ssh_auth_publickey_* uses for key when given NULL: the
 * key's own type, or for RSA rsa-sha2-512, else rsa-sha2-256 (each when
 * the server lists it in server-sig-algs and the client allows it), else
 * "ssh-rsa" if the client allows it. NULL when the key cannot be used. */
const char *ssh_auth_pubkey_alg(const struct ssh_conn *c, const struct sshkey *key);

/* Requests. user must not hold NUL; the service asked for is always
 * "ssh-connection". SLC_ERR_INVALID when not a client past the service
 * accept, already authenticated, or a request is outstanding. */
SLC_WUR int ssh_auth_none(struct ssh_conn *c, const char *user);
/* new_password: NULL, or the new password answering a change request. */
SLC_WUR int ssh_auth_password(struct ssh_conn *c, const char *user, const char *password,
                              const char *new_password);
/* alg: NULL picks with ssh_auth_pubkey_alg; else it must be an algorithm
 * for key (SLC_ERR_INVALID) the client allows (SLC_ERR_UNSUPPORTED, also
 * when NULL finds none). key (public part suffices) is borrowed until the
 * PK_OK or FAILURE event. */
SLC_WUR int ssh_auth_publickey_query(struct ssh_conn *c, const char *user, const struct sshkey *key,
                                     const char *alg);
/* Same checks; raises SSH_EV_AUTH_SIGN with the exact data to sign:
 * string session_id, byte 50, string user, string "ssh-connection",
 * string "publickey", TRUE, string alg, string public key blob. key is
 * borrowed until _signed or _cancel. */
SLC_WUR int ssh_auth_publickey_sign(struct ssh_conn *c, const char *user, const struct sshkey *key,
                                    const char *alg);
/* sig: the signature blob (string alg, string signature) as sshkey_sign
 * or an agent produce it. SLC_ERR_SIGNATURE when it names another
 * algorithm than the one asked for (nothing is sent; the sign step is
 * over). SLC_ERR_INVALID when no signature was asked for. */
SLC_WUR int ssh_auth_publickey_signed(struct ssh_conn *c, const uint8_t *sig, size_t len);
/* Give up on a signature (the agent refused): back to no outstanding
 * request. */
void ssh_auth_publickey_cancel(struct ssh_conn *c);
/* submethods: a hint for the server, usually "". */
SLC_WUR int ssh_auth_kbdint(struct ssh_conn *c, const char *user, const char *submethods);
/* n must equal the prompts of the last SSH_EV_AUTH_INFO_REQUEST. */
SLC_WUR int ssh_auth_kbdint_respond(struct ssh_conn *c, uint32_t n, const char *const *responses);

/* ---- server ---- */

/* Methods the client may use, in the order to announce them (copied);
 * default "publickey,password". Change it before rejecting with partial
 * success to say what remains. */
SLC_WUR int ssh_auth_set_methods(struct ssh_conn *c, const char *methods);
/* MaxAuthTries; default 6; 0 means the default. */
void ssh_auth_set_max_tries(struct ssh_conn *c, unsigned tries);
/* Signature algorithms accepted for publickey (copied); default the list
 * the transport announces in server-sig-algs (no "ssh-rsa"). */
SLC_WUR int ssh_auth_set_server_algs(struct ssh_conn *c, const char *algs);
/* Send USERAUTH_BANNER (text as is: the client sanitizes). Only before
 * success. */
SLC_WUR int ssh_auth_send_banner(struct ssh_conn *c, const char *text);

/* Answers to SSH_EV_AUTH_REQUEST / SSH_EV_AUTH_INFO_RESPONSE. All give
 * SLC_ERR_INVALID when no answer is awaited (nothing changes then).
 *
 * accept: USERAUTH_SUCCESS; the connection is authenticated. A publickey
 * request without a verified signature cannot be accepted: it is rejected
 * instead and SLC_ERR_DENIED returned. */
SLC_WUR int ssh_auth_accept(struct ssh_conn *c);
/* USERAUTH_FAILURE with the current method list and partial flag; a
 * failed attempt unless partial or method "none". At MaxAuthTries it
 * disconnects instead (SSH_EV_DISCONNECT follows). */
SLC_WUR int ssh_auth_reject(struct ssh_conn *c, bool partial);
/* USERAUTH_PK_OK for a publickey query (no signature); else INVALID. */
SLC_WUR int ssh_auth_pk_ok(struct ssh_conn *c);
/* keyboard-interactive only: send INFO_REQUEST with n (<=
 * SSH_AUTH_MAX_PROMPTS) prompts; SSH_EV_AUTH_INFO_RESPONSE follows. */
SLC_WUR int ssh_auth_info_request(struct ssh_conn *c, const char *name, const char *instruction,
                                  uint32_t n, const char *const *prompts, const bool *echo);
/* password only: ask for a new password (USERAUTH_PASSWD_CHANGEREQ). */
SLC_WUR int ssh_auth_passwd_changereq(struct ssh_conn *c, const char *prompt);

/* Failed attempts counted so far (server). */
unsigned ssh_auth_failures(const struct ssh_conn *c);

#endif
