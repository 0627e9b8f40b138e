#include "packet.h"

#include <string.h>

/* "none" before the first NEWKEYS: block size 8, no MAC, clear length. */
#define NONE_BLOCK 8

void packet_init(struct ssh_packet *p, const struct slc_rng *rng)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->inbuf);
	buf_init(&p->outbuf);
	p->rng = rng;
}

void packet_free(struct ssh_packet *p)
{
	cipher_del(p->in.cipher);
	cipher_del(p->out.cipher);
	buf_free(&p->inbuf);
	buf_free(&p->outbuf);
	memset(p, 0, sizeof(*p));
}

void packet_set_cipher(struct packet_dir *d, struct cipher_ctx *c)
{
	cipher_del(d->cipher);
	d->cipher = c; /* transferred */
	d->packets = 0;
	d->bytes = 0;
}

static size_t tag_len(const struct packet_dir *d)
{
	return d->cipher ? cipher_tag_len(d->cipher) : 0;
}

static size_t block_size(const struct packet_dir *d)
{
	return d->cipher ? cipher_block_size(d->cipher) : NONE_BLOCK;
}

static size_t aad_len(const struct packet_dir *d)
{
	return d->cipher ? cipher_aad_len(d->cipher) : 0;
}

/* Drop the payload handed out by the previous packet_next(). Deferred so
 * the borrowed pointer stays valid until the caller asks for more. */
static void pop_pending(struct ssh_packet *p)
{
	if (!p->in_pending_pop)
		return;
	buf_discard(&p->inbuf, p->in_pop_len);
	p->in_pending_pop = false;
	if (buf_len(&p->inbuf) == 0) {
		/* Idle connections keep no input memory. */
		buf_free(&p->inbuf);
		buf_init(&p->inbuf);
	}
}

/* One packet needs at most its length, the tag, and the bytes of the next
 * packet's head that arrived with it; allow a few packets in flight. */
#define INBUF_LIMIT (4 * (PACKET_MAX_LEN + 4 + CIPHER_MAX_TAG_LEN))

int packet_feed(struct ssh_packet *p, const uint8_t *data, size_t len)
{
	pop_pending(p);
	if (buf_len(&p->inbuf) + len > INBUF_LIMIT) {
		p->why = "too much unprocessed input";
		return SLC_ERR_LIMIT;
	}
	return buf_put(&p->inbuf, data, len);
}

int packet_feed_reserve(struct ssh_packet *p, size_t want, uint8_t **ptr, size_t *len)
{
	pop_pending(p);
	size_t have = buf_len(&p->inbuf);
	if (have >= INBUF_LIMIT) {
		p->why = "too much unprocessed input";
		return SLC_ERR_LIMIT;
	}
	if (want > INBUF_LIMIT - have)
		want = INBUF_LIMIT - have;
	int r = buf_ensure_room(&p->inbuf, want);
	if (r < 0)
		return r;
	*ptr = p->inbuf.base + p->inbuf.wpos;
	*len = p->inbuf.cap - p->inbuf.wpos;
	return 0;
}

void packet_feed_commit(struct ssh_packet *p, size_t n)
{
	p->inbuf.wpos += n;
}

static int fail(struct ssh_packet *p, int r, const char *why)
{
	p->why = why;
	return r;
}

int packet_next(struct ssh_packet *p, const uint8_t **payload, size_t *len)
{
	struct packet_dir *d = &p->in;
	int r;

	pop_pending(p);
	uint8_t *pkt = buf_mutable_ptr(&p->inbuf);
	size_t avail = buf_len(&p->inbuf);

	if (!p->in_have_len) {
		uint32_t plen;
		if (d->cipher) {
			r = cipher_decrypt_length(d->cipher, d->seqnr, pkt, avail, &plen);
			if (r == SLC_ERR_AGAIN)
				return r;
			if (r < 0)
				return fail(p, r, "bad packet length");
		} else {
			if (avail < 4)
				return SLC_ERR_AGAIN;
			plen = buf_load_u32(pkt);
			if (plen < 5 || (4 + (size_t)plen) % NONE_BLOCK != 0)
				return fail(p, SLC_ERR_LENGTH, "bad packet length");
		}
		if (plen > PACKET_MAX_LEN)
			return fail(p, SLC_ERR_LENGTH, "packet too long");
		p->in_len = plen;
		p->in_have_len = true;
	}

	size_t total = 4 + (size_t)p->in_len;
	size_t tag = tag_len(d);
	if (avail < total + tag)
		return SLC_ERR_AGAIN;
	if (d->cipher) {
		r = cipher_decrypt(d->cipher, d->seqnr, pkt, total);
		if (r == SLC_ERR_MAC)
			return fail(p, r, "message authentication code incorrect");
		if (r < 0)
			return fail(p, r, "packet decryption failed");
	}
	p->in_have_len = false;

	uint8_t padlen = pkt[4];
	/* RFC 4253 6: at least 4 bytes of padding, and a message number. */
	if (padlen < 4)
		return fail(p, SLC_ERR_PROTOCOL, "packet padding too short");
	if ((size_t)padlen + 1 >= p->in_len)
		return fail(p, SLC_ERR_PROTOCOL, "packet padding longer than the packet");
	if ((total - aad_len(d)) % block_size(d) != 0)
		return fail(p, SLC_ERR_PROTOCOL, "packet not a multiple of the block size");

	*payload = pkt + 5;
	*len = p->in_len - padlen - 1;
	d->seqnr++; /* wraps at 2^32 as RFC 4253 6.4 says */
	d->packets++;
	d->bytes += total + tag;
	p->in_pending_pop = true;
	p->in_pop_len = total + tag;
	return 0;
}

int packet_begin(struct ssh_packet *p, struct buf **payload)
{
	uint8_t *hdr;
	if (p->building)
		return SLC_ERR_INVALID;
	p->pkt_start = p->outbuf.wpos - p->outbuf.rpos;
	int r = buf_reserve(&p->outbuf, 5, &hdr);
	if (r < 0)
		return r;
	p->building = true;
	*payload = &p->outbuf;
	return 0;
}

int packet_end(struct ssh_packet *p)
{
	struct packet_dir *d = &p->out;
	int r;

	if (!p->building)
		return SLC_ERR_INVALID;
	p->building = false;
	/* Offsets from rpos, recomputed after every reserve: appending may
	 * move (compact) the buffer, and so may reserving the padding. */
	size_t start = p->outbuf.rpos + p->pkt_start;
	size_t payload_len = p->outbuf.wpos - start - 5;
	if (payload_len == 0 || payload_len > PACKET_MAX_PAYLOAD) {
		p->outbuf.wpos = start;
		return SLC_ERR_LENGTH;
	}
	size_t pad;
	if (d->cipher) {
		pad = cipher_padding(d->cipher, payload_len);
	} else {
		size_t unpadded = 5 + payload_len;
		pad = NONE_BLOCK - unpadded % NONE_BLOCK;
		if (pad < 4)
			pad += NONE_BLOCK;
	}
	size_t tag = tag_len(d);
	uint8_t *tail;
	if ((r = buf_reserve(&p->outbuf, pad + tag, &tail)) < 0) {
		p->outbuf.wpos = p->outbuf.rpos + p->pkt_start;
		return r;
	}
	start = p->outbuf.rpos + p->pkt_start;
	if ((r = slc_rng_fill(p->rng, tail, pad)) < 0) {
		p->outbuf.wpos = start;
		return r;
	}
	uint8_t *pkt = p->outbuf.base + start;
	size_t len = 5 + payload_len + pad;
	buf_store_u32(pkt, (uint32_t)(len - 4));
	pkt[4] = (uint8_t)pad;
	if (d->cipher && (r = cipher_encrypt(d->cipher, d->seqnr, pkt, len)) < 0) {
		p->outbuf.wpos = start;
		return r;
	}
	d->seqnr++;
	d->packets++;
	d->bytes += len + tag;
	return 0;
}

int packet_send(struct ssh_packet *p, const uint8_t *payload, size_t len)
{
	struct buf *b;
	int r = packet_begin(p, &b);
	if (r < 0)
		return r;
	if ((r = buf_put(b, payload, len)) < 0) {
		p->outbuf.wpos = p->outbuf.rpos + p->pkt_start;
		p->building = false;
		return r;
	}
	return packet_end(p);
}

const uint8_t *packet_output(const struct ssh_packet *p, size_t *len)
{
	/* A packet under construction is not output yet. */
	*len = p->building ? p->pkt_start : buf_len(&p->outbuf);
	return buf_ptr(&p->outbuf);
}

void packet_consume_output(struct ssh_packet *p, size_t n)
{
	size_t avail;
	(void)packet_output(p, &avail);
	if (n > avail)
		n = avail;
	buf_discard(&p->outbuf, n);
	if (p->building)
		p->pkt_start -= n;
	else if (buf_len(&p->outbuf) == 0) {
		buf_free(&p->outbuf);
		buf_init(&p->outbuf);
	}
}
