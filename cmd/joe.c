/*
 * joe: run joe-NAME (found beside this executable, then installed, then
 * along $PATH); joe -s runs joe-starter, joe help joe-help.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "joe.h"

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: joe command [arg...]\n"
	    "       joe -s -l | -s [-f] [package]\n"
	    "       joe help [command]\n"
	    "       joe -h | --version\n"
	    "commands: run config put get extract analyse report finish qemu\n");
	exit(rc);
}

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "-";
	char *p = getenv("PATH");

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
	argv[1] = sibling(fmt("joe-%s", a));
	execvp(argv[1], argv + 1);
	if (errno != ENOENT)
		die(1, "cannot run %s:", argv[1]);
	p = sibling("joe-help");
	execl(p, p, "-u", a, (char *)NULL);
	die(2, "no command '%s'", a);
}
