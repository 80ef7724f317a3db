/*
 * joe-config: print the merged configuration as key.path=value lines, one
 * value, or the transports.
 */
#include <stdlib.h>
#include <unistd.h>

#include "joe.h"

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout, "usage: joe config [-t] [-c config]... "
	    "[-D key=value]... [key]\n");
	exit(rc);
}

/* n as key.path=value lines, each value escaped as in records and its
 * secrets as *** */
static void print(struct node *n, const char *prefix)
{
	struct node *k;
	struct str b = { 0 };
	int i = 0;
	char *p;

	if (n->type == 's') {
		sesc(&b, sec_mask(n->val));
		printf("%s=%s\n", prefix, b.s ? b.s : "");
		free(b.s);
	}
	for (k = n->kid; k; k = k->next, i++) {
		if (n->type == 'l')
			p = fmt("%s.%d", prefix, i);
		else
			p = prefix ? fmt("%s.%s", prefix, k->key) : xstrdup(k->key);
		print(k, p);
		free(p);
	}
}

int main(int argc, char **argv)
{
	int c, tflag = 0;
	struct node *cfg, *n;

	argv0 = "joe-config";
	while ((c = getopt(argc, argv, "c:D:ht")) != -1) {
		switch (c) {
		case 'c': case 'D': conf_opt(c, optarg); break;
		case 'h': usage(0); break;
		case 't': tflag = 1; break;
		default: usage(2);
		}
	}
	if (argc - optind > 1 || (tflag && optind < argc))
		usage(2);
	sec_init(cfg = conf_config());
	tp_open(cfg, NULL, NULL);	/* checks every transport */
	if (tflag)
		for (n = conf_get(cfg, "transport")->kid; n; n = n->next)
			puts(n->key);
	else if (optind == argc)
		print(cfg, NULL);
	else if (!(n = conf_get(cfg, argv[optind])))
		die(1, "no key %s", argv[optind]);
	else if (n->type == 's')
		puts(n->val);
	else
		print(n, argv[optind]);
	return fflush(stdout) ? 1 : 0;
}
