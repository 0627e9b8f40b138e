/* ssh_config grammar and the shared lexer: Host patterns, Match, Include
 * (globs, conditional), first-value-wins, accumulating options, -o
 * precedence, tokens, and the error messages with file and line. Files
 * come from an in-memory map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alglist.h"
#include "cipher.h"
#include "config.h"
#include "ssh_config.h"

struct memfile {
	const char *path;
	const char *text;
};

static const struct memfile *g_files;

static int mem_read(void *ctx, const char *path, char **data, size_t *len)
{
	for (const struct memfile *f = g_files; f && f->path; f++) {
		if (strcmp(f->path, path) == 0) {
			*data = strdup(f->text);
			*len = strlen(f->text);
			return *data ? 0 : SLC_ERR_NOMEM;
		}
	}
	return SLC_ERR_NOT_FOUND;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int mem_glob(void *ctx, const char *pattern, char ***paths, size_t *n)
{
	size_t cnt = 0;
	char **v = NULL;
	for (const struct memfile *f = g_files; f && f->path; f++) {
		if (!alglist_match_pattern(f->path, pattern))
			continue;
		v = realloc(v, (cnt + 1) * sizeof(*v));
		v[cnt++] = strdup(f->path);
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*paths = v;
	*n = cnt;
	return 0;
}

static const struct cfg_io io = {mem_read, mem_glob, NULL};

/* Load host with these files (user ~/.ssh/config = /home/u/.ssh/config,
 * system /etc/ssh/ssh_config) and options; finalize. */
static int load(struct ssh_config *c, const char *host, const struct memfile *files,
                const char *const *opts, size_t nopts, const char *fflag)
{
	g_files = files;
	assert_int_equal(ssh_config_init(c, host, "me", "/home/u"), 0);
	struct ssh_config_sources src = {.options = opts, .n_options = nopts, .file = fflag};
	int r = ssh_config_load(c, &io, &src);
	if (r == 0)
		r = ssh_config_finalize(c);
	return r;
}

#define USERCFG "/home/u/.ssh/config"
#define SYSCFG "/etc/ssh/ssh_config"

static void test_lexer(void **state)
{
	struct cfg_line l;
	const char *line = "  SendEnv=\"A B\" 'C D' E\\ F # comment";
	assert_int_equal(cfg_line_split(line, strlen(line), &l), 0);
	assert_int_equal(l.argc, 4);
	assert_string_equal(l.argv[0], "SendEnv");
	assert_string_equal(l.argv[1], "A B");
	assert_string_equal(l.argv[2], "C D");
	assert_string_equal(l.argv[3], "E F");
	assert_string_equal(l.rest[2], "'C D' E\\ F # comment");
	cfg_line_free(&l);

	line = "Port = 22\r";
	assert_int_equal(cfg_line_split(line, strlen(line), &l), 0);
	assert_int_equal(l.argc, 2);
	assert_string_equal(l.argv[1], "22");
	cfg_line_free(&l);

	line = "   # only a comment";
	assert_int_equal(cfg_line_split(line, strlen(line), &l), 0);
	assert_int_equal(l.argc, 0);
	cfg_line_free(&l);

	line = "X \"unterminated";
	assert_int_equal(cfg_line_split(line, strlen(line), &l), SLC_ERR_FORMAT);
	cfg_line_free(&l);

	/* an embedded NUL ends the line */
	assert_int_equal(cfg_line_split("Port 1\0 2", 9, &l), 0);
	assert_int_equal(l.argc, 2);
	cfg_line_free(&l);
}

static void test_value_parsers(void **state)
{
	long v;
	uint64_t sz;
	bool b;
	int port;
	assert_int_equal(cfg_parse_time("30", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(cfg_parse_time("1h30m", &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(cfg_parse_time("2W1d5S", &v), 0);
	assert_int_equal(v, 2 * 604800 + 86400 + 5);
	assert_int_equal(cfg_parse_time("", &v), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_time("5x", &v), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_time("m", &v), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_time("99999999999", &v), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_size("1G", &sz), 0);
	assert_true(sz == 1073741824ull);
	assert_int_equal(cfg_parse_size("500K", &sz), 0);
	assert_true(sz == 512000);
	assert_int_equal(cfg_parse_size("12", &sz), 0);
	assert_true(sz == 12);
	assert_int_equal(cfg_parse_size("1T", &sz), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_size("-1", &sz), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_yesno("YES", &b), 0);
	assert_true(b);
	assert_int_equal(cfg_parse_yesno("no", &b), 0);
	assert_false(b);
	assert_int_equal(cfg_parse_yesno("maybe", &b), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_port("65535", false, &port), 0);
	assert_int_equal(cfg_parse_port("0", false, &port), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_port("0", true, &port), 0);
	assert_int_equal(cfg_parse_port("65536", false, &port), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_port("22x", false, &port), SLC_ERR_CONFIG);
	assert_int_equal(cfg_parse_int(" 1", 0, 9, &v), SLC_ERR_CONFIG);
}

static void test_patterns_and_addresses(void **state)
{
	assert_int_equal(cfg_match_list("foo.example", "*.example", false), 1);
	assert_int_equal(cfg_match_list("foo.example", "bar,f?o.*", false), 1);
	assert_int_equal(cfg_match_list("foo.example", "*,!foo.*", false), -1);
	assert_int_equal(cfg_match_list("foo", "!bar", false), 0);
	assert_int_equal(cfg_match_list("FOO", "foo", true), 1);
	assert_int_equal(cfg_match_list("FOO", "foo", false), 0);

	assert_int_equal(cfg_match_addr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(cfg_match_addr_list("10.1.2.3", "10.0.0.0/8,!10.1.2.3"), -1);
	assert_int_equal(cfg_match_addr_list("11.1.2.3", "10.0.0.0/8"), 0);
	assert_int_equal(cfg_match_addr_list("192.168.1.7", "192.168.1.*"), 1);
	assert_int_equal(cfg_match_addr_list("2001:db8::1", "2001:db8::/32"), 1);
	assert_int_equal(cfg_match_addr_list("2001:db9::1", "2001:db8::/32"), 0);
	assert_int_equal(cfg_match_addr_list("::1", "::1/128"), 1);
	assert_int_equal(cfg_match_addr_list("10.0.0.1", "::/0"), 0);
	assert_int_equal(cfg_match_addr_list("10.0.0.1", "0.0.0.0/0"), 1);
	assert_int_equal(cfg_match_addr_list("10.0.0.1", "10.0.0.1/33"), CFG_MATCH_BAD);
	assert_int_equal(cfg_match_addr_list("10.0.0.1", "10.0.0.1/8"), CFG_MATCH_BAD);
	assert_false(cfg_addr_list_valid("1.2.3/8"));
	assert_true(cfg_addr_list_valid("1.2.3.0/24,!1.2.3.4,*.foo"));
}

static void test_tokens(void **state)
{
	struct cfg_token t[] = {{'h', "host"}, {'p', "22"}};
	char *out = NULL, bad = 0;
	assert_int_equal(cfg_expand_tokens("%h:%p %%", t, 2, &out, &bad), 0);
	assert_string_equal(out, "host:22 %");
	free(out);
	assert_int_equal(cfg_expand_tokens("%x", t, 2, &out, &bad), SLC_ERR_CONFIG);
	assert_int_equal(bad, 'x');
	assert_int_equal(cfg_expand_tokens("abc%", t, 2, &out, &bad), SLC_ERR_CONFIG);
	assert_int_equal(bad, '\0');
	assert_int_equal(cfg_expand_tilde("~/x", "/home/u", &out), 0);
	assert_string_equal(out, "/home/u/x");
	free(out);
	assert_int_equal(cfg_expand_tilde("~other/x", "/home/u", &out), 0);
	assert_string_equal(out, "~other/x");
	free(out);

	/* ssh_config_expand: every client token */
	struct ssh_config c;
	static const struct memfile files[] = {{USERCFG, "Host h\n User ruser\n Port 99\n"}, {0}};
	assert_int_equal(load(&c, "h", files, NULL, 0, NULL), 0);
	assert_int_equal(ssh_config_expand(&c, "~/%d|%h|%n|%p|%r|%u|%%", &out), 0);
	assert_string_equal(out, "/home/u//home/u|h|h|99|ruser|me|%");
	free(out);
	assert_int_equal(ssh_config_expand(&c, "%Q", &out), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "percent_expand: unknown key %Q");
	ssh_config_free(&c);
}

static void test_defaults(void **state)
{
	struct ssh_config c;
	assert_int_equal(load(&c, "Host.Example", NULL, NULL, 0, NULL), 0);
	assert_string_equal(c.hostname, "host.example");
	assert_string_equal(c.user, "me");
	assert_int_equal(c.port, 22);
	assert_int_equal(c.strict_host_key_checking, SSH_SHKC_ASK);
	assert_int_equal(c.request_tty, SSH_TTY_AUTO);
	assert_int_equal(c.escape_char, '~');
	assert_int_equal(c.connect_timeout, SSH_CFG_UNSET);
	assert_int_equal(c.tun_local, SSH_TUNID_ANY);
	assert_int_equal(c.stream_local_bind_mask, 0177);
	assert_int_equal(c.identity_files.n, 3);
	assert_string_equal(c.user_known_hosts.v[0], "~/.ssh/known_hosts");
	assert_string_equal(c.ciphers, cipher_default_names());
	ssh_config_free(&c);
}

static void test_host_patterns(void **state)
{
	static const struct memfile files[] = {{USERCFG,
	                                        "Host *.example.com !bad.example.com\n  Port 1001\n"
	                                        "Host a?c x,y\n  Port 1002\n"
	                                        "Host one two\n  User multi\n"
	                                        "Host *\n  Port 1999\n  User all\n"},
	                                       {0}};
	struct ssh_config c;
	struct {
		const char *host;
		int port;
		const char *user;
	} cases[] = {
	        {"www.example.com", 1001, "all"},
	        {"bad.example.com", 1999, "all"},
	        {"abc", 1002, "all"},
	        {"x,y", 1002, "all"},
	        {"x", 1999, "all"}, /* commas do not split Host patterns */
	        {"two", 1999, "multi"},
	        {"ABC", 1999, "all"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(&c, cases[i].host, files, NULL, 0, NULL), 0);
		assert_int_equal(c.port, cases[i].port);
		assert_string_equal(c.user, cases[i].user);
		ssh_config_free(&c);
	}
}

static void test_first_wins_and_accumulate(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "Port 1\nPort 2\nIdentityFile a\nIdentityFile b\nIdentityFile a\n"
	                  "UserKnownHostsFile k1 k2\nUserKnownHostsFile k3\n"
	                  "LocalForward 1 h:2\nLocalForward 1 h:2\nLocalForward 3 h:4\n"
	                  "SendEnv A B\nSetEnv X=1 Y=2\n"},
	        {SYSCFG, "Port 3\nIdentityFile c\nSendEnv C\nSetEnv X=9 Z=3\nUser sys\n"},
	        {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "h", files, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 1);
	assert_string_equal(c.user, "sys");
	assert_int_equal(c.identity_files.n, 3);
	assert_string_equal(c.identity_files.v[0], "a");
	assert_string_equal(c.identity_files.v[1], "b");
	assert_string_equal(c.identity_files.v[2], "c");
	assert_int_equal(c.user_known_hosts.n, 2);
	assert_string_equal(c.user_known_hosts.v[1], "k2");
	assert_int_equal(c.local_forwards.n, 2);
	assert_int_equal(c.local_forwards.v[1].listen_port, 3);
	assert_string_equal(c.local_forwards.v[1].connect_host, "h");
	assert_int_equal(c.local_forwards.v[1].connect_port, 4);
	assert_int_equal(c.send_env.n, 3);
	assert_int_equal(c.set_env.n, 3);
	assert_string_equal(c.set_env.v[0], "X=1");
	assert_string_equal(c.set_env.v[2], "Z=3");
	ssh_config_free(&c);
}

static void test_options_precedence(void **state)
{
	static const struct memfile files[] = {{USERCFG, "Port 1\nUser fileuser\nIdentityFile f\n"},
	                                       {0}};
	const char *opts[] = {"Port=7", "port 8", "IdentityFile=o", "user = optuser"};
	struct ssh_config c;
	assert_int_equal(load(&c, "h", files, opts, 4, NULL), 0);
	assert_int_equal(c.port, 7);
	assert_string_equal(c.user, "optuser");
	assert_int_equal(c.identity_files.n, 2);
	assert_string_equal(c.identity_files.v[0], "o");
	ssh_config_free(&c);

	const char *bad[] = {"Host x"};
	assert_int_equal(load(&c, "h", files, bad, 1, NULL), SLC_ERR_CONFIG);
	assert_non_null(strstr(c.error, "command-line line 0:"));
	ssh_config_free(&c);
	const char *bad2[] = {"Port=abc"};
	assert_int_equal(load(&c, "h", files, bad2, 1, NULL), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "command-line line 0: Bad port 'abc'.");
	ssh_config_free(&c);
	const char *bad3[] = {"Bogus=1"};
	assert_int_equal(load(&c, "h", files, bad3, 1, NULL), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "command-line: line 0: Bad configuration option: bogus");
	ssh_config_free(&c);
}

static void test_F_flag(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "Port 1\n"}, {SYSCFG, "User sys\n"}, {"/tmp/f", "Port 5\n"}, {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "h", files, NULL, 0, "/tmp/f"), 0);
	assert_int_equal(c.port, 5);
	assert_string_equal(c.user, "me"); /* system file not read */
	ssh_config_free(&c);
	assert_int_equal(load(&c, "h", files, NULL, 0, "none"), 0);
	assert_int_equal(c.port, 22);
	ssh_config_free(&c);
	assert_int_equal(load(&c, "h", files, NULL, 0, "/tmp/missing"), SLC_ERR_CONFIG);
	assert_string_equal(c.error,
	                    "Can't open user config file /tmp/missing: No such file or directory");
	ssh_config_free(&c);
}

static void test_match(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "Host alias\n  Hostname Real.Example\n"
	                  "Match host real.example\n  Port 2001\n"
	                  "Match originalhost alias user bob\n  LogLevel QUIET\n"
	                  "Match localuser me !host nothere\n  BatchMode yes\n"
	                  "Match host !real.example,*.example\n  Compression yes\n"
	                  "Match all\n  ConnectionAttempts 7\n"
	                  "Match final host real.example\n  ServerAliveInterval 9\n"
	                  "Match canonical\n  ServerAliveCountMax 8\n"
	                  "Match !final\n  TCPKeepAlive no\n"},
	        {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "alias", files, NULL, 0, NULL), 0);
	assert_string_equal(c.hostname, "real.example");
	assert_int_equal(c.port, 2001);
	assert_int_equal(c.log_level, SSH_LOG_INFO);
	assert_int_equal(c.batch_mode, 1);
	assert_int_equal(c.compression, 0);
	assert_int_equal(c.connection_attempts, 7);
	assert_int_equal(c.server_alive_interval, 9);
	assert_int_equal(c.server_alive_count_max, 8);
	assert_int_equal(c.tcp_keep_alive, 0);
	ssh_config_free(&c);

	const char *opts[] = {"User=bob"};
	assert_int_equal(load(&c, "alias", files, opts, 1, NULL), 0);
	assert_int_equal(c.log_level, SSH_LOG_QUIET);
	ssh_config_free(&c);

	assert_int_equal(load(&c, "other.example", files, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 22);
	assert_int_equal(c.compression, 1);
	assert_true(c.warn_compression);
	/* Debian: BatchMode makes ServerAliveInterval default to 300 */
	assert_int_equal(c.server_alive_interval, 300);
	ssh_config_free(&c);
}

static void test_final_pass_host(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "Host x\n  Hostname y\nHost y\n  Port 4\nMatch final host y\n  User f\n"},
	        {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "x", files, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 4);
	assert_string_equal(c.user, "f");
	ssh_config_free(&c);
}

static void test_include(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "Host b\n  Include cond.conf\n"
	                  "Host *\n  Include conf.d/*.conf /abs.conf\n  LogLevel ERROR\n"},
	        {"/home/u/.ssh/conf.d/20-b.conf", "Port 3002\nUser inc\n"},
	        {"/home/u/.ssh/conf.d/10-a.conf", "Host a\n  Port 3001\n"},
	        {"/home/u/.ssh/cond.conf", "User conditional\nHost zzz\n  Port 3003\n"},
	        {"/abs.conf", "BatchMode yes\n"},
	        {SYSCFG, "Include sys.d/*\n"},
	        {"/etc/ssh/sys.d/x", "Compression yes\n"},
	        {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "a", files, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 3001);
	assert_string_equal(c.user, "inc");
	assert_int_equal(c.log_level, SSH_LOG_ERROR);
	assert_int_equal(c.batch_mode, 1);
	assert_int_equal(c.compression, 1); /* system Include is under /etc/ssh */
	ssh_config_free(&c);

	assert_int_equal(load(&c, "b", files, NULL, 0, NULL), 0);
	assert_string_equal(c.user, "conditional");
	assert_int_equal(c.port, 3002);
	ssh_config_free(&c);

	/* Include in a block that does not apply: nothing in it applies, even
	 * a Host line that would match. */
	assert_int_equal(load(&c, "zzz", files, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 3002);
	assert_string_equal(c.user, "inc");
	ssh_config_free(&c);
}

static void test_include_errors(void **state)
{
	static const struct memfile loop[] = {{USERCFG, "Include config\n"}, {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "h", loop, NULL, 0, NULL), SLC_ERR_CONFIG);
	assert_non_null(strstr(c.error, "Too many recursive configuration includes"));
	ssh_config_free(&c);
	static const struct memfile bad[] = {
	        {USERCFG, "Include inc\n"}, {"/home/u/.ssh/inc", "\n\nPort x\n"}, {0}};
	assert_int_equal(load(&c, "h", bad, NULL, 0, NULL), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "/home/u/.ssh/inc line 3: Bad port 'x'.\n"
	                             "/home/u/.ssh/inc: terminating, 1 bad configuration options");
	ssh_config_free(&c);
	static const struct memfile tilde[] = {{SYSCFG, "Include ~/x\n"}, {0}};
	assert_int_equal(load(&c, "h", tilde, NULL, 0, NULL), SLC_ERR_CONFIG);
	ssh_config_free(&c);
	/* a missing include is no error */
	static const struct memfile missing[] = {{USERCFG, "Include nothere*\nPort 9\n"}, {0}};
	assert_int_equal(load(&c, "h", missing, NULL, 0, NULL), 0);
	assert_int_equal(c.port, 9);
	ssh_config_free(&c);
}

static void test_values(void **state)
{
	static const struct memfile files[] = {
	        {USERCFG, "ServerAliveInterval 1m\nConnectTimeout none\nRekeyLimit 1G 1h\n"
	                  "EscapeChar ^A\nTunnelDevice 3\nStreamLocalBindMask 0022\n"
	                  "StrictHostKeyChecking accept-new\nRequestTTY force\nTunnel ethernet\n"
	                  "ForwardAgent $SSH_AUTH_SOCK\nPubkeyAuthentication host-bound\n"
	                  "Ciphers -aes128*\nMACs ^hmac-sha2-512\nAddressFamily inet6\n"
	                  "ProxyCommand ssh -W %h:%p \"jump host\"   \nProxyJump j\n"
	                  "PubkeyAcceptedKeyTypes +ssh-rsa\nLogLevel DEBUG\n"
	                  "PermitRemoteOpen a:1 b:*\nCertificateFile c\nControlMaster auto\n"},
	        {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "h", files, NULL, 0, NULL), 0);
	assert_int_equal(c.server_alive_interval, 60);
	assert_int_equal(c.connect_timeout, SSH_CFG_UNSET);
	assert_true(c.rekey_limit_bytes == 1073741824);
	assert_int_equal(c.rekey_limit_seconds, 3600);
	assert_int_equal(c.escape_char, 1);
	assert_int_equal(c.tun_local, 3);
	assert_int_equal(c.tun_remote, SSH_TUNID_ANY);
	assert_int_equal(c.stream_local_bind_mask, 022);
	assert_int_equal(c.strict_host_key_checking, SSH_SHKC_ACCEPT_NEW);
	assert_int_equal(c.request_tty, SSH_TTY_FORCE);
	assert_int_equal(c.tunnel, SSH_TUN_ETHERNET);
	assert_string_equal(c.forward_agent_sock, "$SSH_AUTH_SOCK");
	assert_int_equal(c.pubkey_authentication, SSH_PUBKEY_HOSTBOUND);
	assert_null(strstr(c.ciphers, "aes128"));
	assert_true(strncmp(c.macs, "hmac-sha2-512,", 14) == 0);
	assert_int_equal(c.address_family, SSH_AF_INET6);
	assert_string_equal(c.proxy_command, "ssh -W %h:%p \"jump host\"");
	assert_null(c.proxy_jump); /* ProxyCommand came first */
	assert_non_null(strstr(c.pubkey_accepted_algorithms, "ssh-rsa"));
	assert_int_equal(c.log_level, SSH_LOG_DEBUG1);
	assert_int_equal(c.permit_remote_open.n, 2);
	assert_int_equal(c.certificate_files.n, 1);
	assert_int_equal(c.unsupported.n, 1);
	assert_string_equal(c.unsupported.v[0], USERCFG " line 21: ControlMaster");
	ssh_config_free(&c);
}

/* Forwards go through fwdspec; lists keep OpenSSH's order (local-side
 * keywords interleaved, command line first) and drop repeats. */
static void test_forward_specs(void **state)
{
	static const struct memfile files[] = {
	        {"F", "LocalForward [::1]:8080 [::2]:80\nDynamicForward *:1080\n"
	              "RemoteForward /tmp/s /tmp/t\nRemoteForward 1080\nDynamicForward 9:/sock\n"
	              "LocalForward 8080:h 80\nLocalForward 7 h:7\n"
	              "Host nomatch\n LocalForward 6 h:6\n"},
	        {0}};
	static const char *const opts[] = {"LocalForward=7 h:7", "RemoteForward 0 h:1"};
	struct ssh_config c;
	g_files = files;
	assert_int_equal(ssh_config_init(&c, "x", "me", "/home/u"), 0);
	assert_int_equal(ssh_config_add_forward_arg(&c, FWDSPEC_DYNAMIC, "5"), 0);
	assert_int_equal(ssh_config_add_forward_arg(&c, FWDSPEC_REMOTE, "[::1]:4"), 0);
	assert_int_equal(ssh_config_add_forward_arg(&c, FWDSPEC_LOCAL, "8080"), SLC_ERR_CONFIG);
	assert_string_equal(c.error, "Bad local forwarding specification '8080'");
	struct ssh_config_sources src = {.options = opts, .n_options = 2, .file = "F"};
	assert_int_equal(ssh_config_load(&c, &io, &src), 0);
	assert_int_equal(ssh_config_finalize(&c), 0);

	assert_int_equal(c.local_forwards.n, 6);
	const struct fwdspec *f = c.local_forwards.v;
	assert_int_equal(f[0].kind, FWDSPEC_DYNAMIC);
	assert_int_equal(f[0].listen_port, 5);
	assert_int_equal(f[1].listen_port, 7); /* -o, then the file's repeat dropped */
	assert_string_equal(f[2].listen_host, "::1");
	assert_string_equal(f[2].connect_host, "::2");
	assert_int_equal(f[2].connect_port, 80);
	assert_true(f[3].dynamic);
	assert_string_equal(f[3].listen_host, "*");
	assert_int_equal(f[4].kind, FWDSPEC_LOCAL); /* DynamicForward to a socket */
	assert_string_equal(f[4].connect_path, "/sock");
	assert_int_equal(f[5].listen_port, 8080); /* "8080:h 80": joined with ':' */
	assert_string_equal(f[5].connect_host, "h");

	assert_int_equal(c.remote_forwards.n, 4);
	f = c.remote_forwards.v;
	assert_true(f[0].dynamic);
	assert_string_equal(f[0].listen_host, "::1");
	assert_int_equal(f[1].listen_port, 0);
	assert_string_equal(f[2].listen_path, "/tmp/s");
	assert_string_equal(f[2].connect_path, "/tmp/t");
	assert_true(f[3].dynamic);

	char *out = NULL;
	assert_int_equal(ssh_config_dump(&c, &out), 0);
	assert_non_null(strstr(out, "\ndynamicforward 5\ndynamicforward [*]:1080\n"
	                            "dynamicforward 9\n"
	                            "localforward 7 [h]:7\nlocalforward [::1]:8080 [::2]:80\n"
	                            "localforward 9 /sock\nlocalforward 8080 [h]:80\n"
	                            "remoteforward [::1]:4 [socks]:0\nremoteforward 0 [h]:1\n"
	                            "remoteforward /tmp/s /tmp/t\nremoteforward 1080 [socks]:0\n"));
	free(out);
	ssh_config_free(&c);

	/* ClearAllForwardings empties both lists, whatever the order. */
	static const struct memfile clear[] = {
	        {"F", "LocalForward 1 h:1\nClearAllForwardings yes\nRemoteForward 2\n"}, {0}};
	assert_int_equal(load(&c, "x", clear, NULL, 0, "F"), 0);
	assert_int_equal(c.local_forwards.n, 0);
	assert_int_equal(c.remote_forwards.n, 0);
	ssh_config_free(&c);
}

/* Every error path: file:line and OpenSSH's wording. */
static void test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
	        {"\nFoo bar\n", "F: line 2: Bad configuration option: foo"},
	        {"Port abc\n", "F line 1: Bad port 'abc'."},
	        {"Port 0\n", "F line 1: Bad port '0'."},
	        {"Port\n", "F line 1: no argument after keyword \"port\""},
	        {"Port \"\"\n", "F line 1: Missing argument."},
	        {"Port 1 2\n", "F line 1: keyword port extra arguments at end of line"},
	        {"StrictHostKeyChecking maybe\n", "F line 1: unsupported option \"maybe\"."},
	        {"SendEnv \"A B\n", "F line 1: invalid quotes"},
	        {"Ciphers aes128-ctr,nope\n", "F line 1: Bad SSH2 cipher spec 'aes128-ctr,nope'."},
	        {"MACs nope\n", "F line 1: Bad SSH2 MAC spec 'nope'."},
	        {"KexAlgorithms nope\n", "F line 1: Bad SSH2 KexAlgorithms 'nope'."},
	        {"HostKeyAlgorithms nope\n", "F line 1: Bad key types 'nope'."},
	        {"ServerAliveInterval 5x\n", "F line 1: invalid time value '5x'."},
	        {"ConnectionAttempts -1\n", "F line 1: Bad number '-1'."},
	        {"RekeyLimit 1X\n", "F line 1: Bad RekeyLimit size '1X'."},
	        {"RekeyLimit 1G soon\n", "F line 1: Bad RekeyLimit time value 'soon'."},
	        {"RekeyLimit 1G 1h 3\n",
	         "F line 1: keyword rekeylimit extra arguments at end of line"},
	        {"EscapeChar ab\n", "F line 1: Bad escape character 'ab'."},
	        {"TunnelDevice x:1\n", "F line 1: Bad tun device 'x:1'."},
	        {"StreamLocalBindMask 8\n", "F line 1: Bad mask '8'."},
	        {"LocalForward 1\n", "F line 1: Missing target argument."},
	        {"LocalForward x h:1\n", "F line 1: Bad forwarding specification."},
	        {"LocalForward 1 h:2 x\n",
	         "F line 1: keyword localforward extra arguments at end of line"},
	        {"LocalForward\n", "F line 1: no argument after keyword \"localforward\""},
	        {"LocalForward \"\" h:2\n", "F line 1: Missing argument."},
	        {"RemoteForward\n", "F line 1: no argument after keyword \"remoteforward\""},
	        {"DynamicForward a b\n",
	         "F line 1: keyword dynamicforward extra arguments at end of line"},
	        {"DynamicForward 0\n", "F line 1: Bad forwarding specification."},
	        {"Host nomatch\nDynamicForward 0\n", "F line 2: Bad forwarding specification."},
	        {"PermitRemoteOpen any x:1\n",
	         "F line 1: Bad PermitRemoteOpen specification 'any'."},
	        {"SetEnv NOEQ\n", "F line 1: Invalid environment variable 'NOEQ'."},
	        {"SendEnv A=B\n", "F line 1: Invalid environment name 'A=B'."},
	        {"Hostname \"a b\"\n", "F line 1: Invalid hostname 'a b'."},
	        {"Host\n", "F line 1: no argument after keyword \"host\""},
	        {"Match\n", "F line 1: no argument after keyword \"match\""},
	        {"Match exec true\n", "F line 1: Match exec is not supported by sluice"},
	        {"ProxyCommand\n", "F line 1: Missing argument."},
	        {"Include\n", "F line 1: Include missing filename argument"},
	};
	static const struct {
		const char *text;
		const char *msg;
	} match_cases[] = {
	        {"Match all host x\n",
	         "F line 1: 'all' cannot be combined with other Match attributes\n"
	         "F line 1: Bad Match condition"},
	        {"Match host\n", "Missing Match criteria for host\nF line 1: Bad Match condition"},
	        {"Match bogus x\n",
	         "Unsupported Match attribute bogus\nF line 1: Bad Match condition"},
	};
	struct ssh_config c;
	char want[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct memfile files[] = {{"F", cases[i].text}, {0}};
		assert_int_equal(load(&c, "x", files, NULL, 0, "F"), SLC_ERR_CONFIG);
		snprintf(want, sizeof(want), "%s\nF: terminating, 1 bad configuration options",
		         cases[i].msg);
		if (strcmp(c.error, want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, c.error, want);
		ssh_config_free(&c);
	}
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		struct memfile files[] = {{"F", match_cases[i].text}, {0}};
		assert_int_equal(load(&c, "x", files, NULL, 0, "F"), SLC_ERR_CONFIG);
		snprintf(want, sizeof(want), "%s\nF: terminating, 1 bad configuration options",
		         match_cases[i].msg);
		assert_string_equal(c.error, want);
		ssh_config_free(&c);
	}
}

static void test_ignore_unknown(void **state)
{
	static const struct memfile files[] = {
	        {"F", "IgnoreUnknown UseKeychain,Foo*\nUseKeychain yes\nFooBar 1\n"}, {0}};
	struct ssh_config c;
	assert_int_equal(load(&c, "x", files, NULL, 0, "F"), 0);
	assert_int_equal(c.unsupported.n, 2);
	ssh_config_free(&c);
}

static void test_dump(void **state)
{
	static const struct memfile files[] = {
	        {"F", "Host h\n  LocalForward 127.0.0.1:1 localhost:2\n  RemoteForward 9\n"
	              "  DynamicForward 3\n  EscapeChar ^B\n  UserKnownHostsFile ~/k %h\n"
	              "  ProxyJump j\n  ConnectTimeout 5\n"},
	        {0}};
	struct ssh_config c;
	char *out = NULL;
	assert_int_equal(load(&c, "h", files, NULL, 0, "F"), 0);
	assert_int_equal(ssh_config_dump(&c, &out), 0);
	assert_true(strncmp(out, "host h\nuser me\nhostname h\nport 22\n", 33) == 0);
	assert_non_null(strstr(out, "\ndynamicforward 3\nlocalforward [127.0.0.1]:1 [localhost]:2\n"
	                            "remoteforward 9 [socks]:0\n"));
	assert_non_null(strstr(out, "\nescapechar \\^B\n"));
	assert_non_null(strstr(out, "\nuserknownhostsfile /home/u/k h\n"));
	assert_non_null(strstr(out, "\nconnecttimeout 5\n"));
	assert_non_null(strstr(out, "\nstreamlocalbindmask 0177\nproxyjump j\n"));
	free(out);
	ssh_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lexer),
	        cmocka_unit_test(test_value_parsers),
	        cmocka_unit_test(test_patterns_and_addresses),
	        cmocka_unit_test(test_tokens),
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_host_patterns),
	        cmocka_unit_test(test_first_wins_and_accumulate),
	        cmocka_unit_test(test_options_precedence),
	        cmocka_unit_test(test_F_flag),
	        cmocka_unit_test(test_match),
	        cmocka_unit_test(test_final_pass_host),
	        cmocka_unit_test(test_include),
	        cmocka_unit_test(test_include_errors),
	        cmocka_unit_test(test_values),
	        cmocka_unit_test(test_forward_specs),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_ignore_unknown),
	        cmocka_unit_test(test_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
