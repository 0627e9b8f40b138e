/* known_hosts: host key lookup over the contents of one or more files in
 * the format of sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT". Pure: the caller
 * reads the files (src/io/hostfiles.h) and hands over their text.
 *
 *   [marker] hostnames keytype base64-key [comment]
 *
 * marker is "@revoked" (the key must never be accepted for the hosts on
 * that line, wherever else it is listed) or "@cert-authority" (a CA key;
 * certificates are unsupported, so such lines are recognised and ignored).
 * hostnames is an addrmatch pattern list matched against "host" (port 22)
 * or "[host]:port", or one hashed name "|1|base64(salt)|base64(HMAC-SHA1
 * keyed with salt over that name)". Blank and '#' lines are ignored; any
 * other line that cannot be used is skipped and recorded (file, line,
 * reason), as ssh(1) skips them.
 *
 * Host names are compared in lower case, as ssh(1) lowercases them before
 * looking them up or hashing them. */
#ifndef SLC_KNOWN_HOSTS_H
#define SLC_KNOWN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "err.h"
#include "sshkey.h"

enum kh_status {
	KH_NOT_FOUND = 0, /* no usable line for this name holds a key of this type */
	KH_FOUND, /* a line for this name holds exactly this key */
	KH_CHANGED, /* lines for this name hold keys of this type, none this one */
	KH_REVOKED, /* an @revoked line for this name holds this key */
};

/* Outcome of a lookup. For KH_FOUND the first line holding the key; for
 * KH_CHANGED the first conflicting line ("Offending ED25519 key in
 * file:line"); for KH_REVOKED the first @revoked line. file is borrowed
 * from the db (the name given to kh_db_add) and lives as long as it;
 * NULL and 0 for KH_NOT_FOUND. */
struct kh_match {
	enum kh_status status;
	const char *file;
	size_t line;
	enum sshkey_type type; /* of the key on that line */
	size_t nchanged; /* how many lines conflict (KH_CHANGED) */
};

/* A line that was skipped. reason is a static string. unsupported marks
 * lines that are valid for OpenSSH but use something sluice does not
 * implement (ssh-dss, security keys, certificates, SSH-1 keys), which a
 * caller may want to keep quiet about. */
struct kh_skipped {
	const char *file;
	size_t line;
	const char *reason;
	bool unsupported;
};

/* Longest text kh_hash_name writes, with its NUL: "|1|" + 28 + "|" + 28. */
#define KH_HASHED_NAME_MAX 61
/* More than the number of key types sluice knows. */
#define KH_MAX_TYPES 8

struct kh_db;

SLC_WUR int kh_db_new(struct kh_db **out);
/* NULL is a no-op. */
void kh_db_del(struct kh_db *db);

/* Parse one file's contents (len bytes; need not be NUL terminated; CRLF
 * line ends accepted) and append its lines after those already added, so
 * lookups see files in the order given (user file first, as ssh(1) does).
 * name is copied and used in results. Lines that cannot be used are
 * recorded (kh_db_skipped), not errors: only SLC_ERR_NOMEM /
 * SLC_ERR_INVALID are returned, and then db is unchanged. */
SLC_WUR int kh_db_add(struct kh_db *db, const char *name, const char *text, size_t len);

/* Skipped lines so far, in file order. Keys are decoded lazily (only
 * lines that match a looked-up name), so a lookup may add entries. */
size_t kh_db_nskipped(const struct kh_db *db);
const struct kh_skipped *kh_db_skipped(const struct kh_db *db, size_t i);

/* Look up host (name or address text, as given to ssh or HostKeyAlias) on
 * port (0 and 22 mean the default port) with the server's key. @revoked
 * wins over everything, then an exact match, then a conflict. Returns 0 or
 * SLC_ERR_NOMEM / SLC_ERR_INVALID / SLC_ERR_CRYPTO (hashed names). */
SLC_WUR int kh_db_lookup(struct kh_db *db, const char *host, uint16_t port,
                         const struct sshkey *key, struct kh_match *m);

/* CheckHostIP style: look up host into *host_m and, when ip is not NULL
 * and differs from host, the address into *ip_m (else ip_m gets
 * KH_NOT_FOUND). The caller must refuse the key if either is KH_REVOKED;
 * an address that is KH_CHANGED while the name is KH_FOUND is ssh(1)'s
 * "host key for 'x' differs from the key for the IP address" warning. */
SLC_WUR int kh_db_check(struct kh_db *db, const char *host, const char *ip, uint16_t port,
                        const struct sshkey *key, struct kh_match *host_m, struct kh_match *ip_m);

/* The key types held for host:port on usable lines (not @revoked, not
 * @cert-authority), each once, in file order, so the client can put
 * those host key algorithms first. At most max are written; *n gets the
 * number written. Errors as kh_db_lookup. */
SLC_WUR int kh_db_known_types(struct kh_db *db, const char *host, uint16_t port,
                              enum sshkey_type *types, size_t max, size_t *n);

/* The name known_hosts uses: lower-cased host for port 0 or 22, else
 * "[host]:port". Caller frees. */
SLC_WUR int kh_host_name(const char *host, uint16_t port, char **out);

/* "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" with a 20-byte salt from
 * rng, as ssh-keygen -H writes; name as kh_host_name makes it. out must
 * hold KH_HASHED_NAME_MAX bytes. */
SLC_WUR int kh_hash_name(const char *name, const struct slc_rng *rng, char out[KH_HASHED_NAME_MAX]);

/* Whether a hashed entry ("|1|salt|hash") is for name. false for anything
 * malformed. */
bool kh_hashed_name_matches(const char *hashed, const char *name);

/* New known_hosts text for host (and, when ip is not NULL and differs, its
 * address) on port with key, newline-terminated, ready to append. With
 * rng == NULL one line "host,ip type base64"; with an rng
 * (HashKnownHosts yes) one hashed line per name, each with its own salt.
 * Caller frees. SLC_ERR_INVALID for names holding blanks, commas, '#' or
 * control characters, which would break the line. */
SLC_WUR int kh_format_entry(const char *host, const char *ip, uint16_t port,
                            const struct sshkey *key, const struct slc_rng *rng, char **out);

/* ---- ssh-keygen -F / -R / -H on known_hosts text ----
 *
 * These keep every line they do not change byte for byte (comments,
 * blanks, line ends, key comments). Lines are taken as whole units: a
 * line for "a,b" matches "a" and is removed whole by -R, as ssh-keygen
 * does. Names are given as known_hosts writes them: kh_host_name's
 * output, or with port 0 a name already in "[host]:port" form (what a
 * user types after -F / -R). */

/* One line of known_hosts text, borrowed for the duration of a callback. */
struct kh_line {
	size_t line; /* 1-based */
	const char *text; /* the line without its line end */
	size_t len;
	bool revoked; /* @revoked marker */
	bool cert_authority; /* @cert-authority marker */
	bool hashed; /* host field is |1|... */
};

/* Called per line; a negative return stops the walk and is returned. */
typedef int (*kh_line_fn)(void *ctx, const struct kh_line *l);

/* -F: fn for every line whose host field matches host:port, markers
 * included (ssh-keygen shows them as "CA" / "REVOKED"); unusable lines
 * are passed over. *nfound (may be NULL) counts the calls. */
SLC_WUR int kh_text_find(const char *text, size_t len, const char *host, uint16_t port,
                         kh_line_fn fn, void *ctx, size_t *nfound);

/* -R: *out (NUL-terminated, *outlen bytes; caller frees) is text without
 * the lines for host:port. Marker lines stay, as in ssh-keygen. A line
 * that is not valid known_hosts syntax makes the whole edit fail with
 * SLC_ERR_FORMAT and *bad_line set (ssh-keygen likewise refuses to
 * rewrite such a file); lines with key types sluice does not implement
 * are handled like any other. */
SLC_WUR int kh_text_remove(const char *text, size_t len, const char *host, uint16_t port,
                           char **out, size_t *outlen, size_t *nremoved, size_t *bad_line);

/* -H: each plain line becomes one hashed line per name (lower-cased, salt
 * from rng). Lines already hashed or with a marker stay as they are;
 * lines whose names hold wildcards or negation stay too, and are passed
 * to warn (may be NULL) for "ignoring host name with wildcard". Errors
 * as kh_text_remove. */
SLC_WUR int kh_text_hash(const char *text, size_t len, const struct slc_rng *rng, char **out,
                         size_t *outlen, kh_line_fn warn, void *ctx, size_t *bad_line);

#endif
