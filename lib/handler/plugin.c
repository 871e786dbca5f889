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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler_private.h"

/* Why the last load on this thread failed, for lcx_plugin_error(). */
static __thread char last_error[512];

static void __rte_format_printf(2, 3)
plugin_fail(const char *path, const char *fmt, ...)
{
	char why[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(last_error, sizeof(last_error), "%s: %s", path, why);
	LCX_LOG(ERR, "plugin %s", last_error);
}

const char *
lcx_plugin_error(void)
{
	return last_error;
}

/* Check the staged registrations of a plugin; 0 when all may go in. */
static int
staged_check(const char *path)
{
	struct handler_staging *st = &handler_staged;
	unsigned int i, j;

	if (st->nomem) {
		plugin_fail(path, "no memory to register its handlers");
		return -ENOMEM;
	}
	if (st->n == 0) {
		plugin_fail(path, "registers no handler");
		return -ENODATA;
	}
	/* The version first: with another ABI even the struct may differ. */
	for (i = 0; i < st->n; i++) {
		if (st->abi[i] != LCX_HANDLER_ABI_VERSION) {
			plugin_fail(path, "built for handler ABI %u, this lcx "
				"has ABI %u: rebuild it against this lcx's "
				"headers", st->abi[i], LCX_HANDLER_ABI_VERSION);
			return -EPROTO;
		}
	}
	for (i = 0; i < st->n; i++) {
		struct lcx_handler *h = st->h[i];

		if (!handler_name_valid(h->name) || h->process == NULL ||
				h->nb_drops > LCX_HANDLER_MAX_DROPS ||
				!handler_counters_valid(h)) {
			plugin_fail(path, "handler '%s': bad name, no "
				"process(), more than %u drop reasons, or "
				"counters outside priv",
				h->name ? h->name : "", LCX_HANDLER_MAX_DROPS);
			return -EINVAL;
		}
		if (lcx_handler_find(h->name) != NULL) {
			plugin_fail(path, "handler '%s' exists already",
				h->name);
			return -EEXIST;
		}
		for (j = 0; j < i; j++)
			if (strcmp(st->h[j]->name, h->name) == 0) {
				plugin_fail(path, "handler '%s' twice", h->name);
				return -EEXIST;
			}
	}
	return 0;
}

int
lcx_plugin_load(const char *path)
{
	struct handler_staging *st = &handler_staged;
	const char *why;
	char rel[4096];
	unsigned int i;
	void *dl;
	int rc;

	last_error[0] = '\0';
	if (path == NULL || path[0] == '\0') {
		snprintf(last_error, sizeof(last_error), "no path given");
		return -EINVAL;
	}
	/* Only the file the user names: dlopen() would search the library
	 * path for a name without a slash ("x.so"), so make it "./x.so". */
	if (strchr(path, '/') == NULL) {
		if ((size_t)snprintf(rel, sizeof(rel), "./%s", path) >=
				sizeof(rel)) {
			plugin_fail(path, "path too long");
			return -EINVAL;
		}
		path = rel;
	}
	/* A second dlopen() of a loaded object runs no constructor. */
	dl = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (dl != NULL) {
		dlclose(dl);
		plugin_fail(path, "loaded already");
		return -EEXIST;
	}
	st->active = 1;
	st->n = 0;
	st->nomem = 0;
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	st->active = 0;
	if (dl == NULL) {
		/* dlerror() names the file first: say it once. */
		why = dlerror();
		if (why == NULL)
			why = "dlopen failed";
		if (strncmp(why, path, strlen(path)) == 0 &&
				strncmp(why + strlen(path), ": ", 2) == 0)
			why += strlen(path) + 2;
		plugin_fail(path, "%s", why);
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
			plugin_fail(path, "no memory to register '%s'",
				st->h[i]->name);
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
		snprintf(last_error, sizeof(last_error), "%s: %s", dir,
			strerror(errno));
		LCX_LOG(ERR, "plugin directory %s", last_error);
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
