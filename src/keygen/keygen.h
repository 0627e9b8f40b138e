/* sluice-keygen internals: options shared by the commands, the commands
 * themselves, and terminal prompting.
 *
 * Commands return the process exit status, following ssh-keygen: 0 on
 * success, 1 when the user declines or a file cannot be written during
 * generation, 255 for bad arguments and keys that cannot be loaded. */
#ifndef SLC_KEYGEN_H
#define SLC_KEYGEN_H

#include <stdbool.h>

#include "sshkey.h"

#define KG_EXIT_OK 0
#define KG_EXIT_DECLINED 1
#define KG_EXIT_FAIL 255

/* The key type made when -t is absent and the identity read by -y, -l
 * and -p when -f is absent: ed25519, as OpenSSH does since 9.5 (9.2 made
 * rsa). */
#define KG_DEFAULT_TYPE "ed25519"

/* Longest passphrase or file name read interactively. */
#define KG_LINE_MAX 4096

struct kg_opts {
	const char *type_arg; /* -t as given, NULL for the default */
	unsigned bits; /* -b, 0 when not given */
	const char *new_passphrase; /* -N */
	const char *old_passphrase; /* -P */
	const char *comment; /* -C */
	const char *file; /* -f */
	enum sshkey_fp_alg fp_alg; /* -E */
	unsigned rounds; /* -a, 0 for the keyfile default */
	bool quiet; /* -q */
};

/* The commands. */
int kg_generate(const struct kg_opts *o);
int kg_print_public(const struct kg_opts *o);
int kg_fingerprint(const struct kg_opts *o);
int kg_change_passphrase(const struct kg_opts *o);

/* Read a passphrase from the controlling terminal with echo off, after
 * writing prompt there. *out is malloc'd; free it with kg_free_secret.
 * SLC_ERR_NOT_FOUND when there is no terminal to ask; if a signal arrives
 * while echo is off, the terminal is restored and the signal re-raised. */
SLC_WUR int kg_read_passphrase(const char *prompt, char **out);
void kg_free_secret(char *s);

/* Print prompt on stdout and read one line from stdin, without its line
 * end. *out is malloc'd. SLC_ERR_CLOSED at end of input. */
SLC_WUR int kg_ask_line(const char *prompt, char **out);

/* The login user's home directory (passwd entry, then $HOME). Caller frees.
 * SLC_ERR_NOT_FOUND when neither is known. */
SLC_WUR int kg_home_dir(char **out);

/* "~/.ssh/id_<name>" for the default key type, for commands that read a
 * key. Caller frees. */
SLC_WUR int kg_default_identity(const char *name, char **out);

/* The file to operate on: -f, or ask ssh-keygen's "Enter file in which
 * the key is (default): ". Exit status on failure, 0 on success. */
int kg_input_file(const struct kg_opts *o, char **out);

/* As kg_input_file, with question in the prompt and the default
 * "~/.ssh/id_<name>" (see kg_default_identity). */
int kg_ask_file(const struct kg_opts *o, const char *name, const char *question, char **out);

#endif
