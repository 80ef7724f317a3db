/*
 * joe-put and joe-get: files and directories to and from a target, as a
 * tar stream through the transport. The receiving side unpacks into a
 * temporary directory beside the destination and renames at the end, so
 * nothing half copied is ever presented as complete.
 */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "joe.h"

/* $1: directory, $2: name in it. A first line says what follows: "f MODE
 * SIZE" and the bytes of a regular file, or "d" and a tar stream. With $3
 * h, only that line; with b, only what follows. A file that grows
 * meanwhile arrives with what was read of it. */
static const char sender[] =
    "cd -- \"$1\" || exit\n"
    "[ -e \"$2\" ] || [ -L \"$2\" ] || { echo \"$1/$2: no such file\" >&2; exit 1; }\n"
    "if [ -f \"$2\" ] && [ ! -L \"$2\" ]; then\n"
    "	[ \"$3\" = b ] || echo \"f $(stat -c '%a %s' -- \"$2\")\" || exit\n"
    "	[ \"$3\" = h ] || exec cat -- \"$2\"\n"
    "	exit\n"
    "fi\n"
    "[ \"$3\" = b ] || echo d\n"
    "[ \"$3\" = h ] || exec tar -cf - \"./$2\"\n";

/*
 * $1: destination, $2: name in the stream, $3: 1 if $1 must be a
 * directory. The stream is stdin or, given $4 and $5 (get), what they
 * print: $4 the first line, $5 the rest, so that a file goes straight
 * from ssh into place, as with scp (a pipe more costs a fifth of the
 * speed here).
 */
static const char receiver[] =
    "set -e\n"
    "if [ -d \"$1\" ]; then p=$1 n=$2 d=$1/$2\n"
    "elif [ \"$3\" = 1 ] || [ \"${1%/}\" != \"$1\" ]; then\n"
    "	echo \"$1: not a directory\" >&2; exit 1\n"
    "else case $1 in */*) p=${1%/*} n=${1##*/};; *) p=. n=$1;; esac\n"
    "	p=${p:-/} d=$1; fi\n"
    "[ -f \"$d\" ] || [ -d \"$d\" ] || [ -L \"$d\" ] || [ ! -e \"$d\" ] ||\n"
    "	{ echo \"$d: not a regular file or directory\" >&2; exit 1; }\n"
    "t=$(mktemp -d \"$p/.joe.XXXXXX\")\n"
    "trap 'rm -rf \"$t\"' EXIT\n"
    "trap 'exit 1' HUP INT TERM\n"
    "if [ \"$4\" ]; then h=$(eval \"$4\"); else read -r h || h=; fi\n"
    "b=${5-}\n"
    "src() { if [ \"$b\" ]; then eval \"$b\"; else cat; fi; }\n"
    "case $h in\n"
    "\"f \"*) set -- \"$1\" \"$2\" $h\n"
    "	src > \"$t/$2\" && chmod \"$4\" \"$t/$2\" &&\n"
    "	[ \"$(wc -c < \"$t/$2\")\" -ge \"$5\" ];;\n"
    "d) if [ \"$b\" ]; then src | tar -xof - -C \"$t\"; else tar -xof - -C \"$t\"; fi;;\n"
    "*) false;;\n"
    "esac || { r=$?; echo \"$1: not copied\" >&2; exit $((r == 255 ? r : 1)); }\n"
    "if [ -d \"$t/$2\" ] || [ -d \"$p/$n\" ] || [ -L \"$p/$n\" ]; then\n"
    "	rm -rf \"$p/$n\"\n"
    "fi\n"
    "mv -f \"$t/$2\" \"$p/$n\"\n";

/* put: sender | receiver, exiting with 255 if ssh failed on the receiving end,
 * else with the sender's status if it failed, else the receiver's (POSIX sh
 * has no pipefail; a sender killed by SIGPIPE must not hide ssh's 255). */
static const char pipeline[] =
    "exec 4>&1\n"
    "s=$({ { eval \"$1\" 3>&- 4>&-; echo $? >&3; } | eval \"$2\" >&4 3>&- 4>&-; } 3>&1)\n"
    "r=$?\n"
    "[ \"$r\" != 255 ] || exit 255\n"
    "[ \"$s\" = 0 ] || exit \"$s\"\n"
    "exit $r\n";

/* body with $1, $2... set to the strings that follow, up to NULL. */
static char *script(const char *body, ...)
{
	struct str s = { 0 };
	const char *a;
	va_list ap;

	sputs(&s, "set --");
	va_start(ap, body);
	while ((a = va_arg(ap, const char *)))
		sputs(&s, " "), squote(&s, a);
	va_end(ap);
	sputs(&s, "\n");
	sputs(&s, body);
	return s.s;
}

/* A shell line that runs script on t. */
static char *line(struct tp *t, const char *script)
{
	char **v = tp_argv(t, script, TP_DATA);
	int n = 0;

	while (v[n])
		n++;
	return tp_words(n, v);	/* n > 1: each word quoted */
}

static void usage(int get, int rc)
{
	fprintf(rc ? stderr : stdout, "usage: joe %s [-c config]... "
	    "[-D key=value]... [-t transport] source... dest\n",
	    get ? "get" : "put");
	exit(rc);
}

int copy(int argc, char **argv, int get)
{
	char **cf = xmalloc(argc * sizeof *cf), **df = xmalloc(argc * sizeof *df);
	char *tname = getenv("JOE_TRANSPORT"), *dest, *src, *dir, *base, *many;
	char p[PATH_MAX];
	char *v[7] = { "sh", "-c", (char *)pipeline, "joe" };
	int c, i, ncf = 0, ndf = 0, rc = 0, st;
	struct node *cfg;
	struct tp *t, *here;
	struct job j;
	struct stat sb;

	while ((c = getopt(argc, argv, "c:D:ht:")) != -1) {
		switch (c) {
		case 'c': cf[ncf++] = optarg; break;
		case 'D': df[ndf++] = optarg; break;
		case 'h': usage(get, 0); break;
		case 't': tname = optarg; break;
		default: usage(get, 2);
		}
	}
	if (argc - optind < 2)
		usage(get, 2);
	cfg = conf_config(cf, ncf, df, ndf);
	t = tp_open(cfg, tname && *tname ? tname : NULL, NULL);
	here = tp_open(cfg, "local", NULL);
	dest = argv[argc - 1];
	for (i = optind; i < argc - 1; i++) {
		base = basename(xstrdup(argv[i]));
		if (!strcmp(base, "/") || (get && (!strcmp(base, ".") ||
		    !strcmp(base, ".."))))
			die(2, "%s: name what to copy, not a directory above it",
			    argv[i]);
	}
	for (i = optind; i < argc - 1; i++) {
		src = argv[i];
		if (!get && lstat(src, &sb)) {
			warn("%s:", src);
			rc = 1;
			continue;
		}
		base = basename(xstrdup(src));
		if (!get && (!strcmp(base, ".") || !strcmp(base, "..")))
			src = realpath(src, p);	/* copied under its name */
		dir = dirname(xstrdup(src));
		base = basename(xstrdup(src));
		many = argc - optind > 2 ? "1" : "0";
		memset(&j, 0, sizeof j);
		j.argv = v;
		if (get) {	/* the receiver asks for the stream itself */
			j.argv = tp_argv(here, script(receiver, dest, base, many,
			    line(t, script(sender, dir, base, "h", NULL)),
			    line(t, script(sender, dir, base, "b", NULL)), NULL),
			    TP_DATA);
		} else {
			v[4] = line(here, script(sender, dir, base, "", NULL));
			v[5] = line(t, script(receiver, dest, base, many, NULL));
		}
		j.split = j.echo = 1;
		j.remote = t->host != NULL;
		st = job_here(&j, t->name, fmt("%s %s %s", get ? "get" : "put",
		    src, dest));
		if (st == ST_ERROR || sig_count())
			return sig_count() ? 128 + sig_last() : 255;
		rc |= st != ST_PASS;
	}
	return rc;
}
