#!/usr/bin/env bats
# uses: core.test over the test sshd (transport box, user joet) and on this
# machine (local): the result files it leaves in the step's directory, its
# exit status and messages, and that it leaves nothing on the target. The
# suites are in t/fixtures/suites. What joe extract makes of the results
# is in t/core-test-records.bats.
load helper
load sshd

SU=$BATS_TEST_DIRNAME/fixtures/suites


# ct TRANSPORT WITH: run one core.test step with these with: lines (YAML,
# indented by 4) on TRANSPORT, into ./out (removed first).
ct() {
	{
		printf 'steps:\n- name: t\n  transport: %s\n  uses: core.test\n' "$1"
		printf '  with:\n'
		printf '%s\n' "$2" | sed 's/^/    /'
	} > w.workflow
	rm -rf out
	run joe run -c c.config -o out w.workflow
}

# clean: no scratch directory left on the target, no local temporary one.
clean() {
	[ -z "$(ls -A "$T")" ] && [ -z "$(ls -A ltmp)" ]
}

# log: the worklet's log (its own lines and its commands' output).
log() {
	cat out/01-t/cmd-*.log
}

@test "bats: report.xml, live TAP in the log, exit 1 on a failure, nothing left (ssh and local)" {
	boxcfg
	for tr in box local; do
		ct $tr "path: $SU/bats/one.bats"
		[ "$status" = 1 ]
		xmllint --noout out/01-t/report.xml
		[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 3 ]
		grep -q '<testcase classname="one.bats" name="fails"' out/01-t/report.xml
		grep -q '<failure' out/01-t/report.xml
		grep -q '<skipped>not today</skipped>' out/01-t/report.xml
		log | grep -q '^not ok 2 fails'
		log | grep -qx 'core.test: 3 tests, 1 failed'
		[ "$(cut -f3 out/steps.tsv)" = fail ]
		[ "$(cut -f7 out/commands.tsv | sort -u | xargs)" = "$(printf '%s\n' $tr local | sort -u | xargs)" ]
		clean
	done
}

@test "bats: a directory, filter, collect, exit 0 when all pass" {
	boxcfg
	ct box "path: $SU/bats
filter: two
collect: logs"
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 2 ]
	! grep -q '<failure' out/01-t/report.xml
	[ "$(cat out/01-t/logs/two.txt)" = collected ]
	log | grep -qx 'core.test: 2 tests, 0 failed'
	clean
}

@test "bats: args, one per item of a list" {
	boxcfg
	ct box "path: $SU/bats/one.bats
args: [--filter, adds]"
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 1 ]
	grep -q 'name="adds"' out/01-t/report.xml
}

@test "bats: parallel runs with --jobs, or one at a time with a note without GNU parallel" {
	boxcfg
	ct box "path: $SU/bats/two.bats
parallel: 2"
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 2 ]
	if command -v parallel >/dev/null; then
		! log | grep -q 'one test at a time'
	else
		log | grep -qx 'core.test: no GNU parallel on the target, one test at a time'
	fi
	clean
}

@test "pytest: junit.xml with passes, a failure, an error, a skip and an xfail" {
	boxcfg
	ct box "runner: pytest
path: $SU/pytest"
	[ "$status" = 1 ]
	x=out/01-t/junit.xml
	xmllint --noout $x
	[ "$(grep -o '<testcase ' $x | wc -l)" = 5 ]
	grep -q 'file="pytest/test_mix.py"' $x
	grep -q '<failure message="AssertionError: one is not two' $x
	grep -q '<error message="failed on setup with &quot;RuntimeError: fixture broke&quot;"' $x
	[ "$(grep -o '<skipped' $x | wc -l)" = 2 ]
	grep -q 'type="pytest.xfail" message="known bug"' $x
	log | grep -q '1 failed, 1 passed, 1 skipped, 1 xfailed, 1 error'
	clean
}

@test "pytest: filter and parallel (one at a time with a note without xdist)" {
	boxcfg
	ct local "runner: pytest
path: $SU/pytest/test_mix.py
filter: pass or skip
parallel: 2"
	[ "$status" = 0 ]
	[ "$(grep -o '<testcase ' out/01-t/junit.xml | wc -l)" = 2 ]
	if /usr/bin/python3 -c 'import xdist' 2>/dev/null; then
		! log | grep -q 'one test at a time'
	else
		log | grep -qx 'core.test: no pytest-xdist on the target, one test at a time'
	fi
	clean
}

@test "tap: NAME.tap per executable, a TODO does not fail, a crash half-way does" {
	boxcfg
	ct box "runner: tap
path: $SU/tap"
	[ "$status" = 1 ]
	[ "$(ls out/01-t/*.tap | xargs -n1 basename | xargs)" = "bad.sh.tap crash.sh.tap good.sh.tap" ]
	[ "$(cat out/01-t/crash.sh.tap)" = "1..5
ok 1 - one
ok 2 - two" ]
	diff - out/01-t/good.sh.tap <<-'EOF'
	1..4
	ok 1 - first
	ok 2 - second # SKIP no disk
	not ok 3 - third # TODO not written yet
	ok 4 - args:
	EOF
	log | grep -qx 'core.test: crash.sh: exit status 137'
	log | grep -qx 'core.test: crash.sh.tap: 2 of 5 tests ran'
	log | grep -qx 'core.test: 8 tests, 1 failed'
	log | grep -qx 'ok 1 - fine'	# live
	clean
}

@test "tap: a Bail out! fails the run, though every point passed" {
	boxcfg
	ct box "runner: tap
path: $SU/bail"
	[ "$status" = 1 ]
	[ "$(cat out/01-t/cmd-01.log)" = "core.test: bail.sh.tap: bailed out
core.test: 1 tests, 0 failed" ]
	clean
}

@test "tap: filter on the names, args to each, TODO only: exit 0" {
	boxcfg
	ct box "runner: tap
path: $SU/tap
filter: ^go+d
args: [x, y  z]"
	[ "$status" = 0 ]
	[ "$(ls out/01-t/*.tap | xargs -n1 basename)" = good.sh.tap ]
	grep -qx 'ok 4 - args:x y  z' out/01-t/good.sh.tap
}

@test "exec: a TAP point per executable, 0 pass, 77 skip, other fail, output as comments (ssh and local)" {
	boxcfg
	for tr in box local; do
		ct $tr "runner: exec
path: $SU/exec
args: a"
		[ "$status" = 1 ]
		cd out/01-t
		[ "$(ls *.tap | xargs)" = "fail.sh.tap pass.sh.tap skip.sh.tap" ]
		[ "$(sed -n 1p pass.sh.tap)" = 1..1 ]
		[[ "$(sed -n 2p pass.sh.tap)" =~ ^"ok 1 - pass.sh in "[0-9]+ms$ ]]
		[ "$(sed -n '3,$p' pass.sh.tap)" = "# pass got:a" ]
		[[ "$(sed -n 2p skip.sh.tap)" =~ ^"ok 1 - skip.sh in "[0-9]+"ms # SKIP exit status 77"$ ]]
		[ "$(sed -n '3,$p' skip.sh.tap)" = "# no device" ]
		[[ "$(sed -n 2p fail.sh.tap)" =~ ^"not ok 1 - fail.sh in "[0-9]+ms$ ]]
		[ "$(sed -n '3,$p' fail.sh.tap)" = "# exit status 3
# checking the thing
# the thing is broken" ]
		cd ../..
		log | grep -qx 'core.test: 3 tests, 1 failed'
		clean
	done
}

@test "exec: one executable that passes, and one skipped: exit 0" {
	boxcfg
	ct box "runner: exec
path: $SU/exec/skip.sh"
	[ "$status" = 0 ]
	[ "$(ls out/01-t/*.tap)" = out/01-t/skip.sh.tap ]
}

@test "junit: a file run with args, its XML fetched as junit.xml; a directory: args is the command run in it" {
	boxcfg
	ct box "runner: junit
path: $SU/junit/run.sh
args: res.xml
junit: res.xml"
	[ "$status" = 1 ]
	xmllint --noout out/01-t/junit.xml
	[ "$(grep -c '<testcase ' out/01-t/junit.xml)" = 3 ]
	log | grep -qx 'core.test: 3 tests, 2 failed'
	clean
	ct box "runner: junit
path: $SU/junit
args: [./pass.sh, sub.xml]
junit: sub.xml"
	[ "$status" = 0 ]
	grep -q 'name="ok"' out/01-t/junit.xml
	clean
}

@test "junit: no XML written is a failure" {
	boxcfg
	ct box "runner: junit
path: $SU/exec/pass.sh
junit: none.xml"
	[ "$status" = 1 ]
	log | grep -qx 'core.test: no tests ran'
	clean
}

@test "remote: true runs a suite already on the target, copies nothing but the runner" {
	boxcfg
	mkdir -p "$FIX/remote/suite"
	cp "$SU/bats/two.bats" "$FIX/remote/suite/"
	chmod -R a+rwX "$FIX/remote/suite"
	ct box "path: $FIX/remote/suite/two.bats
remote: true
collect: logs/two.txt"
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 2 ]
	[ "$(cat out/01-t/two.txt)" = collected ]
	[ "$(grep -c '	put ' out/commands.tsv)" = 1 ]
	grep -q '	put .*/.joe-core-test ' out/commands.tsv
	clean
}

@test "a runner missing on the target: a clear message, exit 1, nothing left" {
	mkdir -m 755 "$FIX/remote/bin$BATS_TEST_NUMBER"
	ln -s /bin/sh /usr/bin/mktemp /bin/rm "$FIX/remote/bin$BATS_TEST_NUMBER/"
	boxcfg "PATH: $FIX/remote/bin$BATS_TEST_NUMBER"
	ct box "path: $SU/bats"
	[ "$status" = 1 ]
	log | grep -qx 'core.test: bats not found on box'
	[ ! -e out/01-t/report.xml ]
	ct local "runner: pytest
path: $SU/pytest"
	[ "$status" = 1 ]
	log | grep -qx 'core.test: pytest not found on local'
	boxcfg
	ct box "runner: junit
path: $SU/junit
args: no-such-producer
junit: x.xml"
	[ "$status" = 1 ]
	log | grep -qx 'core.test: no-such-producer not found on box'
	clean
}

@test "bad with: values exit 2 with file:line:col: core.test: with.KEY: what, before anything runs" {
	boxcfg
	while IFS='|' read -r with msg; do
		ct box "$(printf '%b' "$with")"
		[ "$status" = 1 ]
		[ "$(cut -f4,8 out/commands.tsv)" = "2	core.test" ]
		k=${msg%%:*}	# at the key's line in with:, else at with: itself
		i=$(printf '%b\n' "$with" | grep -n "^$k:" | cut -d: -f1)
		at=w.workflow:$([ -n "$i" ] && echo $((5 + i)):5 || echo 5:3)
		[ "$(log)" = "$at: core.test: with.$msg" ]
	done <<-EOF
	runner: x\npath: a|runner: 'x' is not one of bats tap pytest junit exec
	remote: yes\npath: a|remote: 'yes' is not true or false
	parallel: 0\npath: $SU/bats|parallel: '0' is not a positive number
	parallel: two\npath: $SU/bats|parallel: 'two' is not a positive number
	runner: tap|path: missing
	path: $SU/nowhere|path: '$SU/nowhere': no such file or directory
	path: $SU/bats\njunit: x.xml|junit: only for runner junit
	runner: junit\npath: $SU/junit|junit: missing for runner junit
	runner: junit\npath: $SU/junit\njunit: x\nfilter: a|filter: not for runner junit
	runner: junit\npath: $SU/junit\njunit: x\nparallel: 2|parallel: not for runner junit
	runner: exec\npath: $SU/exec\nparallel: 2|parallel: not for runner exec
	path: $SU/bats\nfilters: a|filters: not a key of core.test
	EOF
	clean
}

@test "the step's env reaches the tests on the target" {
	boxcfg
	printf 'steps:\n- name: t\n  transport: box\n  uses: core.test\n  env: {GREETING: hello}\n  with: {path: %s}\n' \
		"$SU/env" > w.workflow
	run joe run -c c.config -o out w.workflow
	[ "$status" = 0 ]
	! grep -q '<failure' out/01-t/report.xml
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 1 ]
}

@test "path is relative to the workflow's directory" {
	boxcfg
	mkdir -p wf/suite out
	cp "$SU/bats/two.bats" wf/suite/
	printf 'steps:\n- {name: t, transport: box, uses: core.test, with: {path: suite/two.bats}}\n' > wf/w.workflow
	cd out
	run joe run -c ../c.config -o out ../wf/w.workflow
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 2 ]
}

@test "a relative path found in no workflow directory is looked for in the packages" {
	boxcfg
	mkdir -p p/mine
	cp "$SU/bats/two.bats" p/mine/
	JOE_PATH=$PWD/p ct box "path: mine/two.bats"
	[ "$status" = 0 ]
	[ "$(grep -c '<testcase ' out/01-t/report.xml)" = 2 ]
	ct box "path: mine/none.bats"
	[ "$status" = 1 ]
	[ "$(log)" = "w.workflow:6:5: core.test: with.path: 'mine/none.bats': no such file or directory" ]
}

@test "the core example's tests step passes over ssh" {
	boxcfg "LC_ALL: C"
	run joe run -c c.config -t box -o out "$TOP/pkgs/core/example.workflow" tests
	[ "$status" = 0 ]
	[ "$(cut -f1,3 out/steps.tsv | xargs)" = "06-tests pass 07-cleanup pass" ]
	[ "$(grep -c '<testcase ' out/06-tests/report.xml)" = 4 ]
	grep -q '<skipped>an example of a skipped test</skipped>' out/06-tests/report.xml
	clean
}

@test "pkgs/core/example-tests.workflow over ssh: bats, pytest and exec suites, each with a failure" {
	boxcfg
	run joe run -k -c c.config -t box -o out "$TOP/pkgs/core/example-tests.workflow"
	[ "$status" = 1 ]
	[ "$(cut -f1,3 out/steps.tsv | xargs)" = "01-bats fail 02-pytest fail 03-exec fail" ]
	[ "$(grep -c '<failure' out/01-bats/report.xml)" = 1 ]
	grep -q '<failure message="AssertionError: the list is one short' out/02-pytest/junit.xml
	grep -q '<skipped type="pytest.xfail" message="an example of a known bug"' out/02-pytest/junit.xml
	grep -qx 'not ok 1 - fails.sh in [0-9]*ms' out/03-exec/fails.sh.tap
	grep -qx '# expected 3 files, found 2' out/03-exec/fails.sh.tap
	[ "$(cut -f7 out/commands.tsv | sort -u | xargs)" = "box local" ]
	clean
}

@test "a step timeout ends the suite on the target and still removes the scratch directory" {
	boxcfg
	printf 'steps:\n- {name: t, transport: box, timeout: 3, uses: core.test, with: {runner: tap, path: %s}}\n' \
		"$SU/slow" > w.workflow
	run joe run -c c.config -o out w.workflow
	[ "$status" = 1 ]
	[ "$(cut -f3 out/steps.tsv)" = timeout ]
	[ "$(tail -n 2 out/commands.tsv | cut -f3,8 | sed 's/-test\..*//')" = "pass	rm -rf $T/joe
timeout	core.test" ]
	gone "sleep 4321"
	clean
}
