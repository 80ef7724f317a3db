/*
 * The one place where joe starts a process. The child runs in its own
 * process group with stdin from /dev/null; its output goes to the log as
 * it arrives. A deadline or a signal to us ends the whole group: the signal
 * (or TERM), then KILL after JOE_GRACE seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "joe.h"

#define BUFSZ 65536	/* a partial line longer than this is logged as is */

const char *const stname[] = {
	"pass", "fail", "error", "timeout", "skip", "interrupted"
};

struct stream {
	int fd, to;
	size_t n;
	char buf[BUFSZ];
};

/* Signals reach the poll loop through this pipe. */
static int sigp[2] = { -1, -1 };
static volatile sig_atomic_t nsig, lastsig;

static void onsig(int s)
{
	int e = errno;
	char c = s;

	if (s != SIGCHLD) {
		nsig++;
		lastsig = s;
	}
	if (write(sigp[1], &c, 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = e;
}

int sig_count(void)
{
	return nsig;
}

int sig_last(void)
{
	return lastsig;
}

void sig_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct sigaction sa;
	int i;

	if (sigp[0] >= 0)
		return;
	if (pipe(sigp))
		die(1, "pipe:");
	for (i = 0; i < 2; i++) {
		fcntl(sigp[i], F_SETFD, FD_CLOEXEC);
		fcntl(sigp[i], F_SETFL, O_NONBLOCK);
	}
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

/* Log the whole lines in s; everything when all is set or s is full. */
static void tolog(struct job *j, struct stream *s, int all)
{
	size_t n = s->n;

	while (!all && n < BUFSZ && n && s->buf[n - 1] != '\n')
		n--;
	if (j->log >= 0 && n && writeall(j->log, s->buf, n) < 0) {
		warn("cannot write the log:");
		j->log = -1;
	}
	memmove(s->buf, s->buf + n, s->n -= n);
}

/* 1 data, 0 end of file, -1 nothing there now. */
static int rd(struct job *j, struct stream *s)
{
	ssize_t r = read(s->fd, s->buf + s->n, BUFSZ - s->n);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (r <= 0) {
		tolog(j, s, 1);
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	if (j->echo && writeall(s->to, s->buf + s->n, r) < 0) {
		j->echo = 0;	/* our reader is gone: end as if told to */
		onsig(SIGTERM);
	}
	s->n += r;
	tolog(j, s, 0);
	return 1;
}

static void child(struct job *j, int in, int out, int err)
{
	int i;

	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	dup2(in >= 0 ? in : open("/dev/null", O_RDONLY), 0);
	dup2(out, 1);
	dup2(err, 2);
	for (i = 0; j->env && j->env[i]; i++)
		putenv(j->env[i]);
	if (j->dir && chdir(j->dir))
		fprintf(stderr, "%s: cannot enter %s: %s\n", argv0, j->dir,
		    strerror(errno));
	else
		execvp(j->argv[0], j->argv);
	fprintf(stderr, "%s: cannot run %s: %s\n", argv0, j->argv[0],
	    strerror(errno));
	_exit(127);
}

/* Ask the child to end: a held stdin is closed (the remote side ends the
 * command), else its group gets the signal. */
static void end(pid_t pid, int sig, int *in)
{
	if (*in < 0)
		kill(-pid, sig);
	else
		close(*in);
	*in = -1;
}

int spawn(struct job *j)
{
	struct stream s[2];
	struct pollfd pf[3];
	siginfo_t si;
	int p[2][2], in[2] = { -1, -1 }, n0 = nsig, why = 0, stage = 0, i, k, st;
	double t, kill_at = j->deadline;
	pid_t pid;
	char c;

	sig_init();
	for (i = 0; i <= j->split; i++) {
		if (pipe(p[i]))
			die(1, "pipe:");
		fcntl(p[i][0], F_SETFD, FD_CLOEXEC);
		fcntl(p[i][1], F_SETFD, FD_CLOEXEC);
		fcntl(p[i][0], F_SETFL, O_NONBLOCK);
	}
	if (j->hold && (pipe(in) || fcntl(in[1], F_SETFD, FD_CLOEXEC)))
		die(1, "pipe:");
	if ((pid = fork()) < 0)
		die(1, "fork:");
	if (!pid)
		child(j, in[0], p[0][1], p[j->split][1]);
	setpgid(pid, pid);
	if (j->hold)
		close(in[0]);
	for (i = 0; i < 2; i++) {
		s[i].fd = i <= j->split ? p[i][0] : -1;
		s[i].to = 1 + i;
		s[i].n = 0;
		if (i <= j->split)
			close(p[i][1]);
	}
	for (;;) {
		t = now();
		if (nsig > n0 && !why) {
			why = ST_INTR;
			end(pid, lastsig, &in[1]);
			stage = 1;
			kill_at = t + JOE_GRACE;
		}
		if (kill_at && t >= kill_at) {
			why = why ? why : ST_TIMEOUT;
			if (stage++)
				kill(-pid, SIGKILL);
			else
				end(pid, SIGTERM, &in[1]);
			kill_at = stage == 1 ? t + JOE_GRACE : 0;
		}
		for (i = 0; i < 3; i++) {
			pf[i].fd = i ? s[i - 1].fd : sigp[0];
			pf[i].events = POLLIN;
		}
		t = kill_at ? (kill_at - t) * 1000 + 1 : -1;
		if (poll(pf, 3, t > 1e9 ? 1e9 : t) < 0 && errno != EINTR)
			die(1, "poll:");
		while (read(sigp[0], &c, 1) == 1)
			;
		for (i = 0; i < 2; i++)
			if (pf[i + 1].revents)
				rd(j, &s[i]);
		si.si_pid = 0;
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			break;
	}
	/* What it wrote before it ended is in the pipes now. After a timeout
	 * or a signal, the rest of its group has what is left of the grace
	 * period to end (a worklet's joe run writing its record), then KILL. */
	waitpid(pid, &st, 0);
	if (in[1] >= 0)
		close(in[1]);
	while (waitpid(-1, NULL, WNOHANG) > 0 || (why && kill_at &&
	    now() < kill_at && kill(-pid, 0) == 0 && !poll(NULL, 0, 10)))
		;
	if (why)
		kill(-pid, SIGKILL);
	for (i = 0; i < 2; i++) {
		for (k = 0; s[i].fd >= 0 && k < 256 && rd(j, &s[i]) > 0; k++)
			;
		if (s[i].fd >= 0) {
			tolog(j, &s[i], 1);
			close(s[i].fd);
		}
	}
	j->rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return why ? why : j->rc ? ST_FAIL : ST_PASS;
}
