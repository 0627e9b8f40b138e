/* Error codes shared by every sluice module.
 *
 * Every fallible function returns int: 0 on success or a negative SLC_ERR_*.
 * slc_strerror() gives a short lower-case phrase suitable after "file: ". */
#ifndef SLC_ERR_H
#define SLC_ERR_H

#define SLC_WUR __attribute__((warn_unused_result))

enum slc_err {
	SLC_OK = 0,
	SLC_ERR_NOMEM = -1, /* allocation failed */
	SLC_ERR_TRUNCATED = -2, /* data ends before the item does */
	SLC_ERR_LENGTH = -3, /* a length field is too large */
	SLC_ERR_FORMAT = -4, /* malformed data */
	SLC_ERR_MPINT = -5, /* non-minimal or negative mpint */
	SLC_ERR_NUL = -6, /* embedded NUL in a string */
	SLC_ERR_CRYPTO = -7, /* libcrypto reported an error */
	SLC_ERR_MAC = -8, /* message authentication failed */
	SLC_ERR_KEY_TYPE = -9, /* unknown or unsupported key type */
	SLC_ERR_PASSPHRASE = -10, /* wrong passphrase */
	SLC_ERR_SYS = -11, /* system call failed; see errno */
	SLC_ERR_INVALID = -12, /* invalid argument */
	SLC_ERR_SIGNATURE = -13, /* signature verification failed */
	SLC_ERR_UNSUPPORTED = -14, /* recognised but not supported */
	SLC_ERR_KEY_ENCRYPTED = -15, /* key is encrypted; a passphrase is needed */
	SLC_ERR_KEY_LENGTH = -16, /* key size out of the allowed range */
	SLC_ERR_CHECKINT = -17, /* private-key check words differ */
	SLC_ERR_NOT_FOUND = -18, /* no such item */
	SLC_ERR_PROTOCOL = -19, /* peer violated the protocol */
	SLC_ERR_AGAIN = -20, /* need more input */
	SLC_ERR_CLOSED = -21, /* connection or channel closed */
	SLC_ERR_DENIED = -22, /* refused by policy */
	SLC_ERR_LIMIT = -23, /* a resource limit was reached */
	SLC_ERR_CONFIG = -24, /* bad configuration */
	SLC_ERR_NOT_REGULAR = -25, /* not a regular file */
	SLC_ERR__LAST = -26
};

const char *slc_strerror(int err);

#endif
