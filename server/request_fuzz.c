/* libFuzzer harness for what the server parses out of a request beyond the
 * wire codecs: the pxelinux.cfg/<hex address> name a TFTP or HTTP client
 * asks for, a per-subnet mirror map ("CIDR URL,...") and a stage-3 kind.
 * The input is copied to a heap buffer of its exact size (NUL-terminated
 * for the C-string parsers). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "server/config.h"
#include "server/files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int host_bits_zero(uint32_t net_be, int prefix)
{
	return prefix >= 32 || (ntohl(net_be) & (0xffffffffu >> prefix)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	static struct mirror_map m;
	enum stage3_kind k;
	uint32_t net;
	int prefix;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (boot_files_hexip(s, &net, &prefix) == 0 &&
	    (prefix < 4 || prefix > 32 || prefix % 4 || !host_bits_zero(net, prefix)))
		abort();
	/* a map is a valid CIDR (host bits zero) and at least one terminated URL */
	if (!mirror_map_parse(s, size, &m)) {
		size_t n = strnlen(m.urls, sizeof(m.urls));
		if (m.prefix > 32 || !host_bits_zero(m.net, m.prefix) || n == 0 || n == sizeof(m.urls))
			abort();
	}
	if (stage3_parse(s, &k) == 0 && (k < STAGE3_HTTP || k > STAGE3_NFS || !stage3_name(k)))
		abort();
	free(s);
	return 0;
}
