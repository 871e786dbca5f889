/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handler registry: built-ins register from constructors before main(),
 * plugins through plugin.c's staging.  Slow path only; the fast path is
 * pipeline.c.
 *
 * No fixed size: the table grows with malloc() (constructors run before
 * the EAL, so not rte_malloc), one pointer a handler.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_debug.h>

#include "handler_private.h"

static struct lcx_handler **handlers;
static unsigned int nb_handlers, cap_handlers;

struct handler_staging handler_staged;

int
handler_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '-';
}

int
handler_name_valid(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return 0;
	for (; *name != '\0'; name++)
		if (!handler_name_char(*name))
			return 0;
	return 1;
}

int
handler_counters_valid(const struct lcx_handler *h)
{
	return h->nb_counters == 0 ||
		(h->nb_counters <= LCX_HANDLER_MAX_COUNTERS &&
		 h->counter_names != NULL &&
		 h->counters_off % sizeof(uint64_t) == 0 &&
		 h->counters_off + h->nb_counters * sizeof(uint64_t) <=
			h->priv_size);
}

/* Room for one more pointer in a growing table; 0 or -ENOMEM. */
int
handler_table_grow(struct lcx_handler ***tab, uint32_t **abi,
		unsigned int n, unsigned int *cap)
{
	unsigned int c = *cap ? *cap * 2 : 16;
	struct lcx_handler **t;
	uint32_t *a;

	if (n < *cap)
		return 0;
	t = realloc(*tab, c * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	*tab = t;
	if (abi != NULL) {
		a = realloc(*abi, c * sizeof(*a));
		if (a == NULL)
			return -ENOMEM;
		*abi = a;
	}
	*cap = c;
	return 0;
}

int
handler_registry_add(struct lcx_handler *h)
{
	if (handler_table_grow(&handlers, NULL, nb_handlers,
			&cap_handlers) != 0)
		return -ENOMEM;
	handlers[nb_handlers++] = h;
	return 0;
}

void
__lcx_handler_register(uint32_t abi, struct lcx_handler *h)
{
	struct handler_staging *st = &handler_staged;

	if (st->active) {
		/* A registration that finds no memory makes the load fail. */
		if (handler_table_grow(&st->h, &st->abi, st->n,
				&st->cap) != 0) {
			st->nomem = 1;
			return;
		}
		st->abi[st->n] = abi;
		st->h[st->n++] = h;
		return;
	}
	/* Built into the same binary as the registry: the ABI matches. */
	RTE_VERIFY(abi == LCX_HANDLER_ABI_VERSION);
	RTE_VERIFY(handler_name_valid(h->name) && h->process != NULL);
	RTE_VERIFY(h->nb_drops <= LCX_HANDLER_MAX_DROPS);
	RTE_VERIFY(handler_counters_valid(h));
	RTE_VERIFY(lcx_handler_find(h->name) == NULL);
	RTE_VERIFY(handler_registry_add(h) == 0);
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
