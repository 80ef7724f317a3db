/*
 * joe: run joe-NAME (found beside this executable, then installed, then
 * along $PATH); joe -s runs joe-starter; show the manual.
 */
#include <dirent.h>
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
	    "commands: run config put get extract analyse report qemu\n");
	exit(rc);
}

static void known(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char *p;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "joe-", 4) &&
		    !access(p = fmt("%s/%s", dir, e->d_name), X_OK))
			fprintf(stderr, " %s", e->d_name + 4), free(p);
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	const char *dirs[] = { exedir(), JOE_LIBEXEC }, *a = argv[1];
	char *p;

	if (argc < 2)
		usage(2);
	if (!strcmp(a, "-h") || !strcmp(a, "--help"))
		usage(0);
	if (!strcmp(a, "--version"))
		return puts("joe " JOE_VERSION) < 0;
	if (!strcmp(a, "help") && argc <= 3) {
		a = argc == 3 ? fmt("joe-%s", argv[2]) : "joe";
		p = fmt("%s/man/%s.1", dirs[0], a);
		if (access(p, R_OK) == 0)
			execlp("man", "man", "-l", p, (char *)NULL);
		else
			execlp("man", "man", a, (char *)NULL);
		die(1, "cannot run man:");
	}
	if (!strcmp(a, "-s"))
		a = "starter";
	if (*a == '-' || strchr(a, '/'))
		usage(2);
	/* As git does with its exec path: worklets and scripts that joe runs
	 * find this joe first. */
	p = getenv("PATH");
	setenv("PATH", fmt("%s:%s", dirs[0], p ? p : "/usr/bin:/bin"), 1);
	argv[1] = sibling(fmt("joe-%s", a));
	execvp(argv[1], argv + 1);
	if (errno != ENOENT)
		die(1, "cannot run %s:", argv[1]);
	fprintf(stderr, "joe: no command '%s'; these are here:", a);
	known(dirs[0]);
	known(JOE_LIBEXEC);
	fputc('\n', stderr);
	return 2;
}
