/*
 * libjoe: what two or more joe commands share, each file over those above:
 *   util.c       messages, memory, strings, where joe's files are
 *   conf.c       YAML configs and workflows as trees of strings
 *   secret.c     secret values, written as *** wherever joe writes
 *   spawn.c      the one place a process starts: run it to its end, logged
 *   transport.c  a target, built once from the config: how commands reach it
 *   rec.c        a run directory's records, written
 *   lines.c      logs and records read back, plain or gzip
 */
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#define JOE_GRACE 2.0	/* seconds between TERM and KILL */
#ifndef JOE_LIBEXEC
#define JOE_LIBEXEC "/usr/local/libexec/joe"
#endif

extern const char *argv0;
#define WORDCHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

struct node;
/* util.c: messages (a fmt ending in ':' adds strerror), memory, strings */
void warn_at(const char *file, long line, long col, const char *fmt, ...);
				/* file:line:col: (0: left out) */
#define warn(...) warn_at(argv0, 0, 0, __VA_ARGS__)
#define die(st, ...) (warn(__VA_ARGS__), exit(st))
__attribute__((noreturn)) void usage_exit(int rc, const char *text);
				/* text on stdout (rc 0) or stderr, exit rc */
void *xrealloc(void *p, size_t n);
#define xmalloc(n) xrealloc(NULL, n)
char *xstrdup(const char *s);
char *fmt(const char *fmt, ...);		/* printf into a new string */
double now(void);				/* monotonic seconds */
double seconds(const char *s);	/* from 0.001 to 2592000 (30 days), or 0 */
int number(const char *s, double *v);	/* s all a number (strtod), in *v */
char *stamp(void);				/* UTC now, ISO 8601 */
int terminal(int fd, int col);	/* a tty, TERM not dumb; col: NO_COLOR unset */
char *exedir(void);				/* directory of this executable */
char *sibling(const char *name);	/* beside us, installed, else name */
char *pkgpath(void);		/* JOE_PATH:beside us:installed */
char *pkgfind(const char *pkg, const char *file);	/* along pkgpath */

struct str { char *s; size_t n, cap; };
void sadd(struct str *b, const char *s, size_t n);
void sputs(struct str *b, const char *s);
void sesc(struct str *b, const char *s);	/* tab, newline, \ as \t \n \\ */
char *tsv(const char *f, ...);	/* fields, NULL: a record's line, escaped */
int utf8(const char *s, size_t n, unsigned *c);	/* its length, 0: none */

/* conf.c: YAML documents as trees of strings */
struct node {
	int type;		/* 's' scalar, 'm' map, 'l' list */
	char *key, *val;	/* key in a map; value of a scalar */
	struct node *kid, *next;
	const char *file;
	int line, col, busy;
	struct node **idx;	/* a map's kids sorted by key, or NULL */
	int nidx;
};
__attribute__((noreturn)) void fdie(const struct node *at,
    const char *fmt, ...);	/* file:line:col, exit 2 */
struct node *conf_load(const char *path);
void conf_free(struct node *n);	/* a tree as conf_load() makes */
void conf_opt(int c, char *arg);	/* -c FILE or -D KEY=VALUE */
struct node *conf_config(void);		/* of those conf_opt was given */
struct node *conf_get(struct node *n, const char *path);
struct node *conf_child(struct node *m, const char *key);	/* no dots */
void conf_check(struct node *m, const char *const *keys, const char *what);
	/* m maps keys[i] + 1 only, each of type keys[i][0]: s, l or m */
char *conf_str(struct node *n, const char *path);	/* scalar or NULL */
struct node *conf_env(struct node *env);	/* checked; its first kid */
struct node *conf_add(struct node *map, const char *key, char *val,
    const struct node *at);	/* map NULL: a new one */
extern int conf_lax;	/* an unset {{ env.X }} is "", not an error */
char *conf_subst(struct node *cfg, const struct node *at, const char *s,
    struct node *vars);	/* vars: a list of other names and values */
void conf_emit(FILE *f, struct node *n, int indent,
    char *(*mask)(const char *));	/* YAML; mask: for each value */

/* secret.c: values written as *** wherever joe writes */
void sec_init(struct node *cfg);	/* the config's, the environment's:
					 * after conf_config() */
void sec_add(struct node *n, const char *key);	/* n's under a secret key */
size_t sec_span(char *b, size_t *n, size_t end, size_t cap);
char *sec_mask(const char *s);			/* a new string */
char *sec_file(struct node *cfg, struct node *env);	/* the real config
			 * with env over its env, private */

/* spawn.c: run one child to its end, its output to a log */
enum { ST_PASS, ST_FAIL, ST_ERROR, ST_TIMEOUT, ST_SKIP, ST_INTR };
extern int rec_lost;	/* a log or a record could not be written whole */
void lost(const char *path, int kind);	/* one more: said once a kind */
extern const char *const stname[];
struct sess;
struct job {
	char **argv, **env;	/* env: extra NAME=value strings */
	const char *dir;	/* chdir here first, or NULL */
	int log;		/* gets stdout and stderr, or -1 */
	const char *logname;	/* its path, for a message */
	int echo;		/* also copy them to our stdout/stderr, but
				 * with | 4 not stdout, with | 8 not stderr */
	int split;		/* stdout and stderr apart, merged by lines */
	double deadline;	/* now() after which it is ended, or 0 */
	struct sess *sess;	/* or sent as line to this remote sh */
	char *line;
	int remote;		/* put, get: over ssh, so 255 is ssh's */
	void (*tick)(void);	/* or called 4 times a second while it runs */
	int sig0;		/* nsig it outlives; one more ends it */
	int rc;			/* out: exit status, 128+N for signal N */
};
extern volatile sig_atomic_t nsig, lastsig;	/* SIGINT/SIGTERM/SIGHUP
						 * seen so far, the last */
int spawn(struct job *j);	/* ST_PASS, ST_FAIL, ST_ERROR, ST_TIMEOUT, ST_INTR */
struct sess *sess_new(char **argv, const char *tok);
#define FDID 48
char *fdid(int fd, char b[FDID]);	/* "DEV:INO" of what fd is, or "" */
void rm_at_end(const char *path);	/* removed when we end, even by KILL */
pid_t filter(char **argv, int in, int out, int *fd);	/* it goes on */
int filter_end(pid_t pid, FILE *f);	/* f closed; its status, -1: f's */

/* transport.c: a target, built once from the config */
enum { TP_RUN, TP_DATA, TP_TTY };
struct tp {
	char *name;
	char *host;		/* ssh's destination; NULL: this machine */
	char *guest;		/* a guest's ssh_config, or NULL */
	char **ssh;		/* ssh and its options, once used */
	int nssh;
	struct node *env;	/* the config's env */
	struct sess *sess;	/* its session, once started */
	struct tp *next;
};
struct tp *tp_open(struct node *cfg, const char *name, const struct node *at);
char *tp_dead(struct tp *t);
char *tp_script(struct tp *t, struct node *env, const char *cwd,
    const char *cmd);
char **tp_argv(struct tp *t, const char *script, int how);
void tp_job(struct job *j, struct tp *t, struct node *env, const char *cwd,
    const char *cmd);
char *tp_words(int argc, char **argv);

/* rec.c: run directory records, each written whole or counted lost */
void rec(const char *dir, const char *file, char *line);	/* tsv()'s, freed */
int rec_step(const char *out, const char *dir);	/* ST_PASS, ST_ERROR */
int job_rec(struct job *j, const char *out, const char *step,
    const char *tname, const char *text);
int job_here(struct job *j, const char *tname, const char *text);

/* lines.c: logs and records, plain or gzip */
struct lines {
	void *z;		/* gzFile, or NULL: fd, plain */
	int fd;
	char *buf;
	size_t cap, n, off;	/* buf[off..n) not yet returned */
	int eof, err;		/* err: a read error was reported */
	int torn, quiet, bad, old;	/* see ln_get(), ln_rec() */
	int pipe;		/* ln_pipe(): a short read is no end */
	long line;		/* number of the line last returned */
	const char *path;	/* the file opened */
};
int gzname(const char *path);			/* ends in .gz */
struct lines *ln_open(const char *path);	/* path or path.gz; NULL, errno */
struct lines *ln_pipe(const char *path);	/* the same, of a pipe maybe */
char *ln_get(struct lines *l, size_t *len);	/* next line, NUL for \n */
void ln_close(struct lines *l);
int tsv_split(char *s, char **f, int max);	/* fields, unescaped in place */
char *ln_rec(struct lines *l, char **f, int nf, int sf);	/* whole records */
int numcmp(const char *a, const char *b);	/* of leading numbers */
struct dirent;
int iscmdlog(const struct dirent *e);		/* cmd-N.log[.gz] */
char **unfinished(const char *run, int *n, int *bad,
    void (*each)(const char *step, struct dirent **e, int ne));
	/* started, no record; said; bad: malformed records said, counted;
	 * each: a step directory's listing (-1: none, errno), an entry it
	 * keeps set to NULL */
FILE *wopen(const char *path, int dev, char **tmp);	/* written whole */
int wclose(FILE *f, const char *path, char *tmp);
