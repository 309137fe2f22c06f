/* Calendar dates to days since the epoch, for the HTTP Date header and
 * certificate validity: no timegm(), no TZ, the same in musl and glibc. */
#ifndef NETBOOT_CIVIL_DATE_H
#define NETBOOT_CIVIL_DATE_H
#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (m 1-12) in the proleptic Gregorian calendar. */
int64_t days_from_civil(int64_t y, int m, int d);
#endif
