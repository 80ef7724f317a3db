/*
 * Transports: how a sh script reaches a target. Locally it runs as
 * sh -c SCRIPT; over ssh, through the system ssh with connection sharing,
 * as sh -c on the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "joe.h"

static const char *tkeys[] = { "host", "port", "user", "identity",
	"options", "known_hosts", "jump", "guest", NULL };

/*
 * On the target the login shell execs sh with this server, which reads a
 * token (on stdin, not seen in ps), then runs the commands joe sends it,
 * one a line (as one quoted sh word), one after
 * another, each in a subshell with stdin from /dev/null, and ends each
 * with a marker line "TOKEN STATUS" on stdout and stderr. "q" ends the
 * session; "k" or the end of its input (joe or the connection gone)
 * ends the command on the target: TERM to the session's process group
 * (see lead), KILL 2 s later. The command's subshell gets TERM
 * with the default action; its parent outlives it to write the marker.
 */
static const char server[] =
    "N='\n' p=\n"
    "IFS= read -r T || exit\n"
    "while IFS= read -r l; do\n"
    "	case $l in q) exit 0;; k) break;; esac\n"
    "	[ -z \"$p\" ] || wait \"$p\"\n"
    "	eval \"c=$l\"\n"
    "	{ trap : TERM; (unset N T p l S; eval \"$c\") </dev/null\n"
    "	r=$?; echo \"$T $r\"; echo \"$T $r\" >&2; } &\n"
    "	p=$!\n"
    "done\n"
    "trap '' TERM\n"
    "kill -TERM 0\n"
    "{ sleep 2; kill -KILL 0; } >/dev/null 2>&1 &\n"
    "[ -z \"$p\" ] || wait \"$p\"\n"
    "kill -KILL 0\n";

/* The server must lead its own process group: OpenSSH's sshd makes the
 * login shell lead one, dropbear does not (there kill 0 would end the
 * connection), and setsid would fork if it already did. */
static const char lead[] =
    "kill -0 -$$ 2>/dev/null || exec setsid sh -c \"$1\"\n"
    "S=$1; set --; eval \"$S\"\n";

/*
 * A transport that names a QEMU guest (joe-qemu(1)) gets what it does not
 * give itself from the guest: user (root if none), identity, known_hosts,
 * options, host 127.0.0.1, and the port joe qemu start wrote, read when a
 * command runs (the path of that file is kept in the transport map's val,
 * which a map has no use for).
 */
static void guest(struct node *q, struct node *t)
{
	static const char *from[] = { "user", "identity", "known_hosts", NULL };
	struct node *g = conf_get(t, "guest");
	char *path;
	int i;

	if (!(path = conf_str(q, "path")) || *path != '/')
		fdie(q, "qemu.guests.%s.path must be an absolute path", q->key);
	t->val = fmt("%s/ssh_port", path);
	if (!conf_get(t, "host"))
		conf_add(t, "host", "127.0.0.1", g);
	for (i = 0; from[i]; i++)
		if (!conf_get(t, from[i]) && (conf_str(q, from[i]) || !i))
			conf_add(t, from[i], i || conf_str(q, "user") ?
			    conf_str(q, from[i]) : "root", g);
	if (!conf_get(t, "options") && (g = conf_get(q, "options"))) {
		conf_add(t, "options", NULL, g);
		conf_get(t, "options")->type = 'l';
		conf_get(t, "options")->kid = g->kid;
	}
}

/* A transport to the guest whose section of qemu.guests is q. */
struct node *tp_guest(struct node *q)
{
	struct node *t = conf_add(NULL, "guest", q->key, q);

	guest(q, t);
	return t;
}

/* A command line of words: one word is a shell command line, several are
 * quoted one each (exec-like). */
char *tp_words(int argc, char **argv)
{
	struct str b = { 0 };
	int i;

	sputs(&b, "");
	for (i = 0; i < argc; i++) {
		if (i)
			sputs(&b, " ");
		if (argc == 1)
			sputs(&b, argv[i]);
		else
			squote(&b, argv[i]);
	}
	return b.s;
}

/* The transport called name, the default (first) one when name is NULL. */
struct node *tp_get(struct node *cfg, const char *name, const struct node *at)
{
	struct node *t = conf_get(cfg, "transport"), *k, *o;
	int i;

	for (t = t->kid; t && name && strcmp(t->key, name); t = t->next)
		;
	if (!t && at)
		fdie(at, "no transport '%s' in the config", name);
	if (!t)
		die(2, "no transport '%s' in the config", name);
	if (t->type != 'm')
		fdie(t, "transport %s must be a mapping", t->key);
	if (!strcmp(t->key, "local") && conf_get(t, "host"))
		fdie(t, "transport local is this machine: it takes no host");
	for (k = t->kid; k; k = k->next) {
		for (i = 0; tkeys[i] && strcmp(tkeys[i], k->key); i++)
			;
		if (!tkeys[i])
			fdie(k, "unknown transport key '%s'", k->key);
		if ((k->type != 's') != (i == 4) || (i == 4 && k->type != 'l'))
			fdie(k, "transport.%s.%s must be a %s", t->key, k->key,
			    i == 4 ? "list" : "plain value");
		for (o = i == 4 ? k->kid : NULL; o; o = o->next)
			if (o->type != 's')
				fdie(o, "ssh options must be plain values");
	}
	if ((k = conf_get(t, "guest")) && !t->val) {
		for (o = conf_get(cfg, "qemu"), o = o ? conf_get(o, "guests") :
		    NULL, o = o ? o->kid : NULL; o && strcmp(o->key, k->val);
		    o = o->next)
			;
		if (!o || o->type != 'm')
			fdie(k, "no guest '%s' in qemu.guests", k->val);
		guest(o, t);
	}
	return t;
}

/* env checked, its values added to v as NAME=value strings. */
static char **envs(struct node *env, char **v)
{
	struct node *k;
	int n = 0;

	for (; v && v[n]; n++)
		;
	for (k = conf_env(env); k; k = k->next) {
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = fmt("%s=%s", k->key, k->val);
		v[n] = NULL;
	}
	return v;
}

/* The script that runs cmd with the config's env, then env, exported, in
 * directory cwd (when not NULL). */
char *tp_script(struct node *cfg, struct node *env, const char *cwd,
    const char *cmd)
{
	struct str b = { 0 };
	char **v = envs(env, envs(conf_get(cfg, "env"), NULL));
	int i;

	for (i = 0; v && v[i]; i++)
		sputs(&b, "export "), squote(&b, v[i]), sputs(&b, "\n");
	if (cwd) {
		sputs(&b, "cd ");
		squote(&b, cwd);
		sputs(&b, " || exit\n");
	}
	sputs(&b, cmd);
	return b.s;
}

/* Connections are shared through sockets in a directory of this user's,
 * so that one run's master serves the next. */
static char *ctldir(void)
{
	static char *d;		/* the same for the whole process */
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat sb;

	if (d)
		return d;
	d = fmt("%s/joe-ssh-%ld", x && *x ? x : "/tmp", (long)getuid());
	if (mkdir(d, 0700) && errno != EEXIST)
		die(1, "cannot create %s:", d);
	if (lstat(d, &sb) || !S_ISDIR(sb.st_mode) || sb.st_uid != getuid() ||
	    (sb.st_mode & 077))
		die(1, "%s must be a directory of yours that only you can use", d);
	return d;
}

/* The port of a guest transport's guest, as joe qemu start wrote it. */
static char *guestport(struct node *t)
{
	char p[16] = "";
	FILE *f = fopen(t->val, "r");

	if (f && fgets(p, sizeof p, f))
		p[strcspn(p, "\n")] = 0;
	if (!*p)
		warn("transport %s: its guest is not running (no %s)", t->key,
		    t->val);
	if (f)
		fclose(f);
	return xstrdup(*p ? p : "0");
}

/* ssh's options for t: its own first (ssh takes the first value it is
 * given), then joe's defaults, so a config can override them. */
static int sshopts(char **v, struct node *t)
{
	struct node *k = conf_get(t, "options");
	char *kh = conf_str(t, "known_hosts"), *id = conf_str(t, "identity");
	int n = 0;

	for (k = k ? k->kid : NULL; k; k = k->next)
		v[n++] = "-o", v[n++] = k->val;
	if (kh)
		v[n++] = "-o", v[n++] = fmt("UserKnownHostsFile=%s", kh);
	if (id)
		v[n++] = "-i", v[n++] = id;
	v[n++] = "-o", v[n++] = "BatchMode=yes";
	v[n++] = "-o", v[n++] = "ConnectTimeout=10";
	v[n++] = "-o", v[n++] = "ServerAliveInterval=5";
	return n;
}

/* jump: [user@]host[:port] is reached with t's own key, known hosts and
 * options (ssh -J would use none of them, nor BatchMode). */
static char *jump(struct node *t, char **v, const char *j)
{
	struct str b = { 0 };
	char *h = xstrdup(j), *c = strrchr(h, ':'), *u = strchr(h, '@');
	int i, n = sshopts(v, t);

	if (c)
		*c = 0, v[n++] = "-p", v[n++] = c + 1;
	if (u)
		*u = 0, v[n++] = "-l", v[n++] = h;
	v[n++] = "-W", v[n++] = "[%h]:%p", v[n++] = "--";
	v[n++] = u ? u + 1 : h;
	sputs(&b, "ProxyCommand=ssh");
	for (i = 0; i < n; i++)
		sputs(&b, " "), squote(&b, v[i]);
	return b.s;
}

/*
 * argv that runs script on transport t: how is TP_DATA (stdin is data),
 * TP_TTY (interactive, with a pty) or TP_RUN: locally sh -c script, over
 * ssh a session (script unused).
 */
char **tp_argv(struct node *t, const char *script, int how)
{
	struct node *k = conf_get(t, "options");
	char **v, *host = conf_str(t, "host"), *s;
	struct str b = { 0 };
	int n = 0;

	for (k = k ? k->kid : NULL; k; k = k->next)
		n++;
	v = xmalloc((40 + 4 * n) * sizeof *v);
	if (!host) {
		v[0] = "/bin/sh", v[1] = "-c", v[2] = (char *)script, v[3] = NULL;
		return v;
	}
	if ((s = conf_str(t, "jump")))
		s = jump(t, v, s);
	n = 0;
	v[n++] = "ssh";
	if (s)
		v[n++] = "-o", v[n++] = s;
	n += sshopts(v + n, t);
	v[n++] = "-o", v[n++] = "ControlMaster=auto";
	v[n++] = "-o", v[n++] = fmt("ControlPath=%s/%%C", ctldir());
	v[n++] = "-o", v[n++] = "ControlPersist=60";
	if (conf_str(t, "port"))
		v[n++] = "-p", v[n++] = conf_str(t, "port");
	else if (t->val)
		v[n++] = "-p", v[n++] = guestport(t);
	if (conf_str(t, "user"))
		v[n++] = "-l", v[n++] = conf_str(t, "user");
	if (how == TP_TTY)
		v[n++] = "-t";
	v[n++] = "--";
	v[n++] = host;
	sputs(&b, "exec sh -c ");
	squote(&b, how == TP_RUN ? lead : script);
	if (how == TP_RUN)
		sputs(&b, " joe "), squote(&b, server);
	v[n++] = b.s;
	v[n] = NULL;
	return v;
}

/* Set up j to run cmd (see tp_script) on t: locally as sh -c, its env in
 * j->env (not in argv, seen in ps); over ssh in t's session (one a
 * process), as a line of sh that sets c to the script. */
void tp_job(struct job *j, struct node *t, struct node *cfg, struct node *env,
    const char *cwd, const char *cmd)
{
	static struct node **tp;
	static struct sess **ss;
	static int n;
	unsigned char r[16];
	struct str b = { 0 };
	char *tok, *script;
	int i, fd;

	j->sess = NULL;
	j->line = NULL;
	j->env = NULL;
	if (!conf_str(t, "host")) {
		j->env = envs(env, envs(conf_get(cfg, "env"), NULL));
		j->argv = tp_argv(t, tp_script(NULL, NULL, cwd, cmd), TP_RUN);
		return;
	}
	script = tp_script(cfg, env, cwd, cmd);
	j->argv = NULL;
	for (i = 0; i < n && tp[i] != t; i++)
		;
	if (i == n) {
		tp = xrealloc(tp, (n + 1) * sizeof *tp);
		ss = xrealloc(ss, (n + 1) * sizeof *ss);
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, r, sizeof r) != sizeof r)
			die(1, "cannot read /dev/urandom:");
		close(fd);
		tok = xmalloc(2 * sizeof r + 1);
		for (i = 0; i < (int)sizeof r; i++)
			sprintf(tok + 2 * i, "%02x", r[i]);
		if (!n)
			atexit(sess_quit);
		tp[n] = t;
		ss[n] = sess_new(tp_argv(t, NULL, TP_RUN), tok);
		i = n++;
	}
	j->sess = ss[i];
	sputs(&b, "'");
	for (; *script; script++)
		sputs(&b, *script == '\'' ? "'\\''" : *script == '\n' ?
		    "'\"$N\"'" : (char[2]){ *script, 0 });
	sputs(&b, "'\n");
	j->line = b.s;
	j->split = 1;
}
