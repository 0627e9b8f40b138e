/* bcrypt_pbkdf and its Blowfish: published known-answer vectors, the
 * strided output layout, argument checks.
 *
 * Sources of the vectors:
 *  - Blowfish: Eric Young's ECB and set_key vectors (Schneier's
 *    counterpane.com/vectors.txt).
 *  - bcrypt_pbkdf: OpenBSD's regression vectors, as republished by
 *    RustCrypto's bcrypt-pbkdf crate (tests/test_vectors.rs) and pyca/bcrypt
 *    (tests/test_bcrypt.py), plus pyca/bcrypt's "unicode", "very large key"
 *    (256 bytes) and UTF-8 Greek vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bcrypt_pbkdf.h"
#include "blowfish.h"

static size_t unhex(const char *hex, uint8_t *out, size_t outmax)
{
	size_t n = strlen(hex) / 2;
	assert_true(strlen(hex) % 2 == 0);
	assert_true(n <= outmax);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- Blowfish ---- */

static void check_blowfish(const char *key_hex, const char *pt_hex, const char *ct_hex)
{
	uint8_t key[64], pt[8], ct[8];
	size_t keylen = unhex(key_hex, key, sizeof(key));
	struct blowfish bf;
	uint32_t l, r;

	assert_int_equal(unhex(pt_hex, pt, sizeof(pt)), 8);
	assert_int_equal(unhex(ct_hex, ct, sizeof(ct)), 8);
	blowfish_set_key(&bf, key, keylen);
	l = be32(pt);
	r = be32(pt + 4);
	blowfish_encrypt(&bf, &l, &r);
	if (l != be32(ct) || r != be32(ct + 4))
		fail_msg("blowfish key %s pt %s: got %08x%08x want %s", key_hex, pt_hex, l, r,
		         ct_hex);
}

static void test_blowfish_tables(void **state)
{
	/* Spot values from Schneier's description. */
	assert_true(blowfish_init_p[0] == 0x243f6a88);
	assert_true(blowfish_init_p[17] == 0x8979fb1b);
	assert_true(blowfish_init_s[0][0] == 0xd1310ba6);
	assert_true(blowfish_init_s[1][0] == 0x4b7a70e9);
	assert_true(blowfish_init_s[2][0] == 0xe93d5a68);
	assert_true(blowfish_init_s[3][255] == 0x3ac372e6);
}

static void test_blowfish_ecb_vectors(void **state)
{
	static const char *v[][3] = {
	        {"0000000000000000", "0000000000000000", "4ef997456198dd78"},
	        {"ffffffffffffffff", "ffffffffffffffff", "51866fd5b85ecb8a"},
	        {"3000000000000000", "1000000000000001", "7d856f9a613063f2"},
	        {"1111111111111111", "1111111111111111", "2466dd878b963c9d"},
	        {"0123456789abcdef", "1111111111111111", "61f9c3802281b096"},
	        {"1111111111111111", "0123456789abcdef", "7d0cc630afda1ec7"},
	        {"fedcba9876543210", "0123456789abcdef", "0aceab0fc6a0a28d"},
	        {"7ca110454a1a6e57", "01a1d6d039776742", "59c68245eb05282b"},
	        {"0131d9619dc1376e", "5cd54ca83def57da", "b1b8cc0b250f09a0"},
	        {"0101010101010101", "0123456789abcdef", "fa34ec4847b268b2"},
	        {"0000000000000000", "ffffffffffffffff", "014933e0cdaff6e4"},
	        {"ffffffffffffffff", "0000000000000000", "f21e9a77b71c49bc"},
	        {"fedcba9876543210", "ffffffffffffffff", "6b5c5a9c5d9e0a5a"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_blowfish(v[i][0], v[i][1], v[i][2]);
}

/* Keys of 1..24 bytes: exercises the cyclic key stream, including key
 * lengths that are not a multiple of four. */
static void test_blowfish_set_key_vectors(void **state)
{
	static const char *k = "f0e1d2c3b4a5968778695a4b3c2d1e0f0011223344556677";
	static const char *c[24] = {
	        "f9ad597c49db005e", "e91d21c1d961a6d6", "e9c2b70a1bc65cf3", "be1e639408640f05",
	        "b39e44481bdb1e6e", "9457aa83b1928c0d", "8bb77032f960629d", "e87a244e2cc85e82",
	        "15750e7a4f4ec577", "122ba70b3ab64ae0", "3a833c9affc537f6", "9409da87a90f6bf2",
	        "884f80625060b8b4", "1f85031c19e11968", "79d9373a714ca34f", "93142887ee3be15c",
	        "03429e838ce2d14b", "a4299e27469ff67b", "afd5aed1c1bc96a8", "10851c0e3858da9f",
	        "e6f51ed79b9db21f", "64a6e14afd36b46f", "80c7d7d45a5479ad", "05044b62fa52d080",
	};
	char key_hex[49];
	for (size_t n = 1; n <= 24; n++) {
		memcpy(key_hex, k, 2 * n);
		key_hex[2 * n] = '\0';
		check_blowfish(key_hex, "fedcba9876543210", c[n - 1]);
	}
}

/* ---- bcrypt_pbkdf ---- */

struct kdf_vector {
	const char *pass; /* raw bytes, length passlen (may hold NUL) */
	size_t passlen;
	const char *salt;
	size_t saltlen;
	unsigned rounds;
	const char *key_hex;
};

#define S(lit) lit, sizeof(lit) - 1

static const char lorem[] =
        "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
        "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure "
        "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. "
        "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
        "mollit anim id est laborum.";

/* pyca/bcrypt's "unicode" password and salt (random bytes). */
#define UNI_PASS "\x0d\xb3\xac\x94\xb3\xee\x53\x28\x4f\x4a\x22\x89\x3b\x3c\x24\xae"
#define UNI_SALT "\x3a\x62\xf0\xf0\xdb\xce\xf8\x23\xcf\xcc\x85\x48\x56\xea\x10\x28"

static const struct kdf_vector kdf_vectors[] = {
        {S("password"), S("salt"), 4,
         "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9"},
        {S("password"), S("\0"), 4, "c12b566235eee04c212598970a579a67"},
        {S("\0"), S("salt"), 4, "6051be18c2f4f82cbf0efee5471b4bb9"},
        {S("password\0"), S("salt\0"), 4,
         "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050"},
        {S("pass\0wor"), S("sa\0l"), 4, "c2bffd9db38f6569efef4372f4de83c0"},
        {S("pass\0word"), S("sa\0lt"), 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f"},
        {S("password"), S("salt"), 8,
         "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec7"
         "6227ea66088b849b20ab7aa478010246e74bba51723fefa9f9474d6508845e8d"},
        {S("password"), S("salt"), 42, "833cf0dcf56db65608e8f0dc0ce882bd"},
        {lorem, sizeof(lorem) - 1, S("salis\0"), 8, "10978b07253df57f71a162eb0e8ad30a"},
        {S(UNI_PASS), S(UNI_SALT), 8, "204438175eee7ce136c91b49a67923ff"},
        {S(UNI_PASS), S(UNI_SALT), 8,
         "2054b9fff34e3721440334746828e9ed38de4b72e0a69adc170a13b5e8d64638"
         "5ea4034ae6d26600ee2332c5ed40ad557c86e3403fbb30e4e1dc1ae06b99a071"
         "368f518d2c426651c9e7e437fd6c915b1bbfc3a4cea71491490ea7afb7dd0290"
         "a678a4f441128db1792eab2776b21eb4238e0715add4127dff44e4b3e4cc4c4f"
         "9970083f3f74bd698873fdf648844f75c9bf7f9e0c4d9e5d89a7783997492966"
         "616707611cb901de31a19726b6e08c3a8001661f2d5c9dcc33b4aa072f90dd0b"
         "3f548d5eeba4211397e2fb062e526e1d68f46a4ce256185b4badc2685fbe78e1"
         "c7657b59f83ab9ab80cf9318d6add1f5933f12d6f36182c8e8115f68030a1244"},
        /* "Ὀδυσσεύς" / "Τηλέμαχος" in UTF-8 */
        {S("\xe1\xbd\x88\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x8d\xcf\x82"),
         S("\xce\xa4\xce\xb7\xce\xbb\xce\xad\xce\xbc\xce\xb1\xcf\x87\xce\xbf\xcf\x82"), 8,
         "43666c9b09ef33ed8c27e8e8f3e2d8e6"},
};

static void test_kdf_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(kdf_vectors) / sizeof(kdf_vectors[0]); i++) {
		const struct kdf_vector *v = &kdf_vectors[i];
		uint8_t want[256], got[256 + 1];
		size_t n = unhex(v->key_hex, want, sizeof(want));

		got[n] = 0xa5; /* canary: nothing written past keylen */
		assert_int_equal(bcrypt_pbkdf(v->pass, v->passlen, (const uint8_t *)v->salt,
		                              v->saltlen, got, n, v->rounds),
		                 0);
		if (memcmp(got, want, n) != 0)
			fail_msg("vector %zu (rounds %u, %zu bytes) mismatch", i, v->rounds, n);
		assert_int_equal(got[n], 0xa5);
	}
}

/* Block 1 (counter 1) is the same whichever keylen asks for it, and its
 * byte i lands at key[i * nblocks]: the published 16-byte and 256-byte
 * vectors above already agree on this; check it at odd sizes and at the
 * maximum, where blocks differ in how many bytes they contribute. */
static void test_kdf_stride_layout(void **state)
{
	static const size_t lens[] = {33, 48, 65, 100, 1024};
	uint8_t first[32], key[1024];

	assert_int_equal(bcrypt_pbkdf(S("stride"), (const uint8_t *)"NaCl", 4, first, 32, 1), 0);
	for (size_t t = 0; t < sizeof(lens) / sizeof(lens[0]); t++) {
		size_t len = lens[t], nblocks = (len + 31) / 32;
		memset(key, 0, sizeof(key));
		assert_int_equal(bcrypt_pbkdf(S("stride"), (const uint8_t *)"NaCl", 4, key, len, 1),
		                 0);
		for (size_t i = 0; i * nblocks < len; i++)
			assert_int_equal(key[i * nblocks], first[i]);
	}
}

static void test_kdf_deterministic_and_salt_sensitive(void **state)
{
	uint8_t a[48], b[48], c[48];
	const uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	uint8_t salt2[16];

	memcpy(salt2, salt, sizeof(salt2));
	salt2[15] ^= 1;
	assert_int_equal(bcrypt_pbkdf(S("hunter2"), salt, sizeof(salt), a, sizeof(a), 2), 0);
	assert_int_equal(bcrypt_pbkdf(S("hunter2"), salt, sizeof(salt), b, sizeof(b), 2), 0);
	assert_int_equal(bcrypt_pbkdf(S("hunter2"), salt2, sizeof(salt2), c, sizeof(c), 2), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
}

static void test_kdf_bad_arguments(void **state)
{
	uint8_t key[1025], salt[4] = {0};

	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 4, key, 0, 1), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 4, key, 1025, 1), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 4, key, 16, 0), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 0, key, 16, 1), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, ((size_t)1 << 20) + 1, key, 16, 1),
	                 SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), NULL, 4, key, 16, 1), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 4, NULL, 16, 1), SLC_ERR_INVALID);
	assert_int_equal(bcrypt_pbkdf(NULL, 2, salt, 4, key, 16, 1), SLC_ERR_INVALID);
	/* Empty passphrase: refused, as by the reference implementation. */
	assert_int_equal(bcrypt_pbkdf("", 0, salt, 4, key, 16, 1), SLC_ERR_INVALID);

	/* The bounds themselves are accepted (keylen 1024: the stride test). */
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, 1, key, 1, 1), 0);
}

static void test_kdf_max_salt(void **state)
{
	size_t n = (size_t)1 << 20;
	uint8_t *salt = calloc(1, n);
	uint8_t key[16];

	assert_non_null(salt);
	assert_int_equal(bcrypt_pbkdf(S("pw"), salt, n, key, sizeof(key), 1), 0);
	free(salt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_blowfish_tables),
	        cmocka_unit_test(test_blowfish_ecb_vectors),
	        cmocka_unit_test(test_blowfish_set_key_vectors),
	        cmocka_unit_test(test_kdf_vectors),
	        cmocka_unit_test(test_kdf_stride_layout),
	        cmocka_unit_test(test_kdf_deterministic_and_salt_sensitive),
	        cmocka_unit_test(test_kdf_bad_arguments),
	        cmocka_unit_test(test_kdf_max_salt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
