# The core package's selftest (joe selftest core), run on the target by
# core.test: what joe run, joe put, joe get and core's worklets (sysinfo,
# test) need there, each exercised for real.

@test "sh: commands, exit status, process groups (joe run)" {
	run sh -c 'echo "a b"; exit 3'
	[ "$status" = 3 ]
	[ "$output" = "a b" ]
	command -v setsid
	run setsid sh -c 'kill -0 -$$ && echo leader'
	[ "$output" = leader ]
}

@test "cat, stat, tar, mktemp, mv, wc, chmod copy a file and a tree (joe put, joe get)" {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p a/b
	printf 'x\n' > a/b/f
	chmod 640 a/b/f
	[ "$(stat -c '%a %s' a/b/f)" = "640 2" ]
	t=$(mktemp -d "$PWD/.joe.XXXXXX")
	[ -d "$t" ]
	tar -cf - ./a | tar -xof - -C "$t"
	mv -f "$t/a" copy
	[ "$(cat copy/b/f)" = x ]
	[ "$(wc -c < copy/b/f)" = 2 ]
	[ "$(stat -c %a copy/b/f)" = 640 ]
	rm -rf "$t" copy
}

@test "uname, /proc, df, ls (core.sysinfo)" {
	uname -a
	grep -q . /proc/cpuinfo
	grep -q '^MemTotal:' /proc/meminfo
	[ "$(df -h | wc -l)" -gt 1 ]
	ls -l /dev | grep -q ' null$'
}

@test "date, sed, grep -E, tee, cp, awk in a scratch directory (core.test)" {
	d=$(mktemp -d "${TMPDIR:-/tmp}/joe-test.XXXXXX")
	cd "$d"
	[ "$(date +%s)" -gt 0 ]
	printf 'one\ntwo\n' | sed 's/^/# /' | tee out > /dev/null
	[ "$(cat out)" = "# one
# two" ]
	echo crash.sh | grep -Eq '^cr(a|b)sh'
	cp out copy
	[ "$(awk 'END { print NR }' copy)" = 2 ]
	cd /
	rm -rf "$d"
	[ ! -e "$d" ]
}
