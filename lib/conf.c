/*
 * YAML configs and workflows as trees of strings: the only file that
 * includes <yaml.h>. Every scalar is a string; maps keep their order.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "joe.h"

enum { MAXDEPTH = 64, MAXVAL = 1 << 20 };

int conf_lax;

static struct node *mk(int type, const char *file, int line, int col)
{
	struct node *n = memset(xmalloc(sizeof *n), 0, sizeof *n);

	n->type = type;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

static int bykey(const void *a, const void *b)
{
	const struct node *x = *(struct node **)a, *y = *(struct node **)b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->line != y->line ? x->line - y->line : x->col - y->col;
}

static int keycmp(const void *key, const void *n)
{
	return strcmp(key, (*(struct node **)n)->key);
}

/* Map m's kids sorted by key, then by place: built when first needed,
 * dropped when the map changes (big maps stay fast to look up). */
static struct node **sorted(struct node *m)
{
	struct node *k;

	if (m->idx)
		return m->idx;
	for (m->nidx = 0, k = m->kid; k; k = k->next)
		m->nidx++;
	m->idx = xmalloc((m->nidx + 1) * sizeof *m->idx);
	for (m->nidx = 0, k = m->kid; k; k = k->next)
		m->idx[m->nidx++] = k;
	qsort(m->idx, m->nidx, sizeof *m->idx, bykey);
	return m->idx;
}

struct node *conf_child(struct node *m, const char *key)
{
	struct node **k = sorted(m);

	k = bsearch(key, k, m->nidx, sizeof *k, keycmp);
	return k ? *k : NULL;
}

void conf_check(struct node *m, const char *const *keys, const char *what)
{
	static const char *tname[] = { "a plain value", "a list", "a mapping" };
	struct node *k;
	int i;

	if (m->type != 'm')
		fdie(m, "%s%s%s must be a mapping", what, m->key ? " " : "",
		    m->key ? m->key : "");
	for (k = m->kid; k; k = k->next) {
		for (i = 0; keys[i] && strcmp(keys[i] + 1, k->key); i++)
			;
		if (!keys[i])
			fdie(k, "unknown %s key '%s'", what, k->key);
		if (k->type != keys[i][0])
			fdie(k, "%s must be %s", k->key,
			    tname[(keys[i][0] == 'l') + 2 * (keys[i][0] == 'm')]);
	}
}

/* A !bytes value, as conf_emit writes one that is not UTF-8: each
 * character, U+0001 to U+00FF, is one byte (U+0000 is refused). */
static void unbytes(struct node *n)
{
	char *p, *q = n->val;

	for (p = n->val; *p; p++)
		if ((*p & 0xfe) == 0xc2 && p[1])
			*q++ = (*p & 3) << 6 | (p[1] & 0x3f), p++;
		else if (*p & 0x80)
			fdie(n, "a !bytes value holds U+0001 to U+00FF only");
		else
			*q++ = *p;
	*q = 0;
}

/* A reader error (bad bytes) has only an offset: its line and column
 * are counted here, in characters as libyaml counts them. */
static void yevent(yaml_parser_t *p, yaml_event_t *ev, const char *file)
{
	yaml_mark_t m;
	size_t i;
	int c;

	if (yaml_parser_parse(p, ev))
		return;
	if (p->problem && !strcmp(p->problem, "input error"))
		die(2, "cannot read %s:", file);
	m = p->problem_mark;
	if (p->error == YAML_READER_ERROR && !fseek(p->input.file, 0, SEEK_SET))
		for (i = 0; i < p->problem_offset &&
		    (c = getc(p->input.file)) != EOF; i++)
			m.column = c == '\n' ? (m.line++, 0) :
			    m.column + ((c & 0xc0) != 0x80);
	warn_at(file, m.line + 1, m.column + 1, p->error == YAML_READER_ERROR &&
	    p->problem_value != -1 ? "%s%s%s (0x%02x)" : "%s%s%s", p->context ?
	    p->context : "", p->context ? ": " : "", p->problem, p->problem_value);
	exit(2);
}

static struct node *ynode(yaml_parser_t *p, yaml_event_t *ev,
    const char *file, int depth);

/* The kids of n, a mapping or list (type 'm' or 'l') whose start event
 * was read, up to its end event. */
static void ykids(yaml_parser_t *p, struct node *n, int type, int depth)
{
	struct node *k, *key, **tail, **x;
	yaml_event_t e;
	int i;

	n->type = type;
	if (depth > MAXDEPTH)
		fdie(n, "more than %d levels of nesting", MAXDEPTH);
	for (tail = &n->kid;; tail = &k->next) {
		yevent(p, &e, n->file);
		if (e.type == YAML_MAPPING_END_EVENT ||
		    e.type == YAML_SEQUENCE_END_EVENT)
			break;
		k = ynode(p, &e, n->file, depth + 1);
		if (type == 'm') {
			if ((key = k)->type != 's')
				fdie(key, "a key must be a plain string");
			yevent(p, &e, n->file);
			k = ynode(p, &e, n->file, depth + 1);
			k->key = key->val;
			k->line = key->line;	/* errors point at the key */
			k->col = key->col;
			free(key);
		}
		*tail = k;
	}
	yaml_event_delete(&e);
	for (x = type == 'm' ? sorted(n) : NULL, i = 1; x && i < n->nidx; i++)
		if (!strcmp(x[i - 1]->key, x[i]->key))
			fdie(x[i], "duplicate key '%s'", x[i]->key);
}

/* The node whose first event is ev (which it deletes), depth
 * collections deep. */
static struct node *ynode(yaml_parser_t *p, yaml_event_t *ev,
    const char *file, int depth)
{
	struct node *n = mk('s', file, ev->start_mark.line + 1,
	    ev->start_mark.column + 1);
	yaml_event_type_t type = ev->type;
	char *tag = type == YAML_SCALAR_EVENT ? (char *)ev->data.scalar.tag : NULL;

	if (type == YAML_SCALAR_EVENT)
		n->val = xstrdup((char *)ev->data.scalar.value);
	else if (type != YAML_MAPPING_START_EVENT &&
	    type != YAML_SEQUENCE_START_EVENT)
		fdie(n, "aliases are not supported");
	if (n->val && strlen(n->val) < ev->data.scalar.length)	/* C strings */
		fdie(n, "a value must not hold U+0000");
	if (tag && !strcmp(tag, "!bytes"))
		unbytes(n);
	yaml_event_delete(ev);
	if (type != YAML_SCALAR_EVENT)
		ykids(p, n, type == YAML_MAPPING_START_EVENT ? 'm' : 'l', depth);
	return n;
}

/* Free the tree n, as conf_load() made it: its nodes and the file name
 * they share (or none: NULL). */
void conf_free(struct node *n)
{
	struct node *k, *next;

	for (k = n ? n->kid : NULL; k; k = next) {
		next = k->next;
		k->file = NULL;		/* n's */
		conf_free(k);
	}
	if (n)
		free(n->key), free(n->val), free(n->idx), free((char *)n->file),
		    free(n);
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
		yevent(&p, &e, file);
		if (e.type == YAML_STREAM_END_EVENT)
			break;
		if (e.type >= YAML_ALIAS_EVENT) {	/* a node, not a document */
			if (n)
				fdie(mk(0, file, e.start_mark.line + 1, 1),
				    "only one YAML document is allowed");
			n = ynode(&p, &e, file, 1);
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

/* The node at path, its parts split at each '.' (an empty part, as in
 * "a..b" or "a.", names nothing); a list's items are 0, 1, ... */
struct node *conf_get(struct node *n, const char *path)
{
	char *p = xstrdup(path), *c, *end, *dot;
	long i;

	for (c = p; n && c; c = dot ? dot + 1 : NULL) {
		if ((dot = strchr(c, '.')))
			*dot = 0;
		if (n->type == 'm') {
			n = conf_child(n, c);
			continue;
		}
		i = strtol(c, &end, 10);
		for (n = n->type == 'l' && *c && !*end ? n->kid : NULL; n && i--;)
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

/* Maps merge key by key; any other value from src replaces dst's, in its
 * place. dst's index stays good for the keys of src (they are unique). */
static void merge(struct node *dst, struct node *src)
{
	struct node *k, *nk, *d, **tail = &dst->kid;

	while (*tail)
		tail = &(*tail)->next;
	for (k = src->kid; k; k = nk) {
		nk = k->next;
		if (!(d = conf_child(dst, k->key)))
			*tail = k, tail = &k->next, k->next = NULL;
		else if (d->type == 'm' && k->type == 'm')
			merge(d, k);
		else
			k->next = d->next, *d = *k;
	}
	dst->idx = NULL;	/* a new index when next needed */
}

/* -D a.b.c=value */
static void define(struct node *cfg, const char *def)
{
	char *s = xstrdup(def), *eq = strchr(s, '='), *c, *dot;
	struct node *n = mk('m', "-D", 1, 1), *top = n;
	int depth = 0;

	if (!eq)
		die(2, "-D %s: expected key=value", def);
	*eq = 0;
	for (c = s; c; c = dot ? dot + 1 : NULL) {
		if ((dot = strchr(c, '.')))
			*dot = 0;
		if (!*c || ++depth > MAXDEPTH)
			die(2, "-D %s: %s", def, *c ? "more than 64 levels of "
			    "nesting" : "empty key in path");
		n = n->kid = mk('m', "-D", 1, 1);
		n->key = c;
	}
	n->type = 's';
	n->val = eq + 1;
	n->col = eq - s + 2;
	merge(cfg, top);
}

/* s substituted, or NULL and *need: a config value to substitute first.
 * A name is dotted, its first part a word; vars: a list of other names. */
static char *subst(struct node *cfg, const struct node *at, const char *s,
    struct node *vars, struct node **need)
{
	struct str b = { 0 };
	const char *p, *q, *v;
	struct node *n;
	char *name;
	int len, esc;

	for (; (p = strstr(s, "{{")); s = q) {
		esc = p > s && p[-1] == '\\';
		sadd(&b, s, p - s - esc);
		for (v = p + 2; *v == ' '; v++)
			;
		len = strspn(v, WORDCHARS "-");
		if (esc || !len || v[len] != '.' || !(q = strstr(v, "}}"))) {
			sputs(&b, "{{");	/* kept as it is */
			q = p + 2;
			continue;
		}
		for (len = q - v, q += 2; len && v[len - 1] == ' '; len--)
			;
		name = fmt("%.*s", len, v);
		n = NULL;
		if (!strncmp(name, "env.", 4))
			v = (v = getenv(name + 4)) || !conf_lax ? v : "";
		else if (!strncmp(name, "config.", 7))
			n = conf_get(cfg, name + 7);
		else if (strncmp(name, "matrix.", 7) && strncmp(name, "workflow.", 9))
			fdie(at, "unknown name '%s' (not env, config, matrix or "
			    "workflow; \\{{ keeps it as it is)", name);
		else
			n = vars ? conf_child(vars, name + 7 * (*name == 'm')) : NULL;
		if (n && n->type != 's')
			fdie(at, "%s is not a plain value", name);
		if (n && *name == 'c' && n->busy != 2)
			return *need = n, NULL;	/* with a leak */
		if (*name != 'e')
			v = n ? n->val : NULL;
		if (!v)
			fdie(at, "unknown name %s", name);
		sputs(&b, v);
		if (b.n > MAXVAL)
			fdie(at, "this value grows past 1 MiB through {{ }}");
		free(name);
	}
	sputs(&b, s);
	return b.s;
}

/* Substitute n's values, and before each the values it refers to: on a
 * stack of our own, since a chain of references can be long. */
static void resolve(struct node *cfg, struct node *n)
{
	struct node **st = NULL, *need, *k;
	size_t sp = 0;
	char *v;

	for (k = n->kid; k; k = k->next)
		resolve(cfg, k);
	for (k = n->type == 's' && n->busy != 2 ? n : NULL; k;
	    k = sp ? need : NULL) {
		if (k->busy)
			fdie(k, "this value refers to itself through "
			    "{{ config }}");
		if (!(sp & (sp - 1)))	/* at 0, 1, 2, 4, ...: grow */
			st = xrealloc(st, (2 * sp + 1) * sizeof *st);
		(st[sp++] = k)->busy = 1;
		while (sp && (v = subst(cfg, st[sp - 1], st[sp - 1]->val, NULL,
		    &need)))
			st[--sp]->val = v, st[sp]->busy = 2;
	}
	free(st);
}

/* s with each {{ env.NAME }}, {{ config.a.b }} and name of vars replaced;
 * \{{ and a {{ not followed by a dotted name are kept (Go templates). */
char *conf_subst(struct node *cfg, const struct node *at, const char *s,
    struct node *vars)
{
	struct node *need;
	char *v;

	while (!(v = subst(cfg, at, s, vars, &need)))
		resolve(cfg, need);
	return v;
}

static struct node *addmap(struct node *m, const char *key)
{
	struct node *n = conf_child(m, key);

	if (!n)
		(n = conf_child(conf_add(m, key, NULL, m), key))->type = 'm';
	if (n->type != 'm')
		fdie(n, "%s must be a mapping", key);
	return n;
}

/* env's first variable, when env is a mapping of environment variables */
struct node *conf_env(struct node *env)
{
	struct node *k;

	if (env && env->type != 'm')
		fdie(env, "env must be a mapping");
	for (k = env ? env->kid : NULL; k; k = k->next) {
		if (k->type != 's')
			fdie(k, "env.%s must be a plain value", k->key);
		if (!*k->key || k->key[strspn(k->key, WORDCHARS)] ||
		    isdigit((unsigned char)*k->key))
			fdie(k, "'%s' is not an environment variable name", k->key);
	}
	return env ? env->kid : NULL;
}

static char **opts;	/* "cFILE" and "DKEY=VALUE", in order */
static int nopt, nfile;

void conf_opt(int c, char *arg)
{
	opts = xrealloc(opts, (nopt + 1) * sizeof *opts);
	opts[nopt++] = fmt("%c%s", c, arg);
	nfile += c == 'c';
}

/* The merged configuration: -c files (else $JOE_CONFIG, ./default.config,
 * ~/.config/joe/default.config), then -D definitions, then substitution. */
struct node *conf_config(void)
{
	struct node *cfg = mk('m', "-", 0, 0);
	char *list = getenv("JOE_CONFIG"), *home = getenv("HOME"), *f;
	int i;

	if (!nfile && list && *list) {
		for (f = strtok(list = xstrdup(list), ":"); f; f = strtok(NULL, ":"))
			merge(cfg, conf_load(f));
	} else if (!nfile) {
		f = !access("default.config", F_OK) ? "default.config" : home ?
		    fmt("%s/.config/joe/default.config", home) : "";
		if (!access(f, F_OK))
			merge(cfg, conf_load(f));
	}
	for (i = 0; i < nopt; i++)
		if (*opts[i] == 'c')
			merge(cfg, conf_load(opts[i] + 1));
	for (i = 0; i < nopt; i++)
		if (*opts[i] == 'D')
			define(cfg, opts[i] + 1);
	addmap(addmap(cfg, "transport"), "local");
	resolve(cfg, cfg);
	conf_env(conf_get(cfg, "env"));
	return cfg;
}

/* s double-quoted; what YAML would not read back as it is, escaped:
 * controls, the line breaks NEL, LS and PS; s not UTF-8: as !bytes; a
 * value's {{ as \{{, since it is substituted already. */
static void quote(FILE *f, const char *s, int val)
{
	const char *p;
	unsigned c;
	int n, raw;

	for (p = s; *p && (n = utf8(p, -1, &c)); p += n)
		;
	raw = *p;	/* not UTF-8, as YAML must be */
	fputs(raw ? "!bytes \"" : "\"", f);
	for (; *s; s += n) {
		if (raw || !(n = utf8(s, -1, &c)))
			n = 1, c = *s & 0xff;
		if (val && c == '{' && s[1] == '{')
			fputs("\\\\{{", f), n = 2;
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < ' ' || (c >= 0x7f && (raw || c < 0xa0)) ||
		    (c | 1) == 0x2029 || (c | 1) == 0xffff)
			fprintf(f, c < 0x100 ? "\\x%02x" : "\\u%04x", c);
		else
			fwrite(s, 1, n, f);
	}
	fputc('"', f);
}

/* n as block YAML that conf_load reads back the same, each value
 * through mask if given. */
void conf_emit(FILE *f, struct node *n, int ind, char *(*mask)(const char *))
{
	struct node *k;

	for (k = n->kid; k; k = k->next) {
		fprintf(f, "%*s", ind, "");
		if (n->type == 'l')
			fputs("-", f);
		else if (k->key[strspn(k->key, WORDCHARS "-./")] || !*k->key)
			quote(f, k->key, 0), fputc(':', f);
		else
			fprintf(f, "%s:", k->key);
		if (k->type == 's')
			fputc(' ', f), quote(f, mask ? mask(k->val) : k->val, 1),
			    fputc('\n', f);
		else if (!k->kid)
			fputs(k->type == 'm' ? " {}\n" : " []\n", f);
		else
			fputc('\n', f), conf_emit(f, k, ind + 2, mask);
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
	m->idx = NULL;
	return m;
}
