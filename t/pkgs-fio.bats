#!/usr/bin/env bats
# pkgs/fio: the whole path of issue 5 with the real fio, as a user takes it.
load helper

@test "joe -s fio; joe run -r; extract | analyse; one report of two runs" {
	joe -s fio
	sed -i 's|/tmp/joe-fio.dat|'"$PWD"'/fio.dat|; s/16M/4M/' default.config
	run joe run -r
	[ "$status" = 0 ]
	[[ "$output" == *"verdicts: 12 passed, 0 failed, 0 missing"* ]]
	[ "$(cut -f5 joe-output/latest/verdicts.tsv | sort -u)" = pass ]
	[ -s joe-output/latest/report.html ]
	[ ! -e fio.dat ]
	run joe extract joe-output/latest
	[ "$status" = 0 ]
	[ "$(echo "$output" | grep -c '	fio.randread.read.iops	')" = 3 ]
	run --separate-stderr joe analyse "$TOP/pkgs/fio/limits.txt" <<< "$output"
	[ "$status" = 0 ]
	[ "$(echo "$output" | wc -l)" = 12 ]
	[[ "$stderr" == *"4 rules, 12 checks: 12 passed, 0 failed"* ]]
	# a limit this machine cannot meet fails the check step and the run
	echo 'fio.*.read.iops > 1e12' > tight.txt
	run joe run -D fio.size=1M example.workflow
	[ "$status" = 0 ]
	sed -i 's/^  uses: fio.check$/&\n  with: {limits: '"${PWD//\//\\/}"'\/tight.txt}/' example.workflow
	run joe run example.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 04-check"* ]]
	[[ "$output" == *"verdicts: 0 passed, 3 failed, 0 missing"* ]]
	run joe report -o report.html joe-output/*/
	[ "$status" = 0 ]
	[ "$(grep -o '<svg' report.html | wc -l)" -ge 2 ]
}
