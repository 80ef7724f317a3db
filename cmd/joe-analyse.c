/*
 * joe-analyse: check the metrics of runs against the rules of an EXPECT
 * file; print a verdict for each metric a rule matches, and keep them in
 * RUN/verdicts.tsv (step key value rule verdict baseline change).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joe.h"

/* NEAR and after: N% of the baseline, both ways, down or up */
enum { LT, LE, GT, GE, EQ, NE, NEAR, DROP, RISE, NOP };
static const char *const opname[] = { "<", "<=", ">", ">=", "==", "!=", "~",
	"drop", "rise" };
enum { PASS, FAIL, MISSING };
static const char *const vname[] = { "pass", "fail", "missing" };

struct rule {
	char *glob, *unit, *text;	/* unit NULL: compare the raw value */
	int op;
	double v;			/* the value, or N of ~ N% */
};
struct met {
	char *step, *key, *val, *unit, *sk;	/* sk: "step/key" */
	double v;
};
struct run {
	char *name, *dir;	/* dir: where verdicts.tsv goes, or NULL */
	struct met *m;
	int n, checks, fails, unfin;	/* unfin: steps or commands that did
					 * not finish */
};

static int bad;		/* bad input was reported */

#define usage(rc) usage_exit(rc, \
	"usage: joe analyse [-b baseline] expect [run...]\n")

/* warn_at's "file:line:col: what" (no col if 0), then -1. */
#define ferr(...) (warn_at(__VA_ARGS__), -1)

/* Whether s is a decimal number (strtod reads hex too), then end, then
 * nothing: 1 finite, 2 not (nan, inf, 1e999); the number in *v. */
static int isnum(const char *s, const char *end, double *v)
{
	char *e;

	*v = strtod(s, &e);
	return e != s && !isspace((unsigned char)*s) && !strcmp(e, end) &&
	    !strpbrk(s, "xX") ? 2 - isfinite(*v) : 0;
}

/* The kind of unit s ('t'ime, 'b'ytes, 'r'ate, 'i'ops, 0 unknown), its
 * size in the smallest unit of that kind in *f. A rate is a size "/s". */
static int unit(const char *s, double *f)
{
	static const struct { const char *name; int kind; double f; } u[] = {
		{ "ns", 't', 1 }, { "us", 't', 1e3 }, { "ms", 't', 1e6 },
		{ "s", 't', 1e9 }, { "B", 'b', 1 }, { "KiB", 'b', 1024 },
		{ "MiB", 'b', 1048576 }, { "GiB", 'b', 1073741824 },
		{ "TiB", 'b', 1099511627776.0 }, { "KB", 'b', 1e3 },
		{ "MB", 'b', 1e6 }, { "GB", 'b', 1e9 }, { "TB", 'b', 1e12 },
		{ "IOPS", 'i', 1 }
	};
	size_t i, n = strlen(s);
	int rate = n > 2 && !strcmp(s + n - 2, "/s");

	for (n -= 2 * rate, i = 0; i < sizeof u / sizeof *u; i++)
		if (!strncmp(s, u[i].name, n) && !u[i].name[n] &&
		    (!rate || u[i].kind == 'b')) {
			*f = u[i].f;
			return rate ? 'r' : u[i].kind;
		}
	return 0;
}

/* Bring a (in unit ua) and b (in unit ub) to one scale; -1 if they are
 * neither the same unit nor known units of one kind. */
static int scale(double *a, const char *ua, double *b, const char *ub)
{
	double fa = 1, fb = 1;
	int k;

	if (!strcmp(ua, ub))
		return 0;
	if (!(k = unit(ua, &fa)) || k != unit(ub, &fb))
		return -1;
	*a *= fa, *b *= fb;
	return 0;
}

/* Parse line ln of file into *r: 1 a rule, 0 blank or a comment, -1 bad
 * (reported). base: there is a baseline run. */
static int rule_parse(const char *line, const char *file, long ln, int base,
    struct rule *r)
{
	char *s = xstrdup(line), *w[5];
	int c[5], n, i, near, vi, max;
	struct str t = { 0 };
	double f;

	for (n = 0; n < 5 && (w[n] = strtok(n ? NULL : s, " \t\r")); n++)
		c[n] = w[n] - s + 1;	/* columns of the words */
	if (!n || *w[0] == '#')
		return free(s), 0;
	if (n < 2)
		return ferr(file, ln, c[0] + strlen(w[0]),
		    "expected an operator");
	for (r->op = 0; r->op < NOP && strcmp(w[1], opname[r->op]); r->op++)
		;
	if (r->op == NOP)
		return ferr(file, ln, c[1], "unknown operator: %s", w[1]);
	if ((near = r->op >= NEAR) && !base)
		return ferr(file, ln, c[1], "%s needs a baseline run (-b)", w[1]);
	vi = 2 + (r->op > NEAR), max = near ? vi + 1 : 4;	/* N% or value */
	if (vi == 3 && n > 2 && strcmp(w[2], "<="))
		return ferr(file, ln, c[2], "expected <= after %s", w[1]);
	if (n <= vi)
		return ferr(file, ln, c[n - 1] + strlen(w[n - 1]), "expected %s",
		    vi == 3 && n == 2 ? "<=" : near ? "N%" : "a value");
	if (near && (isnum(w[vi], "%", &r->v) != 1 || r->v < 0))
		return ferr(file, ln, c[vi], "N%% not a number: %s", w[vi]);
	if (!near && isnum(w[2], "", &r->v) != 1)
		return ferr(file, ln, c[2], "value not a number: %s", w[2]);
	if (!near && n > 3 && !unit(w[3], &f))
		return ferr(file, ln, c[3], "unknown unit: %s", w[3]);
	if (n > max)
		return ferr(file, ln, c[max], "trailing garbage: %s", w[max]);
	r->glob = w[0];
	r->unit = !near && n > 3 ? w[3] : NULL;
	for (i = 0; i < n; i++)
		sputs(&t, i ? " " : ""), sputs(&t, w[i]);
	r->text = t.s;
	return 1;
}

/* The rules of file path, their number in *nr; exit 2 after reporting
 * every bad one. */
static struct rule *rules(const char *path, int base, int *nr)
{
	struct lines *l = ln_pipe(path);	/* it may be <(...) */
	struct rule *r = NULL;
	char *s;
	int n = 0, k;

	if (!l)
		die(2, "cannot open %s:", path);
	while ((s = ln_get(l, NULL))) {
		r = xrealloc(r, (n + 1) * sizeof *r);
		if ((k = rule_parse(s, path, l->line, base, &r[n])) < 0)
			bad = 1;
		n += k > 0;
	}
	if (bad || l->err)
		exit(2);
	if (!n)
		die(2, "%s: no rules", path);
	ln_close(l);
	*nr = n;
	return r;
}

/* The run named name in the list *u of *n, added if new. */
static struct run *getrun(struct run **u, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*u)[i].name, name))
			return &(*u)[i];
	*u = xrealloc(*u, (*n + 1) * sizeof **u);
	memset(&(*u)[*n], 0, sizeof **u);
	(*u)[*n].name = xstrdup(name);
	return &(*u)[(*n)++];
}

/* Read the metrics of l into run u (lines "step key value unit") or, u
 * NULL, into the runs *all of *n (lines "run step key value unit"); a
 * malformed line is reported and left out. */
static void load_runs(struct lines *l, struct run *u, struct run **all, int *n)
{
	char *s, *f[5], **g;
	int nf = u ? 4 : 5;
	struct met *m;
	double x;

	while ((s = ln_rec(l, f, nf, nf - 4))) {
		g = f + nf - 4;
		if (!isnum(g[2], "", &x)) {
			bad = ferr(l->path, l->line, 0, "value not a number: %s",
			    g[2]);
			continue;
		}
		if (nf == 5)
			u = getrun(all, n, f[0]);
		u->m = xrealloc(u->m, (u->n + 1) * sizeof *u->m);
		m = &u->m[u->n++];
		m->step = g[0], m->key = g[1], m->val = g[2], m->unit = g[3];
		m->sk = fmt("%s/%s", m->step, m->key);
		m->v = x;
	}
	bad |= l->err || l->bad;
	ln_close(l);
}

/* Whether dir is a run directory: it has steps.tsv. */
static int isrun(const char *dir)
{
	char *p = fmt("%s/steps.tsv", dir);
	int ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* Load the metrics.tsv of run directory u->name, if it has one. */
static void loadrun(struct run *u)
{
	struct lines *l;
	char *p;

	if (u->dir)	/* given twice */
		return;
	if (!isrun(u->dir = u->name))
		die(2, "%s: not a run directory (no steps.tsv)", u->name);
	free(unfinished(u->name, &u->unfin, &bad, NULL));	/* said */
	if ((l = ln_open(p = fmt("%s/metrics.tsv", u->name))))
		load_runs(l, u, NULL, NULL);
	else if (errno != ENOENT)
		die(2, "cannot open %s:", p);
	free(p);
}

/* For the next emit(): the baseline's value that judge() compared with
 * and the metric's change from it, else "-". */
static char *bv;
static const char *bval = "-";
static char chg[32] = "-";

/* The verdict of rule r on metric m of run name; base: the baseline. */
static int judge(const struct rule *r, const struct met *m,
    const struct run *base, const char *name)
{
	const char *ub = r->unit;
	double a = m->v, b = r->v, d;
	int i, ok[NOP];

	if (r->op >= NEAR) {
		for (i = 0; i < base->n && strcmp(base->m[i].sk, m->sk); i++)
			;
		if (i == base->n)
			return MISSING;
		b = base->m[i].v, ub = base->m[i].unit;
		free(bv);	/* its unit when not the metric's */
		bval = bv = fmt("%s%s%s", base->m[i].val, strcmp(ub, m->unit) ?
		    " " : "", strcmp(ub, m->unit) ? ub : "");
	}
	if (!isfinite(a) || !isfinite(b))
		return FAIL;	/* nan, inf: no value passes */
	if (ub && scale(&a, m->unit, &b, ub)) {
		warn("%s: %s: cannot compare %s with %s%s", name, m->sk,
		    *m->unit ? m->unit : "no unit", *ub ? ub : "no unit",
		    r->op >= NEAR ? " of the baseline" : "");
		return FAIL;
	}
	d = (b < 0 ? -b : b) * r->v / 100;	/* N% of the baseline */
	if (r->op >= NEAR && b != 0)
		snprintf(chg, sizeof chg, "%+.1f%%", (a - b) / (b < 0 ? -b : b) * 100);
	ok[0] = a < b, ok[1] = a <= b, ok[2] = a > b, ok[3] = a >= b;
	ok[4] = a == b, ok[5] = a != b;
	ok[6] = a >= b - d && a <= b + d, ok[7] = a >= b - d, ok[8] = a <= b + d;
	return ok[r->op] ? PASS : FAIL;
}

/* One check of run u: counted, a line on stdout and a record in out. */
static void emit(struct run *u, struct str *out, const char *step,
    const char *key, const char *val, const char *rule, int v)
{
	const char *f[] = { step, key, val, rule, vname[v], bval, chg };
	struct str line = { 0 };
	int i;

	sesc(&line, u->name);
	for (i = 0; i < 7; i++)
		sputs(&line, "\t"), sesc(&line, f[i]);
	bval = "-", strcpy(chg, "-");
	puts(line.s);
	sputs(out, strchr(line.s, '\t') + 1), sputs(out, "\n");
	free(line.s);
	u->checks++;
	u->fails += v != PASS;
}

/* Replace dir/verdicts.tsv with out, through verdicts.tsv.tmp; -1 if it
 * could not be written. */
static int save(const char *dir, const struct str *out)
{
	char *tmp, *path = fmt("%s/verdicts.tsv", dir);
	FILE *f = wopen(path, 0, &tmp);
	int rc = -1;

	if (f)
		fwrite(out->s, 1, out->n, f), rc = wclose(f, path, tmp);
	else if (errno)
		warn("cannot write %s:", path);
	free(tmp), free(path);
	return rc;
}

/* Check run u against the nr rules r; -1 if its verdicts.tsv was due but
 * not written. */
static int apply(struct run *u, const struct rule *r, int nr,
    const struct run *base)
{
	struct str out = { 0 };
	struct met *m;
	int hit, rc = 0;

	for (; nr--; r++) {
		for (hit = 0, m = u->m; m < u->m + u->n; m++)
			if (!fnmatch(r->glob, strchr(r->glob, '/') ? m->sk :
			    m->key, 0) && ++hit)
				emit(u, &out, m->step, m->key, m->val, r->text,
				    judge(r, m, base, u->name));
		if (!hit)
			emit(u, &out, "-", r->glob, "-", r->text, MISSING);
	}
	if (u->dir)
		rc = save(u->dir, &out);
	free(out.s);
	return rc;
}

int main(int argc, char **argv)
{
	struct run *u = NULL, base = { 0 };
	struct rule *r;
	struct lines *l;
	int c, i, nr, nu = 0, rc = 0;

	argv0 = "joe-analyse";
	while ((c = getopt(argc, argv, "b:h")) != -1)
		if (c == 'b')
			base.name = optarg;
		else
			usage(c == 'h' ? 0 : 2);
	if (optind == argc)
		usage(2);
	r = rules(argv[optind++], base.name != NULL, &nr);
	if (base.name)
		loadrun(&base);
	for (i = optind; i < argc; i++)
		loadrun(getrun(&u, &nu, argv[i]));
	if (optind == argc) {
		if (!(l = ln_pipe("/dev/stdin")))
			die(2, "cannot read standard input:");
		l->path = xstrdup("-");	/* for messages */
		load_runs(l, NULL, &u, &nu);
		for (i = 0; i < nu; i++)
			u[i].dir = isrun(u[i].name) ? u[i].name : NULL;
	}
	if (!nu)
		die(2, "no metrics on standard input");
	for (i = 0; i < nu; i++)
		if (apply(&u[i], r, nr, &base))
			rc = 1;
	for (i = 0; i < nu; i++) {
		if (nu > 1)
			fprintf(stderr, "%s: ", u[i].name);
		fprintf(stderr, "%d rules, %d checks: %d passed, %d failed\n",
		    nr, u[i].checks, u[i].checks - u[i].fails, u[i].fails);
		rc |= u[i].fails > 0 || u[i].unfin;
	}
	return fflush(stdout) ? 1 : bad ? 2 : rc;
}
