/* agentconn: talk to ssh-agent over its Unix socket (SSH_AUTH_SOCK) on
 * the loop, through a uv_pipe_t. One request at a time is all the client
 * needs (list identities, then one signature per accepted key); the
 * answer comes back through a callback, and meanwhile the connection's
 * input stays buffered in the core. Message codec: agent.h. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "client.h"

struct agentconn {
	uv_pipe_t *pipe;
	uv_connect_t creq;
	struct buf in;
	struct buf out; /* the request being written */
	uv_write_t wreq;
	agentconn_cb cb; /* outstanding request, NULL when none */
	void *user;
	bool connected, dead;
	bool connecting, writing, in_cb, deleted; /* free a once nothing is in flight */
	agentconn_cb connect_cb;
	void *connect_user;
};

static void release(struct agentconn *a);

static void finish(struct agentconn *a, int status, uint8_t type, struct buf *body)
{
	agentconn_cb cb = a->cb;
	a->cb = NULL;
	if (cb)
		cb(status, type, body, a->user);
}

static void fail(struct agentconn *a, int status)
{
	a->dead = true;
	if (a->pipe) {
		uv_read_stop((uv_stream_t *)a->pipe);
		sio_close_free((uv_handle_t *)a->pipe);
		a->pipe = NULL;
	}
	finish(a, status, 0, NULL);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *b)
{
	static char rbuf[16384];
	b->base = rbuf;
	b->len = sizeof(rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct agentconn *a = s->data;
	if (n == 0)
		return;
	if (n < 0 || buf_put(&a->in, b->base, (size_t)n) < 0) {
		fail(a, SLC_ERR_CLOSED);
		return;
	}
	uint8_t type = 0;
	struct buf body;
	int r = agent_take_reply(&a->in, &type, &body);
	if (r == SLC_ERR_AGAIN)
		return;
	if (r < 0) {
		fail(a, r);
		return;
	}
	a->in_cb = true; /* the callback may delete a */
	finish(a, 0, type, &body);
	a->in_cb = false;
	if (a->deleted)
		release(a);
	else
		buf_compact(&a->in);
}

static void release(struct agentconn *a)
{
	if (a->connecting || a->writing || a->in_cb)
		return;
	buf_free(&a->in);
	buf_free(&a->out);
	free(a);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct agentconn *a = req->data;
	a->connecting = false;
	if (a->deleted) {
		release(a);
		return;
	}
	if (status < 0) {
		slc_debug("agent: connect: %s", uv_strerror(status));
		a->dead = true;
	} else if (uv_read_start((uv_stream_t *)a->pipe, on_alloc, on_read) < 0) {
		a->dead = true;
	} else {
		a->connected = true;
	}
	if (a->dead && a->pipe) {
		sio_close_free((uv_handle_t *)a->pipe);
		a->pipe = NULL;
	}
	a->connect_cb(a->dead ? SLC_ERR_SYS : 0, 0, NULL, a->connect_user);
}

int agentconn_new(uv_loop_t *loop, const char *path, agentconn_cb cb, void *user,
                  struct agentconn **out)
{
	struct agentconn *a = calloc(1, sizeof(*a));
	if (!a)
		return SLC_ERR_NOMEM;
	buf_init(&a->in);
	buf_init(&a->out);
	if (!(a->pipe = malloc(sizeof(*a->pipe))) || uv_pipe_init(loop, a->pipe, 0) < 0) {
		free(a->pipe);
		free(a);
		return SLC_ERR_NOMEM;
	}
	a->pipe->data = a;
	a->creq.data = a;
	a->connect_cb = cb;
	a->connect_user = user;
	a->connecting = true;
	uv_pipe_connect(&a->creq, a->pipe, path, on_connect);
	*out = a;
	return 0;
}

void agentconn_del(struct agentconn *a)
{
	if (!a)
		return;
	a->cb = NULL;
	a->deleted = true;
	if (a->pipe) {
		/* A connect or write in flight ends with UV_ECANCELED; its
		 * callback frees a (release). */
		uv_read_stop((uv_stream_t *)a->pipe);
		sio_close_free((uv_handle_t *)a->pipe);
		a->pipe = NULL;
	}
	release(a);
}

static void on_written(uv_write_t *req, int status)
{
	struct agentconn *a = req->data;
	a->writing = false;
	if (a->deleted) {
		release(a);
		return;
	}
	buf_reset(&a->out);
	if (status < 0 && !a->dead)
		fail(a, SLC_ERR_SYS);
}

/* Send the request built in a->out; cb gets the reply. */
static int send_request(struct agentconn *a, agentconn_cb cb, void *user)
{
	if (a->dead || !a->connected || a->cb)
		return SLC_ERR_INVALID;
	uv_buf_t b = uv_buf_init((char *)buf_ptr(&a->out), (unsigned)buf_len(&a->out));
	a->wreq.data = a;
	if (uv_write(&a->wreq, (uv_stream_t *)a->pipe, &b, 1, on_written) < 0)
		return SLC_ERR_SYS;
	a->writing = true;
	a->cb = cb;
	a->user = user;
	return 0;
}

int agentconn_request_identities(struct agentconn *a, agentconn_cb cb, void *user)
{
	int r = agent_put_request_identities(&a->out);
	if (r == 0 && (r = send_request(a, cb, user)) < 0)
		buf_reset(&a->out);
	return r;
}

int agentconn_request_sign(struct agentconn *a, const uint8_t *blob, size_t blob_len,
                           const uint8_t *data, size_t len, const char *alg, agentconn_cb cb,
                           void *user)
{
	int r = agent_put_sign_request(&a->out, blob, blob_len, data, len, alg);
	if (r == 0 && (r = send_request(a, cb, user)) < 0)
		buf_reset(&a->out);
	return r;
}
