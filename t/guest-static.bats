#!/usr/bin/env bats
# The static toolbox (make STATIC=1: joe, which holds every C command,
# and each C command a hard link to it) in a root of nothing but busybox, from
# the test guest's packages: no libc, no libyaml, no bash there. It runs a
# workflow with a worklet, a matrix, metrics and tests, joe report, joe
# put and get. As root (chroot, and /proc and /dev mounted in a mount
# namespace of the test's own, gone with it).
load helper

setup_file() {
	[ "$(id -u)" = 0 ] || skip "chroot needs root"
	local deb a
	deb=$(ls "$BATS_TEST_DIRNAME"/fixtures/guest/cache/debs/busybox-static_*.deb)
	export R=$BATS_FILE_TMPDIR/root
	local s=$BATS_FILE_TMPDIR/src
	mkdir "$R" "$s"
	(cd "$BATS_TEST_DIRNAME/.." && cp -R Makefile VERSION cmd lib pkgs man \
	    completion "$s")
	make -s -C "$s" install STATIC=1 SANITIZE= PREFIX=/usr DESTDIR="$R" \
	    > "$BATS_FILE_TMPDIR/build.log" 2>&1
	dpkg-deb -x "$deb" "$R"
	for a in $("$R/bin/busybox" --list-full); do
		mkdir -p "$R/${a%/*}"
		[ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"
	done
	mkdir -p "$R/proc" "$R/dev" "$R/tmp" "$R/root" "$R/etc" "$R/lab"
	chmod 1777 "$R/tmp"
	printf 'NAME="busybox root"\nID=busybox\n' > "$R/etc/os-release"
}

# inroot SCRIPT: SCRIPT run by the root's sh in /lab, chrooted, with a
# clean environment
inroot() {
	unshare -m sh -c 'mount -t proc proc "$1/proc" &&
	    mount --bind /dev "$1/dev" &&
	    exec env -i HOME=/root PATH=/usr/bin:/bin:/usr/sbin:/sbin \
	    TERM=dumb chroot "$1" /bin/sh -c "cd /lab && $2"' sh "$R" "$1"
}

@test "static: one executable for every command, all of joe under 2 MiB, nothing else but busybox" {
	[ "$R/usr/bin/joe" -ef "$R/usr/libexec/joe/joe-run" ]
	[ "$R/usr/bin/joe" -ef "$R/usr/libexec/joe/joe-report" ]
	! readelf -l "$R/usr/bin/joe" | grep -q INTERP	# no dynamic loader
	! readelf -d "$R/bin/busybox" | grep -q NEEDED
	[ -z "$(find "$R" \( -name 'lib*.so*' -o -name bash -type f \))" ]
	# joe's commands: the one executable, counted once, and the scripts
	n=$(du -sb "$R/usr/bin/joe" "$R/usr/libexec/joe" | awk '{ s += $1 } END { print s }')
	echo "joe's commands: $n bytes"
	[ "$n" -lt 2097152 ]
}

@test "static: a workflow runs in the busybox root, and joe report reads it" {
	cat > "$R/lab/w.workflow" <<-'EOF2'
	steps:
	- name: info
	  run: cat /etc/os-release
	- name: sysinfo
	  uses: core.sysinfo
	- name: sum
	  matrix: {algo: [md5sum, sha256sum]}
	  run: printf 'joe\n' | {{ matrix.algo }}
	- name: lat
	  extract: kv
	  run: echo "lat= 5 us"
	- name: io
	  matrix: {bs: [4k, 1m], qd: [1, 16]}
	  extract: kv
	  run: echo "lat.p99= $(({{ matrix.qd }} * {{ matrix.qd }} * 3)) us"
	- name: tap
	  run: printf '1..2\nok 1 - one\nok 2 - two\n'
	- name: bye
	  always: true
	  run: echo done
	EOF2
	run inroot 'joe run -z -o out w.workflow'
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[-1]}" = "out: 11 passed, 0 failed, 0 skipped" ]
	[ -s "$R/lab/out/02-sysinfo/uname.txt" ]
	[ -f "$R/lab/out/01-info/cmd-01.log.gz" ]
	grep -q '^05-lat.*lat' "$R/lab/out/metrics.tsv"
	[ "$(grep -c '	pass	' "$R/lab/out/tests.tsv")" = 2 ]
	run inroot 'joe report -f text out; joe report -f html -o r.html out'
	[ "$status" = 0 ]
	[[ "$output" == *"tests: 2 passed, 0 failed"* ]]
	[ "${lines[-1]}" = "out: 11 passed, 0 failed, 0 skipped" ]
	# busybox awk (no log(), no pow()) draws the page as this machine's
	# awk does, the log axis of lat.p99 (3 to 768 us) too
	grep -q 'lat.p99, io (log scale)' "$R/lab/r.html"
	joe report -f html -o "$R/lab/here.html" "$R/lab/out"
	cmp "$R/lab/r.html" "$R/lab/here.html"
	run inroot 'joe -s && joe config -t'
	[ "$status" = 0 ]
	[ -f "$R/lab/example.workflow" ]
}

@test "static: joe put, joe get and joe run -- in the busybox root" {
	run inroot 'mkdir -p d/e && echo hi > d/e/f && joe put d /tmp/ &&
	    joe get /tmp/d back && cat back/e/f && joe run -- "uname -s; exit 3"'
	echo "$output"
	[ "$status" = 3 ]
	[ "${lines[0]}" = hi ]
	[ "${lines[1]}" = Linux ]
}

@test "static: joe run on several targets at once in the busybox root" {
	printf 'transport:\n  a: {}\n  b: {}\n' > "$R/lab/two.config"
	printf 'steps: [{name: s, run: "echo x"}]\n' > "$R/lab/two.workflow"
	run inroot 'joe run -c two.config -t a -t b -o par two.workflow'
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"a: PASS 01-s"*"par: 2 of 2 targets passed"* ]]
	[[ "$output" == *"b: PASS 01-s"* ]]
	[ -f "$R/lab/par/a/steps.tsv" ] && [ -f "$R/lab/par/b/steps.tsv" ]
}
