/*
 * joe-box (make STATIC=1): every C command of joe in one executable, run
 * as the name it is called by, as busybox does. Linked statically, each
 * command alone carries its own copy of libc, libyaml and zlib: the seven
 * are 8.0 MB (7.2 stripped), where this one is 1.7 MB (1.5).
 */
#include <stdio.h>
#include <string.h>

int main_joe(int, char **), main_joe_run(int, char **),
    main_joe_config(int, char **), main_joe_extract(int, char **),
    main_joe_junit(int, char **), main_joe_analyse(int, char **),
    main_joe_report(int, char **);

static const struct {
	const char *name;
	int (*main)(int, char **);
} cmd[] = {
	{ "joe", main_joe }, { "joe-run", main_joe_run },
	{ "joe-config", main_joe_config }, { "joe-extract", main_joe_extract },
	{ "joe-junit", main_joe_junit }, { "joe-analyse", main_joe_analyse },
	{ "joe-report", main_joe_report },
};

int main(int argc, char **argv)
{
	const char *b = strrchr(argv[0], '/');
	size_t i;

	for (b = b ? b + 1 : argv[0], i = 0; i < sizeof cmd / sizeof *cmd; i++)
		if (!strcmp(b, cmd[i].name))
			return cmd[i].main(argc, argv);
	fprintf(stderr, "joe-box: called as %s: link me as joe or joe-NAME\n",
	    b);
	return 2;
}
