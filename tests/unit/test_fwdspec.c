/* fwdspec: every form of -L/-R/-D and Local/Remote/DynamicForward, with
 * the text OpenSSH 9.2's ssh -G prints for it or its error message,
 * recorded from the real ssh on Debian 12; the parsed structs for each
 * form the man pages list; the bind-address rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fwdspec.h"

/* The services ssh resolved on the machine the tables were recorded on
 * (/etc/services: getservbyname(name, "tcp")). */
static int fake_services(const char *name, void *arg)
{
	int *calls = arg;
	if (calls != NULL)
		(*calls)++;
	if (strcmp(name, "http") == 0 || strcmp(name, "www") == 0)
		return 80;
	if (strcmp(name, "ssh") == 0)
		return 22;
	if (strcmp(name, "socks") == 0)
		return 1080;
	return -1;
}

static const struct fwdspec_opts services = {fake_services, NULL};

struct cli_case {
	enum fwdspec_kind kind;
	const char *spec;
	const char *dump; /* ssh -G forward lines, or NULL */
	const char *err; /* ssh's message, or NULL */
};

struct cfg_case {
	enum fwdspec_kind kind;
	const char *listen;
	const char *connect;
	const char *dump;
	const char *err; /* after "FILE line N: " */
};

/* Generated from OpenSSH_9.2p1 ssh -G -F /dev/null OPT SPEC host on Debian 12. */
static const struct cli_case cli_cases[] = {
        {FWDSPEC_LOCAL, "8080:localhost:80", "localforward 8080 [localhost]:80", NULL},
        {FWDSPEC_LOCAL, "127.0.0.1:8080:[::1]:80", "localforward [127.0.0.1]:8080 [::1]:80", NULL},
        {FWDSPEC_LOCAL, "[::1]:8080:host:80", "localforward [::1]:8080 [host]:80", NULL},
        {FWDSPEC_LOCAL, "[::1]:8080:[::2]:80", "localforward [::1]:8080 [::2]:80", NULL},
        {FWDSPEC_LOCAL, "::1/8080/::2/80", NULL,
         "Bad local forwarding specification '::1/8080/::2/80'"},
        {FWDSPEC_LOCAL, "8080/h/80", NULL, "Bad local forwarding specification '8080/h/80'"},
        {FWDSPEC_LOCAL, "::1:8080:h:80", NULL,
         "Bad local forwarding specification '::1:8080:h:80'"},
        {FWDSPEC_LOCAL, "*:8080:h:80", "localforward [*]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, ":8080:h:80", "localforward []:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "localhost:8080:h:80", "localforward [localhost]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "0.0.0.0:8080:h:80", "localforward [0.0.0.0]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "0:h:80", NULL, "Bad local forwarding specification '0:h:80'"},
        {FWDSPEC_LOCAL, "1:h:1", "localforward 1 [h]:1", NULL},
        {FWDSPEC_LOCAL, "65535:h:65535", "localforward 65535 [h]:65535", NULL},
        {FWDSPEC_LOCAL, "65536:h:80", NULL, "Bad local forwarding specification '65536:h:80'"},
        {FWDSPEC_LOCAL, "8080:h:0", NULL, "Bad local forwarding specification '8080:h:0'"},
        {FWDSPEC_LOCAL, "8080:h:65536", NULL, "Bad local forwarding specification '8080:h:65536'"},
        {FWDSPEC_LOCAL, "http:h:http", "localforward 80 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:www", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:ssh", "localforward 8080 [h]:22", NULL},
        {FWDSPEC_LOCAL, "8080:h:HTTP", NULL, "Bad local forwarding specification '8080:h:HTTP'"},
        {FWDSPEC_LOCAL, "8080:h:nosuchservice", NULL,
         "Bad local forwarding specification '8080:h:nosuchservice'"},
        {FWDSPEC_LOCAL, "8080:h", NULL, "Bad local forwarding specification '8080:h'"},
        {FWDSPEC_LOCAL, "8080:/tmp/sock", "dynamicforward 8080\nlocalforward 8080 /tmp/sock", NULL},
        {FWDSPEC_LOCAL, "/tmp/l:h:80", "localforward /tmp/l [h]:80", NULL},
        {FWDSPEC_LOCAL, "/tmp/l:/tmp/r", "dynamicforward /tmp/l\nlocalforward /tmp/l /tmp/r", NULL},
        {FWDSPEC_LOCAL, "rel:h:80", NULL, "Bad local forwarding specification 'rel:h:80'"},
        {FWDSPEC_LOCAL, "8080:rel", NULL, "Bad local forwarding specification '8080:rel'"},
        {FWDSPEC_LOCAL, "", NULL, "Bad local forwarding specification ''"},
        {FWDSPEC_LOCAL, "8080", NULL, "Bad local forwarding specification '8080'"},
        {FWDSPEC_LOCAL, "/tmp/l", NULL, "Bad local forwarding specification '/tmp/l'"},
        {FWDSPEC_LOCAL, "1:2:3:4:5", NULL, "Bad local forwarding specification '1:2:3:4:5'"},
        {FWDSPEC_LOCAL, "a b:8080:h:80", "localforward [a b]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080 h:80", NULL, "Bad local forwarding specification '8080 h:80'"},
        {FWDSPEC_LOCAL, " 8080:h:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "\t8080:h:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "\n8080:h:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:80 ", NULL, "Bad local forwarding specification '8080:h:80 '"},
        {FWDSPEC_LOCAL, "[::1]:8080:[fe80::1%eth0]:80", "localforward [::1]:8080 [fe80::1%eth0]:80",
         NULL},
        {FWDSPEC_LOCAL, "8080:[h]:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:[h:80", NULL, "Bad local forwarding specification '8080:[h:80'"},
        {FWDSPEC_LOCAL, "-1:h:80", NULL, "Bad local forwarding specification '-1:h:80'"},
        {FWDSPEC_LOCAL, "-0:h:80", NULL, "Bad local forwarding specification '-0:h:80'"},
        {FWDSPEC_LOCAL, "+80:h:80", "localforward 80 [h]:80", NULL},
        {FWDSPEC_LOCAL, "0x50:h:80", NULL, "Bad local forwarding specification '0x50:h:80'"},
        {FWDSPEC_LOCAL, "080:h:80", "localforward 80 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:00000000000000000000080", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "99999999999999999999:h:80", NULL,
         "Bad local forwarding specification '99999999999999999999:h:80'"},
        {FWDSPEC_LOCAL, "8080:h:99999999999999999999", NULL,
         "Bad local forwarding specification '8080:h:99999999999999999999'"},
        {FWDSPEC_LOCAL, "8080::80", "localforward 8080 []:80", NULL},
        {FWDSPEC_LOCAL, "h:8080::80", "localforward [h]:8080 []:80", NULL},
        {FWDSPEC_LOCAL, "h:8080:h:", NULL, "Bad local forwarding specification 'h:8080:h:'"},
        {FWDSPEC_LOCAL, "[/tmp/a:b]:h:80", "localforward /tmp/a:b [h]:80", NULL},
        {FWDSPEC_LOCAL, "/tmp/a:b:h:80", NULL,
         "Bad local forwarding specification '/tmp/a:b:h:80'"},
        {FWDSPEC_LOCAL, "8080:[/tmp/x:y]", "dynamicforward 8080\nlocalforward 8080 /tmp/x:y", NULL},
        {FWDSPEC_LOCAL, "8080:h: 80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:\t80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:- 80", NULL, "Bad local forwarding specification '8080:h:- 80'"},
        {FWDSPEC_LOCAL, "8080:h:--80", NULL, "Bad local forwarding specification '8080:h:--80'"},
        {FWDSPEC_LOCAL, "8080:h:+80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080: h:80", "localforward 8080 [ h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:80:", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:80::", NULL, "Bad local forwarding specification '8080:h:80::'"},
        {FWDSPEC_LOCAL, "8080:h:80:x", NULL, "Bad local forwarding specification '8080:h:80:x'"},
        {FWDSPEC_LOCAL, "h:8080:h:80:", "localforward [h]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "[::1]8080:h:80", NULL,
         "Bad local forwarding specification '[::1]8080:h:80'"},
        {FWDSPEC_LOCAL, "[]:8080:h:80", "localforward []:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "[]:8080:[]:80", "localforward []:8080 []:80", NULL},
        {FWDSPEC_LOCAL, "[*]:8080:h:80", "localforward [*]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "[a]:[b]:[c]:[d]", NULL,
         "Bad local forwarding specification '[a]:[b]:[c]:[d]'"},
        {FWDSPEC_LOCAL, "[a]:[8080]:[c]:[80]", "localforward [a]:8080 [c]:80", NULL},
        {FWDSPEC_LOCAL, "8080:[::1]", NULL, "Bad local forwarding specification '8080:[::1]'"},
        {FWDSPEC_LOCAL, "8080:[/r]", "dynamicforward 8080\nlocalforward 8080 /r", NULL},
        {FWDSPEC_LOCAL, "[/l]:h:80", "localforward /l [h]:80", NULL},
        {FWDSPEC_LOCAL, "[8080]:h:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "[8080:h:80", NULL, "Bad local forwarding specification '[8080:h:80'"},
        {FWDSPEC_LOCAL, "8080]:h:80", NULL, "Bad local forwarding specification '8080]:h:80'"},
        {FWDSPEC_LOCAL, "8080:a]b:80", "localforward 8080 [a]b]:80", NULL},
        {FWDSPEC_LOCAL, "8080:[h]x:80", NULL, "Bad local forwarding specification '8080:[h]x:80'"},
        {FWDSPEC_LOCAL, "8080:h:[80]", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "x/y:h:80", "localforward x/y [h]:80", NULL},
        {FWDSPEC_LOCAL, "[x/y]:h:80", "localforward x/y [h]:80", NULL},
        {FWDSPEC_LOCAL, "/:h:80", "localforward / [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:/", "dynamicforward 8080\nlocalforward 8080 /", NULL},
        {FWDSPEC_LOCAL, "8080:h/x:80", "localforward 8080 [h/x]:80", NULL},
        {FWDSPEC_LOCAL, "a/b:c/d", "dynamicforward a/b\nlocalforward a/b c/d", NULL},
        {FWDSPEC_LOCAL, "a/b:8080", NULL, "Bad local forwarding specification 'a/b:8080'"},
        {FWDSPEC_LOCAL, "8080:a/b", "dynamicforward 8080\nlocalforward 8080 a/b", NULL},
        {FWDSPEC_LOCAL, "h:8080:a/b", "dynamicforward [h]:8080\nlocalforward [h]:8080 a/b", NULL},
        {FWDSPEC_LOCAL, "h:8080:/p", "dynamicforward [h]:8080\nlocalforward [h]:8080 /p", NULL},
        {FWDSPEC_LOCAL, "/p:h:/q", NULL, "Bad local forwarding specification '/p:h:/q'"},
        {FWDSPEC_LOCAL, "/p:/q:80", "localforward /p [/q]:80", NULL},
        {FWDSPEC_LOCAL, "/p:80:h:80", "localforward [/p]:80 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080:/x:80", "localforward 8080 [/x]:80", NULL},
        {FWDSPEC_LOCAL, "/p:h:80:9", NULL, "Bad local forwarding specification '/p:h:80:9'"},
        {FWDSPEC_LOCAL, "h:/p:h:80", NULL, "Bad local forwarding specification 'h:/p:h:80'"},
        {FWDSPEC_LOCAL, ":", NULL, "Bad local forwarding specification ':'"},
        {FWDSPEC_LOCAL, "::", NULL, "Bad local forwarding specification '::'"},
        {FWDSPEC_LOCAL, ":8080:", NULL, "Bad local forwarding specification ':8080:'"},
        {FWDSPEC_LOCAL, "0:/q", NULL, "Bad local forwarding specification '0:/q'"},
        {FWDSPEC_LOCAL, "h:0:h:80", NULL, "Bad local forwarding specification 'h:0:h:80'"},
        {FWDSPEC_LOCAL, "[/a]:[/b]", "dynamicforward /a\nlocalforward /a /b", NULL},
        {FWDSPEC_LOCAL, "/a:/b:", "dynamicforward /a\nlocalforward /a /b", NULL},
        {FWDSPEC_LOCAL, "8080:h\n:80", "localforward 8080 [h\n]:80", NULL},
        {FWDSPEC_LOCAL, "b\001ad", NULL, "Bad local forwarding specification 'b\001ad'"},
        {FWDSPEC_REMOTE, "8080", "remoteforward 8080 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "0", "remoteforward 0 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "-0", "remoteforward 0 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "h:8080", "remoteforward [h]:8080 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "[::1]:0", "remoteforward [::1]:0 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "*:80", "remoteforward [*]:80 [socks]:0", NULL},
        {FWDSPEC_REMOTE, ":80", "remoteforward []:80 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "/p", "remoteforward /p [socks]:0", NULL},
        {FWDSPEC_REMOTE, "/p:/q", "remoteforward /p /q", NULL},
        {FWDSPEC_REMOTE, "/p:h:80", "remoteforward /p [h]:80", NULL},
        {FWDSPEC_REMOTE, "/p:80", "remoteforward [/p]:80 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "0:h:80", "remoteforward 0 [h]:80", NULL},
        {FWDSPEC_REMOTE, "0:/q", "remoteforward 0 /q", NULL},
        {FWDSPEC_REMOTE, "h:0:/q", "remoteforward [h]:0 /q", NULL},
        {FWDSPEC_REMOTE, "h:0:h:0", NULL, "Bad remote forwarding specification 'h:0:h:0'"},
        {FWDSPEC_REMOTE, "8080:h:0", NULL, "Bad remote forwarding specification '8080:h:0'"},
        {FWDSPEC_REMOTE, "65536", NULL, "Bad remote forwarding specification '65536'"},
        {FWDSPEC_REMOTE, "", NULL, "Bad remote forwarding specification ''"},
        {FWDSPEC_REMOTE, "a/b", "remoteforward a/b [socks]:0", NULL},
        {FWDSPEC_REMOTE, "h:8080:h:80", "remoteforward [h]:8080 [h]:80", NULL},
        {FWDSPEC_REMOTE, "[::1]:8080:[::2]:80", "remoteforward [::1]:8080 [::2]:80", NULL},
        {FWDSPEC_REMOTE, "http", "remoteforward 80 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "h:8080:", "remoteforward [h]:8080 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "x:y", NULL, "Bad remote forwarding specification 'x:y'"},
        {FWDSPEC_REMOTE, "8080:h", NULL, "Bad remote forwarding specification '8080:h'"},
        {FWDSPEC_REMOTE, "1:2:3:4:5", NULL, "Bad remote forwarding specification '1:2:3:4:5'"},
        {FWDSPEC_REMOTE, "h:/p", NULL, "Bad remote forwarding specification 'h:/p'"},
        {FWDSPEC_REMOTE, "/a:/b:", "remoteforward /a /b", NULL},
        {FWDSPEC_REMOTE, "localhost:0:localhost:1", "remoteforward [localhost]:0 [localhost]:1",
         NULL},
        {FWDSPEC_DYNAMIC, "8080", "dynamicforward 8080", NULL},
        {FWDSPEC_DYNAMIC, "0", NULL, "Bad dynamic forwarding specification '0'"},
        {FWDSPEC_DYNAMIC, "-0", NULL, "Bad dynamic forwarding specification '-0'"},
        {FWDSPEC_DYNAMIC, "h:8080", "dynamicforward [h]:8080", NULL},
        {FWDSPEC_DYNAMIC, "[::1]:1080", "dynamicforward [::1]:1080", NULL},
        {FWDSPEC_DYNAMIC, "*:1080", "dynamicforward [*]:1080", NULL},
        {FWDSPEC_DYNAMIC, ":1080", "dynamicforward []:1080", NULL},
        {FWDSPEC_DYNAMIC, "/p", "dynamicforward /p", NULL},
        {FWDSPEC_DYNAMIC, "a/b", "dynamicforward a/b", NULL},
        {FWDSPEC_DYNAMIC, "h:8080:h", NULL, "Bad dynamic forwarding specification 'h:8080:h'"},
        {FWDSPEC_DYNAMIC, "8080:h:80", NULL, "Bad dynamic forwarding specification '8080:h:80'"},
        {FWDSPEC_DYNAMIC, "", NULL, "Bad dynamic forwarding specification ''"},
        {FWDSPEC_DYNAMIC, "65536", NULL, "Bad dynamic forwarding specification '65536'"},
        {FWDSPEC_DYNAMIC, "socks", "dynamicforward 1080", NULL},
        {FWDSPEC_DYNAMIC, "h:/p", NULL, "Bad dynamic forwarding specification 'h:/p'"},
        {FWDSPEC_DYNAMIC, "/p:80", "dynamicforward [/p]:80", NULL},
        {FWDSPEC_DYNAMIC, "x:y", NULL, "Bad dynamic forwarding specification 'x:y'"},
        {FWDSPEC_DYNAMIC, "1080:", "dynamicforward 1080", NULL},
        {FWDSPEC_DYNAMIC, "/a:/b", "dynamicforward /a\nlocalforward /a /b", NULL},
        {FWDSPEC_DYNAMIC, "[/a]", "dynamicforward /a", NULL},
        {FWDSPEC_DYNAMIC, "8080:/p", "dynamicforward 8080\nlocalforward 8080 /p", NULL},
        {FWDSPEC_DYNAMIC, "h:8080:", "dynamicforward [h]:8080", NULL},
        {FWDSPEC_DYNAMIC, "[::1]", NULL, "Bad dynamic forwarding specification '[::1]'"},
};
static const struct cfg_case cfg_cases[] = {
        {FWDSPEC_LOCAL, "8080", "h:80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "[::1]:8080", "[::2]:80", "localforward [::1]:8080 [::2]:80", NULL},
        {FWDSPEC_LOCAL, "8080:h:80", NULL, NULL, "Missing target argument."},
        {FWDSPEC_LOCAL, "8080", "h 80", NULL, "Bad forwarding specification."},
        {FWDSPEC_LOCAL, "8080:h", "80", "localforward 8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "8080", "", NULL, "Missing target argument."},
        {FWDSPEC_LOCAL, "/a", "/b", "dynamicforward /a\nlocalforward /a /b", NULL},
        {FWDSPEC_LOCAL, "a b:8080", "h:80", "localforward [a b]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "a:8080:", ":h:80", NULL, "Bad forwarding specification."},
        {FWDSPEC_LOCAL, "h:8080", "h:80:", "localforward [h]:8080 [h]:80", NULL},
        {FWDSPEC_LOCAL, "0", "h:80", NULL, "Bad forwarding specification."},
        {FWDSPEC_LOCAL, "8080", "h:0", NULL, "Bad forwarding specification."},
        {FWDSPEC_LOCAL, "8080", "/q", "dynamicforward 8080\nlocalforward 8080 /q", NULL},
        {FWDSPEC_REMOTE, "8080", NULL, "remoteforward 8080 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "0", NULL, "remoteforward 0 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "8080", "h:80", "remoteforward 8080 [h]:80", NULL},
        {FWDSPEC_REMOTE, "8080", "h", NULL, "Bad forwarding specification."},
        {FWDSPEC_REMOTE, "8080:h:80", NULL, NULL, "Bad forwarding specification."},
        {FWDSPEC_REMOTE, "8080", "", "remoteforward 8080 [socks]:0", NULL},
        {FWDSPEC_REMOTE, "8080:h", "80", "remoteforward 8080 [h]:80", NULL},
        {FWDSPEC_REMOTE, "h:8080", "/p", "remoteforward [h]:8080 /p", NULL},
        {FWDSPEC_REMOTE, "8080:/p", NULL, "remoteforward 8080 /p", NULL},
        {FWDSPEC_REMOTE, "/p", NULL, "remoteforward /p [socks]:0", NULL},
        {FWDSPEC_REMOTE, "0", "h:80", "remoteforward 0 [h]:80", NULL},
        {FWDSPEC_DYNAMIC, "1080", NULL, "dynamicforward 1080", NULL},
        {FWDSPEC_DYNAMIC, "0", NULL, NULL, "Bad forwarding specification."},
        {FWDSPEC_DYNAMIC, "h:8080:h", NULL, NULL, "Bad forwarding specification."},
        {FWDSPEC_DYNAMIC, "/a:/b", NULL, "dynamicforward /a\nlocalforward /a /b", NULL},
        {FWDSPEC_DYNAMIC, "/p", NULL, "dynamicforward /p", NULL},
        {FWDSPEC_DYNAMIC, "[::1]:1080", NULL, "dynamicforward [::1]:1080", NULL},
};

/* The -G lines for one spec, in OpenSSH's order. */
static char *dump_one(const struct fwdspec *f)
{
	static const enum fwdspec_kind order[] = {FWDSPEC_DYNAMIC, FWDSPEC_LOCAL, FWDSPEC_REMOTE};
	char *all = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&all, &len);
	assert_non_null(m);
	bool first = true;
	for (size_t i = 0; i < 3; i++) {
		char *line = NULL;
		if (!fwdspec_dump_has(f, order[i])) {
			assert_int_equal(fwdspec_format(f, order[i], &line), SLC_ERR_INVALID);
			assert_null(line);
			continue;
		}
		assert_int_equal(fwdspec_format(f, order[i], &line), 0);
		fprintf(m, "%s%s", first ? "" : "\n", line);
		first = false;
		free(line);
	}
	assert_int_equal(fclose(m), 0);
	return all;
}

static void check_invariants(const struct fwdspec *f)
{
	/* exactly one listen form, at most one connect form */
	assert_true((f->listen_path != NULL) != (f->listen_port >= 0));
	if (f->listen_path != NULL)
		assert_null(f->listen_host);
	assert_true(f->listen_port <= 65535);
	assert_false(f->connect_host != NULL && f->connect_path != NULL);
	assert_int_equal(f->dynamic, f->connect_host == NULL && f->connect_path == NULL);
	if (f->connect_host != NULL)
		assert_in_range(f->connect_port, 1, 65535);
	else
		assert_int_equal(f->connect_port, -1);
	if (f->kind == FWDSPEC_DYNAMIC)
		assert_true(f->dynamic);
	if (f->kind == FWDSPEC_LOCAL)
		assert_false(f->dynamic);
	if (f->kind != FWDSPEC_REMOTE && f->listen_path == NULL)
		assert_true(f->listen_port > 0);
}

static void test_cli_table(void **state)
{
	for (size_t i = 0; i < sizeof(cli_cases) / sizeof(cli_cases[0]); i++) {
		const struct cli_case *c = &cli_cases[i];
		struct fwdspec f;
		char *err = NULL;
		int r = fwdspec_parse(c->spec, c->kind, &services, &f, &err);
		if (c->err != NULL) {
			if (r != SLC_ERR_CONFIG)
				fail_msg("case %zu '%s': accepted", i, c->spec);
			assert_string_equal(err, c->err);
			free(err);
			continue;
		}
		if (r != 0)
			fail_msg("case %zu '%s': %s", i, c->spec, err ? err : slc_strerror(r));
		assert_null(err);
		check_invariants(&f);
		char *d = dump_one(&f);
		if (strcmp(d, c->dump) != 0)
			fail_msg("case %zu '%s': got '%s' want '%s'", i, c->spec, d, c->dump);
		free(d);
		fwdspec_free(&f);
	}
}

static void test_cfg_table(void **state)
{
	for (size_t i = 0; i < sizeof(cfg_cases) / sizeof(cfg_cases[0]); i++) {
		const struct cfg_case *c = &cfg_cases[i];
		struct fwdspec f;
		char *err = NULL;
		int r = fwdspec_parse_config(c->kind, c->listen, c->connect, &services, &f, &err);
		if (c->err != NULL) {
			if (r != SLC_ERR_CONFIG)
				fail_msg("cfg case %zu '%s' '%s': accepted", i, c->listen,
				         c->connect ? c->connect : "(none)");
			assert_string_equal(err, c->err);
			free(err);
			continue;
		}
		if (r != 0)
			fail_msg("cfg case %zu '%s': %s", i, c->listen,
			         err ? err : slc_strerror(r));
		check_invariants(&f);
		char *d = dump_one(&f);
		if (strcmp(d, c->dump) != 0)
			fail_msg("cfg case %zu: got '%s' want '%s'", i, d, c->dump);
		free(d);
		fwdspec_free(&f);
	}
	/* DynamicForward takes one argument (OpenSSH's wording) */
	struct fwdspec f;
	char *err = NULL;
	assert_int_equal(fwdspec_parse_config(FWDSPEC_DYNAMIC, "1080", "x", NULL, &f, &err),
	                 SLC_ERR_CONFIG);
	assert_string_equal(err, "keyword dynamicforward extra arguments at end of line");
	free(err);
}

/* ssh -G -F /dev/null -L 1:h:1 -D 2 -L 3:/p -D 4 -R 5 -R 6:h:6 -L /x:/y
 * -D 7:/q -D /s host: local and dynamic specs share one list in OpenSSH. */
static void test_dump_order(void **state)
{
	static const struct {
		enum fwdspec_kind kind;
		const char *spec;
	} in[] = {{FWDSPEC_LOCAL, "1:h:1"}, {FWDSPEC_DYNAMIC, "2"},    {FWDSPEC_LOCAL, "3:/p"},
	          {FWDSPEC_DYNAMIC, "4"},   {FWDSPEC_REMOTE, "5"},     {FWDSPEC_REMOTE, "6:h:6"},
	          {FWDSPEC_LOCAL, "/x:/y"}, {FWDSPEC_DYNAMIC, "7:/q"}, {FWDSPEC_DYNAMIC, "/s"}};
	static const char want[] = "dynamicforward 2\n"
	                           "dynamicforward 3\n"
	                           "dynamicforward 4\n"
	                           "dynamicforward /x\n"
	                           "dynamicforward 7\n"
	                           "dynamicforward /s\n"
	                           "localforward 1 [h]:1\n"
	                           "localforward 3 /p\n"
	                           "localforward /x /y\n"
	                           "localforward 7 /q\n"
	                           "remoteforward 5 [socks]:0\n"
	                           "remoteforward 6 [h]:6\n";
	enum { N = sizeof(in) / sizeof(in[0]) };
	struct fwdspec f[N];
	for (size_t i = 0; i < N; i++)
		assert_int_equal(fwdspec_parse(in[i].spec, in[i].kind, NULL, &f[i], NULL), 0);
	char *all = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&all, &len);
	static const enum fwdspec_kind kws[] = {FWDSPEC_DYNAMIC, FWDSPEC_LOCAL, FWDSPEC_REMOTE};
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < N; i++) {
			char *line;
			if (!fwdspec_dump_has(&f[i], kws[k]))
				continue;
			assert_int_equal(fwdspec_format(&f[i], kws[k], &line), 0);
			fprintf(m, "%s\n", line);
			free(line);
		}
	}
	fclose(m);
	assert_string_equal(all, want);
	free(all);
	for (size_t i = 0; i < N; i++)
		fwdspec_free(&f[i]);
}

struct want {
	enum fwdspec_kind kind;
	bool dynamic;
	const char *lhost;
	int lport;
	const char *lpath;
	const char *chost;
	int cport;
	const char *cpath;
};

static void expect(const char *spec, enum fwdspec_kind kind, struct want w)
{
	struct fwdspec f;
	char *err = NULL;
	int r = fwdspec_parse(spec, kind, NULL, &f, &err);
	if (r != 0)
		fail_msg("'%s': %s", spec, err ? err : slc_strerror(r));
	assert_int_equal(f.kind, w.kind);
	assert_int_equal(f.dynamic, w.dynamic);
#define SAME(a, b)                                                                                 \
	do {                                                                                       \
		if ((b) == NULL)                                                                   \
			assert_null(a);                                                            \
		else                                                                               \
			assert_string_equal(a, b);                                                 \
	} while (0)
	SAME(f.listen_host, w.lhost);
	SAME(f.listen_path, w.lpath);
	SAME(f.connect_host, w.chost);
	SAME(f.connect_path, w.cpath);
#undef SAME
	assert_int_equal(f.listen_port, w.lport);
	assert_int_equal(f.connect_port, w.cport);
	check_invariants(&f);

	struct fwdspec c;
	assert_int_equal(fwdspec_copy(&c, &f), 0);
	char *d1 = dump_one(&f), *d2 = dump_one(&c);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	fwdspec_free(&c);
	fwdspec_free(&f);
	assert_null(f.listen_host);
	assert_int_equal(f.listen_port, -1);
}

/* Every form in ssh(1)'s synopsis of -L, -R and -D. */
static void test_man_forms(void **state)
{
	const enum fwdspec_kind L = FWDSPEC_LOCAL, R = FWDSPEC_REMOTE, D = FWDSPEC_DYNAMIC;
	/* -L [bind_address:]port:host:hostport */
	expect("8080:example.org:80", L,
	       (struct want){L, false, NULL, 8080, NULL, "example.org", 80, NULL});
	expect("127.0.0.1:8080:h:80", L,
	       (struct want){L, false, "127.0.0.1", 8080, NULL, "h", 80, NULL});
	expect("[::1]:8080:[::2]:443", L,
	       (struct want){L, false, "::1", 8080, NULL, "::2", 443, NULL});
	expect("*:8080:h:80", L, (struct want){L, false, "*", 8080, NULL, "h", 80, NULL});
	expect(":8080:h:80", L, (struct want){L, false, "", 8080, NULL, "h", 80, NULL});
	/* -L [bind_address:]port:remote_socket */
	expect("8080:/run/r.sock", L,
	       (struct want){L, false, NULL, 8080, NULL, NULL, -1, "/run/r.sock"});
	expect("lo:8080:/r", L, (struct want){L, false, "lo", 8080, NULL, NULL, -1, "/r"});
	/* -L local_socket:host:hostport */
	expect("/tmp/l.sock:h:22", L,
	       (struct want){L, false, NULL, -1, "/tmp/l.sock", "h", 22, NULL});
	/* -L local_socket:remote_socket */
	expect("/l:/r", L, (struct want){L, false, NULL, -1, "/l", NULL, -1, "/r"});
	expect("[/a:b]:[/c:d]", L, (struct want){L, false, NULL, -1, "/a:b", NULL, -1, "/c:d"});

	/* -R [bind_address:]port:host:hostport */
	expect("0:localhost:22", R, (struct want){R, false, NULL, 0, NULL, "localhost", 22, NULL});
	expect("[::]:2222:h:22", R, (struct want){R, false, "::", 2222, NULL, "h", 22, NULL});
	/* -R [bind_address:]port:local_socket */
	expect("2222:/l", R, (struct want){R, false, NULL, 2222, NULL, NULL, -1, "/l"});
	expect("*:2222:/l", R, (struct want){R, false, "*", 2222, NULL, NULL, -1, "/l"});
	/* -R remote_socket:host:hostport */
	expect("/r:h:22", R, (struct want){R, false, NULL, -1, "/r", "h", 22, NULL});
	/* -R remote_socket:local_socket */
	expect("/r:/l", R, (struct want){R, false, NULL, -1, "/r", NULL, -1, "/l"});
	/* -R [bind_address:]port: remote SOCKS */
	expect("1080", R, (struct want){R, true, NULL, 1080, NULL, NULL, -1, NULL});
	expect("0", R, (struct want){R, true, NULL, 0, NULL, NULL, -1, NULL});
	expect("[::1]:1080", R, (struct want){R, true, "::1", 1080, NULL, NULL, -1, NULL});

	/* -D [bind_address:]port */
	expect("1080", D, (struct want){D, true, NULL, 1080, NULL, NULL, -1, NULL});
	expect("localhost:1080", D,
	       (struct want){D, true, "localhost", 1080, NULL, NULL, -1, NULL});
	expect("[::1]:1080", D, (struct want){D, true, "::1", 1080, NULL, NULL, -1, NULL});
	expect("*:1080", D, (struct want){D, true, "*", 1080, NULL, NULL, -1, NULL});
	/* OpenSSH also takes a socket path, and a socket target (which makes
	 * it a local forward; see fwdspec.h) */
	expect("/tmp/socks", D, (struct want){D, true, NULL, -1, "/tmp/socks", NULL, -1, NULL});
	expect("1080:/r", D, (struct want){L, false, NULL, 1080, NULL, NULL, -1, "/r"});
}

/* OpenSSH's limits: host names below NI_MAXHOST, paths below sun_path
 * (checked with ssh -G: 1024/107 accepted, 1025/108 rejected). */
static void test_lengths(void **state)
{
	char host[FWDSPEC_HOST_MAX + 2], path[FWDSPEC_PATH_MAX + 2], spec[2200];
	struct fwdspec f;
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	path[0] = '/';
	memset(path + 1, 'a', sizeof(path) - 2);
	path[sizeof(path) - 1] = '\0';

	for (int extra = 0; extra <= 1; extra++) {
		int want = extra ? SLC_ERR_CONFIG : 0;
		host[FWDSPEC_HOST_MAX + extra] = '\0';
		path[FWDSPEC_PATH_MAX + extra] = '\0';
		snprintf(spec, sizeof(spec), "%s:80:h:80", host);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_LOCAL, NULL, &f, NULL), want);
		fwdspec_free(&f);
		snprintf(spec, sizeof(spec), "80:%s:80", host);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_LOCAL, NULL, &f, NULL), want);
		fwdspec_free(&f);
		snprintf(spec, sizeof(spec), "%s:80", host);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_DYNAMIC, NULL, &f, NULL), want);
		fwdspec_free(&f);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_REMOTE, NULL, &f, NULL), want);
		fwdspec_free(&f);
		snprintf(spec, sizeof(spec), "%s:h:80", path);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_LOCAL, NULL, &f, NULL), want);
		fwdspec_free(&f);
		snprintf(spec, sizeof(spec), "8080:%s", path);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_LOCAL, NULL, &f, NULL), want);
		fwdspec_free(&f);
		assert_int_equal(fwdspec_parse(spec, FWDSPEC_REMOTE, NULL, &f, NULL), want);
		fwdspec_free(&f);
		assert_int_equal(fwdspec_parse(path, FWDSPEC_DYNAMIC, NULL, &f, NULL), want);
		fwdspec_free(&f);
		host[FWDSPEC_HOST_MAX + extra] = 'a';
		path[FWDSPEC_PATH_MAX + extra] = 'a';
	}
}

static int out_of_range(const char *name, void *arg)
{
	return strcmp(name, "big") == 0 ? 70000 : strcmp(name, "zero") == 0 ? 0 : -5;
}

static void test_service_hook(void **state)
{
	struct fwdspec f;
	char *err = NULL;
	int calls = 0;
	struct fwdspec_opts counting = {fake_services, &calls};

	/* without a hook, only numbers */
	assert_int_equal(fwdspec_parse("http:h:80", FWDSPEC_LOCAL, NULL, &f, &err), SLC_ERR_CONFIG);
	assert_string_equal(err, "Bad local forwarding specification 'http:h:80'");
	free(err);
	struct fwdspec_opts none = {NULL, NULL};
	assert_int_equal(fwdspec_parse("8080:h:ssh", FWDSPEC_LOCAL, &none, &f, NULL),
	                 SLC_ERR_CONFIG);

	/* numbers never reach the hook; names do */
	assert_int_equal(fwdspec_parse("8080:h:80", FWDSPEC_LOCAL, &counting, &f, NULL), 0);
	fwdspec_free(&f);
	assert_int_equal(calls, 0);
	assert_int_equal(fwdspec_parse("8080:h:ssh", FWDSPEC_LOCAL, &counting, &f, NULL), 0);
	assert_int_equal(f.connect_port, 22);
	fwdspec_free(&f);
	assert_int_equal(calls, 1);

	/* a hook answering outside 0..65535 is a bad port */
	struct fwdspec_opts odd = {out_of_range, NULL};
	assert_int_equal(fwdspec_parse("8080:h:big", FWDSPEC_LOCAL, &odd, &f, NULL),
	                 SLC_ERR_CONFIG);
	assert_int_equal(fwdspec_parse("8080:h:neg", FWDSPEC_LOCAL, &odd, &f, NULL),
	                 SLC_ERR_CONFIG);
	assert_int_equal(fwdspec_parse("8080:h:zero", FWDSPEC_LOCAL, &odd, &f, NULL),
	                 SLC_ERR_CONFIG);
	assert_int_equal(fwdspec_parse("zero", FWDSPEC_REMOTE, &odd, &f, NULL), 0);
	assert_int_equal(f.listen_port, 0);
	fwdspec_free(&f);
}

static void test_errmsg_optional(void **state)
{
	struct fwdspec f;
	char *err = (char *)"stale";
	assert_int_equal(fwdspec_parse("8080:h:80", FWDSPEC_LOCAL, NULL, &f, &err), 0);
	assert_null(err);
	fwdspec_free(&f);
	assert_int_equal(fwdspec_parse("bad", FWDSPEC_LOCAL, NULL, &f, NULL), SLC_ERR_CONFIG);
	assert_int_equal(fwdspec_parse_config(FWDSPEC_LOCAL, "8080", NULL, NULL, &f, NULL),
	                 SLC_ERR_CONFIG);
	assert_int_equal(fwdspec_parse("1", (enum fwdspec_kind)7, NULL, &f, &err), SLC_ERR_INVALID);
	assert_null(err);
	/* a failed parse leaves a struct that is safe to free */
	fwdspec_free(&f);
}

/* Checked with ssh -L/-D against a test sshd and ss -ltn: 127.0.0.1 and
 * ::1 for loopback, 0.0.0.0 and :: for all. */
static void test_local_bind(void **state)
{
	static const struct {
		const char *spec;
		bool gateway_ports;
		enum fwdspec_bind want;
		const char *addr;
	} t[] = {
	        {"8080:h:80", false, FWDSPEC_BIND_LOOPBACK, NULL},
	        {"8080:h:80", true, FWDSPEC_BIND_ANY, NULL},
	        {"*:8080:h:80", false, FWDSPEC_BIND_ANY, NULL},
	        {"*:8080:h:80", true, FWDSPEC_BIND_ANY, NULL},
	        {":8080:h:80", false, FWDSPEC_BIND_ANY, NULL},
	        {"[]:8080:h:80", false, FWDSPEC_BIND_ANY, NULL},
	        {"localhost:8080:h:80", false, FWDSPEC_BIND_LOOPBACK, NULL},
	        {"localhost:8080:h:80", true, FWDSPEC_BIND_LOOPBACK, NULL},
	        {"127.0.0.1:8080:h:80", false, FWDSPEC_BIND_ADDR, "127.0.0.1"},
	        {"127.0.0.1:8080:h:80", true, FWDSPEC_BIND_ADDR, "127.0.0.1"},
	        {"[::1]:8080:h:80", false, FWDSPEC_BIND_ADDR, "::1"},
	        {"0.0.0.0:8080:h:80", false, FWDSPEC_BIND_ADDR, "0.0.0.0"},
	        {"192.0.2.1:8080:h:80", true, FWDSPEC_BIND_ADDR, "192.0.2.1"},
	        {"LOCALHOST:8080:h:80", false, FWDSPEC_BIND_ADDR, "LOCALHOST"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fwdspec f;
		const char *addr = "x";
		assert_int_equal(fwdspec_parse(t[i].spec, FWDSPEC_LOCAL, NULL, &f, NULL), 0);
		assert_int_equal(fwdspec_local_bind(&f, t[i].gateway_ports, &addr), t[i].want);
		if (t[i].addr == NULL)
			assert_null(addr);
		else
			assert_string_equal(addr, t[i].addr);
		fwdspec_free(&f);
	}
	/* -D follows the same rules */
	struct fwdspec f;
	const char *addr;
	assert_int_equal(fwdspec_parse("1080", FWDSPEC_DYNAMIC, NULL, &f, NULL), 0);
	assert_int_equal(fwdspec_local_bind(&f, false, &addr), FWDSPEC_BIND_LOOPBACK);
	assert_int_equal(fwdspec_local_bind(&f, true, &addr), FWDSPEC_BIND_ANY);
	fwdspec_free(&f);
}

/* What OpenSSH's ssh put in tcpip-forward, from a test sshd's DEBUG3 log
 * ("tcpip-forward listen localhost port 0", "listen  port 0", ...). */
static void test_remote_bind_host(void **state)
{
	static const struct {
		const char *spec, *want;
	} t[] = {
	        {"0:localhost:1", "localhost"},
	        {"0", "localhost"},
	        {"*:0:localhost:1", ""},
	        {":0:localhost:1", ""},
	        {"*:0", ""},
	        {"localhost:0:localhost:1", "localhost"},
	        {"127.0.0.1:0:localhost:1", "127.0.0.1"},
	        {"[::1]:0:h:1", "::1"},
	        {"foo.example:0:h:1", "foo.example"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fwdspec f;
		assert_int_equal(fwdspec_parse(t[i].spec, FWDSPEC_REMOTE, NULL, &f, NULL), 0);
		assert_string_equal(fwdspec_remote_bind_host(&f), t[i].want);
		fwdspec_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cli_table),        cmocka_unit_test(test_cfg_table),
	        cmocka_unit_test(test_dump_order),       cmocka_unit_test(test_man_forms),
	        cmocka_unit_test(test_lengths),          cmocka_unit_test(test_service_hook),
	        cmocka_unit_test(test_errmsg_optional),  cmocka_unit_test(test_local_bind),
	        cmocka_unit_test(test_remote_bind_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
