/* known_hosts lookup against files written by hand and by OpenSSH:
 * tests/unit/data/known_hosts_hashed is `ssh-keygen -H` run over
 * known_hosts_tohash, so hashed names are checked against the real thing.
 * Also the file helpers of src/io/hostfiles.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto.h"
#include "known_hosts.h"
#include "sshkey.h"

#include "hostfiles.h"

static char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("SLUICE_TEST_DATA");
	char path[1024];
	char *s = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/unit/data", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return s;
}

static struct sshkey *load_key(const char *name)
{
	struct sshkey *k = NULL;
	char *s = read_data(name, NULL);
	assert_int_equal(sshkey_parse_public(s, &k, NULL), 0);
	free(s);
	return k;
}

struct keys {
	struct sshkey *a, *b, *ecdsa, *rsa, *fresh;
};

static int setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	k->a = load_key("known_hosts_key_ed25519_a.pub");
	k->b = load_key("known_hosts_key_ed25519_b.pub");
	k->ecdsa = load_key("known_hosts_key_ecdsa.pub");
	k->rsa = load_key("known_hosts_key_rsa.pub");
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &k->fresh), 0);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct keys *k = *state;
	sshkey_del(k->a);
	sshkey_del(k->b);
	sshkey_del(k->ecdsa);
	sshkey_del(k->rsa);
	sshkey_del(k->fresh);
	free(k);
	return 0;
}

static void add_data(struct kh_db *db, const char *name)
{
	size_t len;
	char *s = read_data(name, &len);
	assert_int_equal(kh_db_add(db, name, s, len), 0);
	free(s);
}

static struct kh_db *db_with(const char *f1, const char *f2)
{
	struct kh_db *db = NULL;
	assert_int_equal(kh_db_new(&db), 0);
	if (f1 != NULL)
		add_data(db, f1);
	if (f2 != NULL)
		add_data(db, f2);
	return db;
}

static void expect(struct kh_db *db, const char *host, uint16_t port, const struct sshkey *key,
                   enum kh_status st, const char *file, size_t line)
{
	struct kh_match m;
	assert_int_equal(kh_db_lookup(db, host, port, key, &m), 0);
	if (m.status != st || m.line != line)
		fail_msg("%s:%u: status %d line %zu, want %d line %zu", host, port, (int)m.status,
		         m.line, (int)st, line);
	if (file == NULL)
		assert_null(m.file);
	else
		assert_string_equal(m.file, file);
}

#define PLAIN "known_hosts_plain"

static void test_plain_lookups(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);

	expect(db, "plain.example.com", 22, k->a, KH_FOUND, PLAIN, 3);
	expect(db, "plain.example.com", 0, k->a, KH_FOUND, PLAIN, 3);
	expect(db, "multi1.example.com", 22, k->ecdsa, KH_FOUND, PLAIN, 4);
	expect(db, "multi2.example.com", 22, k->ecdsa, KH_FOUND, PLAIN, 4);
	expect(db, "192.0.2.10", 22, k->ecdsa, KH_FOUND, PLAIN, 4);
	expect(db, "rsa.example.com", 22, k->rsa, KH_FOUND, PLAIN, 17);
	/* Blanks are tabs on line 20; names are compared in lower case. */
	expect(db, "MIXED.case.Example.com", 22, k->a, KH_FOUND, PLAIN, 20);
	expect(db, "2001:db8::2", 22, k->a, KH_FOUND, PLAIN, 19);
	expect(db, "unknown.example.net", 22, k->a, KH_NOT_FOUND, NULL, 0);
	/* A name that is only a prefix or suffix of an entry. */
	expect(db, "plain.example.co", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "xplain.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	kh_db_del(db);
}

static void test_wildcard_and_negation(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);

	expect(db, "x.wild.example.org", 22, k->a, KH_FOUND, PLAIN, 5);
	expect(db, "a.b.wild.example.org", 22, k->a, KH_FOUND, PLAIN, 5);
	expect(db, "bad.wild.example.org", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "wild.example.org", 22, k->a, KH_NOT_FOUND, NULL, 0);
	/* A negated name gets no conflict either: the line is not for it. */
	expect(db, "bad.wild.example.org", 22, k->b, KH_NOT_FOUND, NULL, 0);
	kh_db_del(db);
}

static void test_ports(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);

	expect(db, "port.example.com", 2222, k->a, KH_FOUND, PLAIN, 6);
	expect(db, "port.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "port.example.com", 2223, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "a.portwild.example.com", 2200, k->a, KH_FOUND, PLAIN, 7);
	expect(db, "a.portwild.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "2001:db8::1", 2022, k->a, KH_FOUND, PLAIN, 18);
	expect(db, "2001:db8::1", 22, k->a, KH_NOT_FOUND, NULL, 0);
	/* A plain entry says nothing about other ports. */
	expect(db, "plain.example.com", 2222, k->a, KH_NOT_FOUND, NULL, 0);
	kh_db_del(db);
}

static void test_changed_reports_file_and_line(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);
	struct kh_match m;

	assert_int_equal(kh_db_lookup(db, "changed.example.com", 22, k->a, &m), 0);
	assert_int_equal(m.status, KH_CHANGED);
	assert_string_equal(m.file, PLAIN);
	assert_int_equal(m.line, 8);
	assert_int_equal(m.type, SSHKEY_ED25519);
	assert_int_equal(m.nchanged, 1);
	/* What the client prints. */
	char msg[200];
	snprintf(msg, sizeof(msg), "Offending %s key in %s:%zu", sshkey_type_label(m.type), m.file,
	         m.line);
	assert_string_equal(msg, "Offending ED25519 key in known_hosts_plain:8");

	/* A key of another type is simply not known yet. */
	expect(db, "changed.example.com", 22, k->ecdsa, KH_NOT_FOUND, NULL, 0);
	/* The @cert-authority line for *.example.com holds key b: ignored,
	 * neither a match nor a conflict. */
	expect(db, "ca.example.com", 22, k->b, KH_NOT_FOUND, NULL, 0);
	expect(db, "ca.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	/* two.example.com has ed25519 key b and an ECDSA key. */
	expect(db, "two.example.com", 22, k->a, KH_CHANGED, PLAIN, 21);
	expect(db, "two.example.com", 22, k->ecdsa, KH_FOUND, PLAIN, 22);
	kh_db_del(db);
}

static void test_revoked(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);

	/* Listed on line 10 too, but line 9 revokes it. */
	expect(db, "revoked.example.com", 22, k->a, KH_REVOKED, PLAIN, 9);
	/* Another key for that host: line 10 conflicts; the revoked line
	 * (a different key) does not count as a conflict. */
	struct kh_match m;
	assert_int_equal(kh_db_lookup(db, "revoked.example.com", 22, k->b, &m), 0);
	assert_int_equal(m.status, KH_CHANGED);
	assert_int_equal(m.line, 10);
	assert_int_equal(m.nchanged, 1);
	kh_db_del(db);
}

static void test_skipped_lines(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);
	static const struct {
		size_t line;
		bool unsupported;
	} want[] = {{12, false}, {13, false}, {14, true}, {15, false},
	            {16, false}, {23, false}, {24, true}, {25, false}};
	const struct kh_skipped *s;

	assert_int_equal(kh_db_nskipped(db), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		s = kh_db_skipped(db, i);
		assert_non_null(s);
		assert_string_equal(s->file, PLAIN);
		assert_int_equal(s->line, want[i].line);
		assert_int_equal(s->unsupported, want[i].unsupported);
		assert_non_null(s->reason);
	}
	assert_null(kh_db_skipped(db, 100));
	assert_string_equal(kh_db_skipped(db, 1)->reason, "unknown marker");
	assert_string_equal(kh_db_skipped(db, 4)->reason, "key type does not match the key");

	/* Line 26 has a truncated key: found out (and recorded, once) only
	 * when a lookup reaches it. */
	expect(db, "ed.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "ed.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	assert_int_equal(kh_db_nskipped(db), 9);
	s = kh_db_skipped(db, 8);
	assert_int_equal(s->line, 26);
	assert_string_equal(s->reason, "invalid key");
	kh_db_del(db);
}

static void test_known_types(void **state)
{
	struct kh_db *db = db_with(PLAIN, NULL);
	enum sshkey_type t[KH_MAX_TYPES];
	size_t n;

	assert_int_equal(kh_db_known_types(db, "two.example.com", 22, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0], SSHKEY_ED25519);
	assert_int_equal(t[1], SSHKEY_ECDSA_P256);
	/* max bounds what is written. */
	assert_int_equal(kh_db_known_types(db, "two.example.com", 22, t, 1, &n), 0);
	assert_int_equal(n, 1);
	/* The revoked line does not count, the plain one does (once). */
	assert_int_equal(kh_db_known_types(db, "revoked.example.com", 22, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0], SSHKEY_ED25519);
	/* The CA line (*.example.com) does not count. */
	assert_int_equal(kh_db_known_types(db, "ca.example.com", 22, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kh_db_known_types(db, "multi1.example.com", 22, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0], SSHKEY_ECDSA_P256);
	assert_int_equal(kh_db_known_types(db, "rsa.example.com", 2222, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 0);
	/* An invalid key is no known type. */
	assert_int_equal(kh_db_known_types(db, "ed.example.com", 22, t, KH_MAX_TYPES, &n), 0);
	assert_int_equal(n, 0);
	kh_db_del(db);
}

#define HASHED "known_hosts_hashed"

static void test_hashed_from_ssh_keygen(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(HASHED, NULL);

	assert_int_equal(kh_db_nskipped(db), 0);
	expect(db, "hashed.example.com", 22, k->a, KH_FOUND, HASHED, 1);
	expect(db, "HASHED.Example.com", 22, k->a, KH_FOUND, HASHED, 1);
	expect(db, "hashed2.example.com", 22, k->ecdsa, KH_FOUND, HASHED, 2);
	expect(db, "198.51.100.7", 22, k->ecdsa, KH_FOUND, HASHED, 3);
	expect(db, "hashed.example.com", 2222, k->b, KH_FOUND, HASHED, 4);
	expect(db, "hashed.example.com", 2222, k->a, KH_CHANGED, HASHED, 4);
	expect(db, "2001:db8::5", 22022, k->rsa, KH_FOUND, HASHED, 5);
	expect(db, "2001:db8::5", 22, k->rsa, KH_NOT_FOUND, NULL, 0);
	expect(db, "hashchanged.example.com", 22, k->a, KH_CHANGED, HASHED, 6);
	expect(db, "hashed3.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	/* No wildcards in hashed names. */
	expect(db, "*.example.com", 22, k->a, KH_NOT_FOUND, NULL, 0);
	kh_db_del(db);

	/* Every name of the source file, hashed by ssh-keygen, line for line. */
	char *src = read_data("known_hosts_tohash", NULL), *hashed = read_data(HASHED, NULL);
	char *sl, *hl, *ss = NULL, *hs = NULL;
	size_t hn = 0;
	for (sl = strtok_r(src, "\n", &ss); sl != NULL; sl = strtok_r(NULL, "\n", &ss)) {
		char *names = strtok(sl, " "), *ns = NULL;
		for (char *nm = strtok_r(names, ",", &ns); nm != NULL;
		     nm = strtok_r(NULL, ",", &ns)) {
			hl = strtok_r(hn++ == 0 ? hashed : NULL, "\n", &hs);
			assert_non_null(hl);
			*strchr(hl, ' ') = '\0';
			assert_true(kh_hashed_name_matches(hl, nm));
			assert_false(kh_hashed_name_matches(hl, "other.example.com"));
		}
	}
	assert_int_equal(hn, 6);
	assert_false(kh_hashed_name_matches("|1|abc|def", "x"));
	assert_false(kh_hashed_name_matches("plain", "plain"));
	free(src);
	free(hashed);
}

static void test_multiple_files(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, "known_hosts_global");
	struct kh_match m;

	/* Changed in the user file, but the global file has it: accepted. */
	expect(db, "changed.example.com", 22, k->a, KH_FOUND, "known_hosts_global", 2);
	expect(db, "changed.example.com", 22, k->b, KH_FOUND, PLAIN, 8);
	/* Revoked for every host in the global file beats the user file. */
	expect(db, "multi1.example.com", 22, k->ecdsa, KH_REVOKED, "known_hosts_global", 3);
	expect(db, "anything.example", 22, k->ecdsa, KH_REVOKED, "known_hosts_global", 3);
	/* Both files list plain.example.com; a third key conflicts with both,
	 * the first reported. */
	assert_int_equal(kh_db_lookup(db, "plain.example.com", 22, k->fresh, &m), 0);
	assert_int_equal(m.status, KH_CHANGED);
	assert_string_equal(m.file, PLAIN);
	assert_int_equal(m.line, 3);
	assert_int_equal(m.nchanged, 2);
	expect(db, "plain.example.com", 22, k->b, KH_FOUND, "known_hosts_global", 4);
	kh_db_del(db);
}

static void test_check_host_ip(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = db_with(PLAIN, NULL);
	struct kh_match hm, im;

	assert_int_equal(
	        kh_db_check(db, "multi1.example.com", "192.0.2.10", 22, k->ecdsa, &hm, &im), 0);
	assert_int_equal(hm.status, KH_FOUND);
	assert_int_equal(im.status, KH_FOUND);
	assert_int_equal(im.line, 4);
	/* Name known, address not: the client would add the address. */
	assert_int_equal(kh_db_check(db, "plain.example.com", "192.0.2.99", 22, k->a, &hm, &im), 0);
	assert_int_equal(hm.status, KH_FOUND);
	assert_int_equal(im.status, KH_NOT_FOUND);
	/* Address is the name (ssh 192.0.2.10): one lookup. */
	assert_int_equal(kh_db_check(db, "192.0.2.10", "192.0.2.10", 22, k->ecdsa, &hm, &im), 0);
	assert_int_equal(hm.status, KH_FOUND);
	assert_int_equal(im.status, KH_NOT_FOUND);
	assert_int_equal(kh_db_check(db, "plain.example.com", NULL, 22, k->a, &hm, &im), 0);
	assert_int_equal(im.status, KH_NOT_FOUND);
	/* A different key for an address-only entry. */
	assert_int_equal(kh_db_check(db, "2001:db8::2", "2001:db8::2", 22, k->b, &hm, &im), 0);
	assert_int_equal(hm.status, KH_CHANGED);
	kh_db_del(db);
}

static void test_text_edge_cases(void **state)
{
	struct keys *k = *state;
	struct kh_db *db = NULL;
	char *line = NULL, buf[2048];
	size_t n;

	assert_int_equal(sshkey_format_public(k->a, NULL, &line), 0);
	assert_int_equal(kh_db_new(&db), 0);
	/* Empty text, then CRLF lines, the last without its newline. */
	assert_int_equal(kh_db_add(db, "empty", "", 0), 0);
	assert_int_equal(kh_db_add(db, "null", NULL, 0), 0);
	n = (size_t)snprintf(buf, sizeof(buf), "#c\r\n\r\ncrlf.example %s\r\nlast.example %s", line,
	                     line);
	assert_int_equal(kh_db_add(db, "crlf", buf, n), 0);
	expect(db, "crlf.example", 22, k->a, KH_FOUND, "crlf", 3);
	expect(db, "last.example", 22, k->a, KH_FOUND, "crlf", 4);
	/* A NUL inside a line spoils that line only. */
	n = (size_t)snprintf(buf, sizeof(buf), "nul.example %s\nok.example %s\n", line, line);
	buf[3] = '\0';
	assert_int_equal(kh_db_add(db, "nul", buf, n), 0);
	expect(db, "nul.example", 22, k->a, KH_NOT_FOUND, NULL, 0);
	expect(db, "ok.example", 22, k->a, KH_FOUND, "nul", 2);
	assert_int_equal(kh_db_nskipped(db), 1);
	assert_string_equal(kh_db_skipped(db, 0)->file, "nul");
	assert_int_equal(kh_db_skipped(db, 0)->line, 1);
	/* Marker alone, marker without key. */
	n = (size_t)snprintf(buf, sizeof(buf),
	                     "@revoked\n@revoked host\n@revoked host ssh-ed25519\n");
	assert_int_equal(kh_db_add(db, "markers", buf, n), 0);
	assert_int_equal(kh_db_nskipped(db), 4);

	assert_int_equal(kh_db_add(NULL, "x", "", 0), SLC_ERR_INVALID);
	assert_int_equal(kh_db_add(db, NULL, "", 0), SLC_ERR_INVALID);
	struct kh_match m;
	assert_int_equal(kh_db_lookup(db, NULL, 22, k->a, &m), SLC_ERR_INVALID);
	assert_int_equal(kh_db_lookup(db, "x", 22, NULL, &m), SLC_ERR_INVALID);
	kh_db_del(db);
	kh_db_del(NULL);
	free(line);
}

static void test_host_name(void **state)
{
	char *s = NULL;
	assert_int_equal(kh_host_name("Host.Example", 22, &s), 0);
	assert_string_equal(s, "host.example");
	free(s);
	assert_int_equal(kh_host_name("Host.Example", 0, &s), 0);
	assert_string_equal(s, "host.example");
	free(s);
	assert_int_equal(kh_host_name("Host.Example", 2222, &s), 0);
	assert_string_equal(s, "[host.example]:2222");
	free(s);
	assert_int_equal(kh_host_name("2001:DB8::1", 65535, &s), 0);
	assert_string_equal(s, "[2001:db8::1]:65535");
	free(s);
	assert_int_equal(kh_host_name(NULL, 22, &s), SLC_ERR_INVALID);
	assert_null(s);
}

static void test_format_entry(void **state)
{
	struct keys *k = *state;
	char *line = NULL, *s = NULL, want[1024];
	struct kh_db *db = NULL;
	struct slc_rng rng;

	assert_int_equal(sshkey_format_public(k->a, NULL, &line), 0);
	assert_int_equal(kh_format_entry("Host.Example", NULL, 22, k->a, NULL, &s), 0);
	snprintf(want, sizeof(want), "host.example %s\n", line);
	assert_string_equal(s, want);
	free(s);
	assert_int_equal(kh_format_entry("host.example", "192.0.2.1", 2222, k->a, NULL, &s), 0);
	snprintf(want, sizeof(want), "[host.example]:2222,[192.0.2.1]:2222 %s\n", line);
	assert_string_equal(s, want);
	free(s);
	assert_int_equal(kh_format_entry("::1", "::1", 22, k->a, NULL, &s), 0);
	snprintf(want, sizeof(want), "::1 %s\n", line);
	assert_string_equal(s, want);
	free(s);

	/* Names that would change the meaning of the line. */
	static const char *const bad[] = {"",         "a b",  "a,b", "*",    "h?st", "!h",
	                                  "@revoked", "|1|x", "#c",  "a\nb", "t\tab"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kh_format_entry(bad[i], NULL, 22, k->a, NULL, &s),
		                 SLC_ERR_INVALID);
		assert_null(s);
		assert_int_equal(kh_format_entry("ok", bad[i], 22, k->a, NULL, &s),
		                 SLC_ERR_INVALID);
	}

	/* Hashed: one line per name, each with its own salt, found again. */
	assert_int_equal(slc_rng_det_new("kh", 2, &rng), 0);
	assert_int_equal(kh_format_entry("Hashed.Example", "192.0.2.1", 2222, k->a, &rng, &s), 0);
	char *nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_non_null(strchr(nl + 1, '\n'));
	assert_int_equal(strncmp(s, "|1|", 3), 0);
	assert_int_equal(strncmp(nl + 1, "|1|", 3), 0);
	assert_int_not_equal(strncmp(s, nl + 1, 31), 0); /* salts */
	assert_non_null(strstr(s, line));
	assert_int_equal(kh_db_new(&db), 0);
	assert_int_equal(kh_db_add(db, "new", s, strlen(s)), 0);
	assert_int_equal(kh_db_nskipped(db), 0);
	expect(db, "hashed.example", 2222, k->a, KH_FOUND, "new", 1);
	expect(db, "192.0.2.1", 2222, k->a, KH_FOUND, "new", 2);
	expect(db, "hashed.example", 22, k->a, KH_NOT_FOUND, NULL, 0);
	kh_db_del(db);
	free(s);

	char h1[KH_HASHED_NAME_MAX];
	assert_int_equal(kh_hash_name("x", &rng, h1), 0);
	assert_int_equal(strlen(h1), KH_HASHED_NAME_MAX - 1);
	assert_true(kh_hashed_name_matches(h1, "x"));
	slc_rng_det_del(&rng);
	free(line);
}

/* ---- ssh-keygen -F / -R / -H ---- */

struct found {
	size_t n;
	size_t lines[16];
	char kind[16]; /* ' ', 'C'A, 'R'evoked */
};

static int collect(void *ctx, const struct kh_line *l)
{
	struct found *f = ctx;
	if (f->n < 16) {
		f->lines[f->n] = l->line;
		f->kind[f->n] = l->cert_authority ? 'C' : l->revoked ? 'R' : ' ';
	}
	f->n++;
	return 0;
}

static int stop(void *ctx, const struct kh_line *l)
{
	return SLC_ERR_LIMIT;
}

static void expect_find(const char *file, const char *host, uint16_t port, const char *want)
{
	size_t len, n;
	char *text = read_data(file, &len), got[64] = "";
	struct found f = {0};

	assert_int_equal(kh_text_find(text, len, host, port, collect, &f, &n), 0);
	assert_int_equal(n, f.n);
	for (size_t i = 0; i < f.n && i < 16; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%zu%s", i ? " " : "",
		         f.lines[i],
		         f.kind[i] == 'C'   ? "CA"
		         : f.kind[i] == 'R' ? "R"
		                            : "");
	if (strcmp(got, want) != 0)
		fail_msg("-F %s: got \"%s\", want \"%s\"", host, got, want);
	free(text);
}

static void test_text_find(void **state)
{
	/* What `ssh-keygen -F host -f known_hosts_plain` lists. */
	expect_find(PLAIN, "plain.example.com", 22, "3 11CA 14");
	expect_find(PLAIN, "revoked.example.com", 22, "9R 10 11CA");
	expect_find(PLAIN, "Mixed.Case.example.com", 22, "11CA 20");
	expect_find(PLAIN, "bad.wild.example.org", 22, "");
	expect_find(PLAIN, "port.example.com", 2222, "6");
	expect_find(PLAIN, "[port.example.com]:2222", 0, "6");
	expect_find(PLAIN, "ed.example.com", 22, "11CA 26");
	expect_find(HASHED, "hashed2.example.com", 22, "2");
	expect_find(HASHED, "hashed.example.com", 2222, "4");

	size_t len, n = 99;
	char *text = read_data(PLAIN, &len);
	assert_int_equal(kh_text_find(text, len, "plain.example.com", 22, stop, NULL, &n),
	                 SLC_ERR_LIMIT);
	assert_int_equal(n, 1);
	assert_int_equal(kh_text_find(text, len, "x", 22, NULL, NULL, &n), SLC_ERR_INVALID);
	free(text);
}

/* The file the -R / -H tests edit, as in the runs of ssh-keygen these
 * expectations come from. */
static char *edit_input(const struct keys *k, const char *tail, size_t *len)
{
	char *line = NULL, *s = malloc(8192);
	assert_non_null(s);
	assert_int_equal(sshkey_format_public(k->a, NULL, &line), 0);
	*len = (size_t)snprintf(s, 8192,
	                        "# c\n" /* 1 */
	                        "a.ex,B.ex %s c1\n" /* 2 */
	                        "*.w.ex %s\n" /* 3 */
	                        "@revoked r.ex,s.ex %s\n" /* 4 */
	                        "@cert-authority *.ca %s\n" /* 5 */
	                        "|1|YwQRrnMITarnV9zxnpsdviOnABw=|gz4bryocpt/NJOS7xNykvvAQaBw= %s\n"
	                        "[p.ex]:2222 %s\r\n" /* 7 */
	                        "!n.ex,m.ex %s\n" /* 8 */
	                        "x.ex ssh-dss AAAAB3NzaC1kc3MAAACBAP1\n" /* 9 */
	                        "%s",
	                        line, line, line, line, line, line, line, tail);
	free(line);
	return s;
}

static char *nth_line(const char *s, size_t n)
{
	static char out[1024];
	for (; n > 1 && s != NULL; n--)
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	assert_non_null(s);
	size_t l = strcspn(s, "\n");
	snprintf(out, sizeof(out), "%.*s", (int)l, s);
	return out;
}

static void test_text_remove(void **state)
{
	struct keys *k = *state;
	size_t len, olen, nrem, bad;
	char *in = edit_input(k, "", &len), *out = NULL, *out2 = NULL;

	assert_int_equal(kh_text_remove(in, len, "b.ex", 22, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	assert_int_equal(olen, strlen(out));
	assert_string_equal(nth_line(out, 2), nth_line(in, 3));
	/* Markers stay, even when they name the host. */
	assert_int_equal(kh_text_remove(out, olen, "R.EX", 22, &out2, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 0);
	assert_string_equal(out2, out);
	free(out2);
	free(out);
	/* Patterns count; "[p.ex]:2222" may be given as typed; hashed lines
	 * and lines with unsupported key types go too. */
	assert_int_equal(kh_text_remove(in, len, "m.ex", 22, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	assert_null(strstr(out, "!n.ex"));
	free(out);
	assert_int_equal(kh_text_remove(in, len, "[p.ex]:2222", 0, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	assert_null(strstr(out, "[p.ex]"));
	assert_null(strchr(out, '\r'));
	free(out);
	assert_int_equal(kh_text_remove(in, len, "p.ex", 2222, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	free(out);
	assert_int_equal(
	        kh_text_remove(in, len, "hashed.example.com", 22, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	assert_null(strstr(out, "|1|"));
	free(out);
	assert_int_equal(kh_text_remove(in, len, "X.ex", 22, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 1);
	assert_null(strstr(out, "ssh-dss"));
	free(out);
	assert_int_equal(kh_text_remove(in, len, "none", 22, &out, &olen, &nrem, &bad), 0);
	assert_int_equal(nrem, 0);
	assert_int_equal(olen, len);
	assert_memory_equal(out, in, len);
	free(out);
	free(in);

	/* ssh-keygen will not rewrite a file with a broken line. */
	in = edit_input(k, "garbage\n", &len);
	assert_int_equal(kh_text_remove(in, len, "b.ex", 22, &out, &olen, &nrem, &bad),
	                 SLC_ERR_FORMAT);
	assert_null(out);
	assert_int_equal(bad, 10);
	free(in);
}

struct warned {
	size_t n;
	size_t lines[8];
};

static int note_warn(void *ctx, const struct kh_line *l)
{
	struct warned *w = ctx;
	if (w->n < 8)
		w->lines[w->n] = l->line;
	w->n++;
	return 0;
}

static void test_text_hash(void **state)
{
	struct keys *k = *state;
	char *in, *out = NULL, *line = NULL, want[1024];
	size_t len, olen, bad;
	struct warned w = {0};
	struct slc_rng rng;
	struct kh_db *db = NULL;

	assert_int_equal(sshkey_format_public(k->a, NULL, &line), 0);
	in = edit_input(k,
	                "last.ex,Last2.ex ssh-ed25519 "
	                "AAAAC3NzaC1lZDI1NTE5AAAAIECGvwO1z8kemy6hBF89yFSgURCT5692d1rZsnKX3ryt",
	                &len);
	assert_int_equal(slc_rng_det_new("-H", 2, &rng), 0);
	assert_int_equal(kh_text_hash(in, len, &rng, &out, &olen, note_warn, &w, &bad), 0);
	assert_int_equal(olen, strlen(out));
	/* The lines ssh-keygen warns about: names with wildcards. */
	assert_int_equal(w.n, 3);
	assert_int_equal(w.lines[0], 3);
	assert_int_equal(w.lines[1], 5);
	assert_int_equal(w.lines[2], 8);

	assert_string_equal(nth_line(out, 1), "# c");
	/* a.ex and b.ex get a line each, comment kept. */
	snprintf(want, sizeof(want), " %s c1", line);
	for (size_t i = 2; i <= 3; i++) {
		const char *l = nth_line(out, i);
		assert_int_equal(strncmp(l, "|1|", 3), 0);
		assert_string_equal(l + strlen(l) - strlen(want), want);
	}
	for (size_t i = 3; i <= 6; i++) /* unchanged lines move down by one */
		assert_string_equal(nth_line(out, i + 1), nth_line(in, i));
	assert_int_equal(strncmp(nth_line(out, 8), "|1|", 3), 0);
	assert_non_null(strstr(nth_line(out, 8), "\r")); /* CRLF kept */
	assert_string_equal(nth_line(out, 9), nth_line(in, 8));
	assert_int_equal(strncmp(nth_line(out, 10), "|1|", 3), 0);
	assert_non_null(strstr(nth_line(out, 10), " ssh-dss "));
	assert_int_equal(strncmp(nth_line(out, 11), "|1|", 3), 0);
	assert_int_equal(strncmp(nth_line(out, 12), "|1|", 3), 0);
	assert_int_not_equal(out[olen - 1], '\n'); /* as the input ended */

	assert_int_equal(kh_db_new(&db), 0);
	assert_int_equal(kh_db_add(db, "h", out, olen), 0);
	assert_int_equal(kh_db_nskipped(db), 1); /* the ssh-dss line */
	expect(db, "a.ex", 22, k->a, KH_FOUND, "h", 2);
	expect(db, "b.ex", 22, k->a, KH_FOUND, "h", 3);
	expect(db, "p.ex", 2222, k->a, KH_FOUND, "h", 8);
	expect(db, "last2.ex", 22, k->a, KH_FOUND, "h", 12);
	expect(db, "hashed.example.com", 22, k->a, KH_FOUND, "h", 7);
	expect(db, "r.ex", 22, k->a, KH_REVOKED, "h", 5);
	kh_db_del(db);

	/* Hashing again changes nothing. */
	char *again = NULL;
	w.n = 0;
	assert_int_equal(kh_text_hash(out, olen, &rng, &again, &olen, NULL, NULL, &bad), 0);
	assert_string_equal(again, out);
	free(again);
	free(out);
	free(in);

	in = edit_input(k, "a b\n", &len);
	assert_int_equal(kh_text_hash(in, len, &rng, &out, &olen, NULL, NULL, &bad),
	                 SLC_ERR_FORMAT);
	assert_int_equal(bad, 10);
	assert_null(out);
	assert_int_equal(kh_text_hash(in, len, NULL, &out, &olen, NULL, NULL, &bad),
	                 SLC_ERR_INVALID);
	free(in);
	slc_rng_det_del(&rng);
	free(line);
}

/* ---- src/io/hostfiles.c ---- */

static void test_hostfiles(void **state)
{
	struct keys *k = *state;
	char tmpl[] = "/tmp/sluice-kh-XXXXXX", path[512], dir[256], *text = NULL, *e = NULL;
	struct kh_db *db = NULL;
	struct stat st;
	bool created;
	size_t len;
	FILE *f;

	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s/.ssh", tmpl);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);

	assert_int_equal(hostfiles_read(path, HOSTFILES_MAX_SIZE, &text, &len), SLC_ERR_NOT_FOUND);
	assert_int_equal(hostfiles_read(tmpl, HOSTFILES_MAX_SIZE, &text, &len), SLC_ERR_LIMIT);

	/* First accept-new: ~/.ssh is created 0700. */
	assert_int_equal(kh_format_entry("h1.example", NULL, 22, k->a, NULL, &e), 0);
	assert_int_equal(hostfiles_append(path, e, &created), 0);
	assert_true(created);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(e);

	/* Someone left the last line without a newline. */
	f = fopen(path, "a");
	fputs("# no newline", f);
	fclose(f);
	assert_int_equal(kh_format_entry("h2.example", NULL, 2222, k->b, NULL, &e), 0);
	assert_int_equal(hostfiles_append(path, e, &created), 0);
	assert_false(created);
	free(e);

	assert_int_equal(hostfiles_read(path, HOSTFILES_MAX_SIZE, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# no newline\n[h2.example]:2222 ssh-ed25519 "));
	assert_int_equal(hostfiles_read(path, 10, &e, &len), SLC_ERR_LIMIT);
	assert_null(e);
	free(text);

	const char *paths[] = {"/nonexistent/known_hosts", path};
	size_t failed = 99;
	assert_int_equal(kh_db_new(&db), 0);
	assert_int_equal(hostfiles_load_known_hosts(db, paths, 2, &failed), 0);
	assert_int_equal(failed, 99);
	expect(db, "h1.example", 22, k->a, KH_FOUND, path, 1);
	expect(db, "h2.example", 2222, k->b, KH_FOUND, path, 3);
	kh_db_del(db);

	/* No directory and no parent to create it in. */
	snprintf(path, sizeof(path), "%s/a/b/known_hosts", tmpl);
	assert_int_equal(hostfiles_append(path, "x\n", &created), SLC_ERR_SYS);

	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", tmpl);
	unlink(path);
	rmdir(dir);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain_lookups),
	        cmocka_unit_test(test_wildcard_and_negation),
	        cmocka_unit_test(test_ports),
	        cmocka_unit_test(test_changed_reports_file_and_line),
	        cmocka_unit_test(test_revoked),
	        cmocka_unit_test(test_skipped_lines),
	        cmocka_unit_test(test_known_types),
	        cmocka_unit_test(test_hashed_from_ssh_keygen),
	        cmocka_unit_test(test_multiple_files),
	        cmocka_unit_test(test_check_host_ip),
	        cmocka_unit_test(test_text_edge_cases),
	        cmocka_unit_test(test_host_name),
	        cmocka_unit_test(test_format_entry),
	        cmocka_unit_test(test_text_find),
	        cmocka_unit_test(test_text_remove),
	        cmocka_unit_test(test_text_hash),
	        cmocka_unit_test(test_hostfiles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
