/* base64 (RFC 4648 section 4), written for key files and public key lines.
 *
 * Decoding is two passes: the first validates the whole input and counts
 * the output, the second writes into space reserved once. So a bad input
 * leaves the output buffer untouched, and decoded key material (the output
 * buffer may be secret) never passes through a temporary we would have to
 * wipe. */
#include <stdlib.h>

#include "base64.h"

static const char b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Lengths above this would overflow the 4*ceil(n/3)+1 computation; far
 * beyond anything sluice encodes anyway. */
#define B64_MAX_IN ((size_t)-1 / 4 * 3 - 3)

static int encode(const uint8_t *in, size_t n, bool pad, char **out)
{
	char *s = NULL, *o;
	size_t i;

	*out = NULL;
	if (n > B64_MAX_IN || (in == NULL && n > 0))
		return SLC_ERR_INVALID;
	s = malloc((n + 2) / 3 * 4 + 1);
	if (s == NULL)
		return SLC_ERR_NOMEM;
	o = s;
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		if (pad) {
			*o++ = '=';
			*o++ = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	*out = s;
	return 0;
}

int b64_encode(const uint8_t *in, size_t n, char **out)
{
	return encode(in, n, true, out);
}

int b64_encode_nopad(const uint8_t *in, size_t n, char **out)
{
	return encode(in, n, false, out);
}

/* Value of an alphabet character, -1 for whitespace, -2 for '=', -3 for
 * anything else. A switch rather than a table keeps it obviously right. */
static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	switch (c) {
	case '+':
		return 62;
	case '/':
		return 63;
	case ' ':
	case '\t':
	case '\r':
	case '\n':
		return -1;
	case '=':
		return -2;
	default:
		return -3;
	}
}

/* One pass over the input. With dst NULL it only validates and sets *outlen;
 * otherwise it writes exactly *outlen bytes (known valid from the first
 * pass). */
static int decode_pass(const char *in, size_t n, uint8_t *dst, size_t *outlen)
{
	uint32_t acc = 0;
	size_t q = 0; /* characters in the current quantum */
	size_t npad = 0; /* '=' seen */
	size_t len = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int v = b64_val((unsigned char)in[i]);
		if (v == -1)
			continue;
		if (v == -3)
			return SLC_ERR_FORMAT;
		if (v == -2) {
			/* Padding only completes a quantum of 2 or 3 characters. */
			if (q + npad < 2 || q + npad >= 4)
				return SLC_ERR_FORMAT;
			npad++;
			continue;
		}
		if (npad > 0) /* data after padding */
			return SLC_ERR_FORMAT;
		acc = acc << 6 | (uint32_t)v;
		if (++q == 4) {
			if (dst != NULL) {
				dst[len] = (uint8_t)(acc >> 16);
				dst[len + 1] = (uint8_t)(acc >> 8);
				dst[len + 2] = (uint8_t)acc;
			}
			len += 3;
			acc = 0;
			q = 0;
		}
	}
	/* Padding, when present, must complete the quantum exactly. */
	if (npad > 0 && q + npad != 4)
		return SLC_ERR_FORMAT;
	switch (q) {
	case 0:
		break;
	case 1:
		return SLC_ERR_FORMAT; /* 6 bits cannot make a byte */
	case 2:
		/* The 4 low bits are not data: non-zero means a non-canonical
		 * encoding, which we refuse so each blob has one spelling. */
		if (acc & 0xf)
			return SLC_ERR_FORMAT;
		if (dst != NULL)
			dst[len] = (uint8_t)(acc >> 4);
		len += 1;
		break;
	case 3:
		if (acc & 0x3)
			return SLC_ERR_FORMAT;
		if (dst != NULL) {
			dst[len] = (uint8_t)(acc >> 10);
			dst[len + 1] = (uint8_t)(acc >> 2);
		}
		len += 2;
		break;
	}
	*outlen = len;
	return 0;
}

int b64_decode(const char *in, size_t n, struct buf *out)
{
	size_t len = 0, len2 = 0;
	uint8_t *dst = NULL;
	int r;

	if ((in == NULL && n > 0) || out == NULL)
		return SLC_ERR_INVALID;
	if ((r = decode_pass(in, n, NULL, &len)) < 0)
		return r;
	if (len == 0)
		return 0;
	if ((r = buf_reserve(out, len, &dst)) < 0)
		return r;
	r = decode_pass(in, n, dst, &len2);
	/* The input is ours to read only; a second pass cannot disagree. */
	return r;
}
