/*
 * joe-run: run workflows, or one command, on a target, and record what
 * happened in a run directory (joe-run(5)).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "joe.h"

struct step {
	char *name, *dir, *uses, *path, *cwd, **cmd;
	struct tp *tp;
	struct node *env;	/* its env:, then JOE_* lines (no key) */
	int ncmd, always, sel;
	double timeout;
};

struct wf {
	char *path, *name, *dir, *wdir;	/* dir: real; wdir: as given */
	struct step *s;
	int n;
};

static struct {
	struct node *cfg;
	char *out, *tname, **sel, *post;	/* sel: steps named on the
						 * command line; post: config's */
	int nsel, *hit;			/* hit[i]: sel[i] named one */
	double tmo;
	int keep, verbose, gz, post_r, dry, shell, one, quiet; /* one: -- */
	int fan;			/* -t twice, -t PATTERN, -j */
	char *label;			/* -l */
} opt;

static struct wf **wfs;	/* those to run */
static int nwf;

static const char *const keys[] = { "sname", "srun", "suses", "mwith",
	"stransport", "stimeout", "mmatrix", "salways", "menv", "scwd",
	"sextract", NULL }, *const wkeys[] = { "sdoc", "lsteps", "lcharts", NULL };

#define usage(rc) usage_exit(rc, "usage: joe run [-knqrvz] [-c config]... " \
	"[-D key=value]... [-o dir]\n" \
	"               [-t transport]... [-j n] [-T seconds] " \
	"[workflow | dir]... [step]...\n" \
	"       joe run [-c config]... [-D key=value]... [-t transport]... " \
	"[-j n]\n" \
	"               [-T seconds] [-l text] -- command [arg...]\n" \
	"       joe run -i [-c config]... [-D key=value]... [-t transport] " \
	"[-- command [arg...]]\n")

/* The scalar it.key with {{ }} replaced, or NULL. */
static char *sval(struct node *it, const char *key, struct node *vars)
{
	char *v = conf_str(it, key);

	return v ? conf_subst(opt.cfg, conf_get(it, key), v, vars) : NULL;
}

/* A copy of map it.key with its values substituted, those under a secret
 * key masked from now on; with: a list's items joined by newlines. */
static struct node *smap(struct node *it, const char *key, struct node *vars)
{
	struct node *m = conf_get(it, key), *k, *c = NULL, *l, *i;
	struct str b;
	char *v;

	for (k = m ? m->kid : NULL; k; k = k->next) {
		l = k->type == 'l' && *key == 'w' ? k->kid : k;
		for (b = (struct str){ 0 }, i = l; i; i = l == k ? NULL : i->next) {
			if (i->type != 's')
				fdie(i, "%s.%s must be a plain value%s", key, k->key,
				    *key == 'w' ? " or a list of them" : "");
			sputs(&b, i == l ? "" : "\n");
			sputs(&b, v = conf_subst(opt.cfg, i, i->val, vars));
			sec_add(conf_add(NULL, k->key, v, i), NULL);
		}
		c = conf_add(c, k->key, b.s ? b.s : "", k);
	}
	return c;
}

/* Each logical line of run: is a command; a trailing \ joins the next. */
static void cmdlines(struct step *s, char *p)
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
	char *f = fmt("%s/%s", w->dir, uses), *dot = strchr(uses, '.');
	char p[PATH_MAX];
	size_t n = strlen(w->dir);
	struct stat sb;

	if (*uses == '/' || (realpath(f, p) && (strncmp(p, w->dir, n) ||
	    p[n] != '/')))
		fdie(at, "uses: %s is not below the workflow's directory",
		    sec_mask(uses));
	if (access(f, X_OK) && dot && !strchr(uses, '/'))
		f = pkgfind(fmt("%.*s", (int)(dot - uses), uses), dot + 1);
	if (!f || access(f, X_OK) || stat(f, &sb) || !S_ISREG(sb.st_mode) ||
	    !realpath(f, p))
		fdie(at, "no worklet %s: not beside the workflow, nor in a "
		    "package along JOE_PATH or installed", sec_mask(uses));
	return xstrdup(p);
}

/* A new step of w named name, or name[k=v,k2=v2] for the matrix values in
 * vars; selected when the command line names it (or none) or always:, and
 * where it is not, an unset {{ env.X }} does no harm. */
static struct step *newstep(struct wf *w, struct node *it,
    struct node *vars, char *name)
{
	struct node *k;
	struct step *s;
	char *v;
	int i, l;

	for (k = vars->kid->next; k; k = k->next)
		name = fmt("%s%c%s=%s%s", name, k == vars->kid->next ? '[' : ',',
		    k->key, k->val, k->next ? "" : "]");
	if (w->n == 1000)	/* matrix instances included */
		fdie((k = conf_get(it, "matrix")) ? k : it, "more than 1000 steps");
	for (i = 0; i < w->n; i++)
		if (!strcmp(w->s[i].name, name))
			fdie(it, "duplicate step name '%s'", name);
	w->s = xrealloc(w->s, (w->n + 1) * sizeof *s);
	s = memset(&w->s[w->n++], 0, sizeof *s);
	s->name = name;
	name = sec_mask(name);	/* as it is shown */
	s->dir = fmt("%02d-%s", w->n, name);
	for (v = s->dir; *v; v++)	/* a name for directories and terminals */
		*v = *v == '/' || (unsigned char)*v < 32 || *v == 127 ? '_' : *v;
	if (strlen(s->dir) > NAME_MAX)
		fdie(it, "step name too long: directory %.*s... over %d bytes",
		    16, s->dir, NAME_MAX);
	conf_lax = 0;
	if ((v = sval(it, "always", vars)) && strcmp(v, "true") &&
	    strcmp(v, "yes") && strcmp(v, "false") && strcmp(v, "no"))
		fdie(conf_get(it, "always"), "always must be true or false");
	s->always = v && (*v == 't' || *v == 'y');
	s->sel = s->always || !opt.nsel;
	opt.hit[0] |= !opt.nsel;	/* a step at all; always: names none */
	for (i = 0; i < opt.nsel; i++)
		if (!strncmp(opt.sel[i], name, l = strlen(opt.sel[i])) &&
		    (!name[l] || name[l] == '['))
			s->sel = opt.hit[i] = 1;
	conf_lax = !s->sel;
	return s;
}

static void addstep(struct wf *w, struct node *it, struct node *vars, char *name)
{
	struct step *s = newstep(w, it, vars, name);
	struct node *k, *with = smap(it, "with", vars);
	char *run = sval(it, "run", vars), *v, *e;

	s->uses = sval(it, "uses", vars);
	if (!run == !s->uses)
		fdie(it, "step %s needs either run: or uses:", sec_mask(s->name));
	if (run && with)
		fdie(conf_get(it, "with"), "with: is for uses: steps");
	if (!run && conf_get(it, "cwd"))	/* a worklet starts in its step */
		fdie(conf_get(it, "cwd"), "cwd: is for run: steps");
	if (run)
		cmdlines(s, run);
	else
		s->path = worklet(w, conf_get(it, "uses"), s->uses);
	v = sval(it, "transport", vars);
	s->tp = tp_open(opt.cfg, v ? v : opt.tname, conf_get(it, "transport"));
	s->cwd = sval(it, "cwd", vars);
	s->env = smap(it, "env", vars);
	conf_env(s->env);
	if ((v = sval(it, "timeout", vars)) && !(s->timeout = seconds(v)))
		fdie(conf_get(it, "timeout"),
		    "timeout must be seconds from 0.001 to 2592000");
	for (k = with ? with->kid : NULL; k; k = k->next) {	/* JOE_WITH_KEY */
		s->env = conf_add(s->env, NULL, e = fmt("JOE_WITH_%s=%s", k->key,
		    k->val), k);
		for (v = e + 9; *v != '='; v++)
			*v = strchr(".- ", *v) ? '_' : toupper((unsigned char)*v);
		s->env = conf_add(s->env, NULL, fmt("JOE_AT_%.*s=%s:%d:%d",
		    (int)(v - e - 9), e + 9, k->file, k->line, k->col), k);
	}
	if (!(k = conf_get(it, "with")))	/* JOE_AT: where with: is */
		k = it;
	if (s->path) {
		s->env = conf_add(s->env, NULL, fmt("JOE_WORKFLOW_DIR=%s",
		    w->wdir), it);
		s->env = conf_add(s->env, NULL, fmt("JOE_AT=%s:%d:%d", k->file,
		    k->line, k->col), it);
	}
}

/* matrix.exclude or matrix.include: a list of mappings of the matrix's
 * keys (in vars after workflow.dir) to plain values; an include entry
 * has all n of them. */
static struct node *entries(struct node *m, const char *key,
    struct node *vars, int n)
{
	struct node *l = m ? conf_child(m, key) : NULL, *e, *k, *a;
	int i;

	if (l && l->type != 'l')
		fdie(l, "matrix.%s must be a list of mappings", key);
	for (e = l ? l->kid : NULL; e; e = e->next) {
		if (e->type != 'm')
			fdie(e, "matrix.%s must be a list of mappings", key);
		for (i = 0, k = e->kid; k; k = k->next, i++)
			if (!(a = conf_child(vars, k->key)) || a == vars->kid)
				fdie(k, "matrix.%s: '%s' is not a key of the "
				    "matrix", key, k->key);
			else if (k->type != 's')
				fdie(k, "matrix values must be plain values");
		if (*key == 'i' && i < n)
			fdie(e, "matrix.include: an entry needs every key of "
			    "the matrix");
	}
	return l;
}

/* Step it for each combination of the values of its matrix lists from a
 * on (in vars, the values so far), but those matrix.exclude names. */
static void combos(struct wf *w, struct node *it, struct node *vars,
    struct node *a)
{
	struct node *m = conf_get(it, "matrix"), *e, *k;
	static long tried;

	if (a) {
		for (k = conf_child(m, a->key)->kid; k; k = k->next) {
			if (k->type != 's')
				fdie(k, "matrix values must be plain values");
			a->val = k->val;
			combos(w, it, vars, a->next);
		}
		return;
	}
	if (m && ++tried > 1000000)
		fdie(m, "more than 1000000 matrix combinations in a run");
	for (e = m ? conf_child(m, "exclude") : NULL, e = e ? e->kid : NULL; e;
	    e = e->next) {
		for (k = e->kid; k && !strcmp(conf_child(vars, k->key)->val,
		    k->val);)
			k = k->next;
		if (!k)
			return;
	}
	addstep(w, it, vars, conf_str(it, "name"));
}

/* One step of the workflow, or one for each combination of its matrix. */
static void wf_step(struct wf *w, struct node *it)
{
	struct node *m = conf_get(it, "matrix"), *k, *vars, *a, *in;
	char *name;
	int n = 0;

	if (it->type != 'm')
		fdie(it, "a step must be a mapping");
	conf_check(it, keys, "step");
	if (!(name = conf_str(it, "name")) || !*name)
		fdie(it, "a step needs a name");
	vars = conf_add(NULL, "workflow.dir", w->wdir, it);
	for (k = m ? m->kid : NULL; k; k = k->next) {
		if (!strcmp(k->key, "exclude") || !strcmp(k->key, "include"))
			continue;
		if (k->type != 'l' || !k->kid || n++ == 16)
			fdie(k, n > 16 ? "matrix.%s: a matrix has 16 names at most" :
			    "matrix.%s must be a list of values", k->key);
		vars = conf_add(vars, k->key, NULL, k);
	}
	if (m && !n)
		fdie(m, "matrix must map names to lists of values");
	entries(m, "exclude", vars, n);
	combos(w, it, vars, vars->kid->next);
	for (k = (in = entries(m, "include", vars, n)) ? in->kid : NULL; k;
	    k = k->next) {
		for (a = vars->kid->next; a; a = a->next)
			a->val = conf_child(k, a->key)->val;
		addstep(w, it, vars, name);
	}
}

static struct wf *wf_load(const char *path)
{
	struct wf *w = memset(xmalloc(sizeof *w), 0, sizeof *w);
	struct node *root = conf_load(path), *k;
	char p[PATH_MAX], *b;

	conf_check(root, wkeys, "workflow");
	if (!(k = conf_get(root, "steps")) || !k->kid)
		fdie(k ? k : root, "a workflow needs a list of steps");
	w->path = xstrdup(path);
	w->name = xstrdup(basename(xstrdup(path)));
	if ((b = strstr(w->name, ".workflow")) && !b[9])
		*b = 0;
	if (!(w->dir = realpath(path, NULL)))	/* such as too long */
		die(2, "%s:", path);
	*strrchr(w->dir, '/') = 0;
	while (!strncmp(path, "./", 2))
		path += 2;
	w->wdir = xstrdup(dirname(*path == '/' ? xstrdup(path) :
	    fmt("%s/%s", getcwd(p, sizeof p) ? p : ".", path)));
	for (k = k->kid; k; k = k->next)
		wf_step(w, k);
	return w;
}

/* argv run here in dir (NULL: .) to its end, its output ours; its exit
 * status. */
static int here(char **argv, const char *dir)
{
	struct job j = { .argv = argv, .dir = dir, .log = -1, .echo = 1,
	    .split = 1, .sig0 = nsig };

	fflush(stdout);
	spawn(&j);
	return j.rc;
}

/* Claim run directory d, empty until now, by creating its config.yaml
 * (the config, its secrets masked); then w's copy; d's absolute path. */
static char *claim(const char *d, struct wf *w)
{
	char p[PATH_MAX], *f = fmt("%s/config.yaml", d);
	struct dirent **e;
	int fd = -1, in;
	ssize_t n = 0;
	FILE *cf;

	if (scandir(d, &e, NULL, NULL) != 2 || ((fd = open(f, O_WRONLY |
	    O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0 && errno == EEXIST))
		die(2, "run directory %s is in use or not empty", d);
	if (fd < 0 || !(cf = fdopen(fd, "w")) || !realpath(d, p))
		die(1, "cannot create %s:", f);
	conf_emit(cf, opt.cfg, 0, sec_mask);
	if (fclose(cf))
		die(1, "cannot write %s:", f);
	f = fmt("%s/workflow.yaml", p);	/* sendfile: cp cost 4 ms a run */
	fd = (in = open(w->path, O_RDONLY | O_CLOEXEC)) < 0 ? -1 : open(f,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	while (fd >= 0 && (n = sendfile(fd, in, NULL, 1 << 30)) > 0)
		;
	if (fd < 0 || n < 0 || close(fd) || close(in))
		die(1, "cannot copy %s to %s:", w->path, f);
	return xstrdup(p);
}

/* A new run directory: -o dir (absent or empty), else a fresh
 * joe-output/<UTC>-name with joe-output/latest pointing at it. */
static char *mkrun(struct wf *w)
{
	char ts[32], *d, *tmp;
	time_t t = time(NULL);
	int i = 0;

	if (opt.out && mkdir(opt.out, 0700) && errno != EEXIST)	/* a bad
		 * path is bad input; a read-only place, a full disk are not */
		die(errno == ENOENT || errno == ENOTDIR ? 2 : 1,
		    "cannot create run directory %s:", opt.out);
	if (opt.out)
		return claim(opt.out, w);
	if (mkdir("joe-output", 0777) && errno != EEXIST)
		die(1, "cannot create joe-output:");
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", gmtime(&t));
	for (d = fmt("joe-output/%s-%s", ts, w->name); mkdir(d, 0700);) {
		if (errno != EEXIST)
			die(1, "cannot create %s:", d);
		d = fmt("joe-output/%s-%s.%d", ts, w->name, ++i);
	}
	tmp = fmt("joe-output/.latest.%ld", (long)getpid());
	unlink(tmp);
	if (symlink(d + 11, tmp) || rename(tmp, "joe-output/latest"))
		warn("cannot point joe-output/latest at %s:", d);
	return claim(d, w);
}

/* On a terminal (not -q, -v or TERM=dumb), the step that runs and its
 * seconds so far, redrawn on one line as they change; the step's line at
 * its end is longer, so it covers this one (no escape codes). */
static const char *ticking;
static double tick0;

static void tick(void)
{
	static int last;
	int t = now() - tick0;

	if (t != last && t > 0)
		printf("\rRUN  %s %ds", ticking, t), fflush(stdout);
	last = t;
}

/* Step s in run out, sig0 the run's signals so far (one more ends it). */
static int runstep(struct step *s, const char *out, int sig0)
{
	struct job j = { .tick = ticking ? tick : NULL, .sig0 = sig0 };
	char *dir = fmt("%s/%s", out, s->dir), *argv[2] = { s->path, NULL };
	char **env, *why, *cf;
	struct node *k;
	int i, st = rec_step(out, dir);

	if (st)
		return st;
	j.deadline = s->timeout ? now() + s->timeout : opt.tmo ? now() + opt.tmo : 0;
	j.echo = opt.verbose;
	if (s->path) {
		for (i = 0, k = s->env ? s->env->kid : NULL; k; k = k->next)
			i++;
		env = xmalloc((i + 5) * sizeof *env);
		for (i = 0, k = s->env ? s->env->kid : NULL; k; k = k->next)
			env[i++] = k->key ? fmt("%s=%s", k->key, k->val) : k->val;
		env[i++] = fmt("JOE_OUTPUT=%s", out);
		env[i++] = fmt("JOE_CONFIG=%s", cf = sec_file(opt.cfg, s->env));
		rm_at_end(cf);
		env[i++] = fmt("JOE_STEP=%s", s->dir);
		env[i++] = fmt("JOE_TRANSPORT=%s", s->tp->name);
		env[i] = NULL;
		j.argv = argv, j.env = env, j.dir = dir;
		st = job_rec(&j, out, s->dir, "local", s->uses);
	}
	for (i = 0; i < s->ncmd && !st; i++) {
		if (nsig > sig0 && (st = ST_INTR))
			break;	/* it came between two commands */
		if (opt.verbose)
			printf("+ %s\n", sec_mask(s->cmd[i])), fflush(stdout);
		tp_job(&j, s->tp, s->env, s->cwd, s->cmd[i]);
		st = job_rec(&j, out, s->dir, s->tp->name, s->cmd[i]);
		if (st == ST_ERROR && (why = tp_dead(s->tp)))
			warn("%s: transport %s: %s", s->dir, s->tp->name, why);
		free(j.argv);
		free(j.line);
	}
	if (opt.gz && here((char *[]){ "sh", "-c", "set -- cmd-*.log; "
	    "[ ! -e \"$1\" ] || exec gzip -- \"$@\"", NULL }, dir))
		warn("cannot compress the logs of %s", s->dir);	/* -z */
	free(dir);
	return st;
}

/* The end of a run: the post-run command (post: in the config), run here
 * as sh -c POST joe-post [-r] RUN, or by default joe-finish [-r] RUN (no
 * sh: an exec less); its exit status. */
static int post_run(const char *out)
{
	char *p = opt.post, *argv[] = { "/bin/sh", "-c", p, "joe-post",
	    opt.post_r ? "-r" : (char *)out, (char *)out, NULL };

	if (p && !*p)
		return 0;
	argv[3] = p ? argv[3] : sibling("joe-finish");
	argv[5] = opt.post_r ? argv[5] : NULL;
	return here(p ? argv : argv + 3, NULL);
}

static int runwf(struct wf *w)
{
	static const char *const col[] = { "32", "31", "31", "31", "33", "31" },
	    *const up[] = { "PASS", "FAIL", "ERROR", "TIMEOUT", "SKIP",
	    "INTERRUPTED" };
	char *out = mkrun(w), *start, *sec;
	int st, n[6] = { 0 }, tty = terminal(1, 1), bad, sig0;
	int progress = terminal(1, 0) && !opt.quiet && !opt.verbose;
	double t, t0 = now();
	struct step *s;

	for (s = w->s; s < w->s + w->n; s++) {
		if (!s->sel)
			continue;
		start = stamp();
		t = tick0 = now();
		ticking = progress ? s->dir : NULL;
		if ((sig0 = nsig) > 1 || (!s->always && (sig0 ||
		    (!opt.keep && n[ST_FAIL] + n[ST_ERROR] + n[ST_TIMEOUT]))))
			st = sig0 && !n[ST_INTR] ? ST_INTR : ST_SKIP;	/* the
				 * signal came before it: the run shows it */
		else
			st = runstep(s, out, sig0);
		n[st]++;
		sec = fmt("%.3f", now() - t);
		rec(out, "steps.tsv", tsv(s->dir, sec_mask(s->name), stname[st],
		    start, st == ST_SKIP ? "0.000" : sec, (char *)NULL));
		if (!opt.quiet)
			printf(tty ? "%s\033[%sm%s\033[m %s %.1fs\n" :
			    "%s%.0s%s %s %.1fs\n", progress ? "\r" : "",
			    col[st], up[st], s->dir, atof(sec));
		fflush(stdout);
		free(sec), free(start);
	}
	bad = nsig || rec_lost ? 0 : post_run(out);
	if (nsig || bad || rec_lost)
		printf("%s: %d passed, %d failed, %d skipped in %.1fs\n", out,
		    n[0], n[ST_FAIL] + n[ST_ERROR] + n[ST_TIMEOUT] + n[ST_INTR],
		    n[ST_SKIP], now() - t0);
	fflush(stdout);
	if (bad)
		warn("%s: the post-run command failed (status %d)", out, bad);
	if (rec_lost)
		warn("%s: the records are not complete", out);
	return nsig ? 128 + lastsig : rec_lost ? 1 : n[ST_ERROR] ? 255 :
	    n[ST_FAIL] + n[ST_TIMEOUT] || bad;
}

/* joe run -- CMD: one word is a shell command line; several are quoted
 * each as one word. Recorded only inside a run (JOE_OUTPUT, JOE_STEP).
 * With -l TEXT, CMD runs here with JOE_SSH, the command line that reaches
 * the transport, and is recorded on the transport as TEXT (joe put, get). */
static int run_one(int argc, char **argv)
{
	struct tp *t = tp_open(opt.cfg, opt.tname, NULL);
	struct job j = { .echo = 1, .split = 1 };
	char *cmd, **v;
	int i;

	if (!argc)
		usage(2);
	cmd = tp_words(argc, argv);
	tp_job(&j, opt.label ? tp_open(opt.cfg, "local", NULL) : t, NULL, NULL,
	    cmd);
	if (opt.label) {
		for (v = tp_argv(t, "", TP_DATA), i = 0; v[i + 1]; i++)
			;	/* all but the script: 2 words at least */
		setenv("JOE_SSH", tp_words(i, v), 1);
		j.remote = t->host != NULL;
	}
	j.deadline = opt.tmo ? now() + opt.tmo : 0;
	job_here(&j, opt.tname, opt.label ? opt.label : cmd);
	if (j.rc == 255 && (cmd = tp_dead(t)))
		warn("transport %s: %s", t->name, cmd);
	return nsig ? 128 + lastsig : j.rc ? j.rc : rec_lost;
}

/* Load workflow path, or each *.workflow in directory path. */
static void addwf(const char *path)
{
	char *one[] = { (char *)path };
	glob_t g = { .gl_pathc = 1, .gl_pathv = one };
	struct stat sb;
	size_t k;

	if (!stat(path, &sb) && S_ISDIR(sb.st_mode) &&
	    glob(fmt("%s/*.workflow", path), 0, NULL, &g))
		die(2, "no *.workflow in %s", path);
	for (k = 0; k < g.gl_pathc; k++) {
		wfs = xrealloc(wfs, (nwf + 1) * sizeof *wfs);
		wfs[nwf++] = wf_load(g.gl_pathv[k]);
	}
}

/* The options into opt, -c and -D to conf_opt. */
static void options(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "+c:D:hij:kl:nqro:t:T:vz")) != -1) {
		switch (c) {
		case 'c': case 'D': conf_opt(c, optarg); break;
		case 'h': usage(0); break;
		case 'i': opt.shell = 1; break;
		case 'k': opt.keep = 1; break;
		case 'q': opt.quiet = 1; break;
		case 'l': opt.label = optarg; break;
		case 'n': opt.dry = 1; break;
		case 'o': opt.out = optarg; break;
		case 'r': opt.post_r = 1; break;
		case 't': opt.fan |= opt.tname != NULL, opt.tname = optarg; break;
		case 'j': opt.fan = 1; break;
		case 'T':
			if (!(opt.tmo = seconds(optarg)))
				die(2, "-T %s: expected seconds from 0.001 to "
				    "2592000", optarg);
			break;
		case 'v': opt.verbose = 1; break;
		case 'z': opt.gz = 1; break;
		default: usage(2);
		}
	}
	opt.one = !strcmp(argv[optind - 1], "--");
	if ((opt.shell && ((optind < argc && !opt.one) || opt.tmo ||
	    opt.verbose || opt.label)) ||
	    ((opt.shell || opt.one) && (opt.dry || opt.keep || opt.out ||
	    opt.gz || opt.post_r || opt.quiet)) || (opt.label && !opt.one))
		usage(2);
}

/* Several targets (-t twice, -j, or a -t pattern that is no transport's
 * name: each run joe-fanout makes is given a name): joe-fanout runs us on
 * each. It passes signals on, so it must get them (sh cannot trap what it
 * was started ignoring). */
static void fanout(char **argv)
{
	if (opt.shell || opt.label)
		usage(2);
	signal(SIGINT, SIG_DFL), signal(SIGHUP, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(argv[0] = sibling("joe-fanout"), argv);
	die(1, "cannot run %s:", argv[0]);
}

/* -i: an interactive shell on the transport, the config's env set (what
 * CIJOE's ssh.shell did), or a shell reading stdin if that is no terminal;
 * with a command, that command, its stdin ours (one word is a command
 * line, more each quoted). */
static int run_shell(int argc, char **argv)
{
	struct tp *t = tp_open(opt.cfg, opt.tname, NULL);
	int tty = !argc && isatty(0);
	char **v = tp_argv(t, tp_script(t, NULL, NULL, argc ?
	    tp_words(argc, argv) : tty ? "exec \"${SHELL:-/bin/sh}\" -i" :
	    "exec \"${SHELL:-/bin/sh}\""), tty ? TP_TTY : TP_DATA);

	execvp(v[0], v);
	die(1, "cannot run %s:", v[0]);
}

/* The workflows named in args (else those in .), after the steps named
 * there (any other argument) are taken out for wf_load() to select. */
static void workflows(int argc, char **argv)
{
	struct stat sb;
	int i, k;

	opt.sel = xmalloc((argc + 1) * sizeof *opt.sel);
	opt.hit = memset(xmalloc((argc + 1) * sizeof *opt.hit), 0,
	    (argc + 1) * sizeof *opt.hit);
	for (i = 0; i < argc; i++)
		if (((k = strlen(argv[i])) <= 9 || strcmp(argv[i] + k - 9,
		    ".workflow")) && (stat(argv[i], &sb) || !S_ISDIR(sb.st_mode)))
			opt.sel[opt.nsel++] = argv[i], argv[i] = NULL;
	for (i = 0; i < argc; i++)
		if (argv[i])
			addwf(argv[i]);
	if (!nwf)
		addwf(".");
	if (opt.out && nwf > 1)
		die(2, "-o takes one workflow, not %d", nwf);
	for (k = 0; k < (opt.nsel ? opt.nsel : 1); k++)
		if (!opt.hit[k])
			die(2, "no step named %s", opt.nsel ? opt.sel[k] : "at all");
}

/* -n: a line for each command of a selected step, none run, its fields
 * escaped as in records. */
static void dry_run(struct wf *w)
{
	struct step *s;
	int k;

	for (s = w->s; s < w->s + w->n; s++)
		for (k = 0; s->sel && k < (s->path ? 1 : s->ncmd); k++)
			fputs(tsv(w->path, s->dir, s->path ? "local" :
			    s->tp->name, sec_mask(s->path ? s->uses : s->cmd[k]),
			    (char *)NULL), stdout);
}

int main(int argc, char **argv)
{
	int i, c, rc = 0;

	argv0 = "joe-run";
	options(argc, argv);
	sec_init(opt.cfg = conf_config());
	opt.post = conf_str(opt.cfg, "post");	/* before anything runs */
	if (opt.fan || (opt.tname && strpbrk(opt.tname, "*?[") &&
	    !conf_child(conf_get(opt.cfg, "transport"), opt.tname)))
		fanout(argv);
	opt.tname = opt.tname ? opt.tname : getenv("JOE_TRANSPORT");
	opt.tname = tp_open(opt.cfg, opt.tname && *opt.tname ? opt.tname : NULL,
	    NULL)->name;
	if (opt.shell)
		return run_shell(argc - optind, argv + optind);
	if (opt.one)
		return run_one(argc - optind, argv + optind);
	workflows(argc - optind, argv + optind);
	for (i = 0; i < nwf && opt.dry; i++)
		dry_run(wfs[i]);
	for (i = 0; i < nwf && !opt.dry && !nsig; i++)
		if ((c = runwf(wfs[i])) > rc)
			rc = c;
	return rc;
}
