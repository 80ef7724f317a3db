/*
 * Transports: how a sh script reaches a target. Locally it runs as
 * sh -c SCRIPT; over ssh, through the system ssh with connection sharing,
 * as sh -c on the target.
 */
#define _DEFAULT_SOURCE	/* getentropy */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "joe.h"

static const char *const tkeys[] = { "loptions", "shost", "sport",
	"suser", "sidentity", "sknown_hosts", "sjump", "sguest", NULL };

/* The session server: session.sh, built in (see there) */
static const char server[] =
#include "session.inc"
    ;

/* The server must lead its own process group: OpenSSH's sshd makes the
 * login shell lead one, dropbear does not (there kill 0 would end the
 * connection), and setsid would fork if it already did. */
static const char lead[] =
    "kill -0 -$$ 2>/dev/null || exec setsid sh -c \"$1\"\n"
    "S=$1; set --; eval \"$S\"\n";

/* s as one sh word; with nl, always quoted and on one line, a newline
 * as "$N" (a session's line: see session.sh) */
static void squote(struct str *b, const char *s, int nl)
{
	if (!nl && *s && !s[strspn(s, WORDCHARS "@%+=:,./-")]) {
		sputs(b, s);
		return;
	}
	sputs(b, "'");
	for (; *s; s++)
		sputs(b, *s == '\'' ? "'\\''" : nl && *s == '\n' ? "'\"$N\"'" :
		    (char[2]){ *s, 0 });
	sputs(b, "'");
}

/* A command line of words: one word is a shell command line, several are
 * quoted one each (exec-like). */
char *tp_words(int argc, char **argv)
{
	struct str b = { 0 };
	int i;

	for (i = 0; argc > 1 && i < argc; i++)
		sputs(&b, i ? " " : ""), squote(&b, argv[i], 0);
	return argc > 1 ? b.s : argc ? argv[0] : "";
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

/* ssh's options for t: its own first (ssh takes the first value it is
 * given), then joe's defaults, so a config can override them; then port
 * and user if not NULL. */
static int sshopts(char **v, struct node *t, char *port, char *user)
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
	if (port)
		v[n++] = "-p", v[n++] = port;
	if (user)
		v[n++] = "-l", v[n++] = user;
	return n;
}

/* jump: [user@]host[:port] is reached with t's own key, known hosts and
 * options (ssh -J would use none of them, nor BatchMode). */
static char *jump(struct node *t, char **v, const char *j)
{
	char *h = xstrdup(j), *c = strrchr(h, ':'), *u = strchr(h, '@');
	int n;

	if (c)
		*c = 0;
	if (u)
		*u = 0;
	n = sshopts(v, t, c ? c + 1 : NULL, u ? h : NULL);
	v[n++] = "-W", v[n++] = "[%h]:%p", v[n++] = "--";
	v[n++] = u ? u + 1 : h;
	return fmt("ProxyCommand=ssh %s", tp_words(n, v));	/* n > 1 */
}

/* p->ssh from t: a guest's ssh_config, what the transport gives itself
 * on the command line, which wins over the file. */
static void sshargv(struct tp *p, struct node *t)
{
	struct node *k = conf_get(t, "options");
	char **v, *s = conf_str(t, "jump");
	int n = 0;

	for (k = k ? k->kid : NULL; k; k = k->next)
		n++;
	/* jump's argv, then ours in its place: sshopts's 2 slots an option
	 * and 14 more, then 4 more in jump or 11 more here */
	v = p->ssh = xmalloc((2 * n + 25) * sizeof *v);
	s = s ? jump(t, v, s) : NULL;
	n = 0;
	v[n++] = "ssh";
	if (p->guest)
		v[n++] = "-F", v[n++] = p->guest;
	if (s)
		v[n++] = "-o", v[n++] = s;
	n += sshopts(v + n, t, conf_str(t, "port"), conf_str(t, "user"));
	v[n++] = "-o", v[n++] = "ControlMaster=auto";
	v[n++] = "-o", v[n++] = "ControlPersist=60";
	if (p->guest && (s = conf_str(t, "host")))
		v[n++] = "-o", v[n++] = fmt("HostName=%s", s);
	p->nssh = n;
}

/* A transport from its map t, checked; a guest's is its ssh_config in
 * qemu.guests.GUEST.path (joe qemu start writes it). */
static struct tp *tp_new(struct node *cfg, struct node *t)
{
	struct tp *p = memset(xmalloc(sizeof *p), 0, sizeof *p);
	struct node *g = conf_get(t, "guest"), *q = conf_get(cfg, "qemu.guests");
	struct node *o = conf_get(t, "options");
	char *path;

	conf_check(t, tkeys, "transport");
	if (!strcmp(t->key, "local") && (conf_get(t, "host") || g))
		fdie(t, "transport local is this machine: it takes no host "
		    "nor guest");
	for (o = o ? o->kid : NULL; o; o = o->next)
		if (o->type != 's')
			fdie(o, "ssh options must be plain values");
	p->name = t->key, p->env = conf_get(cfg, "env");
	if ((p->host = conf_str(t, "host")) && !*p->host)
		fdie(conf_get(t, "host"), "host must not be empty");
	if (g) {
		q = q && q->type == 'm' ? conf_child(q, g->val) : NULL;
		if (!q || q->type != 'm')
			fdie(g, "no guest '%s' in qemu.guests", g->val);
		if (!(path = conf_str(q, "path")) || *path != '/')
			fdie(q, "qemu.guests.%s.path must be an absolute path",
			    q->key);
		p->guest = fmt("%s/ssh_config", path);
		p->host = g->val;
	}
	if (p->host)
		sshargv(p, t);
	return p;
}

/* Why guest transport t gives no answer, when its serial log tells: the
 * line its kernel panicked with; else NULL. */
char *tp_dead(struct tp *t)
{
	char b[4097], *p;
	int fd, n = 0;

	if (!t->guest || (fd = open(p = fmt("%.*s/serial.log",
	    (int)strlen(t->guest) - 11, t->guest), O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	free(p);
	if (lseek(fd, -4096, SEEK_END) >= 0 || errno == EINVAL)
		n = read(fd, b, 4096);
	close(fd);
	b[n > 0 ? n : 0] = '\0';
	if (!(p = strstr(b, "Kernel panic - not syncing")))
		return NULL;
	return fmt("its guest's kernel panicked: %.*s", (int)strcspn(p, "\r\n"),
	    p);
}

/* The transport called name, the default (first) one when name is NULL;
 * the first call checks every one of cfg's (the same cfg each time). */
struct tp *tp_open(struct node *cfg, const char *name, const struct node *at)
{
	static struct tp *all;
	struct tp *p, **pp = &all;
	struct node *t;

	for (t = all ? NULL : conf_get(cfg, "transport")->kid; t; t = t->next)
		pp = &(*pp = tp_new(cfg, t))->next;
	for (p = all; p && name && strcmp(p->name, name); p = p->next)
		;
	if (!p && at)	/* the name may have come from a secret */
		fdie(at, "no transport '%s' in the config", sec_mask(name));
	if (!p)
		die(2, "no transport '%s' in the config", sec_mask(name));
	return p;
}

/* The NAME=value strings of env a, then b, checked. */
static char **envs(struct node *a, struct node *b)
{
	struct node *e[2] = { a, b }, *k;
	char **v = NULL;
	int i, n = 0;

	for (i = 0; i < 2; i++)
		for (k = conf_env(e[i]); k; k = k->next) {
			v = xrealloc(v, (n + 2) * sizeof *v);
			v[n++] = fmt("%s=%s", k->key, k->val);
			v[n] = NULL;
		}
	return v;
}

/* The script that runs cmd on t (NULL: no env) with the config's env,
 * then env, exported, in directory cwd (when not NULL). */
char *tp_script(struct tp *t, struct node *env, const char *cwd,
    const char *cmd)
{
	struct str b = { 0 };
	char **v = t ? envs(t->env, env) : NULL;

	for (; v && *v; v++)
		sputs(&b, "export "), squote(&b, *v, 0), sputs(&b, "\n");
	if (cwd)
		sputs(&b, "cd "), squote(&b, cwd, 0), sputs(&b, " || exit\n");
	sputs(&b, cmd);
	return b.s;
}

/*
 * argv that runs script on transport t: how is TP_DATA (stdin is data),
 * TP_TTY (interactive, with a pty) or TP_RUN: locally sh -c script, over
 * ssh a session (script unused).
 */
char **tp_argv(struct tp *t, const char *script, int how)
{
	char **v = xmalloc((t->nssh + 7) * sizeof *v);
	struct str b = { 0 };
	int n = t->nssh;

	if (!t->host)
		return memcpy(v, (char *[]){ "/bin/sh", "-c", (char *)script,
		    NULL }, 4 * sizeof *v);
	if (t->guest && access(t->guest, F_OK))
		warn("transport %s: its guest is not running (no %s)", t->name,
		    t->guest);
	memcpy(v, t->ssh, n * sizeof *v);
	v[n++] = "-o", v[n++] = fmt("ControlPath=%s/%%C", ctldir());
	if (how == TP_TTY)
		v[n++] = "-t";
	v[n++] = "--";
	v[n++] = t->host;
	sputs(&b, "exec sh -c ");
	squote(&b, how == TP_RUN ? lead : script, 0);
	if (how == TP_RUN)
		sputs(&b, " joe "), squote(&b, server, 0);
	v[n++] = b.s;
	v[n] = NULL;
	return v;
}

/* t's session (one a process), started the first time, its token new. */
static struct sess *session(struct tp *t)
{
	unsigned r[4];

	if (t->sess)
		return t->sess;
	if (getentropy(r, sizeof r))	/* the kernel's /dev/urandom */
		die(1, "cannot read /dev/urandom:");
	return t->sess = sess_new(tp_argv(t, NULL, TP_RUN),
	    fmt("%08x%08x%08x%08x", r[0], r[1], r[2], r[3]));
}

/* Set up j to run cmd (see tp_script) on t: locally as sh -c, its env in
 * j->env (not in argv, seen in ps); over ssh in t's session, as a line of
 * sh that sets c to the script. */
void tp_job(struct job *j, struct tp *t, struct node *env, const char *cwd,
    const char *cmd)
{
	struct str b = { 0 };
	char *s = tp_script(t->host ? t : NULL, env, cwd, cmd);

	j->sess = NULL, j->line = NULL, j->env = NULL, j->argv = NULL;
	if (!t->host) {
		j->env = envs(t->env, env);
		j->argv = tp_argv(t, s, TP_RUN);
		return;
	}
	j->sess = session(t);
	squote(&b, s, 1);
	sputs(&b, "\n");
	j->line = b.s;
	j->split = 1;
}
