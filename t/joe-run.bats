#!/usr/bin/env bats
# joe-run(1), joe-workflow(5), joe-run(5): workflows on this machine.
load helper

ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

@test "a workflow's steps and commands are recorded, field by field" {
	wf w <<-'EOF'
	steps:
	- name: one
	  run: |
	    echo hello
	    echo world >&2
	- name: two
	  run: exit 0
	EOF
	run joe run -o out w.workflow
	[ "$status" = 0 ]
	[ "$(wc -l < out/steps.tsv)" = 2 ]
	[[ "$(line out/steps.tsv 1)" =~ ^01-one\|one\|pass\|$ts\|[0-9]+\.[0-9]{3}$ ]]
	[[ "$(line out/steps.tsv 2)" =~ ^02-two\|two\|pass\|$ts\|[0-9]+\.[0-9]{3}$ ]]
	[ "$(wc -l < out/commands.tsv)" = 3 ]
	[[ "$(line out/commands.tsv 1)" =~ ^01-one\|1\|pass\|0\|$ts\|[0-9]+\.[0-9]{3}\|local\|echo\ hello$ ]]
	[[ "$(line out/commands.tsv 2)" =~ ^01-one\|2\|pass\|0\|$ts\|[0-9.]+\|local\|echo\ world\ \>\&2$ ]]
	[ "$(cat out/01-one/cmd-01.log)" = hello ]
	[ "$(cat out/01-one/cmd-02.log)" = world ]
	[ "$(cat out/02-two/cmd-01.log)" = "" ]
	cmp w.workflow out/workflow.yaml
}

@test "progress: a line a step, the text report at the end" {
	wf w <<-'EOF'
	steps:
	- {name: a, run: "true"}
	- {name: b, run: "false"}
	- {name: c, run: "true"}
	EOF
	run --separate-stderr joe run -o out
	[ "$status" = 1 ]
	[[ "${lines[0]}" =~ ^PASS\ 01-a\ [0-9]+\.[0-9]s$ ]]
	[[ "${lines[1]}" =~ ^FAIL\ 02-b\ [0-9]+\.[0-9]s$ ]]
	[ "${lines[2]}" = "SKIP 03-c 0.0s" ]
	# then the text report of the run (joe-report(1))
	[ "${lines[3]}" = out ]
	[[ "${lines[4]}" =~ ^FAIL\ 02-b\ [0-9]+\.[0-9]s$ ]]
	[ "${lines[5]}" = "  \$ false (fail, rc 1)" ]
	[ "${lines[6]}" = "SKIP 03-c 0.0s" ]
	[ "${lines[7]}" = "out: 1 passed, 1 failed, 1 skipped" ]
	[ "${#lines[@]}" = 8 ]
}

@test "a step fails at its first failing command; later steps are skipped, always steps run" {
	wf w <<-'EOF'
	steps:
	- name: bad
	  run: |
	    echo before
	    sh -c 'exit 3'
	    touch never
	- name: later
	  run: touch never2
	- name: cleanup
	  always: true
	  run: touch cleaned
	EOF
	run joe run -o out
	[ "$status" = 1 ]
	[ ! -e never ] && [ ! -e never2 ] && [ -e cleaned ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "fail skip pass " ]
	[ "$(cut -f2-4 out/commands.tsv | tr '\n\t' ' ,')" = "1,pass,0 2,fail,3 1,pass,0 " ]
}

@test "-k keeps going after a failed step" {
	wf w <<-'EOF'
	steps:
	- {name: bad, run: "false"}
	- {name: later, run: touch ran}
	EOF
	run joe run -k -o out
	[ "$status" = 1 ]
	[ -e ran ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "fail pass " ]
}

@test "steps selected by name, matrix steps by base name or full name" {
	wf w <<-'EOF'
	steps:
	- {name: a, run: echo a}
	- name: m
	  matrix: {x: [1, 2]}
	  run: echo {{ matrix.x }}
	- {name: b, run: echo b}
	EOF
	run joe run -o o1 w.workflow b m
	[ "$status" = 0 ]
	[ "$(cut -f1 o1/steps.tsv | tr '\n' ' ')" = "02-m[x=1] 03-m[x=2] 04-b " ]
	run joe run -o o2 'm[x=2]'
	[ "$(cut -f1 o2/steps.tsv)" = "03-m[x=2]" ]
	[ "$(cat 'o2/03-m[x=2]/cmd-01.log')" = 2 ]
	run joe run -o o3 nosuch
	[ "$status" = 2 ]
	[[ "$output" == *"no step named nosuch"* ]]
	[ ! -e o3 ]
}

@test "a matrix: one step per combination, first key slowest" {
	wf w <<-'EOF'
	steps:
	- name: io
	  matrix:
	    be: [a, b]
	    bs: [4k, 8k, 1m]
	  run: echo {{ matrix.be }}/{{matrix.bs}}
	EOF
	run joe run -o out
	[ "$status" = 0 ]
	[ "$(cut -f2 out/steps.tsv | tr '\n' ' ')" = "io[be=a,bs=4k] io[be=a,bs=8k] io[be=a,bs=1m] io[be=b,bs=4k] io[be=b,bs=8k] io[be=b,bs=1m] " ]
	[ "$(cat 'out/06-io[be=b,bs=1m]/cmd-01.log')" = b/1m ]
}

@test "no arguments: every *.workflow here, each its own run directory" {
	echo 'steps: [{name: a, run: echo 1}]' > one.workflow
	echo 'steps: [{name: b, run: echo 2}]' > two.workflow
	run joe run
	[ "$status" = 0 ]
	[ "$(ls joe-output | grep -c -- -one$)" = 1 ]
	[ "$(ls joe-output | grep -c -- -two$)" = 1 ]
	[ "$(readlink joe-output/latest)" = "$(ls joe-output | grep -- -two$)" ]
}

@test "a directory argument: every *.workflow in it" {
	mkdir d
	echo 'steps: [{name: a, run: echo 1}]' > d/x.workflow
	run joe run d
	[ "$status" = 0 ]
	[ -e joe-output/latest/01-a/cmd-01.log ]
	mkdir empty
	run joe run empty
	[ "$status" = 2 ]
	[[ "$output" == *"no *.workflow in empty"* ]]
}

@test "runs never overwrite each other" {
	echo 'steps: [{name: a, run: echo 1}]' > w.workflow
	joe run && joe run && joe run
	[ "$(ls joe-output | grep -c -- '-w')" = 3 ]
}

@test "-o: created when absent, used when empty, refused when not empty" {
	echo 'steps: [{name: a, run: echo 1}]' > w.workflow
	run joe run -o new
	[ "$status" = 0 ] && [ -e new/steps.tsv ]
	mkdir empty
	run joe run -o empty
	[ "$status" = 0 ] && [ -e empty/steps.tsv ]
	run joe run -o new
	[ "$status" = 2 ]
	[[ "$output" == *"joe-run: run directory new is in use or not empty"* ]]
	[ "$(wc -l < new/steps.tsv)" = 1 ]
	echo 'steps: [{name: a, run: echo 1}]' > v.workflow
	run joe run -o x
	[ "$status" = 2 ]
	[[ "$output" == *"-o takes one workflow"* ]]
}

@test "-n prints the plan and runs nothing" {
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    touch x
	    echo "two	words"
	- {name: b, uses: core.sysinfo}
	EOF
	run joe run -n
	[ "$status" = 0 ]
	[ "$output" = "./w.workflow	01-a	local	touch x
./w.workflow	01-a	local	echo \"two\\twords\"
./w.workflow	02-b	local	core.sysinfo" ]
	[ ! -e x ] && [ ! -e joe-output ]
	# every field escaped: a line a command, four fields
	mkdir d
	echo 'steps: [{name: a, run: "true"}]' > "$(printf 'd/t\tn\nx.workflow')"
	printf 'transport:\n  "t\\tx": {}\n' > d/c.config
	run joe run -n -c d/c.config -t "$(printf 't\tx')" d
	[ "$status" = 0 ]
	[ "$output" = 'd/t\tn\nx.workflow	01-a	t\tx	true' ]
}

@test "config env and step env reach commands intact, any byte" {
	v=$(printf 'q\x27uote "dq" $HOME `id` \\ back\nnew\tline \001\037\177\200\377 end')
	printf 'env:\n  A: "{{ env.V }}"\n  B: plain\n' > c.config
	wf w <<-'EOF'
	steps:
	- name: e
	  env: {C: "{{ env.V }}", B: step}
	  run: |
	    printf %s "$A" > a
	    printf %s "$C" > c
	    printf %s "$B" > b
	EOF
	V="$v" run joe run -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat a)" = "$v" ]
	[ "$(cat c)" = "$v" ]
	[ "$(cat b)" = step ]
}

@test "an env name that is not a shell name: file:line:col" {
	printf 'env:\n  "A-B": 1\n' > c.config
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	run joe run -c c.config -o out
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:3: 'A-B' is not an environment variable name" ]
	[ ! -e out ]
}

@test "cwd: the directory commands start in" {
	mkdir sub
	echo 'steps: [{name: a, cwd: sub, run: pwd}]' > w.workflow
	run joe run -o out
	[ "$(cat out/01-a/cmd-01.log)" = "$PWD/sub" ]
	echo 'steps: [{name: a, cwd: nosuch, run: pwd}]' > w.workflow
	run joe run -o out2
	[ "$status" = 1 ]
}

@test "logical lines: a trailing backslash joins, blanks and comments are skipped" {
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    echo one \
	      two

	    # a comment
	    echo three
	EOF
	run joe run -o out
	[ "$(wc -l < out/commands.tsv)" = 2 ]
	[ "$(cat out/01-a/cmd-01.log)" = "one two" ]
	[ "$(field out/commands.tsv 1 8)" = 'echo one \\\n  two' ]
}

@test "{{ config }}, {{ env }} substituted in workflows; unknown names refused" {
	echo 'x: {y: from-config}' > c.config
	echo 'steps: [{name: a, run: "echo {{ config.x.y }} {{ env.E }}"}]' > w.workflow
	E=from-env run joe run -c c.config -o out
	[ "$(cat out/01-a/cmd-01.log)" = "from-config from-env" ]
	echo 'steps: [{name: a, run: "echo {{ matrix.x }}"}]' > w.workflow
	run joe run -o out2
	[ "$status" = 2 ]
	[ "$output" = "./w.workflow:1:19: unknown name matrix.x" ]
}

@test "worklets: uses PKG.NAME and NAME, with their environment" {
	mkdir -p pk/mine
	cat > pk/mine/show <<-'EOF'
	#!/bin/sh
	echo "out=$JOE_OUTPUT step=$JOE_STEP tp=$JOE_TRANSPORT cwd=$PWD"
	echo "with=$JOE_WITH_SOME_WORD env=$S"
	test -r "$JOE_CONFIG" && echo config-readable
	joe run -- 'echo nested; echo nested-err >&2' > nested.txt
	EOF
	printf '#!/bin/sh\necho beside\n' > here
	chmod +x pk/mine/show here
	wf w <<-'EOF'
	steps:
	- name: s
	  uses: mine.show
	  with: {some-word: value 1}
	  env: {S: stepenv}
	- {name: h, uses: here}
	EOF
	JOE_PATH="$PWD/pk" run joe run -o out
	[ "$status" = 0 ]
	run cat out/01-s/cmd-01.log
	[ "${lines[0]}" = "out=$PWD/out step=01-s tp=local cwd=$PWD/out/01-s" ]
	[ "${lines[1]}" = "with=value 1 env=stepenv" ]
	[ "${lines[2]}" = config-readable ]
	[ "$(cat out/01-s/nested.txt)" = nested ]
	[ "$(sort out/01-s/cmd-02.log | tr '\n' ' ')" = "nested nested-err " ]
	[ "$(grep -c '^01-s	' out/commands.tsv)" = 2 ]
	[ "$(field out/commands.tsv 1 8)" = "echo nested; echo nested-err >&2" ]
	[ "$(field out/commands.tsv 2 8)" = "mine.show" ]
	[ "$(cat out/02-h/cmd-01.log)" = beside ]
}

@test "a worklet's nested joe run uses the run's config" {
	mkdir -p pk/p
	printf '#!/bin/sh\njoe run -- %s >/dev/null\njoe config env.X\n' "'echo \$X'" > pk/p/w
	chmod +x pk/p/w
	printf 'env: {X: "{{ env.XV }}"}\n' > c.config
	echo 'steps: [{name: a, uses: p.w}]' > w.workflow
	XV=xv JOE_PATH="$PWD/pk" run joe run -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-02.log)" = "xv" ]
	[ "$(cat out/01-a/cmd-01.log)" = xv ]
	run joe config -c out/config.yaml
	[ "$output" = "$(XV=xv joe config -c c.config)" ]
}

@test "a failing worklet fails its step" {
	mkdir -p pk/p
	printf '#!/bin/sh\nexit 4\n' > pk/p/w
	chmod +x pk/p/w
	echo 'steps: [{name: a, uses: p.w}]' > w.workflow
	JOE_PATH="$PWD/pk" run joe run -o out
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "fail	4" ]
}

@test "config.yaml reads back as the same config" {
	cat > c.config <<-'EOF'
	transport: {local: {}}
	env: {A: "tab	and \\ and \"q\""}
	"odd key": {"x.y": "z"}
	l: [[1, 2], {a: b}, [], {}]
	s: "{{ env.HOME }}"
	EOF
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	run joe run -c c.config -o out
	[ "$(joe config -c out/config.yaml)" = "$(joe config -c c.config)" ]
}

@test "record fields escape tab, newline and backslash" {
	printf 'steps:\n- name: "a\\tb"\n  run: "echo \\"x\\ty\\\\\\\\z\\""\n' > w.workflow
	run joe run -o out
	[ "$status" = 0 ]
	[ "$(cut -f2 out/steps.tsv)" = 'a\tb' ]
	[ "$(cut -f8 out/commands.tsv)" = 'echo "x\ty\\\\z"' ]
}

@test "a step name with a slash gets a safe directory" {
	echo 'steps: [{name: a/b, run: echo x}]' > w.workflow
	run joe run -o out
	[ "$status" = 0 ]
	[ -e out/01-a_b/cmd-01.log ]
}

@test "-v copies each command and its output to stdout" {
	echo 'steps: [{name: a, run: "echo hello"}]' > w.workflow
	run joe run -v -o out
	[ "${lines[0]}" = "+ echo hello" ]
	[ "${lines[1]}" = "hello" ]
}

@test "bad workflows: file:line:col, exit 2, nothing run" {
	check() {
		printf "$1" > w.workflow
		run joe run -o out
		[ "$status" = 2 ] || return 1
		[ "$output" = "$2" ] || { echo "got: $output"; return 1; }
		[ ! -e out ] && [ ! -e joe-output ]
	}
	check 'steps:\n- {name: a, rn: x}\n' "./w.workflow:2:13: unknown step key 'rn'"
	check 'steps:\n- {run: x}\n' "./w.workflow:2:3: a step needs a name"
	check 'steps:\n- {name: a}\n' "./w.workflow:2:3: step a needs either run: or uses:"
	check 'steps:\n- {name: a, run: x, uses: y}\n' "./w.workflow:2:3: step a needs either run: or uses:"
	check 'steps:\n- {name: a, run: x}\n- {name: a, run: y}\n' "./w.workflow:3:3: duplicate step name 'a'"
	check 'steps:\n- {name: a, run: x, transport: box}\n' "./w.workflow:2:21: no transport 'box' in the config"
	check 'steps:\n- {name: a, run: x, timeout: -1}\n' "./w.workflow:2:21: timeout must be seconds from 0.001 to 2592000"
	check 'steps:\n- {name: a, run: x, timeout: 1x}\n' "./w.workflow:2:21: timeout must be seconds from 0.001 to 2592000"
	check 'steps:\n- {name: a, run: x, always: maybe}\n' "./w.workflow:2:21: always must be true or false"
	check 'steps:\n- {name: a, uses: nope.nope}\n' "./w.workflow:2:13: no worklet nope.nope: not beside the workflow, nor in a package along JOE_PATH or installed"
	check 'steps:\n- {name: a, run: x, matrix: [1]}\n' "./w.workflow:2:21: matrix must be a mapping"
	check 'steps:\n- {name: a, run: x, matrix: {k: 1}}\n' "./w.workflow:2:30: matrix.k must be a list of values"
	check 'steps:\n- {name: a, run: x, matrix: {k: [[1]]}}\n' "./w.workflow:2:34: matrix values must be plain values"
	check 'steps:\n- {name: a, run: x, with: {k: 1}}\n' "./w.workflow:2:21: with: is for uses: steps"
	check 'steps:\n- {name: a, uses: core.sysinfo, cwd: /tmp}\n' "./w.workflow:2:33: cwd: is for run: steps"
	check 'steps:\n- {name: a, run: x, env: [1]}\n' "./w.workflow:2:21: env must be a mapping"
	check 'steps:\n- {name: a, run: [x]}\n' "./w.workflow:2:13: run must be a plain value"
	check 'steps:\n- a\n' "./w.workflow:2:3: a step must be a mapping"
	check 'step:\n- {name: a, run: x}\n' "./w.workflow:1:1: unknown workflow key 'step'"
	check 'doc: x\n' "./w.workflow:1:1: a workflow needs a list of steps"
	check 'steps: {a: 1}\n' "./w.workflow:1:1: steps must be a list"
	check 'steps:\n- {name: a, run: x\n' "./w.workflow:3:1: while parsing a flow mapping: did not find expected ',' or '}'"
}

@test "bad usage: exit 2" {
	run joe run -x
	[ "$status" = 2 ]
	[[ "$output" == *usage:* ]]
	run joe run -T 0 -- true
	[ "$status" = 2 ]
	run joe run -t nosuch -- true
	[ "$status" = 2 ]
	[[ "$output" == *"no transport 'nosuch' in the config"* ]]
	run joe run --
	[ "$status" = 2 ]
	run joe run -n -- touch x
	[ "$status" = 2 ]
	[ ! -e x ]
	run joe run nosuch.workflow
	[ "$status" = 2 ]
	[[ "$output" == *"cannot open nosuch.workflow: No such file or directory"* ]]
	run joe run -h
	[ "$status" = 0 ]
}

@test "-- runs one command: its stdout, stderr and exit status" {
	run --separate-stderr joe run -- 'echo out; echo err >&2; exit 3'
	[ "$status" = 3 ]
	[ "$output" = out ]
	[ "$stderr" = err ]
	for rc in 0 1 2 127 255; do
		run -$rc joe run -- exit $rc
		[ "$status" = $rc ]
	done
	run -127 joe run -- nosuchcommand-xyz
	[ "$status" = 127 ]
	[ ! -e joe-output ]
}

@test "-- with one argument runs a shell line; several are quoted words" {
	run joe run -- 'echo a | tr a b'
	[ "$output" = b ]
	run joe run -- printf '[%s]' 'a  b' '$HOME' "it's" '*'
	[ "$output" = '[a  b][$HOME][it'"'"'s][*]' ]
}

@test "-- outside a run records nothing; JOE_OUTPUT without JOE_STEP is refused" {
	run joe run -- true
	[ ! -e joe-output ]
	JOE_OUTPUT=$PWD run joe run -- true
	[ "$status" = 2 ]
}

@test "JOE_TRANSPORT names the default transport" {
	JOE_TRANSPORT=nosuch run joe run -- true
	[ "$status" = 2 ]
	JOE_TRANSPORT=local run joe run -- true
	[ "$status" = 0 ]
}

@test "a worklet's commands run in parallel each get their own log and record" {
	mkdir -p pk/p
	cat > pk/p/w <<-'EOF'
	#!/bin/sh
	for i in 1 2 3 4 5 6 7 8; do joe run -- "echo n$i" > /dev/null & done
	wait
	EOF
	chmod +x pk/p/w
	echo 'steps: [{name: a, uses: p.w}]' > w.workflow
	JOE_PATH=$PWD/pk run joe run -o out
	[ "$status" = 0 ]
	[ "$(grep -c '^01-a	' out/commands.tsv)" = 9 ]
	[ "$(cut -f2 out/commands.tsv | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 " ]
	[ "$(cat out/01-a/cmd-0[2-9].log | sort | tr '\n' ' ')" = "n1 n2 n3 n4 n5 n6 n7 n8 " ]
}

@test "commands and worklets get only stdin, stdout and stderr" {
	# 3 is the directory ls reads
	echo 'steps: [{name: a, run: "exec ls /proc/self/fd"}]' > w.workflow
	joe run -o out 7>/dev/null 9</dev/null
	[ "$(xargs < out/01-a/cmd-01.log)" = "0 1 2 3" ]
	run joe run -- 'exec ls /proc/self/fd' 8>/dev/null
	[ "$(echo $output)" = "0 1 2 3" ]
}

@test "post: the post-run command gets [-r] RUN; \"\" runs nothing; a failing one: exit 1" {
	printf 'steps:\n- name: a\n  run: echo hello\n' > w.workflow
	printf 'post: printf "[%%s]" "$0" "$@" > %s/got; echo done\n' "$PWD" > p.config
	run joe run -c p.config -o out w.workflow
	[ "$status" = 0 ]
	[ "${lines[-1]}" = done ]
	[ "$(cat got)" = "[joe-post][$PWD/out]" ]
	[ ! -e out/metrics.tsv ]
	joe run -c p.config -r -o out2 w.workflow
	[ "$(cat got)" = "[joe-post][-r][$PWD/out2]" ]
	run joe run -D post= -o out3 w.workflow
	[ "$status" = 0 ]
	[ "${lines[-1]}" = "PASS 01-a 0.0s" ] || [[ "${lines[-1]}" == "PASS 01-a "* ]]
	[ ! -e out3/metrics.tsv ]
	run --separate-stderr joe run -D 'post=exit 3' -o out4 w.workflow
	[ "$status" = 1 ]
	[[ "${lines[-1]}" == "$PWD/out4: 1 passed, 0 failed, 0 skipped in "* ]]
	[ "$stderr" = "joe-run: $PWD/out4: the post-run command failed (status 3)" ]
}

@test "joe finish by hand: extract and report a run again, -r writes report.html" {
	printf 'steps:\n- name: a\n  run: echo hello\n' > w.workflow
	joe run -D post= -o out w.workflow
	[ ! -e out/metrics.tsv ]
	run joe finish -r out
	[ "$status" = 0 ]
	[ "${lines[0]}" = "report: out/report.html" ]
	[ "${lines[-1]}" = "out: 1 passed, 0 failed, 0 skipped" ]
	[ -s out/report.html ]
	run joe finish
	[ "$status" = 2 ]
	[ "$output" = "usage: joe finish [-r] run" ]
	run --separate-stderr joe finish nosuch
	[ "$status" = 1 ]
	[[ "$stderr" == *"joe finish: nosuch: joe-report failed" ]]
}

@test "-q: no line as each step ends; the steps that failed and the summary still" {
	echo 'steps: [{name: a, run: "true"}, {name: b, run: "false"}]' > w.workflow
	run joe run -q -o out
	echo "$output"
	[ "$status" = 1 ]
	[[ "$output" != *"PASS"* ]]
	[ "$(grep -c '^FAIL 02-b ' <<< "$output")" = 1 ]	# the report's
	[ "${lines[-1]}" = "out: 1 passed, 1 failed, 0 skipped" ]
	run joe run -o out2
	[ "$(grep -c '^FAIL 02-b ' <<< "$output")" = 2 ]	# its own and the report's
	run -2 joe run -q -- true
}
