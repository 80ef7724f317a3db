/*
 * Reading line-oriented files, plain or gzip-compressed alike (zlib reads
 * a plain file as it is): logs, and the tab-separated records of a run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "joe.h"

/* Open path, or path.gz when path is not there; NULL (errno set) if
 * neither can be opened. */
struct lines *ln_open(const char *path)
{
	struct lines *l;
	gzFile z = gzopen(path, "rb");
	char *gz = NULL;

	if (!z && errno == ENOENT && (gz = fmt("%s.gz", path)))
		z = gzopen(gz, "rb");
	if (!z) {
		free(gz);
		return NULL;
	}
	l = xmalloc(sizeof *l);
	memset(l, 0, sizeof *l);
	l->z = (void *)z;
	l->cap = 1 << 13;	/* doubled as a log proves long, up to 128 KiB */
	l->buf = xmalloc(l->cap + 1);
	l->path = gz ? gz : xstrdup(path);
	return l;
}

/*
 * The next line, its newline replaced by a NUL, *len its length (a line
 * may hold NULs); NULL at the end. A last line with no newline is a line.
 * It stays valid until the next call. On a read error (a truncated .gz)
 * it warns "path: message", sets l->err and ends.
 */
char *ln_get(struct lines *l, size_t *len)
{
	char *p, *s;
	int r, e;

	for (;;) {
		s = l->buf + l->off;
		if ((p = memchr(s, '\n', l->n - l->off)) || (l->eof && l->n > l->off)) {
			if (!p)
				p = l->buf + l->n;
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
		r = gzread((gzFile)l->z, l->buf + l->n, l->cap - l->n);
		if (r <= 0 && (gzerror((gzFile)l->z, &e), e != Z_OK)) {
			warn("%s", gzerror((gzFile)l->z, &e));
			l->err = 1;
			r = 0;
		}
		if (r == 0)
			l->eof = 1;
		l->n += r;
	}
}

void ln_close(struct lines *l)
{
	if (!l)
		return;
	gzclose((gzFile)l->z);
	free(l->buf);
	free((char *)l->path);
	free(l);
}

/* Split a record at its tabs, in place, undoing \t \n \\; at most max
 * fields (more are dropped). The number of fields. */
int tsv_split(char *s, char **f, int max)
{
	char *w = s;
	int n = 1;

	for (f[0] = s; *s; s++) {
		if (*s == '\t') {
			*w++ = 0;
			if (n < max)
				f[n] = w;
			n++;
		} else if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
	return n < max ? n : max;
}
