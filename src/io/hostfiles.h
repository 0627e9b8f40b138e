/* hostfiles: the file side of known_hosts and authorized_keys. The
 * parsing lives in src/core (known_hosts.h, authorized_keys.h); this
 * reads files into memory for it and appends accepted host keys. */
#ifndef SLC_HOSTFILES_H
#define SLC_HOSTFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "known_hosts.h"

/* Default cap for hostfiles_read: far above any real known_hosts or
 * authorized_keys, low enough that a hostile file cannot exhaust memory. */
#define HOSTFILES_MAX_SIZE (16u * 1024 * 1024)

/* Read the whole of path into *text (NUL-terminated; *len excludes the
 * NUL; caller frees). SLC_ERR_NOT_FOUND when it does not exist (ENOENT or
 * ENOTDIR), SLC_ERR_LIMIT when it is over max bytes or not a regular file,
 * SLC_ERR_SYS (errno set) for other failures, SLC_ERR_NOMEM. */
SLC_WUR int hostfiles_read(const char *path, size_t max, char **text, size_t *len);

/* Read each existing file of paths into db, in order (missing files are
 * skipped, as ssh(1) does). Other read errors are returned with *failed
 * (may be NULL) set to the index of the file. */
SLC_WUR int hostfiles_load_known_hosts(struct kh_db *db, const char *const *paths, size_t n,
                                       size_t *failed);

/* Append text (whole newline-terminated lines, e.g. from kh_format_entry)
 * to the known_hosts file path. The file is created if missing with mode
 * 0666 less the umask, as ssh(1) does; if its directory is missing it is
 * created with mode 0700 (one level only: ~/.ssh, not ~) and *created_dir
 * (may be NULL) is set so the caller can say so. A file whose last line
 * lacks its newline gets one first, so the new entry is not glued to it.
 * SLC_ERR_SYS (errno set) on failure. */
SLC_WUR int hostfiles_append(const char *path, const char *text, bool *created_dir);

#endif
