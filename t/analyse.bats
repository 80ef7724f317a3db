#!/usr/bin/env bats
# joe-analyse(1): operators, units, ~ N%, globs, stdin, verdicts.tsv, errors.
load helper

# mkrun DIR [STEP|KEY|VALUE|UNIT]...: a run directory with these metrics.
mkrun() {
	local d=$1
	shift
	mkdir -p "$d"
	printf '01-a\ta\tpass\t2026-11-25T22:03:57.340Z\t0.005\n' > "$d/steps.tsv"
	[ $# = 0 ] || printf '%s\n' "$@" | tr '|' '\t' > "$d/metrics.tsv"
}

# same [VAR]: $VAR (default output), its tabs shown as |, is stdin.
same() {
	diff -u - <(printf '%s\n' "${!1:-$output}" | tr '\t' '|')
}

@test "every operator, passing and failing" {
	mkrun r1 '01-a|k|10|'
	cat > rules.txt <<-'EOF'
	k < 11
	k < 10
	k <= 10
	k <= 9.5
	k > -1
	k > 10
	k >= 10
	k >= 10.5
	k == 1e1
	k == 11
	k != 11
	k != 10
	EOF
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|k|10|k < 11|pass|-|-
	r1|01-a|k|10|k < 10|fail|-|-
	r1|01-a|k|10|k <= 10|pass|-|-
	r1|01-a|k|10|k <= 9.5|fail|-|-
	r1|01-a|k|10|k > -1|pass|-|-
	r1|01-a|k|10|k > 10|fail|-|-
	r1|01-a|k|10|k >= 10|pass|-|-
	r1|01-a|k|10|k >= 10.5|fail|-|-
	r1|01-a|k|10|k == 1e1|pass|-|-
	r1|01-a|k|10|k == 11|fail|-|-
	r1|01-a|k|10|k != 11|pass|-|-
	r1|01-a|k|10|k != 10|fail|-|-
	EOF
	[ "$stderr" = "12 rules, 12 checks: 6 passed, 6 failed" ]
}

@test "all passing: exit 0; comments, blank lines and extra blanks" {
	mkrun r1 '01-a|k|10|' '02-b|k|3e-05|s' '02-b|j|1.50|'
	printf '# limits\n\n  # indented comment\n\t k  <\t 11  \r\nj == 1.5\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 0 ]
	same <<-'EOF'
	r1|01-a|k|10|k < 11|pass|-|-
	r1|02-b|k|3e-05|k < 11|pass|-|-
	r1|02-b|j|1.50|j == 1.5|pass|-|-
	EOF
	[ "$stderr" = "2 rules, 3 checks: 3 passed, 0 failed" ]
}

@test "units: time, size and rate converted to the rule's unit" {
	mkrun r1 '01-a|lat|1500|us' '01-a|bw|100|MiB/s' '01-a|sz|1|GiB'
	cat > rules.txt <<-'EOF'
	lat < 2 ms
	lat < 1.5 ms
	lat <= 1.5 ms
	lat == 1500000 ns
	lat > 0.002 s
	bw == 102400 KiB/s
	bw >= 0.1 GiB/s
	bw > 104857 KB/s
	bw < 104858 KB/s
	sz == 1024 MiB
	sz == 1073741824 B
	sz > 1 GB
	EOF
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|lat|1500|lat < 2 ms|pass|-|-
	r1|01-a|lat|1500|lat < 1.5 ms|fail|-|-
	r1|01-a|lat|1500|lat <= 1.5 ms|pass|-|-
	r1|01-a|lat|1500|lat == 1500000 ns|pass|-|-
	r1|01-a|lat|1500|lat > 0.002 s|fail|-|-
	r1|01-a|bw|100|bw == 102400 KiB/s|pass|-|-
	r1|01-a|bw|100|bw >= 0.1 GiB/s|fail|-|-
	r1|01-a|bw|100|bw > 104857 KB/s|pass|-|-
	r1|01-a|bw|100|bw < 104858 KB/s|pass|-|-
	r1|01-a|sz|1|sz == 1024 MiB|pass|-|-
	r1|01-a|sz|1|sz == 1073741824 B|pass|-|-
	r1|01-a|sz|1|sz > 1 GB|pass|-|-
	EOF
	[ "$stderr" = "12 rules, 12 checks: 9 passed, 3 failed" ]
}

@test "incompatible, unknown or missing units fail with the reason" {
	mkrun r1 '01-a|bw|100|MiB/s' '01-a|lat|5|furlongs' '01-a|n|3|' \
	    '01-a|io|7|IOPS'
	cat > rules.txt <<-'EOF'
	bw < 3 us
	bw < 3 MiB
	lat < 1 ms
	n < 1 ms
	lat < 6
	io >= 5 IOPS
	io >= 5 ms
	EOF
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|bw|100|bw < 3 us|fail|-|-
	r1|01-a|bw|100|bw < 3 MiB|fail|-|-
	r1|01-a|lat|5|lat < 1 ms|fail|-|-
	r1|01-a|n|3|n < 1 ms|fail|-|-
	r1|01-a|lat|5|lat < 6|pass|-|-
	r1|01-a|io|7|io >= 5 IOPS|pass|-|-
	r1|01-a|io|7|io >= 5 ms|fail|-|-
	EOF
	same stderr <<-'EOF'
	joe-analyse: r1: 01-a/bw: cannot compare MiB/s with us
	joe-analyse: r1: 01-a/bw: cannot compare MiB/s with MiB
	joe-analyse: r1: 01-a/lat: cannot compare furlongs with ms
	joe-analyse: r1: 01-a/n: cannot compare no unit with ms
	joe-analyse: r1: 01-a/io: cannot compare IOPS with ms
	7 rules, 7 checks: 2 passed, 5 failed
	EOF
}

@test "~ N% against the same step and key of the -b baseline" {
	mkrun base '01-a|k|100|us' '01-a|m|100|us' '01-a|n|100|us' \
	    '01-a|e|100|us' '01-a|t|1000|us' '01-a|u|100|us' '01-a|z|0|' \
	    '02-b|k|50|'
	mkrun r1 '01-a|k|104|us' '01-a|m|106|us' '01-a|n|95|us' \
	    '01-a|e|105|us' '01-a|t|1.04|ms' '01-a|u|100|MiB/s' '01-a|z|0|' \
	    '01-a|new|1|' '02-b|k|104|'
	echo '* ~ 5%' > rules.txt
	run --separate-stderr joe analyse -b base rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|k|104|* ~ 5%|pass|100|+4.0%
	r1|01-a|m|106|* ~ 5%|fail|100|+6.0%
	r1|01-a|n|95|* ~ 5%|pass|100|-5.0%
	r1|01-a|e|105|* ~ 5%|pass|100|+5.0%
	r1|01-a|t|1.04|* ~ 5%|pass|1000 us|+4.0%
	r1|01-a|u|100|* ~ 5%|fail|100 us|-
	r1|01-a|z|0|* ~ 5%|pass|0|-
	r1|01-a|new|1|* ~ 5%|missing|-|-
	r1|02-b|k|104|* ~ 5%|fail|50|+108.0%
	EOF
	same stderr <<-'EOF'
	joe-analyse: r1: 01-a/u: cannot compare MiB/s with us of the baseline
	1 rules, 9 checks: 5 passed, 4 failed
	EOF
	[ ! -e base/verdicts.tsv ]
	[ "$(tail -1 r1/verdicts.tsv | tr '\t' '|')" = "02-b|k|104|* ~ 5%|fail|50|+108.0%" ]
}

@test "drop <= N% and rise <= N%: one way only, so a faster run passes" {
	mkdir b r1
	: > b/steps.tsv
	: > r1/steps.tsv
	printf '01-a\tiops\t100\tIOPS\n01-a\tlat\t2\tms\n' > b/metrics.tsv
	printf '01-a\tiops\t%s\tIOPS\n01-a\tlat\t%s\tms\n' 95 2.1 > r1/metrics.tsv
	printf 'iops drop <= 5%%\nlat rise <= 10%%\niops ~ 5%%\n' > rules.txt
	run -0 joe analyse -b b rules.txt r1
	printf '01-a\tiops\t200\tIOPS\n01-a\tlat\t1000\tus\n' > r1/metrics.tsv
	run -1 --separate-stderr joe analyse -b b rules.txt r1
	[ "$(echo "$output" | tr '\t' '|')" = "r1|01-a|iops|200|iops drop <= 5%|pass|100|+100.0%
r1|01-a|lat|1000|lat rise <= 10%|pass|2 ms|-50.0%
r1|01-a|iops|200|iops ~ 5%|fail|100|+100.0%" ]
	printf '01-a\tiops\t94.9\tIOPS\n01-a\tlat\t2.3\tms\n' > r1/metrics.tsv
	run -1 --separate-stderr joe analyse -b b rules.txt r1
	[ "$(echo "$output" | cut -f3,6 | tr '\t\n' ': ')" = "iops:fail lat:fail iops:fail " ]
}

@test "~ within the limit passes; a baseline must be a run directory" {
	mkrun base '01-a|bw|100|MiB/s'
	mkrun r1 '01-a|bw|97|MiB/s'
	printf 'bw ~ 5%%\nbw > 90 MiB/s\n' > rules.txt
	run --separate-stderr joe analyse -b base rules.txt r1
	[ "$status" = 0 ]
	same <<-'EOF'
	r1|01-a|bw|97|bw ~ 5%|pass|100|-3.0%
	r1|01-a|bw|97|bw > 90 MiB/s|pass|-|-
	EOF
	run --separate-stderr joe analyse -b nosuch rules.txt r1
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: nosuch: not a run directory (no steps.tsv)" ]
	[ -z "$output" ]
}

@test "a glob with / matches step/key; one without, the key alone" {
	mkrun r1 '01-a|fio.j.read.iops|10|IOPS' '02-b|fio.j.read.iops|2000|IOPS' \
	    '03-checksum[algo=md5sum]|t|1|s'
	cat > rules.txt <<-'EOF'
	02-*/fio.*.iops >= 1000
	*/fio.*.iops >= 1
	fio.*.iops >= 1000
	03-checksum\[algo=md5sum\]/t == 1 s
	03-*/t < 2000 ms
	01-* < 1
	EOF
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|02-b|fio.j.read.iops|2000|02-*/fio.*.iops >= 1000|pass|-|-
	r1|01-a|fio.j.read.iops|10|*/fio.*.iops >= 1|pass|-|-
	r1|02-b|fio.j.read.iops|2000|*/fio.*.iops >= 1|pass|-|-
	r1|01-a|fio.j.read.iops|10|fio.*.iops >= 1000|fail|-|-
	r1|02-b|fio.j.read.iops|2000|fio.*.iops >= 1000|pass|-|-
	r1|03-checksum[algo=md5sum]|t|1|03-checksum\\[algo=md5sum\\]/t == 1 s|pass|-|-
	r1|03-checksum[algo=md5sum]|t|1|03-*/t < 2000 ms|pass|-|-
	r1|-|01-*|-|01-* < 1|missing|-|-
	EOF
	[ "$stderr" = "6 rules, 8 checks: 6 passed, 2 failed" ]
}

@test "a rule that matches nothing is missing and fails the run" {
	mkrun r1 '01-a|fio.j.read.iops|5000|IOPS'
	printf 'fio.*.iops > 1000\nfio.*.ipos > 1000\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|fio.j.read.iops|5000|fio.*.iops > 1000|pass|-|-
	r1|-|fio.*.ipos|-|fio.*.ipos > 1000|missing|-|-
	EOF
	[ "$stderr" = "2 rules, 2 checks: 1 passed, 1 failed" ]
	output=$(cat r1/verdicts.tsv)
	same <<-'EOF'
	01-a|fio.j.read.iops|5000|fio.*.iops > 1000|pass|-|-
	-|fio.*.ipos|-|fio.*.ipos > 1000|missing|-|-
	EOF
}

@test "a run without metrics.tsv: every rule missing; .gz is read" {
	mkrun r1
	mkrun r2 '01-a|k|1|'
	gzip r2/metrics.tsv
	printf 'k < 2\nj < 2\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r1 r2
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|-|k|-|k < 2|missing|-|-
	r1|-|j|-|j < 2|missing|-|-
	r2|01-a|k|1|k < 2|pass|-|-
	r2|-|j|-|j < 2|missing|-|-
	EOF
	same stderr <<-'EOF'
	r1: 2 rules, 2 checks: 0 passed, 2 failed
	r2: 2 rules, 2 checks: 1 passed, 1 failed
	EOF
}

@test "stdin: lines as joe extract prints them, grouped by run" {
	mkrun r1
	mkrun r2
	mkdir plain
	printf '%s\n' 'r1|01-a|k|1|' 'r2|01-a|k|5|' 'r1|02-b|k|3|' \
	    'plain|01-a|k|1|s' 'gone|01-a|k|9|' 'r2|02-b|j|1|' |
	    tr '|' '\t' > in.tsv
	echo 'k < 4' > rules.txt
	run --separate-stderr joe analyse rules.txt < in.tsv
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|k|1|k < 4|pass|-|-
	r1|02-b|k|3|k < 4|pass|-|-
	r2|01-a|k|5|k < 4|fail|-|-
	plain|01-a|k|1|k < 4|pass|-|-
	gone|01-a|k|9|k < 4|fail|-|-
	EOF
	same stderr <<-'EOF'
	r1: 1 rules, 2 checks: 2 passed, 0 failed
	r2: 1 rules, 1 checks: 0 passed, 1 failed
	plain: 1 rules, 1 checks: 1 passed, 0 failed
	gone: 1 rules, 1 checks: 0 passed, 1 failed
	EOF
	[ "$(tr '\t' '|' < r1/verdicts.tsv)" = "01-a|k|1|k < 4|pass|-|-
02-b|k|3|k < 4|pass|-|-" ]
	[ "$(tr '\t' '|' < r2/verdicts.tsv)" = "01-a|k|5|k < 4|fail|-|-" ]
	[ ! -e plain/verdicts.tsv ]
	[ ! -e gone ]
}

@test "stdin: one run, all passing, no summary prefix" {
	printf 'joe-output/x\t01-a\tk\t1\t\n' > in.tsv
	echo 'k < 4' > rules.txt
	run --separate-stderr joe analyse rules.txt < in.tsv
	[ "$status" = 0 ]
	same <<-'EOF'
	joe-output/x|01-a|k|1|k < 4|pass|-|-
	EOF
	[ "$stderr" = "1 rules, 1 checks: 1 passed, 0 failed" ]
}

@test "fields are unescaped on input and escaped on output" {
	mkrun r1 '01-a|a\tb|1|' '01-a|c\\d|2|'
	cat > rules.txt <<-'EOF'
	a?b == 1
	c\\d == 2
	EOF
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 0 ]
	same <<-'EOF'
	r1|01-a|a\tb|1|a?b == 1|pass|-|-
	r1|01-a|c\\d|2|c\\\\d == 2|pass|-|-
	EOF
}

@test "verdicts.tsv is replaced by a rename, nothing left behind" {
	mkrun r1 '01-a|k|1|'
	echo 'k < 4' > rules.txt
	run joe analyse rules.txt r1
	[ "$status" = 0 ]
	[ "$(tr '\t' '|' < r1/verdicts.tsv)" = "01-a|k|1|k < 4|pass|-|-" ]
	ln r1/verdicts.tsv old.tsv
	echo 'k >= 4' > rules.txt
	run joe analyse rules.txt r1
	[ "$status" = 1 ]
	[ "$(tr '\t' '|' < r1/verdicts.tsv)" = "01-a|k|1|k >= 4|fail|-|-" ]
	[ "$(tr '\t' '|' < old.tsv)" = "01-a|k|1|k < 4|pass|-|-" ]
	[ "$(ls r1)" = "metrics.tsv
steps.tsv
verdicts.tsv" ]
}

@test "a verdicts.tsv that cannot be written: exit 1" {
	mkrun r1 '01-a|k|1|'
	mkdir r1/verdicts.tsv.tmp
	echo 'k < 4' > rules.txt
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 1 ]
	same <<-'EOF'
	r1|01-a|k|1|k < 4|pass|-|-
	EOF
	same stderr <<-'EOF'
	joe-analyse: cannot write r1/verdicts.tsv: Is a directory
	1 rules, 1 checks: 1 passed, 0 failed
	EOF
	[ ! -e r1/verdicts.tsv ]
}

@test "bad rules: each reported at file:line:col, nothing checked or written" {
	mkrun base '01-a|k|1|'
	mkrun r1 '01-a|k|1|'
	cat > bad.txt <<-'EOF'
	# a comment
	k
	k => 1
	k <
	k < x
	k < 1 zz
	k < 1 ms extra
	k ~ 5
	k ~ x%
	k ~ -5%
	k ~ 5% ms
	k drop 5%
	k rise <=
	k drop <= 5% ms
	k < 1e
	k ~
	k < 4
	EOF
	printf '\t k >= nan\n' >> bad.txt
	run --separate-stderr joe analyse -b base bad.txt r1
	[ "$status" = 2 ]
	[ -z "$output" ]
	same stderr <<-'EOF'
	bad.txt:2:2: expected an operator
	bad.txt:3:3: unknown operator: =>
	bad.txt:4:4: expected a value
	bad.txt:5:5: value not a number: x
	bad.txt:6:7: unknown unit: zz
	bad.txt:7:10: trailing garbage: extra
	bad.txt:8:5: N% not a number: 5
	bad.txt:9:5: N% not a number: x%
	bad.txt:10:5: N% not a number: -5%
	bad.txt:11:8: trailing garbage: ms
	bad.txt:12:8: expected <= after drop
	bad.txt:13:10: expected N%
	bad.txt:14:14: trailing garbage: ms
	bad.txt:15:5: value not a number: 1e
	bad.txt:16:4: expected N%
	bad.txt:18:8: value not a number: nan
	EOF
	[ ! -e r1/verdicts.tsv ]
}

@test "~ without -b is bad usage at the rule's place" {
	mkrun r1 '01-a|k|1|'
	printf 'k < 4\n  k ~ 5%%\n' > rules.txt
	run --separate-stderr joe analyse rules.txt r1
	[ "$status" = 2 ]
	[ -z "$output" ]
	[ "$stderr" = "rules.txt:2:5: ~ needs a baseline run (-b)" ]
	[ ! -e r1/verdicts.tsv ]
	printf 'k rise <= 5%%\n' > rules.txt
	run -2 --separate-stderr joe analyse rules.txt r1
	[ "$stderr" = "rules.txt:1:3: rise needs a baseline run (-b)" ]
}

@test "bad metrics lines: file:line, left out, the rest checked, exit 2" {
	mkrun r1 '01-a|k|1|'
	mkrun r2 '01-a|k|1|' '01-a|j|2' '01-a|i|abc|' '01-a|h| 1|' '01-a|g|1|s|x'
	echo 'k < 4' > rules.txt
	run --separate-stderr joe analyse rules.txt r1 r2
	[ "$status" = 2 ]
	same <<-'EOF'
	r1|01-a|k|1|k < 4|pass|-|-
	r2|01-a|k|1|k < 4|pass|-|-
	EOF
	same stderr <<-'EOF'
	r2/metrics.tsv:2: malformed record: expected 4 fields
	r2/metrics.tsv:3: value not a number: abc
	r2/metrics.tsv:4: value not a number:  1
	r2/metrics.tsv:5: malformed record: expected 4 fields
	r1: 1 rules, 1 checks: 1 passed, 0 failed
	r2: 1 rules, 1 checks: 1 passed, 0 failed
	EOF
	[ -e r1/verdicts.tsv ] && [ -e r2/verdicts.tsv ]
	printf 'r1\t01-a\tk\t1\t\nr1\t01-a\tk\t1\nr1\t01-a\tk\tx\t\n' > in.tsv
	run --separate-stderr joe analyse rules.txt < in.tsv
	[ "$status" = 2 ]
	same stderr <<-'EOF'
	-:2: malformed record: expected 5 fields
	-:3: value not a number: x
	1 rules, 1 checks: 1 passed, 0 failed
	EOF
}

@test "usage errors: no rules file, no such run, no rules, empty stdin" {
	run --separate-stderr joe analyse
	[ "$status" = 2 ]
	[[ "$stderr" == usage:* ]]
	run --separate-stderr joe analyse -x rules.txt
	[ "$status" = 2 ]
	run --separate-stderr joe analyse nosuch.txt
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: cannot open nosuch.txt: No such file or directory" ]
	printf '# nothing\n\n' > rules.txt
	run --separate-stderr joe analyse rules.txt
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: rules.txt: no rules" ]
	echo 'k < 1' > rules.txt
	run --separate-stderr joe analyse rules.txt nodir
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: nodir: not a run directory (no steps.tsv)" ]
	run --separate-stderr joe analyse rules.txt < /dev/null
	[ "$status" = 2 ]
	[ "$stderr" = "joe-analyse: no metrics on standard input" ]
	run --separate-stderr joe analyse -h
	[ "$status" = 0 ]
	[[ "$output" == usage:* ]]
}

@test "stdin and rules from pipes that pause: every line read, none lost" {
	run --separate-stderr joe analyse <({ echo 'k1 >= 0'; sleep 0.3; echo 'k2 >= 5'; }) \
	    < <({ printf 'r\ts\tk1\t1\t\n'; sleep 0.3; printf 'r\ts\tk2\t2\t\n'; })
	[ "$status" = 1 ]
	same <<-'EOF'
	r|s|k1|1|k1 >= 0|pass|-|-
	r|s|k2|2|k2 >= 5|fail|-|-
	EOF
	[ "$stderr" = "2 rules, 2 checks: 1 passed, 1 failed" ]
}
