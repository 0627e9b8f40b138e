/* known_hosts, authorized_keys and address pattern lists from arbitrary
 * bytes. The same input is read as a known_hosts file, as an
 * authorized_keys file, as a bare options field, and (split at the first
 * newline) as a subject and a pattern list.
 *
 * Invariants: lookups report consistent results (a match has a file and a
 * line inside the text); an accepted authorized_keys line exists; every
 * string matches itself as a wildcard pattern; and an entry written by
 * kh_format_entry, plain or hashed, is found again for the same name. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "addrmatch.h"
#include "authorized_keys.h"
#include "crypto.h"
#include "known_hosts.h"
#include "sshkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The ed25519 key of tests/unit/data/known_hosts_key_ed25519_a.pub, which
 * the seed corpus uses, so lines can actually match. */
static const uint8_t key_blob[] = {0x00, 0x00, 0x00, 0x0b, 0x73, 0x73, 0x68, 0x2d, 0x65, 0x64, 0x32,
                                   0x35, 0x35, 0x31, 0x39, 0x00, 0x00, 0x00, 0x20, 0x40, 0x86, 0xbf,
                                   0x03, 0xb5, 0xcf, 0xc9, 0x1e, 0x9b, 0x2e, 0xa1, 0x04, 0x5f, 0x3d,
                                   0xc8, 0x54, 0xa0, 0x51, 0x10, 0x93, 0xe7, 0xaf, 0x76, 0x77, 0x5a,
                                   0xd9, 0xb2, 0x72, 0x97, 0xde, 0xbc, 0xad};

static struct sshkey *key;
static struct slc_rng rng;

static void init(void)
{
	if (key != NULL)
		return;
	if (sshkey_from_blob(key_blob, sizeof(key_blob), &key) < 0 ||
	    slc_rng_det_new("fuzz", 4, &rng) < 0)
		abort();
}

static void check_match(const struct kh_match *m, size_t nlines)
{
	if (m->status == KH_NOT_FOUND) {
		assert(m->file == NULL && m->line == 0);
	} else {
		assert(m->file != NULL && strcmp(m->file, "fuzz") == 0);
		assert(m->line >= 1 && m->line <= nlines);
		assert(m->type == sshkey_type(key));
	}
}

static void known_hosts(const char *text, size_t size, const char *subject)
{
	static const char *const hosts[] = {"plain.example.com", "192.0.2.10", "x.wild.example.org",
	                                    "hashed.example.com", "a"};
	static const uint16_t ports[] = {22, 2222};
	enum sshkey_type types[KH_MAX_TYPES];
	struct kh_db *db = NULL;
	struct kh_match m, im;
	size_t nlines = 1, n;

	for (size_t i = 0; i < size; i++)
		nlines += text[i] == '\n';
	if (kh_db_new(&db) < 0)
		return;
	if (kh_db_add(db, "fuzz", text, size) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		for (size_t j = 0; j < 2; j++) {
			if (kh_db_lookup(db, hosts[i], ports[j], key, &m) == 0)
				check_match(&m, nlines);
			if (kh_db_known_types(db, hosts[i], ports[j], types, KH_MAX_TYPES, &n) == 0)
				assert(n <= KH_MAX_TYPES);
		}
	}
	if (kh_db_check(db, subject, "192.0.2.10", 2222, key, &m, &im) == 0) {
		check_match(&m, nlines);
		check_match(&im, nlines);
	}
	for (size_t i = 0; i < kh_db_nskipped(db); i++) {
		const struct kh_skipped *s = kh_db_skipped(db, i);
		assert(s->line >= 1 && s->line <= nlines && s->reason != NULL);
	}
out:
	kh_db_del(db);
}

/* What kh_format_entry writes must be found again. */
static void format_roundtrip(const char *name, uint16_t port, bool hashed)
{
	struct kh_db *db = NULL;
	struct kh_match m;
	char *e = NULL;

	if (kh_format_entry(name, NULL, port, key, hashed ? &rng : NULL, &e) < 0)
		return;
	if (kh_db_new(&db) == 0 && kh_db_add(db, "fuzz", e, strlen(e)) == 0) {
		assert(kh_db_nskipped(db) == 0);
		if (kh_db_lookup(db, name, port, key, &m) == 0)
			assert(m.status == KH_FOUND && m.line == 1);
	}
	kh_db_del(db);
	free(e);
}

static int count_plain(void *ctx, const struct kh_line *l)
{
	assert(l->line >= 1 && l->text != NULL);
	if (!l->revoked && !l->cert_authority)
		++*(size_t *)ctx;
	return 0;
}

/* ssh-keygen -F / -R / -H: -R leaves nothing -F would find (but markers),
 * and -H is idempotent. */
static void text_edits(const char *text, size_t size, const char *subject)
{
	char *out = NULL, *again = NULL;
	size_t olen, alen, nrem, bad, nfound, plain;

	plain = 0;
	(void)kh_text_find(text, size, subject, 22, count_plain, &plain, &nfound);
	if (kh_text_remove(text, size, subject, 22, &out, &olen, &nrem, &bad) == 0) {
		assert(olen <= size && nrem == plain);
		plain = 0;
		assert(kh_text_find(out, olen, subject, 22, count_plain, &plain, &nfound) == 0);
		assert(plain == 0);
	} else {
		assert(out == NULL);
	}
	free(out);
	out = NULL;
	if (kh_text_hash(text, size, &rng, &out, &olen, NULL, NULL, &bad) == 0) {
		assert(kh_text_hash(out, olen, &rng, &again, &alen, NULL, NULL, &bad) == 0);
		assert(alen == olen && memcmp(again, out, olen) == 0);
	}
	free(out);
	free(again);
}

static void authorized_keys(const char *text, size_t size, const char *subject)
{
	struct ak_query q = {.key = key, .addr = "192.0.2.5", .host = subject, .now = 1704067200};
	struct ak_result res;
	struct ak_opts o;
	char err[128];

	if (ak_find(text, size, &q, &res) == 0) {
		assert(res.line >= 1);
		assert(!res.opts.cert_authority);
	}
	ak_opts_free(&res.opts);
	q.addr = "::ffff:10.1.2.3";
	q.host = NULL;
	q.utc_offset = -18000;
	(void)ak_find(text, size, &q, &res);
	ak_opts_free(&res.opts);

	ak_opts_init(&o);
	(void)ak_parse_options(text, size, 3600, &o, err, sizeof(err));
	ak_opts_free(&o);
}

static void patterns(const char *subject, const char *list, const char *raw, size_t size)
{
	enum addrmatch_result res;
	struct addrmatch_net net;
	bool ok;

	assert(addrmatch_glob(subject, subject, strlen(subject)));
	(void)addrmatch_host_list(subject, list);
	if (addrmatch_addr_list(subject, list, &res) < 0)
		assert(res == ADDRMATCH_NO);
	if (addrmatch_host_and_addr(subject, "2001:db8::1", list, &ok) < 0)
		assert(!ok);
	(void)addrmatch_host_and_addr(NULL, subject, list, &ok);
	if (addrmatch_parse_cidr(raw, size, &net) == 0) {
		assert(net.af == 4 || net.af == 6);
		assert(net.masklen <= (net.af == 4 ? 32u : 128u));
		(void)addrmatch_net_contains(&net, subject);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *subject, *list, *nl;

	init();
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	/* "subject\nlist..." for the pattern matchers (C strings: they stop
	 * at the first NUL, which is part of what is being tested). */
	if ((subject = strdup(text)) == NULL)
		goto out;
	nl = strchr(subject, '\n');
	if (nl != NULL)
		*nl = '\0';
	list = nl != NULL ? nl + 1 : subject;

	known_hosts(text, size, subject);
	authorized_keys(text, size, subject);
	text_edits(text, size, subject);
	patterns(subject, list, text, size);
	if (strlen(subject) < 300) {
		format_roundtrip(subject, 22, false);
		format_roundtrip(subject, 2222, true);
	}
	free(subject);
out:
	free(text);
	return 0;
}
