/* base64: RFC 4648 section 10 vectors both ways, whitespace, optional
 * padding, and the inputs we must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

static const struct {
	const char *plain;
	const char *padded;
	const char *nopad;
} vectors[] = {
        {"", "", ""},
        {"f", "Zg==", "Zg"},
        {"fo", "Zm8=", "Zm8"},
        {"foo", "Zm9v", "Zm9v"},
        {"foob", "Zm9vYg==", "Zm9vYg"},
        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static void check_decode(const char *in, const char *want)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(b64_decode(in, strlen(in), &b), 0);
	assert_int_equal(buf_len(&b), strlen(want));
	assert_memory_equal(buf_ptr(&b), want, strlen(want));
	buf_free(&b);
}

static void test_rfc4648_encode(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		char *s = NULL;
		const uint8_t *p = (const uint8_t *)vectors[i].plain;
		assert_int_equal(b64_encode(p, strlen(vectors[i].plain), &s), 0);
		assert_string_equal(s, vectors[i].padded);
		free(s);
		assert_int_equal(b64_encode_nopad(p, strlen(vectors[i].plain), &s), 0);
		assert_string_equal(s, vectors[i].nopad);
		free(s);
	}
}

static void test_rfc4648_decode(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		check_decode(vectors[i].padded, vectors[i].plain);
		check_decode(vectors[i].nopad, vectors[i].plain);
	}
}

static void test_decode_whitespace_and_append(void **state)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(buf_put(&b, "x", 1), 0);
	static const char in[] = " Zm9v\r\nYm\tFy \n";
	assert_int_equal(b64_decode(in, strlen(in), &b), 0);
	assert_int_equal(buf_len(&b), 7);
	assert_memory_equal(buf_ptr(&b), "xfoobar", 7);
	/* whitespace between padding characters is tolerated as elsewhere */
	check_decode("Zg=\n=", "f");
	check_decode(" \n", "");
	buf_free(&b);
}

static void test_decode_binary_all_bytes(void **state)
{
	uint8_t data[256];
	char *s = NULL;
	struct buf b;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	buf_init(&b);
	for (size_t n = 0; n <= sizeof(data); n += 37) {
		assert_int_equal(b64_encode(data, n, &s), 0);
		assert_int_equal(strlen(s), (n + 2) / 3 * 4);
		buf_reset(&b);
		assert_int_equal(b64_decode(s, strlen(s), &b), 0);
		assert_int_equal(buf_len(&b), n);
		if (n > 0)
			assert_memory_equal(buf_ptr(&b), data, n);
		free(s);
	}
	buf_free(&b);
}

static void test_decode_invalid(void **state)
{
	static const char *bad[] = {
	        "Z", /* dangling single character */
	        "Zm9vY", /* dangling after a full quantum */
	        "Z===", /* padding after one character */
	        "====", /* padding alone */
	        "Zm9v=", /* padding after a complete quantum */
	        "Zg=", /* incomplete padding */
	        "Zg===", /* too much padding */
	        "Zg==Zg==", /* data after padding */
	        "Zm8=Zm8", /* data after padding */
	        "Zm9v!", /* not in the alphabet */
	        "Zm-v", /* base64url is not accepted */
	        "Zm_v",     "Zh==", /* non-zero bits after the last byte */
	        "Zm9=",     "Zm\x80v", /* high bit */
	};
	struct buf b;
	buf_init(&b);
	assert_int_equal(buf_put(&b, "keep", 4), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = b64_decode(bad[i], strlen(bad[i]), &b);
		if (r != SLC_ERR_FORMAT)
			fail_msg("accepted \"%s\" (%d)", bad[i], r);
		/* nothing appended on failure */
		assert_int_equal(buf_len(&b), 4);
	}
	/* an embedded NUL within n is not whitespace */
	assert_int_equal(b64_decode("Zm9v\0Zm9v", 9, &b), SLC_ERR_FORMAT);
	/* n bounds the read: the stray character past n is never seen */
	assert_int_equal(b64_decode("Zm9v!", 4, &b), 0);
	assert_int_equal(buf_len(&b), 7);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc4648_encode),
	        cmocka_unit_test(test_rfc4648_decode),
	        cmocka_unit_test(test_decode_whitespace_and_append),
	        cmocka_unit_test(test_decode_binary_all_bytes),
	        cmocka_unit_test(test_decode_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
