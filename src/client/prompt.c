/* prompt: passwords, passphrases and yes/no answers from the user, on
 * /dev/tty (never stdin, which carries session data) or through
 * SSH_ASKPASS as SSH_ASKPASS_REQUIRE says (ssh(1) ENVIRONMENT). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "client.h"

#define PROMPT_MAX 1024

void prompt_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* Run the askpass program with the prompt as its argument; its stdout,
 * first line, is the answer. Non-zero exit: cancelled. */
static char *askpass(const char *prog, const char *prompt)
{
	int p[2];
	char buf[PROMPT_MAX];
	size_t len = 0;
	if (pipe(p) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(1);
		execlp(prog, prog, prompt, (char *)NULL);
		_exit(1);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(p[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	char *nl = strpbrk(buf, "\r\n");
	if (nl)
		*nl = '\0';
	char *out = NULL;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		out = strdup(buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	return out;
}

static char *tty_read(int fd, const char *prompt, bool echo)
{
	struct termios old, raw;
	bool restore = false;
	char buf[PROMPT_MAX];
	size_t len = 0;
	/* Echo goes off before the prompt shows, so nothing typed in answer
	 * to it can be echoed. */
	if (!echo && tcgetattr(fd, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		raw.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &raw) == 0)
			restore = true;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		if (restore)
			tcsetattr(fd, TCSAFLUSH, &old);
		return NULL;
	}
	bool ok = false;
	for (;;) {
		char ch;
		ssize_t n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (ch == '\n' || ch == '\r') {
			ok = true;
			break;
		}
		if (len < sizeof(buf) - 1)
			buf[len++] = ch;
	}
	buf[len] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		if (write(fd, "\n", 1) < 0) {
			/* nothing to do about it */
		}
	}
	char *out = ok ? strdup(buf) : NULL;
	OPENSSL_cleanse(buf, sizeof(buf));
	return out;
}

char *prompt_read(const char *prompt, bool echo)
{
	const char *prog = getenv("SSH_ASKPASS");
	const char *req = getenv("SSH_ASKPASS_REQUIRE");
	bool have_prog = prog && *prog;
	if (req && !strcmp(req, "force") && have_prog)
		return askpass(prog, prompt);
	if (req && !strcmp(req, "prefer") && have_prog)
		return askpass(prog, prompt);
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		/* No terminal: askpass when there is a display, as ssh does. */
		const char *disp = getenv("DISPLAY");
		if (have_prog && !(req && !strcmp(req, "never")) && disp && *disp)
			return askpass(prog, prompt);
		return NULL;
	}
	char *out = tty_read(fd, prompt, echo);
	close(fd);
	return out;
}
