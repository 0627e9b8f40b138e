/* Placeholder until the connection protocol lands: no messages handled. */
#include "conn_int.h"

int channel_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	return SLC_ERR_NOT_FOUND;
}

void channel_free(struct ssh_conn *c)
{
}
