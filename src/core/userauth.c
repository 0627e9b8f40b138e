/* Placeholder until user authentication lands: no messages handled. */
#include "conn_int.h"

int userauth_dispatch(struct ssh_conn *c, uint8_t t, struct buf *m)
{
	return SLC_ERR_NOT_FOUND;
}

void userauth_free(struct ssh_conn *c)
{
}
