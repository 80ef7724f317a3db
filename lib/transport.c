/*
 * Transports: how a command line reaches a target. Each command becomes a
 * small sh script (environment, directory, command) that the transport
 * runs: locally as sh -c SCRIPT.
 */
#include <string.h>

#include "joe.h"

/* The transport called name, the default (first) one when name is NULL. */
struct node *tp_get(struct node *cfg, const char *name, const struct node *at)
{
	struct node *t = conf_get(cfg, "transport");

	for (t = t->kid; t && name && strcmp(t->key, name); t = t->next)
		;
	if (t && t->type == 'm')
		return t;
	if (t)
		fdie(t, "transport %s must be a mapping", name);
	if (at)
		fdie(at, "no transport '%s' in the config", name);
	die(2, "no transport '%s' in the config", name);
	return NULL;
}

static void exports(struct str *b, struct node *env)
{
	struct node *k;

	if (env && env->type != 'm')
		fdie(env, "env must be a mapping");
	for (k = env ? env->kid : NULL; k; k = k->next) {
		if (k->type != 's')
			fdie(k, "env.%s must be a plain value", k->key);
		if (!*k->key || strspn(k->key, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(k->key) ||
		    strchr("0123456789", *k->key))
			fdie(k, "'%s' is not an environment variable name", k->key);
		sputs(b, "export ");
		sputs(b, k->key);
		sputs(b, "=");
		squote(b, k->val);
		sputs(b, "\n");
	}
}

/* argv that runs cmd on transport tname with the config's env, then env,
 * exported, in directory cwd (when not NULL). */
char **tp_argv(struct node *cfg, const char *tname, struct node *env,
    const char *cwd, const char *cmd)
{
	struct str b = { 0 };
	char **argv = xmalloc(4 * sizeof *argv);

	tp_get(cfg, tname, NULL);
	exports(&b, conf_get(cfg, "env"));
	exports(&b, env);
	if (cwd) {
		sputs(&b, "cd ");
		squote(&b, cwd);
		sputs(&b, " || exit\n");
	}
	sputs(&b, cmd);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = b.s;
	argv[3] = NULL;
	return argv;
}
