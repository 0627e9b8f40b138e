/* sshd_config grammar: values, defaults, Match evaluation per connection,
 * Include, error messages with file and line, tokens, -T output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ssh_config.h"
#include "sshd_config.h"

struct memfile {
	const char *path;
	const char *text;
};
static const struct memfile *g_files;

static int mem_read(void *ctx, const char *path, char **data, size_t *len)
{
	for (const struct memfile *f = g_files; f && f->path; f++)
		if (strcmp(f->path, path) == 0) {
			*data = strdup(f->text);
			*len = strlen(f->text);
			return 0;
		}
	return SLC_ERR_NOT_FOUND;
}

static const struct cfg_io io = {mem_read, NULL, NULL};

static int load(struct sshd_config *c, const char *text, const struct memfile *files)
{
	g_files = files;
	sshd_config_init(c);
	int r = sshd_config_read_string(c, &io, "F", text, strlen(text));
	if (r == 0)
		r = sshd_config_finalize(c);
	return r;
}

static void test_defaults(void **state)
{
	struct sshd_config c;
	assert_int_equal(load(&c, "", NULL), 0);
	assert_int_equal(c.nports, 1);
	assert_int_equal(c.ports[0], 22);
	assert_int_equal(c.permit_root_login, SSHD_ROOT_PROHIBIT_PASSWORD);
	assert_int_equal(c.max_auth_tries, 6);
	assert_int_equal(c.login_grace_time, 120);
	assert_int_equal(c.max_startups_begin, 10);
	assert_int_equal(c.max_startups_rate, 30);
	assert_int_equal(c.max_startups_full, 100);
	assert_int_equal(c.authorized_keys_files.n, 2);
	assert_int_equal(c.host_keys.n, 3);
	assert_string_equal(c.pid_file, "/run/sshd.pid");
	assert_int_equal(c.allow_tcp_forwarding, SSHD_FWD_YES);
	sshd_config_free(&c);
}

static void test_values(void **state)
{
	struct sshd_config c;
	const char *text =
	        "Port 2222\nPort 2223\nListenAddress 127.0.0.1\nListenAddress [::1]:2224\n"
	        "MaxStartups 7\nLoginGraceTime 1m30s\nAllowTcpForwarding all\n"
	        "GatewayPorts clientspecified\nPermitTunnel ethernet\nPermitListen 80\n"
	        "Subsystem sftp internal-sftp -l INFO\nChallengeResponseAuthentication no\n"
	        "AuthorizedKeysFile %h/k \"/etc/k/%u\"\nAuthorizedKeysFile ignored\n"
	        "AcceptEnv A B\nAcceptEnv C\nForceCommand /bin/echo  a b\n"
	        "StreamLocalBindMask 0007\nPermitUserEnvironment LANG,FOO\n"
	        "SyslogFacility local3\nRekeyLimit 1M 1h\nX11Forwarding yes\n"
	        "ChrootDirectory /x\nPermitRootLogin without-password\nPort 2222\n";
	assert_int_equal(load(&c, text, NULL), 0);
	assert_int_equal(c.nports, 3);
	assert_int_equal(c.listen_addrs.n, 2);
	assert_int_equal(c.max_startups_begin, 7);
	assert_int_equal(c.max_startups_rate, 30);
	assert_int_equal(c.max_startups_full, 7);
	assert_int_equal(c.login_grace_time, 90);
	assert_int_equal(c.allow_tcp_forwarding, SSHD_FWD_YES);
	assert_int_equal(c.gateway_ports, SSHD_GW_CLIENTSPECIFIED);
	assert_int_equal(c.permit_tunnel, SSHD_TUN_ETHERNET);
	assert_string_equal(c.permit_listen.v[0], "*:80");
	assert_string_equal(c.subsystems.v[0], "sftp internal-sftp -l INFO");
	assert_int_equal(c.kbd_interactive_authentication, 0);
	assert_int_equal(c.authorized_keys_files.n, 2);
	assert_string_equal(c.authorized_keys_files.v[1], "/etc/k/%u");
	assert_int_equal(c.accept_env.n, 3);
	assert_string_equal(c.force_command, "/bin/echo  a b");
	assert_int_equal(c.stream_local_bind_mask, 07);
	assert_string_equal(c.permit_user_environment, "LANG,FOO");
	assert_string_equal(c.syslog_facility, "LOCAL3");
	assert_true(c.rekey_limit_bytes == 1048576);
	assert_int_equal(c.rekey_limit_seconds, 3600);
	assert_int_equal(c.x11_forwarding, 1);
	assert_int_equal(c.unsupported.n, 1);
	assert_string_equal(c.unsupported.v[0], "F line 23: ChrootDirectory");

	char *out = NULL;
	assert_int_equal(sshd_config_dump(&c, &out), 0);
	assert_true(strncmp(out,
	                    "port 2222\nport 2223\nport 2222\naddressfamily any\n"
	                    "listenaddress 127.0.0.1:2222\nlistenaddress 127.0.0.1:2223\n"
	                    "listenaddress 127.0.0.1:2222\nlistenaddress [::1]:2224\n",
	                    150) == 0);
	assert_non_null(strstr(out, "\nmaxstartups 7:30:7\n"));
	assert_non_null(strstr(out, "\npermitrootlogin without-password\n"));
	assert_non_null(strstr(out, "\nstreamlocalbindmask 07\n"));
	assert_non_null(strstr(out, "\nauthorizedkeysfile %h/k /etc/k/%u\n"));
	free(out);
	sshd_config_free(&c);
}

static const char match_text[] = "PasswordAuthentication yes\n"
                                 "Match User alice\n"
                                 "  PasswordAuthentication no\n"
                                 "  AllowTcpForwarding no\n"
                                 "  PasswordAuthentication yes\n" /* first value in Match wins */
                                 "Match Address 10.0.0.0/8,!10.1.2.3\n"
                                 "  Banner /etc/b10\n"
                                 "  MaxAuthTries 2\n"
                                 "  AllowTcpForwarding local\n"
                                 "Match Group staff User *,!bob\n"
                                 "  PermitTTY no\n"
                                 "Match LocalPort 2300 LocalAddress 127.0.0.1,::1\n"
                                 "  ClientAliveInterval 7\n"
                                 "Match Host *.example.com\n"
                                 "  ForceCommand /bin/true\n"
                                 "  AcceptEnv X\n"
                                 "Match Address 2001:db8::/32\n"
                                 "  AuthorizedKeysFile /k/%u\n"
                                 "Match All\n"
                                 "  MaxSessions 3\n";

static void test_match(void **state)
{
	struct sshd_config c, e;
	assert_int_equal(load(&c, match_text, NULL), 0);
	/* read time: no Match applies */
	assert_int_equal(c.password_authentication, 1);
	assert_int_equal(c.max_sessions, 10);

	static const char *const staff[] = {"users", "staff"};
	struct sshd_conn_info a = {"alice",    staff,       2,   "a.example.com",
	                           "10.1.1.1", "127.0.0.1", 2300};
	assert_int_equal(sshd_config_for_connection(&c, &a, &e), 0);
	assert_int_equal(e.password_authentication, 0);
	assert_int_equal(e.allow_tcp_forwarding, SSHD_FWD_NO);
	assert_string_equal(e.banner, "/etc/b10");
	assert_int_equal(e.max_auth_tries, 2);
	assert_int_equal(e.permit_tty, 0);
	assert_int_equal(e.client_alive_interval, 7);
	assert_string_equal(e.force_command, "/bin/true");
	assert_int_equal(e.accept_env.n, 1);
	assert_int_equal(e.max_sessions, 3);
	sshd_config_free(&e);

	struct sshd_conn_info b = {"bob", staff, 2, "x", "10.1.2.3", "127.0.0.2", 22};
	assert_int_equal(sshd_config_for_connection(&c, &b, &e), 0);
	assert_int_equal(e.password_authentication, 1);
	assert_null(e.banner); /* negated address */
	assert_int_equal(e.permit_tty, 1); /* User *,!bob */
	assert_int_equal(e.client_alive_interval, 0);
	assert_null(e.force_command);
	sshd_config_free(&e);

	struct sshd_conn_info v6 = {"carol", NULL, 0, NULL, "2001:db8::5", "::1", 2300};
	assert_int_equal(sshd_config_for_connection(&c, &v6, &e), 0);
	assert_string_equal(e.authorized_keys_files.v[0], "/k/%u");
	assert_int_equal(e.authorized_keys_files.n, 1);
	assert_int_equal(e.client_alive_interval, 7);
	assert_int_equal(e.allow_tcp_forwarding, SSHD_FWD_YES);
	sshd_config_free(&e);
	sshd_config_free(&c);
}

static void test_include(void **state)
{
	static const struct memfile files[] = {
	        {"/etc/ssh/inc.conf", "MaxAuthTries 4\nMatch User alice\n  MaxSessions 1\n"}, {0}};
	struct sshd_config c, e;
	/* The Match in the included file ends with it: PermitTTY is global. */
	assert_int_equal(load(&c, "Include inc.conf\nPermitTTY no\n", files), 0);
	assert_int_equal(c.max_auth_tries, 4);
	assert_int_equal(c.permit_tty, 0);
	struct sshd_conn_info a = {"alice", NULL, 0, NULL, "1.2.3.4", "1.2.3.5", 22};
	assert_int_equal(sshd_config_for_connection(&c, &a, &e), 0);
	assert_int_equal(e.max_sessions, 1);
	assert_int_equal(e.permit_tty, 0);
	sshd_config_free(&e);
	sshd_config_free(&c);

	assert_int_equal(load(&c, "Include /nothere/*\nInclude ~/x\n", files), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "F line 2: Include paths may not use ~");
	sshd_config_free(&c);
	assert_int_equal(load(&c, "Include /etc/ssh/loop\n",
	                      (const struct memfile[]){{"/etc/ssh/loop", "Include loop\n"}, {0}}),
	                 SLC_ERR_CONFIG);
	assert_non_null(strstr(c.error, "Too many recursive configuration includes"));
	sshd_config_free(&c);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
	        {"Foo bar\n", "F: line 1: Bad configuration option: Foo\n"
	                      "F: terminating, 1 bad configuration options"},
	        {"Port x\n", "F line 1: Badly formatted port number."},
	        {"\nMatch User x\n Port 5\n",
	         "F line 3: Directive 'Port' is not allowed within a Match block"},
	        {"Match Address 10.0.0.1/8\n",
	         "F line 1: Invalid Match address argument '10.0.0.1/8'"},
	        {"Match Bogus x\n", "F line 1: Unsupported Match attribute Bogus"},
	        {"Match User\n", "F line 1: Missing Match criteria for User"},
	        {"Match All User x\n",
	         "F line 1: 'all' cannot be combined with other Match attributes"},
	        {"Match LocalPort x\n", "F line 1: Invalid LocalPort 'x' on Match line"},
	        {"MaxStartups 10:30\n", "F line 1: Illegal MaxStartups spec."},
	        {"MaxStartups 50:30:10\n", "F line 1: Illegal MaxStartups spec."},
	        {"PermitRootLogin maybe\n", "F line 1: unsupported option \"maybe\"."},
	        {"MaxAuthTries -1\n", "F line 1: Bad number '-1'."},
	        {"LoginGraceTime 1y\n", "F line 1: Invalid time value '1y'."},
	        {"Ciphers nope\n", "F line 1: Bad SSH2 cipher spec 'nope'."},
	        {"PermitOpen nohost\n", "F line 1: PermitOpen bad specification 'nohost'."},
	        {"PermitListen any 80\n", "F line 1: PermitListen bad specification 'any'."},
	        {"Subsystem sftp\n", "F line 1: Missing subsystem command."},
	        {"Subsystem a b\nSubsystem a c\n", "F line 2: Subsystem 'a' already defined."},
	        {"SetEnv NOEQ\n", "F line 1: Invalid environment 'NOEQ'."},
	        {"SyslogFacility LOCAL9\n", "F line 1: unsupported log facility 'LOCAL9'"},
	        {"StreamLocalBindMask 9\n", "F line 1: Bad mask '9'."},
	        {"AuthorizedKeysFile %x\n", "F line 1: Bad token in AuthorizedKeysFile '%x'."},
	        {"ListenAddress [::1\n", "F line 1: bad address:port usage"},
	        {"ListenAddress 1.2.3.4:0\n", "F line 1: bad address:port usage"},
	        {"Banner\n", "F line 1: Banner missing argument."},
	        {"MaxSessions 1 2\n", "F line 1: MaxSessions: garbage at end of line"},
	        {"AcceptEnv \"x\n", "F line 1: invalid quotes"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sshd_config c;
		assert_int_equal(load(&c, cases[i].text, NULL), SLC_ERR_CONFIG);
		if (strcmp(c.error, cases[i].msg) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, c.error, cases[i].msg);
		sshd_config_free(&c);
	}
	struct sshd_config c;
	sshd_config_init(&c);
	assert_int_equal(sshd_config_read_file(&c, &io, "/missing"), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "/missing: No such file or directory");
	sshd_config_free(&c);
}

static void test_helpers(void **state)
{
	char *out = NULL;
	assert_int_equal(
	        sshd_config_expand_keys_file(".ssh/k_%u_%U%%", "bob", "/home/bob", 1001, &out), 0);
	assert_string_equal(out, "/home/bob/.ssh/k_bob_1001%");
	free(out);
	assert_int_equal(sshd_config_expand_keys_file("%h/x", "bob", "/home/bob", 1, &out), 0);
	assert_string_equal(out, "/home/bob/x");
	free(out);
	assert_int_equal(sshd_config_expand_keys_file("%z", "bob", "/h", 1, &out), SLC_ERR_CONFIG);

	char spec[] = "user=a,host=h,addr=1.2.3.4,laddr=5.6.7.8,lport=22";
	struct sshd_conn_info ci;
	assert_int_equal(sshd_conn_info_parse(spec, &ci), 0);
	assert_string_equal(ci.user, "a");
	assert_string_equal(ci.laddr, "5.6.7.8");
	assert_int_equal(ci.lport, 22);
	char bad[] = "user=a,bogus=1";
	assert_int_equal(sshd_conn_info_parse(bad, &ci), SLC_ERR_CONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults), cmocka_unit_test(test_values),
	        cmocka_unit_test(test_match),    cmocka_unit_test(test_include),
	        cmocka_unit_test(test_errors),   cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
