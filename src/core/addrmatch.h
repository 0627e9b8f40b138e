/* addrmatch: host name and address pattern lists, as described under
 * PATTERNS in ssh_config(5) and used by known_hosts host fields,
 * authorized_keys from= and sshd_config Match / AllowUsers address checks.
 *
 * A pattern list is comma-separated; each pattern may start with '!' to
 * negate it. In a pattern '*' matches any run of characters (possibly
 * empty) and '?' exactly one. Matching ignores ASCII case, since host names
 * are case-insensitive and so are hex digits in IPv6 addresses. No
 * whitespace is trimmed: "a, b" holds the patterns "a" and " b".
 *
 * A negated match always wins over a positive one, and a negated pattern
 * never produces a match by itself: "!host1,!host2" matches nothing,
 * "!host1,*" matches everything but host1.
 *
 * Everything here is pure: no name resolution, no allocation. */
#ifndef SLC_ADDRMATCH_H
#define SLC_ADDRMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum addrmatch_result {
	ADDRMATCH_NO = 0, /* no pattern matched */
	ADDRMATCH_YES = 1, /* a positive pattern matched, no negated one did */
	ADDRMATCH_NEGATED = 2, /* a negated pattern matched: refuse */
};

/* One wildcard pattern (patlen bytes, no list or negation syntax) against
 * the whole of s. Runs in O(strlen(s) * patlen) whatever the input. */
bool addrmatch_glob(const char *s, const char *pat, size_t patlen);

/* A pattern list against a host name (or any other plain string). */
enum addrmatch_result addrmatch_host_list(const char *name, const char *list);

/* A network in address/masklen form. af is 4 or 6; addr holds 4 or 16
 * bytes in network order; host bits beyond masklen are zero. */
struct addrmatch_net {
	int af;
	unsigned masklen;
	uint8_t addr[16];
};

/* Parse "192.0.2.0/24", "2001:db8::/32", or a bare address (full mask).
 * len bytes of s are read (no NUL needed). SLC_ERR_FORMAT for a bad
 * address, a mask that is empty, not decimal, longer than the address, or
 * that leaves host bits set ("192.0.2.1/24"), as sshd_config(5) requires. */
SLC_WUR int addrmatch_parse_cidr(const char *s, size_t len, struct addrmatch_net *out);

/* Whether the textual address addr lies in net. false when addr is no
 * IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:192.0.2.1)
 * also counts as its IPv4 address, because a dual-stack listener reports
 * IPv4 clients that way (a plain IPv4 address is not in "::/0"). */
bool addrmatch_net_contains(const struct addrmatch_net *net, const char *addr);

/* A pattern list against an address, e.g. "10.0.0.0/8,!10.1.*,::1".
 * A pattern holding '/' is a network (see addrmatch_parse_cidr); one that
 * parses as an address is compared as an address (so "::1" matches
 * "0:0::1"); anything else is a wildcard pattern on the address text (the
 * IPv4 text of a mapped address is tried too). *res gets the outcome.
 * Returns 0, or SLC_ERR_FORMAT when a network pattern is malformed: a
 * list with a broken network must not silently allow or deny less than the
 * administrator wrote, so the caller should treat it as a refusal and say
 * why. addr need not be an address (then only wildcards can match). */
SLC_WUR int addrmatch_addr_list(const char *addr, const char *list, enum addrmatch_result *res);

/* authorized_keys from= semantics: the client is accepted when its
 * canonical host name (host; NULL when unknown, e.g. UseDNS no) or its
 * address matches the list, and neither matches a negated pattern.
 * *allowed gets the verdict. Errors as addrmatch_addr_list. */
SLC_WUR int addrmatch_host_and_addr(const char *host, const char *addr, const char *list,
                                    bool *allowed);

#endif
