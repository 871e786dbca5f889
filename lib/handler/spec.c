/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline specs: "[label:] name [(args)] -> ...", parsed and checked
 * against the handler registry, with a message that points at the column.
 * Slow path only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pipeline_private.h"

static int
parse_error(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen != 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* What the parser found at a position, for messages. */
static const char *
found(const char *s, size_t pos, char *buf, size_t len)
{
	if (s[pos] == '\0')
		return "end of spec";
	snprintf(buf, len, "'%.*s'", 12, s + pos);
	return buf;
}

static size_t
skip_blank(const char *s, size_t pos)
{
	while (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n')
		pos++;
	return pos;
}

/* End of the name starting at pos: '-' belongs to names ("arp-icmp")
 * unless it starts "->". */
static size_t
name_end(const char *s, size_t pos)
{
	size_t start = pos;

	while (handler_name_char(s[pos]) &&
			!(s[pos] == '-' && (pos == start || s[pos + 1] == '>')))
		pos++;
	return pos;
}

int
pipeline_label_find(const struct parsed *p, const char *l)
{
	unsigned int i;
	int found = -ENOENT;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->st[i].label, l) != 0)
			continue;
		if (p->st[i].labelled)
			return (int)i;
		found = found == -ENOENT ? (int)i : -EEXIST;
	}
	return found;
}

/* "io, macswap, ...": the registered handlers, for messages. */
static const char *
handler_names(char *buf, size_t len)
{
	const struct lcx_handler *h;
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; (h = lcx_handler_get(i)) != NULL && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
			h->name);
	return buf;
}

int
pipeline_parse(const char *spec, struct parsed *p, char *err, size_t errlen)
{
	size_t pos = 0, start, end;
	unsigned int handoff_stages = 0;
	char what[24];
	int depth;

	if (spec == NULL)
		return parse_error(err, errlen, -EINVAL, "no spec");
	p->n = 0;
	for (;;) {
		struct parsed_stage *ps;

		size_t lstart = 0, lend = 0;

		pos = skip_blank(spec, pos);
		start = pos;
		pos = name_end(spec, pos);
		end = skip_blank(spec, pos);
		if (pos != start && spec[end] == ':') {
			/* "label: name" */
			lstart = start;
			lend = pos;
			start = skip_blank(spec, end + 1);
			pos = name_end(spec, start);
		}
		if (pos == start)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: expected a handler name, found %s",
				start + 1, found(spec, start, what, sizeof(what)));
		if (p->n == LCX_PIPELINE_MAX_STAGES)
			return parse_error(err, errlen, -E2BIG,
				"col %zu: more than %d stages", start + 1,
				LCX_PIPELINE_MAX_STAGES);
		ps = &p->st[p->n];
		if (pos - start >= NAME_MAX_LEN)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: handler name longer than %d",
				start + 1, NAME_MAX_LEN - 1);
		memcpy(ps->name, spec + start, pos - start);
		ps->name[pos - start] = '\0';
		ps->labelled = lend != 0;
		if (ps->labelled) {
			if (lend - lstart >= NAME_MAX_LEN)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: label longer than %d",
					lstart + 1, NAME_MAX_LEN - 1);
			memcpy(ps->label, spec + lstart, lend - lstart);
			ps->label[lend - lstart] = '\0';
			if (pipeline_label_find(p, ps->label) >= 0 &&
					p->st[pipeline_label_find(p, ps->label)].labelled)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: label '%s' used twice",
					lstart + 1, ps->label);
		} else {
			memcpy(ps->label, ps->name, sizeof(ps->label));
		}
		ps->col = start + 1;
		ps->args_off = pos;
		ps->args_len = 0;
		ps->h = lcx_handler_find(ps->name);
		if (ps->h == NULL) {
			char known[160];

			return parse_error(err, errlen, -ENOENT,
				"col %zu: unknown handler '%s' (loaded: %s)",
				start + 1, ps->name,
				handler_names(known, sizeof(known)));
		}
		if (ps->h->flags & LCX_HANDLER_F_HANDOFF &&
				++handoff_stages > 1)
			return parse_error(err, errlen, -EINVAL,
				"col %zu: a second handoff stage ('%s'): a "
				"pipeline hands off from one stage only",
				start + 1, ps->name);
		p->n++;

		pos = skip_blank(spec, pos);
		if (spec[pos] == '(') {
			size_t open = pos;

			depth = 1;
			start = ++pos;
			while (spec[pos] != '\0' && depth != 0) {
				if (spec[pos] == '(')
					depth++;
				else if (spec[pos] == ')')
					depth--;
				pos++;
			}
			if (depth != 0)
				return parse_error(err, errlen, -EINVAL,
					"col %zu: '(' never closed", open + 1);
			end = pos - 1;
			start = skip_blank(spec, start);
			while (end > start && (spec[end - 1] == ' ' ||
					spec[end - 1] == '\t'))
				end--;
			ps->args_off = start;
			ps->args_len = end - start;
			pos = skip_blank(spec, pos);
		}
		if (spec[pos] == '\0')
			return (int)p->n;
		if (spec[pos] == '-' && spec[pos + 1] == '>') {
			pos += 2;
			continue;
		}
		return parse_error(err, errlen, -EINVAL,
			"col %zu: expected '->' or end of spec, found %s",
			pos + 1, found(spec, pos, what, sizeof(what)));
	}
}

int
lcx_pipeline_check(const char *spec, char *err, size_t errlen)
{
	struct parsed p;

	return pipeline_parse(spec, &p, err, errlen);
}

int
lcx_pipeline_flags(const char *spec)
{
	struct parsed p;
	unsigned int i;
	int rc, flags = 0;

	rc = pipeline_parse(spec, &p, NULL, 0);
	if (rc < 0)
		return rc;
	for (i = 0; i < p.n; i++)
		flags |= (int)p.st[i].h->flags;
	return flags;
}
