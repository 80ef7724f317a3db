/*
 * The one place where joe starts a process. The child runs in its own
 * process group with stdin from /dev/null; its output goes to the log as
 * it arrives. A deadline or a signal to us ends the whole group: the signal
 * (or TERM), then KILL after JOE_GRACE seconds. A command for a session
 * is written to the session's stdin instead, and "k" ends it. No local
 * command outlives us (see guardian()).
 */
#define _GNU_SOURCE	/* pipe2, vfork, execvpe, closefrom */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "joe.h"

#define BUFSZ 65536	/* a partial line longer than this is logged as is */

int rec_lost;	/* a log here, or a record in rec.c, not written whole */

/* Count a file not written whole; say so the first time for each kind
 * (a bit: the logs, each record file), as a full disk fails them all. */
void lost(const char *path, int kind)
{
	static int said;

	rec_lost++;
	if (!(said & kind))
		warn("cannot write %s:", path);
	said |= kind;
}

const char *const stname[] = {
	"pass", "fail", "error", "timeout", "skip", "interrupted"
};

struct stream {
	int fd, to;
	size_t n;
	char buf[BUFSZ];
};

/* A remote sh fed its token, then one command after another (see
 * transport.c): each ends with a marker line "TOKEN STATUS" on stdout
 * and on stderr. */
struct sess {
	char **argv;
	const char *tok;
	pid_t pid;		/* its ssh, 0 when not running */
	int in;
	struct stream s[2];	/* what came after a marker waits here */
	struct sess *next;
};
static struct sess *sessions;

/* Signals reach the poll loop through this pipe. */
static int sigp[2] = { -1, -1 };
volatile sig_atomic_t nsig, lastsig;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };

static void onsig(int s)
{
	int e = errno;
	char c = s;

	if (s != SIGCHLD) {
		nsig++;
		lastsig = s;
	}
	(void)!write(sigp[1], &c, 1);	/* full: a wake-up is pending anyway */
	errno = e;
}

static void sig_init(void)
{
	struct sigaction sa;
	int i;

	if (sigp[0] >= 0)
		return;
	if (pipe2(sigp, O_CLOEXEC | O_NONBLOCK))
		die(1, "pipe:");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsig;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
#ifdef PR_SET_CHILD_SUBREAPER
	/* Orphans of a command's group become ours to reap, so an ended
	 * group is gone at once, not when a slow init gets to its zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
}

static int writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	for (; n; p += w, n -= w)
		if ((w = write(fd, p, n)) < 0)
			return -1;
	return 0;
}

/* Log (and echo) the first n bytes of s, each secret as ***, and drop
 * them from s; with n -1, its whole lines, or all but the last few bytes
 * (which may begin a marker) when it is full, less a secret that may go
 * on in what follows. */
static void tolog(struct job *j, struct stream *s, size_t n)
{
	size_t m, more = n == (size_t)-1;

	if (more) {
		for (n = s->n; n && s->buf[n - 1] != '\n'; n--)
			;
		if (!n && s->n == BUFSZ)
			n = BUFSZ - 64;
	}
	m = sec_span(s->buf, &n, s->n, more ? BUFSZ : 0);
	if (j->log >= 0 && m && writeall(j->log, s->buf, m) < 0) {
		lost(j->logname, 1);
		j->log = -1;
	}
	if (j->echo && !(j->echo & s->to << 2) && m &&
	    writeall(s->to, s->buf, m) < 0) {
		j->echo = 0;	/* our reader is gone: end as if told to */
		onsig(SIGTERM);
	}
	memmove(s->buf, s->buf + n, s->n -= n);
}

/* In s, from byte i on: a line ending in "TOKEN STATUS"? Log what came
 * before it, keep what came after, and return the status; else -1. */
static int marker(struct job *j, struct stream *s, size_t i)
{
	const char *tok = j->sess->tok;
	size_t d, k = strlen(tok);
	int rc;

	for (; i < s->n; i++) {
		if (s->buf[i] != '\n')
			continue;
		for (d = i; d && s->buf[d - 1] >= '0' && s->buf[d - 1] <= '9'; d--)
			;
		if (d == i || d < k + 1 || s->buf[d - 1] != ' ' ||
		    memcmp(s->buf + d - 1 - k, tok, k))
			continue;
		rc = atoi(s->buf + d);
		tolog(j, s, d - 1 - k);	/* what came before (a last line
					 * with no newline), dropped from s */
		i -= d - 1 - k;		/* the marker's newline, in what is left */
		memmove(s->buf, s->buf + i + 1, s->n -= i + 1);
		return rc;
	}
	return -1;
}

/* Read what s has: 1 data, 0 end of file, -1 nothing there now; *rc gets
 * a session command's status when its marker comes (rc NULL: no markers). */
static int rd(struct job *j, struct stream *s, int *rc)
{
	size_t n = s->n;
	ssize_t r = read(s->fd, s->buf + s->n, BUFSZ - s->n);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (r <= 0) {
		tolog(j, s, s->n);
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	s->n += r;
	if (!rc || (*rc = marker(j, s, n)) < 0)
		tolog(j, s, -1);
	return 1;
}

/*
 * No local command outlives us, however we end: a guardian process, in a
 * session of its own and deaf to all signals but KILL, waits for the end
 * of a pipe only we hold and then kills the process group of the command
 * still running (one at most: spawn() runs one at a time), which we keep
 * in a word of memory we share with it: no system call a command. A KILL
 * to us in the microseconds between vfork's return and that word
 * would leave the one command going: the price of not forking ourselves.
 * It removes the file rm_at_end() named too (a worklet's private config).
 */
static struct guard {
	volatile int pg;	/* the command's process group, or 0 */
	char rm[PATH_MAX];	/* or "" */
} *gd;

static void guardian(void)
{
	int p[2], v;
	sigset_t all, was;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &was);
	gd = mmap(NULL, sizeof *gd, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (gd == MAP_FAILED || pipe(p) || (v = fork()) < 0)
		die(1, "cannot start the guardian:");
	if (v) {
		sigprocmask(SIG_SETMASK, &was, NULL);
		close(p[0]);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		return;
	}
	setsid();
	close(p[1]);
	(void)!read(p[0], &v, 1);	/* nothing comes but the end */
	if (gd->pg)
		kill(-gd->pg, SIGKILL);
	if (*gd->rm)
		unlink(gd->rm);
	_exit(0);
}

static void tell(int g)
{
	gd->pg = g;
}

void rm_at_end(const char *path)
{
	if (!gd)
		guardian();
	if (snprintf(gd->rm, sizeof gd->rm, "%s", path) >= (int)sizeof gd->rm)
		*gd->rm = 0;	/* cut short, it would be another file */
}

/* fd's device and inode as "DEV:INO" in b, or "" */
char *fdid(int fd, char b[FDID])
{
	struct stat sb;

	*b = 0;
	if (!fstat(fd, &sb))
		snprintf(b, FDID, "%lu:%lu", (unsigned long)sb.st_dev,
		    (unsigned long)sb.st_ino);
	return b;
}

/* s, a NAME=value string, into the n strings of v (over one of NAME,
 * else after them, where v has room); their number after. */
static size_t setenvv(char **v, size_t n, char *s)
{
	size_t i, len = strcspn(s, "=") + 1;

	for (i = 0; i < n && strncmp(v[i], s, len); i++)
		;
	v[i] = s;
	return i < n ? n : n + 1;
}

/* Our environment with j->env over it, and with a log JOE_LOG_PIPE: what
 * out, its stdout, is (see joe-run(1)), in lp; to free. */
static char **envp(struct job *j, int out, char lp[FDID + 14])
{
	char **v, **e;
	size_t n = 2;

	for (e = environ; *e; e++)
		n++;
	for (e = j->env; e && *e; e++)
		n++;
	v = xmalloc(n * sizeof *v);
	for (n = 0, e = environ; *e; e++)
		v[n++] = *e;
	for (e = j->env; e && *e; e++)
		n = setenvv(v, n, *e);
	if (j->log >= 0) {
		memcpy(lp, "JOE_LOG_PIPE=", 13);
		fdid(out, lp + 13);
		n = setenvv(v, n, lp);
	}
	v[n] = NULL;
	return v;
}

/* Start argv, its stdin from in (-1: /dev/null), stdout out, stderr err,
 * in its own process group, the signals we catch at their defaults, j->env
 * over our environment. 0 if it cannot start, said on err as the child
 * would have said it. vfork, not posix_spawn: glibc 2.36's posix_spawn
 * makes 127 sigaction calls and maps a stack for each child, a fifth of
 * what a local command costs us; with every signal blocked until exec,
 * the child runs none of our handlers, and it only makes system calls. */
static pid_t launch(struct job *j, char **argv, int in, int out, int err)
{
	sigset_t all, was;
	char **env, lp[FDID + 14];
	volatile int e = 0, dir = 0;
	int i;
	pid_t pid;

	env = envp(j, out, lp);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &was);
	if (!(pid = vfork())) {
		for (i = 0; i < 5; i++)
			signal(sigs[i], SIG_DFL);
		setpgid(0, 0);
		if ((in < 0 ? (close(0), open("/dev/null", O_RDONLY)) :
		    dup2(in, 0)) || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
		    (j->dir && (dir = chdir(j->dir))))
			e = errno;
		else {
			/* no other descriptor: ours are close-on-exec, and
			 * those we were given (a test harness's pipes) would
			 * keep their readers waiting */
			closefrom(3);
			sigprocmask(SIG_SETMASK, &was, NULL);
			execvpe(argv[0], argv, env);
			e = errno;
		}
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &was, NULL);
	free(env);
	if (pid < 0 || e) {
		dprintf(err, "%s: cannot %s %s: %s\n", argv0, dir ? "enter" :
		    "run", dir ? j->dir : argv[0], strerror(pid < 0 ? errno : e));
		if (pid > 0)
			waitpid(pid, NULL, 0);
		pid = 0;
	}
	return pid;
}

/* Start argv while we go on, its stderr ours: its stdin in, or if -1 a
 * pipe we write to, its stdout out, or if -1 a pipe we read; *fd gets our
 * end of the pipe. 0 if it cannot start. */
pid_t filter(char **argv, int in, int out, int *fd)
{
	struct job j = { .log = -1 };
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		die(1, "pipe:");
	signal(SIGPIPE, SIG_IGN);	/* if it ends early, we hear EPIPE */
	pid = launch(&j, argv, in < 0 ? p[0] : in, out < 0 ? p[1] : out, 2);
	close(p[in < 0 ? 0 : 1]);
	*fd = p[in < 0];
	return pid;
}

/* The end of the filter pid: f, what we wrote to it, closed; its exit
 * status as a shell has it, -1 if we could not write it all. */
int filter_end(pid_t pid, FILE *f)
{
	int e = fclose(f), st = 127 << 8;

	if (pid)
		waitpid(pid, &st, 0);
	return e ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Start argv with its output on pipes into s[0] and s[1] (or only s[0]
 * unless j->split), for a session its stdin a pipe from *in; its pid,
 * or 0. */
static pid_t start(struct job *j, char **argv, struct stream *s, int *in)
{
	int p[3][2], i;
	pid_t pid;

	if (!gd && !j->sess)
		guardian();
	for (i = 0; i < 3; i++) {
		p[i][0] = p[i][1] = -1;
		if (i == 1 ? !j->split : i == 2 && !j->sess)
			continue;
		if (pipe2(p[i], O_CLOEXEC))
			die(1, "pipe:");
		if (i < 2)
			fcntl(p[i][0], F_SETFL, O_NONBLOCK);
	}
	pid = launch(j, argv, p[2][0], p[0][1], p[j->split][1]);
	if (pid && !j->sess)
		tell(pid);
	for (i = 0; i < 3; i++)
		if (p[i][i != 2] >= 0)
			close(p[i][i != 2]);
	*in = p[2][1];
	for (i = 0; i < 2; i++) {
		s[i].fd = p[i][0];
		s[i].to = 1 + i;
		s[i].n = 0;
	}
	return pid;
}

/* The sessions end when we do: "q" lets each one go with its commands'
 * background processes left alone (end of file alone would end those). */
static void sess_quit(void)
{
	struct sess *s;

	for (s = sessions; s; s = s->next)
		if (s->pid && write(s->in, "q\n", 2))
			close(s->in);
}

/* A session running argv; its first command starts it. */
struct sess *sess_new(char **argv, const char *tok)
{
	struct sess *s = memset(xmalloc(sizeof *s), 0, sizeof *s);

	if (!sessions)
		atexit(sess_quit);
	s->argv = argv;
	s->tok = tok;
	s->next = sessions;
	return sessions = s;
}

/* After a kill or when it is gone: no more of this session. */
static void sess_end(struct job *j)
{
	struct sess *x = j->sess;
	int i;

	close(x->in);
	if (x->pid && waitpid(x->pid, NULL, WNOHANG) == 0) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	x->pid = 0;
	for (i = 0; i < 2; i++) {
		tolog(j, &x->s[i], x->s[i].n);
		if (x->s[i].fd >= 0)
			close(x->s[i].fd);
	}
}

/* Send j's command to its session, started anew if it is not running;
 * 0, or -1 if it cannot take it. */
static int sess_send(struct job *j)
{
	struct sess *x = j->sess;

	if (x->pid && waitpid(x->pid, NULL, WNOHANG))
		sess_end(j);
	if (!x->pid && (!(x->pid = start(j, x->argv, x->s, &x->in)) ||
	    writeall(x->in, x->tok, strlen(x->tok)) || writeall(x->in, "\n", 1)))
		return -1;
	return writeall(x->in, j->line, strlen(j->line));
}

/* Ask it to end: a session command by "k" (the remote side ends its group
 * and the session), else a signal to its group. */
static void stop(struct job *j, pid_t pid, int sig)
{
	if (pid <= 0)
		return;		/* it did not start */
	if (!j->sess)
		kill(-pid, sig);
	else if (sig == SIGKILL || write(j->sess->in, "k\n", 2) < 0)
		kill(pid, SIGKILL);
}

/* One child (or session command) watched to its end. */
struct watch {
	struct job *j;
	struct stream *s;	/* its stdout and stderr */
	pid_t pid;
	int why;		/* ST_INTR, ST_TIMEOUT, or 0 */
	int stage;		/* asked to end: 1 nicely, 2 by KILL */
	int n0;			/* signals seen before it started */
	int rc[2];		/* a session command's status on each stream */
	double kill_at;		/* its deadline, then the end of its grace */
};

/* A signal to us, or its deadline passed: ask it to end, KILL later. */
static void ending(struct watch *w, double t)
{
	if (nsig > w->n0 && !w->why) {
		w->why = ST_INTR;
		stop(w->j, w->pid, lastsig);
		w->stage = 1;
		w->kill_at = t + JOE_GRACE + !!w->j->sess;
	}
	if (w->kill_at && t >= w->kill_at) {
		w->why = w->why ? w->why : ST_TIMEOUT;
		stop(w->j, w->pid, w->stage++ ? SIGKILL : SIGTERM);
		w->kill_at = w->stage == 1 ? t + JOE_GRACE + !!w->j->sess : 0;
	}
}

/* Log its output as it comes until a local child exits (its output may
 * not all be read yet) or a session command's markers have come on both
 * streams (or the session is gone). */
static void watch(struct watch *w)
{
	struct pollfd pf[3];
	siginfo_t si;
	double t;
	int i, k;
	char c;

	for (;;) {
		ending(w, t = now());
		for (i = 0; i < 3; i++) {
			pf[i].fd = !i ? sigp[0] : w->rc[i - 1] < 0 ?
			    w->s[i - 1].fd : -1;
			pf[i].events = POLLIN;
		}
		if (w->j->sess && pf[1].fd < 0 && pf[2].fd < 0)
			return;
		if (w->j->tick)
			w->j->tick();
		t = w->kill_at ? (w->kill_at - t) * 1000 + 1 : -1;
		t = w->j->tick && (t < 0 || t > 250) ? 250 : t;
		if ((k = poll(pf, 3, t > 1e9 ? 1e9 : t)) < 0 && errno != EINTR)
			die(1, "poll:");
		while (read(sigp[0], &c, 1) == 1)
			;
		for (i = 0; i < 2 && k > 0; i++)
			if (pf[i + 1].revents)
				rd(w->j, &w->s[i], w->j->sess ? &w->rc[i] : NULL);
		si.si_pid = 0;
		if (!w->j->sess && waitid(P_PID, w->pid, &si, WEXITED |
		    WNOHANG | WNOWAIT) == 0 && si.si_pid == w->pid)
			return;
	}
}

/* A local child has exited: what it wrote before is in the pipes now.
 * After a timeout or a signal, the rest of its group has what is left of
 * the grace period to end (a worklet's joe run writing its record), then
 * KILL. */
static int local_end(struct watch *w)
{
	struct job *j = w->j;
	struct stream *s = w->s;
	int i, k, st = 127 << 8;	/* as a shell says "cannot run" */

	if (w->pid)
		waitpid(w->pid, &st, 0);
	while (waitpid(-1, NULL, WNOHANG) > 0 || (w->why && w->kill_at &&
	    now() < w->kill_at && kill(-w->pid, 0) == 0 && !poll(NULL, 0, 10)))
		;
	if (w->why)
		kill(-w->pid, SIGKILL);
	tell(0);
	for (i = 0; i < 2; i++) {
		for (k = 0; s[i].fd >= 0 && k < 256 && rd(j, &s[i], NULL) > 0;
		    k++)
			;
		if (s[i].fd >= 0) {
			tolog(j, &s[i], s[i].n);
			close(s[i].fd);
		}
	}
	j->rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return w->why ? w->why : j->rc ? ST_FAIL : ST_PASS;
}

int spawn(struct job *j)
{
	struct stream own[2];
	struct watch w = { j, j->sess ? j->sess->s : own, 0, 0, 0, j->sig0,
		{ -1, -1 }, j->deadline };
	int in;

	sig_init();
	if (j->sess && sess_send(j) < 0)
		w.rc[0] = w.rc[1] = -2;	/* it is gone */
	w.pid = j->sess ? j->sess->pid : start(j, j->argv, w.s, &in);
	if (w.pid || j->sess)
		watch(&w);
	if (!j->sess)
		return local_end(&w);
	if (w.rc[0] < 0 || w.rc[1] < 0 || w.why)
		sess_end(j);
	j->rc = w.rc[0] >= 0 && w.rc[1] >= 0 ? w.rc[0] : w.why ? 137 : 255;
	return w.why ? w.why : w.rc[0] < 0 || w.rc[1] < 0 ? ST_ERROR :
	    j->rc ? ST_FAIL : ST_PASS;
}
