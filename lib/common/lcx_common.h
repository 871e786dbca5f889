/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LCX_COMMON_H
#define LCX_COMMON_H

/**
 * @file
 * Error codes, the per-thread error variable and logging shared by every
 * lcx module.
 *
 * Conventions (as DPDK): constructors return a pointer, or NULL with
 * lcx_errno set; control functions return 0 or a negative error; burst
 * functions return a count.  Errors are either a standard errno value
 * (EINVAL, ENOENT, ENOBUFS, ...) or one of the lcx codes below, which sit
 * above every errno value.
 */

#include <stddef.h>
#include <stdint.h>
#include <rte_common.h>
#include <rte_log.h>
#include <rte_per_lcore.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef LCX_MAX_CONTEXTS
#define LCX_MAX_CONTEXTS 64 /**< set by the max_contexts meson option */
#endif

/** Default burst size, everywhere. */
#define LCX_BURST 32

/** Most ports one process may open. */
#define LCX_MAX_PORTS 16

/** Most RX queues one context may poll. */
#define LCX_MAX_CTX_RXQ 32

/**
 * IPv4 address a.b.c.d in host order.  DPDK 22.11's RTE_IPV4 shifts a
 * signed int, which is undefined for a >= 128 (198.18.0.0/15 included).
 */
#define LCX_IPV4(a, b, c, d) \
	(((uint32_t)(a) & 0xff) << 24 | ((uint32_t)(b) & 0xff) << 16 | \
	 ((uint32_t)(c) & 0xff) << 8 | ((uint32_t)(d) & 0xff))

/** lcx's own error codes; returned negated by control functions. */
enum lcx_error {
	LCX_ERR_BASE = 2000,
	/** allocation failed: no free lcore (on the asked socket), no free
	 *  slot in the manager's table, or no memory for the context */
	LCX_EALLOC = LCX_ERR_BASE,
	/** initialization failed: the context's own parts, its run queue or
	 *  its timer heap, could not be made */
	LCX_EINIT,
	/** resource initialization failed: what the context is given could
	 *  not be set up: its mbuf pool, a port queue, a handoff ring */
	LCX_ERESINIT,
	/** environment setup failed: EAL not initialised, the manager not
	 *  started, or its watchdog control thread could not start */
	LCX_EENV,
	LCX_ENOCTX,                /**< context not found (no such id or name) */
	LCX_ERR_MAX,
};

/** @internal Storage of lcx_errno, one per thread. */
extern __thread int __lcx_errno;
/** Error of the last failed constructor on this thread (positive value). */
#define lcx_errno __lcx_errno

/**
 * Describe an error code.
 *
 * @param err
 *   An lcx code or an errno value, positive or negative.
 * @return
 *   A static string; never NULL.
 */
const char *lcx_strerror(int err);

/**
 * Remove an EAL runtime directory (/var/run/dpdk/<file-prefix>) and the
 * files in it.  EAL leaves it behind at exit, about 3 MB of RAM-backed
 * files with --no-huge; a process that made up a private --file-prefix
 * should remove it as it leaves (mappings of unlinked files stay valid).
 *
 * @param dir
 *   The directory, or NULL for this process's (rte_eal_get_runtime_dir()).
 * @return
 *   0; -ENOENT (no such directory); -errno of the first failing unlink
 *   or rmdir (the rest is still attempted).
 */
int lcx_runtime_dir_remove(const char *dir);

/**
 * Whether the EAL can use hugepages here: hugetlbfs is mounted and some
 * hugepages are free.  The apps' EAL defaults add "--no-huge -m 512" when
 * not.
 *
 * @return
 *   1 or 0.
 */
int lcx_eal_hugepages_usable(void);

/**
 * The apps' default EAL lcore list: the first two CPUs this process may
 * run on ("0,1"), the one when there is one, "0-1" when affinity cannot
 * be read.  Two lcores: two contexts, the way users run the apps.
 *
 * @param buf
 *   Receives the list, for "-l".
 * @param len
 *   Its size (16 is enough).
 */
void lcx_eal_default_lcores(char *buf, size_t len);

/**
 * rte_log type "lcx": applications and plugins log under it.  Each library
 * module logs under its own, "lcx.<module>" (lcx.ctx, lcx.mgr, lcx.loop,
 * ...), so one can be made verbose alone: --log-level=lcx.mgr:debug.  An
 * EAL --log-level pattern is a regular expression, so --log-level=lcx:debug
 * sets them all.
 */
extern int lcx_logtype;

#ifdef LCX_LOG_MODULE
/* Inside liblcx: lib/meson.build defines LCX_LOG_MODULE per module. */
extern int LCX_LOG_MODULE;
#define LCX_LOGTYPE LCX_LOG_MODULE
#else
#define LCX_LOGTYPE lcx_logtype
#endif

#define LCX_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, LCX_LOGTYPE, "lcx: " fmt "\n", ##__VA_ARGS__)

#ifdef LCX_DEBUG
#define LCX_ASSERT(x) RTE_VERIFY(x)
#else
#define LCX_ASSERT(x) do { } while (0)
#endif

#ifdef __cplusplus
}
#endif

#endif /* LCX_COMMON_H */
