# joe: make, make check, make run, make install, make deps.
# make SANITIZE=1 builds with ASan+UBSan; make STATIC=1 links statically.
PREFIX = /usr/local
DESTDIR =
BINDIR = $(PREFIX)/bin
LIBEXECDIR = $(PREFIX)/libexec/joe
PKGDIR = $(PREFIX)/share/joe/pkgs
MANDIR = $(PREFIX)/share/man
COMPDIR = $(PREFIX)/share/bash-completion/completions
MANIFEST = $(PREFIX)/share/joe/installed
# The version: VERSION, and the commit when built from a git work tree.
VERSION := $(shell cat VERSION 2>/dev/null || echo unknown)$(shell git rev-parse --short HEAD 2>/dev/null | \
	sed 's/^/+g/')

CC = cc
CFLAGS = -std=c99 -Wall -Wextra -Werror -O2
CPPFLAGS = -D_XOPEN_SOURCE=700 -Ilib -DJOE_PKGS='"$(PKGDIR)"' \
	-DJOE_LIBEXEC='"$(LIBEXECDIR)"' -DJOE_VERSION='"$(VERSION)"'
LDLIBS = -lyaml -lz
ifeq ($(SANITIZE),1)
CFLAGS += -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(STATIC),1)
LDFLAGS += -static
endif

CMDS = joe joe-run joe-config joe-extract joe-junit joe-analyse joe-report
LIBOBJ = $(patsubst %.c,%.o,$(wildcard lib/*.c))
# perl for prove, which t/report.bats reads joe report -f tap with;
# dpkg-dev, debhelper and lintian for make check-deb
DEBS = gcc make libc6-dev libyaml-dev zlib1g-dev libexpat1-dev bats mandoc man-db \
	time git procps passwd openssh-client openssh-server util-linux tar bc fio \
	chromium libxml2-utils perl qemu-system-x86 qemu-utils cpio socat \
	python3-pytest mmdebstrap e2fsprogs dpkg-dev debhelper lintian

SCRIPTS = joe-finish joe-fanout joe-help joe-selftest joe-starter joe-put joe-get \
	joe-report-html joe-qemu

all: $(CMDS) $(SCRIPTS)

# Rebuild everything when the flags change (SANITIZE, STATIC, PREFIX).
.flags: FORCE
	@echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS)' > $@

%.o: %.c lib/joe.h .flags
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The session server, sh run on the target, is built into transport.o as
# a C string: its lines, but those that begin with #; sh -n checks it.
lib/session.inc: lib/session.sh
	sh -n lib/session.sh
	sed -e '/^[[:space:]]*#/d' -e 's/[\\"]/\\&/g' -e 's/.*/    "&\\n"/' \
		lib/session.sh > $@
lib/transport.o: lib/session.inc

lib/libjoe.a: $(LIBOBJ)
	$(AR) rcs $@ $(LIBOBJ)

# joe holds every C command (cmd/joe.c), each main renamed main_joe_NAME,
# so joe NAME costs one exec, not two (joe run -h: 2.0 ms where joe-run
# -h is 2.5, and 5.0 through the dispatcher alone). It is linked
# statically (no dynamic loader to pay for; ASan cannot): 1.7 MB.
BOXED = $(filter-out joe,$(CMDS))
cmd/%.box.o: cmd/%.c lib/joe.h .flags
	$(CC) $(CFLAGS) $(CPPFLAGS) -Dmain=main_$(subst -,_,$*) -c -o $@ $<
joe: cmd/joe.o $(BOXED:%=cmd/%.box.o) lib/libjoe.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lexpat
ifneq ($(SANITIZE),1)
joe: LDFLAGS += -static
endif
ifeq ($(STATIC),1)
# Static: the other commands are hard links to joe, one executable for
# all (1.7 MB, where each linked alone would be 8 MB together).
$(BOXED): joe
	ln -f joe $@
else
$(BOXED): %: cmd/%.o lib/libjoe.a
	$(CC) $(LDFLAGS) -o $@ $< lib/libjoe.a $(LDLIBS)
joe-junit: LDLIBS += -lexpat
endif

# joe finish, help, selftest, put, get, qemu and -s are sh scripts that need to
# know where commands and packages install.
joe-finish joe-fanout joe-help joe-selftest joe-starter joe-report-html joe-qemu: %: cmd/%
joe-put joe-get: cmd/joe-copy
$(SCRIPTS): .flags
	sed 's|@PKGDIR@|$(PKGDIR)|; s|@LIBEXECDIR@|$(LIBEXECDIR)|' \
		$(filter cmd/%,$^) > $@ && chmod +x $@

# One-shot commands let exit free what they allocated, so leak reports
# are noise; every other ASan or UBSan finding fails the test it is in.
check: all
	mandoc -Tlint -Wwarning man/*.[0-9]
	SANITIZE=$(SANITIZE) ASAN_OPTIONS=detect_leaks=0 \
		UBSAN_OPTIONS=print_stacktrace=1 t/run $(filter-out t/guest% t/distro% t/deb%,$(wildcard t/*.bats))

# The QEMU guest tests: the test guest is built once (Debian packages,
# cached in t/fixtures/guest/cache), then booted under TCG.
guest:
	t/fixtures/guest/build

check-guest: all guest
	SANITIZE=$(SANITIZE) ASAN_OPTIONS=detect_leaks=0 \
		UBSAN_OPTIONS=print_stacktrace=1 t/run $(wildcard t/guest*.bats)

# A Debian guest built by joe qemu image (mmdebstrap, as root; cached in
# t/fixtures/distro-cache), booted under TCG with xNVMe's NVMe topology.
check-distro: all guest
	SANITIZE=$(SANITIZE) ASAN_OPTIONS=detect_leaks=0 \
		UBSAN_OPTIONS=print_stacktrace=1 t/run t/distro.bats

# The Debian package: built from a copy of the tree, checked by lintian,
# installed, used and purged (as root; not while a package joe is installed).
check-deb:
	t/run t/deb.bats

bench: all guest
	bench/run

run: all
	mkdir -p run && cd run && ../joe run -c ../pkgs/core/default.config \
		../pkgs/core/example.workflow

# install lists every file it puts in MANIFEST (itself last), which
# uninstall removes, and then the directories that are left empty of ours.
# A command that is joe (make STATIC=1) is a hard link to the installed joe
# (a copy across file systems); a file is removed before it is put, so an
# earlier install's links never take another's contents.
install: all
	set -e; m=$(DESTDIR)$(MANIFEST); mkdir -p "$${m%/*}"; : > "$$m.tmp"; \
	put() { mkdir -p "$(DESTDIR)$${2%/*}"; rm -f "$(DESTDIR)$$2"; \
		{ [ "$$1" -ef joe ] && [ "$$1" != joe ] && \
		ln "$(DESTDIR)$(BINDIR)/joe" "$(DESTDIR)$$2" 2>/dev/null; } || \
		cp "$$1" "$(DESTDIR)$$2"; echo "$$2" >> "$$m.tmp"; }; \
	put joe $(BINDIR)/joe; \
	for f in $(filter-out joe,$(CMDS)) $(SCRIPTS); do \
		put $$f $(LIBEXECDIR)/$$f; done; \
	for f in $$(cd pkgs && find . -type f | sort); do \
		put pkgs/$$f $(PKGDIR)/$${f#./}; done; \
	for f in man/*.[0-9]; do put $$f $(MANDIR)/man$${f##*.}/$${f#man/}; done; \
	put completion/joe.bash $(COMPDIR)/joe; \
	echo $(MANIFEST) >> "$$m.tmp"; mv "$$m.tmp" "$$m"

uninstall:
	m=$(DESTDIR)$(MANIFEST); [ -f "$$m" ] || { echo "no $$m" >&2; exit 1; }; \
	sed 's|^|$(DESTDIR)|' "$$m" | xargs rm -f && \
	for d in $(PKGDIR) $(LIBEXECDIR) $(dir $(MANIFEST)); do \
		[ ! -d "$(DESTDIR)$$d" ] || find "$(DESTDIR)$$d" -depth -type d \
			-empty -delete; done

deps:
	$(if $(filter 0,$(shell id -u)),,sudo) sh -c \
		'apt-get update -qq && apt-get install -y -qq $(DEBS)'

# Fuzzing (README "Fuzzing and sanitizers"). AFL++ rather than libFuzzer:
# the commands exit() on bad input and let exit free their memory, which
# an in-process libFuzzer loop handles badly (every exit ends the run, and
# what exit would free leaks); AFL forks a fresh process per input and
# fuzzes the real executables unchanged. The instrumented ASan+UBSan copies
# are built in t/fuzz/out/build, so the normal build is never touched.
FUZZ_S = 60
FUZZ_J = 2
FUZZ_T =
fuzz:
	FUZZ_S=$(FUZZ_S) FUZZ_J=$(FUZZ_J) t/fuzz/run $(FUZZ_T)

fuzz-deps:
	$(if $(filter 0,$(shell id -u)),,sudo) sh -c \
		'apt-get update -qq && apt-get install -y -qq afl++ valgrind'

# The core commands under valgrind on representative inputs; any error fails.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=no
valgrind: all
	VALGRIND='$(VALGRIND)' t/fuzz/valgrind

# gcc's static analyzer over every source: lists every warning, fails on
# none (-fsyntax-only would stop before the analyzer runs).
ANALYZE = gcc -std=c99 -fanalyzer -Wall -Wextra -Wno-error
analyze: lib/session.inc
	for f in lib/*.c cmd/*.c; do \
		$(ANALYZE) $(CPPFLAGS) -c -o /dev/null $$f || exit 1; done

clean:
	rm -f $(CMDS) $(SCRIPTS) cmd/*.o lib/*.o lib/libjoe.a lib/session.inc .flags

FORCE:
.PHONY: all bench check check-deb check-guest check-distro guest run install uninstall deps clean FORCE \
	fuzz fuzz-deps valgrind analyze
