/* alglist: comma-separated algorithm lists as SSH and OpenSSH's config
 * grammar use them.
 *
 * alglist_apply implements ssh_config(5)'s list syntax for Ciphers, MACs,
 * KexAlgorithms, HostKeyAlgorithms, PubkeyAcceptedAlgorithms:
 *   "a,b"   replaces the default list
 *   "+a,b"  appends to the default (skipping ones already present)
 *   "-a,b*" removes from the default (wildcards * and ? allowed)
 *   "^a,b"  places at the head of the default
 * Every name in a, b must be in `supported` (wildcards must match at least
 * one supported name, except with '-'). */
#ifndef SLC_ALGLIST_H
#define SLC_ALGLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* *out is malloc'd. On SLC_ERR_CONFIG, *bad (if non-NULL) gets a malloc'd
 * copy of the offending name. An empty result is SLC_ERR_CONFIG too. */
SLC_WUR int alglist_apply(const char *spec, const char *defaults, const char *supported, char **out,
                          char **bad);

/* A config's final list: alglist_apply of spec, or of defaults when spec is
 * NULL, replacing (and freeing) *out; the offending name is dropped. */
SLC_WUR int alglist_final(char **out, const char *spec, const char *defaults,
                          const char *supported);

/* Whether name is an element of the comma-separated list. */
bool alglist_contains(const char *list, const char *name);
/* Shell-style match with * and ? (as OpenSSH's match_pattern). */
bool alglist_match_pattern(const char *s, const char *pattern);

/* RFC 4253 7.1 negotiation: the first algorithm on the client's list that
 * is also on the server's. SLC_ERR_NOT_FOUND when there is none. *out is
 * malloc'd. */
SLC_WUR int alglist_negotiate(const char *client, const char *server, char **out);

#endif
