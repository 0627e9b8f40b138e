/* ssh-agent protocol messages: framing, identities, signatures, and
 * hostile replies (huge counts, truncation, trailing bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent.h"

static void test_request_framing(void **state)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(agent_put_request_identities(&b), 0);
	static const uint8_t want[] = {0, 0, 0, 1, 11};
	assert_int_equal(buf_len(&b), 5);
	assert_memory_equal(buf_ptr(&b), want, 5);
	buf_reset(&b);
	static const uint8_t blob[] = {1, 2, 3};
	assert_int_equal(
	        agent_put_sign_request(&b, blob, 3, (const uint8_t *)"data", 4, "rsa-sha2-512"), 0);
	static const uint8_t want2[] = {0, 0, 0, 20, 13,  0,   0,   0,   3, 1, 2, 3,
	                                0, 0, 0, 4,  'd', 'a', 't', 'a', 0, 0, 0, 4};
	assert_int_equal(buf_len(&b), sizeof(want2));
	assert_memory_equal(buf_ptr(&b), want2, sizeof(want2));
	buf_free(&b);
}

static void test_identities_and_signature(void **state)
{
	struct sshkey *k;
	struct buf pub, reply, sig, in;
	assert_int_equal(sshkey_generate(SSHKEY_ED25519, 0, &k), 0);
	buf_init(&pub);
	buf_init(&reply);
	buf_init(&sig);
	buf_init(&in);
	assert_int_equal(sshkey_put_public(k, &pub), 0);
	/* IDENTITIES_ANSWER with our key and an unknown type */
	assert_int_equal(buf_put_u32(&reply, 0), 0); /* length patched below */
	assert_int_equal(buf_put_u8(&reply, AGENT_IDENTITIES_ANSWER), 0);
	assert_int_equal(buf_put_u32(&reply, 2), 0);
	assert_int_equal(buf_put_stringb(&reply, &pub), 0);
	assert_int_equal(buf_put_cstring(&reply, "me@host"), 0);
	assert_int_equal(buf_put_cstring(&reply, "ssh-ed25519-cert-v01@openssh.com"), 0);
	assert_int_equal(buf_put_cstring(&reply, "a cert"), 0);
	buf_store_u32(reply.base, (uint32_t)(buf_len(&reply) - 4));
	/* deliver it in two pieces */
	uint8_t type;
	struct buf body;
	assert_int_equal(buf_put(&in, buf_ptr(&reply), 7), 0);
	assert_int_equal(agent_take_reply(&in, &type, &body), SLC_ERR_AGAIN);
	assert_int_equal(buf_len(&in), 7);
	assert_int_equal(buf_put(&in, buf_ptr(&reply) + 7, buf_len(&reply) - 7), 0);
	assert_int_equal(agent_take_reply(&in, &type, &body), 0);
	assert_int_equal(type, AGENT_IDENTITIES_ANSWER);
	struct agent_identity *ids;
	size_t n;
	assert_int_equal(agent_parse_identities(&body, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(ids[0].key);
	assert_true(sshkey_equal_public(ids[0].key, k));
	assert_string_equal(ids[0].comment, "me@host");
	assert_null(ids[1].key);
	agent_identities_free(ids, n);

	/* SIGN_RESPONSE carrying a real signature */
	const uint8_t data[] = "session data to sign";
	assert_int_equal(sshkey_sign(k, NULL, data, sizeof(data), &sig), 0);
	buf_reset(&in);
	assert_int_equal(buf_put_u32(&in, (uint32_t)(1 + 4 + buf_len(&sig))), 0);
	assert_int_equal(buf_put_u8(&in, AGENT_SIGN_RESPONSE), 0);
	assert_int_equal(buf_put_stringb(&in, &sig), 0);
	assert_int_equal(agent_take_reply(&in, &type, &body), 0);
	assert_int_equal(type, AGENT_SIGN_RESPONSE);
	const uint8_t *s;
	size_t sl;
	assert_int_equal(agent_parse_signature(&body, &s, &sl), 0);
	assert_int_equal(sshkey_verify(k, s, sl, data, sizeof(data), NULL), 0);

	buf_free(&pub);
	buf_free(&reply);
	buf_free(&sig);
	buf_free(&in);
	sshkey_del(k);
}

static void test_hostile_replies(void **state)
{
	struct buf in, body;
	uint8_t type;
	struct agent_identity *ids;
	size_t n;
	buf_init(&in);
	/* oversize and empty frames */
	static const uint8_t big[] = {0, 0x10, 0, 1, 12};
	assert_int_equal(buf_put(&in, big, sizeof(big)), 0);
	assert_int_equal(agent_take_reply(&in, &type, &body), SLC_ERR_LENGTH);
	buf_reset(&in);
	static const uint8_t empty[] = {0, 0, 0, 0};
	assert_int_equal(buf_put(&in, empty, sizeof(empty)), 0);
	assert_int_equal(agent_take_reply(&in, &type, &body), SLC_ERR_LENGTH);
	/* a count the body cannot hold is refused before allocating */
	static const uint8_t many[] = {0xff, 0xff, 0xff, 0xff};
	buf_init_view(&body, many, sizeof(many));
	assert_int_equal(agent_parse_identities(&body, &ids, &n), SLC_ERR_LENGTH);
	/* two identities announced, the second's blob cut short */
	static const uint8_t two_but_one[] = {0,   0,   0,   2,   0,   0,   0,   12,  'x', 'x',
	                                      'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
	                                      0,   0,   0,   0,   0,   0,   0,   5};
	buf_init_view(&body, two_but_one, sizeof(two_but_one));
	assert_int_equal(agent_parse_identities(&body, &ids, &n), SLC_ERR_TRUNCATED);
	/* trailing bytes after a signature */
	static const uint8_t sigtrail[] = {0, 0, 0, 1, 'x', 0};
	const uint8_t *s;
	size_t sl;
	buf_init_view(&body, sigtrail, sizeof(sigtrail));
	assert_int_equal(agent_parse_signature(&body, &s, &sl), SLC_ERR_FORMAT);
	/* every truncation of a valid identities body fails cleanly */
	struct sshkey *k;
	struct buf good;
	assert_int_equal(sshkey_generate(SSHKEY_ECDSA_P256, 256, &k), 0);
	buf_init(&good);
	assert_int_equal(buf_put_u32(&good, 1), 0);
	struct buf pub;
	buf_init(&pub);
	assert_int_equal(sshkey_put_public(k, &pub), 0);
	assert_int_equal(buf_put_stringb(&good, &pub), 0);
	assert_int_equal(buf_put_cstring(&good, "c"), 0);
	for (size_t cut = 0; cut < buf_len(&good); cut++) {
		buf_init_view(&body, buf_ptr(&good), cut);
		assert_true(agent_parse_identities(&body, &ids, &n) < 0);
	}
	buf_free(&pub);
	buf_free(&good);
	buf_free(&in);
	sshkey_del(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_request_framing),
	        cmocka_unit_test(test_identities_and_signature),
	        cmocka_unit_test(test_hostile_replies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
