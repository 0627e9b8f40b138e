/* dump_config: `sluice -G`. */
#include "dump_config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_fs.h"
#include "ssh_config.h"

int client_print_config(const char *host, const char *const *options, size_t n_options,
                        const char *file, FILE *out)
{
	struct ssh_config c;
	struct cfg_io io;
	char *text = NULL;
	int status = 255;
	/* The password database, not $HOME, as OpenSSH does for ~ in configs. */
	const struct passwd *pw = getpwuid(getuid());
	if (pw == NULL) {
		fprintf(stderr, "No user exists for uid %lu\n", (unsigned long)getuid());
		return 255;
	}
	if (ssh_config_init(&c, host, pw->pw_name, pw->pw_dir) < 0) {
		fputs("out of memory\n", stderr);
		return 255;
	}
	config_fs_io(&io);
	struct ssh_config_sources src = {.options = options, .n_options = n_options, .file = file};
	int r = ssh_config_load(&c, &io, &src);
	if (r == 0)
		r = ssh_config_finalize(&c);
	if (r == 0)
		r = ssh_config_dump(&c, &text);
	if (r < 0) {
		fprintf(stderr, "%s\n", c.error ? c.error : slc_strerror(r));
		goto out;
	}
	if (fputs(text, out) == EOF || fflush(out) == EOF)
		goto out;
	status = 0;
out:
	free(text);
	ssh_config_free(&c);
	return status;
}
