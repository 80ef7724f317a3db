/*
 * joe: run joe-NAME (found beside this executable, then installed, then
 * along $PATH); joe -s runs joe-starter, joe help joe-help. The C
 * commands are inside joe too, run without a second exec (joe(1)); joe
 * called by one of their names (a hard link: make STATIC=1) is that one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joe.h"

int main_joe_run(int, char **), main_joe_config(int, char **),
    main_joe_extract(int, char **), main_joe_junit(int, char **),
    main_joe_analyse(int, char **), main_joe_report(int, char **);

static const struct {
	const char *name;
	int (*main)(int, char **);
} box[] = {
	{ "joe-run", main_joe_run }, { "joe-config", main_joe_config },
	{ "joe-extract", main_joe_extract }, { "joe-junit", main_joe_junit },
	{ "joe-analyse", main_joe_analyse }, { "joe-report", main_joe_report },
};

/* argv run by the C command named argv[0] (a path or not); 0 if none is. */
static int boxed(int argc, char **argv, int *rc)
{
	const char *b = strrchr(argv[0], '/');
	size_t i;

	for (b = b ? b + 1 : argv[0], i = 0; i < sizeof box / sizeof *box; i++)
		if (!strcmp(b, box[i].name))
			return *rc = box[i].main(argc, argv), 1;
	return 0;
}

#define usage(rc) usage_exit(rc, \
	"usage: joe command [arg...]\n" \
	"       joe -s -l | -s [-f] [package]\n" \
	"       joe help [command]\n" \
	"       joe -h | --version\n" \
	"commands: run config put get extract analyse report finish qemu\n")

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "-";
	char *p = getenv("PATH");
	int rc;

	if (boxed(argc, argv, &rc))
		return rc;
	if (!strcmp(a, "-h") || !strcmp(a, "--help"))
		usage(0);
	if (!strcmp(a, "--version"))
		return puts("joe " JOE_VERSION) < 0;
	if (!strcmp(a, "-s"))
		a = "starter";
	if (*a == '-' || strchr(a, '/'))
		usage(2);
	/* As git does with its exec path: worklets and scripts that joe runs
	 * find this joe first. */
	setenv("PATH", fmt("%s:%s", exedir(), p ? p : "/usr/bin:/bin"), 1);
	argv[1] = fmt("joe-%s", a);
	if (boxed(argc - 1, argv + 1, &rc))
		return rc;
	argv[1] = sibling(argv[1]);
	execvp(argv[1], argv + 1);
	if (errno != ENOENT)
		die(1, "cannot run %s:", argv[1]);
	p = sibling("joe-help");
	execl(p, p, "-u", a, (char *)NULL);
	die(2, "no command '%s'", a);
}
