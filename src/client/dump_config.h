/* dump_config: `sluice -G`, the effective configuration for a host. */
#ifndef SLC_CLIENT_DUMP_CONFIG_H
#define SLC_CLIENT_DUMP_CONFIG_H

#include <stddef.h>
#include <stdio.h>

/* Load the configuration for host as the client would (options = the -o
 * strings and the caller's translations of -p/-l/-i/-L/-R/-D, in
 * command-line order; file = the -F argument or NULL) and print it to out
 * in `ssh -G` form. Errors go to stderr in OpenSSH's wording.
 * Returns the process exit status: 0, or 255 on any error. */
int client_print_config(const char *host, const char *const *options, size_t n_options,
                        const char *file, FILE *out);

#endif
