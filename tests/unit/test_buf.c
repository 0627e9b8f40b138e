/* Wire codec edge cases: truncation, oversize lengths, zero lengths,
 * maximum values, embedded NUL, mpint canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_u32_u64_roundtrip(void **state)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(buf_put_u8(&b, 0xff), 0);
	assert_int_equal(buf_put_bool(&b, true), 0);
	assert_int_equal(buf_put_u32(&b, 0), 0);
	assert_int_equal(buf_put_u32(&b, UINT32_MAX), 0);
	assert_int_equal(buf_put_u64(&b, UINT64_MAX), 0);
	assert_int_equal(buf_put_u64(&b, 0x0102030405060708ull), 0);
	assert_int_equal(buf_len(&b), 1 + 1 + 4 + 4 + 8 + 8);
	static const uint8_t want[] = {0xff, 1,    0,    0,    0,    0,    0xff, 0xff, 0xff,
	                               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                               1,    2,    3,    4,    5,    6,    7,    8};
	assert_memory_equal(buf_ptr(&b), want, sizeof(want));

	uint8_t c;
	bool t;
	uint32_t v;
	uint64_t w;
	assert_int_equal(buf_get_u8(&b, &c), 0);
	assert_int_equal(c, 0xff);
	assert_int_equal(buf_get_bool(&b, &t), 0);
	assert_true(t);
	assert_int_equal(buf_get_u32(&b, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(buf_get_u32(&b, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(buf_get_u64(&b, &w), 0);
	assert_true(w == UINT64_MAX);
	assert_int_equal(buf_get_u64(&b, &w), 0);
	assert_true(w == 0x0102030405060708ull);
	assert_int_equal(buf_len(&b), 0);
	assert_int_equal(buf_get_u8(&b, &c), SLC_ERR_TRUNCATED);
	buf_free(&b);
}

static void test_bool_nonzero_is_true(void **state)
{
	static const uint8_t d[] = {0, 2, 0x80};
	struct buf b;
	bool t;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_bool(&b, &t), 0);
	assert_false(t);
	assert_int_equal(buf_get_bool(&b, &t), 0);
	assert_true(t);
	assert_int_equal(buf_get_bool(&b, &t), 0);
	assert_true(t);
}

static void test_truncated_ints_leave_position(void **state)
{
	static const uint8_t d[] = {1, 2, 3};
	struct buf b;
	uint32_t v;
	uint64_t w;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_u32(&b, &v), SLC_ERR_TRUNCATED);
	assert_int_equal(buf_get_u64(&b, &w), SLC_ERR_TRUNCATED);
	assert_int_equal(buf_len(&b), 3);
}

static void test_string_roundtrip_and_zero_length(void **state)
{
	struct buf b;
	const uint8_t *p;
	size_t n;
	buf_init(&b);
	assert_int_equal(buf_put_string(&b, "", 0), 0);
	assert_int_equal(buf_put_cstring(&b, "ssh-ed25519"), 0);
	assert_int_equal(buf_get_string(&b, &p, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(buf_get_string(&b, &p, &n), 0);
	assert_int_equal(n, 11);
	assert_memory_equal(p, "ssh-ed25519", 11);
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_TRUNCATED);
	buf_free(&b);
}

static void test_string_length_past_data(void **state)
{
	static const uint8_t d[] = {0, 0, 0, 5, 'a', 'b', 'c', 'd'};
	struct buf b;
	const uint8_t *p;
	size_t n;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_TRUNCATED);
	assert_int_equal(buf_len(&b), sizeof(d)); /* nothing consumed */
	/* header alone is truncated too */
	buf_init_view(&b, d, 3);
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_TRUNCATED);
}

static void test_string_length_near_2_32(void **state)
{
	static const uint8_t a[] = {0xff, 0xff, 0xff, 0xff, 'x'};
	static const uint8_t c[] = {0xff, 0xff, 0xff, 0xfc, 'x'};
	static const uint8_t d[] = {0x01, 0x00, 0x00, 0x01, 'x'};
	struct buf b;
	const uint8_t *p;
	size_t n;
	char *s;
	buf_init_view(&b, a, sizeof(a));
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_LENGTH);
	buf_init_view(&b, c, sizeof(c));
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_LENGTH);
	assert_int_equal(buf_get_cstring(&b, &s, &n), SLC_ERR_LENGTH);
	assert_int_equal(buf_get_mpint(&b, &p, &n), SLC_ERR_LENGTH);
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_string(&b, &p, &n), SLC_ERR_LENGTH);
	assert_int_equal(buf_len(&b), sizeof(d));
}

static void test_string_exact(void **state)
{
	static const uint8_t d[] = {0, 0, 0, 2, 'a', 'b'};
	struct buf b;
	const uint8_t *p;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_string_exact(&b, &p, 3), SLC_ERR_FORMAT);
	assert_int_equal(buf_get_string_exact(&b, &p, 2), 0);
	assert_memory_equal(p, "ab", 2);
}

static void test_cstring_rejects_nul(void **state)
{
	static const uint8_t d[] = {0, 0, 0, 3, 'a', 0, 'b', 0, 0, 0, 2, 'o', 'k'};
	struct buf b;
	char *s = NULL;
	size_t n;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_get_cstring(&b, &s, &n), SLC_ERR_NUL);
	assert_null(s);
	assert_int_equal(buf_skip(&b, 7), 0);
	assert_int_equal(buf_get_cstring(&b, &s, &n), 0);
	assert_string_equal(s, "ok");
	assert_int_equal(n, 2);
	free(s);
}

static void test_namelist(void **state)
{
	struct buf b;
	char *s;
	const char *bad[] = {",a", "a,", "a,,b", "a b", "a\x01", "\xc3\xa9"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&b);
		assert_int_equal(buf_put_cstring(&b, bad[i]), 0);
		assert_int_equal(buf_get_namelist(&b, &s), SLC_ERR_FORMAT);
		buf_free(&b);
	}
	buf_init(&b);
	assert_int_equal(buf_put_cstring(&b, "curve25519-sha256,ext-info-c"), 0);
	assert_int_equal(buf_put_cstring(&b, ""), 0);
	assert_int_equal(buf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "curve25519-sha256,ext-info-c");
	free(s);
	assert_int_equal(buf_get_namelist(&b, &s), 0);
	assert_string_equal(s, "");
	free(s);
	buf_free(&b);
}

/* RFC 4251 section 5 examples. */
static void test_mpint_rfc_examples(void **state)
{
	struct buf b;
	const uint8_t *p;
	size_t n;
	static const uint8_t v1[] = {0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7};
	static const uint8_t e1[] = {0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7};
	static const uint8_t v2[] = {0x80};
	static const uint8_t e2[] = {0, 0, 0, 2, 0x00, 0x80};
	static const uint8_t e0[] = {0, 0, 0, 0};

	buf_init(&b);
	assert_int_equal(buf_put_mpint_u(&b, v1, sizeof(v1)), 0);
	assert_int_equal(buf_len(&b), sizeof(e1));
	assert_memory_equal(buf_ptr(&b), e1, sizeof(e1));
	assert_int_equal(buf_get_mpint_u(&b, &p, &n), 0);
	assert_int_equal(n, sizeof(v1));
	assert_memory_equal(p, v1, n);
	buf_reset(&b);

	assert_int_equal(buf_put_mpint_u(&b, v2, sizeof(v2)), 0);
	assert_memory_equal(buf_ptr(&b), e2, sizeof(e2));
	assert_int_equal(buf_get_mpint_u(&b, &p, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0x80);
	buf_reset(&b);

	static const uint8_t zeros[] = {0, 0, 0};
	assert_int_equal(buf_put_mpint_u(&b, zeros, sizeof(zeros)), 0);
	assert_memory_equal(buf_ptr(&b), e0, sizeof(e0));
	assert_int_equal(buf_get_mpint_u(&b, &p, &n), 0);
	assert_int_equal(n, 0);
	buf_free(&b);

	/* -1234 = 0xfb2e is a valid (negative) mpint; _u rejects it. */
	static const uint8_t neg[] = {0, 0, 0, 2, 0xfb, 0x2e};
	buf_init_view(&b, neg, sizeof(neg));
	assert_int_equal(buf_get_mpint_u(&b, &p, &n), SLC_ERR_MPINT);
	assert_int_equal(buf_len(&b), sizeof(neg));
	assert_int_equal(buf_get_mpint(&b, &p, &n), 0);
	assert_int_equal(n, 2);
}

static void test_mpint_non_minimal(void **state)
{
	static const uint8_t zero_byte[] = {0, 0, 0, 1, 0x00};
	static const uint8_t lead_zero[] = {0, 0, 0, 2, 0x00, 0x7f};
	static const uint8_t lead_ff[] = {0, 0, 0, 2, 0xff, 0x80};
	static const uint8_t ok_ff[] = {0, 0, 0, 2, 0xff, 0x7f};
	struct buf b;
	const uint8_t *p;
	size_t n;
	buf_init_view(&b, zero_byte, sizeof(zero_byte));
	assert_int_equal(buf_get_mpint(&b, &p, &n), SLC_ERR_MPINT);
	buf_init_view(&b, lead_zero, sizeof(lead_zero));
	assert_int_equal(buf_get_mpint(&b, &p, &n), SLC_ERR_MPINT);
	buf_init_view(&b, lead_ff, sizeof(lead_ff));
	assert_int_equal(buf_get_mpint(&b, &p, &n), SLC_ERR_MPINT);
	buf_init_view(&b, ok_ff, sizeof(ok_ff));
	assert_int_equal(buf_get_mpint(&b, &p, &n), 0);
}

static void test_mpint_too_long(void **state)
{
	size_t n = BUF_MAX_MPINT_BYTES + 1;
	uint8_t *d = calloc(1, 4 + n);
	struct buf b;
	const uint8_t *p;
	size_t len;
	buf_store_u32(d, (uint32_t)n);
	d[4] = 0x01;
	buf_init_view(&b, d, 4 + n);
	assert_int_equal(buf_get_mpint(&b, &p, &len), SLC_ERR_LENGTH);
	free(d);
}

static void test_view_is_read_only(void **state)
{
	static const uint8_t d[] = {1, 2};
	struct buf b;
	buf_init_view(&b, d, sizeof(d));
	assert_int_equal(buf_put_u8(&b, 3), SLC_ERR_INVALID);
	assert_int_equal(buf_len(&b), 2);
}

static void test_empty_writes_on_empty_buffer(void **state)
{
	struct buf b;
	uint8_t *p;
	buf_init(&b);
	assert_int_equal(buf_put(&b, NULL, 0), 0);
	assert_int_equal(buf_reserve(&b, 0, &p), 0);
	assert_int_equal(buf_len(&b), 0);
	buf_free(&b);
}

static void test_growth_limit(void **state)
{
	struct buf b;
	uint8_t *p;
	buf_init(&b);
	assert_int_equal(buf_reserve(&b, BUF_MAX_SIZE + 1, &p), SLC_ERR_LIMIT);
	assert_int_equal(buf_reserve(&b, SIZE_MAX, &p), SLC_ERR_LIMIT);
	assert_int_equal(buf_put_string(&b, "", BUF_MAX_STRING + 1), SLC_ERR_LENGTH);
	assert_int_equal(buf_len(&b), 0);
	buf_free(&b);
}

static void test_grow_compact_secret(void **state)
{
	struct buf b;
	buf_init(&b);
	buf_set_secret(&b);
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(buf_put_u32(&b, i), 0);
		if (i % 3 == 0) {
			uint32_t v;
			assert_int_equal(buf_get_u32(&b, &v), 0);
			assert_int_equal(v, i / 3); /* k-th read returns k */
		}
	}
	/* 10000 written, 3334 read: the rest is intact and in order. */
	assert_int_equal(buf_len(&b), (10000 - 3334) * 4);
	uint32_t first;
	assert_int_equal(buf_get_u32(&b, &first), 0);
	assert_int_equal(first, 3334);
	buf_free(&b);
}

static void test_stringb_view(void **state)
{
	struct buf b, sub;
	uint32_t v;
	buf_init(&b);
	struct buf inner;
	buf_init(&inner);
	assert_int_equal(buf_put_u32(&inner, 42), 0);
	assert_int_equal(buf_put_stringb(&b, &inner), 0);
	assert_int_equal(buf_get_stringb(&b, &sub), 0);
	assert_int_equal(buf_get_u32(&sub, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(buf_len(&sub), 0);
	buf_free(&inner);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_u32_u64_roundtrip),
	        cmocka_unit_test(test_bool_nonzero_is_true),
	        cmocka_unit_test(test_truncated_ints_leave_position),
	        cmocka_unit_test(test_string_roundtrip_and_zero_length),
	        cmocka_unit_test(test_string_length_past_data),
	        cmocka_unit_test(test_string_length_near_2_32),
	        cmocka_unit_test(test_string_exact),
	        cmocka_unit_test(test_cstring_rejects_nul),
	        cmocka_unit_test(test_namelist),
	        cmocka_unit_test(test_mpint_rfc_examples),
	        cmocka_unit_test(test_mpint_non_minimal),
	        cmocka_unit_test(test_mpint_too_long),
	        cmocka_unit_test(test_view_is_read_only),
	        cmocka_unit_test(test_empty_writes_on_empty_buffer),
	        cmocka_unit_test(test_growth_limit),
	        cmocka_unit_test(test_grow_compact_secret),
	        cmocka_unit_test(test_stringb_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
