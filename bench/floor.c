/*
 * floor DIR...: read every file under each DIR and nothing else (readdir,
 * then open, read to the end, close), the floor for joe report and joe
 * extract over many runs in make bench.
 */
#define _DEFAULT_SOURCE	/* d_type */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int walk(const char *dir)
{
	static char b[1 << 16];
	char p[4096];
	struct dirent *e;
	DIR *d = opendir(dir);
	int fd;

	if (!d)
		return perror(dir), 1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			if (walk(p))
				return 1;
		} else if ((fd = open(p, O_RDONLY)) >= 0) {
			while (read(fd, b, sizeof b) > 0)
				;
			close(fd);
		}
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (walk(argv[i]))
			return 1;
	return 0;
}
