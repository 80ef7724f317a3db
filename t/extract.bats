#!/usr/bin/env bats
# joe-extract(1): metrics and tests out of real fio, bats and kv logs.
load helper

# jv FILE JOB DIR FIELD: FIELD of JOB's DIR section in fio's JSON FILE.
jv() {
	awk -v job="\"$2\"" -v dir="\"$3\"" -v f="\"$4\"" '
		$1 == "\"jobname\"" { inj = ($3 == job "," ) }
		inj && $1 == dir { ind = 1 }
		inj && ind && $1 == f { sub(",", "", $3); print $3; exit }' "$1"
}

# metric RUN STEP KEY: the value in RUN/metrics.tsv.
metric() {
	awk -F'\t' -v s="$2" -v k="$3" '$1 == s && $2 == k { print $3 }' "$1/metrics.tsv"
}

fio_wf() {
	wf w <<-'EOF'
	steps:
	- name: io
	  run: >-
	    fio --output-format=json --ioengine=psync --size=2M
	    --name=randr --filename=a.dat --rw=randread --bs=4k
	    --name=seqw --filename=b.dat --rw=write --bs=64k
	- name: mat
	  matrix: {bs: [4k, 16k]}
	  run: fio --output-format=json+ --name=m --filename=c.dat --size=1M --rw=read --bs={{ matrix.bs }}
	EOF
}

@test "fio JSON from a real fio: every job and direction, values as fio gave them" {
	fio_wf
	joe run -o out >/dev/null
	run joe extract out
	[ "$status" = 0 ]
	log=out/01-io/cmd-01.log
	iops=$(jv $log randr read iops)
	[ -n "$iops" ]
	awk -v a="$(metric out 01-io fio.randr.read.iops)" -v b="$iops" 'BEGIN { exit !(a > 0 && (a - b) / b < 1e-9 && (b - a) / b < 1e-9) }'
	bw=$(jv $log seqw write bw_bytes)
	awk -v a="$(metric out 01-io fio.seqw.write.bw)" -v b="$bw" 'BEGIN { d = a - b / 1048576; exit !(a > 0 && d < 1e-6 && d > -1e-6) }'
	rt=$(jv $log randr read runtime)
	[ "$(metric out 01-io fio.randr.read.runtime)" = "$(awk -v r=$rt 'BEGIN { printf "%.10g", r / 1000 }')" ]
	for k in iops bw lat.mean lat.stddev clat.mean clat.stddev clat.p50 clat.p90 clat.p99 clat.p99.9 clat.p99.99 runtime; do
		grep -q "^01-io	fio.randr.read.$k	" out/metrics.tsv
		grep -q "^01-io	fio.seqw.write.$k	" out/metrics.tsv
	done
	! grep -q 'fio.randr.write\|fio.seqw.read' out/metrics.tsv
	[ "$(grep -c '^01-io	fio.randr.read.iops	[0-9.e+]*	IOPS$' out/metrics.tsv)" = 1 ]
	grep -q '^01-io	fio.randr.read.bw	[0-9.e+]*	MiB/s$' out/metrics.tsv
	grep -q '^01-io	fio.randr.read.clat.p99	[0-9.e+]*	us$' out/metrics.tsv
	grep -q '^01-io	fio.randr.error	0	$' out/metrics.tsv
	# json+ in a matrix: the same keys in each step
	[ "$(grep -c '^03-mat\[bs=16k\]	fio.m.read' out/metrics.tsv)" = 12 ]
	[ "$(cut -f2 out/metrics.tsv | grep -c '^fio.m.read.iops$')" = 2 ]
	# stdout: run step key value unit, run as given
	[[ "$output" == *"out	01-io	fio.randr.read.iops	"*"	IOPS"* ]]
	[ "$(echo "$output" | wc -l)" = "$(wc -l < out/metrics.tsv)" ]
}

@test "jobs of the same name get key#2; -q prints nothing; a second extract replaces" {
	echo 'steps: [{name: io, run: "fio --output-format=json --name=j --filename=a.dat --size=1M --rw=read --numjobs=2"}]' > w.workflow
	joe run -o out >/dev/null
	run joe extract -q out
	[ "$status" = 0 ]
	[ -z "$output" ]
	grep -q '^01-io	fio.j.read.iops	' out/metrics.tsv
	grep -q '^01-io	fio.j.read.iops#2	' out/metrics.tsv
	n=$(wc -l < out/metrics.tsv)
	joe extract -q out
	[ "$(wc -l < out/metrics.tsv)" = $n ]
	[ ! -e out/metrics.tsv.tmp ]
}

@test "TAP from a real bats run, with --timing" {
	# printf: bats would take @test lines here for its own
	printf '%s\n' '@test "one" { true; }' '@test "two" { skip "not now"; }' \
	    '@test "three" { false; }' > t.bats
	# env -i: the inner bats must not see the BATS_ variables of this one,
	# nor its PATH, where bats is bats-core's internal script
	echo "steps: [{name: t, run: \"env -i PATH=/usr/bin:/bin bats --tap --timing $PWD/t.bats\"}]" > w.workflow
	joe run -o out >/dev/null || true
	run joe extract out
	[ "$status" = 0 ]
	[ -z "$output" ]
	[ "$(cut -f1-4 out/tests.tsv | tr '\t\n' ' |')" = "01-t cmd-01 one pass|01-t cmd-01 two skip|01-t cmd-01 three fail|" ]
	[ "$(cut -f5 out/tests.tsv | grep -c '^[0-9]*\.[0-9][0-9][0-9]$')" = 3 ]
	# the message: the skip's reason, the first "# " line after not ok
	[ "$(cut -f6,7 out/tests.tsv | tr '\t\n' ' |')" = " 01-t/cmd-01.log|not now 01-t/cmd-01.log|(in test file t.bats, line 3) 01-t/cmd-01.log|" ]
}

@test "TAP 14: subtests, TODO, SKIP, YAML blocks, Bail out" {
	cat > tap <<-'EOF'
	TAP version 14
	1..4
	# Subtest: inner
	    ok 1 - a
	    not ok 2 - b # TODO later
	    ok 3 c # skip no disk
	    1..3
	ok 1 - inner
	not ok 2 - outer
	  ---
	  message: "ok 9 - not a test"
	  ...
	# not the message: the YAML's is
	ok 3 - okay # TODO works already
	ok 4 # SKIP no description
	EOF
	cat > yaml.tap <<-'EOF'
	1..3
	not ok 1 - block
	  ---
	  message: |
	    first line
	    second line
	  ...
	not ok 2 - quoted # TODO: fix it
	  ---
	  message: 'single'
	  ...
	not ok 3 - reason # TODO fix it
	# after not ok: before the reason
	EOF
	printf 'ok 1 - first\nBail out! no target\nok 2 - never\n' > bail
	echo "steps: [{name: t, run: cat $PWD/tap}, {name: b, extract: tap, run: cat $PWD/bail}, {name: y, run: cat $PWD/yaml.tap}]" > w.workflow
	joe run -o out >/dev/null
	run joe extract out
	[ "$status" = 0 ]
	[ "$(cut -f1-4 out/tests.tsv | tr '\t\n' ' |')" = "01-t cmd-01/inner a pass|01-t cmd-01/inner b todo|01-t cmd-01/inner c skip|01-t cmd-01 inner pass|01-t cmd-01 outer fail|01-t cmd-01 okay pass|01-t cmd-01  skip|02-b cmd-01 first pass|02-b cmd-01 Bail out! no target fail|03-y cmd-01 block fail|03-y cmd-01 quoted todo|03-y cmd-01 reason todo|" ]
	[ "$(cut -f6 out/tests.tsv | tr '\n' '|')" = "|later|no disk||ok 9 - not a test||no description||no target|first line|single|after not ok: before the reason|" ]
}

@test "broken input: file:line messages, exit 2, the other steps still extracted" {
	fio_wf
	joe run -o out >/dev/null
	log=out/01-io/cmd-01.log
	head -n 60 $log > x && echo '  "oops" }' >> x && echo '}' >> x && mv x $log
	printf '1..4\nok 1 - a\nok 2 - b\n' > out/03-mat\[bs=16k\]/cmd-01.log
	run joe extract out
	[ "$status" = 2 ]
	[[ "$output" == *"out/01-io/cmd-01.log:61:10: expected ':'"* ]]
	[[ "$output" == *"out/03-mat[bs=16k]/cmd-01.log:1: cmd-01: planned 4 tests, ran 2"* ]]
	grep -q '^02-mat\[bs=4k\]	fio.m.read.iops	' out/metrics.tsv
	! grep -q '^01-io' out/metrics.tsv
	[ "$(wc -l < out/tests.tsv)" = 2 ]
	# JSON cut short, and JSON that is not fio's
	printf '{\n  "fio version" : "fio-3.33",\n  "jobs" : [\n}\n' > $log
	run joe extract -q out
	[ "$status" = 2 ]
	[[ "$output" == *"out/01-io/cmd-01.log:4:1: expected a value"* ]]
	# JSON that is not fio's is not sniffed as fio; named, it is bad input
	printf '{\n  "a" : 1\n}\n' > $log
	run joe extract -q out
	[[ "$output" != *01-io* ]]
	! grep -q '^01-io' out/metrics.tsv
	sed -i 's/^- name: io$/&\n  extract: fio/' out/workflow.yaml
	run joe extract -q out
	[ "$status" = 2 ]
	[[ "$output" == *"out/01-io/cmd-01.log:1: JSON that is not fio's"* ]]
}

@test "gzip logs (joe run -z) give the same metrics; a cut .gz is reported" {
	fio_wf
	joe run -o plain >/dev/null
	cp -R plain packed
	for f in packed/*/cmd-*.log; do gzip "$f"; done
	joe extract -q plain
	joe extract -q packed
	cmp plain/metrics.tsv packed/metrics.tsv
	joe run -z -o z >/dev/null
	[ -z "$(find z -name '*.log')" ]
	[ "$(find z -name 'cmd-*.log.gz' | wc -l)" = 3 ]
	joe extract -q z
	[ "$(cut -f1,2 z/metrics.tsv)" = "$(cut -f1,2 plain/metrics.tsv)" ]
	f=$(ls packed/01-io/cmd-01.log.gz)
	head -c 300 $f > x && mv x $f
	run joe extract -q packed
	[ "$status" = 2 ]
	[[ "$output" == *"packed/01-io/cmd-01.log.gz: unexpected end of file"* ]]
}

@test "kv: named by extract:, numbers only, never sniffed" {
	wf w <<-'EOF'
	steps:
	- name: kv
	  extract: kv
	  run: |
	    printf 'speed: 12.5 MiB/s\ncount=3\nname: disk0\nlat: 5 us extra\n  depth = 32\n'
	- name: plain
	  run: "printf 'speed: 1 MiB/s\\n'"
	EOF
	joe run -o out >/dev/null
	run joe extract out
	[ "$status" = 0 ]
	[ "$(cut -f2- out/metrics.tsv | tr '\t\n' ' |')" = "speed 12.5 MiB/s|count 3 |depth 32 |" ]
}

@test "a plug-in extractor: pkgs/PKG/extract-NAME, by NAME or PKG.NAME" {
	mkdir -p pk/mine
	printf '#!/bin/sh\nawk %s\n' "'/^took/ { print \"took\", \$2, \"s\" } END { print \"lines\", NR }'" > pk/mine/extract-took
	chmod +x pk/mine/extract-took
	export JOE_PATH=$PWD/pk
	wf w <<-'EOF'
	steps:
	- {name: a, extract: took, run: "echo took 1.5; echo x"}
	- {name: b, extract: mine.took, run: "echo took 2"}
	EOF
	joe run -z -o out >/dev/null
	run joe extract out
	[ "$status" = 0 ]
	[ "$(cut -f1- out/metrics.tsv | tr '\t\n' ' |')" = "01-a took 1.5 s|01-a lines 2 |02-b took 2 s|02-b lines 1 |" ]
	printf '#!/bin/sh\necho "not a metric line"\nexit 3\n' > pk/mine/extract-took
	run joe extract -q out
	[ "$status" = 2 ]
	[[ "$output" == *"out/01-a/cmd-01.log.gz: $PWD/pk/mine/extract-took printed 'not', not 'key value [unit]'"* ]]
	[[ "$output" == *"extract-took failed (exit status 3)"* ]]
}

@test "a plug-in prints test records: test<TAB>suite<TAB>name<TAB>status[<TAB>seconds[<TAB>message]]" {
	mkdir -p pk/mine
	cat > pk/mine/extract-cases <<-'EOF'
	#!/bin/sh
	# CASE name PASS|FAIL seconds message... lines, as some runner prints
	awk '$1 == "CASE" { st = $3 == "PASS" ? "pass" : "fail"; m = ""
		for (i = 5; i <= NF; i++) m = m (i > 5 ? " " : "") $i
		printf "test\tcases\t%s\t%s\t%s\t%s\n", $2, st, $4, m }
	$1 == "took" { print "took", $2, "s" }
	$1 == "SHORT" { printf "test\tcases\t%s\tskip\n", $2 }
	$1 == "BAD" { printf "test\tcases\t%s\t%s\t%s\n", $2, $3, $4 }'
	EOF
	chmod +x pk/mine/extract-cases
	export JOE_PATH=$PWD/pk
	printf '%s\n' 'CASE read PASS 0.5' 'CASE write FAIL 1.25 wrote 3 of 4 blocks\ttab' \
		'took 2' 'SHORT later' > in
	echo "steps: [{name: a, extract: cases, run: cat $PWD/in}]" > w.workflow
	joe run -o out >/dev/null
	run joe extract out
	[ "$status" = 0 ]
	[ "$(tr '\t' '|' < out/tests.tsv)" = '01-a|cases|read|pass|0.5||01-a/cmd-01.log
01-a|cases|write|fail|1.25|wrote 3 of 4 blocks\ttab|01-a/cmd-01.log
01-a|cases|later|skip|||01-a/cmd-01.log' ]
	[ "$(cut -f2- out/metrics.tsv)" = "took	2	s" ]
	printf 'BAD x passed\nBAD y pass 1s\nBAD z\n' > out/01-a/cmd-01.log
	run --separate-stderr joe extract -q out
	[ "$status" = 2 ]
	m="not 'test suite name status [seconds [message]]'"
	[ "$stderr" = "out/01-a/cmd-01.log: $PWD/pk/mine/extract-cases printed a test line that is $m
out/01-a/cmd-01.log: $PWD/pk/mine/extract-cases printed a test line that is $m
out/01-a/cmd-01.log: $PWD/pk/mine/extract-cases printed a test line that is $m" ]
}

@test "a plug-in's test status is one word: \"pass fail\" is refused" {
	mkdir -p pk/mine
	printf '#!/bin/sh\nprintf "test\\tcases\\tw\\tpass fail\\n"\n' > pk/mine/extract-two
	chmod +x pk/mine/extract-two
	export JOE_PATH=$PWD/pk
	echo 'steps: [{name: a, extract: two, run: "true"}]' > w.workflow
	joe run -o out >/dev/null
	run --separate-stderr joe extract -q out
	[ "$status" = 2 ]
	[ "$stderr" = "out/01-a/cmd-01.log: $PWD/pk/mine/extract-two printed a test line that is not 'test suite name status [seconds [message]]'" ]
	[ ! -s out/tests.tsv ]
}

@test "a plug-in gets JOE_LOG and JOE_SUITE; its exit 2 is bad input it said itself" {
	mkdir -p pk/mine
	cat > pk/mine/extract-said <<-'EOF'
	#!/bin/sh
	printf 'test\t%s\tt\tpass\n' "$JOE_SUITE"
	read -r l
	echo "$JOE_LOG:1: not what I read: $l" >&2
	exit 2
	EOF
	chmod +x pk/mine/extract-said
	export JOE_PATH=$PWD/pk
	echo 'steps: [{name: a, extract: said, run: "echo hello"}]' > w.workflow
	joe run -o out >/dev/null 2>&1 || true
	run --separate-stderr joe extract -q out
	[ "$status" = 2 ]
	[ "$stderr" = "out/01-a/cmd-01.log:1: not what I read: hello" ]
	[ "$(cat out/tests.tsv)" = "01-a	cmd-01	t	pass			01-a/cmd-01.log" ]
	gzip out/01-a/cmd-01.log
	run --separate-stderr joe extract -q out
	[ "$stderr" = "out/01-a/cmd-01.log.gz:1: not what I read: hello" ]
	[ "$(cat out/tests.tsv)" = "01-a	cmd-01	t	pass			01-a/cmd-01.log.gz" ]
}

@test "joe junit: JUnit XML on stdin as test lines; bad XML said, an error test, exit 2" {
	run --separate-stderr joe junit < "$TOP/t/fixtures/junit/nested.xml"
	[ "$status" = 0 ]
	[ "$stderr" = "" ]
	[ "$(grep -c '^test	' <<< "$output")" = "$(grep -c '<testcase' "$TOP/t/fixtures/junit/nested.xml")" ]
	# an attribute's tab is a blank to XML
	printf '<testsuite name="s">\n<testcase name="a\tb" time="1.5"><failure message="m"/></testcase>\n<oops' > bad.xml
	JOE_LOG=dir/bad.xml run --separate-stderr joe junit < bad.xml
	[ "$status" = 2 ]
	[ "$stderr" = "dir/bad.xml:3:1: unclosed token" ]
	[ "$output" = "test	s	a b	fail	1.5	m
test	bad.xml	bad.xml	error		3:1: unclosed token" ]
	run joe junit -x
	[ "$status" = 2 ]
	[ "$output" = "usage: joe junit < file.xml" ]
}

@test "an unknown extractor, and a directory that is not a run: exit 2" {
	echo 'steps: [{name: a, extract: nosuch, run: "echo 1..1; echo ok 1"}]' > w.workflow
	joe run -o out >/dev/null
	run joe extract out
	[ "$status" = 2 ]
	[[ "$output" == *"out/01-a: no extractor 'nosuch'"* ]]
	mkdir empty
	run joe extract empty out
	[ "$status" = 2 ]
	[[ "$output" == *"empty: not a run directory (no steps.tsv)"* ]]
	run joe extract
	[ "$status" = 2 ]
	[[ "$output" == "usage: joe extract"* ]]
}

@test "fio's JSON is found anywhere in a long log, TAP at its start" {
	wf w <<-'EOF'
	steps:
	- name: io
	  run: |
	    seq 100000 | sed 's/^/preamble {x} /'
	    fio --output-format=json --name=late --filename=a.dat --size=1M --rw=read
	    seq 1000
	- name: t
	  run: "seq 3000 | sed 's/^/# /'; echo 1..1; echo ok 1 - fine"
	- name: late
	  run: "seq 100000; echo 1..1; echo ok 1 - not sniffed"
	EOF
	joe run -o out >/dev/null
	[ "$(wc -c < out/01-io/cmd-01.log)" -gt 1000000 ]
	run joe extract -q out
	[ "$status" = 0 ]
	grep -q '^01-io	fio.late.read.iops	' out/metrics.tsv
	[ "$(cut -f1,3,4 out/tests.tsv)" = "02-t	fine	pass" ]
}

@test "skipped steps have no directory: extracted as nothing" {
	echo 'steps: [{name: a, run: "exit 1"}, {name: b, run: "echo 1..1; echo ok 1"}]' > w.workflow
	joe run -o out >/dev/null || true
	[ ! -d out/02-b ]
	run joe extract out
	[ "$status" = 0 ]
	[ ! -s out/tests.tsv ]
}

@test "fio's JSON: names are their bytes (not UTF-8 is no error), \\u escapes UTF-8" {
	wf w <<-'EOF'
	steps:
	- name: io
	  run: fio --output-format=json --name="$(printf 'r\351x')" --filename=a.dat --size=1M --rw=read
	EOF
	joe run -o out >/dev/null
	printf '{\n"fio version" : "x", "jobs" : [ { "jobname" : "\\u00e9\\u4e2d\\/\\"", "error" : 3 } ]\n}\n' >> out/01-io/cmd-01.log
	run joe extract -q out
	[ "$status" = 0 ]
	[ "$(cut -f2 out/metrics.tsv | LC_ALL=C grep -c "^fio\.r$(printf '\351')x\.")" -gt 5 ]
	[ "$(tail -n 1 out/metrics.tsv)" = "01-io	fio.é中/\".error	3	" ]
}

# asnobody WORKFLOW: in a fresh directory d that nobody owns, the run r
# of WORKFLOW (a workflow's text), which passes.
asnobody() {
	[ "$(id -u)" = 0 ] || skip "runs the extract as nobody, from root"
	d=$(mktemp -d /tmp/joe-nobody.XXXXXX)
	chmod 755 "$d"
	printf "$1" > "$d/w.workflow"
	(cd "$d" && joe run -q -o r w.workflow) >/dev/null
	chown -R nobody "$d"
}

@test "a step directory it cannot list: said, exit 2, the other steps extracted" {
	asnobody 'steps:\n- {name: a, run: "echo iops=3", extract: kv}\n- {name: b, run: "echo iops=4", extract: kv}\n'
	rm -f "$d/r/metrics.tsv"
	chmod 000 "$d/r/02-b"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$TOP/joe" extract -q "$d/r"
	chmod 755 "$d/r/02-b"
	[ "$status" = 2 ]
	[ "$output" = "joe-extract: $d/r/02-b: Permission denied" ]
	[ "$(cat "$d/r/metrics.tsv")" = "01-a	iops	3	" ]
	rm -rf "$d"
}

@test "a step with a plug-in extractor: its result files still read as TAP" {
	mkdir -p pk/mine
	printf '#!/bin/sh\necho "took 1 s"\n' > pk/mine/extract-took
	chmod +x pk/mine/extract-took
	printf 'steps:\n- {name: p, extract: took, run: "echo took 1"}\n' > w.workflow
	JOE_PATH=$PWD/pk run -0 joe run -q -o out w.workflow
	printf '1..1\nnot ok 1 - x\n' > out/01-p/s.tap
	JOE_PATH=$PWD/pk run -0 joe extract -q out
	[ "$(cat out/tests.tsv)" = "01-p	s	x	fail			01-p/s.tap" ]
	[ "$(cat out/metrics.tsv)" = "01-p	took	1	s" ]
}

@test "a log it cannot open, with no extract: said, exit 2, not skipped" {
	asnobody 'steps:\n- {name: a, run: "printf \\"1..1\\\\nnot ok 1 - y\\\\n\\""}\n'
	[ "$(cut -f4 "$d/r/tests.tsv")" = fail ]
	rm -f "$d/r/tests.tsv" "$d/r/metrics.tsv"
	chmod 000 "$d/r/01-a/cmd-01.log"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$TOP/joe" extract -q "$d/r"
	[ "$status" = 2 ]
	[ "$output" = "joe-extract: $d/r/01-a/cmd-01.log: Permission denied" ]
	rm -rf "$d"
}

@test "fio JSON: a surrogate pair is one character in UTF-8, a lone one U+FFFD" {
	printf '{"fio version":"a","jobs":[{"jobname":"\\ud83d\\ude00 \\u00e9\\u4e2d \\ud800x","error":1}]}\n' > j.json
	printf 'steps:\n- {name: f, run: cat j.json}\n' > w.workflow
	run -0 joe run -q -o out w.workflow
	[ "$(cat out/metrics.tsv)" = "01-f	fio.😀 é中 �x.error	1	" ]
	iconv -f UTF-8 -t UTF-8 out/metrics.tsv > /dev/null
}

@test "a standard output it cannot write: said, exit 1" {
	printf 'steps:\n- {name: a, run: "echo iops=3", extract: kv}\n' > w.workflow
	run -0 joe run -q -o out w.workflow
	run -1 sh -c 'joe extract out > /dev/full'
	[ "$output" = "joe-extract: cannot write the standard output: No space left on device" ]
}
