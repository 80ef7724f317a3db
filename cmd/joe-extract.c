/*
 * joe-extract: numbers and test results out of a run's logs and result
 * files, into RUN/metrics.tsv (step key value unit) and RUN/tests.tsv
 * (step suite name status seconds message log), the metrics also on
 * stdout as "run step key value unit". Built in: fio's JSON and
 * key-value lines; TAP and JUnit XML through the plug-ins that come with
 * joe (pkgs/core/extract-tap, awk; joe-junit, expat); any executable
 * pkgs/PKG/extract-NAME too (the log on stdin, "key value unit" or
 * "test<TAB>..." lines out).
 */
#define _GNU_SOURCE	/* tdestroy */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "joe.h"

struct ctx {
	const char *run, *step, *log;	/* log: its path, for messages */
	FILE *m, *t;			/* metrics.tsv, tests.tsv (.tmp) */
	void *keys;			/* the step's keys so far, a tree */
	int bad, quiet;
};

/* The fields v (up to NULL) as one record: each escaped as sesc() does,
 * a tab between them, a newline last. */
static void record(FILE *f, const char *const *v)
{
	const char *s;
	size_t n;

	for (; (s = *v); v++) {
		for (; fwrite(s, 1, n = strcspn(s, "\t\n\\"), f), s[n]; s += n + 1)
			fputs(s[n] == '\t' ? "\\t" : s[n] == '\n' ? "\\n" : "\\\\", f);
		putc(v[1] ? '\t' : '\n', f);
	}
}

/* A test record, read from c->log (its path in the run the last field). */
static void testrec(struct ctx *c, const char *suite, const char *name,
    const char *st, const char *sec, const char *msg)
{
	record(c->t, (const char *[]){ c->step, suite, name, st, sec ? sec : "",
	    msg ? msg : "", c->log + strlen(c->run) + 1, NULL });
}

struct key { int n; char s[]; };	/* a key and its count */

static int keyorder(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->s, ((const struct key *)b)->s);
}

/* The count of key s in the step's tree of keys, 0 if new (added). */
static int *seen(struct ctx *c, const char *s)
{
	struct key *k = xmalloc(sizeof *k + strlen(s) + 1), **p;

	strcpy(k->s, s), k->n = 0;
	if (*(p = tsearch(k, &c->keys, keyorder)) != k)
		free(k);
	return &(*p)->n;
}

/* One metric, its key (freed); a key the step has already gets a
 * number: key#2, key#3, the first it does not have (the count of key is
 * the last number taken, so repeats take linear time). */
static void metric(struct ctx *c, double v, const char *unit, char *key)
{
	char *k, val[64];
	int n, *cp, *kp;

	n = *(cp = seen(c, key));
	for (*cp = n ? n : 1, k = xstrdup(key); n;) {
		free(k), k = fmt("%s#%d", key, ++n);
		if (!*(kp = seen(c, k)))
			*kp = 1, *cp = n, n = 0;
	}
	free(key);
	snprintf(val, sizeof val, "%.10g", v);
	record(c->m, (const char *[]){ c->step, k, val, unit, NULL });
	if (!c->quiet)
		record(stdout, (const char *[]){ c->run, c->step, k, val, unit,
		    NULL });
	free(k);
}

/*
 * JSON into a tree of struct node (as conf.c makes of YAML): enough of
 * RFC 8259 for what programs print, errors said at their place. Not
 * libyaml's: it refuses fio's JSON when a job or file name is not UTF-8
 * (fio prints the bytes as they are), and it reads broken JSON as YAML
 * (a lone "oops" is a key), so the error is said lines later; and on
 * 200 fio json+ objects (8.9 MB) its events alone took 0.15 s where this
 * whole reader takes under 0.02 s.
 */
struct js {
	const char *p, *line0;	/* where we are, where its line began */
	long line;
	struct ctx *c;
	int err;
};

static void jerr(struct js *j, const char *what)
{
	if (!j->err)
		warn_at(j->c->log, j->line, j->p - j->line0 + 1, "%s", what);
	j->err = j->c->bad = 1;
}

static void ws(struct js *j)
{
	for (; *j->p && strchr(" \t\r\n", *j->p); j->p++)
		if (*j->p == '\n')
			j->line++, j->line0 = j->p + 1;
}

/* The 4 hex digits at s, in *c. */
static int hex4(const char *s, unsigned *c)
{
	return strspn(s, "0123456789abcdefABCDEF") >= 4 && sscanf(s, "%4x", c);
}

/* The string at j->p, its opening quote, with its escapes undone (\u as
 * UTF-8, a surrogate pair as one character, a lone one as U+FFFD). */
static char *jstr(struct js *j)
{
	static const char esc[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	struct str b = { 0 };
	unsigned c, d;
	char u[4];
	int i, n;

	for (sputs(&b, ""), j->p++; !j->err && *j->p != '"'; j->p += !j->err)
		if ((unsigned char)*j->p < 0x20)
			jerr(j, "unterminated string");
		else if (*j->p != '\\')
			sadd(&b, j->p, 1);
		else if (*++j->p == 'u' && hex4(j->p + 1, &c)) {
			j->p += 4;
			if (c >> 10 == 0x36 && !strncmp(j->p + 1, "\\u", 2) &&
			    hex4(j->p + 3, &d) && d >> 10 == 0x37)
				c = 0x10000 + ((c & 0x3ff) << 10 | (d & 0x3ff)),
				    j->p += 6;
			c = c >> 11 == 0x1b ? 0xfffd : c;
			n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
			for (i = n; i-- > 1; c >>= 6)
				u[i] = 0x80 | (c & 0x3f);
			u[0] = c | (n > 1 ? 0xf0 << (4 - n) : 0);
			sadd(&b, u, n);
		} else if (*j->p && strchr(esc, *j->p))
			sadd(&b, &to[strchr(esc, *j->p) - esc], 1);
		else
			jerr(j, "bad escape in a string");
	j->p += !j->err;
	return b.s;
}

/* The value at j->p, depth collections deep, as a new node. */
static struct node *jval(struct js *j, int depth)
{
	struct node *n = memset(xmalloc(sizeof *n), 0, sizeof *n), **tail;
	char end, *key;
	size_t len;

	n->type = 's';
	if (ws(j), depth > 64)
		jerr(j, "nested too deep");
	if (j->err || (*j->p == '"' && (n->val = jstr(j))))
		return n;
	if (*j->p != '{' && *j->p != '[') {
		len = strspn(j->p, "+-0123456789.eEtrufalsn");
		n->val = fmt("%.*s", (int)len, j->p);
		if (!len)
			jerr(j, *j->p ? "expected a value" : "unexpected end of input");
		j->p += len;
		return n;
	}
	n->type = *j->p == '{' ? 'm' : 'l';
	end = *j->p++ == '{' ? '}' : ']';
	for (tail = &n->kid; ws(j), !j->err && *j->p != end; tail = &(*tail)->next) {
		if (n->kid && *j->p != ',')
			jerr(j, fmt("expected ',' or '%c'", end));
		j->p += n->kid && !j->err;
		if (ws(j), n->type == 'm' && *j->p != '"' && !j->err)
			jerr(j, "expected a \"key\"");
		key = n->type == 'm' && !j->err ? jstr(j) : NULL;
		if (ws(j), key && *j->p != ':' && !j->err)
			jerr(j, "expected ':'");
		j->p += key && !j->err;
		(*tail = jval(j, depth + 1))->key = key;
	}
	j->p += !j->err;
	return n;
}

/* n's value of key, if n is a mapping that has it. */
static struct node *kid(struct node *n, const char *key)
{
	return n && n->type == 'm' ? conf_child(n, key) : NULL;
}

static int jnum(struct node *n, const char *key, double *v)
{
	n = kid(n, key);
	return n && n->type == 's' && number(n->val, v);
}

/* The number n has at key, divided by div, as the metric name (freed);
 * 0 if there is none. */
static int fio_num(struct ctx *c, struct node *n, const char *key,
    double div, const char *unit, char *name)
{
	double v;
	int ok = jnum(n, key, &v);

	if (ok)
		metric(c, v / div, unit, name);
	else
		free(name);
	return ok;
}

/* mean, stddev and percentiles of lat, clat or slat, in us. */
static void lat(struct ctx *c, const char *pre, struct node *d,
    const char *what)
{
	static const char *pct[] = { "50", "90", "99", "99.9", "99.99" };
	struct node *l, *p;
	double div = 1000, v;
	char k[32];
	int i;

	snprintf(k, sizeof k, "%s_ns", what);
	if (!(l = kid(d, k)) && (l = kid(d, what)))
		div = 1;		/* fio 2: microseconds */
	if (!l || (jnum(l, "N", &v) && v == 0))
		return;
	fio_num(c, l, "mean", div, "us", fmt("%s.%s.mean", pre, what));
	fio_num(c, l, "stddev", div, "us", fmt("%s.%s.stddev", pre, what));
	for (p = kid(l, "percentile"), i = 0; p && i < 5; i++) {
		snprintf(k, sizeof k, "%f", atof(pct[i]));	/* 99.900000 */
		fio_num(c, p, k, div, "us", fmt("%s.%s.p%s", pre, what, pct[i]));
	}
}

/* fio's JSON (and json+): for each job and direction that did I/O. */
static void fio(struct ctx *c, struct node *top)
{
	static const char *dirs[] = { "read", "write", "trim" };
	struct node *j = kid(top, "jobs"), *d;
	const char *jn;
	char *k;
	double v;
	int i;

	for (j = j ? j->kid : NULL; j; j = j->next) {
		d = kid(j, "jobname");
		jn = d && d->val ? d->val : "job";
		fio_num(c, j, "error", 1, "", fmt("fio.%s.error", jn));
		for (i = 0; i < 3; i++) {
			if (!(d = kid(j, dirs[i])) || !jnum(d, "total_ios", &v) ||
			    v <= 0)
				continue;
			k = fmt("fio.%s.%s", jn, dirs[i]);
			fio_num(c, d, "iops", 1, "IOPS", fmt("%s.iops", k));
			if (!fio_num(c, d, "bw_bytes", 1048576, "MiB/s",
			    fmt("%s.bw", k)))
				fio_num(c, d, "bw", 1024, "MiB/s", fmt("%s.bw", k));
			lat(c, k, d, "lat");
			lat(c, k, d, "clat");
			fio_num(c, d, "runtime", 1000, "s", fmt("%s.runtime", k));
			free(k);
		}
	}
}

/* Every JSON object in the log that begins a line and is fio's. */
static void fio_log(struct ctx *c, struct lines *l)
{
	struct str b = { 0 };
	struct js j = { .c = c };
	struct node *n;
	char *s;
	long first = 0;

	while ((s = ln_get(l, NULL)) || b.n) {
		if (s && !b.n && *s != '{')
			continue;
		first = b.n ? first : l->line;
		if (s && (sputs(&b, s), sputs(&b, "\n"), strcmp(s, "}")))
			continue;	/* fio ends its object with a lone } */
		j.p = j.line0 = b.s, j.line = first, j.err = 0, b.n = 0;
		n = jval(&j, 0);
		if (ws(&j), !j.err && *j.p)
			jerr(&j, "text after the JSON value");
		if (!j.err && !kid(n, "fio version"))
			warn_at(c->log, first, 0, "JSON that is not fio's"), c->bad = 1;
		else if (!j.err)
			fio(c, n);
		conf_free(n);
	}
	free(b.s);
}

/* "key: value [unit]" and "key=value [unit]", blanks allowed around the
 * : or =: a number is a metric. */
static void kv_line(struct ctx *c, char *s)
{
	char *k = s + strspn(s, " \t"), *v = k + strcspn(k, ":= \t"), *u, *e;
	double x;

	s = v + strspn(v, " \t");
	if (v == k || (*s != ':' && *s != '='))
		return;
	*v = 0;			/* strtok skips the blanks after : or = */
	v = strtok(s + 1, " \t"), u = strtok(NULL, " \t");
	e = strtok(NULL, " \t");
	if (number(v, &x) && !e)
		metric(c, x, u ? u : "", xstrdup(k));
}

/* pkgs/PKG/extract-NAME, or with NAME "PKG.NAME" that package's. */
static char *plugin(const char *name)
{
	const char *dot = strchr(name, '.');
	char *path = pkgpath(), *dir, *f = NULL;
	struct dirent *e;
	DIR *d;

	if (dot)
		return pkgfind(fmt("%.*s", (int)(dot - name), name),
		    fmt("extract-%s", dot + 1));
	for (dir = strtok(path, ":"); dir && !f; dir = strtok(NULL, ":")) {
		if (!(d = opendir(dir)))
			continue;
		while (!f && (e = readdir(d))) {
			f = fmt("%s/%s/extract-%s", dir, e->d_name, name);
			if (*e->d_name == '.' || access(f, X_OK))
				free(f), f = NULL;
		}
		closedir(d);
	}
	return f;
}

/* Whether s is a status a plug-in may give a test: one word of these. */
static int status(const char *s)
{
	const char *all = " pass fail error skip todo ";
	const char *p = *s && !strchr(s, ' ') ? strstr(all, s) : NULL;

	return p && p[-1] == ' ' && p[strlen(s)] == ' ';
}

/* A line a plug-in printed: "key value [unit]", or "test<TAB>suite<TAB>
 * name<TAB>status[<TAB>seconds[<TAB>message]]" escaped as records are. */
static void plugline(struct ctx *c, const char *exe, char *s)
{
	char *f[6] = { 0 }, *k, *v, *u;
	int n;
	double x;

	if (!strncmp(s, "test\t", 5)) {
		s[strcspn(s, "\n")] = 0;
		n = tsv_split(s, f, 6);
		if (n >= 4 && n <= 6 && status(f[3]) &&
		    (!f[4] || !*f[4] || number(f[4], &x)))
			testrec(c, f[1], f[2], f[3], f[4], f[5]);
		else
			warn_at(c->log, 0, 0, "%s printed a test line that is "
			    "not 'test suite name status [seconds [message]]'",
			    exe), c->bad = 1;
	} else if ((k = strtok(s, " \t\n"))) {
		v = strtok(NULL, " \t\n"), u = strtok(NULL, " \t\n");
		if (number(v, &x))
			metric(c, x, u ? u : "", xstrdup(k));
		else
			warn_at(c->log, 0, 0, "%s printed '%s', not 'key value "
			    "[unit]'", exe, k), c->bad = 1;
	}
}

/* Run the plugin exe with the log on its stdin (decompressed into a
 * file first if it is gzip), its stderr ours, the log's path in JOE_LOG
 * and the suite its tests are in by default (its name without .log) in
 * JOE_SUITE; read what it prints as it goes. Its exit status 2: bad
 * input, which it said. */
static void run_plugin(struct ctx *c, const char *exe, struct lines *l,
    const char *suite)
{
	static char buf[1 << 16];	/* setvbuf() keeps no size without one */
	FILE *in = NULL, *out;
	size_t n;
	char *s = NULL;
	pid_t pid;
	int fd = gzname(l->path) ? -1 : open(l->path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 && (in = tmpfile())) {
		while ((s = ln_get(l, &n)))
			fwrite(s, 1, n, in), fputc('\n', in);
		fd = fflush(in) || fseek(in, 0, SEEK_SET) ? -1 : fileno(in);
	}
	setenv("JOE_LOG", c->log, 1);
	setenv("JOE_SUITE", suite, 1);
	if (fd < 0)
		die(1, "cannot run %s:", exe);
	pid = filter((char *[]){ (char *)exe, NULL }, fd, -1, &rc);
	if (!(out = fdopen(rc, "r")))
		die(1, "cannot run %s:", exe);
	setvbuf(out, buf, _IOFBF, sizeof buf);
	for (s = NULL, n = 0; getline(&s, &n, out) > 0;)
		plugline(c, exe, s);
	free(s);
	if ((rc = filter_end(pid, out)) && rc != 2)
		warn_at(c->log, 0, 0, "%s failed (exit status %d)", exe, rc);
	c->bad |= rc != 0;
	in ? fclose(in) : close(fd);
}

/* Whether the line at s (n bytes there, NUL after) begins TAP or fio's
 * JSON: a line "{" with "fio version" its first key. */
static const char *begins(const char *s, size_t n)
{
	const char *f;

	if (*s == '{')
		return !strncmp(s, "{\"fio version\"", 14) || (s[1] == '\n' &&
		    (f = s + 1 + strspn(s + 1, " \t\r\n")) - s < 16 &&
		    !strncmp(f, "\"fio version\"", 13)) ? "fio" : NULL;
	if ((n > 13 && !strncmp(s, "TAP version 1", 13)) ||
	    (n > 3 && !strncmp(s, "1..", 3) && isdigit((unsigned char)s[3])) ||
	    (n > 4 && !strncmp(s, "ok 1", 4) && (s[4] == ' ' || s[4] == '\n')) ||
	    (n > 8 && !strncmp(s, "not ok 1", 8) && (s[8] == ' ' || s[8] == '\n')))
		return "tap";
	return NULL;
}

/*
 * Which built-in extractor a log calls for, or NULL ("?" if it cannot be
 * opened, or is a .gz not gzip, for file() to say why): JUnit when it
 * begins with "<?xml" or "<testsuite" and has "<testsuite" in its first
 * 128 KiB, TAP when it begins in them, fio when its JSON begins anywhere,
 * found by looking for '{' after a newline at memchr's speed. The last
 * bytes of each read are kept for the next, so no line start is missed.
 * A plain file is read with read(2), a short read its end (as ln_open()
 * does): zlib would cost a seek, a read and its state more a log, a fifth
 * of joe extract's time over 1,000 runs of small logs.
 */
static const char *sniff(const char *path)
{
	static char buf[(1 << 17) + 256];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r, first = 1, end = 0;
	const char *x = NULL;
	gzFile z = NULL;
	char *p, *e;
	size_t keep = 1, want;

	buf[0] = '\n';
	while (fd >= 0 && !x && !end) {
		want = sizeof buf - keep - 1;
		if ((r = z ? gzread(z, buf + keep, want) : read(fd, buf + keep,
		    want)) <= 0)
			break;
		if (first && !z && r >= 2 && !memcmp(buf + 1, "\x1f\x8b", 2)) {
			if (lseek(fd, 0, SEEK_SET) || !(z = gzdopen(fd, "rb")))
				break;
			continue;
		}
		end = !z && (size_t)r < want;
		e = buf + keep + r;
		*e = 0;
		if (first && (!strncmp(buf + 1, "<?xml", 5) || !strncmp(buf + 1,
		    "<testsuite", 10)) && strstr(buf + 1, "<testsuite"))
			x = "junit";
		for (p = buf + 1; !x && p < e && (first || (p = memchr(p, '{',
		    e - p))); p++)
			if (p[-1] == '\n')
				x = begins(p, e - p);
		keep = e - buf < 128 ? (size_t)(e - buf) : 128;
		memmove(buf, e - keep, keep);
		first = 0;
	}
	if (z)
		gzclose(z);
	else if (fd >= 0)
		close(fd);
	return fd < 0 || (!z && gzname(path)) ? "?" : x;
}

/* The extractor the workflow names for the step called name, or NULL. */
static const char *named(struct node *wf, const char *name)
{
	struct node *s = wf ? kid(wf, "steps") : NULL, *n;
	size_t len = strcspn(name, "[");

	for (s = s ? s->kid : NULL; s; s = s->next)
		if ((n = kid(s, "name")) && n->val && strlen(n->val) == len &&
		    !strncmp(n->val, name, len) && (n = kid(s, "extract")))
			return n->val;
	return NULL;
}

/* The length of file name s without .gz and the 4 bytes before (.log). */
static int stem(const char *s)
{
	size_t n = strlen(s);

	n -= gzname(s) ? 3 : 0;
	return n > 4 ? n - 4 : 0;
}

/* A result file: NAME.tap or NAME.xml, or either .gz. */
static int isresult(const struct dirent *e)
{
	const char *s = e->d_name + stem(e->d_name);

	return *e->d_name != '.' && s > e->d_name && (!strncmp(s, ".tap", 4) ||
	    !strncmp(s, ".xml", 4));
}

static int logorresult(const struct dirent *e)
{
	return iscmdlog(e) || isresult(e);
}

/* For qsort: the logs by number, then the result files by name. */
static int bylog(const void *x, const void *y)
{
	const struct dirent *const *a = x, *const *b = y;
	int la = iscmdlog(*a), lb = iscmdlog(*b);

	if (la != lb)
		return lb - la;
	return la ? numcmp((*a)->d_name + 4, (*b)->d_name + 4) :
	    strcoll((*a)->d_name, (*b)->d_name);
}

/* Read the file c->log, a log or a result file, as how says (sniffed if
 * NULL, then TAP and JUnit left out with results set); exe a plug-in. */
static void file(struct ctx *c, const char *how, const char *exe, int results)
{
	static char *tap, *junit;	/* built-in extractors, plug-ins */
	const char *b = strrchr(c->log, '/') + 1;
	struct lines *l;
	char *s;

	if (!how && (how = sniff(c->log)) && results && strcmp(how, "fio") &&
	    *how != '?')
		how = NULL;
	if (how && !strcmp(how, "junit"))
		exe = junit ? junit : (junit = sibling("joe-junit"));
	if (!how || !strcmp(how, "none")) {
		/* nothing to read */
	} else if (!(l = ln_open(c->log))) {
		warn("%s:", c->log), c->bad = 1;
	} else {
		if (!exe && !strcmp(how, "tap") && !(exe = tap) &&
		    !(exe = tap = pkgfind("core", "extract-tap")))
			die(1, "no pkgs/core/extract-tap (along JOE_PATH, beside "
			    "joe, or installed)");
		if (exe)	/* its suite: cmd-01, x.sh */
			run_plugin(c, exe, l, s = fmt("%.*s", stem(b), b)), free(s);
		else if (!strcmp(how, "fio"))
			fio_log(c, l);
		else
			while ((s = ln_get(l, NULL)))
				kv_line(c, s);
		c->bad |= l->err;
		ln_close(l);
	}
}

/* The step directories of the run, each with its logs and result files
 * sorted (bylog), as unfinished() lists them: no second scan. */
static struct listing {
	char *step;
	struct dirent **e;
	int n, err;	/* n -1: errno err */
} *ls;
static int nls;

static void listed(const char *step, struct dirent **e, int n)
{
	struct listing *l;
	int i;

	ls = xrealloc(ls, (nls + 1) * sizeof *ls);
	l = memset(&ls[nls++], 0, sizeof *l);
	l->step = xstrdup(step);
	l->e = xmalloc((n + 1) * sizeof *l->e);
	l->n = n < 0 ? n : 0, l->err = errno;
	for (i = 0; i < n; i++)
		if (logorresult(e[i]))
			l->e[l->n++] = e[i], e[i] = NULL;
	if (l->n > 0)
		qsort(l->e, l->n, sizeof *l->e, bylog);
}

/* The logs of step, then its result files (not with extractor none). */
static void step(struct ctx *c, const char *x)
{
	struct dirent **e = NULL;
	char *dir = fmt("%s/%s", c->run, c->step), *exe = NULL, *log;
	const char *b;
	int i, n = 0, nr = 0;

	for (i = 0; i < nls && !e; i++)
		if (!strcmp(ls[i].step, c->step))
			e = ls[i].e, n = ls[i].n, ls[i].n = 0;
	if (n < 0)
		errno = ls[i - 1].err, warn("%s:", dir), c->bad = 1;
	while (nr < n && !iscmdlog(e[n - 1 - nr]))
		nr++;
	n -= nr;
	if (x && strcmp(x, "fio") && strcmp(x, "tap") && strcmp(x, "junit") &&
	    strcmp(x, "kv") && strcmp(x, "none") && !(exe = plugin(x))) {
		warn_at(dir, 0, 0, "no extractor '%s' (built in: fio tap junit "
		    "kv; else pkgs/PKG/extract-%s)", x, x), c->bad = 1;
		x = "none";
	}
	for (i = 0; i < n + nr; i++) {
		c->log = log = fmt("%s/%s", dir, e[i]->d_name);
		b = log + strlen(dir) + 1;
		file(c, i < n ? x : x && !strcmp(x, "none") ? x : b[stem(b) + 1]
		    == 't' ? "tap" : "junit", i < n ? exe : NULL, nr > 0);
		free(e[i]);
		free(log);
	}
	tdestroy(c->keys, free);
	c->keys = NULL;
	free(dir), free(exe);
}

/* Extract every step of run, and those that did not finish (said so);
 * its files replaced only when complete. */
static void extract_run(struct ctx *c, const char *r)
{
	char *p = fmt("%s/steps.tsv", r), *mt = fmt("%s/metrics.tsv", r);
	char *tt = fmt("%s/tests.tsv", r), *wp = fmt("%s/workflow.yaml", r);
	char *f[5], *s, *mtmp, *ttmp, **u;
	struct lines *l = ln_open(p);
	struct node *wf = NULL;
	int i, n;

	if (!l) {
		warn("%s: not a run directory (no steps.tsv)", r), c->bad = 1;
		return;
	}
	c->run = r, l->quiet = 1;	/* said by unfinished() */
	if (access(wp, F_OK) == 0)
		wf = conf_load(wp);
	if (!(c->m = wopen(mt, 0, &mtmp)) || !(c->t = wopen(tt, 0, &ttmp))) {
		if (errno)
			warn("cannot create %s.tmp:", c->m ? tt : mt);
		if (c->m)
			unlink(mtmp);
		exit(1);
	}
	u = unfinished(r, &n, &c->bad, listed);	/* malformed records said */
	for (; (s = ln_rec(l, f, 5, 0)); free(s))
		c->step = f[0], step(c, named(wf, f[1]));
	c->bad |= l->err || n > 0;	/* err: said */
	ln_close(l);
	for (i = 0; i < n; free(u[i++]))
		if (!strchr(u[i], '/'))
			c->step = u[i], step(c, named(wf, strchr(u[i], '-') + 1));
	for (i = 0; i < nls; free(ls[i].e), free(ls[i].step), i++)
		while (ls[i].n > 0)	/* a step with no record: ours */
			free(ls[i].e[--ls[i].n]);
	nls = 0;
	if (wclose(c->m, mt, mtmp) | wclose(c->t, tt, ttmp))
		exit(1);
	if (fflush(stdout))	/* the metrics printed, as written */
		die(1, "cannot write the standard output:");
	conf_free(wf);
	free(u), free(p), free(mt), free(tt), free(wp), free(mtmp), free(ttmp);
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	int o, i;

	argv0 = "joe-extract";
	while ((o = getopt(argc, argv, "hq")) == 'q')
		c.quiet = 1;
	if (o != -1 || optind == argc)
		usage_exit(o == 'h' ? 0 : 2, "usage: joe extract [-q] run...\n");
	for (i = optind; i < argc; i++)
		extract_run(&c, argv[i]);
	return c.bad ? 2 : 0;
}
