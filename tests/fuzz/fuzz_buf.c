/* Drives every wire-codec getter over arbitrary bytes; the first byte picks
 * the sequence. Invariants: no getter reads past the end, failed getters
 * consume nothing, and what a getter returns re-encodes to the same bytes. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b;
	buf_init_view(&b, data, size);
	uint8_t sel = 0;
	if (buf_get_u8(&b, &sel) < 0)
		return 0;
	while (buf_len(&b) > 0) {
		size_t before = buf_len(&b);
		const uint8_t *p;
		size_t n;
		char *s = NULL;
		uint32_t u32;
		uint64_t u64;
		bool t;
		int r = 0;
		switch (sel++ % 7) {
		case 0:
			r = buf_get_u32(&b, &u32);
			break;
		case 1:
			r = buf_get_u64(&b, &u64);
			break;
		case 2:
			r = buf_get_bool(&b, &t);
			break;
		case 3: {
			size_t start = b.rpos;
			r = buf_get_mpint(&b, &p, &n);
			if (r == 0) {
				struct buf o;
				buf_init(&o);
				/* positive values re-encode byte for byte */
				if (n == 0 || !(p[0] & 0x80)) {
					if (buf_put_mpint_u(&o, p, n) == 0)
						assert(buf_len(&o) == b.rpos - start &&
						       !memcmp(buf_ptr(&o), data + start,
						               buf_len(&o)));
				}
				buf_free(&o);
			}
			break;
		}
		case 4:
			r = buf_get_cstring(&b, &s, &n);
			if (r == 0)
				assert(strlen(s) == n);
			free(s);
			break;
		case 5:
			r = buf_get_namelist(&b, &s);
			free(s);
			break;
		case 6:
			r = buf_get_string(&b, &p, &n);
			break;
		}
		if (r < 0) {
			assert(buf_len(&b) == before);
			if (buf_skip(&b, 1) < 0)
				break;
		}
	}
	return 0;
}
