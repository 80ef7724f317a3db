/*
 * xmlfloor FILE: parse FILE with expat and no handlers, nothing else: the
 * floor for joe extract of a JUnit file in make bench (what any reader
 * that parses XML pays before it looks at a test case).
 */
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char b[1 << 16];
	XML_Parser p = XML_ParserCreate(NULL);
	ssize_t n;
	int fd;

	if (argc != 2 || !p || (fd = open(argv[1], O_RDONLY)) < 0)
		return perror(argc == 2 ? argv[1] : "usage: xmlfloor file"), 1;
	do {
		if ((n = read(fd, b, sizeof b)) < 0)
			return perror(argv[1]), 1;
		if (XML_Parse(p, b, n, n == 0) != XML_STATUS_OK)
			return fprintf(stderr, "%s:%lu: %s\n", argv[1],
			    XML_GetCurrentLineNumber(p),
			    XML_ErrorString(XML_GetErrorCode(p))), 1;
	} while (n > 0);
	return 0;
}
