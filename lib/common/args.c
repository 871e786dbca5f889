/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The strict argument parser: rte_kvargs splits, this file checks.  Every
 * message is one line "WHO: KEY=VALUE: expected WHAT".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_kvargs.h>

#include "lcx_args.h"
#include "lcx_common.h"

struct lcx_args {
	const char *who;
	const char *usage;
	struct rte_kvargs *kv;
	uint32_t used;                /* bit i: pairs[i] was asked for */
	int rc;                       /* first error, sticky */
	char text[1024];              /* the arguments, blanks squeezed */
};

_Static_assert(RTE_KVARGS_MAX <= 32, "one bit a pair in 'used'");

/* ---- Values --------------------------------------------------------------- */

int
lcx_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	/* strtoull() takes blanks, a sign (and wraps "-1") and 0x: refuse. */
	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

int
lcx_parse_mac(const char *s, struct rte_ether_addr *mac)
{
	if (s == NULL || rte_ether_unformat_addr(s, mac) != 0)
		return -EINVAL;
	return 0;
}

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
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	uint64_t l = 32;
	size_t n;

	if (s == NULL)
		return -EINVAL;
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (slash != NULL && lcx_parse_u64(slash + 1, 0, 32, &l) != 0)
		return -EINVAL;
	if (lcx_parse_ipv4(buf, addr) != 0)
		return -EINVAL;
	*len = (uint8_t)l;
	return 0;
}

/* ---- key=value lists ------------------------------------------------------ */

static int
key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* What rte_kvargs lets through but must not pass: "a=b=c" (it keeps
 * "b=c"), "=1", ",," and a trailing ",", "[" never closed, blanks or
 * other characters in keys.  Syntax: pair ("," pair)*, pair := key
 * ["=" value], a value's "[...]" may hold commas. */
static int
syntax_ok(const char *s)
{
	int depth = 0, eq = 0, klen = 0;

	if (*s == '\0')
		return 1;
	for (;; s++) {
		if (depth > 0) {
			if (*s == '\0')
				return 0;
			depth += (*s == '[') - (*s == ']');
		} else if (*s == ',' || *s == '\0') {
			if (klen == 0)
				return 0;
			if (*s == '\0')
				return 1;
			eq = 0;
			klen = 0;
		} else if (*s == '=') {
			if (eq++ != 0 || klen == 0)
				return 0;
		} else if (eq == 0) {
			if (!key_char(*s))
				return 0;
			klen++;
		} else if (*s == '[') {
			depth++;
		}
	}
}

/* Copy src without the blanks next to ',' and '=' or at either end. */
static void
squeeze(char *dst, const char *src)
{
	size_t i, n = 0;

	for (i = 0; src[i] != '\0'; i++) {
		if (src[i] == ' ' || src[i] == '\t') {
			size_t j = i;

			while (src[j] == ' ' || src[j] == '\t')
				j++;
			if (n == 0 || src[j] == '\0' || src[j] == ',' ||
					src[j] == '=' || dst[n - 1] == ',' ||
					dst[n - 1] == '=') {
				i = j - 1;
				continue;
			}
		}
		dst[n++] = src[i];
	}
	dst[n] = '\0';
}

struct lcx_args *
lcx_args_parse(const char *who, const char *text, const char *usage)
{
	struct lcx_args *a;

	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		lcx_errno = ENOMEM;
		return NULL;
	}
	a->who = who;
	a->usage = usage;
	if (text == NULL)
		text = "";
	/* "a=1, b=2" reads as "a=1,b=2": blanks around ',' and '=' are how
	 * people write lists in a spec, never part of a key or a value. */
	if (strlen(text) >= sizeof(a->text)) {
		LCX_LOG(ERR, "%s: arguments longer than %zu", who,
			sizeof(a->text) - 1);
		free(a);
		lcx_errno = EINVAL;
		return NULL;
	}
	squeeze(a->text, text);
	a->kv = syntax_ok(a->text) ? rte_kvargs_parse(a->text, NULL) : NULL;
	if (a->kv == NULL) {
		LCX_LOG(ERR, "%s: cannot parse '%s': expected %s", who,
			text, usage);
		free(a);
		lcx_errno = EINVAL;
		return NULL;
	}
	return a;
}

int
lcx_args_end(struct lcx_args *a)
{
	const struct rte_kvargs_pair *p;
	unsigned int i;
	int rc;

	if (a == NULL)
		return -EINVAL;
	for (i = 0; i < a->kv->count && a->rc == 0; i++) {
		if (a->used & (1u << i))
			continue;
		p = &a->kv->pairs[i];
		LCX_LOG(ERR, "%s: %s%s%s: unknown argument, expected %s",
			a->who, p->key, p->value != NULL ? "=" : "",
			p->value != NULL ? p->value : "", a->usage);
		a->rc = -EINVAL;
	}
	rc = a->rc;
	rte_kvargs_free(a->kv);
	free(a);
	return rc;
}

unsigned int
lcx_args_count(const struct lcx_args *a, const char *key)
{
	return a != NULL ? rte_kvargs_count(a->kv, key) : 0;
}

static int
fail(struct lcx_args *a, const char *key, const char *value,
		const char *what)
{
	LCX_LOG(ERR, "%s: %s%s%s: %s", a->who, key, value != NULL ? "=" : "",
		value != NULL ? value : "", what);
	if (a->rc == 0)
		a->rc = -EINVAL;
	return -EINVAL;
}

/* The value of a key given once; -ENOENT or -EINVAL (logged) otherwise.
 * Marks every pair of the key as used. */
static int
single(struct lcx_args *a, const char *key, const char *expected,
		const char **value)
{
	const struct rte_kvargs_pair *p;
	unsigned int i, n = 0;
	char what[160];

	if (a == NULL)
		return -EINVAL;
	for (i = 0; i < a->kv->count; i++) {
		p = &a->kv->pairs[i];
		if (strcmp(p->key, key) != 0)
			continue;
		a->used |= 1u << i;
		if (n++ == 0)
			*value = p->value;
	}
	if (n == 0)
		return -ENOENT;
	if (n > 1) {
		snprintf(what, sizeof(what), "given %u times, expected %s",
			n, a->usage);
		return fail(a, key, *value, what);
	}
	if (*value == NULL) {
		snprintf(what, sizeof(what), "no value, expected %s", expected);
		return fail(a, key, NULL, what);
	}
	return 0;
}

static int
expected(struct lcx_args *a, const char *key, const char *value,
		const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "expected %s", what);
	return fail(a, key, value, msg);
}

int
lcx_args_u64(struct lcx_args *a, const char *key, uint64_t min, uint64_t max,
		uint64_t *v)
{
	const char *s = NULL;
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "a number in %" PRIu64 "..%" PRIu64,
		min, max);
	rc = single(a, key, what, &s);
	if (rc != 0)
		return rc;
	if (lcx_parse_u64(s, min, max, v) != 0)
		return expected(a, key, s, what);
	return 0;
}

int
lcx_args_u32(struct lcx_args *a, const char *key, uint32_t min, uint32_t max,
		uint32_t *v)
{
	uint64_t x;
	int rc = lcx_args_u64(a, key, min, max, &x);

	if (rc == 0)
		*v = (uint32_t)x;
	return rc;
}

int
lcx_args_u16(struct lcx_args *a, const char *key, uint16_t min, uint16_t max,
		uint16_t *v)
{
	uint64_t x;
	int rc = lcx_args_u64(a, key, min, max, &x);

	if (rc == 0)
		*v = (uint16_t)x;
	return rc;
}

int
lcx_args_mac(struct lcx_args *a, const char *key, struct rte_ether_addr *mac)
{
	static const char what[] = "a MAC address xx:xx:xx:xx:xx:xx";
	struct rte_ether_addr m;
	const char *s = NULL;
	int rc;

	rc = single(a, key, what, &s);
	if (rc != 0)
		return rc;
	if (lcx_parse_mac(s, &m) != 0)
		return expected(a, key, s, what);
	*mac = m;
	return 0;
}

int
lcx_args_ipv4_prefix(struct lcx_args *a, const char *key, uint32_t *addr,
		uint8_t *len)
{
	static const char what[] = "an IPv4 prefix A.B.C.D[/0..32]";
	const char *s = NULL;
	uint32_t x;
	uint8_t l;
	int rc;

	rc = single(a, key, what, &s);
	if (rc != 0)
		return rc;
	if (lcx_parse_ipv4_prefix(s, &x, &l) != 0)
		return expected(a, key, s, what);
	*addr = x;
	*len = l;
	return 0;
}

int
lcx_args_ipv4_list(struct lcx_args *a, const char *key, uint32_t *addr,
		unsigned int max)
{
	const struct rte_kvargs_pair *p;
	unsigned int i, n = 0;
	char what[64];

	if (a == NULL)
		return -EINVAL;
	for (i = 0; i < a->kv->count; i++) {
		p = &a->kv->pairs[i];
		if (strcmp(p->key, key) != 0)
			continue;
		a->used |= 1u << i;
		if (n == max) {
			snprintf(what, sizeof(what), "more than %u values", max);
			return fail(a, key, p->value, what);
		}
		if (lcx_parse_ipv4(p->value, &addr[n]) != 0)
			return expected(a, key, p->value,
				"an IPv4 address A.B.C.D");
		n++;
	}
	return (int)n;
}

int
lcx_args_str(struct lcx_args *a, const char *key, char *buf, size_t len)
{
	const char *s = NULL;
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "text of 1..%zu characters",
		len != 0 ? len - 1 : 0);
	rc = single(a, key, what, &s);
	if (rc != 0)
		return rc;
	if (s[0] == '\0' || strlen(s) >= len)
		return expected(a, key, s, what);
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

int
lcx_args_need(struct lcx_args *a, const char *key)
{
	char what[160];

	if (a == NULL)
		return -EINVAL;
	if (rte_kvargs_count(a->kv, key) != 0)
		return 0;
	snprintf(what, sizeof(what), "missing, expected %s", a->usage);
	return fail(a, key, NULL, what);
}
