#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void buf_init_view(struct buf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	/* The view never writes through base: every putter checks b->view. */
	b->base = (uint8_t *)(uintptr_t)(data ? data : "");
	b->cap = len;
	b->wpos = len;
	b->view = true;
}

void buf_free(struct buf *b)
{
	if (!b->view && b->base) {
		if (b->secret)
			OPENSSL_cleanse(b->base, b->cap);
		free(b->base);
	}
	bool secret = b->secret;
	memset(b, 0, sizeof(*b));
	b->secret = secret;
}

struct buf *buf_new(void)
{
	struct buf *b = malloc(sizeof(*b));
	if (b)
		buf_init(b);
	return b;
}

void buf_del(struct buf *b)
{
	if (!b)
		return;
	buf_free(b);
	free(b);
}

void buf_set_secret(struct buf *b)
{
	b->secret = true;
}

void buf_reset(struct buf *b)
{
	if (b->view) {
		b->rpos = b->wpos;
		return;
	}
	if (b->secret && b->base)
		OPENSSL_cleanse(b->base, b->cap);
	b->rpos = b->wpos = 0;
}

void buf_compact(struct buf *b)
{
	if (b->view || b->rpos == 0)
		return;
	size_t n = buf_len(b);
	memmove(b->base, b->base + b->rpos, n);
	if (b->secret)
		OPENSSL_cleanse(b->base + n, b->wpos - n);
	b->rpos = 0;
	b->wpos = n;
}

int buf_ensure_room(struct buf *b, size_t len)
{
	if (b->view)
		return SLC_ERR_INVALID;
	if (len <= b->cap - b->wpos)
		return 0;
	/* Reuse consumed space at the front before growing. */
	if (b->rpos > 0 && len <= b->cap - buf_len(b)) {
		buf_compact(b);
		return 0;
	}
	size_t need = buf_len(b);
	if (len > BUF_MAX_SIZE || need > BUF_MAX_SIZE - len)
		return SLC_ERR_LIMIT;
	need += len;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > BUF_MAX_SIZE / 2 ? BUF_MAX_SIZE : ncap * 2;
	uint8_t *n;
	if (b->secret) {
		/* realloc could leave a copy of secret bytes behind. */
		n = malloc(ncap);
		if (!n)
			return SLC_ERR_NOMEM;
		if (b->base) {
			memcpy(n, b->base + b->rpos, buf_len(b));
			OPENSSL_cleanse(b->base, b->cap);
			free(b->base);
		}
		b->wpos -= b->rpos;
		b->rpos = 0;
	} else {
		buf_compact(b);
		n = realloc(b->base, ncap);
		if (!n)
			return SLC_ERR_NOMEM;
	}
	b->base = n;
	b->cap = ncap;
	return 0;
}

int buf_reserve(struct buf *b, size_t len, uint8_t **out)
{
	int r = buf_ensure_room(b, len);
	if (r < 0)
		return r;
	/* An empty reserve on an unallocated buffer: NULL + 0 is undefined. */
	*out = b->base ? b->base + b->wpos : NULL;
	b->wpos += len;
	return 0;
}

int buf_put(struct buf *b, const void *data, size_t len)
{
	uint8_t *p;
	int r = buf_reserve(b, len, &p);
	if (r < 0)
		return r;
	if (len)
		memcpy(p, data, len);
	return 0;
}

int buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put(b, &v, 1);
}

int buf_put_bool(struct buf *b, bool v)
{
	return buf_put_u8(b, v ? 1 : 0);
}

int buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t *p;
	int r = buf_reserve(b, 4, &p);
	if (r < 0)
		return r;
	buf_store_u32(p, v);
	return 0;
}

int buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t *p;
	int r = buf_reserve(b, 8, &p);
	if (r < 0)
		return r;
	buf_store_u32(p, (uint32_t)(v >> 32));
	buf_store_u32(p + 4, (uint32_t)v);
	return 0;
}

int buf_put_string(struct buf *b, const void *data, size_t len)
{
	if (len > BUF_MAX_STRING)
		return SLC_ERR_LENGTH;
	uint8_t *p;
	int r = buf_reserve(b, 4 + len, &p);
	if (r < 0)
		return r;
	buf_store_u32(p, (uint32_t)len);
	if (len)
		memcpy(p + 4, data, len);
	return 0;
}

int buf_put_cstring(struct buf *b, const char *s)
{
	return buf_put_string(b, s, s ? strlen(s) : 0);
}

int buf_put_stringb(struct buf *b, const struct buf *src)
{
	return buf_put_string(b, buf_ptr(src), buf_len(src));
}

int buf_put_mpint_u(struct buf *b, const uint8_t *mag, size_t len)
{
	while (len > 0 && mag[0] == 0) {
		mag++;
		len--;
	}
	if (len > BUF_MAX_MPINT_BYTES)
		return SLC_ERR_LENGTH;
	bool pad = len > 0 && (mag[0] & 0x80);
	uint8_t *p;
	int r = buf_reserve(b, 4 + pad + len, &p);
	if (r < 0)
		return r;
	buf_store_u32(p, (uint32_t)(len + pad));
	if (pad)
		p[4] = 0;
	if (len)
		memcpy(p + 4 + pad, mag, len);
	return 0;
}

int buf_skip(struct buf *b, size_t len)
{
	if (len > buf_len(b))
		return SLC_ERR_TRUNCATED;
	b->rpos += len;
	return 0;
}

int buf_get(struct buf *b, void *out, size_t len)
{
	if (len > buf_len(b))
		return SLC_ERR_TRUNCATED;
	if (len)
		memcpy(out, buf_ptr(b), len);
	b->rpos += len;
	return 0;
}

int buf_get_u8(struct buf *b, uint8_t *v)
{
	return buf_get(b, v, 1);
}

int buf_get_bool(struct buf *b, bool *v)
{
	uint8_t c;
	int r = buf_get_u8(b, &c);
	if (r < 0)
		return r;
	*v = c != 0; /* RFC 4251: any non-zero value is TRUE */
	return 0;
}

int buf_peek_u32(const struct buf *b, uint32_t *v)
{
	if (buf_len(b) < 4)
		return SLC_ERR_TRUNCATED;
	*v = buf_load_u32(buf_ptr(b));
	return 0;
}

int buf_get_u32(struct buf *b, uint32_t *v)
{
	int r = buf_peek_u32(b, v);
	if (r == 0)
		b->rpos += 4;
	return r;
}

int buf_get_u64(struct buf *b, uint64_t *v)
{
	if (buf_len(b) < 8)
		return SLC_ERR_TRUNCATED;
	const uint8_t *p = buf_ptr(b);
	*v = (uint64_t)buf_load_u32(p) << 32 | buf_load_u32(p + 4);
	b->rpos += 8;
	return 0;
}

/* Checks a string header at rpos without consuming it. */
static int peek_string(const struct buf *b, const uint8_t **p, size_t *len)
{
	uint32_t n;
	int r = buf_peek_u32(b, &n);
	if (r < 0)
		return r;
	if (n > BUF_MAX_STRING)
		return SLC_ERR_LENGTH;
	if (n > buf_len(b) - 4)
		return SLC_ERR_TRUNCATED;
	*p = buf_ptr(b) + 4;
	*len = n;
	return 0;
}

int buf_get_string(struct buf *b, const uint8_t **p, size_t *len)
{
	const uint8_t *q;
	size_t n;
	int r = peek_string(b, &q, &n);
	if (r < 0)
		return r;
	b->rpos += 4 + n;
	if (p)
		*p = q;
	if (len)
		*len = n;
	return 0;
}

int buf_get_string_exact(struct buf *b, const uint8_t **p, size_t len)
{
	const uint8_t *q;
	size_t n;
	int r = peek_string(b, &q, &n);
	if (r < 0)
		return r;
	if (n != len)
		return SLC_ERR_FORMAT;
	b->rpos += 4 + n;
	*p = q;
	return 0;
}

int buf_get_stringb(struct buf *b, struct buf *sub)
{
	const uint8_t *q;
	size_t n;
	int r = buf_get_string(b, &q, &n);
	if (r < 0)
		return r;
	buf_init_view(sub, q, n);
	return 0;
}

int buf_get_cstring(struct buf *b, char **s, size_t *len)
{
	const uint8_t *q;
	size_t n;
	int r = peek_string(b, &q, &n);
	if (r < 0)
		return r;
	if (n && memchr(q, 0, n))
		return SLC_ERR_NUL;
	char *out = malloc(n + 1);
	if (!out)
		return SLC_ERR_NOMEM;
	memcpy(out, q, n);
	out[n] = '\0';
	b->rpos += 4 + n;
	*s = out;
	if (len)
		*len = n;
	return 0;
}

int buf_get_namelist(struct buf *b, char **s)
{
	const uint8_t *q;
	size_t n;
	int r = peek_string(b, &q, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (q[i] == 0)
			return SLC_ERR_NUL;
		if (q[i] <= 0x20 || q[i] >= 0x7f)
			return SLC_ERR_FORMAT;
		/* No empty names: no leading, trailing or doubled comma. */
		if (q[i] == ',' && (i == 0 || i == n - 1 || q[i - 1] == ','))
			return SLC_ERR_FORMAT;
	}
	return buf_get_cstring(b, s, NULL);
}

int buf_get_mpint(struct buf *b, const uint8_t **p, size_t *len)
{
	const uint8_t *q;
	size_t n;
	int r = peek_string(b, &q, &n);
	if (r < 0)
		return r;
	if (n > BUF_MAX_MPINT_BYTES)
		return SLC_ERR_LENGTH;
	/* RFC 4251: unnecessary leading 0x00 or 0xff bytes MUST NOT be
	 * included; zero is the empty string. */
	if (n >= 1 && q[0] == 0x00 && (n == 1 || !(q[1] & 0x80)))
		return SLC_ERR_MPINT;
	if (n >= 2 && q[0] == 0xff && (q[1] & 0x80))
		return SLC_ERR_MPINT;
	b->rpos += 4 + n;
	*p = q;
	*len = n;
	return 0;
}

int buf_get_mpint_u(struct buf *b, const uint8_t **mag, size_t *len)
{
	size_t save = b->rpos;
	const uint8_t *q;
	size_t n;
	int r = buf_get_mpint(b, &q, &n);
	if (r < 0)
		return r;
	if (n > 0 && (q[0] & 0x80)) {
		b->rpos = save;
		return SLC_ERR_MPINT;
	}
	if (n > 0 && q[0] == 0) {
		q++;
		n--;
	}
	*mag = q;
	*len = n;
	return 0;
}
