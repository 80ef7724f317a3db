/*
 * joe-run: run workflows, or one command, on a target, and record what
 * happened in a run directory (joe-run(5)).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "joe.h"

struct step {
	char *name, *dir, *uses, *path, *tname, *cwd, **cmd;
	struct node *tp, *env;	/* its env:, then JOE_WITH_ lines (no key) */
	int ncmd, always, sel;
	double timeout;
};

struct wf {
	char *path, *name, *dir;
	struct step *s;
	int n;
};

struct opt {
	struct node *cfg;
	char *out, *tname;
	double tmo;
	int keep, verbose, gz, html;
};

static const char *keys[] = { "name", "run", "uses", "with", "transport",
	"timeout", "matrix", "always", "env", "cwd", "extract", NULL };

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout, "usage: joe run [-knrvz] [-c config]... "
	    "[-D key=value]... [-o dir] [-t transport]\n"
	    "               [-T seconds] [workflow | dir]... [step]...\n"
	    "       joe run [-c config]... [-D key=value]... [-t transport] "
	    "[-T seconds] -- command [arg...]\n"
	    "       joe run -i [-c config]... [-D key=value]... [-t transport]\n");
	exit(rc);
}

/* s as seconds from 1 ms to 30 days, else 0 (nan, inf, junk). */
static double seconds(const char *s)
{
	char *e;
	double d = strtod(s, &e);

	return e > s && !*e && d >= 0.001 && d <= 2592000 ? d : 0;
}

/* The scalar it.key with {{ }} replaced, or NULL. */
static char *str(struct opt *o, struct node *it, const char *key,
    struct node *mx)
{
	char *v = conf_str(it, key);

	return v ? conf_subst(o->cfg, conf_get(it, key), v, mx) : NULL;
}

/* A copy of map it.key with its values substituted. */
static struct node *map(struct opt *o, struct node *it, const char *key,
    struct node *mx)
{
	struct node *m = conf_get(it, key), *k, *c = NULL;

	if (m && m->type != 'm')
		fdie(m, "%s must be a mapping", key);
	for (k = m ? m->kid : NULL; k; k = k->next) {
		if (k->type != 's')
			fdie(k, "%s.%s must be a plain value", key, k->key);
		c = conf_add(c, k->key, conf_subst(o->cfg, k, k->val, mx), k);
	}
	sec_add(c, NULL);
	return c;
}

/* Each logical line of run: is a command; a trailing \ joins the next. */
static void lines(struct step *s, char *p)
{
	char *e, *q;

	for (;; p = e + 1) {
		for (e = p + strcspn(p, "\n"); *e && e > p && e[-1] == '\\';)
			e += 1 + strcspn(e + 1, "\n");
		q = p + strspn(p, " \t");
		if (q < e && *q != '#') {
			s->cmd = xrealloc(s->cmd, (s->ncmd + 1) * sizeof *s->cmd);
			s->cmd[s->ncmd++] = fmt("%.*s", (int)(e - p), p);
		}
		if (!*e)
			break;
	}
}

/* uses: a file at or below the workflow's directory (symbolic links
 * followed), else PKG.NAME of a package. */
static char *worklet(struct wf *w, struct node *at, const char *uses)
{
	char *f = fmt("%s/%s", w->dir, uses), *dot = strchr(uses, '.'), *pkg;
	char p[PATH_MAX];
	size_t n = strlen(w->dir);
	struct stat sb;

	if (*uses == '/' || (realpath(f, p) && (strncmp(p, w->dir, n) ||
	    p[n] != '/')))
		fdie(at, "uses: %s is not below the workflow's directory", uses);
	if (access(f, X_OK) && dot && !strchr(uses, '/')) {
		pkg = fmt("%.*s", (int)(dot - uses), uses);
		f = pkgfind(pkg, dot + 1);
	}
	if (!f || access(f, X_OK) || stat(f, &sb) || !S_ISREG(sb.st_mode) ||
	    !realpath(f, p))
		fdie(at, "no worklet %s: not beside the workflow, nor in a "
		    "package along JOE_PATH or installed", uses);
	return xstrdup(p);
}

/* with: key k as JOE_WITH_KEY=value */
static char *withvar(struct node *k)
{
	char *v = fmt("JOE_WITH_%s=%s", k->key, k->val), *e;

	for (e = v + 9; *e != '='; e++)
		*e = strchr(".- ", *e) ? '_' : toupper((unsigned char)*e);
	return v;
}

static void addstep(struct opt *o, struct wf *w, struct node *it,
    struct node *mx, char *name)
{
	struct node *k, *with = map(o, it, "with", mx);
	ENTRY *f, n = { name, NULL };
	struct step *s;
	char *run, *v;

	if (w->n == 1000)	/* matrix instances included */
		fdie(mx ? conf_get(it, "matrix") : it, "more than 1000 steps");
	w->s = xrealloc(w->s, (w->n + 1) * sizeof *s);
	s = memset(&w->s[w->n++], 0, sizeof *s);
	if (!(f = hsearch(n, ENTER)) || f->key != name)
		fdie(it, "duplicate step name '%s'", name);
	s->name = sec_mask(name);
	s->dir = fmt("%02d-%s", w->n, s->name);
	for (v = s->dir; *v; v++)	/* a name for directories and terminals */
		*v = *v == '/' || (unsigned char)*v < 32 || *v == 127 ? '_' : *v;
	if (strlen(s->dir) > NAME_MAX)
		fdie(it, "step name too long: directory %.*s... over %d bytes",
		    16, s->dir, NAME_MAX);
	run = str(o, it, "run", mx);
	s->uses = str(o, it, "uses", mx);
	if (!run == !s->uses)
		fdie(it, "step %s needs either run: or uses:", name);
	if (run && with)
		fdie(conf_get(it, "with"), "with: is for uses: steps");
	if (!run && conf_get(it, "cwd"))	/* a worklet starts in its step */
		fdie(conf_get(it, "cwd"), "cwd: is for run: steps");
	if (run)
		lines(s, run);
	else
		s->path = worklet(w, conf_get(it, "uses"), s->uses);
	s->tname = str(o, it, "transport", mx);
	s->tp = tp_get(o->cfg, s->tname ? s->tname : o->tname,
	    conf_get(it, "transport"));
	s->tname = s->tp->key;
	s->cwd = str(o, it, "cwd", mx);
	s->env = map(o, it, "env", mx);
	conf_env(s->env);
	if ((v = str(o, it, "timeout", mx)) && !(s->timeout = seconds(v)))
		fdie(conf_get(it, "timeout"),
		    "timeout must be seconds from 0.001 to 2592000");
	v = str(o, it, "always", mx);
	s->always = v && (!strcmp(v, "true") || !strcmp(v, "yes"));
	if (v && !s->always && strcmp(v, "false") && strcmp(v, "no"))
		fdie(conf_get(it, "always"), "always must be true or false");
	for (k = with ? with->kid : NULL; k; k = k->next)
		s->env = conf_add(s->env, NULL, withvar(k), k);
}

/* One step of the workflow, or one a value of its matrix. */
static void item(struct opt *o, struct wf *w, struct node *it)
{
	struct node *m = conf_get(it, "matrix"), *k, *mx, *l[16], *c[16];
	struct str nm;
	char *name;
	int i, n;

	if (it->type != 'm')
		fdie(it, "a step must be a mapping");
	for (k = it->kid; k; k = k->next) {
		for (i = 0; keys[i] && strcmp(keys[i], k->key); i++)
			;
		if (!keys[i])
			fdie(k, "unknown step key '%s'", k->key);
	}
	if (!(name = conf_str(it, "name")) || !*name)
		fdie(it, "a step needs a name");
	if (!m) {
		addstep(o, w, it, NULL, name);
		return;
	}
	if (m->type != 'm' || !m->kid)
		fdie(m, "matrix must map names to lists of values");
	for (n = 0, k = m->kid; k; k = k->next, n++) {
		if (k->type != 'l' || !k->kid || n == 16)
			fdie(k, "matrix.%s must be a list of values", k->key);
		l[n] = k;
		c[n] = k->kid;
	}
	for (;;) {
		memset(&nm, 0, sizeof nm);
		sputs(&nm, name);
		for (i = 0, mx = NULL; i < n; i++) {
			if (c[i]->type != 's')
				fdie(c[i], "matrix values must be plain values");
			sputs(&nm, i ? "," : "[");
			sputs(&nm, l[i]->key);
			sputs(&nm, "=");
			sputs(&nm, c[i]->val);
			mx = conf_add(mx, l[i]->key, c[i]->val, c[i]);
		}
		sputs(&nm, "]");
		addstep(o, w, it, mx, nm.s);
		for (i = n - 1; i >= 0 && !(c[i] = c[i]->next); i--)
			c[i] = l[i]->kid;
		if (i < 0)
			break;
	}
}

static struct wf *load(struct opt *o, const char *path)
{
	struct wf *w = memset(xmalloc(sizeof *w), 0, sizeof *w);
	struct node *root = conf_load(path), *k;
	char p[PATH_MAX], *b;

	for (k = root->kid; k; k = k->next)
		if (strcmp(k->key, "doc") && strcmp(k->key, "steps"))
			fdie(k, "unknown workflow key '%s'", k->key);
	if (!(k = conf_get(root, "steps")) || k->type != 'l' || !k->kid)
		fdie(k ? k : root, "a workflow needs a list of steps");
	w->path = xstrdup(path);
	w->dir = xstrdup(realpath(path, p) ? p : ".");
	*strrchr(w->dir, '/') = 0;
	b = strrchr(path, '/');
	w->name = xstrdup(b ? b + 1 : path);
	if ((b = strstr(w->name, ".workflow")) && !b[9])
		*b = 0;
	if (!hcreate(4000))	/* the step names, for addstep() */
		die(1, "out of memory");
	for (k = k->kid; k; k = k->next)
		item(o, w, k);
	hdestroy();
	return w;
}

/* Claim run directory d, empty until now, by creating its config.yaml;
 * its absolute path. */
static char *claim(const char *d, FILE **cf)
{
	char p[PATH_MAX], *f = fmt("%s/config.yaml", d);
	struct dirent **e;
	int fd = -1;

	if (scandir(d, &e, NULL, NULL) != 2 || (fd = open(f, O_WRONLY |
	    O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
		die(2, "run directory %s is in use or not empty", d);
	if (!(*cf = fdopen(fd, "w")) || !realpath(d, p))
		die(1, "cannot create %s:", f);
	free(f);
	return xstrdup(p);
}

/* A new run directory: -o dir (absent or empty), else a fresh
 * joe-output/<UTC>-name with joe-output/latest pointing at it. */
static char *mkrun(const char *o, const char *name, FILE **cf)
{
	char ts[32], *d, *tmp;
	time_t t = time(NULL);
	int i;

	if (o && mkdir(o, 0700) && errno != EEXIST)
		die(2, "cannot create run directory %s:", o);
	if (o)
		return claim(o, cf);
	if (mkdir("joe-output", 0777) && errno != EEXIST)
		die(1, "cannot create joe-output:");
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", gmtime(&t));
	for (i = 0;; i++) {
		d = i ? fmt("joe-output/%s-%s.%d", ts, name, i) :
		    fmt("joe-output/%s-%s", ts, name);
		if (!mkdir(d, 0700))
			break;
		if (errno != EEXIST)
			die(1, "cannot create %s:", d);
		free(d);
	}
	tmp = fmt("joe-output/.latest.%ld", (long)getpid());
	unlink(tmp);
	if (symlink(d + 11, tmp) || rename(tmp, "joe-output/latest"))
		warn("cannot point joe-output/latest at %s:", d);
	return claim(d, cf);
}

static int runstep(struct opt *o, struct step *s, const char *out)
{
	struct job j = { 0 };
	char *dir = fmt("%s/%s", out, s->dir), *argv[2] = { s->path, NULL };
	char **env;
	struct node *k;
	int i = 0, st = ST_PASS;

	if (mkdir(dir, 0777))
		die(1, "cannot create %s:", dir);
	j.deadline = s->timeout ? now() + s->timeout : o->tmo ? now() + o->tmo : 0;
	j.echo = o->verbose;
	if (s->path) {
		for (k = s->env ? s->env->kid : NULL; k; k = k->next)
			i++;
		env = xmalloc((i + 5) * sizeof *env);
		for (i = 0, k = s->env ? s->env->kid : NULL; k; k = k->next)
			env[i++] = k->key ? fmt("%s=%s", k->key, k->val) : k->val;
		env[i++] = fmt("JOE_OUTPUT=%s", out);
		env[i++] = fmt("JOE_CONFIG=%s", sec_file(o->cfg));
		env[i++] = fmt("JOE_STEP=%s", s->dir);
		env[i++] = fmt("JOE_TRANSPORT=%s", s->tname);
		env[i] = NULL;
		j.argv = argv;
		j.env = env;
		j.dir = dir;
		st = job_rec(&j, out, s->dir, "local", s->uses);
	}
	for (i = 0; i < s->ncmd && !st; i++) {
		if (o->verbose)
			printf("+ %s\n", sec_mask(s->cmd[i])), fflush(stdout);
		tp_job(&j, s->tp, o->cfg, s->env, s->cwd, s->cmd[i]);
		st = job_rec(&j, out, s->dir, s->tname, s->cmd[i]);
		free(j.argv);
		free(j.line);
	}
	free(dir);
	return st;
}

/* -z: the step's command logs compressed, each replaced by NAME.gz once
 * that is whole (a log a killed run leaves stays as it is). */
static void gzlogs(const char *out, const char *step)
{
	char *dir = fmt("%s/%s", out, step), *p, *z, buf[65536];
	struct dirent *e;
	DIR *d = opendir(dir);
	ssize_t n = 0;
	gzFile f;
	int fd;

	while (d && (e = readdir(d))) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, "cmd-", 4) || n < 8 ||
		    strcmp(e->d_name + n - 4, ".log"))
			continue;
		p = fmt("%s/%s", dir, e->d_name);
		z = fmt("%s.gz", p);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		f = fd < 0 ? NULL : gzopen(z, "wb");
		while (f && (n = read(fd, buf, sizeof buf)) > 0 &&
		    gzwrite(f, buf, n) == n)
			;
		if (!f || (gzclose(f) != Z_OK) | (n != 0))
			warn("cannot compress %s:", p), unlink(z);
		else
			unlink(p);
		if (fd >= 0)
			close(fd);
		free(p), free(z);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* After a run: its metrics and tests extracted, the text report printed
 * and, with -r, report.html written; NULL, or the command that failed
 * (joe-extract's 2 for bad input in a log is no failure). */
static char *summary(struct opt *o, const char *out)
{
	char *x[] = { sibling("joe-extract"), "-q", (char *)out, NULL };
	char *h[] = { sibling("joe-report"), "-f", "html", "-o",
	    fmt("%s/report.html", out), (char *)out, NULL };
	char *t[] = { h[0], "-f", "text", (char *)out, NULL }, *bad = NULL;
	struct job j = { 0 };

	j.log = -1;
	j.echo = j.split = 1;
	j.argv = x;
	if (spawn(&j) && j.rc != 2)
		bad = "joe-extract";
	j.argv = h;
	if (o->html && spawn(&j))
		bad = "joe-report";
	fflush(stdout);
	j.argv = t;
	return spawn(&j) ? "joe-report" : bad;
}

static int runwf(struct opt *o, struct wf *w)
{
	static const char *col[] = { "32", "31", "31", "31", "33", "31" };
	FILE *cf;
	char *out = mkrun(o->out, w->name, &cf), *start, *sec, *f, *bad, up[16];
	int i, st, n[6] = { 0 }, tty = isatty(1);
	double t, t0 = now();

	f = fmt("%s/config.yaml", out);
	conf_emit(cf, o->cfg, 0);
	if (fclose(cf) || fcopy(w->path, (f = fmt("%s/workflow.yaml", out))))
		die(1, "cannot write %s:", f);
	for (i = 0; i < w->n; i++) {
		struct step *s = &w->s[i];

		if (!s->sel)
			continue;
		start = stamp();
		t = now();
		if (sig_count() > 1 || (!s->always && (sig_count() ||
		    (!o->keep && n[ST_FAIL] + n[ST_ERROR] + n[ST_TIMEOUT]))))
			st = ST_SKIP;
		else
			st = runstep(o, s, out);
		if (o->gz && st != ST_SKIP)
			gzlogs(out, s->dir);
		n[st]++;
		sec = fmt("%.3f", now() - t);
		rec(out, "steps.tsv", s->dir, s->name, stname[st], start,
		    st == ST_SKIP ? "0.000" : sec, (char *)NULL);
		for (f = up; (*f = toupper((unsigned char)stname[st][f - up])); f++)
			;
		printf(tty ? "\033[%sm%s\033[m %s %.1fs\n" : "%.0s%s %s %.1fs\n",
		    col[st], up, s->dir, atof(sec));
		fflush(stdout);
		free(sec), free(start);
	}
	bad = sig_count() || rec_lost ? NULL : summary(o, out);
	if (sig_count() || bad || rec_lost)
		printf("%s: %d passed, %d failed, %d skipped in %.1fs\n", out,
		    n[0], n[ST_FAIL] + n[ST_ERROR] + n[ST_TIMEOUT] + n[ST_INTR],
		    n[ST_SKIP], now() - t0);
	if (bad)
		fflush(stdout), warn("%s: %s failed", out, bad);
	if (rec_lost)
		warn("%s: the records are not complete", out);
	if (sig_count())
		return 128 + sig_last();
	return n[ST_ERROR] ? 255 : n[ST_FAIL] + n[ST_TIMEOUT] || bad || rec_lost;
}

/* joe run -- CMD: one word is a shell command line; several are quoted
 * each as one word. Recorded only inside a run (JOE_OUTPUT, JOE_STEP). */
static int one(struct opt *o, int argc, char **argv)
{
	struct job j = { 0 };
	char *cmd;

	if (!argc)
		usage(2);
	cmd = tp_words(argc, argv);
	tp_job(&j, tp_get(o->cfg, o->tname, NULL), o->cfg, NULL, NULL, cmd);
	j.split = j.echo = 1;
	j.deadline = o->tmo ? now() + o->tmo : 0;
	job_here(&j, o->tname, cmd);
	return sig_count() ? 128 + sig_last() : j.rc ? j.rc : rec_lost;
}

static void addwf(struct opt *o, struct wf ***w, int *nw, const char *path)
{
	struct stat sb;
	glob_t g = { 0 };
	char *pat = fmt("%s/*.workflow", path);
	size_t k;

	if (stat(path, &sb) || !S_ISDIR(sb.st_mode))
		g.gl_pathv = (char **)&path, g.gl_pathc = 1;
	else if (glob(pat, 0, NULL, &g) || !g.gl_pathc)
		die(2, "no *.workflow in %s", path);
	for (k = 0; k < g.gl_pathc; k++) {
		*w = xrealloc(*w, (*nw + 1) * sizeof **w);
		(*w)[(*nw)++] = load(o, g.gl_pathv[k]);
	}
	free(pat);
}

int main(int argc, char **argv)
{
	struct opt o = { 0 };
	struct wf **w = NULL;
	struct step *s;
	struct stat sb;
	char **cf = xmalloc(argc * sizeof *cf), **df = xmalloc(argc * sizeof *df);
	char **sel = xmalloc(argc * sizeof *sel), *e;
	int c, i, k, ncf = 0, ndf = 0, nsel = 0, nw = 0, dry = 0, rc = 0, hit;
	int shell = 0;
	struct str b = { 0 };

	argv0 = "joe-run";
	while ((c = getopt(argc, argv, "+c:D:hiknro:t:T:vz")) != -1) {
		switch (c) {
		case 'c': cf[ncf++] = optarg; break;
		case 'D': df[ndf++] = optarg; break;
		case 'h': usage(0); break;
		case 'i': shell = 1; break;
		case 'k': o.keep = 1; break;
		case 'n': dry = 1; break;
		case 'o': o.out = optarg; break;
		case 'r': o.html = 1; break;
		case 't': o.tname = optarg; break;
		case 'T':
			if (!(o.tmo = seconds(optarg)))
				die(2, "-T %s: expected seconds from 0.001 to "
				    "2592000", optarg);
			break;
		case 'v': o.verbose = 1; break;
		case 'z': o.gz = 1; break;
		default: usage(2);
		}
	}
	o.cfg = conf_config(cf, ncf, df, ndf);
	o.tname = o.tname ? o.tname : getenv("JOE_TRANSPORT");
	o.tname = tp_get(o.cfg, o.tname && *o.tname ? o.tname : NULL, NULL)->key;
	if (shell) {	/* the old ssh.shell: a shell there, our env set */
		if (optind < argc || dry || o.keep || o.out || o.tmo || o.verbose ||
		    o.gz || o.html)
			usage(2);
		argv = tp_argv(tp_get(o.cfg, o.tname, NULL), tp_script(o.cfg,
		    NULL, NULL, "exec \"${SHELL:-/bin/sh}\" -i"), TP_TTY);
		execvp(argv[0], argv);
		die(1, "cannot run %s:", argv[0]);
	}
	if (optind > 1 && !strcmp(argv[optind - 1], "--")) {
		if (dry || o.keep || o.out || o.gz || o.html)
			usage(2);
		return one(&o, argc - optind, argv + optind);
	}
	for (i = optind; i < argc; i++) {
		e = argv[i];
		k = strlen(e);
		if ((k > 9 && !strcmp(e + k - 9, ".workflow")) ||
		    (!stat(e, &sb) && S_ISDIR(sb.st_mode)))
			addwf(&o, &w, &nw, e);
		else
			sel[nsel++] = e;
	}
	if (!nw)
		addwf(&o, &w, &nw, ".");
	if (o.out && nw > 1)
		die(2, "-o takes one workflow, not %d", nw);
	for (k = 0; k < (nsel ? nsel : 1); k++) {
		for (hit = i = 0; i < nw; i++)
			for (c = 0; c < w[i]->n; c++) {
				s = &w[i]->s[c];
				s->sel |= s->always;	/* a teardown runs */
				e = nsel ? sel[k] : s->name;
				if (!strcmp(e, s->name) || (!strncmp(e, s->name,
				    strlen(e)) && s->name[strlen(e)] == '['))
					s->sel = hit = 1;
			}
		if (!hit)
			die(2, "no step named %s", nsel ? sel[k] : "at all");
	}
	for (i = 0; i < nw && dry; i++)
		for (c = 0; c < w[i]->n; c++)
			for (s = &w[i]->s[c], k = 0; s->sel && k < (s->path ? 1 :
			    s->ncmd); k++) {
				b.n = 0;
				sesc(&b, sec_mask(s->path ? s->uses : s->cmd[k]));
				printf("%s\t%s\t%s\t%s\n", w[i]->path, s->dir,
				    s->path ? "local" : s->tname, b.s);
			}
	for (i = 0; i < nw && !dry && !sig_count(); i++)
		if ((c = runwf(&o, w[i])) > rc)
			rc = c;
	return rc;
}
