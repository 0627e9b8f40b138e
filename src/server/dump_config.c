/* dump_config: `sluiced -t` / `sluiced -T`. */
#include "dump_config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_fs.h"
#include "sshd_config.h"

/* The user's groups for Match Group, as sshd -C looks them up. */
static int user_groups(const char *user, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	const struct passwd *pw = user ? getpwnam(user) : NULL;
	if (pw == NULL)
		return 0;
	int ng = 64;
	gid_t *gids = NULL;
	for (;;) {
		gid_t *ng2 = realloc(gids, (size_t)ng * sizeof(*gids));
		if (ng2 == NULL) {
			free(gids);
			return -1;
		}
		gids = ng2;
		int want = ng;
		if (getgrouplist(user, pw->pw_gid, gids, &want) >= 0) {
			ng = want;
			break;
		}
		if (want <= ng)
			want = ng * 2;
		ng = want;
	}
	*names = calloc((size_t)ng + 1, sizeof(**names));
	for (int i = 0; *names && i < ng; i++) {
		const struct group *g = getgrgid(gids[i]);
		if (g && ((*names)[*n] = strdup(g->gr_name)) != NULL)
			(*n)++;
	}
	free(gids);
	return *names ? 0 : -1;
}

int server_print_config(const char *file, const char *const *host_keys, size_t n_host_keys,
                        const char *conn_spec, bool print, FILE *out)
{
	struct sshd_config c, eff;
	struct cfg_io io;
	char *text = NULL, *spec = NULL, **groups = NULL;
	size_t ngroups = 0;
	int status = 255, r = 0;
	const struct sshd_config *show = &c;
	sshd_config_init(&c);
	sshd_config_init(&eff);
	config_fs_io(&io);
	for (size_t i = 0; i < n_host_keys && r == 0; i++)
		r = cfg_strv_push(&c.host_keys, host_keys[i]);
	if (r == 0)
		r = sshd_config_read_file(&c, &io, file ? file : "/etc/ssh/sshd_config");
	if (r == 0)
		r = sshd_config_finalize(&c);
	if (r < 0) {
		fprintf(stderr, "%s\n", c.error ? c.error : slc_strerror(r));
		goto out;
	}
	if (conn_spec != NULL) {
		struct sshd_conn_info ci;
		if ((spec = strdup(conn_spec)) == NULL || sshd_conn_info_parse(spec, &ci) < 0) {
			fprintf(stderr, "Invalid test mode specification %s\n", conn_spec);
			goto out;
		}
		if (user_groups(ci.user, &groups, &ngroups) < 0)
			goto out;
		ci.groups = (const char *const *)groups;
		ci.ngroups = ngroups;
		r = sshd_config_for_connection(&c, &ci, &eff);
		if (r < 0) {
			fprintf(stderr, "%s\n", eff.error ? eff.error : slc_strerror(r));
			goto out;
		}
		show = &eff;
	}
	if (print) {
		if (sshd_config_dump(show, &text) < 0 || fputs(text, out) == EOF ||
		    fflush(out) == EOF)
			goto out;
	}
	status = 0;
out:
	for (size_t i = 0; i < ngroups; i++)
		free(groups[i]);
	free(groups);
	free(spec);
	free(text);
	sshd_config_free(&eff);
	sshd_config_free(&c);
	return status;
}
