/* base64 (RFC 4648) for key files and public key lines. */
#ifndef SLC_BASE64_H
#define SLC_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Padded base64 of n bytes, NUL terminated, no line breaks. Caller frees. */
SLC_WUR int b64_encode(const uint8_t *in, size_t n, char **out);
/* Unpadded variant (as in "SHA256:" fingerprints). */
SLC_WUR int b64_encode_nopad(const uint8_t *in, size_t n, char **out);
/* Decode n characters, appending to out. ASCII whitespace (space, tab, CR,
 * LF) is skipped; any other non-alphabet character, misplaced padding or
 * a dangling final character is SLC_ERR_FORMAT. Padding is optional. */
SLC_WUR int b64_decode(const char *in, size_t n, struct buf *out);

#endif
