/* SPDX-License-Identifier: BSD-3-Clause */
/* Small parsers for handler arguments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lcx_handler.h"

int
lcx_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

int
lcx_parse_ipv4_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
	char buf[32], *slash, *end;
	unsigned long l = 32;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash++ = '\0';
		errno = 0;
		l = strtoul(slash, &end, 10);
		if (errno != 0 || end == slash || *end != '\0' || l > 32)
			return -EINVAL;
	}
	if (lcx_parse_ipv4(buf, addr) != 0)
		return -EINVAL;
	*len = (uint8_t)l;
	return 0;
}
