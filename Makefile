# joe: make, make check, make run, make install, make deps.
# make SANITIZE=1 builds with ASan+UBSan; make STATIC=1 links statically.
PREFIX = /usr/local
DESTDIR =
BINDIR = $(PREFIX)/bin
LIBEXECDIR = $(PREFIX)/libexec/joe
PKGDIR = $(PREFIX)/share/joe/pkgs
MANDIR = $(PREFIX)/share/man

CC = cc
CFLAGS = -std=c99 -Wall -Wextra -Werror -O2
CPPFLAGS = -D_XOPEN_SOURCE=700 -Ilib -DJOE_PKGS='"$(PKGDIR)"' \
	-DJOE_LIBEXEC='"$(LIBEXECDIR)"'
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
# perl for prove, which t/report.bats reads joe report -f tap with
DEBS = gcc make libc6-dev libyaml-dev zlib1g-dev libexpat1-dev bats mandoc man-db \
	time git procps passwd openssh-client openssh-server util-linux tar bc fio \
	chromium libxml2-utils perl qemu-system-x86 qemu-utils cpio socat \
	python3-pytest mmdebstrap e2fsprogs

SCRIPTS = joe-finish joe-help joe-selftest joe-starter joe-put joe-get \
	joe-report-html joe-qemu

all: $(CMDS) $(SCRIPTS)

# Rebuild everything when the flags change (SANITIZE, STATIC, PREFIX).
.flags: FORCE
	@echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS)' > $@

%.o: %.c lib/joe.h .flags
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

lib/libjoe.a: $(LIBOBJ)
	$(AR) rcs $@ $(LIBOBJ)

$(CMDS): %: cmd/%.o lib/libjoe.a
	$(CC) $(LDFLAGS) -o $@ $< lib/libjoe.a $(LDLIBS)
joe-junit: LDLIBS += -lexpat
# The dispatcher only execs: linked statically, it does not pay for a
# second dynamic load (joe run -h: 4.4 ms dynamic, 3.8 static, joe-run -h
# alone 2.7). ASan cannot link statically.
ifneq ($(SANITIZE),1)
joe: LDFLAGS += -static
joe: LDLIBS =
endif

# joe finish, help, selftest, put, get, qemu and -s are sh scripts that need to
# know where commands and packages install.
joe-finish joe-help joe-selftest joe-starter joe-report-html joe-qemu: %: cmd/%
joe-put joe-get: cmd/joe-copy
$(SCRIPTS): .flags
	sed 's|@PKGDIR@|$(PKGDIR)|; s|@LIBEXECDIR@|$(LIBEXECDIR)|' \
		$(filter cmd/%,$^) > $@ && chmod +x $@

# One-shot commands let exit free what they allocated, so leak reports
# are noise; every other ASan or UBSan finding fails the test it is in.
check: all
	mandoc -Tlint -Wwarning man/*.[0-9]
	SANITIZE=$(SANITIZE) ASAN_OPTIONS=detect_leaks=0 \
		UBSAN_OPTIONS=print_stacktrace=1 t/run $(filter-out t/guest% t/distro%,$(wildcard t/*.bats))

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

bench: all guest
	bench/run

run: all
	mkdir -p run && cd run && ../joe run -c ../pkgs/core/default.config \
		../pkgs/core/example.workflow

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(PKGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7
	cp joe $(DESTDIR)$(BINDIR)/
	cp $(filter-out joe,$(CMDS)) $(SCRIPTS) $(DESTDIR)$(LIBEXECDIR)/
	cp -R pkgs/. $(DESTDIR)$(PKGDIR)/
	cp man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/*.5 $(DESTDIR)$(MANDIR)/man5/
	cp man/*.7 $(DESTDIR)$(MANDIR)/man7/

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
analyze:
	for f in lib/*.c cmd/*.c; do \
		$(ANALYZE) $(CPPFLAGS) -c -o /dev/null $$f || exit 1; done

clean:
	rm -f $(CMDS) $(SCRIPTS) cmd/*.o lib/*.o lib/libjoe.a .flags

FORCE:
.PHONY: all bench check check-guest check-distro guest run install deps clean FORCE \
	fuzz fuzz-deps valgrind analyze
