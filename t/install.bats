#!/usr/bin/env bats
# make install: the installed layout finds its commands and packages.
load helper

@test "make install PREFIX=...: joe finds libexec and the packages" {
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/VERSION" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" \
	    "$TOP/man" "$TOP/completion" src/
	make -s -C src install PREFIX="$PWD/p" SANITIZE="${SANITIZE:-}" >/dev/null
	[ -x p/bin/joe ]
	[ -x p/libexec/joe/joe-run ]
	[ -x p/share/joe/pkgs/core/sysinfo ]
	[ -e p/share/man/man1/joe-run.1 ]
	[ -e p/share/man/man5/joe-run.5 ]
	[ -x p/libexec/joe/joe-selftest ]
	[ -e p/share/man/man7/joe-packages.7 ]
	rm -rf src
	mkdir lab && cd lab
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" joe -s
	# joe selftest finds the installed packages
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run joe selftest core
	[ "$status" = 0 ]
	[ "${lines[1]}" = "ok 1 - selftest 01-core" ]
	printf -- '- {name: tap, run: "echo 1..1; echo ok 1 - fine"}\n- {name: kv, extract: kv, run: "echo lat= 5 us"}\n' >> example.workflow
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run joe run -o out
	[ "$status" = 0 ]
	[ -s out/02-sysinfo/uname.txt ]
	grep -q '^09-kv.*lat' out/metrics.tsv
	grep -q '^08-tap.*fine' out/tests.tsv
	[ "${lines[-1]}" = "out: 9 passed, 0 failed, 0 skipped" ]
	[[ "$output" != *"cannot run"* ]]
	# joe-run called directly finds its siblings through its own place
	# (the worklet finds joe on the PATH)
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run ../p/libexec/joe/joe-run -r -o direct
	[ "$status" = 0 ]
	grep -q lat direct/metrics.tsv
	grep -q fine direct/tests.tsv
	[ -s direct/report.html ]
	[ "${lines[-1]}" = "direct: 9 passed, 0 failed, 0 skipped" ]
	# a run whose report cannot be made does not exit 0
	chmod -x ../p/libexec/joe/joe-report
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run ../p/libexec/joe/joe-run -o noreport
	[ "$status" = 1 ]
	[ "${lines[-1]}" = "joe-run: $PWD/noreport: the post-run command failed (status 1)" ]
	[[ "$output" == *"joe finish: $PWD/noreport: joe-report failed"* ]]
	grep -q lat noreport/metrics.tsv
	rm ../p/libexec/joe/joe-extract
	PATH="$BATS_TEST_TMPDIR/p/bin:/usr/bin:/bin" run ../p/libexec/joe/joe-run -o noextract
	[ "$status" = 1 ]
	[ "${lines[-1]}" = "joe-run: $PWD/noextract: the post-run command failed (status 1)" ]
	[[ "$output" == *"joe finish: $PWD/noextract: joe-extract joe-report failed"* ]]
	[ ! -e noextract/metrics.tsv ]
}

@test "make install DESTDIR=... stages under DESTDIR" {
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/VERSION" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" \
	    "$TOP/man" "$TOP/completion" src/
	make -s -C src install PREFIX=/usr DESTDIR="$PWD/stage" >/dev/null
	[ -x stage/usr/bin/joe ]
	[ -x stage/usr/libexec/joe/joe-config ]
	# the manifest names the installed paths, not the staged ones
	grep -qx /usr/bin/joe stage/usr/share/joe/installed
}

@test "make uninstall removes exactly what make install put; joe --version" {
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/VERSION" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" \
	    "$TOP/man" "$TOP/completion" src/
	mkdir -p p/bin p/share/man/man1
	echo mine > p/bin/other
	echo mine > p/share/man/man1/other.1
	make -s -C src install PREFIX="$PWD/p" SANITIZE="${SANITIZE:-}" >/dev/null
	run p/bin/joe --version
	[[ "$output" == "joe $(cat "$TOP/VERSION")"* ]]
	[ -s p/share/bash-completion/completions/joe ]
	m=p/share/joe/installed
	[ "$(tail -n 1 $m)" = "$PWD/$m" ]
	# the manifest lists every file install put, and only those
	diff <(find p -type f ! -name other ! -name other.1 | sort) \
	    <(sed "s|^$PWD/||" $m | sort)
	make -s -C src uninstall PREFIX="$PWD/p" >/dev/null
	[ "$(find p -type f | sort)" = "p/bin/other
p/share/man/man1/other.1" ]
	[ ! -e p/libexec/joe ] && [ ! -e p/share/joe ]
	run make -s -C src uninstall PREFIX="$PWD/p"
	[ "$status" = 2 ]
	[[ "$output" == *"no $PWD/p/share/joe/installed"* ]]
}
