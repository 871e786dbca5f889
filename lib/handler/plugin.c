/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plugins: shared objects whose handlers register from constructors.
 * While dlopen() runs, their registrations are staged (handler.c) and
 * committed only when the whole plugin checks out, so nothing of a
 * refused plugin is ever visible.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler_private.h"

/* Check the staged registrations of a plugin; 0 when all may go in. */
static int
staged_check(const char *path)
{
	struct handler_staging *st = &handler_staged;
	unsigned int i, j;

	if (st->nomem) {
		LCX_LOG(ERR, "plugin %s: no memory to register its handlers",
			path);
		return -ENOMEM;
	}
	if (st->n == 0) {
		LCX_LOG(ERR, "plugin %s: registers no handler", path);
		return -ENODATA;
	}
	/* The version first: with another ABI even the struct may differ. */
	for (i = 0; i < st->n; i++) {
		if (st->abi[i] != LCX_HANDLER_ABI_VERSION) {
			LCX_LOG(ERR, "plugin %s: built for handler ABI %u, "
				"this lcx has ABI %u: rebuild it against this lcx",
				path, st->abi[i], LCX_HANDLER_ABI_VERSION);
			return -EPROTO;
		}
	}
	for (i = 0; i < st->n; i++) {
		struct lcx_handler *h = st->h[i];

		if (!handler_name_valid(h->name) || h->process == NULL ||
				h->nb_drops > LCX_HANDLER_MAX_DROPS) {
			LCX_LOG(ERR, "plugin %s: handler '%s': bad name, no "
				"process() or more than %u drop reasons", path,
				h->name ? h->name : "", LCX_HANDLER_MAX_DROPS);
			return -EINVAL;
		}
		if (lcx_handler_find(h->name) != NULL) {
			LCX_LOG(ERR, "plugin %s: handler '%s' exists already",
				path, h->name);
			return -EEXIST;
		}
		for (j = 0; j < i; j++)
			if (strcmp(st->h[j]->name, h->name) == 0) {
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
	struct handler_staging *st = &handler_staged;
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
	st->active = 1;
	st->n = 0;
	st->nomem = 0;
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	st->active = 0;
	if (dl == NULL) {
		LCX_LOG(ERR, "plugin %s: %s", path, dlerror());
		return -ENOENT;
	}
	rc = staged_check(path);
	if (rc != 0) {
		st->n = 0;
		dlclose(dl);
		return rc;
	}
	/* Kept open for the life of the process: handlers are referenced. */
	for (i = 0; i < st->n; i++) {
		if (handler_registry_add(st->h[i]) != 0) {
			/* The ones before stay: their names are taken now. */
			LCX_LOG(ERR, "plugin %s: no memory to register '%s'",
				path, st->h[i]->name);
			st->n = 0;
			return -ENOMEM;
		}
	}
	LCX_LOG(INFO, "plugin %s: %u handler(s)", path, st->n);
	st->n = 0;
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
