/*
 * joe-qemu: QEMU guests for tests, from the config's qemu.guests: their
 * disks made, started in the background, waited for over ssh, reached by
 * ssh or their serial console (socat), powered off. A guest's state is in its
 * directory: qemu.pid, qmp.sock, console.sock, serial.log, cmdline,
 * qemu.err, wait.log, accel, ssh_port and ssh_config (which guest:
 * transports use).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "joe.h"

struct nvme {
	char *image, *size, *base, *serial;
	int ns, zoned;
	struct node *at;
};

struct guest {
	char *name, *path, *bin, *kernel, *initrd, *append, *boot, *smp, *mem;
	char *accel, *cpu, *share, *machine;
	struct node *sec, *extra;
	struct nvme *nv;
	int nnv, port;
	double grace;
};

struct args { char **v; int n; };

/* Keys and their types: s plain value, l list, m mapping. */
static const char *const qkeys[] = { "mguests", NULL };
static const char *const gkeys[] = { "spath", "ssystem", "sbin", "skernel",
	"sinitrd", "sappend", "sboot", "ssmp", "smemory", "saccel", "scpu",
	"lnvme", "sssh_port", "sshare", "lextra", "sgrace", "suser",
	"sidentity", "sknown_hosts", "loptions", "smachine", NULL };
static const char *const nkeys[] = { "simage", "ssize", "sbase", "sserial",
	"snamespaces", "szoned", NULL };

/* The usage to stdout (rc 0) or stderr, then exit rc. */
static void usage(int rc)
{
	fprintf(rc ? stderr : stdout, "usage: joe qemu [-c config]... "
	    "[-D key=value]... command guest\n"
	    "commands: init, start, wait [-T seconds], ssh [command...], "
	    "kill, status, console\n");
	exit(rc);
}

/* sec.key as a whole number from min to max (max < LONG_MAX, so that an
 * overflow is out of range), def when absent. */
static long wholenum(struct node *sec, const char *key, long def, long min,
    long max)
{
	char *v = conf_str(sec, key), *e;
	long n = v ? strtol(v, &e, 10) : def;

	if (v && (*v < '0' || *v > '9' || *e || n < min || n > max))
		fdie(conf_get(sec, key), "%s must be a whole number from %ld "
		    "to %ld, not '%s'", key, min, max, v);
	return n;
}

/* sec.key as a size such as 512M, def when absent. */
static char *size(struct node *sec, const char *key, char *def)
{
	char *v = conf_str(sec, key);
	size_t n = v ? strspn(v, "0123456789") : 0;

	if (v && (!n || (v[n] && (!strchr("kKMGT", v[n]) || v[n + 1]))))
		fdie(conf_get(sec, key), "%s must be a size such as 512M, "
		    "not '%s'", key, v);
	return v ? v : def;
}

/* sec.key, a file name: absolute, or relative to dir; without dir, a
 * relative one is an error (worklets run in their step's directory). */
static char *absof(struct node *sec, const char *key, const char *dir)
{
	char *s = conf_str(sec, key);

	if (!s || *s == '/')
		return s;
	if (!dir)
		fdie(conf_get(sec, key), "%s must be an absolute path", key);
	return fmt("%s/%s", dir, s);
}

/* l, if there, is a list of plain values (what they are). */
static void plain(struct node *l, const char *what)
{
	for (l = l ? l->kid : NULL; l; l = l->next)
		if (l->type != 's')
			fdie(l, "%s must be plain values", what);
}

/* The nvme drives of g, checked. */
static void drives(struct guest *g, struct node *l)
{
	struct node *it;
	struct nvme *d;

	for (it = l ? l->kid : NULL; it; it = it->next) {
		conf_check(it, nkeys, "nvme");
		g->nv = xrealloc(g->nv, (g->nnv + 1) * sizeof *g->nv);
		d = &g->nv[g->nnv++];
		d->at = it;
		if (!(d->image = absof(it, "image", g->path)))
			fdie(it, "an nvme drive needs an image");
		d->size = size(it, "size", NULL);
		d->base = absof(it, "base", NULL);
		d->serial = conf_str(it, "serial");
		d->serial = d->serial ? d->serial : fmt("joe%04d", g->nnv);
		d->ns = wholenum(it, "namespaces", 1, 1, 256);
		d->zoned = boolean(conf_get(it, "zoned"), "zoned",
		    conf_str(it, "zoned"));
	}
}

/* The section of guest name in the config's qemu.guests, checked. */
static struct node *section(struct node *cfg, const char *name)
{
	struct node *q = conf_get(cfg, "qemu"), *sec;

	if (q)
		conf_check(q, qkeys, "qemu");
	if (!(sec = (q = conf_get(cfg, "qemu.guests")) ? conf_child(q, name) :
	    NULL))
		die(2, "no guest '%s' in the config (qemu.guests)", name);
	conf_check(sec, gkeys, "guest");
	return sec;
}

/* Guest name of the config, checked, its paths made absolute. */
static struct guest *guest_load(struct node *cfg, const char *name)
{
	struct node *sec = section(cfg, name), *k;
	struct guest *g = memset(xmalloc(sizeof *g), 0, sizeof *g);
	size_t max = sizeof ((struct sockaddr_un *)0)->sun_path;
	char *v;

	g->name = sec->key, g->sec = sec;
	if (!(g->path = absof(sec, "path", NULL)))
		fdie(sec, "guest %s needs a path", name);
	if (strlen(g->path) + 13 >= max)
		fdie(conf_get(sec, "path"), "path %s is too long: %s/console.sock"
		    " would pass the %zu bytes of a unix socket's path", g->path,
		    g->path, max - 1);
	v = conf_str(sec, "bin");
	g->bin = v && strchr(v, '/') ? absof(sec, "bin", NULL) : v; /* or a name */
	v = conf_str(sec, "system");
	g->bin = g->bin ? g->bin : fmt("qemu-system-%s", v ? v : "x86_64");
	g->kernel = absof(sec, "kernel", NULL);
	g->initrd = absof(sec, "initrd", NULL);
	g->append = conf_str(sec, "append");
	g->boot = absof(sec, "boot", g->path);
	if (!g->kernel && !g->boot)
		fdie(sec, "guest %s needs a kernel or a boot disk", name);
	if (!g->kernel && (k = conf_get(sec, g->initrd ? "initrd" : "append")))
		fdie(k, "%s is for a kernel", k->key);
	g->smp = fmt("%ld", wholenum(sec, "smp", 1, 1, 1024));
	g->mem = size(sec, "memory", "512M");
	g->accel = (v = conf_str(sec, "accel")) ? v : "auto";
	if (strcmp(g->accel, "auto") && strcmp(g->accel, "kvm") &&
	    strcmp(g->accel, "tcg"))
		fdie(conf_get(sec, "accel"), "accel must be auto, kvm or tcg");
	g->cpu = (v = conf_str(sec, "cpu")) ? v : "max";
	/* aarch64 has no default machine: virt, as everyone uses */
	g->machine = conf_str(sec, "machine");
	if (!g->machine && strlen(g->bin) >= 7 &&
	    !strcmp(g->bin + strlen(g->bin) - 7, "aarch64"))
		g->machine = "virt";
	g->port = wholenum(sec, "ssh_port", 0, 0, 65535);
	g->share = absof(sec, "share", NULL);
	plain(g->extra = conf_get(sec, "extra"), "extra arguments");
	plain(conf_get(sec, "options"), "ssh options");
	g->grace = (v = conf_str(sec, "grace")) ? seconds(v) : 20;
	if (!g->grace)
		fdie(conf_get(sec, "grace"), "grace must be seconds from 0.001 "
		    "to 2592000");
	drives(g, conf_get(sec, "nvme"));
	return g;
}

/* The file name of g's directory. */
static char *file(struct guest *g, const char *name)
{
	return fmt("%s/%s", g->path, name);
}

/* The first line of path, without its newline; def if there is none. */
static char *firstline(const char *path, char *def)
{
	FILE *f = fopen(path, "re");
	char *s = NULL;
	size_t n = 0;

	if (f && getline(&s, &n, f) > 0 && (s[strcspn(s, "\n")] = 0, *s))
		def = s;
	if (f)
		fclose(f);
	return def;
}

/* g's file name, empty, open for writing; with s, s written to it and
 * closed. */
static int put(struct guest *g, const char *name, const char *s)
{
	char *p = file(g, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0 && !s)
		die(1, "cannot create %s:", p);
	if (s && (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) ||
	    close(fd)))
		die(1, "cannot write %s:", p);
	return fd;
}

/* Run argv with its output to fd log (-1: nowhere), ended after tmo
 * seconds; its exit status, or -1 if it timed out or was interrupted. */
static int exitcode(char **argv, int log, double tmo)
{
	struct job j = { .argv = argv, .log = log, .deadline = now() + tmo };
	int st = spawn(&j);

	return st == ST_PASS || st == ST_FAIL ? j.rc : -1;
}

/* The last n lines of g's file name, if it has any, to stderr without
 * carriage returns, after a line that says what they are. */
static void tail(struct guest *g, const char *name, int n)
{
	exitcode((char *[]){ "sh", "-c", "[ ! -s \"$2\" ] || { printf '%s: the "
	    "last lines of %s:\\n' \"$0\" \"$2\"; tail -n \"$1\" \"$2\" | "
	    "tr -d '\\r' | awk 1; }", (char *)argv0, fmt("%d", n),
	    file(g, name), NULL }, 2, 10);
}

/* Whether pid is there and not a zombie (this machine's init reaps
 * orphans slowly: a dead qemu can stay one for seconds). */
static int alive(long pid)
{
	char *s = firstline(fmt("/proc/%ld/stat", pid), NULL), *r;

	return pid > 0 && kill(pid, 0) == 0 &&
	    (!s || !(r = strrchr(s, ')')) || r[1] != ' ' || r[2] != 'Z');
}

/* The pid of g's qemu if it runs: the live process that holds the lock
 * qemu takes on its pidfile (a stale file can name someone else); else 0. */
static long running(struct guest *g)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(file(g, "qemu.pid"), O_RDONLY | O_CLOEXEC);
	int held = fd >= 0 && !fcntl(fd, F_GETLK, &l) && l.l_type != F_UNLCK;

	if (fd >= 0)
		close(fd);
	return held ? l.l_pid : 0;	/* a zombie holds no lock */
}

/* Remove what a running qemu leaves in g's directory. */
static void clean(struct guest *g)
{
	const char *s = "qemu.pid\0qmp.sock\0console.sock\0ssh_port\0"
	    "ssh_config\0";

	for (; *s; s += strlen(s) + 1)
		unlink(file(g, s));
}

/* Wait up to sec seconds for pid to end; whether it did. */
static int ended(long pid, double sec)
{
	double end = now() + sec;

	while (alive(pid) && now() < end)
		poll(NULL, 0, 50);
	return !alive(pid);
}

/* QMP command cmd's reply from g's qemu, after the capabilities
 * negotiation: its line, events skipped; NULL for an error, no qemu or
 * 10 s of silence. */
static char *qmp(struct guest *g, const char *cmd)
{
	static char *s;
	static size_t n;
	const char *c[] = { "{\"execute\":\"qmp_capabilities\"}", cmd };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { 10, 0 };
	int i, fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FILE *f = NULL;
	char *r = NULL;

	strncpy(a.sun_path, file(g, "qmp.sock"), sizeof a.sun_path - 1);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof a) &&
	    (f = fdopen(fd, "r")))
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	else if (fd >= 0)
		close(fd);
	for (i = 0; f && i < 2 && dprintf(fd, "%s\n", c[i]) > 0; i++) {
		while ((r = getline(&s, &n, f) > 0 ? s : NULL) &&
		    strncmp(s, "{\"return\"", 9) && strncmp(s, "{\"error\"", 8))
			;
		if (!r || r[2] != 'r')
			break;
	}
	if (f)
		fclose(f);
	return i == 2 ? r : NULL;
}

/* The host port that user networking forwards to the guest's port 22,
 * from "info usernet"; 0 if it cannot be had. */
static int fwdport(struct guest *g)
{
	char *s = qmp(g, "{\"execute\":\"human-monitor-command\","
	    "\"arguments\":{\"command-line\":\"info usernet\"}}");
	int port = 0, to = 0;

	while (s && (s = strstr(s, "HOST_FORWARD]")) && to != 22)
		if (sscanf(s += 13, "%*d %*s %d %*s %d", &port, &to) != 2)
			to = 0;
	return to == 22 ? port : 0;
}

/* Append the strings up to NULL to a, which stays NULL-terminated. */
static void add(struct args *a, ...)
{
	va_list ap;
	char *s;

	va_start(ap, a);
	while ((s = va_arg(ap, char *))) {
		a->v = xrealloc(a->v, (a->n + 2) * sizeof *a->v);
		a->v[a->n++] = s;
		a->v[a->n] = NULL;
	}
	va_end(ap);
}

/* s for a qemu option's value: each comma doubled. */
static char *esc(const char *s)
{
	struct str b = { 0 };

	for (sputs(&b, ""); *s; s++)
		sputs(&b, *s == ',' ? ",," : (char[2]){ *s, 0 });
	return b.s;
}

/* The virtual size of qcow2 image path, from its header; -1 if it is
 * not one. */
static long long vsize(const char *path)
{
	unsigned char h[32];
	long long n = -1;
	int i, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && read(fd, h, 32) == 32 && !memcmp(h, "QFI\xfb", 4))
		for (n = i = 0; i < 8; i++)
			n = n << 8 | h[24 + i];
	if (fd >= 0)
		close(fd);
	return n;
}

/* The arguments of nvme drive i: one controller, its image one
 * namespace, or cut into d->ns equal ones. */
static void nvme(struct args *a, struct nvme *d, int i)
{
	char *drv = fmt("nvm%d", i), *ctl = fmt("nvme%d", i), *node = drv;
	long long part = vsize(d->image) / d->ns / 4096 * 4096;
	int k;

	if (d->ns == 1 && !d->zoned) {
		add(a, "-drive", fmt("file=%s,if=none,id=%s,format=qcow2",
		    esc(d->image), drv), "-device", fmt("nvme,serial=%s,drive=%s",
		    esc(d->serial), drv), NULL);
		return;
	}
	if (part <= 0)
		die(1, "%s: not a qcow2 image of %d namespaces", d->image,
		    d->ns);
	add(a, "-blockdev", fmt("driver=qcow2,node-name=%s,file.driver=file,"
	    "file.filename=%s", drv, esc(d->image)), "-device",
	    fmt("nvme,id=%s,serial=%s", ctl, esc(d->serial)), NULL);
	for (k = 1; k <= d->ns; k++) {
		if (d->ns > 1)
			add(a, "-blockdev", fmt("driver=raw,node-name=%s,file=%s,"
			    "offset=%lld,size=%lld", node = fmt("%sn%d", drv, k),
			    drv, (k - 1) * part, part), NULL);
		add(a, "-device", fmt("nvme-ns,drive=%s,bus=%s,nsid=%d,"
		    "share-rw=on%s", node, ctl, k, d->zoned ?
		    ",zoned=true,zoned.zone_size=8M" : ""), NULL);
	}
}

/* qemu's command line for g with accelerator acc. */
static struct args qemu_argv(struct guest *g, char *acc)
{
	char *opt[] = { "-machine", g->machine, "-kernel", g->kernel,
	    "-initrd", g->initrd, "-append", g->append, "-drive", g->boot ?
	    fmt("file=%s,if=virtio,format=%s", esc(g->boot),
	    strstr(g->boot, ".qcow2") ? "qcow2" : "raw") : NULL };
	struct args a = { 0 };
	struct node *k;
	int i;

	add(&a, g->bin, "-name", esc(g->name), "-accel", acc, "-cpu", g->cpu,
	    "-smp", g->smp, "-m", g->mem, NULL);
	for (i = 0; i < 10; i += 2)
		if (opt[i + 1])
			add(&a, opt[i], opt[i + 1], NULL);
	add(&a, "-display", "none", "-daemonize", "-pidfile",
	    file(g, "qemu.pid"), "-chardev", fmt("socket,id=ser0,path=%s,"
	    "server=on,wait=off,logfile=%s", esc(file(g, "console.sock")),
	    esc(file(g, "serial.log"))), "-serial", "chardev:ser0", "-qmp",
	    fmt("unix:%s,server=on,wait=off", esc(file(g, "qmp.sock"))),
	    "-netdev", fmt("user,id=n0,hostfwd=tcp:127.0.0.1:%d-:22", g->port),
	    "-device", "virtio-net-pci,netdev=n0", NULL);
	for (i = 0; i < g->nnv; i++)
		nvme(&a, &g->nv[i], i);
	if (g->share)
		add(&a, "-virtfs", fmt("local,path=%s,mount_tag=joe,"
		    "security_model=none,id=share0", esc(g->share)), NULL);
	for (k = g->extra ? g->extra->kid : NULL; k; k = k->next)
		add(&a, k->val, NULL);
	return a;
}

/* init: g's directory and the nvme images it lacks. */
static void init(struct guest *g)
{
	int i, rc, log = -1;

	if (exitcode((char *[]){ "mkdir", "-p", "--", g->path, NULL }, 2, 10))
		die(1, "cannot create %s", g->path);
	for (i = 0; i < g->nnv; i++) {
		struct nvme *d = &g->nv[i];
		struct args a = { 0 };

		if (access(d->image, F_OK) == 0)
			continue;
		if (!d->size && !d->base)
			fdie(d->at, "%s is missing and has no size to be made "
			    "with", d->image);
		add(&a, "qemu-img", "create", "-q", "-f", "qcow2", NULL);
		if (d->base)
			add(&a, "-b", d->base, "-F", "qcow2", NULL);
		add(&a, d->image, d->size, NULL);
		if (log < 0)
			log = put(g, "qemu.err", NULL);
		if ((rc = exitcode(a.v, log, 120))) {
			tail(g, "qemu.err", 20);
			die(1, "%s: qemu-img create %s failed (%d)", g->name,
			    d->image, rc);
		}
		printf("%s: made %s\n", g->name, d->image);
	}
	if (log >= 0)
		close(log);
}

/* The accelerator for g and, for auto, why not kvm: kvm when the CPU has
 * vmx or svm, /dev/kvm opens and qemu can make g's CPU with it (stopped,
 * then told to quit); else tcg. */
static char *accel(struct guest *g, char **why)
{
	char *grep[] = { "grep", "-qwE", "vmx|svm", "/proc/cpuinfo", NULL },
	    *sh[] = { "sh", "-c",
	    "printf '%s\\n' '{\"execute\":\"qmp_capabilities\"}' "
	    "'{\"execute\":\"quit\"}' | exec \"$0\" -accel kvm -cpu \"$1\" -S "
	    "-nodefaults -display none -qmp stdio", g->bin, g->cpu, NULL };

	*why = NULL;
	if (strcmp(g->accel, "auto"))
		return g->accel;
	if (exitcode(grep, -1, 10))
		*why = "the CPU has no vmx or svm";
	else if (access("/dev/kvm", R_OK | W_OK))
		*why = "/dev/kvm cannot be opened";
	else if (exitcode(sh, -1, 20))
		*why = "qemu cannot use KVM";
	return *why ? "tcg" : "kvm";
}

/* Whether TCP port p of 127.0.0.1 is free to listen on. */
static int portfree(int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	ok = fd >= 0 && !setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) && !bind(fd, (struct sockaddr *)&a, sizeof a);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* start failed (what): say so with qemu's messages and the end of the
 * serial log, end what is left of qemu and exit 1. */
static void fail(struct guest *g, const char *what)
{
	long pid = running(g);

	warn("%s: %s", g->name, what);
	tail(g, "qemu.err", 20);
	tail(g, "serial.log", 20);
	if (pid)
		kill(pid, SIGKILL), ended(pid, 5);
	clean(g);
	exit(sig_count() ? 128 + sig_last() : 1);
}

/* g's ssh_config: ssh -F it reaches g on port (see joe-qemu(1)). */
static void sshcfg(struct guest *g, int port)
{
	struct str b = { 0 };
	struct node *k = conf_get(g->sec, "options");
	char *u = conf_str(g->sec, "user"), *s;

	sputs(&b, fmt("Host *\n\tHostName 127.0.0.1\n\tPort %d\n\tUser %s\n",
	    port, u ? u : "root"));
	if ((s = conf_str(g->sec, "identity")))
		sputs(&b, fmt("\tIdentityFile \"%s\"\n", s));
	if ((s = conf_str(g->sec, "known_hosts")))
		sputs(&b, fmt("\tUserKnownHostsFile \"%s\"\n", s));
	for (k = k ? k->kid : NULL; k; k = k->next)
		sputs(&b, fmt("\t%s\n", k->val));
	put(g, "ssh_config", b.s);
}

/* start: g's qemu in the background, its ssh port known. */
static int start(struct guest *g)
{
	char *acc, *why;
	struct args a;
	long pid;
	int log, port;

	if ((pid = running(g)))
		die(1, "%s is already running (pid %ld)", g->name, pid);
	if (g->port && !portfree(g->port))
		die(1, "port %d is busy", g->port);
	init(g);
	clean(g);
	acc = accel(g, &why);
	if (why)
		printf("%s: accel %s: %s\n", g->name, acc, why);
	put(g, "accel", fmt("%s\n", acc));
	a = qemu_argv(g, acc);
	put(g, "cmdline", fmt("%s\n", tp_words(a.n, a.v)));
	put(g, "serial.log", "");
	log = put(g, "qemu.err", NULL);
	fflush(stdout);
	if (exitcode(a.v, log, 60) || !(pid = running(g)))
		fail(g, "qemu failed to start");
	close(log);
	if (!(port = g->port ? g->port : fwdport(g)))
		fail(g, "cannot read qemu's forwarded ssh port over QMP");
	put(g, "ssh_port", fmt("%d\n", port));
	sshcfg(g, port);
	printf("%s: started, pid %ld, accel %s, ssh port %d\n", g->name, pid,
	    acc, port);
	return 0;
}

/* A transport to g; exit st if g is not running. */
static struct tp *tp(struct node *cfg, struct guest *g, int st)
{
	if (!running(g) || access(file(g, "ssh_config"), F_OK))
		die(st, "%s is not running", g->name);
	return tp_guest(cfg, g->name);
}

/* wait: until ssh to g runs true, for up to tmo seconds (1 if not,
 * 2 if qemu is gone); what ssh says goes to wait.log. The ssh gets
 * ConnectTimeout=2 first, before the transport's own options (ssh takes
 * the first value it is given). */
static int waitup(struct node *cfg, struct guest *g, double tmo)
{
	char **v = tp_argv(tp(cfg, g, 2), "true", TP_DATA);
	double t0 = now(), end = t0 + tmo, t;
	int log = put(g, "wait.log", NULL);
	struct args w = { 0 };

	add(&w, *v, "-o", "ConnectTimeout=2", NULL);
	while (*++v)
		add(&w, *v, NULL);
	while (running(g)) {
		t = end - now();	/* left */
		if (!exitcode(w.v, log, t > 5 ? 5 : t > 0 ? t : 0.1)) {
			printf("%s: answers over ssh after %.1f s\n", g->name,
			    now() - t0);
			return 0;
		}
		if (sig_count())
			exit(128 + sig_last());
		if (now() >= end) {
			warn("%s: no answer over ssh in %g s", g->name, tmo);
			tail(g, "wait.log", 2);
			tail(g, "serial.log", 20);
			return 1;
		}
		poll(NULL, 0, 200);
	}
	warn("%s: qemu is gone", g->name);
	tail(g, "serial.log", 20);
	return 2;
}

/* ssh: exec ssh to g, running argv, a leading -- dropped (one word as a
 * command line, more each quoted), else a shell; with the config's env,
 * as joe run does. */
static int ssh(struct node *cfg, struct guest *g, int argc, char **argv)
{
	int dash = argc && !strcmp(*argv, "--"), tty = argc == dash && isatty(0);
	struct tp *t = tp(cfg, g, 1);
	char **v = tp_argv(t, tp_script(t, NULL, NULL, argc > dash ?
	    tp_words(argc - dash, argv + dash) : tty ?
	    "exec \"${SHELL:-/bin/sh}\" -i" : "exec \"${SHELL:-/bin/sh}\""),
	    tty ? TP_TTY : TP_DATA);
	fflush(stdout);
	execvp(*v, v);
	die(1, "cannot run %s:", *v);
}

/* kill: ACPI power-down, then after the grace period TERM, then KILL. */
static int killg(struct guest *g)
{
	long pid = running(g);
	double t0 = now();
	int sig = 0;

	if (!pid) {
		clean(g);
		printf("%s is not running\n", g->name);
		return 0;
	}
	qmp(g, "{\"execute\":\"system_powerdown\"}");
	if (!ended(pid, g->grace)) {
		kill(pid, sig = SIGTERM);
		if (!ended(pid, JOE_GRACE))
			kill(pid, sig = SIGKILL), ended(pid, 5);
	}
	if (alive(pid))
		die(1, "%s: pid %ld does not end", g->name, pid);
	clean(g);
	printf("%s: %s %.1f s%s\n", g->name, sig ? "killed after" :
	    "powered off in", now() - t0, sig ? fmt(" (SIG%s; no power-off "
	    "in %g s)", sig == SIGTERM ? "TERM" : "KILL", g->grace) : "");
	return 0;
}

/* status: a line for g, exit 0 if it runs, else 1. */
static int status(struct guest *g)
{
	long pid = running(g);

	if (pid)
		printf("running pid %ld accel %s ssh port %s\n", pid,
		    firstline(file(g, "accel"), "?"),
		    firstline(file(g, "ssh_port"), "?"));
	else
		puts("stopped");
	return !pid;
}

/* console: exec socat between stdin and stdout and g's serial port, until
 * the end of either or Ctrl-] on stdin (a terminal is raw meanwhile). */
static int console(struct guest *g)
{
	char *v[] = { "socat", isatty(0) ? "-,escape=0x1d,rawer" :
	    "-,escape=0x1d", "UNIX-CONNECT:console.sock", NULL };

	if (!running(g) || chdir(g->path))
		die(1, "%s is not running", g->name);
	fprintf(stderr, "Connected to %s's console; Ctrl-] to leave\n", g->name);
	execvp(*v, v);
	die(1, "cannot run socat:");
}

/* joe qemu [-c config]... [-D key=value]... command guest [arg...] */
int main(int argc, char **argv)
{
	static const char *cmds[] = { "init", "start", "wait", "ssh", "kill",
		"status", "console", NULL };
	char *cmd = NULL;
	int c, i;
	double tmo = 0;
	struct node *cfg;
	struct guest *g;

	argv0 = "joe-qemu";
	for (;;) {	/* options before the command, then after it */
		while ((c = getopt(argc, argv, "+c:D:hT:")) != -1)
			switch (c) {
			case 'c': case 'D': conf_opt(c, optarg); break;
			case 'T':
				if (!(tmo = seconds(optarg)))
					die(2, "-T %s: expected seconds from "
					    "0.001 to 2592000", optarg);
				break;
			default: usage(c == 'h' ? 0 : 2);
			}
		if (cmd || optind >= argc)
			break;
		cmd = argv[optind++];
	}
	for (i = 0; cmds[i] && cmd && strcmp(cmds[i], cmd); i++)
		;
	if (!cmd || !cmds[i] || optind >= argc || (tmo && i != 2) ||
	    (i != 3 && optind + 1 < argc))
		usage(2);
	signal(SIGPIPE, SIG_IGN);
	sec_init(cfg = conf_config());
	tp_open(cfg, NULL, NULL);
	g = guest_load(cfg, argv[optind++]);
	switch (i) {
	case 0: init(g); return 0;
	case 1: return start(g);
	case 2: return waitup(cfg, g, tmo ? tmo : 60);
	case 3: return ssh(cfg, g, argc - optind, argv + optind);
	case 4: return killg(g);
	case 5: return status(g);
	default: return console(g);
	}
}
