/*
 * joe-config: print the merged configuration as key.path=value lines, one
 * value, the transports, or for programs every node with its place.
 */
#include <stdlib.h>
#include <unistd.h>

#include "joe.h"

#define usage(rc) usage_exit(rc, "usage: joe config [-pt] [-c config]... " \
	"[-D key=value]... [key]\n")

static int pflag;

/* n as key.path=value lines, each value escaped as in records and its
 * secrets as ***; with -p each node as "FILE:LINE:COL TYPE key.path
 * value", tab-separated, the value as it is but escaped. */
static void print(struct node *n, const char *prefix)
{
	struct node *k;
	struct str b = { 0 }, q = { 0 };
	int i = 0;
	char *p;

	if (n->type == 's')
		sesc(&b, pflag ? n->val : sec_mask(n->val));
	sesc(&q, prefix ? prefix : "");	/* a key may hold a tab, a newline */
	if (pflag && prefix)
		printf("%s:%d:%d\t%c\t%s\t%s\n", n->file, n->line, n->col,
		    n->type, q.s, b.s ? b.s : "");
	else if (n->type == 's')
		printf("%s=%s\n", q.s, b.s ? b.s : "");
	free(b.s), free(q.s);
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
	while ((c = getopt(argc, argv, "c:D:hpt")) != -1) {
		switch (c) {
		case 'c': case 'D': conf_opt(c, optarg); break;
		case 'h': usage(0); break;
		case 'p': pflag = 1; break;
		case 't': tflag = 1; break;
		default: usage(2);
		}
	}
	if (argc - optind > 1 || (tflag && (optind < argc || pflag)))
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
	else if (n->type == 's' && !pflag)
		puts(n->val);
	else
		print(n, argv[optind]);
	return fflush(stdout) ? 1 : 0;
}
