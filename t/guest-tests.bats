#!/usr/bin/env bats
# core.test and joe selftest in the test guest (t/fixtures/guest, booted
# once for this file under TCG, transport vm): bats, pytest and exec
# suites run there, their results come back, nothing is left there. Run
# by `make check-guest`, not by `make check`. The guest needs bash, bats
# and python3-pytest.
load helper

SU=$BATS_TEST_DIRNAME/fixtures/suites

setup_file() {
	"$BATS_TEST_DIRNAME/fixtures/guest/build" >/dev/null
	D=$(mktemp -d /tmp/jt.XXXX)
	mkdir -m 700 "$D/run"
	G=$BATS_TEST_DIRNAME/fixtures/guest/cache
	export D XDG_RUNTIME_DIR="$D/run"	# private ssh ControlPath directory
	cat > "$D/g.config" <<-EOF
	qemu:
	  guests:
	    g:
	      path: $D/g
	      kernel: $G/vmlinuz
	      initrd: $G/initrd.img
	      memory: 512M
	      identity: $G/id
	      known_hosts: $G/known_hosts
	      options: [HostKeyAlias=joe-guest]
	transport:
	  local: {}
	  vm: {guest: g}
	EOF
	"$TOP/joe" qemu -c "$D/g.config" start g >/dev/null
	"$TOP/joe" qemu -c "$D/g.config" wait -T 120 g >/dev/null
}

teardown_file() {
	"$TOP/joe" qemu -c "$D/g.config" -D qemu.guests.g.grace=5 kill g >/dev/null
	rm -rf "$D"
}

# ct WITH: one core.test step "t" in the guest with these with: lines.
ct() {
	{
		printf 'steps:\n- name: t\n  transport: vm\n  uses: core.test\n'
		printf '  with:\n'
		printf '%s\n' "$1" | sed 's/^/    /'
	} > w.workflow
	run joe run -c "$D/g.config" -o out w.workflow
}

# clean: no scratch directory of core.test left in the guest.
clean() {
	[ "$(joe run -c "$D/g.config" -t vm -- 'ls -d /tmp/joe-test.* 2>/dev/null | wc -l')" = 0 ]
}

@test "guest: a bats suite, report.xml back, exit 1 on its failure" {
	ct "path: $SU/bats/one.bats"
	[ "$status" = 1 ]
	xmllint --noout out/01-t/report.xml
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 3 ]
	grep -q '<failure' out/01-t/report.xml
	grep -q '^not ok 2 fails' out/01-t/cmd-*.log
	clean
}

@test "guest: a pytest suite, junit.xml back" {
	ct "runner: pytest
path: $SU/pytest"
	[ "$status" = 1 ]
	xmllint --noout out/01-t/junit.xml
	[ "$(grep -o '<testcase ' out/01-t/junit.xml | wc -l)" = 5 ]
	grep -q '<failure message="AssertionError: one is not two' out/01-t/junit.xml
	clean
}

@test "guest: an exec suite, a TAP file per executable" {
	ct "runner: exec
path: $SU/exec"
	[ "$status" = 1 ]
	[ "$(cd out/01-t && ls *.tap | xargs)" = "fail.sh.tap pass.sh.tap skip.sh.tap" ]
	[[ "$(sed -n 2p out/01-t/fail.sh.tap)" =~ ^"not ok 1 - fail.sh"( in [0-9]+ms)?$ ]]
	[ "$(sed -n 3p out/01-t/fail.sh.tap)" = "# exit status 3" ]
	[[ "$(sed -n 2p out/01-t/skip.sh.tap)" == *" # SKIP exit status 77" ]]
	clean
}

@test "guest: joe selftest core and qemu pass (qemu skipped there)" {
	run joe selftest -c "$D/g.config" -t vm core qemu
	[ "$status" = 0 ]
	[[ "$output" == *"ok 1 - selftest 01-core"* ]]
	[[ "$output" == *"ok 2 - selftest 02-qemu"* ]]
	[[ "$output" == *"# SKIP"* ]]
	[[ "$output" != *"not ok"* ]]
	clean
}
