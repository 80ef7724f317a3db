#!/usr/bin/env bats
# joe selftest: the packages' selftests (pkgs/*/selftest/*.bats) through
# core.test, here and over the test sshd; its TAP, exit status and usage.
load helper
load sshd

# helper.bash's set-up, and TMPDIR in ./tmp to see that nothing is left.
eval "helper_$(declare -f setup)"
setup() {
	helper_setup
	mkdir tmp
	export TMPDIR=$PWD/tmp
}

# broken: along JOE_PATH, a package "broken" whose selftest fails once
# and skips once, and a package "nosel" without a selftest.
broken() {
	export JOE_PATH=$BATS_TEST_DIRNAME/fixtures/suites/pkgs
}

@test "joe selftest runs every package's selftest here, prints TAP, exits 0" {
	run joe selftest
	[ "$status" = 0 ]
	[ "${lines[0]}" = "TAP version 13" ]
	[[ "$output" == *"ok 1 - selftest 01-core"* ]]
	# every package of pkgs/ that has a selftest, in name order
	n=0
	for p in core fio linux qemu spdk xnvme; do
		n=$((n + 1))
		[[ "$output" == *"- selftest 0$n-$p"* ]]
	done
	[[ "$output" != *"- selftest 0$((n + 1))-"* ]]
	[[ "$output" == *"(core.sysinfo)"* ]]
	[[ "$output" != *"not ok"* ]]
	[[ "${lines[-1]}" =~ ^1\.\.[0-9]+$ ]]
	[ -z "$(ls -A tmp)" ]
}

@test "joe selftest over the test sshd, named packages" {
	run joe selftest -c "$FIX/ssh.config" -t box core fio
	[ "$status" = 0 ]
	[[ "$output" == *"ok 1 - selftest 01-core"* ]]
	[[ "$output" == *"ok 2 - selftest 02-fio"* ]]
	[[ "$output" != *"qemu"* ]]
	[[ "$output" != *"not ok"* ]]
	[ "$(logins)" -gt 0 ]
	[ -z "$(ls -A tmp)" ]
}

# two.config: boxa and boxb the test sshd, each with a master of its
# own, and off, where nothing listens.
two() {
	{
		echo 'transport:'
		for t in boxa boxb; do
			sed -n '/^  box:/,$p' "$FIX/ssh.config" | sed "s/^  box:/  $t:/"
			echo "    options: [ControlPath=$XDG_RUNTIME_DIR/$t.%C]"
		done
		echo '  off: {host: 127.0.0.1, port: 1}'
	} > two.config
}

@test "several targets, -t twice or a -t pattern: one TAP of each target's results on stdout" {
	two
	for t in boxa,boxb 'box*'; do
		IFS=, read -r t1 t2 <<<"$t"
		run -0 --separate-stderr joe selftest -c two.config -t "$t1" ${t2:+-t "$t2"} core
		[ "${lines[0]}" = "TAP version 13" ]
		[ "${lines[1]}" = "ok 1 - boxa 01-core" ]
		[[ "$output" == *"ok 2 - boxa 01-core core.bats "* ]]
		[[ "$output" == *"- boxb 01-core"$'\n'* ]]
		[[ "$output" == *"- boxb 01-core core.bats "* ]]
		[[ "$output" != *"not ok"* ]]
		[ "${lines[-1]}" = "1..$((${#lines[@]} - 2))" ]
		[ -z "$stderr" ]
		[ -z "$(ls -A tmp)" ]
	done
	run -1 --separate-stderr joe selftest -c two.config -t boxa -t off core
	[[ "$output" == *"ok 1 - boxa 01-core"$'\n'* ]]
	[[ "$output" == *"not ok "*" - off 01-core"$'\n'* ]]
	[ "${stderr_lines[-1]}" = "joe selftest: failed; the run is in $(echo "$PWD"/tmp/joe-selftest.*/selftest)" ]
}

@test "a failing selftest: exit 1, the failure in the TAP, the run kept" {
	broken
	run joe selftest core broken
	[ "$status" = 1 ]
	[[ "$output" == *"ok 1 - selftest 01-core"* ]]
	[[ "$output" == *"not ok 2 - selftest 02-broken"* ]]
	[[ "$output" == *"does not"* ]]
	[ "${lines[-1]}" != "${lines[-1]#joe selftest: failed; the run is in }" ]
	d=${lines[-1]#joe selftest: failed; the run is in }
	[ "$d" = "$(echo "$PWD"/tmp/joe-selftest.*/selftest)" ]
	[ "$(cut -f1,3 "$d/steps.tsv" | xargs)" = "01-core pass 02-broken fail" ]
}

@test "no package named: every package along JOE_PATH too" {
	broken
	run joe selftest
	[ "$status" = 1 ]
	[[ "$output" == *"- selftest 01-broken"* ]]
	[[ "$output" == *"- selftest 02-core"* ]]
	[[ "$output" != *"nosel"* ]]
}

@test "usage errors exit 2" {
	broken
	run -2 joe selftest -x
	[ "$output" = "joe selftest: invalid option -- 'x'
usage: joe selftest [-c config]... [-t transport]... [package]..." ]
	run -2 joe selftest -t
	[ "${lines[0]}" = "joe selftest: option requires an argument -- 't'" ]
	run -2 joe selftest core nowhere
	[ "$output" = "joe selftest: no package nowhere (or it has no selftest)" ]
	run -2 joe selftest nosel
	[ "$output" = "joe selftest: no package nosel (or it has no selftest)" ]
	run -2 joe selftest -c missing.config core
	[ "$output" = "joe-run: cannot open missing.config: No such file or directory" ]
	run -2 joe selftest -t nowhere core
	[ "$output" = "joe-run: no transport 'nowhere' in the config" ]
	run -0 sh -c 'joe selftest -h 2>/dev/null'
	[ "$output" = "usage: joe selftest [-c config]... [-t transport]... [package]..." ]
	[ -z "$(ls -A tmp)" ]
}
