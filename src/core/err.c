#include "err.h"

#include <errno.h>
#include <string.h>

static const char *const messages[] = {
        [0] = "success",
        [-SLC_ERR_NOMEM] = "out of memory",
        [-SLC_ERR_TRUNCATED] = "data is truncated",
        [-SLC_ERR_LENGTH] = "length field is too large",
        [-SLC_ERR_FORMAT] = "invalid format",
        [-SLC_ERR_MPINT] = "invalid mpint",
        [-SLC_ERR_NUL] = "string contains a NUL byte",
        [-SLC_ERR_CRYPTO] = "cryptographic library error",
        [-SLC_ERR_MAC] = "message authentication code incorrect",
        [-SLC_ERR_KEY_TYPE] = "unknown or unsupported key type",
        [-SLC_ERR_PASSPHRASE] = "incorrect passphrase supplied to decrypt private key",
        [-SLC_ERR_SYS] = "system error",
        [-SLC_ERR_INVALID] = "invalid argument",
        [-SLC_ERR_SIGNATURE] = "signature verification failed",
        [-SLC_ERR_UNSUPPORTED] = "not supported",
        [-SLC_ERR_KEY_ENCRYPTED] = "key is encrypted and no passphrase was given",
        [-SLC_ERR_KEY_LENGTH] = "invalid key length",
        [-SLC_ERR_CHECKINT] = "private key check values differ (wrong passphrase or damaged key)",
        [-SLC_ERR_NOT_FOUND] = "not found",
        [-SLC_ERR_PROTOCOL] = "protocol error",
        [-SLC_ERR_AGAIN] = "more data needed",
        [-SLC_ERR_CLOSED] = "closed",
        [-SLC_ERR_DENIED] = "administratively prohibited",
        [-SLC_ERR_LIMIT] = "limit exceeded",
        [-SLC_ERR_CONFIG] = "bad configuration",
        [-SLC_ERR_NOT_REGULAR] = "not a regular file",
};

const char *slc_strerror(int err)
{
	if (err == SLC_ERR_SYS && errno != 0)
		return strerror(errno);
	if (err > 0 || err <= SLC_ERR__LAST)
		return "unknown error";
	return messages[-err] ? messages[-err] : "unknown error";
}
