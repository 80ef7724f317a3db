#!/usr/bin/env bats
# Records you can trust (issue 12): torn, malformed and hostile records,
# steps that never finished, bad logs and rules, and output files that
# are not regular files. Each bad input: its exact message and status,
# and the rest still reported where that is the rule.
load helper

# mkr DIR: a run DIR as joe run leaves it: 01-a passed, 02-b failed.
mkr() {
	mkdir -p "$1/01-a" "$1/02-b"
	printf '%s\t%s\t%s\t%s\t%s\n' \
		01-a a pass 2026-11-25T22:03:57.340Z 0.100 \
		02-b b fail 2026-11-25T22:03:58.000Z 0.200 > "$1/steps.tsv"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		01-a 1 pass 0 2026-11-25T22:03:57.340Z 0.100 local 'echo a' \
		02-b 1 fail 1 2026-11-25T22:03:58.000Z 0.200 local false \
		> "$1/commands.tsv"
	echo a > "$1/01-a/cmd-01.log"
	echo b > "$1/02-b/cmd-01.log"
}

# killed DIR: mkr DIR, then a step 03-c and its first command started
# and never finished, as a joe run killed with SIGKILL leaves them.
killed() {
	mkr "$1"
	mkdir "$1/03-c"
	echo 'half way' > "$1/03-c/cmd-01.log"
}

# The text report of mkr's run, whole.
TEXT='r
FAIL 02-b 0.2s
  $ false (fail, rc 1)
    b
r: 1 passed, 1 failed, 0 skipped'

@test "a record cut short (no newline): said, left out, the rest reported, exit 2" {
	mkr r
	printf '03-c\tc\tpa' >> r/steps.tsv
	run --separate-stderr joe report r
	[ "$status" = 2 ]
	[ "$stderr" = "r/steps.tsv:3: malformed record: cut short" ]
	[ "$output" = "$TEXT" ]
	mkr s
	printf '02-b\t2\tpass\t0\t2026-11-25T22:03:58.000Z\t0.1\tlocal\tec' >> s/commands.tsv
	echo b2 > s/02-b/cmd-02.log
	run --separate-stderr joe report -f tap s
	[ "$status" = 2 ]
	[ "$stderr" = "s/commands.tsv:3: malformed record: cut short
s/02-b/cmd-02.log: did not finish" ]
	[ "${lines[1]}" = "ok 1 - s 01-a" ]
	[ "${lines[2]}" = "not ok 2 - s 02-b" ]
}

@test "records with too few or too many fields, in every records file: exit 2, the rest reported" {
	mkr r
	printf '03-c\tc\tpass\n' >> r/steps.tsv
	printf '03-c\tc\tpass\t2026-11-25T22:03:58.000Z\t0.1\textra\n' >> r/steps.tsv
	printf '01-a\t2\tpass\n' >> r/commands.tsv
	# found by make fuzz: more fields than the reader keeps overran it
	printf '01-a\t3\tpass\t0\tt\t0.1\tlocal\tx\ty\tz\t\t\t\n' >> r/commands.tsv
	printf '01-a\tk\t1\n' > r/metrics.tsv
	printf '01-a\tbats\tx\tpass\n01-a\tbats\tt\tfail\t\n' > r/tests.tsv
	# 5 fields (joe 0.1) and 7 are a test; 6 and 8 are not
	printf '01-a\tbats\tu\tfail\t\tm\n01-a\tbats\tv\tfail\t\tm\tl\tx\n' >> r/tests.tsv
	printf '01-a\tk\t1\n' > r/verdicts.tsv
	printf '\n' >> r/steps.tsv
	run --separate-stderr joe report r
	[ "$status" = 2 ]
	[ "$stderr" = "r/steps.tsv:3: malformed record: expected 5 fields
r/steps.tsv:4: malformed record: expected 5 fields
r/steps.tsv:5: malformed record: expected 5 fields
r/commands.tsv:3: malformed record: expected 8 fields
r/commands.tsv:4: malformed record: expected 8 fields
r/tests.tsv:1: malformed record: expected 7 fields (or 5)
r/tests.tsv:3: malformed record: expected 7 fields (or 5)
r/tests.tsv:4: malformed record: expected 7 fields (or 5)
r/metrics.tsv:1: malformed record: expected 4 fields
r/verdicts.tsv:1: malformed record: expected 7 fields (or 5)" ]
	[ "$output" = "r
FAIL 02-b 0.2s
  \$ false (fail, rc 1)
    b
tests: 0 passed, 1 failed, 0 skipped, 0 todo
  FAIL 01-a bats t
r: 1 passed, 1 failed, 0 skipped" ]
}

@test "a step field that is not a plain directory name: malformed, nothing read outside the run" {
	mkdir -p etc/x
	echo 'SECRET-LOG' > etc/x/cmd-01.log
	mkr r
	printf '%s\tx\tfail\t2026-11-25T22:03:57.340Z\t0.1\n' '../etc/x' '' . .. \
		'a/b' >> r/steps.tsv
	printf '../etc/x\t1\tfail\t1\t2026-11-25T22:03:57.340Z\t0.1\tlocal\tcat\n' \
		>> r/commands.tsv
	run --separate-stderr joe report r
	[ "$status" = 2 ]
	[ "$stderr" = "r/steps.tsv:3: malformed record: step not a directory name
r/steps.tsv:4: malformed record: step not a directory name
r/steps.tsv:5: malformed record: step not a directory name
r/steps.tsv:6: malformed record: step not a directory name
r/steps.tsv:7: malformed record: step not a directory name
r/commands.tsv:3: malformed record: step not a directory name" ]
	[ "$output" = "$TEXT" ]
	printf 'key: 5 s\n' > etc/x/cmd-01.log
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "${stderr%%$'\n'*}" = "r/steps.tsv:3: malformed record: step not a directory name" ]
	[ "$output" = "" ]
	[ ! -s r/metrics.tsv ]
	run joe report -f html r
	[[ "$output" != *SECRET-LOG* ]]
}

@test "a step killed before it finished: an error in text, junit, tap and html; exit 1" {
	killed r
	run --separate-stderr joe report r
	[ "$status" = 1 ]
	[ "$stderr" = "r/03-c: did not finish
r/03-c/cmd-01.log: did not finish" ]
	[ "$output" = "r
FAIL 02-b 0.2s
  \$ false (fail, rc 1)
    b
ERROR 03-c 0.0s
  \$ did not finish (error, rc -)
    half way
r: 1 passed, 2 failed, 0 skipped" ]
	run --separate-stderr joe report -f junit r
	[ "$status" = 1 ]
	[[ "$output" == *'tests="3" failures="1" errors="1"'* ]]
	[[ "$output" == *'<testcase classname="r" name="03-c" time="0.000"><error message="error">$ did not finish (error, rc -)
half way
</error></testcase>'* ]]
	run --separate-stderr joe report -f tap r
	[ "$status" = 1 ]
	[ "${lines[5]}" = "not ok 3 - r 03-c" ]
	[ "${lines[6]}" = "# \$ did not finish (error, rc -)" ]
	[ "${lines[-1]}" = "1..3" ]
	run --separate-stderr joe report -f html r
	[ "$status" = 1 ]
	[[ "$output" == *'<span class="b error">ERROR</span> 03-c'* ]]
	[[ "$output" == *'<code>did not finish</code> rc -'* ]]
}

@test "a command killed in a step that has a record, and a gzipped log: the step is an error" {
	mkr r
	echo 'partial' | gzip > r/02-b/cmd-02.log.gz
	mkdir r/03-c
	run --separate-stderr joe report -f tap r
	[ "$status" = 1 ]
	[ "$stderr" = "r/02-b/cmd-02.log.gz: did not finish
r/03-c: did not finish" ]
	same_tap="$(printf '%s\n' "${lines[@]}")"
	[ "$same_tap" = 'TAP version 13
ok 1 - r 01-a
not ok 2 - r 02-b
# $ false (fail, rc 1)
#   b
# $ did not finish (error, rc -)
#   partial
not ok 3 - r 03-c
1..3' ]
	run --separate-stderr joe report -f junit r
	[[ "$output" == *'tests="3" failures="0" errors="2"'* ]]
}

@test "a log named .gz that is not gzip, cut short or corrupt: said, exit 2, in extract and report" {
	mkr r
	printf 'steps: [{name: a, extract: kv}]\n' > r/workflow.yaml
	rm r/01-a/cmd-01.log r/02-b/cmd-01.log
	printf 'k: 1 s\n' > r/01-a/cmd-01.log.gz
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-extract: r/01-a/cmd-01.log.gz: not in gzip format" ]
	[ "$output" = "" ]
	printf 'steps: []\n' > r/workflow.yaml	# sniffed: said too
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-extract: r/01-a/cmd-01.log.gz: not in gzip format" ]
	printf 'b\n' > r/02-b/cmd-01.log.gz
	run --separate-stderr joe report r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: r/02-b/cmd-01.log.gz: not in gzip format" ]
	[ "$output" = "r
FAIL 02-b 0.2s
  \$ false (fail, rc 1)
r: 1 passed, 1 failed, 0 skipped" ]
	seq 20000 | gzip | head -c 3000 > r/02-b/cmd-01.log.gz
	run --separate-stderr joe report -f tap r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: r/02-b/cmd-01.log.gz: unexpected end of file" ]
	seq 3 | gzip > r/02-b/cmd-01.log.gz
	n=$(($(wc -c < r/02-b/cmd-01.log.gz) - 8))	# the CRC-32 of the data
	printf 'XXXX' | dd of=r/02-b/cmd-01.log.gz bs=1 seek=$n conv=notrunc 2>/dev/null
	run --separate-stderr joe report -f junit r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: r/02-b/cmd-01.log.gz: incorrect data check" ]
	seq 3 | gzip > r/02-b/cmd-01.log.gz
	run --separate-stderr joe report r
	[ "$status" = 0 ]
	[ "$stderr" = "" ]
}

@test "extract and analyse: a run with a step that did not finish is not clean" {
	killed r
	echo 'steps: [{name: c, extract: kv}]' > r/workflow.yaml
	echo 'lat: 5 us' > r/03-c/cmd-01.log
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "r/03-c: did not finish
r/03-c/cmd-01.log: did not finish" ]
	[ "$output" = "r	03-c	lat	5	us" ]
	echo 'lat < 10 us' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 1 ]
	[ "$output" = "r	03-c	lat	5	lat < 10 us	pass	-	-" ]
	[ "$stderr" = "r/03-c: did not finish
r/03-c/cmd-01.log: did not finish
1 rules, 1 checks: 1 passed, 0 failed" ]
}

@test "extract and analyse say a malformed steps.tsv or commands.tsv record once, as report does: exit 2" {
	mkr r
	printf '03-fail\t9\tpass\t0\t2026-01-01T00:00:00.000Z\t0.1\tlocal\n' >> r/commands.tsv
	printf '01-a\t2\tpass\t0\t2026-11-25T22:03:57.340Z\t0.1\tlocal\tx' >> r/commands.tsv
	echo a2 > r/01-a/cmd-02.log
	bad='r/commands.tsv:3: malformed record: expected 8 fields
r/commands.tsv:4: malformed record: cut short
r/01-a/cmd-02.log: did not finish'
	run --separate-stderr joe extract -q r
	[ "$status" = 2 ]
	[ "$stderr" = "$bad" ]
	printf '01-a\tk\t0\t\n' > r/metrics.tsv
	echo 'k < 1' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 2 ]
	[ "$output" = "r	01-a	k	0	k < 1	pass	-	-" ]
	[ "$stderr" = "$bad
1 rules, 1 checks: 1 passed, 0 failed" ]
	mkr s
	printf '03-c\tc\tpass\n' >> s/steps.tsv
	run --separate-stderr joe extract -q s
	[ "$status" = 2 ]
	[ "$stderr" = "s/steps.tsv:3: malformed record: expected 5 fields" ]
	printf '01-a\tk\t0\t\n' > s/metrics.tsv
	run --separate-stderr joe analyse rules.txt s
	[ "$status" = 2 ]
	[ "$stderr" = "s/steps.tsv:3: malformed record: expected 5 fields
1 rules, 1 checks: 1 passed, 0 failed" ]
}

@test "a reader inside the running step leaves that step out, and only in its own run" {
	killed r
	echo 'k < 1' > rules.txt
	printf '01-a\tk\t0\t\n' > r/metrics.tsv
	run --separate-stderr env JOE_OUTPUT=r JOE_STEP=03-c joe analyse rules.txt r
	[ "$status" = 0 ]
	[ "$stderr" = "1 rules, 1 checks: 1 passed, 0 failed" ]
	run --separate-stderr env JOE_OUTPUT="$PWD/r/" JOE_STEP=03-c joe report r
	[ "$status" = 0 ]
	[ "$stderr" = "" ]
	cp -r r s
	run --separate-stderr env JOE_OUTPUT=s JOE_STEP=03-c joe report -f tap r
	[ "$status" = 1 ]
	[ "$stderr" = "r/03-c: did not finish
r/03-c/cmd-01.log: did not finish" ]
}

@test "a real joe run killed with SIGKILL: the running step is an error in every format" {
	cat > w.workflow <<-'EOF'
	steps:
	- {name: a, run: echo one}
	- {name: b, run: "echo started $$; exec sleep 100"}
	EOF
	joe run -o r w.workflow > log 2>&1 3>&- &
	pid=$!
	waitfor grep -q started r/02-b/cmd-01.log
	kill -9 "$pid"
	wait "$pid" || true
	kill "$(cut -d' ' -f2 r/02-b/cmd-01.log)" 2>/dev/null || true
	echo started > r/02-b/cmd-01.log
	run --separate-stderr joe report -f junit r
	[ "$status" = 1 ]
	[[ "$output" == *'tests="2" failures="0" errors="1"'* ]]
	[[ "$output" == *'name="02-b" time="0.000"><error message="error">$ did not finish (error, rc -)
started
</error>'* ]]
	run --separate-stderr joe report -f tap r
	[ "$status" = 1 ]
	[ "${lines[2]}" = "not ok 2 - r 02-b" ]
	run --separate-stderr joe report -f text r
	[ "$status" = 1 ]
	[ "${lines[1]}" = "ERROR 02-b 0.0s" ]
	[ "$stderr" = "r/02-b: did not finish
r/02-b/cmd-01.log: did not finish" ]
}

@test "4000 repeated metric keys: numbered key, key#2 ... key#4000, in linear time" {
	mkr r
	printf 'steps: [{name: a, extract: kv}]\n' > r/workflow.yaml
	seq 0 3999 | sed 's/.*/lat= & us/' > r/01-a/cmd-01.log
	echo 'lat#3= 1 us' >> r/01-a/cmd-01.log
	echo 'lat= 4000 us' >> r/01-a/cmd-01.log
	timeout 20 joe extract -q r
	[ "$(wc -l < r/metrics.tsv)" = 4002 ]
	[ "$(line r/metrics.tsv 1)" = "01-a|lat|0|us" ]
	[ "$(line r/metrics.tsv 2)" = "01-a|lat#2|1|us" ]
	[ "$(line r/metrics.tsv 3)" = "01-a|lat#3|2|us" ]
	[ "$(line r/metrics.tsv 4000)" = "01-a|lat#4000|3999|us" ]
	[ "$(line r/metrics.tsv 4001)" = "01-a|lat#3#2|1|us" ]
	[ "$(line r/metrics.tsv 4002)" = "01-a|lat#4001|4000|us" ]
}

@test "nan and inf metrics fail every rule they match, with their value; the rest is checked" {
	mkr r
	printf '%s\t%s\t%s\t%s\n' 01-a lat nan us 01-a bw inf MiB/s \
		01-a big 1e999 '' 01-a ok 3 us > r/metrics.tsv
	printf 'lat < 10 us\nlat != 1\nbw > 1 MiB/s\nbig > 0\nok < 4 us\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 1 ]
	[ "$output" = "r	01-a	lat	nan	lat < 10 us	fail	-	-
r	01-a	lat	nan	lat != 1	fail	-	-
r	01-a	bw	inf	bw > 1 MiB/s	fail	-	-
r	01-a	big	1e999	big > 0	fail	-	-
r	01-a	ok	3	ok < 4 us	pass	-	-" ]
	[ "$stderr" = "5 rules, 5 checks: 1 passed, 4 failed" ]
	printf 'lat nan us\n' | joe extract r >/dev/null || true
	printf '01-a\tlat\t1\tus\n' > b.tsv
	mkdir b && cp r/steps.tsv b/ && cp b.tsv b/metrics.tsv
	printf '01-a\tlat\tnan\tus\n' > r/metrics.tsv
	run --separate-stderr joe analyse -b b <(echo 'lat ~ 10%') r
	[ "$status" = 1 ]
	[ "$output" = "r	01-a	lat	nan	lat ~ 10%	fail	1	-" ]
}

@test "kv lines with nan and inf are extracted as they are, then fail analysis" {
	mkr r
	printf 'steps: [{name: a, extract: kv}]\n' > r/workflow.yaml
	printf 'lat= nan us\nbw: inf MiB/s\n' > r/01-a/cmd-01.log
	run joe extract r
	[ "$status" = 0 ]
	[ "$output" = "r	01-a	lat	nan	us
r	01-a	bw	inf	MiB/s" ]
	echo 'lat < 1 ms' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 1 ]
	[ "$output" = "r	01-a	lat	nan	lat < 1 ms	fail	-	-" ]
}

@test "a rule with a value that is not finite: file:line:col, exit 2" {
	mkr r
	printf 'k < inf\nk > -inf\n  k == 1e309\nk ~ nan%%\n' > rules.txt
	run --separate-stderr joe analyse -b r rules.txt r
	[ "$status" = 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "rules.txt:1:5: value not a number: inf
rules.txt:2:5: value not a number: -inf
rules.txt:3:8: value not a number: 1e309
rules.txt:4:5: N% not a number: nan%" ]
}

@test "a hexadecimal value, which strtod reads, is no decimal number: in a rule, exit 2; in metrics, left out" {
	mkr r
	printf 'k <= 0x10\nk ~ 0x5%%\n  k < -0X1P3 us\nk < 1e3\nk < -inf\n' > rules.txt
	run --separate-stderr joe analyse -b r rules.txt r
	[ "$status" = 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "rules.txt:1:6: value not a number: 0x10
rules.txt:2:5: N% not a number: 0x5%
rules.txt:3:7: value not a number: -0X1P3
rules.txt:5:5: value not a number: -inf" ]
	printf '01-a\tk\t0x10\t\n01-a\tk\t16\t\n01-a\tn\tnan\t\n' > r/metrics.tsv
	printf 'k == 16\nn < 1\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 2 ]
	[ "$output" = "r	01-a	k	16	k == 16	pass	-	-
r	01-a	n	nan	n < 1	fail	-	-" ]
	[ "$stderr" = "r/metrics.tsv:1: value not a number: 0x10
2 rules, 2 checks: 1 passed, 1 failed" ]
}

@test "a TAP plan out of range: line:col, no float cast (make check SANITIZE=1)" {
	mkr r
	printf 'steps: [{name: a, extract: tap}]\n' > r/workflow.yaml
	printf '1..1e300\nok 1\n' > r/01-a/cmd-01.log
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "r/01-a/cmd-01.log:1:4: a plan must be 1..N
r/01-a/cmd-01.log:2: cmd-01: 1 tests and no plan" ]
	printf '1..99999999999999999999\nok 1\n' > r/01-a/cmd-01.log
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "r/01-a/cmd-01.log:1:4: plan out of range
r/01-a/cmd-01.log:2: cmd-01: 1 tests and no plan" ]
	printf '1..x\n' > r/01-a/cmd-01.log
	run --separate-stderr joe extract r
	[ "$stderr" = "r/01-a/cmd-01.log:1:4: a plan must be 1..N" ]
}

@test "logs numbered beyond int sort right (make check SANITIZE=1)" {
	mkr r
	printf 'steps: [{name: a, extract: kv}]\n' > r/workflow.yaml
	echo 'k: 3' > r/01-a/cmd-2147483648.log
	echo 'k: 2' > r/01-a/cmd-2147483647.log
	echo 'k: 4' > r/01-a/cmd-99999999999999999999.log
	printf '01-a\t%s\tpass\t0\t2026-11-25T22:03:57.340Z\t0.1\tlocal\tx\n' \
		2147483648 2147483647 99999999999999999999 >> r/commands.tsv
	run joe extract r
	[ "$status" = 0 ]
	[ "$output" = "r	01-a	k	2	
r	01-a	k#2	3	
r	01-a	k#3	4	" ]
	run joe report r
	[ "$status" = 0 ]
}

@test "matrix steps numbered beyond int: bar charts sort them (make check SANITIZE=1)" {
	mkr r
	printf '%s\tk\t%s\tus\n' '2147483648-io[bs=4k]' 1 '1-io[bs=8k]' 2 \
		'99999999999999999999-io[bs=1k]' 3 '2147483647-io[bs=2k]' 4 > r/metrics.tsv
	run joe report -f html r
	[ "$status" = 0 ]
	[[ "$output" == *'<title>bs=8k: 2 us</title>'*'<title>bs=2k: 4 us</title>'*'<title>bs=4k: 1 us</title>'*'<title>bs=1k: 3 us</title>'* ]]
}

@test "fio JSON nested deep, cut short, with huge numbers: said at its place, the rest extracted" {
	mkr r
	printf 'steps: [{name: a, extract: fio}, {name: b, extract: kv}]\n' > r/workflow.yaml
	{ printf '{"fio version": "x", "a": '; head -c 100000 /dev/zero | tr '\0' '['; echo; echo '}'; } > r/01-a/cmd-01.log
	printf '{"fio version": "x", "jobs": [{"jobname": "j",\n}\n' > r/01-a/cmd-02.log
	printf '{"fio version": "x", "jobs": [{"jobname": "j", "error": 1e999,\n"read": {"total_ios": 1, "iops": 1e99999, "runtime": 2e3}}]\n}\n' > r/01-a/cmd-03.log
	printf '01-a\t%s\tpass\t0\t2026-11-25T22:03:57.340Z\t0.1\tlocal\tx\n' 2 3 >> r/commands.tsv
	echo 'k: 1 s' > r/02-b/cmd-01.log
	run --separate-stderr timeout 20 joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "r/01-a/cmd-01.log:1:91: nested too deep
r/01-a/cmd-02.log:2:1: expected a \"key\"" ]
	[ "$output" = "r	01-a	fio.j.read.runtime	2	s
r	02-b	k	1	s" ]
}

@test "missing run directory, unknown format: exit 2 and nothing reported" {
	run --separate-stderr joe report -f xml r
	[ "$status" = 2 ]
	[ "$stderr" = "usage: joe report [-f html|text|junit|tap] [-o file] run..." ]
	run --separate-stderr joe report nosuch
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: nosuch: not a run directory (no steps.tsv)" ]
	run --separate-stderr joe extract nosuch
	[ "$status" = 2 ]
	[ "$stderr" = "joe-extract: nosuch: not a run directory (no steps.tsv)" ]
	echo 'k < 1' > rules.txt
	run --separate-stderr joe analyse rules.txt nosuch
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: nosuch: not a run directory (no steps.tsv)" ]
}

# A null device of the test's own stands for /dev/null: a joe report that
# replaced it (as one did) must not break the machine's /dev/null.
@test "report -o a null device keeps it a device; -o a fifo is written into" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	mknod null c 1 3 || skip "cannot make a device here"
	mkr r
	run joe report -o null r
	[ "$status" = 0 ]
	[ -c null ]
	[ ! -e null.tmp ]
	mkfifo ff
	cat ff > got &
	joe report -f tap -o ff r
	wait $!
	[ -p ff ]
	[ "$(tail -1 got)" = "1..2" ]
	ln -s /proc/self/fd/1 stdout	# as /dev/stdout is
	[ "$(joe report -o stdout r | tail -1)" = "r: 1 passed, 1 failed, 0 skipped" ]
	[ -L stdout ]
}

@test "report -o a directory or socket: refused, exit 2, nothing touched" {
	mkr r
	mkdir d
	run --separate-stderr joe report -o d r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: d: not a regular file" ]
	[ -d d ] && [ ! -e d.tmp ]
	command -v python3 >/dev/null || skip "no python3 to make a socket"
	python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("s")'
	run --separate-stderr joe report -o s r
	[ "$status" = 2 ]
	[ "$stderr" = "joe-report: s: not a regular file" ]
	[ -S s ]
}

@test "metrics.tsv, tests.tsv, verdicts.tsv that are symlinks: refused, their targets untouched" {
	mkr r
	echo keep > target
	ln -s ../target r/metrics.tsv
	run --separate-stderr joe extract r
	[ "$status" = 1 ]
	[ "$stderr" = "joe-extract: r/metrics.tsv: not a regular file" ]
	[ "$(cat target)" = keep ] && [ -L r/metrics.tsv ]
	rm r/metrics.tsv
	mkfifo r/tests.tsv
	run --separate-stderr timeout 10 joe extract r
	[ "$status" = 1 ]
	[ "$stderr" = "joe-extract: r/tests.tsv: not a regular file" ]
	rm r/tests.tsv
	ln -s ../target r/metrics.tsv.tmp
	joe extract r
	[ "$(cat target)" = keep ] && [ -f r/metrics.tsv ] && [ ! -e r/metrics.tsv.tmp ]
	printf '01-a\tk\t1\t\n' > r/metrics.tsv
	ln -s ../target r/verdicts.tsv
	echo 'k < 4' > rules.txt
	run --separate-stderr joe analyse rules.txt r
	[ "$status" = 1 ]
	[ "$stderr" = "joe-analyse: r/verdicts.tsv: not a regular file
1 rules, 1 checks: 1 passed, 0 failed" ]
	[ "$(cat target)" = keep ]
}

@test "get and put onto a fifo or socket: refused, not replaced" {
	echo hi > src
	mkfifo ff
	run --separate-stderr joe get -t local src ff
	[ "$status" = 1 ]
	[ "$stderr" = "ff: not a regular file or directory" ]
	[ -p ff ]
	run --separate-stderr joe put -t local src ff
	[ "$status" = 1 ]
	[ "$stderr" = "ff: not a regular file or directory" ]
	[ -p ff ]
	mkdir d
	mkfifo d/src
	run --separate-stderr joe get -t local src d
	[ "$status" = 1 ]
	[ "$stderr" = "d/src: not a regular file or directory" ]
	[ -p d/src ]
	[ -z "$(ls -A d | grep -v '^src$')" ]
	joe get -t local src new
	[ "$(cat new)" = hi ]
}
