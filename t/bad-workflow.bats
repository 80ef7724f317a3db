#!/usr/bin/env bats
# Bad workflows and command lines: the exact message and exit status, the
# same from -n as from a run, and nothing written; a run refused at run
# time leaves the records of an earlier run as they were.
load helper

# bad WORKFLOW MESSAGE [OPTION...]: w.workflow holding WORKFLOW (printf)
# is refused with MESSAGE and exit 2, by -n and by a run, which writes
# nothing.
bad() {
	local m=$2
	printf "$1" > w.workflow
	shift 2
	run -2 joe run -n "$@" w.workflow
	[ "$output" = "$m" ] || { echo "-n got: $output"; return 1; }
	run -2 timeout 20 joe run -o out "$@" w.workflow
	[ "$output" = "$m" ] || { echo "run got: $output"; return 1; }
	[ ! -e out ] && [ ! -e joe-output ]
}

@test "timeout: nan, inf, huge and tiny values are refused" {
	for v in nan inf -inf 1e309 0 0.0001 2592001 1e-300 0x 0x10 1e3 "\" 5\"" +5; do
		bad "steps:\n- {name: a, run: x, timeout: $v}\n" \
		    "w.workflow:2:21: timeout must be seconds from 0.001 to 2592000"
	done
	bad 'steps:\n- {name: a, run: x, timeout: "{{ matrix.t }}", matrix: {t: [1, nan]}}\n' \
	    "w.workflow:2:21: timeout must be seconds from 0.001 to 2592000"
}

@test "-T: nan, inf, huge and tiny values are refused" {
	echo 'steps: [{name: a, run: touch ran}]' > w.workflow
	for v in nan inf 1e309 0 0.0001 2592001 '' 5s 0x10 1e3 " 5"; do
		run -2 joe run -T "$v" -o out
		[ "$output" = "joe-run: -T $v: expected seconds from 0.001 to 2592000" ]
		run -2 joe run -T "$v" -- touch ran
		[ "$output" = "joe-run: -T $v: expected seconds from 0.001 to 2592000" ]
	done
	[ ! -e out ]
	[ ! -e ran ]
	run -0 joe run -T 2592000 -n
	run -0 joe run -T 0.001 -n
}

@test "a matrix of more than 1000 steps is refused at once, at its key" {
	local l='[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]'
	bad "steps:\n- name: a\n  run: x\n  matrix: {a: $l, b: $l, c: $l, d: $l, e: $l}\n" \
	    "w.workflow:4:3: more than 1000 steps"
	# 1000 in all is allowed, one more is not, matrices or not
	printf 'steps:\n- {name: a, run: x, matrix: {a: %s, b: %s, c: %s}}\n' \
	    "$l" "$l" "$l" > w.workflow
	run -0 joe run -n
	[ "${#lines[@]}" = 1000 ]
	bad "steps:\n- {name: z, run: x}\n- {name: a, run: x, matrix: {a: $l, b: $l, c: $l}}\n" \
	    "w.workflow:3:21: more than 1000 steps"
	bad "steps:\n- {name: a, run: x, matrix: {a: $l, b: $l, c: $l}}\n- {name: z, run: x}\n" \
	    "w.workflow:3:3: more than 1000 steps"
}

@test "duplicate step names: the later one, among 1000" {
	local l='[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]'
	bad "steps:\n- {name: a, run: x, matrix: {a: $l, b: $l, c: [0, 1, 2, 3, 4, 5, 6, 7, 8]}}\n- {name: b, run: x}\n- {name: 'a[a=9,b=9,c=8]', run: y}\n" \
	    "w.workflow:4:3: duplicate step name 'a[a=9,b=9,c=8]'"
	bad 'steps:\n- {name: a, run: x, matrix: {k: [1, 1]}}\n' \
	    "w.workflow:2:3: duplicate step name 'a[k=1]'"
}

@test "a step name too long for a directory is refused before anything runs" {
	local n
	n=$(printf '%0300d' 0)
	bad "steps:\n- {name: first, run: touch ran}\n- {name: $n, run: x}\n- {name: t, always: true, run: x}\n" \
	    "w.workflow:3:3: step name too long: directory 02-0000000000000... over 255 bytes"
	n=$(printf '%0252d' 0)
	bad "steps:\n- {name: a$n, run: x}\n" \
	    "w.workflow:2:3: step name too long: directory 01-a000000000000... over 255 bytes"
	bad "steps:\n- {name: a, run: x, matrix: {k: [1, $n]}}\n" \
	    "w.workflow:2:3: step name too long: directory 02-a[k=000000000... over 255 bytes"
	[ ! -e ran ]
	# 255 bytes is fine
	printf 'steps:\n- {name: %s, run: "true"}\n' "${n}" > w.workflow
	run -0 joe run -o out
	[ -d "out/01-$n" ]
}

@test "steps: [] is refused at the steps key" {
	bad 'doc: x\nsteps: []\n' "w.workflow:2:1: a workflow needs a list of steps"
}

@test "uses: must stay at or below the workflow's directory" {
	mkdir -p wf/sub && cd wf
	printf '#!/bin/sh\ntouch ran\n' > sub/ok && chmod +x sub/ok
	printf '#!/bin/sh\ntouch ran\n' > ../outside && chmod +x ../outside
	bad 'steps:\n- {name: a, uses: ../../../../../../../bin/true}\n' \
	    "w.workflow:2:13: uses: ../../../../../../../bin/true is not below the workflow's directory"
	bad 'steps:\n- {name: a, uses: ../outside}\n' \
	    "w.workflow:2:13: uses: ../outside is not below the workflow's directory"
	bad 'steps:\n- {name: a, uses: /bin/true}\n' \
	    "w.workflow:2:13: uses: /bin/true is not below the workflow's directory"
	bad 'steps:\n- {name: a, uses: sub/../../outside}\n' \
	    "w.workflow:2:13: uses: sub/../../outside is not below the workflow's directory"
	bad 'steps:\n- {name: a, uses: .}\n' \
	    "w.workflow:2:13: uses: . is not below the workflow's directory"
	# a symbolic link is followed: where it points counts
	ln -s ../outside link
	bad 'steps:\n- {name: a, uses: link}\n' \
	    "w.workflow:2:13: uses: link is not below the workflow's directory"
	# PKG.NAME has no /: ./core.x and core/../x are not packages
	bad 'steps:\n- {name: a, uses: ../core.sysinfo}\n' \
	    "w.workflow:2:13: no worklet ../core.sysinfo: not beside the workflow, nor in a package along JOE_PATH or installed"
	[ ! -e ran ]
	[ ! -e ../ran ]
	ln -s sub/ok inlink
	printf 'steps:\n- {name: a, uses: sub/ok}\n- {name: b, uses: inlink}\n- {name: c, uses: core.sysinfo}\n' > w.workflow
	run -0 joe run -o out
	[ -e out/01-a/ran ]
	[ -e out/02-b/ran ]
}

@test "the step keys and values a workflow may not have" {
	bad 'steps:\n- {name: a, rn: x}\n' "w.workflow:2:13: unknown step key 'rn'"
	bad 'steps:\n- [name, a]\n' "w.workflow:2:3: a step must be a mapping"
	bad 'steps:\n- {name: "", run: x}\n' "w.workflow:2:3: a step needs a name"
	bad 'steps:\n- {name: a, run: x, uses: y}\n' "w.workflow:2:3: step a needs either run: or uses:"
	bad 'steps:\n- {name: a, run: x, with: {k: 1}}\n' "w.workflow:2:21: with: is for uses: steps"
	bad 'steps:\n- {name: a, run: x, always: maybe}\n' "w.workflow:2:21: always must be true or false"
	bad 'steps:\n- {name: a, run: x, matrix: k}\n' "w.workflow:2:21: matrix must be a mapping"
	bad 'steps:\n- {name: a, run: x, matrix: {}}\n' "w.workflow:2:21: matrix must map names to lists of values"
	bad 'steps:\n- {name: a, run: x, matrix: {k: []}}\n' "w.workflow:2:30: matrix.k must be a list of values"
	bad 'steps:\n- {name: a, run: x, matrix: {k: {a: 1}}}\n' "w.workflow:2:30: matrix.k must be a list of values"
	bad "steps:\n- {name: a, run: x, matrix: {$(for i in $(seq 0 16); do printf 'k%d: [1], ' $i; done)}}\n" \
	    "w.workflow:2:180: matrix.k16: a matrix has 16 names at most"
	bad 'steps:\n- {name: a, run: x, transport: box}\n' "w.workflow:2:21: no transport 'box' in the config"
	bad 'steps:\n- {name: a, run: x, env: {A-B: 1}}\n' "w.workflow:2:27: 'A-B' is not an environment variable name"
	bad 'steps:\n- {name: a, run: x, with: [1]}\n' "w.workflow:2:21: with must be a mapping"
}

@test "bad command lines: exit 2, nothing run" {
	echo 'steps: [{name: a, run: touch ran}]' > w.workflow
	echo 'steps: [{name: b, run: touch ran}]' > v.workflow
	run -2 joe run -o out
	[ "$output" = "joe-run: -o takes one workflow, not 2" ]
	run -2 joe run w.workflow nosuch
	[ "$output" = "joe-run: no step named nosuch" ]
	run -2 joe run w.workflow a nosuch
	[ "$output" = "joe-run: no step named nosuch" ]
	printf 'steps:\n- {name: c, run: touch ran, always: true}\n' > u.workflow
	run -2 joe run u.workflow nosuch
	[ "$output" = "joe-run: no step named nosuch" ]
	run -2 joe run -t nosuch w.workflow
	[ "$output" = "joe-run: no transport 'nosuch' in the config" ]
	run -2 joe run nosuch.workflow
	[ "$output" = "joe-run: cannot open nosuch.workflow: No such file or directory" ]
	mkdir empty
	run -2 joe run empty
	[ "$output" = "joe-run: no *.workflow in empty" ]
	[ ! -e ran ]
	[ ! -e out ]
	[ ! -e joe-output ]
}

@test "-o on a directory not empty, or a file: refused, earlier run intact" {
	echo 'steps: [{name: a, run: echo one}]' > w.workflow
	run -0 joe run -o out -D x=1
	cp -R out before
	run -2 joe run -o out -D x=2
	[ "$output" = "joe-run: run directory out is in use or not empty" ]
	diff -r before out
	mkdir other && touch other/f
	run -2 joe run -o other
	[ "$output" = "joe-run: run directory other is in use or not empty" ]
	[ "$(ls other)" = f ]
	touch file
	run -2 joe run -o file
	[ "$output" = "joe-run: run directory file is in use or not empty" ]
	[ ! -s file ]
	run -2 joe run -o file/sub
	[ "$output" = "joe-run: cannot create run directory file/sub: Not a directory" ]
	run -2 joe run -o missing/sub
	[ "$output" = "joe-run: cannot create run directory missing/sub: No such file or directory" ]
	if [ "$(id -u)" = 0 ]; then	# root writes anywhere: a read-only mount
		mkdir ro && mount -t tmpfs -o ro,size=64k tmpfs ro
		run -1 joe run -o ro/out
		umount ro
		[ "$output" = "joe-run: cannot create run directory ro/out: Read-only file system" ]
	fi
}

@test "two runs into one -o at once: one runs, the other touches nothing" {
	printf 'steps:\n- {name: a, run: "sleep 0.2; echo {{ config.x }}"}\n' > w.workflow
	for i in 1 2 3 4 5; do
		rm -rf out
		joe run -o out -D x=one > one.log 2>&1 & a=$!
		joe run -o out -D x=two > two.log 2>&1 & b=$!
		ra=0 rb=0
		wait $a || ra=$?
		wait $b || rb=$?
		if [ $ra = 0 ]; then win=one lose=two rl=$rb; else win=two lose=one rl=$ra; fi
		[ $((ra + rb)) = 2 ]
		[ "$rl" = 2 ]
		[ "$(cat $lose.log)" = "joe-run: run directory out is in use or not empty" ]
		grep -q "$win" out/config.yaml
		[ -z "$(grep "$lose" out/config.yaml)" ]
		[ "$(grep -c . out/steps.tsv)" = 1 ]
		[ "$(cut -f3 out/steps.tsv)" = pass ]
		[ "$(cat out/01-a/cmd-01.log)" = $win ]
		cmp w.workflow out/workflow.yaml
	done
}

@test "selected steps run with every always: step, in workflow order" {
	printf 'steps:\n- {name: setup, always: true, run: "echo s"}\n- {name: a, run: "echo a"}\n- {name: b, run: "echo b"}\n- {name: teardown, always: true, run: "echo t"}\n' > w.workflow
	run -0 joe run -o out w.workflow b
	[ "$(cut -f1,3 out/steps.tsv | tr '\t\n' ' |')" = "01-setup pass|03-b pass|04-teardown pass|" ]
	run -0 joe run -n w.workflow a
	[ "$(cut -f2 <<< "$output" | tr '\n' ' ')" = "01-setup 02-a 04-teardown " ]
}

@test "control bytes of a step name are _ in its directory and on the terminal" {
	printf 'steps:\n- {name: "a\\e[31mb\\x7fc\\td", run: "true"}\n' > w.workflow
	run -0 joe run -o out
	[ "${lines[0]% *}" = "PASS 01-a_[31mb_c_d" ]
	[[ "${lines[0]##* }" =~ ^[0-9]+\.[0-9]s$ ]]
	[ -d "out/01-a_[31mb_c_d" ]
	[ "$(cut -f2 out/steps.tsv)" = "$(printf 'a\033[31mb\177c\\td')" ]
}

@test "a workflow whose whole path is too long: said, exit 2, nothing run" {
	d=$(printf 'd%.0s' $(seq 250))
	mkdir deep && cd deep
	for i in $(seq 20); do mkdir $d && cd $d; done
	echo 'steps: [{name: a, run: touch ran}]' > w.workflow
	run joe run -o out w.workflow
	[ "$status" = 2 ]
	[ "$output" = "joe-run: w.workflow: File name too long" ]
	[ ! -e ran ] && [ ! -e out ]
}

@test "-o on a read-only file system: cannot create its config.yaml, exit 1" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
	echo 'steps: [{name: a, run: touch ran}]' > w.workflow
	mkdir ro
	mount -t tmpfs tmpfs ro || skip "cannot mount a tmpfs"
	mkdir ro/e
	mount -o remount,ro ro
	run joe run -o ro/e w.workflow
	umount ro
	[ "$status" = 1 ]
	[ "$output" = "joe-run: cannot create ro/e/config.yaml: Read-only file system" ]
	[ ! -e ran ]
}
