#!/usr/bin/env bats
# What joe extract makes of the results core.test leaves (the 7-field
# tests.tsv of joe-run(5): step suite name status seconds message log),
# over the test sshd: the suite is the test file, each test has its time,
# the first line of its failure text and the file that holds its output,
# and TAP the runner printed to the log is not recorded a second time.
load helper
load sshd

SU=$BATS_TEST_DIRNAME/fixtures/suites

# ct WITH: one core.test step "t" on box with these with: lines, into out.
ct() {
	{
		printf 'steps:\n- name: t\n  transport: box\n  uses: core.test\n'
		printf '  with:\n'
		printf '%s\n' "$1" | sed 's/^/    /'
	} > w.workflow
	run joe run -c "$FIX/ssh.config" -o out w.workflow
}

# recs: tests.tsv without its seconds field, tabs shown as |, the files'
# suites in name order (in which order files are read is not said).
recs() {
	cut -f1-4,6,7 out/tests.tsv | tr '\t' '|' | sort -s -t'|' -k2,2
}

# secs N: the seconds of record N, which must be a decimal.
secs() {
	local s
	s=$(sed -n "$1p" out/tests.tsv | cut -f5)
	[[ "$s" =~ ^[0-9]+(\.[0-9]+)?$ ]] || return 1
	echo "$s"
}

@test "bats: suite the file, failure text, skip reason, report.xml the log, no duplicates from the log" {
	ct "path: $SU/bats/one.bats"
	[ "$status" = 1 ]
	[ "$(awk -F'\t' '{ print NF }' out/tests.tsv | sort -u)" = 7 ]
	diff - <(recs) <<-'EOF'
	01-t|one.bats|adds|pass||01-t/report.xml
	01-t|one.bats|fails|fail|(in test file one.bats, line 8)|01-t/report.xml
	01-t|one.bats|skips|skip|not today|01-t/report.xml
	EOF
	secs 1 && secs 2
}

@test "pytest: the file as suite, failure, error, skip and xfail with their messages" {
	ct "runner: pytest
path: $SU/pytest"
	[ "$status" = 1 ]
	diff - <(recs) <<-'EOF'
	01-t|pytest/test_mix.py|test_pass|pass||01-t/junit.xml
	01-t|pytest/test_mix.py|test_fail|fail|AssertionError: one is not two|01-t/junit.xml
	01-t|pytest/test_mix.py|test_error|error|failed on setup with "RuntimeError: fixture broke"|01-t/junit.xml
	01-t|pytest/test_mix.py|test_skip|skip|not today|01-t/junit.xml
	01-t|pytest/test_mix.py|test_xfail|skip|known bug|01-t/junit.xml
	EOF
	for i in 1 2 3 4 5; do secs $i; done
}

@test "tap: a suite per file, SKIP and TODO reasons, the YAML message, a crash's points" {
	ct "runner: tap
path: $SU/tap"
	[ "$status" = 1 ]
	diff - <(recs) <<-'EOF'
	01-t|bad.sh|fine|pass||01-t/bad.sh.tap
	01-t|bad.sh|broken|fail|expected 2, got 3|01-t/bad.sh.tap
	01-t|crash.sh|one|pass||01-t/crash.sh.tap
	01-t|crash.sh|two|pass||01-t/crash.sh.tap
	01-t|good.sh|first|pass||01-t/good.sh.tap
	01-t|good.sh|second|skip|no disk|01-t/good.sh.tap
	01-t|good.sh|third|todo|not written yet|01-t/good.sh.tap
	01-t|good.sh|args:|pass||01-t/good.sh.tap
	EOF
}

@test "exec: pass, skip (77) and fail with its exit status as message, time in seconds" {
	ct "runner: exec
path: $SU/exec"
	[ "$status" = 1 ]
	diff - <(recs) <<-'EOF'
	01-t|fail.sh|fail.sh|fail|exit status 3|01-t/fail.sh.tap
	01-t|pass.sh|pass.sh|pass||01-t/pass.sh.tap
	01-t|skip.sh|skip.sh|skip|exit status 77|01-t/skip.sh.tap
	EOF
	for i in 1 2 3; do secs $i; done
}

@test "junit: a producer's XML, classname as suite, failure and error messages, times" {
	ct "runner: junit
path: $SU/junit/run.sh
junit: out.xml"
	[ "$status" = 1 ]
	diff - <(recs) <<-'EOF'
	01-t|prod|good|pass||01-t/junit.xml
	01-t|prod|bad|fail|wrong answer|01-t/junit.xml
	01-t|prod|ugly|error|segfault|01-t/junit.xml
	EOF
	[ "$(awk "BEGIN { print $(secs 1) == 0.5 && $(secs 2) == 0.25 }")" = 1 ]
}
