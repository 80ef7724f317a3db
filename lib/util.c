#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "joe.h"

#ifndef JOE_PKGS
#define JOE_PKGS "/usr/local/share/joe/pkgs"
#endif

const char *argv0 = "joe";

/* Before main, in every command: a closed standard input, output or
 * error is opened on /dev/null, or the next file opened would take its
 * place (a log, then written to as our stdout as well). */
__attribute__((constructor)) static void std012(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd < 3)
		;
	if (fd > 2)
		close(fd);
}

/* "pre: what", pre a program's name or a place in a file ("file:line:col",
 * without :line or :col when 0); after a program's name, a format ending
 * in ':' adds strerror. */
static void say(const char *pre, long line, long col, const char *f,
    va_list ap)
{
	int e = errno;

	fprintf(stderr, !line ? "%s: " : col ? "%s:%ld:%ld: " : "%s:%ld: ",
	    pre, line, col);
	vfprintf(stderr, f, ap);
	if (pre == argv0 && *f && f[strlen(f) - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
}

void warn_at(const char *file, long line, long col, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	say(file, line, col, f, ap);
	va_end(ap);
}

void fdie(const struct node *at, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	say(at->file, at->line, at->col, f, ap);
	va_end(ap);
	exit(2);
}

void usage_exit(int rc, const char *text)
{
	fputs(text, rc ? stderr : stdout);
	exit(rc);
}

void *xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n ? n : 1)))
		die(1, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

/* Formatted once into a buffer of our own: twice only when it is long. */
char *fmt(const char *f, ...)
{
	va_list ap;
	char b[256], *s;
	int n;

	va_start(ap, f);
	n = vsnprintf(b, sizeof b, f, ap);
	va_end(ap);
	s = memcpy(xmalloc(n + 1), b, n < (int)sizeof b ? n + 1 : 0);
	va_start(ap, f);
	if (n >= (int)sizeof b)
		vsnprintf(s, n + 1, f, ap);
	va_end(ap);
	return s;
}

double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

double seconds(const char *s)
{
	char *e;
	double d = strtod(s, &e);

	return e > s && !*e && !s[strspn(s, "0123456789.")] && d >= 0.001 &&
	    d <= 2592000 ? d : 0;	/* decimal: not 0x10, " 5", 1e3 */
}

/* Whether s is a number and nothing else, as strtod reads it and in its
 * range; that number in *v. */
int number(const char *s, double *v)
{
	char *e;

	if (!s || !*s || isspace((unsigned char)*s))
		return 0;
	errno = 0;
	*v = strtod(s, &e);
	return !*e && !errno;
}

/* The length of the UTF-8 character at s (n bytes at most: a string's NUL
 * ends it too), its code point in *c; 0 if it is none. */
int utf8(const char *s, size_t n, unsigned *c)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k = *u < 0x80 ? 1 : *u < 0xc2 ? 0 : *u < 0xe0 ? 2 :
	    *u < 0xf0 ? 3 : *u < 0xf5 ? 4 : 0;

	*c = k > 1 ? *u & (0x7f >> k) : *u;
	for (i = 1; i < k; i++) {
		if (i >= n || (u[i] & 0xc0) != 0x80)
			return 0;
		*c = *c << 6 | (u[i] & 0x3f);
	}
	return *c < (k == 3 ? 0x800 : k == 4 ? 0x10000 : 0) ||
	    (*c >= 0xd800 && *c < 0xe000) || *c > 0x10ffff ? 0 : k;
}

/* Whether fd is a terminal that can redraw (TERM not dumb); with col, one
 * to write in colour too (NO_COLOR unset or empty, no-color.org). */
int terminal(int fd, int col)
{
	const char *n = getenv("NO_COLOR"), *t = getenv("TERM");

	return isatty(fd) && !(col && n && *n) && !(t && !strcmp(t, "dumb"));
}

char *stamp(void)
{
	struct timespec t;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &t);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", gmtime(&t.tv_sec));
	return fmt("%s.%03ldZ", s, t.tv_nsec / 1000000);
}

/* Linux's /proc/self/exe; where there is none, the build and install
 * directories are still found through JOE_LIBEXEC and JOE_PKGS. */
char *exedir(void)
{
	char p[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);

	if (n <= 0)
		return xstrdup(".");
	p[n] = 0;
	*strrchr(p, '/') = 0;
	return xstrdup(*p ? p : "/");
}

/* The executable NAME beside this one, else installed, else NAME itself
 * (for execvp() along $PATH). */
char *sibling(const char *name)
{
	char *p = fmt("%s/%s", exedir(), name);

	if (access(p, X_OK) && access(p = fmt("%s/%s", JOE_LIBEXEC, name), X_OK))
		return (char *)name;
	return p;
}

/* Where packages are: $JOE_PATH, then beside this executable, then
 * installed, separated by ':'. */
char *pkgpath(void)
{
	const char *jp = getenv("JOE_PATH");

	return fmt("%s:%s/pkgs:%s", jp ? jp : "", exedir(), JOE_PKGS);
}

/* The first PKG/FILE along pkgpath(); NULL if there is none. */
char *pkgfind(const char *pkg, const char *file)
{
	char *path = pkgpath(), *dir, *f;

	for (dir = strtok(path, ":"); dir; dir = strtok(NULL, ":")) {
		f = fmt("%s/%s/%s", dir, pkg, file);
		if (access(f, F_OK) == 0)
			return f;
		free(f);
	}
	return NULL;
}

void sadd(struct str *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap)
		b->s = xrealloc(b->s, b->cap = 2 * (b->n + n + 1));
	memcpy(b->s + b->n, s, n);
	b->s[b->n += n] = 0;
}

void sputs(struct str *b, const char *s)
{
	sadd(b, s, strlen(s));
}

/* The fields f, ..., NULL as one line of a record: each escaped (sesc),
 * tab-separated, ending in a newline; a new string. */
char *tsv(const char *f, ...)
{
	struct str b = { 0 };
	va_list ap;

	va_start(ap, f);
	for (; f; f = va_arg(ap, const char *))
		sesc(&b, f), sputs(&b, "\t");
	va_end(ap);
	b.s[b.n - 1] = '\n';
	return b.s;
}

void sesc(struct str *b, const char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n' || *s == '\\')
			sputs(b, *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : "\\\\");
		else
			sadd(b, s, 1);
}
