/*
 * Secrets: the values of config keys, env: and with: keys and environment
 * variables whose names look secret (joe-config(5)). Each occurrence of
 * one is written *** in records, logs, config.yaml and on the terminal;
 * commands still get the real values.
 */
#define _GNU_SOURCE	/* FNM_CASEFOLD */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joe.h"

static struct node *extra;	/* the config's secrets: */
static char **sec;		/* the values, longest first */
static size_t nsec;
static char *priv;		/* the config as it is, for worklets */

static int secret_key(const char *key)
{
	static const char *dflt[] = { "*PASS*", "*TOKEN*", "*SECRET*", "*KEY*" };
	struct node *e;
	int i;

	for (i = 0; i < 4; i++)
		if (!fnmatch(dflt[i], key, FNM_CASEFOLD))
			return 1;
	for (e = extra ? extra->kid : NULL; e; e = e->next)
		if (!fnmatch(e->val, key, FNM_CASEFOLD))
			return 1;
	return 0;
}

static void keep(const char *v)
{
	size_t i, n = strlen(v);

	if (n < 4)	/* a shorter one would mask everything */
		return;
	sec = xrealloc(sec, (nsec + 1) * sizeof *sec);
	for (i = nsec++; i && strlen(sec[i - 1]) < n; i--)
		sec[i] = sec[i - 1];
	sec[i] = xstrdup(v);
}

/* The values in n under a secret key (an item of a list is under the
 * list's key). */
void sec_add(struct node *n, const char *key)
{
	struct node *k;

	if (n && n->type == 's' && key && secret_key(key))
		keep(n->val);
	for (k = n ? n->kid : NULL; k; k = k->next)
		sec_add(k, n->type == 'l' ? key : k->key);
}

void sec_init(struct node *cfg)
{
	struct node *k;
	char **e;
	size_t n;

	if ((extra = conf_get(cfg, "secrets")) && extra->type != 'l')
		fdie(extra, "secrets must be a list of key patterns");
	for (k = extra ? extra->kid : NULL; k; k = k->next)
		if (k->type != 's')
			fdie(k, "a key pattern must be a plain value");
	for (k = cfg->kid; k; k = k->next)
		if (k != extra)
			sec_add(k, k->key);
	for (e = environ; *e; e++)
		if ((*e)[n = strcspn(*e, "=")] && secret_key(fmt("%.*s", (int)n, *e)))
			keep(*e + n + 1);
}

/*
 * Mask b[0..*n) in place and return its new length; b[*n..end) is what
 * follows. With cap (the size of b), more may follow end: a secret begun
 * and not ended by then holds back the rest (unless b is full from there),
 * a secret that ends past *n is taken whole; *n gets what was taken.
 */
size_t sec_span(char *b, size_t *n, size_t end, size_t cap)
{
	size_t i = 0, o = 0, k, len = 0, lim = cap ? end : *n, m;
	int part;

	if (!nsec)	/* the common case: a log copied as it is */
		return *n;
	while (i < *n) {
		for (part = 0, k = 0; k < nsec; k++) {
			if (b[i] != sec[k][0])
				continue;
			len = strlen(sec[k]);
			m = len < lim - i ? len : lim - i;
			if (memcmp(b + i, sec[k], m))
				continue;
			if (m == len)
				break;
			part = 1;
		}
		if (k < nsec)
			memcpy(b + o, "***", 3), o += 3, i += len;
		else if (part && cap && (i || end < cap))
			break;
		else
			b[o++] = b[i++];
	}
	*n = i;
	return o;
}

/* s with each secret in it as *** (a new string). */
char *sec_mask(const char *s)
{
	char *b = xstrdup(s);
	size_t n = strlen(b);

	b[sec_span(b, &n, n, 0)] = 0;
	return b;
}

static void unpriv(void)
{
	unlink(priv);
}

/* The config with its secrets and env's variables (those with a key) over
 * its env, for a worklet's JOE_CONFIG: a file only we can read in
 * $XDG_RUNTIME_DIR, $TMPDIR or /tmp, rewritten for each worklet, removed
 * when we exit (after a SIGKILL, by the guardian: see rm_at_end()). */
char *sec_file(struct node *cfg, struct node *env)
{
	const char *t = getenv("XDG_RUNTIME_DIR");
	struct node *e = conf_get(cfg, "env"), *m = NULL, *k, *d, *was = NULL;
	FILE *f;
	int fd;

	if (!priv) {
		t = t && *t ? t : getenv("TMPDIR");
		priv = fmt("%s/joe-config-XXXXXX", t && *t ? t : "/tmp");
		if ((fd = mkstemp(priv)) < 0 || close(fd))
			die(1, "cannot create %s:", priv);
		atexit(unpriv);
	}
	for (k = e ? e->kid : NULL; k; k = k->next)
		m = conf_add(m, k->key, k->val, k);
	for (k = env ? env->kid : NULL; k; k = k->next)
		if (k->key && (d = conf_get(m, k->key)))
			d->val = k->val;
		else if (k->key)
			m = conf_add(m, k->key, k->val, k);
	if (!(f = fopen(priv, "w")))
		die(1, "cannot create %s:", priv);
	if (e)
		was = e->kid, e->kid = m ? m->kid : NULL, e->idx = NULL;
	conf_emit(f, cfg, 0, NULL);
	if (e)
		e->kid = was, e->idx = NULL;
	else if (m)
		fputs("env:\n", f), conf_emit(f, m, 2, NULL);
	if (fclose(f))
		die(1, "cannot write %s:", priv);
	return priv;
}
