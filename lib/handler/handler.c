/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Slow path of the handler module: the registry, plugins and handoff
 * groups.  The fast path is in pipeline.c; value parsers in lib/common
 * (lcx_args.h).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_ring.h>

#include "handler_private.h"

#define MAX_HANDLERS 64

static struct lcx_handler *handlers[MAX_HANDLERS];
static unsigned int nb_handlers;

/* While lcx_plugin_load() runs dlopen(), the plugin's constructors land
 * here instead of in the registry, so nothing of a refused plugin is ever
 * visible. */
static struct {
	int active;
	unsigned int n;
	struct lcx_handler *h[MAX_HANDLERS];
	uint32_t abi[MAX_HANDLERS];
} staged;

static int
name_valid(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (!((*name >= 'a' && *name <= 'z') ||
				(*name >= 'A' && *name <= 'Z') ||
				(*name >= '0' && *name <= '9') ||
				*name == '_' || *name == '-'))
			return 0;
	return 1;
}

/* Declared counters: named, and a uint64_t array inside priv. */
static int
counters_valid(const struct lcx_handler *h)
{
	return h->nb_counters == 0 ||
		(h->nb_counters <= LCX_HANDLER_MAX_COUNTERS &&
		 h->counter_names != NULL &&
		 h->counters_off % sizeof(uint64_t) == 0 &&
		 h->counters_off + h->nb_counters * sizeof(uint64_t) <=
			h->priv_size);
}

void
__lcx_handler_register(uint32_t abi, struct lcx_handler *h)
{
	if (staged.active) {
		if (staged.n < MAX_HANDLERS) {
			staged.abi[staged.n] = abi;
			staged.h[staged.n++] = h;
		}
		return;
	}
	/* Built into the same binary as the registry: the ABI matches. */
	RTE_VERIFY(abi == LCX_HANDLER_ABI_VERSION);
	RTE_VERIFY(name_valid(h->name) && h->process != NULL);
	RTE_VERIFY(h->nb_drops <= LCX_HANDLER_MAX_DROPS);
	RTE_VERIFY(counters_valid(h));
	RTE_VERIFY(lcx_handler_find(h->name) == NULL);
	RTE_VERIFY(nb_handlers < MAX_HANDLERS);
	handlers[nb_handlers++] = h;
}

const struct lcx_handler *
lcx_handler_find(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < nb_handlers; i++)
		if (strcmp(handlers[i]->name, name) == 0)
			return handlers[i];
	return NULL;
}

const struct lcx_handler *
lcx_handler_get(unsigned int i)
{
	return i < nb_handlers ? handlers[i] : NULL;
}

/* Check the staged registrations of a plugin; 0 when all may go in. */
static int
staged_check(const char *path)
{
	unsigned int i, j;

	if (staged.n == 0) {
		LCX_LOG(ERR, "plugin %s: registers no handler", path);
		return -ENODATA;
	}
	/* The version first: with another ABI even the struct may differ. */
	for (i = 0; i < staged.n; i++) {
		if (staged.abi[i] != LCX_HANDLER_ABI_VERSION) {
			LCX_LOG(ERR, "plugin %s: built for handler ABI %u, "
				"this lcx has ABI %u: rebuild it against this lcx",
				path, staged.abi[i], LCX_HANDLER_ABI_VERSION);
			return -EPROTO;
		}
	}
	if (nb_handlers + staged.n > MAX_HANDLERS) {
		LCX_LOG(ERR, "plugin %s: handler registry full (%u)", path,
			MAX_HANDLERS);
		return -ENOSPC;
	}
	for (i = 0; i < staged.n; i++) {
		struct lcx_handler *h = staged.h[i];

		if (!name_valid(h->name) || h->process == NULL ||
				h->nb_drops > LCX_HANDLER_MAX_DROPS ||
				!counters_valid(h)) {
			LCX_LOG(ERR, "plugin %s: handler '%s': bad name, no "
				"process(), more than %u drop reasons, or "
				"counters outside priv", path,
				h->name ? h->name : "", LCX_HANDLER_MAX_DROPS);
			return -EINVAL;
		}
		if (lcx_handler_find(h->name) != NULL) {
			LCX_LOG(ERR, "plugin %s: handler '%s' exists already",
				path, h->name);
			return -EEXIST;
		}
		for (j = 0; j < i; j++)
			if (strcmp(staged.h[j]->name, h->name) == 0) {
				LCX_LOG(ERR, "plugin %s: handler '%s' twice",
					path, h->name);
				return -EEXIST;
			}
	}
	return 0;
}

int
lcx_plugin_load(const char *path)
{
	unsigned int i;
	void *dl;
	int rc;

	if (path == NULL)
		return -EINVAL;
	/* A second dlopen() of a loaded object runs no constructor. */
	dl = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (dl != NULL) {
		dlclose(dl);
		LCX_LOG(ERR, "plugin %s: loaded already", path);
		return -EEXIST;
	}
	staged.active = 1;
	staged.n = 0;
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	staged.active = 0;
	if (dl == NULL) {
		LCX_LOG(ERR, "plugin %s: %s", path, dlerror());
		return -ENOENT;
	}
	rc = staged_check(path);
	if (rc != 0) {
		staged.n = 0;
		dlclose(dl);
		return rc;
	}
	/* Kept open for the life of the process: handlers are referenced. */
	for (i = 0; i < staged.n; i++)
		handlers[nb_handlers++] = staged.h[i];
	LCX_LOG(INFO, "plugin %s: %u handler(s)", path, staged.n);
	staged.n = 0;
	return 0;
}

static int
so_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 3 && strcmp(d->d_name + len - 3, ".so") == 0;
}

int
lcx_plugin_load_dir(const char *dir)
{
	struct dirent **list;
	char path[4096];
	int i, n, rc = 0, loaded = 0;

	if (dir == NULL)
		return -EINVAL;
	n = scandir(dir, &list, so_filter, alphasort);
	if (n < 0) {
		LCX_LOG(ERR, "plugin directory %s: %s", dir, strerror(errno));
		return -ENOENT;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				list[i]->d_name);
			rc = lcx_plugin_load(path);
			if (rc == 0)
				loaded++;
		}
		free(list[i]);
	}
	free(list);
	return rc != 0 ? rc : loaded;
}

/* ---- Handoff groups ------------------------------------------------------ */

struct ho_group {
	unsigned int n;
	struct lcx_ctx *ctx[LCX_HANDOFF_MAX];
	struct rte_ring *ring[LCX_HANDOFF_MAX][LCX_HANDOFF_MAX]; /* [src][dst] */
};

#define MAX_GROUPS LCX_MAX_CONTEXTS

static struct ho_group *groups[MAX_GROUPS];
static uint32_t ring_seq;

static struct ho_group *
group_of(const struct lcx_ctx *ctx, unsigned int *self)
{
	unsigned int g, i;

	for (g = 0; g < MAX_GROUPS; g++) {
		if (groups[g] == NULL)
			continue;
		for (i = 0; i < groups[g]->n; i++)
			if (groups[g]->ctx[i] == ctx) {
				if (self != NULL)
					*self = i;
				return groups[g];
			}
	}
	return NULL;
}

unsigned int
lcx_handoff_group(const struct lcx_ctx *ctx, unsigned int *self)
{
	struct ho_group *grp = group_of(ctx, self);

	if (grp == NULL) {
		if (self != NULL)
			*self = 0;
		return 1;
	}
	return grp->n;
}

unsigned int
__lcx_handoff_out(const struct lcx_ctx *ctx, struct rte_ring **out)
{
	unsigned int self, i;
	struct ho_group *grp = group_of(ctx, &self);

	if (grp == NULL)
		return 0;
	for (i = 0; i < grp->n; i++)
		out[i] = grp->ring[self][i];
	return grp->n;
}

static void
ring_remove(struct lcx_ctx *dst, struct rte_ring *r)
{
	struct rte_mbuf *pkts[LCX_BURST];
	unsigned int i, n;

	while ((n = rte_ring_sc_dequeue_burst(r, (void **)pkts, LCX_BURST,
			NULL)) != 0)
		lcx_ctx_drop(dst, LCX_CTX_DROP_FLUSH, pkts, n);
	for (i = 0; i < dst->nb_handoff_in; i++)
		if (dst->handoff_in[i] == r)
			break;
	if (i < dst->nb_handoff_in) {
		dst->nb_handoff_in--;
		memmove(&dst->handoff_in[i], &dst->handoff_in[i + 1],
			(dst->nb_handoff_in - i) * sizeof(r));
		dst->handoff_in[dst->nb_handoff_in] = NULL;
	}
	rte_ring_free(r);
}

static void
group_free(struct ho_group *grp)
{
	unsigned int s, d;

	for (s = 0; s < grp->n; s++)
		for (d = 0; d < grp->n; d++)
			if (grp->ring[s][d] != NULL)
				ring_remove(grp->ctx[d], grp->ring[s][d]);
	rte_free(grp);
}

int
lcx_handoff_connect(struct lcx_ctx **ctxs, unsigned int n,
		unsigned int ring_size)
{
	char name[RTE_RING_NAMESIZE];
	struct ho_group *grp;
	unsigned int g, s, d;

	if (ctxs == NULL || n < 2 || n > LCX_HANDOFF_MAX)
		return -EINVAL;
	if (ring_size == 0)
		ring_size = 1024;
	if (!rte_is_power_of_2(ring_size))
		return -EINVAL;
	for (s = 0; s < n; s++) {
		if (ctxs[s] == NULL)
			return -EINVAL;
		if (group_of(ctxs[s], NULL) != NULL ||
				ctxs[s]->nb_handoff_in + n - 1 > LCX_MAX_HANDOFF_IN)
			return -EBUSY;
		for (d = 0; d < s; d++)
			if (ctxs[d] == ctxs[s])
				return -EINVAL;
	}
	for (g = 0; g < MAX_GROUPS && groups[g] != NULL; g++)
		;
	if (g == MAX_GROUPS)
		return -EBUSY;
	grp = rte_zmalloc("lcx_ho_group", sizeof(*grp), 0);
	if (grp == NULL)
		return -ENOMEM;
	grp->n = n;
	memcpy(grp->ctx, ctxs, n * sizeof(ctxs[0]));
	for (s = 0; s < n; s++) {
		for (d = 0; d < n; d++) {
			struct lcx_ctx *dst = ctxs[d];

			if (s == d)
				continue;
			snprintf(name, sizeof(name), "lcx_ho_%u",
				__atomic_fetch_add(&ring_seq, 1, __ATOMIC_RELAXED));
			/* The receiver's socket: it reads every slot. */
			grp->ring[s][d] = rte_ring_create(name, ring_size,
				dst->socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (grp->ring[s][d] == NULL) {
				LCX_LOG(ERR, "handoff ring %s -> %s: %s",
					ctxs[s]->name, dst->name,
					rte_strerror(rte_errno));
				goto free_group;
			}
			dst->handoff_in[dst->nb_handoff_in++] = grp->ring[s][d];
		}
	}
	groups[g] = grp;
	for (s = 0; s < n; s++)
		__lcx_pipeline_handoff_refresh(ctxs[s]);
	return 0;

free_group:
	group_free(grp);
	return -ENOMEM;
}

int
lcx_handoff_disconnect(struct lcx_ctx *ctx)
{
	unsigned int g, i;
	struct ho_group *grp = group_of(ctx, NULL);

	if (grp == NULL)
		return -ENOENT;
	for (g = 0; g < MAX_GROUPS; g++)
		if (groups[g] == grp)
			groups[g] = NULL;
	for (i = 0; i < grp->n; i++)
		__lcx_pipeline_handoff_refresh(grp->ctx[i]);
	group_free(grp);
	return 0;
}
