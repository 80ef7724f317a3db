#!/usr/bin/env bats
# joe-extract(1): JUnit XML in (expat), result files beside the logs.
load helper

F=$TOP/t/fixtures/junit

# mkrun DIR: an empty run DIR of one step 01-t (as joe run leaves it).
mkrun() {
	mkdir -p "$1/01-t"
	printf '01-t\tt\tpass\t2026-11-26T00:00:00.000Z\t1.000\n' > "$1/steps.tsv"
}

# recs RUN: its tests.tsv, fields 2 on, tabs as |, lines joined by newlines.
recs() {
	cut -f2- "$1/tests.tsv" | tr '\t' '|'
}

@test "pytest xunit2 and xunit1 (file=): pass, fail, error in a fixture, skip, xfail, xpass" {
	mkrun r
	cp "$F/pytest-xunit2.xml" r/01-t/junit.xml
	gzip -c "$F/pytest-xunit1.xml" > r/01-t/x1.xml.gz
	run joe extract -q r
	[ "$status" = 0 ]
	[ "$(recs r)" = 'test_x|test_pass|pass|0.000||01-t/junit.xml
test_x|test_fail|fail|0.001|AssertionError: arithmetic is off|01-t/junit.xml
test_x|test_error|error|0.000|failed on setup with "RuntimeError: fixture blew up"|01-t/junit.xml
test_x|test_skip|skip|0.000|not on this box|01-t/junit.xml
test_x|test_xfail|skip|0.000|known bug 7|01-t/junit.xml
test_x|test_xpass|pass|0.000||01-t/junit.xml
test_x.py|test_pass|pass|0.000||01-t/x1.xml.gz
test_x.py|test_fail|fail|0.001|AssertionError: arithmetic is off|01-t/x1.xml.gz
test_x.py|test_error|error|0.000|failed on setup with "RuntimeError: fixture blew up"|01-t/x1.xml.gz
test_x.py|test_skip|skip|0.000|not on this box|01-t/x1.xml.gz
test_x.py|test_xfail|skip|0.000|known bug 7|01-t/x1.xml.gz
test_x.py|test_xpass|pass|0.000||01-t/x1.xml.gz' ]
}

@test "the pytest here writes what the fixture has: statuses and messages" {
	[ -x /usr/bin/pytest ] || skip "no /usr/bin/pytest"
	mkrun r
	cp "$F/test_x.py" .
	/usr/bin/pytest -q -p no:cacheprovider --junitxml=r/01-t/junit.xml test_x.py >/dev/null || true
	joe extract -q r
	[ "$(cut -f2,3,4,6 r/tests.tsv)" = "$(cut -f2,3,4,6 <(cp "$F/pytest-xunit2.xml" r/01-t/junit.xml; joe extract -q r; cat r/tests.tsv))" ]
	[ "$(cut -f4 r/tests.tsv | tr '\n' ' ')" = "pass fail error skip skip pass " ]
}

@test "bats --report-formatter junit, live and as the fixture; ctest; Surefire; nested suites" {
	mkrun r
	printf '%s\n' '@test "passes" { true; }' '@test "fails" { echo out; [ 1 -eq 2 ]; }' \
		'@test "skipped" { skip "no device here"; }' > suite.bats
	env -i PATH=/usr/bin:/bin bats --report-formatter junit -o r/01-t suite.bats >/dev/null || true
	# bats 1.8 writes report.xml in the background, after it exits
	waitfor grep -q '</testsuites>' r/01-t/report.xml
	run joe extract -q r
	[ "$status" = 0 ]
	[ "$(cut -f2,3,4,6,7 r/tests.tsv | tr '\t' '|')" = 'suite.bats|passes|pass||01-t/report.xml
suite.bats|fails|fail|(in test file suite.bats, line 2)|01-t/report.xml
suite.bats|skipped|skip|no device here|01-t/report.xml' ]
	cp "$F/bats-report.xml" "$F/ctest.xml" "$F/surefire.xml" "$F/nested.xml" r/01-t/
	rm r/01-t/report.xml
	joe extract -q r
	[ "$(recs r)" = 'suite.bats|passes|pass|0.037||01-t/bats-report.xml
suite.bats|fails|fail|0.028|(in test file suite.bats, line 7)|01-t/bats-report.xml
suite.bats|skipped|skip|0|no device here|01-t/bats-report.xml
add|add|pass|0.00312||01-t/ctest.xml
divide|divide|fail|0.0051|Failed|01-t/ctest.xml
slow|slow|skip|0|Disabled|01-t/ctest.xml
needs_gpu|needs_gpu|skip|0|Unable to find required file: /dev/dri|01-t/ctest.xml
inner|deep|fail||first line|01-t/nested.xml
outer|shallow|pass|||01-t/nested.xml
com.example.CalcTest|adds|pass|0.003||01-t/surefire.xml
com.example.CalcTest|divides|fail|0.011|expected: <2> but was: <3>|01-t/surefire.xml
com.example.CalcTest|parses|error|0.002|java.lang.NumberFormatException: For input string: "x"|01-t/surefire.xml
com.example.CalcTest|rounds|skip|0|not yet|01-t/surefire.xml' ]
}

@test "bad XML: file:line:col: expat's message, exit 2, an error test for the file, tests.tsv whole" {
	mkrun r
	head -c 700 "$F/surefire.xml" > r/01-t/cut.xml
	printf '<testsuite>\n<testcase name="a">\n</testsuit>\n' > r/01-t/mism.xml
	printf '<?xml version="1.0"?>\n<html>\n  <body/>\n</html>\n' > r/01-t/page.xml
	printf 'not xml at all\n' > r/01-t/text.xml
	printf '<testsuite><testcase name="a"/></testsuite>\n<testsuite/>\n' > r/01-t/two.xml
	gzip -c "$F/bats-report.xml" | head -c 200 > r/01-t/trunc.xml.gz
	printf '<testsuite><testcase name="&bad;"/></testsuite>\n' > r/01-t/ent.xml
	run --separate-stderr joe extract r
	[ "$status" = 2 ]
	[ "$stderr" = "r/01-t/cut.xml:9:5: unclosed token
r/01-t/ent.xml:1:12: undefined entity
r/01-t/mism.xml:3:3: mismatched tag
r/01-t/page.xml:2:1: <html> is not JUnit's <testsuites> or <testsuite>
r/01-t/text.xml:1:1: syntax error
joe-extract: r/01-t/trunc.xml.gz: unexpected end of file
r/01-t/trunc.xml.gz:4:5: unclosed token
r/01-t/two.xml:2:1: junk after document element" ]
	[ "$(recs r)" = 'com.example.CalcTest|adds|pass|0.003||01-t/cut.xml
cut.xml|cut.xml|error||9:5: unclosed token|01-t/cut.xml
ent.xml|ent.xml|error||1:12: undefined entity|01-t/ent.xml
mism.xml|mism.xml|error||3:3: mismatched tag|01-t/mism.xml
page.xml|page.xml|error||2:1: <html> is not JUnit'"'"'s <testsuites> or <testsuite>|01-t/page.xml
text.xml|text.xml|error||1:1: syntax error|01-t/text.xml
trunc.xml.gz|trunc.xml.gz|error||4:5: unclosed token|01-t/trunc.xml.gz
|a|pass|||01-t/two.xml
two.xml|two.xml|error||2:1: junk after document element|01-t/two.xml' ]
	[ ! -e r/tests.tsv.tmp ]
	run joe report -f text r
	[[ "$output" == *"tests: 2 passed, 7 failed, 0 skipped, 0 todo"* ]]
}

@test "JUnit sniffed in a log; result files win over TAP and JUnit in logs, not over kv" {
	cp "$F/ctest.xml" .
	wf w <<-EOF
	steps:
	- {name: x, run: cat $PWD/ctest.xml}
	- name: both
	  run: |
	    printf '1..1\\nok 1 - live\\n'
	    cat $PWD/ctest.xml
	- {name: kv, extract: kv, run: "echo lat: 5 us"}
	- {name: page, run: "printf '<?xml version=\\"1.0\\"?>\\\\n<html/>\\\\n'"}
	EOF
	joe run -o out >/dev/null
	# as core.test leaves them: NAME.tap, NAME.tap.gz
	printf '1..1\nnot ok 1 - real\n# why\n' > out/02-both/smoke.sh.tap
	printf '1..1\nok 1 - zipped\n' | gzip > out/02-both/z.tap.gz
	printf '1..1\nok 1 - k\n' > out/03-kv/k.tap
	run joe extract -q out
	[ "$status" = 0 ]
	[ "$(cut -f1-4,6,7 out/tests.tsv | tr '\t' '|')" = '01-x|add|add|pass||01-x/cmd-01.log
01-x|divide|divide|fail|Failed|01-x/cmd-01.log
01-x|slow|slow|skip|Disabled|01-x/cmd-01.log
01-x|needs_gpu|needs_gpu|skip|Unable to find required file: /dev/dri|01-x/cmd-01.log
02-both|smoke.sh|real|fail|why|02-both/smoke.sh.tap
02-both|z|zipped|pass||02-both/z.tap.gz
03-kv|k|k|pass||03-kv/k.tap' ]
	[ "$(cat out/metrics.tsv)" = "03-kv	lat	5	us" ]
	grep -q '^<html/>$' out/04-page/cmd-01.log
}

@test "extract: junit names it for a log it is not sniffed in; an unknown name lists it" {
	printf '\n<testsuite name="s"><testcase name="a"/></testsuite>\n' > j.xml
	wf w <<-EOF
	steps:
	- {name: j, extract: junit, run: cat $PWD/j.xml}
	- {name: s, run: cat $PWD/j.xml}
	- {name: n, extract: nosuch, run: "true"}
	EOF
	joe run -o out >/dev/null
	run --separate-stderr joe extract -q out
	[ "$status" = 2 ]
	[ "$stderr" = "out/03-n: no extractor 'nosuch' (built in: fio tap junit kv; else pkgs/PKG/extract-nosuch)" ]
	[ "$(tr '\t' '|' < out/tests.tsv)" = "01-j|s|a|pass|||01-j/cmd-01.log" ]
}

@test "a time that is not a finite number of seconds, 0 or more: left out" {
	printf 'steps:\n- name: t\n  run: |\n    echo %s\n' "'<testsuite><testcase name=\"a\" time=\"NaN\"/><testcase name=\"b\" time=\"-5\"/><testcase name=\"c\" time=\"inf\"/><testcase name=\"d\" time=\"0.5\"/></testsuite>'" > t.workflow
	run -0 joe run -q -o r t.workflow
	[ "$(cut -f3,5 r/tests.tsv | tr '\n\t' ' ,')" = "a, b, c, d,0.5 " ]
	run -0 joe report -f junit -o r.xml r
	xmllint --noout --schema "$TOP/t/junit.xsd" r.xml
}
