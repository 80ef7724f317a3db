/* joe-put: copy files and directories to a target (lib/copy.c). */
#include "joe.h"

int main(int argc, char **argv)
{
	argv0 = "joe-put";
	return copy(argc, argv, 0);
}
