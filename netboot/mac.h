/* Ethernet addresses as text: the one parser and formatter the command
 * line (BOOTIF=, nameif=, ip=), sysfs and the tool share. */
#ifndef NETBOOT_MAC_H
#define NETBOOT_MAC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exactly "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff" (one separator kind), n bytes. */
bool mac_parse(const char *s, size_t n, uint8_t mac[6]);
/* "aa:bb:cc:dd:ee:ff" into buf; returns buf. */
const char *mac_format(const uint8_t mac[6], char buf[18]);
#endif
