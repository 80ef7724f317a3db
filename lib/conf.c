/*
 * YAML configs and workflows as trees of strings: the only file that
 * includes <yaml.h>. Every scalar is a string; maps keep their order.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "joe.h"

void fdie(const struct node *at, const char *f, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d:%d: ", at->file, at->line, at->col);
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static struct node *mk(int type, const char *file, int line, int col)
{
	struct node *n = xmalloc(sizeof *n);

	memset(n, 0, sizeof *n);
	n->type = type;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

static struct node *child(struct node *n, const char *key)
{
	for (n = n->kid; n; n = n->next)
		if (!strcmp(n->key, key))
			return n;
	return NULL;
}

static void next(yaml_parser_t *p, yaml_event_t *ev, const char *file)
{
	if (yaml_parser_parse(p, ev))
		return;
	fprintf(stderr, "%s:%lu:%lu: %s%s%s\n", file,
	    (unsigned long)p->problem_mark.line + 1,
	    (unsigned long)p->problem_mark.column + 1,
	    p->context ? p->context : "", p->context ? ": " : "",
	    p->problem);
	exit(2);
}

/* The node whose first event is ev (which it deletes). */
static struct node *parse(yaml_parser_t *p, yaml_event_t *ev, const char *file)
{
	struct node *n, *k, *key, **tail;
	yaml_event_t e;
	int end;

	n = mk('s', file, ev->start_mark.line + 1, ev->start_mark.column + 1);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->val = xstrdup((char *)ev->data.scalar.value);
		yaml_event_delete(ev);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		n->type = 'l';
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		n->type = 'm';
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		fdie(n, "aliases are not supported");
	}
	yaml_event_delete(ev);
	for (tail = &n->kid;; tail = &k->next) {
		next(p, &e, file);
		if ((int)e.type == end)
			break;
		k = parse(p, &e, file);
		if (n->type == 'm') {
			key = k;
			if (key->type != 's')
				fdie(key, "a key must be a plain string");
			if (child(n, key->val))
				fdie(key, "duplicate key '%s'", key->val);
			next(p, &e, file);
			k = parse(p, &e, file);
			k->key = key->val;
			k->line = key->line;	/* errors point at the key */
			k->col = key->col;
			free(key);
		}
		*tail = k;
	}
	yaml_event_delete(&e);
	return n;
}

struct node *conf_load(const char *path)
{
	yaml_parser_t p;
	yaml_event_t e;
	struct node *n = NULL;
	FILE *f = fopen(path, "r");
	const char *file = xstrdup(path);

	if (!f)
		die(2, "cannot open %s:", path);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		next(&p, &e, file);
		if (e.type == YAML_STREAM_END_EVENT)
			break;
		if (e.type == YAML_SCALAR_EVENT || e.type == YAML_ALIAS_EVENT ||
		    e.type == YAML_SEQUENCE_START_EVENT ||
		    e.type == YAML_MAPPING_START_EVENT) {
			if (n)
				fdie(mk(0, file, e.start_mark.line + 1, 1),
				    "only one YAML document is allowed");
			n = parse(&p, &e, file);
			if (n->type == 's' && !*n->val)
				n->type = 'm';
			if (n->type != 'm')
				fdie(n, "the top level must be a mapping");
		} else
			yaml_event_delete(&e);
	}
	yaml_event_delete(&e);
	yaml_parser_delete(&p);
	fclose(f);
	return n ? n : mk('m', file, 1, 1);
}

struct node *conf_get(struct node *n, const char *path)
{
	char *p = xstrdup(path), *c, *end;
	long i;

	for (c = strtok(p, "."); n && c; c = strtok(NULL, ".")) {
		if (n->type == 'm') {
			n = child(n, c);
			continue;
		}
		i = strtol(c, &end, 10);
		for (n = n->type == 'l' && !*end ? n->kid : NULL; n && i--;)
			n = n->next;
	}
	free(p);
	return n;
}

char *conf_str(struct node *n, const char *path)
{
	n = conf_get(n, path);
	if (n && n->type != 's')
		fdie(n, "%s must be a plain value", path);
	return n ? n->val : NULL;
}

/* Maps merge key by key; any other value from src replaces dst's. */
static void merge(struct node *dst, struct node *src)
{
	struct node *k, *nk, **pp;

	for (k = src->kid; k; k = nk) {
		nk = k->next;
		for (pp = &dst->kid; *pp && strcmp((*pp)->key, k->key);)
			pp = &(*pp)->next;
		if (*pp && (*pp)->type == 'm' && k->type == 'm') {
			merge(*pp, k);
			continue;
		}
		k->next = *pp ? (*pp)->next : NULL;
		*pp = k;
	}
}

/* -D a.b.c=value */
static void define(struct node *cfg, const char *def)
{
	char *s = xstrdup(def), *eq = strchr(s, '='), *c, *path;
	struct node *n = mk('m', "-D", 1, 1), *top = n;

	if (!eq || eq == s)
		die(2, "-D %s: expected key=value", def);
	*eq = 0;
	path = xstrdup(s);
	for (c = strtok(path, "."); c; c = strtok(NULL, ".")) {
		n->kid = mk('m', "-D", 1, 1);
		n = n->kid;
		n->key = c;
	}
	n->type = 's';
	n->val = eq + 1;
	n->col = eq - s + 2;
	merge(cfg, top);
}

static void resolve(struct node *cfg, struct node *n)
{
	struct node *k;

	if (n->type != 's') {
		for (k = n->kid; k; k = k->next)
			resolve(cfg, k);
		return;
	}
	if (n->busy == 2)
		return;
	if (n->busy)
		fdie(n, "this value refers to itself through {{ config }}");
	n->busy = 1;
	n->val = conf_subst(cfg, n, n->val, NULL);
	n->busy = 2;
}

static struct node *addmap(struct node *m, const char *key)
{
	struct node **pp, *n = child(m, key);

	if (n && n->type != 'm')
		fdie(n, "%s must be a mapping", key);
	if (n)
		return n;
	for (pp = &m->kid; *pp; pp = &(*pp)->next)
		;
	*pp = n = mk('m', "-", 0, 0);
	n->key = xstrdup(key);
	return n;
}

/* The merged configuration: -c files (else $JOE_CONFIG, ./default.config,
 * ~/.config/joe/default.config), then -D definitions, then substitution. */
struct node *conf_config(char **files, int nfile, char **defs, int ndef)
{
	struct node *cfg = mk('m', "-", 0, 0), *k;
	char *list = getenv("JOE_CONFIG"), *home = getenv("HOME"), *f;
	int i;

	if (!nfile && list && *list) {
		for (f = strtok(list = xstrdup(list), ":"); f; f = strtok(NULL, ":"))
			merge(cfg, conf_load(f));
	} else if (!nfile) {
		f = home ? fmt("%s/.config/joe/default.config", home) : "";
		if (access("default.config", F_OK) == 0)
			merge(cfg, conf_load("default.config"));
		else if (access(f, F_OK) == 0)
			merge(cfg, conf_load(f));
	}
	for (i = 0; i < nfile; i++)
		merge(cfg, conf_load(files[i]));
	for (i = 0; i < ndef; i++)
		define(cfg, defs[i]);
	addmap(addmap(cfg, "transport"), "local");
	resolve(cfg, cfg);
	for (k = conf_get(cfg, "transport")->kid; k; k = k->next)
		tp_get(cfg, k->key, NULL);	/* checks each one */
	sec_init(cfg);
	return cfg;
}

/* s with each {{ env.NAME }}, {{ config.a.b }}, {{ matrix.KEY }} replaced;
 * any other {{ ... }} is left alone (Go templates, Jinja). */
char *conf_subst(struct node *cfg, const struct node *at, const char *s,
    struct node *mx)
{
	struct str b = { 0 };
	const char *p, *q, *v;
	struct node *n;
	char *name;
	int len;

	for (; (p = strstr(s, "{{")) && (q = strstr(p, "}}")); s = q + 2) {
		for (v = p + 2; *v == ' '; v++)
			;
		for (len = q - v; len && v[len - 1] == ' '; len--)
			;
		name = fmt("%.*s", len, v);
		if (!strncmp(name, "env.", 4))
			v = getenv(name + 4);
		else if (!strncmp(name, "config.", 7) || !strncmp(name, "matrix.", 7)) {
			n = conf_get(*name == 'c' ? cfg : mx, name + 7);
			if (n && n->type != 's')
				fdie(at, "%s is not a plain value", name);
			if (n && *name == 'c')
				resolve(cfg, n);
			v = n ? n->val : NULL;
		} else
			v = p = q + 2;
		if (!v)
			fdie(at, "unknown name %s", name);
		sadd(&b, s, p - s);
		if (v != p)
			sputs(&b, v);
		free(name);
	}
	sputs(&b, s);
	return b.s;
}

void conf_print(FILE *f, struct node *n, const char *prefix)
{
	struct node *k;
	struct str b = { 0 };
	int i = 0;
	char *p;

	if (n->type == 's') {
		sesc(&b, sec_mask(n->val));
		fprintf(f, "%s=%s\n", prefix, b.s ? b.s : "");
		free(b.s);
	}
	for (k = n->kid; k; k = k->next, i++) {
		if (n->type == 'l')
			p = fmt("%s.%d", prefix, i);
		else
			p = prefix ? fmt("%s.%s", prefix, k->key) : xstrdup(k->key);
		conf_print(f, k, p);
		free(p);
	}
}

static void quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < ' ' || *s == 0x7f)
			fprintf(f, "\\x%02x", *s);
		else
			fputc(*s, f);
	fputc('"', f);
}

/* n as block YAML that conf_load reads back the same. */
void conf_emit(FILE *f, struct node *n, int ind)
{
	struct node *k;

	for (k = n->kid; k; k = k->next) {
		fprintf(f, "%*s", ind, "");
		if (n->type == 'l')
			fputs("-", f);
		else if (k->key[strspn(k->key, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./")] || !*k->key)
			quote(f, k->key), fputc(':', f);
		else
			fprintf(f, "%s:", k->key);
		if (k->type == 's')
			fputc(' ', f), quote(f, sec_mask(k->val)), fputc('\n', f);
		else if (!k->kid)
			fputs(k->type == 'm' ? " {}\n" : " []\n", f);
		else
			fputc('\n', f), conf_emit(f, k, ind + 2);
	}
}

struct node *conf_add(struct node *m, const char *key, char *val,
    const struct node *at)
{
	struct node *n = mk('s', at->file, at->line, at->col), **pp;

	if (!m)
		m = mk('m', at->file, at->line, at->col);
	for (pp = &m->kid; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	n->key = (char *)key;
	n->val = val;
	return m;
}
