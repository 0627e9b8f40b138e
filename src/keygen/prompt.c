/* Talking to the user: passphrases on the terminal, file names and
 * yes/no answers on stdin as ssh-keygen reads them. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keygen.h"

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
}

/* Signals that would otherwise kill us with the terminal's echo off. */
static const int watched_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_WATCHED (sizeof(watched_signals) / sizeof(watched_signals[0]))

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR && !caught_signal)
			continue;
		if (w <= 0)
			return; /* a prompt we cannot show is not worth failing for */
		s += w;
		n -= (size_t)w;
	}
}

void kg_free_secret(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

int kg_read_passphrase(const char *prompt, char **out)
{
	struct sigaction sa, saved[N_WATCHED];
	struct termios old_tio, tio;
	bool restore_tio = false;
	char *line = NULL;
	size_t len = 0;
	int fd = -1, r = SLC_ERR_SYS;
	size_t i;

	*out = NULL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return SLC_ERR_NOT_FOUND;
	line = malloc(KG_LINE_MAX + 1);
	if (line == NULL) {
		close(fd);
		return SLC_ERR_NOMEM;
	}

	/* No SA_RESTART: a signal must interrupt the read below. */
	caught_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N_WATCHED; i++)
		sigaction(watched_signals[i], &sa, &saved[i]);

	if (tcgetattr(fd, &old_tio) == 0) {
		tio = old_tio;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		if (tcsetattr(fd, TCSAFLUSH, &tio) == 0)
			restore_tio = true;
	}
	write_all(fd, prompt, strlen(prompt));

	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR && !caught_signal)
			continue;
		if (n < 0 || caught_signal)
			goto restore;
		if (n == 0 || c == '\n' || c == '\r')
			break; /* end of input ends the line, as readpassphrase does */
		if (len < KG_LINE_MAX)
			line[len++] = c; /* longer input is read and dropped */
		c = 0;
	}
	line[len] = '\0';
	r = 0;

restore:
	if (restore_tio) {
		tcsetattr(fd, TCSAFLUSH, &old_tio);
		write_all(fd, "\n", 1); /* the user's Enter was not echoed */
	}
	close(fd);
	for (i = 0; i < N_WATCHED; i++)
		sigaction(watched_signals[i], &saved[i], NULL);
	if (caught_signal) {
		OPENSSL_cleanse(line, KG_LINE_MAX + 1);
		free(line);
		raise(caught_signal);
		return SLC_ERR_CLOSED; /* the signal was handled or ignored */
	}
	if (r != 0) {
		OPENSSL_cleanse(line, KG_LINE_MAX + 1);
		free(line);
		return r;
	}
	*out = line; /* transferred */
	return 0;
}

int kg_ask_line(const char *prompt, char **out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	*out = NULL;
	fputs(prompt, stdout);
	fflush(stdout);
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return SLC_ERR_CLOSED;
	}
	if (n > KG_LINE_MAX) {
		free(line);
		return SLC_ERR_LENGTH;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = line;
	return 0;
}

int kg_home_dir(char **out)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = pw != NULL ? pw->pw_dir : NULL;

	*out = NULL;
	if (home == NULL || *home == '\0')
		home = getenv("HOME");
	if (home == NULL || *home == '\0')
		return SLC_ERR_NOT_FOUND;
	*out = strdup(home);
	return *out != NULL ? 0 : SLC_ERR_NOMEM;
}

int kg_default_identity(const char *name, char **out)
{
	char *home = NULL;
	int r;

	*out = NULL;
	r = kg_home_dir(&home);
	if (r != 0)
		return r;
	if (asprintf(out, "%s/.ssh/id_%s", home, name) < 0) {
		*out = NULL;
		r = SLC_ERR_NOMEM;
	}
	free(home);
	return r;
}

int kg_ask_file(const struct kg_opts *o, const char *name, const char *question, char **out)
{
	char *def = NULL, *prompt = NULL, *answer = NULL;
	int r, status = KG_EXIT_FAIL;

	*out = NULL;
	if (o->file != NULL) {
		*out = strdup(o->file);
		if (*out == NULL) {
			fprintf(stderr, "sluice-keygen: %s\n", slc_strerror(SLC_ERR_NOMEM));
			return KG_EXIT_FAIL;
		}
		return 0;
	}
	r = kg_default_identity(name, &def);
	if (r != 0) {
		fprintf(stderr, "sluice-keygen: cannot find the home directory: %s\n",
		        slc_strerror(r));
		goto out;
	}
	if (asprintf(&prompt, "%s (%s): ", question, def) < 0) {
		prompt = NULL;
		fprintf(stderr, "sluice-keygen: %s\n", slc_strerror(SLC_ERR_NOMEM));
		goto out;
	}
	r = kg_ask_line(prompt, &answer);
	if (r != 0) {
		status = KG_EXIT_DECLINED; /* ssh-keygen exits 1 at end of input */
		goto out;
	}
	if (*answer == '\0') {
		*out = def; /* transferred */
		def = NULL;
	} else {
		*out = answer; /* transferred */
		answer = NULL;
	}
	status = 0;
out:
	free(def);
	free(prompt);
	free(answer);
	return status;
}

int kg_input_file(const struct kg_opts *o, char **out)
{
	return kg_ask_file(o, KG_DEFAULT_TYPE, "Enter file in which the key is", out);
}
