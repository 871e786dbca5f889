/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_ARGS_H
#define LCX_ARGS_H

/**
 * @file
 * One strict parser for "key=value,..." arguments (handler specs, port
 * options), on DPDK's rte_kvargs, so every bad argument is reported the
 * same way: one line naming who, the key, the value and what was
 * expected, e.g.
 *
 *     lcx: udp-echo: port=70000: expected a number in 1..65535
 *
 * Usage, in a handler's init():
 *
 *     struct lcx_args *a = lcx_args_parse("udp-echo", args, "port=N");
 *
 *     lcx_args_u16(a, "port", 1, UINT16_MAX, &port);   (optional key)
 *     return lcx_args_end(a);
 *
 * Errors are sticky: a getter that fails logs its line and marks @p a,
 * lcx_args_end() then returns -EINVAL.  Keys no getter asked for are
 * errors too ("unknown argument"), reported by lcx_args_end(), so a typo
 * never passes silently.  A key given twice is an error for the single
 * value getters.  Numbers are decimal, unsigned, with nothing after them.
 *
 * The value parsers (lcx_parse_*) are the same checks on a plain string,
 * for grammars that are not key=value (route files, filter rules).
 */

#include <stdint.h>

#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Values --------------------------------------------------------------- */

/**
 * Parse a decimal number in [min, max]: digits only, no sign, no blank,
 * nothing after.
 *
 * @param s
 *   The text.
 * @param min
 *   Smallest value accepted.
 * @param max
 *   Largest value accepted.
 * @param v
 *   Receives the value; untouched on error.
 * @return
 *   0; -EINVAL (NULL, not a number, trailing text, out of range).
 */
int lcx_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v);

/**
 * Parse a MAC address "xx:xx:xx:xx:xx:xx" (rte_ether_unformat_addr()).
 *
 * @param s
 *   The text.
 * @param mac
 *   Receives the address.
 * @return
 *   0; -EINVAL (NULL or not a MAC address).
 */
int lcx_parse_mac(const char *s, struct rte_ether_addr *mac);

/**
 * Parse "a.b.c.d" into a network-order address.
 *
 * @param s
 *   The text.
 * @param addr
 *   Receives the address, network order.
 * @return
 *   0; -EINVAL (NULL or not a dotted quad).
 */
int lcx_parse_ipv4(const char *s, uint32_t *addr);

/**
 * Parse "a.b.c.d/len" or "a.b.c.d" (len 32) into a network-order address
 * and a prefix length 0..32.
 *
 * @param s
 *   The text.
 * @param addr
 *   Receives the address, network order (host bits kept as given).
 * @param len
 *   Receives the prefix length.
 * @return
 *   0; -EINVAL (NULL, bad address, length not a number in 0..32).
 */
int lcx_parse_ipv4_prefix(const char *s, uint32_t *addr, uint8_t *len);

/* ---- key=value lists ------------------------------------------------------ */

struct lcx_args;

/**
 * Split "key=value,key=value" with rte_kvargs (at most 32 pairs; a value
 * in "[...]" may hold commas; blanks around ',' and '=' are ignored, so
 * "a=1, b=2" is "a=1,b=2"), after a stricter syntax check: keys are
 * [A-Za-z0-9_.-]+, one '=' a pair, no empty pair (",," or a trailing
 * ","), brackets closed.  (rte_kvargs itself would read "a=b=c" as
 * b=c.)
 *
 * @param who
 *   Who is parsing ("udp-echo"), the start of every message.
 * @param text
 *   The arguments; NULL or "" is an empty list.
 * @param usage
 *   What is expected, for messages ("port=N").
 * @return
 *   The list, or NULL with lcx_errno EINVAL (unparsable: logged) or
 *   ENOMEM.  NULL may be passed on to the getters and lcx_args_end():
 *   they then return -EINVAL, so init() needs no extra check.
 */
struct lcx_args *lcx_args_parse(const char *who, const char *text,
		const char *usage);

/**
 * Free the list and give the verdict.
 *
 * @param a
 *   The list, or NULL (a failed lcx_args_parse()).
 * @return
 *   0; -EINVAL when @p a is NULL, a getter failed, or a key was given
 *   that no getter asked for (logged: "unknown argument").
 */
int lcx_args_end(struct lcx_args *a);

/**
 * How many times @p key was given (to tell absent from present).
 *
 * @param a
 *   The list, or NULL.
 * @param key
 *   The key.
 * @return
 *   The count; 0 for a NULL list.
 */
unsigned int lcx_args_count(const struct lcx_args *a, const char *key);

/**
 * Read a number in [min, max].
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param min
 *   Smallest value accepted.
 * @param max
 *   Largest value accepted.
 * @param v
 *   Receives the value; untouched unless 0 is returned.
 * @return
 *   0; -ENOENT (absent: not an error, @p v keeps its default); -EINVAL
 *   (no value, not a number, out of range, given twice: logged).
 */
int lcx_args_u64(struct lcx_args *a, const char *key, uint64_t min,
		uint64_t max, uint64_t *v);

/**
 * lcx_args_u64() into a uint32_t.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param min
 *   Smallest value accepted.
 * @param max
 *   Largest value accepted.
 * @param v
 *   Receives the value; untouched unless 0 is returned.
 * @return
 *   As lcx_args_u64().
 */
int lcx_args_u32(struct lcx_args *a, const char *key, uint32_t min,
		uint32_t max, uint32_t *v);

/**
 * lcx_args_u64() into a uint16_t.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param min
 *   Smallest value accepted.
 * @param max
 *   Largest value accepted.
 * @param v
 *   Receives the value; untouched unless 0 is returned.
 * @return
 *   As lcx_args_u64().
 */
int lcx_args_u16(struct lcx_args *a, const char *key, uint16_t min,
		uint16_t max, uint16_t *v);

/**
 * Read a MAC address.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param mac
 *   Receives the address; untouched unless 0 is returned.
 * @return
 *   0; -ENOENT (absent); -EINVAL (no value, not a MAC, given twice:
 *   logged).
 */
int lcx_args_mac(struct lcx_args *a, const char *key,
		struct rte_ether_addr *mac);

/**
 * Read an IPv4 prefix "a.b.c.d[/len]" (len 32 when not given).
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param addr
 *   Receives the address, network order; untouched unless 0 is returned.
 * @param len
 *   Receives the prefix length.
 * @return
 *   0; -ENOENT (absent); -EINVAL (no value, not a prefix, given twice:
 *   logged).
 */
int lcx_args_ipv4_prefix(struct lcx_args *a, const char *key, uint32_t *addr,
		uint8_t *len);

/**
 * Read every value of a repeatable key as IPv4 addresses, in order.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param addr
 *   Receives up to @p max network-order addresses.
 * @param max
 *   Room in @p addr.
 * @return
 *   How many (0: absent); -EINVAL (a bad address, or more than @p max:
 *   logged).
 */
int lcx_args_ipv4_list(struct lcx_args *a, const char *key, uint32_t *addr,
		unsigned int max);

/**
 * Copy a text value (a path) into @p buf.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @param buf
 *   Receives the value, NUL-terminated.
 * @param len
 *   Size of @p buf.
 * @return
 *   0; -ENOENT (absent); -EINVAL (no value, empty, longer than len - 1,
 *   given twice: logged).
 */
int lcx_args_str(struct lcx_args *a, const char *key, char *buf,
		size_t len);

/**
 * Require a key: log "KEY: missing, expected USAGE" and mark the list
 * when absent.
 *
 * @param a
 *   The list.
 * @param key
 *   The key.
 * @return
 *   0; -EINVAL (absent: logged; or a NULL list).
 */
int lcx_args_need(struct lcx_args *a, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* LCX_ARGS_H */
