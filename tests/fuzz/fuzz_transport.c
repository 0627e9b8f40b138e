/* Transport parsers on arbitrary bytes: the version exchange, KEXINIT, and
 * the binary packet layer (clear and with fixed chacha20-poly1305 and
 * aes128-ctr/hmac keys). The first byte picks the parser. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "kexinit.h"
#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int zero_fill(void *ctx, void *out, size_t n)
{
	(void)ctx;
	memset(out, 0, n);
	return 0;
}

static void fuzz_packets(const uint8_t *data, size_t size, int mode)
{
	static const struct slc_rng rng = {zero_fill, NULL};
	static const uint8_t key[CIPHER_MAX_KEY_LEN] = {1};
	static const uint8_t iv[CIPHER_MAX_IV_LEN] = {2};
	static const uint8_t mk[CIPHER_MAX_MAC_KEY_LEN] = {3};
	struct ssh_packet p;
	packet_init(&p, &rng);
	if (mode == 1) {
		struct cipher_ctx *c;
		if (cipher_new("chacha20-poly1305@openssh.com", NULL, key, 64, NULL, 0, NULL, 0,
		               false, &c) == 0)
			packet_set_cipher(&p.in, c);
	} else if (mode == 2) {
		struct cipher_ctx *c;
		if (cipher_new("aes128-ctr", "hmac-sha2-256", key, 16, iv, 16, mk, 32, false, &c) ==
		    0)
			packet_set_cipher(&p.in, c);
	}
	/* feed in uneven pieces, draining packets as they complete */
	size_t off = 0;
	size_t step = 1;
	while (off < size) {
		size_t k = size - off < step ? size - off : step;
		if (packet_feed(&p, data + off, k) < 0)
			break;
		off += k;
		step = step * 3 + 1;
		const uint8_t *pl;
		size_t len;
		int r;
		while ((r = packet_next(&p, &pl, &len)) == 0)
			assert(len >= 1 && len <= PACKET_MAX_LEN);
		if (r != SLC_ERR_AGAIN)
			break;
	}
	packet_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;
	switch (sel % 5) {
	case 0: {
		struct ssh_ident id;
		size_t used;
		ssh_ident_init(&id, sel & 0x80);
		int r = ssh_ident_feed(&id, data, size, &used);
		assert(used <= size);
		assert(r != 0 || (id.version && !strncmp(id.version, "SSH-", 4)));
		ssh_ident_free(&id);
		break;
	}
	case 1: {
		struct kexinit k;
		if (kexinit_parse(data, size, &k) == 0) {
			struct buf out;
			buf_init(&out);
			/* a parsed KEXINIT re-encodes to the same bytes, but for
			 * the boolean and reserved field it normalises */
			if (kexinit_put(&k, &out) == 0)
				assert(buf_len(&out) == size &&
				       !memcmp(buf_ptr(&out), data, size - 5));
			struct kex_choice ch;
			if (kexinit_negotiate(&k, &k, "chacha20-poly1305@openssh.com", &ch, NULL) ==
			    0)
				kex_choice_free(&ch);
			buf_free(&out);
			kexinit_free(&k);
		}
		break;
	}
	default:
		fuzz_packets(data, size, sel % 5 - 2);
		break;
	}
	return 0;
}
