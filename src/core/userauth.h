/* userauth: SSH user authentication (RFC 4252, RFC 4256), both roles.
 * (Being written: this header currently holds only the event shape.) */
#ifndef SLC_USERAUTH_H
#define SLC_USERAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ssh_auth_event {
	const char *text; /* placeholder until the module lands */
};

#endif
