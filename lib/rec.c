/*
 * Run directory records: tab-separated lines, appended with one write
 * each as each thing ends, so a killed run keeps all it did and several
 * processes (a worklet's own joe run) can append to the same file. A
 * record is whole or not there: one cut short (a full disk) is cut off.
 * Its fields are written as given: the callers mask the secrets in text
 * (a step's name, a command), never in what joe makes itself (a status,
 * a number, a time), which a secret that happens to equal it would
 * falsify.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "joe.h"

void rec(const char *dir, const char *file, char *line)
{
	char *path = fmt("%s/%s", dir, file);
	size_t n = strlen(line);
	ssize_t w = -1;
	int fd, e;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || (w = write(fd, line, n)) != (ssize_t)n) {
		e = w < 0 ? errno : ENOSPC;	/* cut short: the disk is full */
		if (w > 0 && ftruncate(fd, lseek(fd, 0, SEEK_CUR) - w) < 0)
			e = errno;
		errno = e;
		lost(path, *file == 's' ? 2 : 4);	/* steps.tsv, commands.tsv */
	}
	close(fd);
	free(path);
	free(line);
}

/* Step directory dir of run out made, and steps.tsv with the first, so
 * that a run killed in its first step has a step that did not finish;
 * ST_ERROR (said, and a record lost) if either cannot be (a full disk). */
int rec_step(const char *out, const char *dir)
{
	static const char *made;	/* the run whose steps.tsv is there */
	char *f = fmt("%s/steps.tsv", out);
	int fd = 0;

	if (mkdir(dir, 0777) || (out != made && (fd = open(f, O_WRONLY |
	    O_CREAT | O_CLOEXEC, 0644)) < 0)) {
		rec_lost++;
		warn("cannot create %s:", fd < 0 ? f : dir);
		free(f);
		return ST_ERROR;
	}
	if (out != made)
		close(fd), made = out;
	free(f);
	return ST_PASS;
}

/* Spawn j; with a run directory out, log it to the step's next free
 * cmd-NN.log and record it in commands.tsv. */
int job_rec(struct job *j, const char *out, const char *step,
    const char *tname, const char *text)
{
	static const char *last;	/* the step of the previous call (the
					 * same string for a step's commands) */
	static int i;			/* and the number it took */
	char *log = NULL, *start = stamp();
	double t = now();
	int st;

	if (step != last)
		i = 0;
	last = step;
	j->log = -1;
	/* O_EXCL: another process (a worklet's joe run) may take numbers too */
	for (i++; out && j->log < 0; i++) {
		free(log);
		j->logname = log = fmt("%s/%s/cmd-%02d.log", out, step, i);
		j->log = open(log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (j->log < 0 && errno != EEXIST && ++rec_lost)	/* error */
			return warn("cannot create %s:", log), ST_ERROR;
	}
	st = spawn(j);
	if (st == ST_FAIL && j->rc == 255 && j->remote)
		st = ST_ERROR;	/* put, get: the scripts there never exit 255 */
	if (!out)
		return st;
	close(j->log);
	rec(out, "commands.tsv", tsv(step, fmt("%d", --i), stname[st],
	    fmt("%d", j->rc), start, fmt("%.3f", now() - t), tname,
	    sec_mask(text), (char *)NULL));	/* what these take: freed at exit */
	return st;
}

/* Spawn j, recorded in the run and step of the worklet we are in, if any
 * (JOE_OUTPUT, JOE_STEP); there, what goes to the log is not echoed to
 * the worklet's own log as well. */
int job_here(struct job *j, const char *tname, const char *text)
{
	char *out = getenv("JOE_OUTPUT"), *step = getenv("JOE_STEP");
	char *p = getenv("JOE_LOG_PIPE"), a[FDID], b[FDID];

	if (out && *out && (!step || !*step))
		die(2, "JOE_OUTPUT is set but JOE_STEP is not");
	if (out && *out && p)	/* see JOE_LOG_PIPE in joe-run(1) */
		j->echo |= !strcmp(p, fdid(1, a)) << 2 | !strcmp(p, fdid(2, b)) << 3;
	return job_rec(j, out && *out ? out : NULL, step, tname, text);
}
