/* joe-get: copy files and directories from a target (lib/copy.c). */
#include "joe.h"

int main(int argc, char **argv)
{
	argv0 = "joe-get";
	return copy(argc, argv, 1);
}
