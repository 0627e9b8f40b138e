/* agent: the ssh-agent protocol (draft-miller-ssh-agent), client side,
 * as message builders and parsers with no I/O.
 *
 * Every message is framed as uint32 length || byte type || contents.
 * agent_take_reply() consumes one complete reply from the bytes read so
 * far; parsers then borrow from it. */
#ifndef SLC_AGENT_H
#define SLC_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "sshkey.h"

#define AGENT_MAX_MSG (256 * 1024) /* as OpenSSH's agent */
#define AGENT_MAX_IDENTITIES 2048

enum agent_msg {
	AGENT_FAILURE = 5,
	AGENT_SUCCESS = 6,
	AGENTC_REQUEST_IDENTITIES = 11,
	AGENT_IDENTITIES_ANSWER = 12,
	AGENTC_SIGN_REQUEST = 13,
	AGENT_SIGN_RESPONSE = 14,
};

#define AGENT_RSA_SHA2_256 0x02
#define AGENT_RSA_SHA2_512 0x04

struct agent_identity {
	struct sshkey *key; /* NULL for key types we do not support */
	char *comment;
	uint8_t *blob; /* the blob as the agent sent it, for sign requests */
	size_t blob_len;
};

/* Append a framed request to out. */
SLC_WUR int agent_put_request_identities(struct buf *out);
/* alg picks the RSA signature flags ("rsa-sha2-256"/"rsa-sha2-512"); NULL
 * or any other name sends no flags. */
SLC_WUR int agent_put_sign_request(struct buf *out, const uint8_t *blob, size_t blob_len,
                                   const uint8_t *data, size_t len, const char *alg);

/* One complete reply from in: SLC_ERR_AGAIN while incomplete (nothing
 * consumed), SLC_ERR_LENGTH for an empty or oversized frame. On success
 * *type is the message type and body views the contents (borrowed from
 * in, valid until in changes); the frame is consumed. */
SLC_WUR int agent_take_reply(struct buf *in, uint8_t *type, struct buf *body);

/* IDENTITIES_ANSWER contents -> array (caller frees with
 * agent_identities_free). Keys of unknown types are kept with key NULL so
 * their count stays honest; malformed replies fail whole. */
SLC_WUR int agent_parse_identities(struct buf *body, struct agent_identity **ids, size_t *n);
void agent_identities_free(struct agent_identity *ids, size_t n);
/* SIGN_RESPONSE contents -> borrowed signature blob. */
SLC_WUR int agent_parse_signature(struct buf *body, const uint8_t **sig, size_t *len);

#endif
