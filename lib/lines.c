/*
 * Reading line-oriented files, plain or gzip-compressed alike (zlib reads
 * a plain file as it is): logs, and the tab-separated records of a run.
 */
#define _GNU_SOURCE	/* d_type, DT_DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "joe.h"

/* Read more of l into buf[n..cap): plain files with read(2), where a
 * short read is the end (the files are regular: what a file being written
 * still lacks is not there yet), so a small log costs open, read, close;
 * a pipe (l->pipe) to a read of 0. */
static int more(struct lines *l)
{
	const char *m;
	int r, e;

	if (l->z)
		r = gzread((gzFile)l->z, l->buf + l->n, l->cap - l->n);
	else
		r = read(l->fd, l->buf + l->n, l->cap - l->n);
	if (l->z && r <= 0 && (m = gzerror((gzFile)l->z, &e), e != Z_OK)) {
		m = strstr(m, ": ") ? strstr(m, ": ") + 2 : m;	/* <fd:N>: */
		warn("%s: %s", l->path, m);
		l->err = 1;
		r = 0;
	} else if (r < 0) {
		warn("%s:", l->path);
		l->err = 1;
		r = 0;
	}
	l->eof = r == 0 || (!l->z && !l->pipe && (size_t)r < l->cap - l->n);
	return r;
}

/* Whether path is named as gzip is: it ends in ".gz". */
int gzname(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

/* Open path, or path.gz when path is not there, gzip by its first bytes
 * whatever its name, but one named .gz that is not gzip has no lines and
 * sets l->err, as gunzip refuses it; NULL (errno set) if neither can be
 * opened. With pipe, it is read to a read of 0, not to a short one. */
static struct lines *lopen(const char *path, int pipe)
{
	struct lines *l;
	char *gz = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		fd = open(gz = fmt("%s.gz", path), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(gz);
		return NULL;
	}
	l = memset(xmalloc(sizeof *l), 0, sizeof *l);
	l->fd = fd;
	l->pipe = pipe;
	l->cap = 1 << 13;	/* doubled as a log proves long, up to 128 KiB */
	l->buf = xmalloc(l->cap + 1);
	l->path = gz ? gz : xstrdup(path);
	l->n = more(l);
	if (l->n >= 2 && !memcmp(l->buf, "\x1f\x8b", 2)) {
		l->n = l->eof = 0;
		if (lseek(fd, 0, SEEK_SET) || !(l->z = gzdopen(fd, "rb")))
			die(1, "%s:", l->path);
	} else if (!l->err && gzname(l->path)) {
		warn("%s: not in gzip format", l->path);
		l->n = 0, l->eof = l->err = 1;
	}
	return l;
}

struct lines *ln_open(const char *path)
{
	return lopen(path, 0);
}

struct lines *ln_pipe(const char *path)
{
	return lopen(path, 1);
}

/*
 * The next line, its newline replaced by a NUL, *len its length (a line
 * may hold NULs); NULL at the end. A last line with no newline is a line,
 * and sets l->torn.
 * It stays valid until the next call. On a read error (a truncated .gz)
 * it warns "path: message", sets l->err and ends.
 */
char *ln_get(struct lines *l, size_t *len)
{
	char *p, *s;

	for (;;) {
		s = l->buf + l->off;
		if ((p = memchr(s, '\n', l->n - l->off)) || (l->eof && l->n > l->off)) {
			if (!p)
				p = l->buf + l->n, l->torn = 1;
			*p = 0;
			l->off = p - l->buf + 1;
			if (l->off > l->n)
				l->off = l->n;
			l->line++;
			if (len)
				*len = p - s;
			return s;
		}
		if (l->eof)
			return NULL;
		memmove(l->buf, s, l->n -= l->off);
		l->off = 0;
		if (l->n == l->cap || (l->cap < 1 << 17 && l->line > 0))
			l->buf = xrealloc(l->buf, (l->cap *= 2) + 1);
		l->n += more(l);
	}
}

void ln_close(struct lines *l)
{
	if (!l)
		return;
	if (l->z)
		gzclose((gzFile)l->z);
	else
		close(l->fd);
	free(l->buf);
	free((char *)l->path);
	free(l);
}

/* Split a record at its tabs, in place, undoing \t \n \\; at most max
 * fields are kept. The number of fields it has, which may be more. */
int tsv_split(char *s, char **f, int max)
{
	char *w = s;
	size_t k;
	int n = 1;

	for (f[0] = s;; s++) {
		k = strcspn(s, "\t\\");	/* a field's plain bytes at once */
		w = w == s ? w + k : (char *)memmove(w, s, k) + k;
		if (!*(s += k))
			break;
		if (*s == '\t') {
			*w++ = 0;
			if (n < max)
				f[n] = w;
			n++;
		} else if (s[1]) {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else
			*w++ = *s;
	}
	*w = 0;
	return n;
}

/*
 * The next record of l (a copy, to free), its nf fields in f[], f[sf] a
 * step's plain directory name (not empty, ".", ".." nor with '/'); NULL at
 * the end. With l->old set, a record of that many fields (an earlier
 * version's) is one too, its other fields empty. A line that is
 * not such a record, or is cut short (no newline), is reported (unless
 * l->quiet) as "path:line: malformed record: why", skipped and counted in
 * l->bad.
 */
char *ln_rec(struct lines *l, char **f, int nf, int sf)
{
	const char *why;
	char *s;
	int n;

	while ((s = ln_get(l, NULL))) {
		n = l->torn ? 0 : tsv_split(s = xstrdup(s), f, nf);
		if (n && n == l->old)
			while (n < nf)
				f[n++] = "";
		if (n == nf && *f[sf] && strcmp(f[sf], ".") && strcmp(f[sf], "..")
		    && !strchr(f[sf], '/'))
			return s;
		why = l->torn ? "cut short" : n == nf ? "step not a directory "
		    "name" : l->old ? "expected %d fields (or %d)" : "expected %d fields";
		if (!l->quiet)
			warn_at(l->path, l->line, 0, fmt("malformed record: %s",
			    why), nf, l->old);
		l->bad++;
		if (!l->torn)
			free(s);
	}
	return NULL;
}

/* Compare the whole numbers that begin a and b, however long. */
int numcmp(const char *a, const char *b)
{
	size_t m, n;

	a += strspn(a, "0"), b += strspn(b, "0");
	m = strspn(a, "0123456789"), n = strspn(b, "0123456789");
	return m != n ? (m < n ? -1 : 1) : strncmp(a, b, m);
}

/* Whether a directory entry is a log cmd-N.log or cmd-N.log.gz. */
int iscmdlog(const struct dirent *e)
{
	const char *s = e->d_name + 4;

	s += strspn(s, "0123456789");
	return !strncmp(e->d_name, "cmd-", 4) && s > e->d_name + 4 &&
	    (!strcmp(s, ".log") || !strcmp(s, ".log.gz"));
}

static int isstep(const struct dirent *e)
{
	const char *s = e->d_name + strspn(e->d_name, "0123456789");

	return s > e->d_name && *s == '-';
}

static int bystr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add to b, with its NUL, "step", or with num "step\tN", N num's digits
 * without leading zeros. */
static void reckey(struct str *b, const char *step, const char *num)
{
	sputs(b, step);
	if (num) {
		num += strspn(num, "0");
		sadd(b, "\t", 1);
		sadd(b, num, strspn(num, "0123456789"));
	}
	sadd(b, "", 1);
}

/* The keys (reckey) of run's whole records in steps.tsv and commands.tsv,
 * sorted, in *nk; their bytes in b. One buffer, not a key each: a tree
 * of keys cost joe report an eighth of its instructions. The malformed
 * (ln_rec) are said and added to *bad, unless bad is NULL. */
static char **recorded(const char *run, struct str *b, int *nk, int *bad)
{
	struct lines *l;
	char *p, *s, *f[8], **k;
	size_t o;
	int i, n = 0;

	for (i = 0; i < 2; ln_close(l), free(p), i++) {
		if ((l = ln_open(p = fmt("%s/%s", run, i ? "commands.tsv" :
		    "steps.tsv"))))
			l->quiet = !bad;
		for (; l && (s = ln_rec(l, f, i ? 8 : 5, 0)); free(s))
			reckey(b, f[0], i ? f[1] : NULL), n++;
		if (l && bad)
			*bad += l->bad + l->err;
	}
	k = xmalloc((n + 1) * sizeof *k);
	for (*nk = 0, o = 0; o < b->n; o += strlen(b->s + o) + 1)
		k[(*nk)++] = b->s + o;
	qsort(k, *nk, sizeof *k, bystr);
	return k;
}

/*
 * What started in run and never finished: each step directory NN-name
 * with no record in steps.tsv, as "NN-name", and each log with no record
 * in commands.tsv, as "NN-name/cmd-NN.log" (or .gz), each said as
 * "run/that: did not finish"; their number in *n. With bad, the malformed
 * records of those files are said first and counted in *bad.
 * Inside a step of run ($JOE_OUTPUT, $JOE_STEP), that step is left out.
 */
char **unfinished(const char *run, int *n, int *bad,
    void (*each)(const char *step, struct dirent **e, int ne))
{
	struct dirent **d, **e = NULL;
	struct stat sb, o;
	char **u = NULL, *p, *s, *me = getenv("JOE_STEP"), **k;
	struct str b = { 0 }, q = { 0 };
	int i, j, nd, ne, err, nk;

	if (!me || !(s = getenv("JOE_OUTPUT")) || stat(s, &o) || stat(run, &sb)
	    || o.st_ino != sb.st_ino || o.st_dev != sb.st_dev)
		me = "";	/* else the step this runs in, going on */
	k = recorded(run, &b, &nk, bad);
	nd = scandir(run, &d, isstep, alphasort);
	for (*n = i = 0; i < nd; free(p), free(d[i++])) {
		p = fmt("%s/%s", run, d[i]->d_name);
		ne = d[i]->d_type != DT_DIR && (d[i]->d_type != DT_UNKNOWN ||
		    lstat(p, &sb) || !S_ISDIR(sb.st_mode)) ? -2 :
		    scandir(p, &e, NULL, alphasort);
		err = errno;
		for (j = -1; ne >= -1 && j < ne && strcmp(d[i]->d_name, me); j++) {
			if (j >= 0 && !iscmdlog(e[j]))
				continue;	/* the step, its logs */
			q.n = 0;
			reckey(&q, d[i]->d_name, j < 0 ? NULL : e[j]->d_name + 4);
			if (!bsearch(&q.s, k, nk, sizeof *k, bystr)) {
				u = xrealloc(u, (*n + 1) * sizeof *u);
				u[*n] = j < 0 ? xstrdup(q.s) : fmt("%s/%s",
				    d[i]->d_name, e[j]->d_name);
				fprintf(stderr, "%s/%s: did not finish\n", run,
				    u[(*n)++]);
			}
		}
		if (each && ne >= -1) {
			errno = err;	/* ne -1: why it cannot be listed */
			each(d[i]->d_name, e, ne);	/* it may keep some */
		}
		while (ne-- > 0)
			free(e[ne]);
		free(e), e = NULL;
	}
	if (nd >= 0)
		free(d);
	free(k), free(b.s), free(q.s);
	return u;
}

/*
 * Open path to write it whole: as path.tmp, renamed onto it by wclose(),
 * when path is a regular file or absent; else, with dev set, path itself
 * when it is a character device or fifo, or a symlink to one of those or
 * to a regular file. Anything else is refused: NULL with errno 0 after
 * "path: not a regular file"; NULL with errno set if it cannot be made.
 */
FILE *wopen(const char *path, int dev, char **tmp)
{
	struct stat sb;
	int fd;

	*tmp = NULL;
	if (!lstat(path, &sb) && !S_ISREG(sb.st_mode)) {
		if (dev && (stat(path, &sb) || S_ISREG(sb.st_mode) ||
		    S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode)))
			return fopen(path, "w");
		warn("%s: not a regular file", path);
		return errno = 0, NULL;
	}
	unlink(*tmp = fmt("%s.tmp", path));	/* not through a symlink */
	fd = open(*tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	return fd < 0 ? NULL : fdopen(fd, "w");
}

/* Close f, written by wopen(path, ..., tmp), and put it in place; 0, or
 * -1 after saying why not. */
int wclose(FILE *f, const char *path, char *tmp)
{
	int e = fflush(f) || ferror(f);

	if (fclose(f) || e || (tmp && rename(tmp, path))) {
		warn("cannot write %s:", path);
		if (tmp)
			unlink(tmp);
		return -1;
	}
	return 0;
}
