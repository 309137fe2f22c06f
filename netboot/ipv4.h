/* IPv4 addresses and masks in network byte order, shared by the command
 * line, the DHCP client and the link setup. */
#ifndef NETBOOT_IPV4_H
#define NETBOOT_IPV4_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exactly "a.b.c.d" in (s, n): four decimal parts 0..255, no leading zeros
 * ("010" is octal to inet_aton and decimal to a human: refused). */
bool ipv4_parse(const char *s, size_t n, uint32_t *out);
/* "a.b.c.d" into buf; returns buf. */
const char *ipv4_ntoa(uint32_t addr, char buf[16]);
/* The mask of a prefix length 0..32. */
uint32_t ipv4_prefix_mask(unsigned prefix);
/* The prefix length of a contiguous mask, or -1 (holes in the mask). */
int ipv4_mask_prefix(uint32_t mask);
#endif
