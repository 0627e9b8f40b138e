/* dump_config: `sluiced -t` and `sluiced -T`. */
#ifndef SLC_SERVER_DUMP_CONFIG_H
#define SLC_SERVER_DUMP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Read file (the -f argument, NULL for /etc/ssh/sshd_config) with the -h
 * host keys added first; with conn_spec (the -C argument,
 * "user=...,host=...,addr=...,laddr=...,lport=...") apply Match blocks.
 * print: write the effective configuration to out (-T); otherwise only
 * check it (-t). Errors go to stderr in sshd's wording.
 * Returns the exit status: 0, or 255 as sshd does. */
int server_print_config(const char *file, const char *const *host_keys, size_t n_host_keys,
                        const char *conn_spec, bool print, FILE *out);

#endif
