/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI config file (rte_cfgfile), read before the command line is
 * applied over it.  rte_cfgfile keeps no line numbers, so a first pass
 * over the text records them: every error names file:line.  Values go
 * through the same setters as the flags (opts.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>

#include "fwd.h"

#define CFG_COMMENT '#'
#define CFG_MAX_LINES 4096
#define CFG_MAX_ENTRIES 256

/* rte_cfgfile parses the file but keeps no line numbers, so a first pass
 * over the text records where each entry is (and rejects what rte_cfgfile
 * would refuse, with the line); the values come from rte_cfgfile. */
struct cfg_line {
	char section[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	unsigned int line;
};

struct cfg_index {
	const char *file;
	struct cfg_line ent[CFG_MAX_ENTRIES];
	unsigned int nb;
};

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void
cfg_scan(struct cfg_index *ix)
{
	char buf[1024], section[CFG_NAME_LEN] = "", *s, *eq, *c;
	unsigned int line = 0, i;
	FILE *f;

	f = fopen(ix->file, "r");
	if (f == NULL)
		fwd_die(FWD_EXIT_USAGE, "--config %s: %s", ix->file,
				strerror(errno));
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f))
			fwd_die(FWD_EXIT_USAGE, "%s:%u: line longer than %zu "
					"characters", ix->file, line,
					sizeof(buf) - 2);
		c = strchr(buf, CFG_COMMENT);
		if (c != NULL)
			*c = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			if (s[strlen(s) - 1] != ']')
				fwd_die(FWD_EXIT_USAGE, "%s:%u: no ']' closing "
						"the section name", ix->file,
						line);
			s[strlen(s) - 1] = '\0';
			s = trim(s + 1);
			if (*s == '\0' || strlen(s) >= CFG_NAME_LEN)
				fwd_die(FWD_EXIT_USAGE, "%s:%u: bad section "
						"name", ix->file, line);
			for (i = 0; i < ix->nb; i++)
				if (strcmp(ix->ent[i].section, s) == 0)
					fwd_die(FWD_EXIT_USAGE, "%s:%u: section "
						"[%s] given twice", ix->file,
						line, s);
			snprintf(section, sizeof(section), "%s", s);
			/* A section row with an empty key marks the
			 * section, so empty sections count as given. */
			if (ix->nb == CFG_MAX_ENTRIES)
				fwd_die(FWD_EXIT_USAGE, "%s:%u: more than %d "
						"entries", ix->file, line,
						CFG_MAX_ENTRIES);
			snprintf(ix->ent[ix->nb].section, CFG_NAME_LEN, "%s",
					section);
			ix->ent[ix->nb].key[0] = '\0';
			ix->ent[ix->nb++].line = line;
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: expected '[section]' "
					"or 'key = value', got '%s'", ix->file,
					line, s);
		if (section[0] == '\0')
			fwd_die(FWD_EXIT_USAGE, "%s:%u: 'key = value' before "
					"any [section]", ix->file, line);
		*eq = '\0';
		c = trim(s);
		if (*c == '\0' || strlen(c) >= CFG_NAME_LEN)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: bad key name",
					ix->file, line);
		if (strlen(trim(eq + 1)) >= CFG_VALUE_LEN)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: value longer than %d "
					"characters", ix->file, line,
					CFG_VALUE_LEN - 1);
		if (ix->nb == CFG_MAX_ENTRIES)
			fwd_die(FWD_EXIT_USAGE, "%s:%u: more than %d entries",
					ix->file, line, CFG_MAX_ENTRIES);
		snprintf(ix->ent[ix->nb].section, CFG_NAME_LEN, "%s", section);
		snprintf(ix->ent[ix->nb].key, CFG_NAME_LEN, "%s", c);
		ix->ent[ix->nb++].line = line;
		if (line > CFG_MAX_LINES)
			break;
	}
	fclose(f);
}

/* Line of the nth entry named key in section. */
static unsigned int
cfg_line_of(const struct cfg_index *ix, const char *section, const char *key,
		unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < ix->nb; i++)
		if (strcmp(ix->ent[i].section, section) == 0 &&
				strcmp(ix->ent[i].key, key) == 0 && nth-- == 0)
			return ix->ent[i].line;
	return 0;
}

static unsigned int
cfg_section_line(const struct cfg_index *ix, const char *section)
{
	return cfg_line_of(ix, section, "", 0);
}

static int
known_section(const char *s)
{
	return strcmp(s, "eal") == 0 || strcmp(s, "ports") == 0 ||
		strcmp(s, "pipeline") == 0 || strcmp(s, "placement") == 0 ||
		strcmp(s, "run") == 0;
}

static void
cfg_entry(struct fwd_opts *o, const char *section, const char *key,
		const char *v, const char *src)
{
	if (strcmp(section, "eal") == 0) {
		if (strcmp(key, "args") == 0) {
			fwd_set_str(&o->eal_args, o->eal_args_src, v, src);
			return;
		}
	} else if (strcmp(section, "ports") == 0) {
		if (strcmp(key, "port") == 0) {
			fwd_set_port(o, v, src);
			return;
		}
		if (strcmp(key, "rxq") == 0) {
			fwd_set_rxq(o, v, src);
			return;
		}
	} else if (strcmp(section, "pipeline") == 0) {
		if (strcmp(key, "spec") == 0) {
			if (*v == '\0')
				fwd_die(FWD_EXIT_USAGE, "%s: empty pipeline "
						"spec", src);
			fwd_set_str(&o->pipeline, o->pipeline_src, v, src);
			return;
		}
		if (strcmp(key, "plugin") == 0) {
			fwd_set_plugin(o, v, src);
			return;
		}
		if (strcmp(key, "plugin-dir") == 0) {
			fwd_set_str(&o->plugin_dir, o->plugin_dir_src, v, src);
			return;
		}
		if (strncmp(key, "lcore", 5) == 0) {
			fwd_set_pipeline_on(o, key + 5, v, src);
			return;
		}
	} else if (strcmp(section, "placement") == 0) {
		if (strcmp(key, "policy") == 0) {
			fwd_set_policy(o, v, src);
			return;
		}
		if (strcmp(key, "map") == 0) {
			fwd_set_str(&o->map, o->map_src, v, src);
			return;
		}
	} else if (strcmp(section, "run") == 0) {
		if (strcmp(key, "duration") == 0) {
			fwd_set_duration(o, v, src);
			return;
		}
		if (strcmp(key, "stats-interval") == 0) {
			fwd_set_interval(o, v, src);
			return;
		}
		if (strcmp(key, "json") == 0) {
			fwd_set_bool(&o->json, v, src);
			return;
		}
		if (strcmp(key, "idle") == 0) {
			fwd_set_idle(o, v, src);
			return;
		}
	}
	fwd_die(FWD_EXIT_USAGE, "%s: unknown key '%s' in [%s]", src, key,
			section);
}

void
fwd_config_load(struct fwd_opts *o, const char *file)
{
	static struct cfg_index ix;
	const struct rte_cfgfile_parameters params = {
		.comment_character = CFG_COMMENT,
	};
	struct rte_cfgfile_entry *ent;
	struct rte_cfgfile *cfg;
	char src[FWD_SRC_LEN], **names;
	int nsec, nent, i, j, k, nth;

	ix.file = file;
	ix.nb = 0;
	cfg_scan(&ix);
	cfg = rte_cfgfile_load_with_params(file, 0, &params);
	if (cfg == NULL)
		fwd_die(FWD_EXIT_USAGE, "%s: rte_cfgfile cannot parse it",
				file);
	nsec = rte_cfgfile_num_sections(cfg, NULL, 0);
	names = calloc(nsec > 0 ? nsec : 1, sizeof(*names));
	if (names == NULL)
		fwd_die(FWD_EXIT_RUNTIME, "out of memory");
	for (i = 0; i < nsec; i++) {
		names[i] = malloc(CFG_NAME_LEN);
		if (names[i] == NULL)
			fwd_die(FWD_EXIT_RUNTIME, "out of memory");
	}
	rte_cfgfile_sections(cfg, names, nsec);
	for (i = 0; i < nsec; i++) {
		nent = rte_cfgfile_section_num_entries(cfg, names[i]);
		snprintf(src, sizeof(src), "%s:%u", file,
				cfg_section_line(&ix, names[i]));
		if (!known_section(names[i]))
			fwd_die(FWD_EXIT_USAGE, "%s: unknown section [%s] "
					"(known: eal, ports, pipeline, "
					"placement, run)", src, names[i]);
		if (nent <= 0)
			continue;
		ent = calloc(nent, sizeof(*ent));
		if (ent == NULL)
			fwd_die(FWD_EXIT_RUNTIME, "out of memory");
		rte_cfgfile_section_entries(cfg, names[i], ent, nent);
		for (j = 0; j < nent; j++) {
			for (nth = 0, k = 0; k < j; k++)
				nth += strcmp(ent[k].name, ent[j].name) == 0;
			snprintf(src, sizeof(src), "%s:%u", file,
					cfg_line_of(&ix, names[i], ent[j].name,
						nth));
			cfg_entry(o, names[i], ent[j].name, ent[j].value, src);
		}
		free(ent);
	}
	for (i = 0; i < nsec; i++)
		free(names[i]);
	free(names);
	rte_cfgfile_close(cfg);
}

