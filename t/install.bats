#!/usr/bin/env bats
# make install: the installed layout finds its commands and packages.
load helper

@test "make install PREFIX=...: joe finds libexec and the packages" {
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" "$TOP/man" src/
	make -s -C src install PREFIX="$PWD/p" SANITIZE="${SANITIZE:-}" >/dev/null
	[ -x p/bin/joe ] && [ -x p/libexec/joe/joe-run ]
	[ -x p/share/joe/pkgs/core/sysinfo ]
	[ -e p/share/man/man1/joe-run.1 ] && [ -e p/share/man/man5/joe-run.5 ]
	rm -rf src
	mkdir lab && cd lab
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" joe -s
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run joe run -o out
	[ "$status" = 0 ]
	[ -s out/02-sysinfo/uname.txt ]
}

@test "make install DESTDIR=... stages under DESTDIR" {
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" "$TOP/man" src/
	make -s -C src install PREFIX=/usr DESTDIR="$PWD/stage" >/dev/null
	[ -x stage/usr/bin/joe ] && [ -x stage/usr/libexec/joe/joe-config ]
}
