/*
 * joe-report: one report, as text, JUnit XML, TAP or HTML, of the records
 * and logs of any number of run directories (see joe-run(5)). Runs are
 * read and written one at a time, so memory stays bounded however many
 * there are: across runs only their counts are kept. HTML is drawn by
 * joe-report-html (awk) from lines written for it here, as it reads.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "joe.h"

#define HEAD 200	/* HTML: lines shown of each end of a long log */
#define LINEMAX 4096	/* bytes kept of a log line */
#define TAILMAX 65536	/* JUnit: bytes of a failed test's log in system-out */
#define stidx(s) idx(stname, ST_INTR + 1, (s), ST_ERROR)	/* unknown: error */
#define nfail(n) ((n)[ST_FAIL] + (n)[ST_ERROR] + (n)[ST_TIMEOUT] + (n)[ST_INTR])
#define tidx(s) idx(tstname, 5, (s), 1)	/* a test's status; unknown: fail */
#define tbad(k) ((k) == 1 || (k) == 4)	/* fail or error */
#define vbad(u) ((u)->v[1] + (u)->v[2])	/* verdicts fail and missing */
#define BADGE "<span class=\"b %s\">%S</span>"	/* status, twice */

enum { TEXT, JUNIT, TAP, HTML };
enum { PLAIN, TAPD, YAML, XML, HTM };	/* how putn() writes text */

struct tab { char **f; int nf, n, cap; };	/* record i: f[i * nf ...] */
#define REC(t, i) ((t)->f + (size_t)(i) * (t)->nf)

struct run {
	char *dir, *name, *start, *real;	/* real: realpath of dir */
	int n[6], t[5], v[3];	/* steps, tests, verdicts by status */
	double sec;		/* of its steps */
};

struct rep {
	FILE *o;
	char *base;		/* html: the report's directory, for links */
	int fmt, tty, nrun, cur;	/* cur: the run being written */
	int bad, unfin;		/* records malformed; steps not finished */
	int all[6];		/* steps of all runs by stname[] */
	struct run *run;
	struct tab st, cmd, test, met, ver;	/* the records of run cur */
	long tap, nline;	/* TAP points so far; lines of the last log */
	int nhead, ntail;	/* of which line[] holds the first and last */
	struct str line[2 * HEAD];
	FILE *fl;		/* html: F lines, the files the steps left */
	char *fls;
	size_t fln;
};

static const char *const tstname[] = { "pass", "fail", "skip", "todo",
	"error" };
static const char *const vername[] = { "pass", "fail", "missing" };
static char *tmp;	/* the -o file being written, removed if we die */
static char buf[2][1 << 16];	/* ours, the pipe's: setvbuf() keeps no
				 * size without one */

#define usage(rc) usage_exit(rc, \
	"usage: joe report [-f html|text|junit|tap] [-o file] run...\n")

/* atexit: remove a report left half written. */
static void rmtmp(void)
{
	if (tmp)
		unlink(tmp);
}

/* The index of s in names[0..n), or dflt. */
static int idx(const char *const *names, int n, const char *s, int dflt)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return dflt;
}

/* The length of the terminal escape sequence (CSI, OSC or other) at s. */
static size_t ansi(const unsigned char *s, size_t n)
{
	size_t i = 2;

	if (n > 1 && s[1] == ']') {
		while (i < n && s[i] != 7 && !(s[i] == 033 && i + 1 < n &&
		    s[i + 1] == '\\'))
			i++;
		return i < n ? i + (s[i] == 033 ? 2 : 1) : n;
	}
	for (i = 1 + (n > 1 && s[1] == '['); i < n && s[i] >= 0x20 &&
	    s[i] < (s[1] == '[' ? 0x40 : 0x30); i++)
		;
	return i < n && s[i] >= 0x30 && s[i] < 0x7f ? i + 1 : i;
}

/*
 * Write n bytes of s leaving out terminal escape sequences and carriage
 * returns, and writing control characters and bytes that are not UTF-8
 * as U+FFFD, so that no log makes ill-formed XML or HTML. XML: & < > "
 * as entities; HTM: those, and tab and newline too (one line of a field);
 * TAPD (a TAP description): # and \ escaped; YAML (in double quotes): "
 * and \ escaped. A newline stays in XML and is a space elsewhere.
 */
static void putn(FILE *o, const char *s, size_t n, int mode)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n, *q;
	size_t len;
	unsigned u;
	long c;

	for (; p < e; p += len) {
		for (q = p; q < e && *q >= 0x20 && *q < 0x7f && *q != '&' &&
		    *q != '<' && *q != '>' && *q != '"' && *q != '#' && *q != '\\';
		    q++)
			;
		if (q > p) {
			fwrite(p, 1, len = q - p, o);
			continue;
		}
		len = utf8((const char *)p, e - p, &u);
		switch ((c = len ? (long)u : (len = 1, -1))) {
		case 033: len = ansi(p, e - p); break;
		case '\r': break;
		case '\t': fputs(mode == HTM ? "&#9;" : "\t", o); break;
		case '\n': fputs(mode == HTM ? "&#10;" : mode == XML ? "\n" : " ",
			o); break;
		case '&': fputs(mode >= XML ? "&amp;" : "&", o); break;
		case '<': fputs(mode >= XML ? "&lt;" : "<", o); break;
		case '>': fputs(mode >= XML ? "&gt;" : ">", o); break;
		case '"': fputs(mode >= XML ? "&quot;" : mode == YAML ? "\\\"" :
			"\"", o); break;
		case '#': case '\\': fputs(mode == TAPD || (mode == YAML && c ==
			'\\') ? "\\" : "", o), putc(c, o); break;
		default:
			if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffe ||
			    c == 0xffff)
				fputs("\xef\xbf\xbd", o);
			else
				fwrite(p, 1, len, o);
		}
	}
}

/* Seconds as a record has them, as %.3f: as they are when they are so
 * already (15 digits at most: each a double keeps), saving a strtod and
 * a printf_fp for each of thousands of commands. */
static void secs(FILE *o, const char *s)
{
	size_t a = strspn(s, "0123456789");

	if (a && a < 13 && (*s > '0' || a == 1) && s[a] == '.' &&
	    strspn(s + a + 1, "0123456789") == 3 && !s[a + 4])
		fputs(s, o);
	else
		fprintf(o, "%.3f", atof(s));
}

/* printf to o, %s through putn() in mode m, %S (a name) in upper case, %T
 * seconds as a record has them (secs()); only s, S, T, d, ld, f, g. */
static void pr(FILE *o, int m, const char *f, ...)
{
	char spec[16];
	const char *s;
	va_list ap;
	size_t n;

	va_start(ap, f);
	for (; *f; f += n) {
		if (*f != '%') {
			fwrite(f, 1, n = strcspn(f, "%"), o);
			continue;
		}
		memcpy(spec, f, n = strcspn(f, "sSTdfg") + 1);	/* %.3f at most */
		spec[n] = 0;
		if (f[n - 1] == 'T')
			secs(o, va_arg(ap, const char *));
		else if (f[n - 1] == 's') {
			s = va_arg(ap, const char *);
			putn(o, s, strlen(s), m);
		} else if (f[n - 1] == 'S')
			for (s = va_arg(ap, const char *); *s; s++)
				putc(toupper((unsigned char)*s), o);
		else if (f[n - 1] == 'd' && f[n - 2] == 'l')
			fprintf(o, spec, va_arg(ap, long));
		else if (f[n - 1] == 'd')
			fprintf(o, spec, va_arg(ap, int));
		else
			fprintf(o, spec, va_arg(ap, double));
	}
	va_end(ap);
}

/* Write "N passed, N failed, N skipped" of steps counted by status, a
 * line's end. */
static void counts(FILE *o, const int *n)
{
	fprintf(o, "%d passed, %d failed, %d skipped\n", n[ST_PASS], nfail(n),
	    n[ST_SKIP]);
}

/* Add the record of fields f to t. */
static void addf(struct tab *t, char **f)
{
	if (t->n == t->cap)
		t->f = xrealloc(t->f, (t->cap = 2 * t->cap + 64) * t->nf *
		    sizeof *t->f);
	memcpy(REC(t, t->n++), f, t->nf * sizeof *f);
}

/* Read the records of nf fields of dir/file (or file.gz, or none) into t,
 * in place of the last run's, leaving out (said so) those malformed or
 * cut short. */
static void load_tab(struct rep *r, struct tab *t, const char *dir,
    const char *file, int nf)
{
	char *path = fmt("%s/%s", dir, file), *f[9];
	struct lines *l;

	while (t->n > 0)
		free(REC(t, --t->n)[0]);	/* the line all fields are in */
	l = ln_open(path);
	t->nf = nf;
	if (!l && errno != ENOENT)
		die(2, "cannot open %s:", path);
	if (l && nf == 7)
		l->old = 5;	/* tests.tsv, verdicts.tsv of joe 0.1 */
	while (l && ln_rec(l, f, nf, 0))
		addf(t, f);
	r->bad |= l && (l->err || l->bad);
	ln_close(l);
	free(path);
}

/* Check that dir is a run directory, and name it; 0 if it is one of the
 * n runs before u already (joe-output/latest among joe-output/x/). */
static int runinit(struct run *u, char *dir, int n)
{
	char *p = fmt("%s/steps.tsv", dir), *rp = realpath(dir, NULL);

	if (access(p, R_OK) && (errno != ENOENT || access(fmt("%s.gz", p),
	    R_OK)))
		die(2, errno == ENOENT ? "%s: not a run directory (no steps.tsv)"
		    : "%s/steps.tsv:", dir);
	free(p);
	while (rp && n--)
		if (u[-1 - n].real && !strcmp(u[-1 - n].real, rp))
			return free(rp), 0;
	memset(u, 0, sizeof *u);
	u->dir = dir, u->real = rp;
	u->name = xstrdup(rp && strcmp(rp, "/") ? strrchr(rp, '/') + 1 : dir);
	return 1;
}

/* s escaped as a URL's path is. */
static void url(FILE *o, const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || strchr("-._~/", *s))
			putc(*s, o);
		else
			fprintf(o, "%%%02X", *s & 0xff);
}

static struct rep *rep;	/* for leftover() */

/* html: the files a step left beside its logs, as unfinished() lists
 * them, as F lines (in htmlextra()) */
static void leftover(const char *step, struct dirent **e, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (*e[i]->d_name != '.' && strncmp(e[i]->d_name, "cmd-", 4)) {
			pr(rep->fl, HTM, "F\t%s\t%s\t", step, e[i]->d_name);
			url(rep->fl, step), url(rep->fl, "/");
			url(rep->fl, e[i]->d_name), putc('\n', rep->fl);
		}
}

/* Read the records of run u, with each step and command that started
 * and did not finish as an error (said so), count its steps and tests. */
static void readrun(struct rep *r, struct run *u)
{
	char **x, *p, *f[9];
	struct str e = { 0 };
	int i, j, k, n;

	load_tab(r, &r->st, u->dir, "steps.tsv", 5);
	load_tab(r, &r->cmd, u->dir, "commands.tsv", 8);
	load_tab(r, &r->test, u->dir, "tests.tsv", 7);
	load_tab(r, &r->met, u->dir, "metrics.tsv", 4);
	load_tab(r, &r->ver, u->dir, "verdicts.tsv", 7);
	rep = r;
	if (r->fmt == HTML && !(r->fl = open_memstream(&r->fls, &r->fln)))
		die(1, "open_memstream:");
	x = unfinished(u->dir, &n, NULL, r->fmt == HTML ? leftover : NULL);
	for (i = 0; i < n; free(x[i++])) {
		if ((p = strchr(x[i], '/')))	/* NN-name/cmd-N.log */
			*p = 0, p += 5;
		e.n = 0;	/* a record of its own: NN-name escaped as one */
		sesc(&e, x[i]);
		tsv_split(p ? fmt("%s\t%.*s\terror\t-\t\t0.000\t\tdid not finish",
		    e.s, (int)strspn(p, "0123456789"), p) : fmt("%s\t%s\terror"
		    "\t\t0.000", e.s, strchr(e.s, '-') + 1), f, 9);
		addf(p ? &r->cmd : &r->st, f);
		for (j = 0; p && j < r->st.n; j++)
			if (!strcmp(REC(&r->st, j)[0], x[i]))
				REC(&r->st, j)[2] = "error";
		r->unfin = 1;
	}
	free(x), free(e.s);
	for (i = 0; i < r->st.n; i++) {
		u->n[k = stidx(REC(&r->st, i)[2])]++;
		r->all[k]++;
		u->sec += atof(REC(&r->st, i)[4]);
	}
	for (i = 0; i < r->test.n; i++)
		u->t[tidx(REC(&r->test, i)[3])]++;
	for (i = 0; i < r->ver.n; i++)
		u->v[idx(vername, 3, REC(&r->ver, i)[4], 1)]++;
	u->start = xstrdup(r->st.n ? REC(&r->st, 0)[3] : "");
}

/* Read log num of step, keep nhead first and ntail > 0 last lines. */
static long readlog(struct rep *r, const char *step, const char *num,
    int nhead, int ntail)
{
	const char *d = r->run[r->cur].dir;
	char *p = xmalloc(strlen(d) + strlen(step) + strlen(num) + 12), *s;
	struct lines *l;
	struct str *b;
	size_t len;

	s = stpcpy(stpcpy(stpcpy(stpcpy(p, d), "/"), step), "/cmd-"); /* no fmt */
	strcpy(stpcpy(stpcpy(s, strlen(num) < 2 ? "0" : ""), num), ".log");
	l = *num && !num[strspn(num, "0123456789")] ? ln_open(p) : NULL;
	r->nhead = nhead, r->ntail = ntail;
	for (r->nline = 0; l && (s = ln_get(l, &len)); r->nline++) {
		b = &r->line[r->nline < nhead ? r->nline :
		    nhead + (r->nline - nhead) % ntail];
		b->n = 0;
		sadd(b, s, len < LINEMAX ? len : LINEMAX);
	}
	r->bad |= l && l->err;	/* not read whole: said */
	ln_close(l), free(p);
	return r->nline;
}

/* Write the lines readlog() kept after pre, noting those left out. */
static void putlog(struct rep *r, const char *pre, int mode)
{
	long i, n = r->nline, h = r->nhead, t = r->ntail;
	struct str *b;

	for (i = 0; i < n; i++) {
		if (i == h && n - h > t) {
			fprintf(r->o, "%s[... %ld lines omitted ...]\n", pre,
			    n - h - t);
			i = n - t;
		}
		b = &r->line[i < h ? i : h + (i - h) % t];
		fputs(pre, r->o);
		putn(r->o, b->s, b->n, mode);
		putc('\n', r->o);
	}
}

/* Write each failed command of step and the last ntail lines of its log. */
static void failed(struct rep *r, const char *step, const char *hpre,
    const char *lpre, int ntail, int mode)
{
	char **c;
	int i, k;

	for (i = 0; i < r->cmd.n; i++)
		if (!strcmp((c = REC(&r->cmd, i))[0], step) &&
		    (k = stidx(c[2])) != ST_PASS && k != ST_SKIP) {
			pr(r->o, mode, "%s$ %s (%s, rc %s)\n", hpre, c[7],
			    stname[k], c[3]);
			readlog(r, step, c[1], 0, ntail);
			putlog(r, lpre, mode);
		}
}

/* Verdict s's baseline and change, as " (baseline B, C)", or "". */
static char *was(char **s)
{
	static char *b;

	free(b);
	return *s[5] && strcmp(s[5], "-") ? (b = fmt(" (baseline %s, %s)",
	    s[5], s[6])) : (b = NULL, "");
}

/* text: steps, ends of failed logs, failed tests and verdicts, counts. */
static void textrun(struct rep *r, struct run *u)
{
	static const char *const col[] = { "32", "31", "31", "31", "33", "31" };
	FILE *o = r->o;
	int i, k;
	char **s;

	fputs(r->cur ? "\n" : "", o);
	if (u->n[ST_PASS] < r->st.n || u->t[1] + u->t[4] || vbad(u))
		pr(o, PLAIN, "%s\n", u->name);	/* heads what failed; else once */
	for (i = 0; i < r->st.n; i++) {
		if ((k = stidx((s = REC(&r->st, i))[2])) == 0)
			continue;	/* passed: the counts say it */
		if (r->tty)
			fprintf(o, "\033[%sm", col[k]);
		pr(o, PLAIN, r->tty ? "%S\033[m %s %.1fs\n" : "%S %s %.1fs\n",
		    stname[k], s[0], atof(s[4]));
		failed(r, s[0], "  ", "    ", 10, PLAIN);
	}
	if (r->test.n)
		fprintf(o, "tests: %d passed, %d failed, %d skipped, %d todo\n",
		    u->t[0], u->t[1] + u->t[4], u->t[2], u->t[3]);
	for (i = 0; i < r->test.n; i++)
		if (tbad(k = tidx((s = REC(&r->test, i))[3])))
			pr(o, PLAIN, *s[5] ? "  %S %s %s %s: %s\n" : "  %S %s %s %s\n",
			    tstname[k], s[0], s[1], s[2], s[5]);
	if (r->ver.n)
		fprintf(o, "verdicts: %d passed, %d failed, %d missing\n",
		    u->v[0], u->v[1], u->v[2]);
	for (i = 0; i < r->ver.n; i++)
		if ((k = idx(vername, 3, (s = REC(&r->ver, i))[4], 1)))
			pr(o, PLAIN, "  %S %s %s %s %s%s\n", vername[k], s[0],
			    s[1], s[2], s[3], was(s));
	pr(o, PLAIN, "%s: ", u->name);
	counts(o, u->n);
}

/* The last TAILMAX bytes of the file log of the run being written (a
 * path in it, no ".."), kept for the next call: a test's log. */
static struct str *tail(struct rep *r, const char *log)
{
	static struct str t;
	static char *last;
	char *p = fmt("%s/%s", r->run[r->cur].dir, log);
	gzFile z;
	int n;

	if (last && !strcmp(last, p))
		return free(p), &t;
	free(last), last = p, t.n = 0;
	t.s = t.s ? t.s : xmalloc(2 * TAILMAX);
	z = *log && *log != '/' && !strstr(log, "..") ? gzopen(p, "rb") : NULL;
	while (z && (n = gzread(z, t.s + t.n, 2 * TAILMAX - t.n)) > 0)
		if ((t.n += n) == 2 * TAILMAX)
			memmove(t.s, t.s + TAILMAX, TAILMAX), t.n = TAILMAX;
	if (z)
		gzclose(z);
	return &t;
}

/* junit: a test: its time, failure or error with its message and the end
 * of its log, skipped with its reason. */
static void junittest(struct rep *r, struct run *u, char **s)
{
	static const char *const tag[] = { "", "failure", "skipped", "skipped",
		"error" };
	int k = tidx(s[3]);
	struct str *t;

	pr(r->o, XML, "<testcase classname=\"%s.%s.%s\" name=\"%s\" time=\"%T\">",
	    u->name, s[0], s[1], s[2], s[4]);
	if (k)
		pr(r->o, XML, "<%s message=\"%s%s%s\"", tag[k], k == 3 ? "todo" :
		    "", k == 3 && *s[5] ? ": " : "", *s[5] || !tbad(k) ? s[5] :
		    tstname[k]);
	if (tbad(k)) {
		pr(r->o, XML, ">%s</%s><system-out>", s[5], tag[k]);
		t = tail(r, s[6]);
		putn(r->o, t->s + (t->n > TAILMAX ? t->n - TAILMAX : 0), t->n >
		    TAILMAX ? TAILMAX : t->n, XML);
		fputs("</system-out>", r->o);
	}
	fputs(k && !tbad(k) ? "/></testcase>\n" : "</testcase>\n", r->o);
}

/* junit: a testsuite of the steps, the tests, then the verdicts (class
 * run.verdict.step, name "key rule"), of a run. */
static void junitrun(struct rep *r, struct run *u)
{
	FILE *o = r->o;
	char **s;
	int i, k;

	pr(o, XML, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" "
	    "errors=\"%d\" skipped=\"%d\" time=\"%.3f\"", u->name,
	    r->st.n + r->test.n + r->ver.n, u->n[ST_FAIL] + u->t[1] + vbad(u),
	    nfail(u->n) - u->n[ST_FAIL] + u->t[4], u->n[ST_SKIP] + u->t[2] + u->t[3],
	    u->sec);
	pr(o, XML, *u->start ? " timestamp=\"%s\">\n" : ">\n", u->start);
	for (i = 0; i < r->st.n; i++) {
		s = REC(&r->st, i);
		pr(o, XML, "<testcase classname=\"%s\" name=\"%s\" time=\"%T\">",
		    u->name, s[0], s[4]);
		if ((k = stidx(s[2])) == ST_SKIP)
			fputs("<skipped/>", o);
		if (k != ST_PASS && k != ST_SKIP) {
			fprintf(o, "<%s message=\"%s\">", k == ST_FAIL ? "failure" :
			    "error", stname[k]);
			failed(r, s[0], "", "", 50, XML);
			fputs(k == ST_FAIL ? "</failure>" : "</error>", o);
		}
		fputs("</testcase>\n", o);
	}
	for (i = 0; i < r->test.n; i++)
		junittest(r, u, REC(&r->test, i));
	for (i = 0; i < r->ver.n; i++) {
		s = REC(&r->ver, i);
		pr(o, XML, "<testcase classname=\"%s.verdict.%s\" name=\"%s: %s\" "
		    "time=\"0.000\">", u->name, s[0], s[1], s[3]);
		if (idx(vername, 3, s[4], 1))
			pr(o, XML, "<failure message=\"%s\">%s = %s, %s%s</failure>",
			    s[4], s[1], s[2], s[4], was(s));
		fputs("</testcase>\n", o);
	}
	pr(o, XML, "<system-out>run directory: %s</system-out>\n</testsuite>\n",
	    u->dir);
}

/* tap: a point for each step (failed logs as comments), and each test
 * (not ok: a YAML block of its message, log and seconds). */
static void taprun(struct rep *r, struct run *u)
{
	static const char *const dir[] = { "", "", " # SKIP", " # TODO", "" };
	char **s;
	int i, k;

	for (i = 0; i < r->st.n; i++) {
		k = stidx((s = REC(&r->st, i))[2]);
		pr(r->o, TAPD, "%sok %ld - %s %s", k == ST_PASS || k == ST_SKIP ?
		    "" : "not ", ++r->tap, u->name, s[0]);
		fputs(k == ST_SKIP ? " # SKIP\n" : "\n", r->o);
		failed(r, s[0], "# ", "#   ", 10, PLAIN);
	}
	for (i = 0; i < r->test.n; i++) {
		k = tidx((s = REC(&r->test, i))[3]);
		pr(r->o, TAPD, "%sok %ld - %s %s %s %s", k == 0 || k == 2 ? "" :
		    "not ", ++r->tap, u->name, s[0], s[1], s[2]);
		pr(r->o, PLAIN, *dir[k] && *s[5] ? "%s %s\n" : "%s\n", dir[k], s[5]);
		if (k == 0 || k == 2)
			continue;
		pr(r->o, YAML, "  ---\n  message: \"%s\"\n  log: \"%s\"\n", s[5],
		    s[6]);
		pr(r->o, PLAIN, *s[4] ? "  seconds: %T\n  ...\n" : "  ...\n",
		    s[4]);
	}
	for (i = 0; i < r->ver.n; i++) {
		k = idx(vername, 3, (s = REC(&r->ver, i))[4], 1);
		pr(r->o, TAPD, "%sok %ld - %s verdict %s %s = %s (%s)%s\n", k ?
		    "not " : "", ++r->tap, u->name, s[0], s[1], s[2], s[3], was(s));
	}
}

/* A real path (NULL: none, as "/"), with a '/' at its end. */
static char *rdir(const char *p)
{
	return fmt("%s/", p && strcmp(p, "/") ? p : "");
}

/* html: the workflow's doc (D) and chart patterns (P), as the run's
 * workflow.yaml has them; the files each step left beside its logs (F,
 * a link from the run). */
static void htmlextra(struct rep *r, struct run *u)
{
	char *p = fmt("%s/workflow.yaml", u->dir);
	struct node *w = access(p, F_OK) ? NULL : conf_load(p), *k;

	pr(r->o, HTM, "D\t%s\n", w && conf_str(w, "doc") ? conf_str(w, "doc") : "");
	for (k = w ? conf_get(w, "charts") : NULL, k = k ? k->kid : NULL; k;
	    k = k->next)
		pr(r->o, HTM, "P\t%s\n", k->val ? k->val : "");
	conf_free(w), free(p);
	if (fclose(r->fl))
		die(1, "out of memory");
	fwrite(r->fls, 1, r->fln, r->o), free(r->fls);
}

/*
 * html: run u as lines of tab-separated fields, each text escaped for
 * HTML on one line, for joe-report-html to draw: R the run and the link
 * to its directory from the report's; D, P, F (htmlextra); S a step, C
 * each of its commands and L the lines kept of its log; T a test and the
 * link to its log from the run's; V a verdict; M a metric; E the end.
 */
static void htmlrun(struct rep *r, struct run *u)
{
	FILE *o = r->o;
	char **s, *d = rdir(u->real);
	int i, j, c, n;

	for (c = n = 0; r->base[n] && r->base[n] == d[n]; n++)
		c = r->base[n] == '/' ? n + 1 : c;	/* the same to d[c] */
	pr(o, HTM, "R\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%d\t%d\t", u->name,
	    u->start, r->st.n, u->n[ST_PASS], nfail(u->n), u->n[ST_SKIP],
	    u->t[1] + u->t[4], u->sec, vbad(u), r->ver.n);
	for (n = c; r->base[n]; n++)
		fputs(r->base[n] == '/' ? "../" : "", o);
	url(o, d + c), putc('\n', o);
	htmlextra(r, u);
	for (i = 0; i < r->st.n; i++) {
		s = REC(&r->st, i);
		pr(o, HTM, "S\t%s\t%s\t%.1f\n", stname[stidx(s[2])], s[0],
		    atof(s[4]));
		for (j = 0; j < r->cmd.n; j++) {
			if (strcmp((s = REC(&r->cmd, j))[0], REC(&r->st, i)[0]))
				continue;
			pr(o, HTM, "C\t%s\t%s\t%s\t%T\t%ld\n", stname[stidx(s[2])],
			    s[7], s[3], s[5], readlog(r, s[0], s[1], HEAD, HEAD));
			putlog(r, "L\t", XML);
		}
	}
	for (i = 0; i < r->test.n; i++) {
		s = REC(&r->test, i);
		pr(o, HTM, "T\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", s[0], s[1], s[2],
		    tstname[tidx(s[3])], s[4], s[5], s[6]);
		url(o, s[6]), putc('\n', o);
	}
	for (i = 0; i < r->ver.n && (s = REC(&r->ver, i)); i++)
		pr(o, HTM, "V\t%s\t%s\t%s\t%s%s\n", s[0], s[1],
		    vername[idx(vername, 3, s[4], 1)], s[3], was(s));
	for (i = 0; i < r->met.n && (s = REC(&r->met, i)); i++)
		pr(o, HTM, "M\t%s\t%s\t%s\t%s\n", s[0], s[1], s[2], s[3]);
	fputs("E\n", o);
	free(d);
}

/* html: r->o a pipe to joe-report-html, which writes to what r->o was,
 * its links from the directory of out (else the current one); its pid. */
static pid_t htmlstart(struct rep *r, const char *out)
{
	const char *p = out ? strrchr(out, '/') : NULL;
	pid_t pid;
	int fd;

	r->base = rdir(realpath(p ? fmt("%.*s", (int)(p - out + 1), out) : ".",
	    NULL));	/* what it takes is freed at exit */
	if (!(pid = filter((char *[]){ sibling("joe-report-html"), NULL }, -1,
	    fileno(r->o), &fd)))
		exit(1);	/* said why */
	if (!(r->o = fdopen(fd, "w")))
		die(1, "fdopen:");
	setvbuf(r->o, buf[1], _IOFBF, sizeof buf[1]);
	pr(r->o, HTM, "H\t%s\n", r->nrun > 1 ? fmt("%d runs", r->nrun) :
	    r->run[0].name);
	return pid;
}

/* The end of the report: the JUnit end, TAP plan, text total. */
static void finish(struct rep *r)
{
	fputs(r->fmt == JUNIT ? "</testsuites>\n" : "", r->o);
	if (r->fmt == TAP)
		fprintf(r->o, "1..%ld\n", r->tap);
	if (r->fmt != TEXT || r->nrun < 2)
		return;
	fprintf(r->o, "\n%d runs: ", r->nrun);
	counts(r->o, r->all);
}

/* The format that -o's file name says (report.html: html), text if none. */
static int byext(const char *out)
{
	static const char *const ext[] = { ".txt", ".xml", ".tap", ".html" };
	const char *e = out ? strrchr(out, '.') : NULL;

	return e && e > out ? idx(ext, 4, e, TEXT) : TEXT;
}

/* joe report [-f format] [-o file] run...: see joe-report(1). */
int main(int argc, char **argv)
{
	static const char *const fname[] = { "text", "junit", "tap", "html" };
	static void (*const fn[])(struct rep *, struct run *) = { textrun,
		junitrun, taprun, htmlrun };
	static const char *const head[] = { "", "<?xml version=\"1.0\" "
		"encoding=\"UTF-8\"?>\n<testsuites>\n", "TAP version 13\n", "" };
	struct rep r = { 0 };
	char *out = NULL, *t = NULL;
	FILE *dst = NULL;
	int c, f = -1;
	pid_t pid = 0;

	argv0 = "joe-report";
	while ((c = getopt(argc, argv, "f:ho:")) != -1)
		if (c == 'o')
			out = optarg;
		else if (c != 'f' || (f = idx(fname, 4, optarg, -1)) < 0)
			usage(c == 'h' ? 0 : 2);
	if (optind == argc)
		usage(2);
	r.fmt = f < 0 ? byext(out) : f;
	r.run = xmalloc((r.nrun = argc - optind) * sizeof *r.run);
	for (c = 0, f = r.nrun, r.nrun = 0; c < f; c++)
		r.nrun += runinit(&r.run[r.nrun], argv[optind + c], r.nrun);
	if (out && !(r.o = wopen(out, 1, &t)))
		errno ? die(1, "cannot create %s:", t ? t : out) : exit(2);
	r.o = out ? (tmp = t, r.o) : stdout;
	atexit(rmtmp);
	setvbuf(r.o, buf[0], _IOFBF, sizeof buf[0]);
	r.tty = terminal(fileno(r.o), 1);
	fputs(head[r.fmt], r.o);
	if (r.fmt == HTML)
		dst = r.o, pid = htmlstart(&r, out);
	for (r.cur = 0; r.cur < r.nrun; r.cur++) {
		readrun(&r, &r.run[r.cur]);
		fn[r.fmt](&r, &r.run[r.cur]);
	}
	finish(&r);
	if (r.fmt == HTML && (c = filter_end(pid, r.o)))
		die(1, c < 0 ? "cannot write to joe-report-html:" :
		    "joe-report-html failed (exit status %d)", c);
	r.o = dst ? dst : r.o;
	if (out ? wclose(r.o, out, t) : fflush(r.o) || ferror(r.o))
		out ? exit(1) : die(1, "cannot write standard output:");
	tmp = NULL;
	return r.bad ? 2 : r.unfin;
}
