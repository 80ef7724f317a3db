#!/usr/bin/env bats
# core.test and joe selftest in the test guest (t/fixtures/guest, booted
# once for this file under TCG, transport vm): bats, pytest and exec
# suites run there, their results come back, nothing is left there. Run
# by `make check-guest`, not by `make check`. The guest needs bash, bats
# and python3-pytest.
load helper

SU=$BATS_TEST_DIRNAME/fixtures/suites

setup_file() {
	guest_up 512M local
}

teardown_file() {
	guest_down
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

@test "guest: every package's selftest there, fio's against this machine's fio put there" {
	# the guest has no fio: this machine's, its libraries and loader go
	# to /opt/fio, run through a wrapper on the selftest's PATH
	f=$(command -v fio)
	mkdir -p b/bin
	cp -L "$f" $(ldd "$f" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }') b/
	lo=$(cd b && ls ld-linux*)
	printf '#!/bin/sh\nexec /opt/fio/%s --library-path /opt/fio /opt/fio/fio "$@"\n' "$lo" > b/bin/fio
	chmod +x b/bin/fio
	joe run -c "$D/g.config" -t vm -- mkdir -p /opt
	joe put -c "$D/g.config" -t vm b /opt/fio
	printf 'env:\n  PATH: /opt/fio/bin:/usr/bin:/bin:/usr/sbin:/sbin\n' > path.config
	run joe selftest -c "$D/g.config" -c path.config -t vm
	joe run -c "$D/g.config" -t vm -- rm -rf /opt/fio
	[ "$status" = 0 ]
	n=0
	for p in core fio linux qemu spdk xnvme; do
		n=$((n + 1))
		[[ "$output" == *"ok $n - selftest 0$n-$p"* ]]
	done
	# fio ran its job there; qemu, spdk and xnvme say why they skip
	[[ "$output" == *"ok "*" - selftest 02-fio fio.bats fio runs a tiny job with --output-format=json"$'\n'* ]]
	[[ "$output" == *"selftest 04-qemu qemu.bats qemu-system-x86_64 answers # SKIP qemu-system-x86_64 is not installed on the target"* ]]
	[[ "$output" == *"selftest 05-spdk"*"# SKIP"* ]]
	[[ "$output" == *"selftest 06-xnvme"*"# SKIP"* ]]
	[[ "$output" != *"not ok"* ]]
	clean
}

# recs: tests.tsv without its seconds field, tabs shown as |, sorted.
recs() {
	cut -f1-4,6,7 out/tests.tsv | tr '\t' '|' | sort
}

@test "guest: bats, pytest, tap, exec and junit suites: every record, time, message and log; the report shows the failures" {
	cat > w.workflow <<-EOF
	steps:
	- {name: bats, uses: core.test, with: {path: $SU/bats/one.bats}}
	- {name: pytest, uses: core.test, with: {runner: pytest, path: $SU/pytest}}
	- {name: tap, uses: core.test, with: {runner: tap, path: $SU/tap}}
	- {name: exec, uses: core.test, with: {runner: exec, path: $SU/exec}}
	- {name: junit, uses: core.test, with: {runner: junit, path: $SU/junit/run.sh, junit: out.xml}}
	EOF
	run joe run -k -r -c "$D/g.config" -t vm -o out w.workflow
	[ "$status" = 1 ]
	[ "$(cut -f1,3 out/steps.tsv | tr '\t' ' ' | xargs)" = \
		"01-bats fail 02-pytest fail 03-tap fail 04-exec fail 05-junit fail" ]
	diff - <(recs) <<-'EOF'
	01-bats|one.bats|adds|pass||01-bats/report.xml
	01-bats|one.bats|fails|fail|(in test file one.bats, line 8)|01-bats/report.xml
	01-bats|one.bats|skips|skip|not today|01-bats/report.xml
	02-pytest|pytest/test_mix.py|test_error|error|failed on setup with "RuntimeError: fixture broke"|02-pytest/junit.xml
	02-pytest|pytest/test_mix.py|test_fail|fail|AssertionError: one is not two|02-pytest/junit.xml
	02-pytest|pytest/test_mix.py|test_pass|pass||02-pytest/junit.xml
	02-pytest|pytest/test_mix.py|test_skip|skip|not today|02-pytest/junit.xml
	02-pytest|pytest/test_mix.py|test_xfail|skip|known bug|02-pytest/junit.xml
	03-tap|bad.sh|broken|fail|expected 2, got 3|03-tap/bad.sh.tap
	03-tap|bad.sh|fine|pass||03-tap/bad.sh.tap
	03-tap|crash.sh|one|pass||03-tap/crash.sh.tap
	03-tap|crash.sh|two|pass||03-tap/crash.sh.tap
	03-tap|good.sh|args:|pass||03-tap/good.sh.tap
	03-tap|good.sh|first|pass||03-tap/good.sh.tap
	03-tap|good.sh|second|skip|no disk|03-tap/good.sh.tap
	03-tap|good.sh|third|todo|not written yet|03-tap/good.sh.tap
	04-exec|fail.sh|fail.sh|fail|exit status 3|04-exec/fail.sh.tap
	04-exec|pass.sh|pass.sh|pass||04-exec/pass.sh.tap
	04-exec|skip.sh|skip.sh|skip|exit status 77|04-exec/skip.sh.tap
	05-junit|prod|bad|fail|wrong answer|05-junit/junit.xml
	05-junit|prod|good|pass||05-junit/junit.xml
	05-junit|prod|ugly|error|segfault|05-junit/junit.xml
	EOF
	# every test but those of a TAP file (bats' own, with times) has one
	[ "$(awk -F'\t' '$2 != "bad.sh" && $2 != "crash.sh" && $2 != "good.sh" &&
		$5 !~ /^[0-9]+(\.[0-9]+)?$/' out/tests.tsv)" = "" ]
	# the crash half-way is said: 2 of its 5 planned tests ran
	grep -q 'crash.sh.tap.*planned 5 tests, ran 2' <<<"$output"
	grep -q 'AssertionError: one is not two' out/report.html
	grep -q 'href="04-exec/fail.sh.tap"' out/report.html
	clean
}
