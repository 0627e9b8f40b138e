/* buf: the one bounds-checked codec for SSH wire data (RFC 4251 section 5).
 *
 * A struct buf holds bytes [rpos, wpos) of an allocation of cap bytes.
 * Getters consume from rpos and never read past wpos; putters append at
 * wpos, growing the allocation (never past BUF_MAX_SIZE).
 *
 * Borrowed pointers returned by getters (buf_get_string, buf_get_mpint, ...)
 * point into the buffer and stay valid until the buffer is next written,
 * compacted or freed.
 *
 * A getter that fails leaves the read position unchanged, so a caller may
 * parse a view of a possibly incomplete message and retry later.
 *
 * A buffer marked secret (buf_set_secret) is wiped with OPENSSL_cleanse
 * whenever memory is released or moved. */
#ifndef SLC_BUF_H
#define SLC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Hard cap on a buffer's allocation: bounds memory from any peer. */
#define BUF_MAX_SIZE (64u * 1024 * 1024)
/* Largest string/mpint length accepted from the wire. Anything larger is
 * rejected before looking at the data, whatever is buffered. */
#define BUF_MAX_STRING (16u * 1024 * 1024)
/* mpints in SSH are at most 16384 bits for any algorithm we implement. */
#define BUF_MAX_MPINT_BYTES (16384 / 8 + 1)

struct buf {
	uint8_t *base; /* allocation, or the viewed memory for a view */
	size_t cap;
	size_t rpos;
	size_t wpos;
	bool view; /* read-only over borrowed memory */
	bool secret; /* wipe on free/realloc */
};

/* Lifetime. buf_init gives an empty growable buffer (no allocation until
 * first write). buf_init_view wraps len bytes the caller owns; writes fail. */
void buf_init(struct buf *b);
void buf_init_view(struct buf *b, const void *data, size_t len);
void buf_free(struct buf *b);
struct buf *buf_new(void);
void buf_del(struct buf *b);
void buf_set_secret(struct buf *b);

/* Unread bytes. */
static inline size_t buf_len(const struct buf *b)
{
	return b->wpos - b->rpos;
}
/* An empty buffer may have no allocation; NULL + 0 is undefined in C. */
static inline const uint8_t *buf_ptr(const struct buf *b)
{
	return b->base ? b->base + b->rpos : (const uint8_t *)"";
}
static inline uint8_t *buf_mutable_ptr(struct buf *b)
{
	return b->base ? b->base + b->rpos : NULL;
}

/* Drop all contents (keeps the allocation; wipes it if secret). */
void buf_reset(struct buf *b);
/* Move unread bytes to the front of the allocation. */
void buf_compact(struct buf *b);

/* Writing. buf_reserve appends len uninitialised bytes and returns where
 * they start; the pointer is valid until the next write. */
SLC_WUR int buf_reserve(struct buf *b, size_t len, uint8_t **out);
SLC_WUR int buf_ensure_room(struct buf *b, size_t len);
SLC_WUR int buf_put(struct buf *b, const void *data, size_t len);
SLC_WUR int buf_put_u8(struct buf *b, uint8_t v);
SLC_WUR int buf_put_bool(struct buf *b, bool v);
SLC_WUR int buf_put_u32(struct buf *b, uint32_t v);
SLC_WUR int buf_put_u64(struct buf *b, uint64_t v);
SLC_WUR int buf_put_string(struct buf *b, const void *data, size_t len);
SLC_WUR int buf_put_cstring(struct buf *b, const char *s);
/* Appends the unread contents of src as one string. */
SLC_WUR int buf_put_stringb(struct buf *b, const struct buf *src);
/* mpint from an unsigned big-endian magnitude (leading zeros are stripped,
 * a 0x00 is prefixed when the top bit is set). */
SLC_WUR int buf_put_mpint_u(struct buf *b, const uint8_t *mag, size_t len);

/* Drop up to n unread bytes (for callers that already know they are there). */
static inline void buf_discard(struct buf *b, size_t n)
{
	b->rpos += n < buf_len(b) ? n : buf_len(b);
}

/* Reading. All consume only on success. */
SLC_WUR int buf_skip(struct buf *b, size_t len);
SLC_WUR int buf_get(struct buf *b, void *out, size_t len);
SLC_WUR int buf_get_u8(struct buf *b, uint8_t *v);
SLC_WUR int buf_get_bool(struct buf *b, bool *v);
SLC_WUR int buf_get_u32(struct buf *b, uint32_t *v);
SLC_WUR int buf_get_u64(struct buf *b, uint64_t *v);
SLC_WUR int buf_peek_u32(const struct buf *b, uint32_t *v);
/* Borrowed pointer to the string's bytes (not NUL terminated). */
SLC_WUR int buf_get_string(struct buf *b, const uint8_t **p, size_t *len);
/* A string that must be exactly len bytes long (e.g. an ed25519 key). */
SLC_WUR int buf_get_string_exact(struct buf *b, const uint8_t **p, size_t len);
/* String as a view: sub reads the string's bytes (borrowed). */
SLC_WUR int buf_get_stringb(struct buf *b, struct buf *sub);
/* Newly allocated NUL-terminated copy; SLC_ERR_NUL on an embedded NUL.
 * *len (may be NULL) gets strlen. Caller frees. */
SLC_WUR int buf_get_cstring(struct buf *b, char **s, size_t *len);
/* name-list: as cstring, but also rejects control characters, non-ASCII,
 * empty names and commas at either end. */
SLC_WUR int buf_get_namelist(struct buf *b, char **s);
/* mpint: borrowed two's-complement bytes. Rejects non-minimal encodings
 * and values longer than BUF_MAX_MPINT_BYTES. */
SLC_WUR int buf_get_mpint(struct buf *b, const uint8_t **p, size_t *len);
/* Non-negative mpint as an unsigned magnitude without the sign byte.
 * Negative values give SLC_ERR_MPINT. Zero gives len 0. */
SLC_WUR int buf_get_mpint_u(struct buf *b, const uint8_t **mag, size_t *len);

/* Helpers on raw memory for callers that hold bytes outside a buf. */
static inline uint32_t buf_load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void buf_store_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
