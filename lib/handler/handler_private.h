/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HANDLER_PRIVATE_H
#define HANDLER_PRIVATE_H

/* Shared by the files of the handler module only; never installed. */

#include <stdint.h>

#include <rte_ring.h>

#include "lcx_pipeline.h"

/* Registrations made while a plugin loads (handler.c fills it from the
 * constructors, plugin.c checks and commits it). */
struct handler_staging {
	int active;
	int nomem;                /* a registration found no memory */
	unsigned int n, cap;
	struct lcx_handler **h;
	uint32_t *abi;
};
extern struct handler_staging handler_staged;

/* Whether c may appear in a handler name ([A-Za-z0-9_-]): the one rule
 * the registry, the plugin check and the spec parser share. */
int handler_name_char(char c);
int handler_name_valid(const char *name);

/* Declared counters are named and lie inside priv as a uint64_t array. */
int handler_counters_valid(const struct lcx_handler *h);

/* Make room for entry n of a growing table (and its ABI column when abi
 * is not NULL); 0 or -ENOMEM. */
int handler_table_grow(struct lcx_handler ***tab, uint32_t **abi,
		unsigned int n, unsigned int *cap);

/* Add a checked handler to the registry; 0 or -ENOMEM. */
int handler_registry_add(struct lcx_handler *h);

/* Fill out[i] with the ring from ctx to member i of its group (NULL for
 * itself); returns the group size, 0 when in no group. */
unsigned int handoff_out(const struct lcx_ctx *ctx, struct rte_ring **out);

/* Re-read the handoff rings into an attached pipeline (connect after
 * attach). */
void pipeline_handoff_refresh(struct lcx_ctx *ctx);

#endif /* HANDLER_PRIVATE_H */
