/* known_hosts parsing and lookup, from sshd(8) "SSH_KNOWN_HOSTS FILE
 * FORMAT" and the behaviour of ssh(1) / ssh-keygen(1).
 *
 * kh_db_add checks every line's syntax (marker, host field, key type,
 * base64, type name inside the blob) but decodes keys only when a lookup
 * reaches a line whose names match: a large known_hosts then costs one
 * libcrypto key import per matching line rather than per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addrmatch.h"
#include "base64.h"
#include "buf.h"
#include "known_hosts.h"

#define KH_SHA1_LEN 20
#define KH_HASH_MAGIC "|1|"

enum kh_marker { KH_MARK_NONE, KH_MARK_REVOKED, KH_MARK_CA };

struct kh_entry {
	size_t file; /* index into db->files */
	size_t line;
	enum kh_marker marker;
	bool hashed;
	bool bad; /* key failed to decode on first use; never used again */
	char *hosts;
	uint8_t salt[KH_SHA1_LEN];
	uint8_t hash[KH_SHA1_LEN];
	enum sshkey_type type;
	uint8_t *blob;
	size_t bloblen;
	struct sshkey *key; /* decoded on first use */
};

struct kh_db {
	char **files;
	size_t nfiles, capfiles;
	struct kh_entry *ents;
	size_t nents, capents;
	struct kh_skipped *skipped;
	size_t nskipped, capskipped;
};

/* ---- small helpers ---- */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline char lc(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Grow *arr (of *cap elements of size sz) to hold at least need. */
static int grow(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > ((size_t)-1 / 2) / sz)
			return SLC_ERR_NOMEM;
		ncap *= 2;
	}
	if ((n = realloc(*arr, ncap * sz)) == NULL)
		return SLC_ERR_NOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

static void entry_free(struct kh_entry *e)
{
	free(e->hosts);
	free(e->blob);
	sshkey_del(e->key);
	memset(e, 0, sizeof(*e));
}

int kh_db_new(struct kh_db **out)
{
	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : SLC_ERR_NOMEM;
}

void kh_db_del(struct kh_db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->nents; i++)
		entry_free(&db->ents[i]);
	for (size_t i = 0; i < db->nfiles; i++)
		free(db->files[i]);
	free(db->ents);
	free(db->files);
	free(db->skipped);
	free(db);
}

size_t kh_db_nskipped(const struct kh_db *db)
{
	return db ? db->nskipped : 0;
}

const struct kh_skipped *kh_db_skipped(const struct kh_db *db, size_t i)
{
	return db && i < db->nskipped ? &db->skipped[i] : NULL;
}

static int add_skipped(struct kh_db *db, size_t file, size_t line, const char *reason,
                       bool unsupported)
{
	int r;

	if ((r = grow((void **)&db->skipped, &db->capskipped, db->nskipped + 1,
	              sizeof(*db->skipped))) < 0)
		return r;
	db->skipped[db->nskipped++] = (struct kh_skipped){.file = db->files[file],
	                                                  .line = line,
	                                                  .reason = reason,
	                                                  .unsupported = unsupported};
	return 0;
}

/* ---- parsing ---- */

/* As sshkey_openssh_only_type, plus SSH-1 RSA: lines with them are
 * legitimate and skipped quietly rather than reported as damage. */
static bool openssh_only_type(const char *t, size_t n)
{
	if (sshkey_openssh_only_type(t, n))
		return true;
	/* SSH-1 RSA: "host bits exponent modulus". */
	for (size_t i = 0; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return false;
	return n > 0;
}

/* Next blank-separated word of [*p, end): sets *w and *n, advances *p. */
static void next_word(const char **p, const char *end, const char **w, size_t *n)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	*w = s;
	while (s < end && !is_blank(*s))
		s++;
	*n = (size_t)(s - *w);
	*p = s;
}

/* Decode exactly KH_SHA1_LEN bytes of base64. */
static int decode20(const char *s, size_t n, uint8_t out[KH_SHA1_LEN])
{
	struct buf b;
	int r;

	buf_init(&b);
	r = b64_decode(s, n, &b);
	if (r == 0 && buf_len(&b) != KH_SHA1_LEN)
		r = SLC_ERR_FORMAT;
	if (r == 0)
		memcpy(out, buf_ptr(&b), KH_SHA1_LEN);
	buf_free(&b);
	return r;
}

static int parse_hashed(const char *s, size_t n, struct kh_entry *e)
{
	const char *salt = s + 3, *end = s + n, *bar;

	if (n < 3 || memcmp(s, KH_HASH_MAGIC, 3) != 0)
		return SLC_ERR_UNSUPPORTED;
	bar = memchr(salt, '|', (size_t)(end - salt));
	if (bar == NULL)
		return SLC_ERR_FORMAT;
	if (decode20(salt, (size_t)(bar - salt), e->salt) < 0 ||
	    decode20(bar + 1, (size_t)(end - bar - 1), e->hash) < 0)
		return SLC_ERR_FORMAT;
	e->hashed = true;
	return 0;
}

/* Parses [s, end) (one line, no newline) into e. Returns 1 to keep e, 0 to
 * ignore the line silently (blank or comment), or a negative SLC_ERR_*
 * other than NOMEM with *reason / *unsupported set to skip and record it. */
static int parse_line(const char *s, const char *end, struct kh_entry *e, const char **reason,
                      bool *unsupported)
{
	const char *p = s, *w;
	size_t n;
	struct buf blob, view;
	const uint8_t *tname;
	size_t tlen;
	int r;

	buf_init(&blob);
	*unsupported = false;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		*reason = "line contains a NUL byte";
		return SLC_ERR_NUL;
	}

	next_word(&p, end, &w, &n);
	if (w[0] == '@') {
		if (n == 8 && memcmp(w, "@revoked", 8) == 0) {
			e->marker = KH_MARK_REVOKED;
		} else if (n == 15 && memcmp(w, "@cert-authority", 15) == 0) {
			e->marker = KH_MARK_CA;
		} else {
			*reason = "unknown marker";
			return SLC_ERR_FORMAT;
		}
		next_word(&p, end, &w, &n);
		if (n == 0) {
			*reason = "missing host names";
			return SLC_ERR_FORMAT;
		}
	}

	if (w[0] == '|') {
		if ((r = parse_hashed(w, n, e)) < 0) {
			*reason = r == SLC_ERR_UNSUPPORTED ? "unsupported hashed host name format"
			                                   : "malformed hashed host name";
			*unsupported = r == SLC_ERR_UNSUPPORTED;
			return r;
		}
	} else {
		if ((e->hosts = strndup(w, n)) == NULL)
			return SLC_ERR_NOMEM;
	}

	next_word(&p, end, &w, &n);
	if (n == 0) {
		*reason = "missing key type";
		return SLC_ERR_FORMAT;
	}
	{
		char tbuf[64];
		if (n < sizeof(tbuf)) {
			memcpy(tbuf, w, n);
			tbuf[n] = '\0';
			e->type = sshkey_type_from_name(tbuf);
		}
	}
	if (e->type == SSHKEY_UNKNOWN) {
		*unsupported = openssh_only_type(w, n);
		*reason = *unsupported ? "key type not supported by sluice" : "unknown key type";
		return SLC_ERR_KEY_TYPE;
	}

	const char *type = w;
	size_t typelen = n;
	next_word(&p, end, &w, &n);
	if (n == 0) {
		*reason = "missing key";
		return SLC_ERR_FORMAT;
	}
	if ((r = b64_decode(w, n, &blob)) < 0) {
		if (r == SLC_ERR_NOMEM)
			goto out;
		*reason = "key is not valid base64";
		goto out;
	}
	/* A cheap check now that the blob is the key the line says it is;
	 * the full decode waits until a lookup needs the key. */
	buf_init_view(&view, buf_ptr(&blob), buf_len(&blob));
	if (buf_get_string(&view, &tname, &tlen) < 0 || tlen != typelen ||
	    memcmp(tname, type, tlen) != 0) {
		*reason = "key type does not match the key";
		r = SLC_ERR_FORMAT;
		goto out;
	}
	r = SLC_ERR_NOMEM;
	if ((e->blob = malloc(buf_len(&blob))) == NULL)
		goto out;
	memcpy(e->blob, buf_ptr(&blob), buf_len(&blob));
	e->bloblen = buf_len(&blob);
	/* The rest of the line is a comment. */
	r = 1;
out:
	buf_free(&blob);
	return r;
}

int kh_db_add(struct kh_db *db, const char *name, const char *text, size_t len)
{
	size_t old_nents, old_nskipped, fileidx, lineno = 0;
	const char *p, *end, *eol, *lend;
	struct kh_entry e;
	const char *reason;
	bool unsupported;
	int r;

	if (db == NULL || name == NULL || (text == NULL && len > 0))
		return SLC_ERR_INVALID;
	/* NULL + 0 is undefined. */
	p = text != NULL ? text : "";
	end = p + len;
	memset(&e, 0, sizeof(e));
	old_nents = db->nents;
	old_nskipped = db->nskipped;
	fileidx = db->nfiles;
	if ((r = grow((void **)&db->files, &db->capfiles, db->nfiles + 1, sizeof(*db->files))) < 0)
		goto out;
	r = SLC_ERR_NOMEM;
	if ((db->files[fileidx] = strdup(name)) == NULL)
		goto out;
	db->nfiles++;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		lend = eol ? eol : end;
		lineno++;
		if (lend > p && lend[-1] == '\r')
			lend--;
		memset(&e, 0, sizeof(e));
		e.file = fileidx;
		e.line = lineno;
		reason = NULL;
		r = parse_line(p, lend, &e, &reason, &unsupported);
		if (r == SLC_ERR_NOMEM)
			goto out;
		if (r == 1) {
			if ((r = grow((void **)&db->ents, &db->capents, db->nents + 1,
			              sizeof(*db->ents))) < 0)
				goto out;
			db->ents[db->nents++] = e; /* transferred */
			memset(&e, 0, sizeof(e));
		} else {
			entry_free(&e);
			if (r < 0 &&
			    (r = add_skipped(db, fileidx, lineno, reason, unsupported)) < 0)
				goto out;
		}
		p = eol ? eol + 1 : end;
	}
	r = 0;
out:
	entry_free(&e);
	if (r < 0) {
		/* Leave the db as it was before the call. */
		for (size_t i = old_nents; i < db->nents; i++)
			entry_free(&db->ents[i]);
		db->nents = old_nents;
		db->nskipped = old_nskipped;
		if (db->nfiles > fileidx) {
			free(db->files[fileidx]);
			db->nfiles = fileidx;
		}
	}
	return r;
}

/* ---- lookup ---- */

int kh_host_name(const char *host, uint16_t port, char **out)
{
	size_t n;
	char *s;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (host == NULL)
		return SLC_ERR_INVALID;
	n = strlen(host);
	if (n > 4096)
		return SLC_ERR_INVALID;
	if ((s = malloc(n + 9)) == NULL)
		return SLC_ERR_NOMEM;
	if (port == 0 || port == 22)
		memcpy(s, host, n + 1);
	else
		snprintf(s, n + 9, "[%s]:%u", host, (unsigned)port);
	for (char *c = s; *c != '\0'; c++)
		*c = lc(*c);
	*out = s;
	return 0;
}

static int hash_with_salt(const uint8_t salt[KH_SHA1_LEN], const char *name,
                          uint8_t out[KH_SHA1_LEN])
{
	return crypto_hmac(CRYPTO_HASH_SHA1, salt, KH_SHA1_LEN, name, strlen(name), out);
}

/* 1 if e is for name, 0 if not, or a negative SLC_ERR_*. */
static int entry_matches(const struct kh_entry *e, const char *name)
{
	uint8_t h[KH_SHA1_LEN];
	int r;

	if (!e->hashed)
		return addrmatch_host_list(name, e->hosts) == ADDRMATCH_YES;
	if ((r = hash_with_salt(e->salt, name, h)) < 0)
		return r;
	return crypto_ct_equal(h, e->hash, KH_SHA1_LEN);
}

bool kh_hashed_name_matches(const char *hashed, const char *name)
{
	struct kh_entry e;

	memset(&e, 0, sizeof(e));
	if (hashed == NULL || name == NULL || parse_hashed(hashed, strlen(hashed), &e) < 0)
		return false;
	return entry_matches(&e, name) == 1;
}

/* The entry's key, decoded on first use. 0 with *k set (NULL when the
 * line turned out bad and was recorded), or SLC_ERR_NOMEM. */
static int entry_key(struct kh_db *db, struct kh_entry *e, const struct sshkey **k)
{
	int r;

	*k = NULL;
	if (e->bad)
		return 0;
	if (e->key == NULL) {
		r = sshkey_from_blob(e->blob, e->bloblen, &e->key);
		if (r == SLC_ERR_NOMEM)
			return r;
		if (r < 0) {
			e->bad = true;
			e->key = NULL;
			return add_skipped(db, e->file, e->line, "invalid key", false);
		}
	}
	*k = e->key;
	return 0;
}

/* As entry_key when e is for name; *k NULL when it is not. */
static int entry_key_for(struct kh_db *db, struct kh_entry *e, const char *name,
                         const struct sshkey **k)
{
	*k = NULL;
	int r = entry_matches(e, name);
	if (r <= 0)
		return r;
	return entry_key(db, e, k);
}

static void set_match(const struct kh_db *db, struct kh_match *m, enum kh_status st,
                      const struct kh_entry *e)
{
	m->status = st;
	m->file = db->files[e->file];
	m->line = e->line;
	m->type = e->type;
}

int kh_db_lookup(struct kh_db *db, const char *host, uint16_t port, const struct sshkey *key,
                 struct kh_match *m)
{
	struct kh_match found = {0}, changed = {0}, revoked = {0};
	enum sshkey_type want;
	const struct sshkey *k;
	char *name = NULL;
	int r;

	if (m != NULL)
		memset(m, 0, sizeof(*m));
	if (db == NULL || key == NULL || m == NULL)
		return SLC_ERR_INVALID;
	if ((r = kh_host_name(host, port, &name)) < 0)
		goto out;
	want = sshkey_type(key);
	for (size_t i = 0; i < db->nents; i++) {
		struct kh_entry *e = &db->ents[i];
		/* Other types neither match nor conflict: skip them before
		 * paying for a hash or a key decode. */
		if (e->type != want || e->marker == KH_MARK_CA)
			continue;
		if ((r = entry_key_for(db, e, name, &k)) < 0)
			goto out;
		if (k == NULL)
			continue;
		if (sshkey_equal_public(k, key)) {
			if (e->marker == KH_MARK_REVOKED) {
				if (revoked.status == KH_NOT_FOUND)
					set_match(db, &revoked, KH_REVOKED, e);
			} else if (found.status == KH_NOT_FOUND) {
				set_match(db, &found, KH_FOUND, e);
			}
		} else if (e->marker != KH_MARK_REVOKED) {
			/* A revoked other key says nothing about this one. */
			if (changed.status == KH_NOT_FOUND)
				set_match(db, &changed, KH_CHANGED, e);
			changed.nchanged++;
		}
	}
	if (revoked.status != KH_NOT_FOUND)
		*m = revoked;
	else if (found.status != KH_NOT_FOUND)
		*m = found;
	else if (changed.status != KH_NOT_FOUND)
		*m = changed;
	r = 0;
out:
	free(name);
	return r;
}

int kh_db_check(struct kh_db *db, const char *host, const char *ip, uint16_t port,
                const struct sshkey *key, struct kh_match *host_m, struct kh_match *ip_m)
{
	int r;

	if (ip_m != NULL)
		memset(ip_m, 0, sizeof(*ip_m));
	if (ip_m == NULL)
		return SLC_ERR_INVALID;
	if ((r = kh_db_lookup(db, host, port, key, host_m)) < 0)
		return r;
	if (ip == NULL || strcasecmp(ip, host) == 0)
		return 0;
	return kh_db_lookup(db, ip, port, key, ip_m);
}

int kh_db_known_types(struct kh_db *db, const char *host, uint16_t port, enum sshkey_type *types,
                      size_t max, size_t *n)
{
	const struct sshkey *k;
	char *name = NULL;
	size_t j;
	int r;

	if (n != NULL)
		*n = 0;
	if (db == NULL || n == NULL || (types == NULL && max > 0))
		return SLC_ERR_INVALID;
	if ((r = kh_host_name(host, port, &name)) < 0)
		goto out;
	for (size_t i = 0; i < db->nents && *n < max; i++) {
		struct kh_entry *e = &db->ents[i];
		if (e->marker != KH_MARK_NONE)
			continue;
		for (j = 0; j < *n && types[j] != e->type; j++)
			;
		if (j < *n)
			continue;
		if ((r = entry_key_for(db, e, name, &k)) < 0)
			goto out;
		if (k != NULL)
			types[(*n)++] = e->type;
	}
	r = 0;
out:
	free(name);
	return r;
}

/* ---- writing ---- */

int kh_hash_name(const char *name, const struct slc_rng *rng, char out[KH_HASHED_NAME_MAX])
{
	uint8_t salt[KH_SHA1_LEN], h[KH_SHA1_LEN];
	char *s64 = NULL, *h64 = NULL;
	int r;

	if (name == NULL || rng == NULL || out == NULL)
		return SLC_ERR_INVALID;
	if ((r = slc_rng_fill(rng, salt, sizeof(salt))) < 0)
		goto out;
	if ((r = hash_with_salt(salt, name, h)) < 0)
		goto out;
	if ((r = b64_encode(salt, sizeof(salt), &s64)) < 0 ||
	    (r = b64_encode(h, sizeof(h), &h64)) < 0)
		goto out;
	snprintf(out, KH_HASHED_NAME_MAX, KH_HASH_MAGIC "%s|%s", s64, h64);
	r = 0;
out:
	free(s64);
	free(h64);
	return r;
}

/* A name we may write into a host field without it turning into
 * something else: a pattern ('*', '?', '!'), a second name (','), a
 * marker, a hashed entry, a comment, or a broken line. */
static bool name_ok(const char *s)
{
	if (s[0] == '\0' || s[0] == '@' || s[0] == '|' || s[0] == '#')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c >= 0x7f || c == ',' || c == '*' || c == '?' || c == '!')
			return false;
	}
	return true;
}

int kh_format_entry(const char *host, const char *ip, uint16_t port, const struct sshkey *key,
                    const struct slc_rng *rng, char **out)
{
	char *names[2] = {NULL, NULL}, *keytext = NULL, *s = NULL;
	char hashed[2][KH_HASHED_NAME_MAX];
	size_t nnames = 1, need;
	int r;

	if (out == NULL)
		return SLC_ERR_INVALID;
	*out = NULL;
	if (host == NULL || key == NULL || !name_ok(host) || (ip != NULL && !name_ok(ip)))
		return SLC_ERR_INVALID;
	if (ip != NULL && strcasecmp(ip, host) != 0)
		nnames = 2;
	if ((r = kh_host_name(host, port, &names[0])) < 0)
		goto out;
	if (nnames == 2 && (r = kh_host_name(ip, port, &names[1])) < 0)
		goto out;
	if ((r = sshkey_format_public(key, NULL, &keytext)) < 0)
		goto out;

	if (rng == NULL) {
		need = strlen(names[0]) + (nnames == 2 ? strlen(names[1]) + 1 : 0) +
		       strlen(keytext) + 3;
		r = SLC_ERR_NOMEM;
		if ((s = malloc(need)) == NULL)
			goto out;
		snprintf(s, need, "%s%s%s %s\n", names[0], nnames == 2 ? "," : "",
		         nnames == 2 ? names[1] : "", keytext);
	} else {
		need = 1;
		for (size_t i = 0; i < nnames; i++) {
			if ((r = kh_hash_name(names[i], rng, hashed[i])) < 0)
				goto out;
			need += strlen(hashed[i]) + strlen(keytext) + 2;
		}
		r = SLC_ERR_NOMEM;
		if ((s = malloc(need)) == NULL)
			goto out;
		s[0] = '\0';
		for (size_t i = 0; i < nnames; i++) {
			size_t used = strlen(s);
			snprintf(s + used, need - used, "%s %s\n", hashed[i], keytext);
		}
	}
	*out = s; /* transferred */
	s = NULL;
	r = 0;
out:
	free(names[0]);
	free(names[1]);
	free(keytext);
	free(s);
	return r;
}

/* ---- text edits (ssh-keygen -F / -R / -H) ---- */

/* One line of text as the edits see it. */
struct raw_line {
	size_t line;
	const char *start, *end; /* without line end */
	const char *next; /* after the line end */
	bool blank; /* empty or comment */
	bool valid; /* usable, or only an unsupported key type */
	struct kh_line info;
	const char *hosts; /* host field */
	size_t hostslen;
	const char *rest; /* from just after the host field to end */
};

static int raw_next(const char **p, const char *end, size_t *lineno, struct raw_line *l)
{
	const char *eol, *w, *q;
	size_t n;
	struct kh_entry e;
	const char *reason;
	bool unsupported;
	int r;

	if (*p >= end)
		return 0;
	memset(l, 0, sizeof(*l));
	eol = memchr(*p, '\n', (size_t)(end - *p));
	l->start = *p;
	l->end = eol ? eol : end;
	l->next = eol ? eol + 1 : end;
	if (l->end > l->start && l->end[-1] == '\r')
		l->end--;
	l->line = ++*lineno;
	*p = l->next;

	memset(&e, 0, sizeof(e));
	r = parse_line(l->start, l->end, &e, &reason, &unsupported);
	entry_free(&e);
	if (r == SLC_ERR_NOMEM)
		return r;
	l->blank = r == 0;
	l->valid = r == 1 || (r < 0 && unsupported);
	l->info = (struct kh_line){
	        .line = l->line, .text = l->start, .len = (size_t)(l->end - l->start)};
	if (l->blank || !l->valid)
		return 1;
	q = l->start;
	next_word(&q, l->end, &w, &n);
	if (w[0] == '@') {
		l->info.revoked = w[1] == 'r';
		l->info.cert_authority = w[1] == 'c';
		next_word(&q, l->end, &w, &n);
	}
	l->hosts = w;
	l->hostslen = n;
	l->rest = q;
	l->info.hashed = w[0] == '|';
	return 1;
}

/* Whether a valid line's host field is for name. 1, 0 or SLC_ERR_*. */
static int raw_matches(const struct raw_line *l, const char *name)
{
	struct kh_entry e;
	char *hosts;
	int r;

	memset(&e, 0, sizeof(e));
	if (l->info.hashed) {
		if (parse_hashed(l->hosts, l->hostslen, &e) < 0)
			return 0;
		return entry_matches(&e, name);
	}
	if ((hosts = strndup(l->hosts, l->hostslen)) == NULL)
		return SLC_ERR_NOMEM;
	e.hosts = hosts;
	r = entry_matches(&e, name);
	free(hosts);
	return r;
}

int kh_text_find(const char *text, size_t len, const char *host, uint16_t port, kh_line_fn fn,
                 void *ctx, size_t *nfound)
{
	const char *p = text != NULL ? text : "", *end = p + len;
	struct raw_line l;
	size_t lineno = 0, found = 0;
	char *name = NULL;
	int r;

	if (nfound != NULL)
		*nfound = 0;
	if (fn == NULL || (text == NULL && len > 0))
		return SLC_ERR_INVALID;
	if ((r = kh_host_name(host, port, &name)) < 0)
		return r;
	while ((r = raw_next(&p, end, &lineno, &l)) == 1) {
		if (l.blank || !l.valid)
			continue;
		if ((r = raw_matches(&l, name)) < 0)
			break;
		if (r == 1) {
			found++;
			if ((r = fn(ctx, &l.info)) < 0)
				break;
		}
	}
	free(name);
	if (nfound != NULL)
		*nfound = found;
	return r < 0 ? r : 0;
}

/* Hand the built text over as a C string. */
static int finish(struct buf *b, char **out, size_t *outlen)
{
	size_t n = buf_len(b);
	char *s = malloc(n + 1);

	if (s == NULL)
		return SLC_ERR_NOMEM;
	memcpy(s, buf_ptr(b), n);
	s[n] = '\0';
	*out = s;
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

static int edit_begin(const char *text, size_t len, char **out, size_t *outlen, size_t *bad_line)
{
	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	return out == NULL || (text == NULL && len > 0) ? SLC_ERR_INVALID : 0;
}

int kh_text_remove(const char *text, size_t len, const char *host, uint16_t port, char **out,
                   size_t *outlen, size_t *nremoved, size_t *bad_line)
{
	const char *p = text != NULL ? text : "", *end = p + len;
	struct raw_line l;
	size_t lineno = 0, removed = 0;
	char *name = NULL;
	struct buf b;
	int r;

	if (nremoved != NULL)
		*nremoved = 0;
	if ((r = edit_begin(text, len, out, outlen, bad_line)) < 0)
		return r;
	buf_init(&b);
	if ((r = kh_host_name(host, port, &name)) < 0)
		goto out;
	while ((r = raw_next(&p, end, &lineno, &l)) == 1) {
		if (!l.blank && !l.valid) {
			if (bad_line != NULL)
				*bad_line = l.line;
			r = SLC_ERR_FORMAT;
			goto out;
		}
		if (!l.blank && !l.info.revoked && !l.info.cert_authority) {
			if ((r = raw_matches(&l, name)) < 0)
				goto out;
			if (r == 1) {
				removed++;
				continue;
			}
		}
		if ((r = buf_put(&b, l.start, (size_t)(l.next - l.start))) < 0)
			goto out;
	}
	if (r < 0 || (r = finish(&b, out, outlen)) < 0)
		goto out;
	if (nremoved != NULL)
		*nremoved = removed;
out:
	free(name);
	buf_free(&b);
	return r;
}

static bool has_wildcard(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '!')
			return true;
	return false;
}

int kh_text_hash(const char *text, size_t len, const struct slc_rng *rng, char **out,
                 size_t *outlen, kh_line_fn warn, void *ctx, size_t *bad_line)
{
	const char *p = text != NULL ? text : "", *end = p + len, *nm, *comma, *hend;
	char hashed[KH_HASHED_NAME_MAX], *name = NULL;
	struct raw_line l;
	size_t lineno = 0, nlen;
	struct buf b;
	int r;

	if ((r = edit_begin(text, len, out, outlen, bad_line)) < 0)
		return r;
	if (rng == NULL)
		return SLC_ERR_INVALID;
	buf_init(&b);
	while ((r = raw_next(&p, end, &lineno, &l)) == 1) {
		if (!l.blank && !l.valid) {
			if (bad_line != NULL)
				*bad_line = l.line;
			r = SLC_ERR_FORMAT;
			goto out;
		}
		bool keep = l.blank || l.info.hashed || l.info.revoked || l.info.cert_authority;
		if (!l.blank && !l.info.hashed && has_wildcard(l.hosts, l.hostslen)) {
			keep = true;
			if (warn != NULL && (r = warn(ctx, &l.info)) < 0)
				goto out;
		}
		if (keep) {
			if ((r = buf_put(&b, l.start, (size_t)(l.next - l.start))) < 0)
				goto out;
			continue;
		}
		/* One hashed line per name, keeping the rest of the line and
		 * its line end. */
		hend = l.hosts + l.hostslen;
		for (nm = l.hosts; nm < hend; nm = comma + 1) {
			comma = memchr(nm, ',', (size_t)(hend - nm));
			if (comma == NULL)
				comma = hend;
			nlen = (size_t)(comma - nm);
			if (nlen == 0)
				continue;
			r = SLC_ERR_NOMEM;
			if ((name = strndup(nm, nlen)) == NULL)
				goto out;
			for (char *c = name; *c != '\0'; c++)
				*c = lc(*c);
			if ((r = kh_hash_name(name, rng, hashed)) < 0)
				goto out;
			free(name);
			name = NULL;
			if ((r = buf_put(&b, hashed, strlen(hashed))) < 0 ||
			    (r = buf_put(&b, l.rest, (size_t)(l.end - l.rest))) < 0 ||
			    (r = buf_put(&b, l.end, (size_t)(l.next - l.end))) < 0)
				goto out;
			/* A last line without a line end gets one between
			 * the names it turns into. */
			if (l.next == l.end && comma < hend && (r = buf_put(&b, "\n", 1)) < 0)
				goto out;
		}
	}
	if (r < 0 || (r = finish(&b, out, outlen)) < 0)
		goto out;
out:
	free(name);
	buf_free(&b);
	return r;
}
