#!/usr/bin/env bats
# joe-report(1): text, junit, tap and html reports of real runs.
load helper

# runs: make the runs r1 and r2 of one workflow (a passing step, a matrix,
# a failing step whose log ends in markup, an escape and a byte that is not
# UTF-8, a skipped step), then give them the metrics, tests and verdicts
# that joe-extract and joe-analyse would.
runs() {
	wf w <<-'EOF'
	steps:
	- {name: info, run: echo hello}
	- name: io
	  matrix: {bs: [4k, 8k]}
	  run: echo bs={{ matrix.bs }}
	- name: bad
	  run: |
	    echo before
	    { for i in $(seq 60); do echo line $i; done; printf 'x <&"> \033[31mred\033[m \377 y\n'; exit 3; }
	- {name: later, run: echo never}
	EOF
	joe run -o r1 w.workflow >/dev/null || true
	joe run -o r2 w.workflow >/dev/null || true
	printf '%s\t%s\t%s\t%s\n' \
		'02-io[bs=4k]' fio.j.read.iops 1000 IOPS \
		'03-io[bs=8k]' fio.j.read.iops 1800 IOPS \
		01-info boot.time 3.5 s > r1/metrics.tsv
	printf '%s\t%s\t%s\t%s\n' \
		'02-io[bs=4k]' fio.j.read.iops 1100 IOPS \
		'03-io[bs=8k]' fio.j.read.iops 2000 IOPS \
		01-info boot.time 3.1 s > r2/metrics.tsv
	printf '%s\t%s\t%s\t%s\t%s\n' \
		01-info bats works pass 0.010 \
		01-info bats 'broken <b>' fail '' \
		01-info bats later skip 0 \
		01-info bats someday todo 0.2 \
		01-info bats 'odd # SKIP name' pass 0.001 > r1/tests.tsv
	printf '%s\t%s\t%s\t%s\t%s\n' \
		'02-io[bs=4k]' fio.j.read.iops 1000 'fio.*.read.iops >= 1500' fail \
		'03-io[bs=8k]' fio.j.read.iops 1800 'fio.*.read.iops >= 1500' pass \
		> r1/verdicts.tsv
}

# good: a run r0 whose steps all pass.
good() {
	echo 'steps: [{name: a, run: echo one}, {name: b, run: echo two}]' \
		> g.workflow
	joe run -o r0 g.workflow >/dev/null
}

# nohttp FILE: nothing in FILE that could make a browser fetch anything:
# one inline script at most (the status filter), that fetches nothing.
nohttp() {
	! grep -Eiq 'http|src=|@import|url\(|<link|<iframe|<object|fetch|XMLHttp|import\(' "$1"
	[ "$(grep -c '<script' "$1")" -le 1 ]
}

@test "text: each step, the end of the failed log, failed tests and verdicts, counts" {
	runs
	run --separate-stderr joe report r1
	[ "$status" = 0 ]
	[ "$stderr" = "" ]
	got=$(printf '%s\n' "$output" | sed -E 's/ [0-9]+\.[0-9]s$/ Ts/')
	[ "$got" = "r1
FAIL 04-bad Ts
  \$ { for i in \$(seq 60); do echo line \$i; done; printf 'x <&\"> \\033[31mred\\033[m \\377 y\\n'; exit 3; } (fail, rc 3)
    [... 51 lines omitted ...]
    line 52
    line 53
    line 54
    line 55
    line 56
    line 57
    line 58
    line 59
    line 60
    x <&\"> red $(printf '\357\277\275') y
SKIP 05-later Ts
tests: 2 passed, 1 failed, 1 skipped, 1 todo
  FAIL 01-info bats broken <b>
verdicts: 1 passed, 1 failed, 0 missing
  FAIL 02-io[bs=4k] fio.j.read.iops 1000 fio.*.read.iops >= 1500
r1: 3 passed, 1 failed, 1 skipped" ]
}

@test "text: a run where nothing failed is named once, on its last line" {
	good
	printf '01-a\tbats\tworks\tpass\t0.1\n' > r0/tests.tsv
	printf '01-a\tk\t5\tk < 9\tpass\t-\t-\n' > r0/verdicts.tsv
	run joe report r0
	[ "$status" = 0 ]
	[ "$output" = "tests: 1 passed, 0 failed, 0 skipped, 0 todo
verdicts: 1 passed, 0 failed, 0 missing
r0: 2 passed, 0 failed, 0 skipped" ]
	printf '01-a\tbats\tbroken\tfail\t0.1\n' >> r0/tests.tsv
	run joe report r0
	[ "${lines[0]}" = r0 ]	# heads the failed test
	[ "${lines[2]}" = "  FAIL 01-a bats broken" ]
}

@test "text: several runs, a total; the run is named by its real path" {
	runs
	good
	ln -s r1 latest
	run joe report latest r2 r0
	[ "$status" = 0 ]
	[ "${lines[0]}" = r1 ]
	[[ "$output" == *"
r2: 3 passed, 1 failed, 1 skipped

r0: 2 passed, 0 failed, 0 skipped
"* ]]	# a clean run is named once
	[ "${lines[${#lines[@]}-1]}" = "3 runs: 8 passed, 2 failed, 2 skipped" ]
}

@test "verdicts on a baseline: its value and the change in every format; the summary counts them" {
	runs
	printf 'fio.*.read.iops drop <= 5%%\nboot.time rise <= 20%%\n' > rules.txt
	run -1 joe analyse -b r2 rules.txt r1
	[ "$(cut -f4- r1/verdicts.tsv | tr '\t' '|')" = "fio.*.read.iops drop <= 5%|fail|1100|-9.1%
fio.*.read.iops drop <= 5%|fail|2000|-10.0%
boot.time rise <= 20%|pass|3.1|+12.9%" ]
	run joe report r1
	[[ "$output" == *"
  FAIL 02-io[bs=4k] fio.j.read.iops 1000 fio.*.read.iops drop <= 5% (baseline 1100, -9.1%)
  FAIL 03-io[bs=8k] fio.j.read.iops 1800 fio.*.read.iops drop <= 5% (baseline 2000, -10.0%)
r1: "* ]]
	run joe report -f tap r1
	[[ "$output" == *"
not ok 11 - r1 verdict 02-io[bs=4k] fio.j.read.iops = 1000 (fio.*.read.iops drop <= 5%) (baseline 1100, -9.1%)
"* ]]
	[[ "$output" == *"
ok 13 - r1 verdict 01-info boot.time = 3.5 (boot.time rise <= 20%) (baseline 3.1, +12.9%)
"* ]]
	run joe report -f junit r1
	[[ "$output" == *'<failure message="fail">fio.j.read.iops = 1000, fail (baseline 1100, -9.1%)</failure>'* ]]
	run joe report -f html -o r.html r1 r2
	grep -qF 'fio.*.read.iops drop &lt;= 5% (baseline 1100, -9.1%)' r.html
	grep -qF '<td><span class="b fail">FAIL</span> 2 of 3</td></tr>' r.html
	grep -qF '<td>-</td></tr>' r.html	# r2: no verdicts
	grep -qF '<th>verdicts&nbsp;failed</th>' r.html
}

@test "junit: valid against t/junit.xsd, counts right, the log's end escaped" {
	runs
	run joe report -f junit -o out.xml r1 r2
	[ "$status" = 0 ] && [ "$output" = "" ]
	xmllint --noout out.xml
	xmllint --noout --schema "$TOP/t/junit.xsd" out.xml
	x() { xmllint --xpath "$1" out.xml; }
	[ "$(x 'count(//testsuite)')" = 2 ]
	[ "$(x 'string(//testsuite[1]/@name)')" = r1 ]
	[ "$(x 'string(//testsuite[1]/@tests)')" = 12 ]
	[ "$(x 'count(//testsuite[1]/testcase)')" = 12 ]
	[ "$(x 'string(//testsuite[1]/@failures)')" = 3 ]
	# the verdicts: test cases, a failed one a failure
	v='//testcase[@classname="r1.verdict.02-io[bs=4k]"]'
	[ "$(x "string($v/@name)")" = "fio.j.read.iops: fio.*.read.iops >= 1500" ]
	[ "$(x "string($v/failure/@message)")" = fail ]
	[ "$(x "string($v/failure)")" = "fio.j.read.iops = 1000, fail" ]
	[ "$(x 'count(//testcase[@classname="r1.verdict.03-io[bs=8k]"]/*)')" = 0 ]
	[ "$(x 'string(//testsuite[1]/@errors)')" = 0 ]
	[ "$(x 'string(//testsuite[1]/@skipped)')" = 3 ]
	[ "$(x 'string(//testsuite[2]/@tests)')" = 5 ]
	[ "$(x 'string(//testsuite[1]/@timestamp)')" = "$(field r1/steps.tsv 1 4)" ]
	[ "$(x 'count(//testsuite[1]/testcase[@name="05-later"]/skipped)')" = 1 ]
	[ "$(x 'string(//testcase[@name="someday"]/@classname)')" = r1.01-info.bats ]
	[ "$(x 'count(//testcase[@name="someday"]/skipped)')" = 1 ]
	[ "$(x 'count(//testcase[@name="broken <b>"]/failure)')" = 1 ]
	f=$(x 'string(//testsuite[1]/testcase[@name="04-bad"]/failure)')
	[[ "$f" == "\$ { for i in"*"(fail, rc 3)"* ]]
	[[ "$f" == *"line 12
line 13"* ]]
	[[ "$f" != *"line 11"* ]]
	[[ "$f" == *"line 60
x <&\"> red $(printf '\357\277\275') y"* ]]
	grep -q 'x &lt;&amp;&quot;&gt; red' out.xml
	! grep -q "$(printf '\033')" out.xml
	! LC_ALL=C grep -q "$(printf '\377')" out.xml
}

@test "junit: error, timeout and interrupted steps are errors; the schema is not vacuous" {
	runs
	sed -i 's/\tfail\t/\ttimeout\t/' r1/steps.tsv
	joe report -f junit r1 > out.xml
	xmllint --noout --schema "$TOP/t/junit.xsd" out.xml
	[ "$(xmllint --xpath 'string(//testcase[@name="04-bad"]/error/@message)' out.xml)" = timeout ]
	[ "$(xmllint --xpath 'string(//testsuite/@errors)' out.xml)" = 1 ]
	[ "$(xmllint --xpath 'string(//testsuite/@failures)' out.xml)" = 2 ]
	sed 's/ name="04-bad"//' out.xml > bad.xml
	run xmllint --noout --schema "$TOP/t/junit.xsd" bad.xml
	[ "$status" != 0 ]
}

@test "tap: prove passes a run whose steps all pass" {
	good
	joe report -f tap r0 > report.tap
	[ "$(cat report.tap)" = "TAP version 13
ok 1 - r0 01-a
ok 2 - r0 02-b
1..2" ]
	run prove -e cat report.tap
	[ "$status" = 0 ]
	[[ "$output" == *"All tests successful"* ]]
}

@test "tap: prove fails a run with a failed step; skip, todo and # in names" {
	runs
	joe report -f tap r1 > report.tap
	grep -qx 'ok 1 - r1 01-info' report.tap
	grep -qx 'not ok 4 - r1 04-bad' report.tap
	grep -qx '# \$ { for i in .* (fail, rc 3)' report.tap
	grep -qx '#   line 60' report.tap
	grep -qx 'ok 5 - r1 05-later # SKIP' report.tap
	grep -qx 'not ok 7 - r1 01-info bats broken <b>' report.tap
	grep -qx 'ok 8 - r1 01-info bats later # SKIP' report.tap
	grep -qx 'not ok 9 - r1 01-info bats someday # TODO' report.tap
	grep -qx 'ok 10 - r1 01-info bats odd \\# SKIP name' report.tap
	grep -qFx 'not ok 11 - r1 verdict 02-io[bs=4k] fio.j.read.iops = 1000 (fio.*.read.iops >= 1500)' report.tap
	grep -qFx 'ok 12 - r1 verdict 03-io[bs=8k] fio.j.read.iops = 1800 (fio.*.read.iops >= 1500)' report.tap
	[ "$(tail -1 report.tap)" = 1..12 ]
	run prove -e cat report.tap
	[ "$status" != 0 ]
	[[ "$output" == *"Failed tests:  4, 7, 11"* ]]
	[[ "$output" == *"Tests=12"* ]]
}

@test "html: one file fetching nothing, with steps, logs, tests, metrics and charts" {
	runs
	run joe report -f html -o report.html r1 r2
	[ "$status" = 0 ]
	nohttp report.html
	h=$(cat report.html)
	[[ "$h" == "<!DOCTYPE html>
<html lang=\"en\">"* ]]
	[[ "$h" == *'<meta charset="utf-8">'* ]]
	[[ "$h" == *'<meta name="viewport"'* ]]
	[[ "$h" == *"<title>joe report: 2 runs</title>"* ]]
	[[ "$h" == *"@media print"* ]]
	[ "$(grep -c '<section id="r[12]">' report.html)" = 2 ]
	for s in 01-info '02-io\[bs=4k\]' 04-bad 05-later; do
		grep -q "<h3><span class=\"b [a-z]*\">[A-Z]*</span> $s <small>" report.html
	done
	grep -q '<details><summary><span class="b pass">PASS</span> <code>echo hello</code> rc 0, ' report.html
	# a failed command's log is folded when it is long, open when short
	grep -q '<details><summary><span class="b fail">FAIL</span> <code>{ for i' report.html
	grep -q 'x &lt;&amp;&quot;&gt; red � y' report.html
	! grep -q "$(printf '\033')" report.html
	grep -q '<td>broken &lt;b&gt;</td><td><span class="b fail">FAIL</span>' report.html
	grep -q '<td>02-io\[bs=4k\]</td><td>fio.j.read.iops</td><td>1000</td><td>IOPS</td><td><span class="b fail">FAIL</span> fio' report.html
	# a trend over the two runs, two lines (one a matrix instance); no
	# boot.time: without charts: in the workflow, the run has iops, and
	# that is what is charted
	grep -q '<title>fio.j.read.iops</title>' report.html
	! grep -q '<title>boot.time</title>' report.html
	[ "$(grep -c '<polyline' report.html)" = 2 ]
	grep -qF '<title>r2 io[bs=8k]: 2000 IOPS</title>' report.html
	# a bar chart over the matrix in each run
	[ "$(grep -c '<title>fio.j.read.iops, io</title>' report.html)" = 2 ]
	grep -q '<title>bs=8k: 1800 IOPS</title></rect>' report.html
	grep -q 'class="xl">bs=4k</text>' report.html
}

@test "html: a long log shows its first and last 200 lines; one run has no trend" {
	wf w <<-'EOF'
	steps:
	- {name: long, run: "seq 1000 | sed 's/^/n /'"}
	- {name: short, run: "echo oops; exit 1"}
	EOF
	joe run -o r w.workflow >/dev/null || true
	joe report -f html r > report.html
	grep -q '<details open><summary><span class="b fail">FAIL</span> <code>echo oops; exit 1</code> rc 1, [0-9.]*s, 1 line</summary><pre>oops$' report.html
	grep -q '^n 200$' report.html
	! grep -q '^n 201$' report.html
	grep -q '^\[\.\.\. 600 lines omitted \.\.\.\]$' report.html
	grep -q '^n 801$' report.html
	grep -q '1000 lines</summary>' report.html
	! grep -q '<svg' report.html
	[[ "$(cat report.html)" == *"<title>joe report: r</title>"* ]]
}

# chromium ARGS...: headless Chromium, at most 60 s, no name resolving.
chromium_() {
	command -v chromium >/dev/null || skip "chromium is not installed"
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--host-resolver-rules="MAP * ~NOTFOUND" "$@"
}

@test "html in headless Chromium: the DOM has the steps, a screenshot is drawn" {
	runs
	joe report -f html -o report.html r1 r2
	chromium_ --dump-dom "file://$PWD/report.html" > dom.html 2> chromium.log
	grep -q '04-bad' dom.html
	grep -q '03-io\[bs=8k\]' dom.html
	grep -q 'fio.j.read.iops' dom.html
	grep -q '<svg' dom.html
	nohttp dom.html
	chromium_ --screenshot="$BATS_TEST_TMPDIR/report.png" \
		--window-size=1280,2000 "file://$PWD/report.html" 2> chromium.log
	[ -s report.png ]
	[ "$(head -c 8 report.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
	[ "$(stat -c %s report.png)" -gt 10000 ]
}

# matrix [CHARTS]: the run m1 of a workflow with a doc, a worklet that
# leaves files, and a 3 x 2 matrix whose kv metrics are iops and bw
# (linear), clat.p99 (from 2 to 900: log), errors (all 0) and runtime;
# CHARTS, if given, is its charts: line.
matrix() {
	{
		printf 'doc: |\n  Random reads <fast>\n  at each size.\n'
		[ $# = 0 ] || printf '%s\n' "$1"
		cat <<-'EOF'
		steps:
		- name: sys
		  uses: core.sysinfo
		- name: rr
		  matrix:
		    bs: [4k, 64k, 1m]
		    iodepth: [1, 16]
		  extract: kv
		  run: >-
		    case {{ matrix.bs }} in 4k) i=20000;; 64k) i=6000;; 1m) i=500;; esac;
		    [ {{ matrix.iodepth }} = 1 ] && l=2 || l=900;
		    echo "iops= $((i + {{ matrix.iodepth }})) IOPS";
		    echo "bw= $((i / 10)) MiB/s";
		    echo "clat.p99= $l us";
		    echo "errors= 0";
		    echo "runtime= 1 s"
		EOF
	} > m.workflow
	joe run -o m1 m.workflow > /dev/null
}

@test "html: a matrix's charts: x its first key, a bar for each value of the others, values, a log axis when needed; the doc; the files" {
	matrix
	joe report -f html -o report.html m1
	nohttp report.html
	grep -q '<p class="doc">Random reads &lt;fast&gt;&#10;at each size.&#10;</p>' report.html
	# files the worklet left, linked from the report's directory
	grep -q '<p class="files">files: .*<a href="m1/01-sys/uname.txt">uname.txt</a>' report.html
	for h in $(grep -o 'href="m1/[^"]*"' report.html | cut -d'"' -f2); do
		[ -e "$h" ]
	done
	! grep -q 'cmd-01.log">' report.html	# logs are not "files"
	# iops, bw and the percentile: the defaults; not errors (an error
	# counter, all 0) or runtime
	[ "$(grep -c '<svg' report.html)" = 3 ]
	grep -q '<title>iops, rr</title>' report.html
	grep -q '<title>bw, rr</title>' report.html
	grep -q '>clat.p99, rr (log scale)</text>' report.html
	! grep -q '>iops, rr (log scale)' report.html	# 40 times: linear
	! grep -q 'errors, rr\|runtime, rr' report.html
	# x: bs in the matrix's order; a bar, a legend entry for each iodepth
	[ "$(grep -o 'class="xl">bs=[0-9a-z]*<' report.html | head -3 | tr -d '\n')" = \
	    'class="xl">bs=4k<class="xl">bs=64k<class="xl">bs=1m<' ]
	grep -q '&#9632; iodepth=1</text>' report.html
	grep -q '&#9632; iodepth=16</text>' report.html
	grep -q '<title>bs=64k iodepth=16: 6016 IOPS</title></rect>' report.html
	[ "$(grep -c '</rect>' report.html)" = 18 ]
	grep -q 'class="bv">20001</text>' report.html	# values on the bars
	grep -q 'class="bv">2</text>' report.html
	# 30 metrics: folded
	grep -q '<details class="m"><summary>Metrics: 30 values</summary>' report.html
}

@test "html: at most 50 bar charts in the whole report, the rest counted" {
	wf b <<-'EOF'
	steps:
	- name: m
	  matrix: {bs: [4k, 8k]}
	  extract: kv
	  run: for i in $(seq 30); do echo "k$i.iops= $i IOPS"; done
	EOF
	joe run -o b1 b.workflow > /dev/null
	joe run -o b2 b.workflow > /dev/null
	joe report -f html -o report.html b1 b2	# 2 runs x 30 keys
	[ "$(grep -c '</rect>' report.html)" = 100 ]	# 50 charts of 2 bars
	grep -q '<p>10 more bar charts not drawn: only the first 50 are.</p>' report.html
}

@test "html: the workflow's charts: says which metrics are charted" {
	matrix 'charts: [runtime, "*.p9?", "e*"]'
	joe report -f html -o report.html m1
	[ "$(grep -c '<svg' report.html)" = 2 ]	# errors: all 0, never
	grep -q '<title>runtime, rr</title>' report.html
	grep -q '<title>clat.p99, rr</title>' report.html
	joe run -n m.workflow > /dev/null	# charts: is a workflow key
	echo 'charts: iops' > bad.workflow
	echo 'steps: [{name: a, run: "true"}]' >> bad.workflow
	run joe run -n bad.workflow
	[ "$status" = 2 ]
	[[ "$output" == *"bad.workflow:1:"*"charts"* ]]
}

@test "html: a status filter: what passed is marked, a few lines of script hide it" {
	runs
	good
	joe report -f html -o report.html r1 r0
	grep -q '<section id="r1">' report.html
	grep -q '<section id="r2" class="ok">' report.html
	grep -q '<tr class="ok"><td><a href="#r2">r0</a>' report.html
	grep -q '<div class="step ok"><h3><span class="b pass">PASS</span> 01-info' report.html
	grep -q '<div class="step"><h3><span class="b fail">FAIL</span> 04-bad' report.html
	grep -q '<tr><td>01-info</td><td>bats</td><td>broken' report.html
	grep -q '<tr class="ok"><td>01-info</td><td>bats</td><td>works' report.html
	grep -q 'body.bad .ok{display:none}' report.html
	# without script the buttons are hidden; Chromium runs it: shown
	grep -q '<p id="flt" hidden>' report.html
	chromium_ --dump-dom "file://$PWD/report.html" > dom.html 2> chromium.log
	grep -q '<p id="flt">' dom.html
}

@test "html in headless Chromium: screenshots of a fio matrix, a failing run, a 20-run trend" {
	command -v fio > /dev/null || skip "fio is not installed"
	joe -s fio > /dev/null	# real fio: 3 block sizes x 2 queue depths
	joe run -r -o f1 -D fio.file="$PWD/f.dat" > /dev/null
	cp f1/report.html matrix.html
	[ "$(grep -c '<svg' matrix.html)" = 3 ]	# the example's charts:
	grep -q '&#9632; iodepth=16</text>' matrix.html
	runs
	joe report -f html -o failing.html r1
	echo 'steps: [{name: t, extract: kv, run: "echo iops= $(cat n) IOPS"}]' > t.workflow
	for i in $(seq -w 20); do
		echo $((1000 + 1$i * 37 % 200)) > n
		joe run -o "20261206T04$i$((1$i % 6))0Z-trend" t.workflow > /dev/null
	done
	joe report -f html -o trend.html 2026*-trend
	[ "$(grep -c '<circle' trend.html)" = 20 ]
	[ "$(grep -c 'class="xl">12-06 04:' trend.html)" = 7 ]	# 20 / 3, no overlap
	for p in matrix failing trend; do
		chromium_ --screenshot="$PWD/$p.png" --window-size=1100,2400 \
			"file://$PWD/$p.html" 2> chromium.log
		[ "$(head -c 8 $p.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
		[ "$(stat -c %s $p.png)" -gt 20000 ]
		[ -z "${JOE_SHOTS:-}" ] || cp $p.png "$JOE_SHOTS/"
	done
}

@test "html printed by Chromium: folded logs are unfolded" {
	wf w <<-'EOF'
	steps:
	- {name: long, run: seq 300}
	EOF
	joe run -o r w.workflow >/dev/null
	joe report -f html -o report.html r
	grep -q '<details><summary><span class="b pass">' report.html
	chromium_ --print-to-pdf="$PWD/report.pdf" "file://$PWD/report.html" \
		2> chromium.log
	# 300 lines unfolded need pages; folded, the report fits on one
	[ "$(grep -aoE '/Type ?/Page([^s]|$)' report.pdf | wc -l)" -ge 4 ]
}

@test "-o writes the report whole or not at all" {
	runs
	echo old > out.txt
	joe report -o out.txt r1
	[ "$(head -1 out.txt)" = r1 ]
	[ ! -e out.txt.tmp ]
	echo old > out.txt
	mkdir empty
	run joe report -f html -o out.txt r1 empty
	[ "$status" = 2 ]
	[ "$(cat out.txt)" = old ]
	[ ! -e out.txt.tmp ]
	run joe report -o nosuch/out.txt r1
	[ "$status" = 1 ]
	[ "$output" = "joe-report: cannot create nosuch/out.txt.tmp: No such file or directory" ]
}

@test "a directory that is not a run: exit 2, nothing reported" {
	runs
	mkdir empty
	run --separate-stderr joe report r1 empty
	[ "$status" = 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "joe-report: empty: not a run directory (no steps.tsv)" ]
	run joe report nosuch
	[ "$status" = 2 ]
	[ "$output" = "joe-report: nosuch: not a run directory (no steps.tsv)" ]
}

@test "a record with too few or too many fields: file:line, left out, exit 2" {
	runs
	printf '01-info\tk\t1\n' >> r1/metrics.tsv
	run --separate-stderr joe report r1
	[ "$status" = 2 ]
	[ "$stderr" = "r1/metrics.tsv:4: malformed record: expected 4 fields" ]
	[ "${lines[-1]}" = "r1: 3 passed, 1 failed, 1 skipped" ]
	printf '01-info\ta\tpass\t2026-11-25T22:03:57.340Z\t0.1\textra\n' >> r2/steps.tsv
	run --separate-stderr joe report -f tap r2
	[ "$status" = 2 ]
	[ "$stderr" = "r2/steps.tsv:6: malformed record: expected 5 fields" ]
	[ "${lines[-1]}" = "1..5" ]
}

@test "usage errors exit 2 with a usage line; -h prints it and exits 0" {
	run joe report
	[ "$status" = 2 ]
	[[ "$output" == "usage: joe report "* ]]
	runs
	run joe report -f pdf r1
	[ "$status" = 2 ]
	[[ "$output" == "usage: joe report "* ]]
	run joe report -x r1
	[ "$status" = 2 ]
	run --separate-stderr joe report -h
	[ "$status" = 0 ]
	[ "$output" = "usage: joe report [-f html|text|junit|tap] [-o file] run..." ]
}

@test "gzipped logs are read as they are" {
	runs
	gzip r1/04-bad/cmd-02.log
	[ ! -e r1/04-bad/cmd-02.log ]
	run joe report r1
	[ "$status" = 0 ]
	[[ "$output" == *"    line 60
    x <&\"> red"* ]]
	joe report -f html r1 > report.html
	grep -q '<pre>line 1$' report.html
	gzip r1/steps.tsv
	run joe report r1
	[ "$status" = 0 ]
	[[ "$output" == *"r1: 3 passed, 1 failed, 1 skipped" ]]
}

@test "joe run ends with the text report of its run; -r writes report.html" {
	printf '%s\n' 'steps:' '- {name: ok, run: "echo 1..2; echo ok 1 - a; echo not ok 2 - b"}' \
	    '- {name: bad, run: "echo why; exit 3"}' '- {name: after, run: "true"}' > w.workflow
	run joe run -r -o out
	[ "$status" = 1 ]
	[ "${lines[3]}" = "report: $PWD/out/report.html" ]
	[ "$(sed -n 5,10p <<< "$output" | sed 's/ [0-9.]*s$//')" = "out
FAIL 02-bad
  \$ echo why; exit 3 (fail, rc 3)
    why
SKIP 03-after
tests: 1 passed, 1 failed, 0 skipped, 0 todo" ]
	[[ "$output" == *"  FAIL 01-ok cmd-01 b"* ]]
	[ "$(tail -n 1 <<< "$output")" = "out: 1 passed, 1 failed, 1 skipped" ]
	[ -s out/tests.tsv ]
	grep -q '<svg\|02-bad' out/report.html
	run joe run -o out2 w.workflow after
	[ "$status" = 0 ]
	[ "$(tail -n 1 <<< "$output")" = "out2: 1 passed, 0 failed, 0 skipped" ]
	[ ! -e out2/report.html ]
}

@test "html: joe-report-html draws the page; without it, or when it fails, no page and exit 1" {
	good
	mkdir bin
	cp "$TOP/joe-report" bin/
	PATH=$PWD/bin:/usr/bin:/bin run --separate-stderr bin/joe-report -f html -o r.html r0
	[ "$status" = 1 ]
	[ "$stderr" = "joe-report: cannot run joe-report-html: No such file or directory" ]
	[ ! -e r.html ] && [ ! -e r.html.tmp ]
	printf '#!/bin/sh\ncat >/dev/null; echo broken; exit 3\n' > bin/joe-report-html
	chmod +x bin/joe-report-html
	PATH=$PWD/bin:/usr/bin:/bin run --separate-stderr bin/joe-report -f html -o r.html r0
	[ "$status" = 1 ]
	[ "$stderr" = "joe-report: joe-report-html failed (exit status 3)" ]
	[ ! -e r.html ] && [ ! -e r.html.tmp ]
	cp "$TOP/joe-report-html" bin/
	PATH=$PWD/bin:/usr/bin:/bin bin/joe-report -f html -o r.html r0
	grep -q '^</html>$' r.html
}

@test "-o names the format when -f does not: .html .xml .tap, else text" {
	runs
	joe report -o r.html r1 && grep -q '^<!DOCTYPE html>' r.html
	joe report -o r.xml r1 && xmllint --noout --schema "$TOP/t/junit.xsd" r.xml
	joe report -o r.tap r1 && head -n 1 r.tap | grep -q '^TAP version'
	joe report -o r.txt r1 && [ "$(head -n 1 r.txt)" = r1 ]
	joe report -f text -o x.html r1 && [ "$(head -n 1 x.html)" = r1 ]
}

# tests7 DIR: a run DIR whose tests.tsv has messages and logs (joe 0.2).
tests7() {
	mkdir -p "$1/01-t"
	printf '01-t\tt\tfail\t2026-11-26T00:00:00.000Z\t1.000\n' > "$1/steps.tsv"
	printf '01-t\t1\tfail\t1\t2026-11-26T00:00:00.000Z\t1.000\tlocal\tx\n' > "$1/commands.tsv"
	{ seq 20000; echo 'last <line>'; } > "$1/01-t/cmd-01.log"
	printf '<x>crash</x>\n' > "$1/01-t/x y#.xml"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		01-t s ok pass 0.5 '' 01-t/cmd-01.log \
		01-t s 'bad one' fail 1.25 'expected "2" & got <3>' 01-t/cmd-01.log \
		01-t s crash error '' 'segfault \\ here' '01-t/x y#.xml' \
		01-t s later skip 0 'no disk' 01-t/cmd-01.log \
		01-t s some todo '' 'fix it' '' > "$1/tests.tsv"
}

@test "tests' messages and logs: text lists failures, junit has them and the log's last 64 KiB" {
	tests7 out/r
	run joe report out/r
	[ "$status" = 0 ]
	[[ "$output" == *'tests: 1 passed, 2 failed, 1 skipped, 1 todo
  FAIL 01-t s bad one: expected "2" & got <3>
  ERROR 01-t s crash: segfault \ here
'* ]]
	joe report -f junit -o j.xml out/r
	xmllint --noout --schema "$TOP/t/junit.xsd" j.xml
	x() { xmllint --xpath "$1" j.xml; }
	t='//testcase[@name="bad one"]'
	[ "$(x "string($t/failure/@message)")" = 'expected "2" & got <3>' ]
	[ "$(x "string($t/failure)")" = 'expected "2" & got <3>' ]
	[ "$(x "string($t/@time)")" = 1.250 ]
	x "string($t/system-out)" > out.txt	# and a newline
	[ "$(wc -c < out.txt)" = 65537 ]
	[ "$(tail -n 2 out.txt | head -n 1)" = 'last <line>' ]
	[ "$(x 'string(//testcase[@name="crash"]/error/@message)')" = 'segfault \ here' ]
	[ "$(x 'string(//testcase[@name="crash"]/system-out)')" = '<x>crash</x>' ]
	[ "$(x 'string(//testcase[@name="crash"]/@time)')" = 0.000 ]
	[ "$(x 'count(//testcase[@name="ok"]/*)')" = 0 ]
	[ "$(x 'string(//testcase[@name="later"]/skipped/@message)')" = 'no disk' ]
	[ "$(x 'string(//testcase[@name="some"]/skipped/@message)')" = 'todo: fix it' ]
	[ "$(x 'string(//testsuite/@failures)')" = 2 ]
	[ "$(x 'string(//testsuite/@errors)')" = 1 ]
}

@test "tap: a YAML block of message, log and seconds after each not ok test; SKIP and TODO reasons" {
	tests7 out/r
	run joe report -f tap out/r
	[ "$status" = 0 ]
	[ "$output" = 'TAP version 13
not ok 1 - r 01-t
# $ x (fail, rc 1)
#   [... 19991 lines omitted ...]
#   19992
#   19993
#   19994
#   19995
#   19996
#   19997
#   19998
#   19999
#   20000
#   last <line>
ok 2 - r 01-t s ok
not ok 3 - r 01-t s bad one
  ---
  message: "expected \"2\" & got <3>"
  log: "01-t/cmd-01.log"
  seconds: 1.250
  ...
not ok 4 - r 01-t s crash
  ---
  message: "segfault \\ here"
  log: "01-t/x y#.xml"
  ...
ok 5 - r 01-t s later # SKIP no disk
not ok 6 - r 01-t s some # TODO fix it
  ---
  message: "fix it"
  log: ""
  ...
1..6' ]
}

@test "html: tests with messages and links to their logs, relative to the report" {
	tests7 out/r
	mkdir h
	joe report -o h/rep.html out/r
	grep -q '<td>bad one</td><td><span class="b fail">FAIL</span></td><td>1.25</td><td>expected &quot;2&quot; &amp; got &lt;3&gt;</td><td><a href="../out/r/01-t/cmd-01.log">01-t/cmd-01.log</a></td></tr>' h/rep.html
	grep -q '<a href="../out/r/01-t/x%20y%23.xml">01-t/x y#.xml</a>' h/rep.html
	[ -f "h/../out/r/01-t/x y#.xml" ]
	grep -q '<td>some</td><td><span class="b todo">TODO</span></td><td></td><td>fix it</td><td></td></tr>' h/rep.html
	cd out
	joe report -f html r > ../here.html
	grep -q '<a href="r/01-t/cmd-01.log">' ../here.html
	joe report -o r/in.html r
	grep -q '<a href="01-t/cmd-01.log">' r/in.html
}

@test "a run named twice (joe-output/*/ has latest too) is reported once" {
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	joe run > /dev/null
	sleep 1
	joe run > /dev/null
	[ "$(ls -d joe-output/*/ | wc -l)" = 3 ]
	run joe report -f text joe-output/*/
	[ "$status" = 0 ]
	[ "$(grep -c '^[0-9]\{8\}T[0-9]\{6\}Z-w' <<< "$output")" = 2 ]
	[ "${lines[-1]}" = "2 runs: 2 passed, 0 failed, 0 skipped" ]
	run joe report -f text joe-output/latest joe-output/latest/
	[ "$(grep -c '^[0-9]\{8\}T[0-9]\{6\}Z-w' <<< "$output")" = 1 ]
	[[ "${lines[-1]}" == *"-w: 1 passed, 0 failed, 0 skipped" ]]
}

@test "a step that did not finish, its name ending in a backslash: reported" {
	printf "steps:\n- name: 'x\\\\'\n  run: echo hi\n" > w.workflow
	run -0 joe run -q -o out w.workflow
	: > out/steps.tsv
	: > out/commands.tsv
	run -1 --separate-stderr joe report out
	[ "${lines[1]}" = 'ERROR 01-x\ 0.0s' ]
	[ "${lines[2]}" = '  $ did not finish (error, rc -)' ]
	run -1 --separate-stderr joe report -f junit out
	[[ "$output" == *'<testcase classname="out" name="01-x\" time="0.000"><error message="error">'* ]]
}
