/* channel: the SSH connection protocol (RFC 4254): channels, windows,
 * requests and global requests, both roles.
 * (Being written: this header currently holds only the event shape.) */
#ifndef SLC_CHANNEL_H
#define SLC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ssh_chan_event {
	uint32_t id; /* placeholder until the module lands */
};

#endif
