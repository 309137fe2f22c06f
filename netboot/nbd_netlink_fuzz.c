/* libFuzzer harness for netboot/nbd_netlink.c's reply parser: the input is
 * read as a datagram from the kernel, message after message, as genl.c
 * walks it; every message that parses must stay inside the datagram and
 * report sane values.  Then the builders run with sizes taken from the
 * input and must never write past the buffer or claim more than they wrote.
 * The input is copied to a heap buffer of its exact size so ASan sees any
 * read past the end. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netboot/nbd_netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct genl_msg m;
	struct errbuf e;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int64_t want = size ? data[0] % 4 : -1;
	for (size_t off = 0; off < size;) {
		int n = genl_parse(buf + off, size - off, "nbd_mc_group", want, &m, &e);
		if (n < 0) {
			if (n != -EPROTO || !e.msg[0])
				abort();
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > size - off || n < 16)
			abort();
		if (m.kind == GENL_ERROR && (m.error > 0 || m.error < -4095))
			abort();
		if (m.connected < -1 || m.connected > 1 || (m.connected != -1 && m.kind != GENL_FAMILY))
			abort();
		if (m.index < -1 || m.index > UINT32_MAX)
			abort();
		off += (size_t)n;
	}
	/* builders into a buffer of a size the input picks */
	size_t cap = size > 1 ? data[1] : 0;
	uint8_t *out = malloc(cap ? cap : 1);
	if (out) {
		struct nbdnl_connect c = { .index = size > 2 ? (int)data[2] - 128 : -1, .size = size, .blksize = 4096,
					   .sock = 3, .timeout_s = size & 1 ? 30 : 0, .dead_conn_timeout_s = size & 2 };
		int n = nbdnl_build_connect(out, cap, 0x1d, 1, &c);
		if (n != -ENOSPC && (n <= 0 || (size_t)n > cap))
			abort();
		if (n > 0 && genl_parse(out, (size_t)n, NULL, -1, &m, &e) != n)
			abort();
		n = nbdnl_build_reconfigure(out, cap, 0x1d, 2, 1, 4);
		if (n != -ENOSPC && (n <= 0 || (size_t)n > cap))
			abort();
		n = genl_build_getfamily(out, cap, 3, "nbd");
		if (n != -ENOSPC && (n != 28 || cap < 28))
			abort();
		free(out);
	}
	free(buf);
	return 0;
}
