/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE /* sched_getaffinity() */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "lcx_common.h"

__thread int __lcx_errno;
RTE_LOG_REGISTER(lcx_logtype, lcx, INFO);
/* One a module of lib/meson.build, named lcx.<module>. */
RTE_LOG_REGISTER(lcx_logtype_common, lcx.common, INFO);
RTE_LOG_REGISTER(lcx_logtype_runq, lcx.runq, INFO);
RTE_LOG_REGISTER(lcx_logtype_timer, lcx.timer, INFO);
RTE_LOG_REGISTER(lcx_logtype_port, lcx.port, INFO);
RTE_LOG_REGISTER(lcx_logtype_ctx, lcx.ctx, INFO);
RTE_LOG_REGISTER(lcx_logtype_handler, lcx.handler, INFO);
RTE_LOG_REGISTER(lcx_logtype_handlers, lcx.handlers, INFO);
RTE_LOG_REGISTER(lcx_logtype_loop, lcx.loop, INFO);
RTE_LOG_REGISTER(lcx_logtype_mgr, lcx.mgr, INFO);
RTE_LOG_REGISTER(lcx_logtype_telemetry, lcx.telemetry, INFO);

/* Each says what failed, so a log line needs no lookup. */
static const char *const lcx_errstr[LCX_ERR_MAX - LCX_ERR_BASE] = {
	[LCX_EALLOC - LCX_ERR_BASE] = "allocation failed: no free lcore, "
		"no free slot or no memory for the context",
	[LCX_EINIT - LCX_ERR_BASE] = "initialization failed: the "
		"context's run queue or timer heap could not be made",
	[LCX_ERESINIT - LCX_ERR_BASE] = "resource initialization failed: "
		"an mbuf pool, port queue or ring could not be set up",
	[LCX_EENV - LCX_ERR_BASE] = "environment setup failed: EAL not "
		"initialised, manager not started, or its control thread "
		"could not start",
	[LCX_ENOCTX - LCX_ERR_BASE] = "context not found",
};

const char *
lcx_strerror(int err)
{
	err = abs(err);
	if (err >= LCX_ERR_BASE && err < LCX_ERR_MAX)
		return lcx_errstr[err - LCX_ERR_BASE];
	return strerror(err);
}

int
lcx_runtime_dir_remove(const char *dir)
{
	char path[PATH_MAX + 256];
	struct dirent *e;
	int rc = 0;
	DIR *d;

	if (dir == NULL)
		dir = rte_eal_get_runtime_dir();
	d = opendir(dir);
	if (d == NULL)
		return -ENOENT;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0 && rc == 0)
			rc = -errno;
	}
	closedir(d);
	if (rmdir(dir) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

int
lcx_eal_hugepages_usable(void)
{
	char line[512];
	unsigned long free_pages = 0;
	int mounted = 0;
	FILE *f;

	f = fopen("/proc/mounts", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, " hugetlbfs ") != NULL)
				mounted = 1;
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "HugePages_Free: %lu",
					&free_pages) == 1)
				break;
		fclose(f);
	}
	return mounted && free_pages > 0;
}

void
lcx_eal_default_lcores(char *buf, size_t len)
{
	cpu_set_t set;
	int cpu, first = -1, second = -1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (cpu = 0; cpu < CPU_SETSIZE && second < 0; cpu++) {
			if (!CPU_ISSET(cpu, &set))
				continue;
			if (first < 0)
				first = cpu;
			else
				second = cpu;
		}
	}
	if (first < 0)
		snprintf(buf, len, "0-1");
	else if (second < 0)
		snprintf(buf, len, "%d", first);
	else
		snprintf(buf, len, "%d,%d", first, second);
}
