/*
 * joe-junit: the tests of JUnit XML on stdin, streamed through expat, as
 * joe-extract's plug-in lines (joe-extract(1)): testsuites, testsuite
 * (nested; its name the suite of testcases without file or classname),
 * testcase with failure, error or skipped (the first of failure or error
 * counts, over a skipped); their message attribute, else the first line
 * of their text. $JOE_LOG names the file in messages.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <expat.h>

#include "joe.h"

struct jx {
	XML_Parser p;
	struct str msg;		/* of the testcase's result so far */
	char **ts;		/* testsuite names */
	char *suite, *name, *sec;	/* the testcase */
	const char *st;		/* its status; NULL outside one */
	char *why;		/* why the parser was stopped, where: */
	long line, col;
	int nts, depth, text;	/* text: msg wants the text */
};

/* A plug-in's test line, its fields escaped as records are. */
static void testline(const char *suite, const char *name, const char *st,
    const char *sec, const char *msg)
{
	static struct str b;

	b.n = 0;
	sputs(&b, "test\t"), sesc(&b, suite), sputs(&b, "\t"), sesc(&b, name);
	sputs(&b, "\t"), sputs(&b, st), sputs(&b, "\t"), sputs(&b, sec);
	sputs(&b, "\t"), sesc(&b, msg), sputs(&b, "\n");
	fwrite(b.s, 1, b.n, stdout);
}

static const char *attr(const char **a, const char *k)
{
	for (; *a; a += 2)
		if (!strcmp(*a, k))
			return a[1];
	return NULL;
}

static void XMLCALL jstart(void *u, const char *el, const char **a)
{
	struct jx *j = u;
	const char *v;
	double x;

	if (!j->depth++ && strcmp(el, "testsuites") && strcmp(el, "testsuite")) {
		j->why = fmt("<%s> is not JUnit's <testsuites> or <testsuite>", el);
		j->line = XML_GetCurrentLineNumber(j->p);
		j->col = XML_GetCurrentColumnNumber(j->p) + 1;
		XML_StopParser(j->p, XML_FALSE);
	} else if (!strcmp(el, "testsuite")) {
		j->ts = xrealloc(j->ts, (j->nts + 1) * sizeof *j->ts);
		j->ts[j->nts++] = xstrdup((v = attr(a, "name")) ? v : "");
	} else if (!strcmp(el, "testcase")) {
		v = attr(a, "file") ? attr(a, "file") : attr(a, "classname");
		j->suite = xstrdup(v ? v : j->nts ? j->ts[j->nts - 1] : "");
		j->name = xstrdup((v = attr(a, "name")) ? v : "");
		v = attr(a, "time");
		j->sec = xstrdup(number(v, &x) && x >= 0 && isfinite(x) ? v : "");
		j->st = "pass", j->msg.n = 0, sputs(&j->msg, "");
	} else if (j->st && (!strcmp(el, "failure") || !strcmp(el, "error") ||
	    !strcmp(el, "skipped")) && (*j->st == 'p' || (*j->st == 's' &&
	    *el != 's'))) {
		j->st = *el == 'f' ? "fail" : *el == 'e' ? "error" : "skip";
		j->msg.n = 0, sputs(&j->msg, (v = attr(a, "message")) ? v : "");
		j->text = !j->msg.s[strspn(j->msg.s, " \t\r\n")];
	}
}

static void XMLCALL jend(void *u, const char *el)
{
	struct jx *j = u;
	const char *s;
	size_t n;

	j->depth--, j->text = 0;
	if (!strcmp(el, "testsuite") && j->nts)
		free(j->ts[--j->nts]);
	else if (!strcmp(el, "testcase") && j->st) {	/* its message's line */
		s = j->msg.s + strspn(j->msg.s, " \t\r\n");
		for (n = strcspn(s, "\r\n"); n && (s[n - 1] == ' ' ||
		    s[n - 1] == '\t');)
			n--;
		s = fmt("%.*s", (int)n, s);
		testline(j->suite, j->name, j->st, j->sec, s);
		free((char *)s), free(j->suite), free(j->name), free(j->sec);
		j->st = NULL;
	}
}

static void XMLCALL jtext(void *u, const char *s, int n)
{
	struct jx *j = u;

	if (j->text && j->msg.n < 4096)		/* enough for a first line */
		sadd(&j->msg, s, n);
}

/* Bad XML is bad input (exit 2), and a test of status error named after
 * the file. */
int main(int argc, char **argv)
{
	static char buf[1 << 16];	/* setvbuf() keeps no size without one */
	struct jx j = { 0 };
	const char *log = getenv("JOE_LOG"), *b;
	int n, ok;

	argv0 = "joe-junit";
	if (argc > 1)
		usage_exit(strcmp(argv[1], "-h") ? 2 : 0,
		    "usage: joe junit < file.xml\n");
	log = log && *log ? log : "-";
	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	b = strrchr(log, '/') ? strrchr(log, '/') + 1 : log;
	if (!(j.p = XML_ParserCreate(NULL)))
		die(1, "out of memory");
	XML_SetUserData(j.p, &j);
	XML_SetElementHandler(j.p, jstart, jend);
	XML_SetCharacterDataHandler(j.p, jtext);
	do {
		if ((n = read(0, XML_GetBuffer(j.p, 1 << 16), 1 << 16)) < 0)
			die(1, "%s:", log);
		ok = XML_ParseBuffer(j.p, n, !n);
	} while (ok && n);
	if (!ok && !j.why) {
		j.why = xstrdup(XML_ErrorString(XML_GetErrorCode(j.p)));
		j.line = XML_GetCurrentLineNumber(j.p);
		j.col = XML_GetCurrentColumnNumber(j.p) + 1;
	}
	if (!ok) {
		warn_at(log, j.line, j.col, "%s", j.why);
		testline(b, b, "error", "", fmt("%ld:%ld: %s", j.line, j.col,
		    j.why));
	}
	return fflush(stdout) ? 1 : ok ? 0 : 2;
}
