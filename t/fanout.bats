#!/usr/bin/env bats
# joe run on several targets at once (joe-fanout): eight transports on the
# test sshd, one of them a closed port.
load helper
load sshd

# lab.config: lab1..lab7 the test sshd, each with a master of its own
# (on one ControlPath, masters started at once race, and ssh says so in
# the logs), lab8 nothing listening, local
labcfg() {
	{
		echo 'transport:'
		for i in 1 2 3 4 5 6 7; do
			sed -n '/^  box:/,$p' "$FIX/ssh.config" | sed "s/^  box:/  lab$i:/"
			echo "    options: [ControlPath=$XDG_RUNTIME_DIR/lab$i.%C]"
		done
		echo '  lab8: {host: 127.0.0.1, port: 1}'
		echo '  local: {}'
	} > lab.config
}

# refused MESSAGE ARG...: joe run -c lab.config ARG... exits 2 with
# MESSAGE, or its usage when MESSAGE is "usage"
refused() {
	local m=$1
	shift
	run joe run -c lab.config "$@"
	[ "$status" = 2 ]
	[ "$output" = "$m" ] || { [ "$m" = usage ] && [[ "$output" == "usage: joe run"* ]]; }
}

@test "eight targets, one dead: a run each, the dead one an error, exit 255" {
	labcfg
	wf w <<-'EOF'
	steps:
	- {name: a, run: "id -un"}
	- {name: b, run: "true"}
	EOF
	run timeout 120 joe run -c lab.config -t 'lab*' -o out
	[ "$status" = 255 ]
	for i in 1 2 3 4 5 6 7; do
		[ "$(cut -f3 out/lab$i/steps.tsv | tr '\n' ' ')" = "pass pass " ]
		[ "$(cut -f7 out/lab$i/commands.tsv | sort -u)" = lab$i ]
		[[ "$output" == *"lab$i: PASS 01-a"* ]]
		[[ "$output" == *"lab$i: lab$i: 2 passed, 0 failed, 0 skipped"* ]]
		! grep -qx "lab$i: lab$i" <<< "$output"	# a clean run named once
	done
	[ "$(cut -f3 out/lab8/steps.tsv | tr '\n' ' ')" = "error skip " ]
	[[ "$output" == *"lab8: ERROR 01-a"* ]]
	[[ "$output" == *"lab8: "*"Connection refused"* ]]
	[ "$(echo "$output" | tail -n 2 | head -n 1)" = "out: 8 runs: 14 passed, 1 failed, 1 skipped" ]
	[ "$(echo "$output" | tail -n 1)" = "out: 7 of 8 targets passed; lab8: exit 255" ]
	[ ! -e out/lab1/report.html ]
}

@test "a run directory per target under joe-output/latest, -r one report for all" {
	labcfg
	echo 'steps: [{name: a, run: "echo hello"}]' > w.workflow
	run joe run -c lab.config -t lab1 -t lab2 -t lab2 -r
	[ "$status" = 0 ]
	[ "$(ls joe-output/latest)" = "lab1
lab2
report.html" ]
	[[ "$(readlink joe-output/latest)" == 2*Z-w ]]
	[[ "$output" == *"report: joe-output/2"*"Z-w/report.html"* ]]
	grep -q lab1 joe-output/latest/report.html
	grep -q lab2 joe-output/latest/report.html
	[ "$(echo "$output" | tail -n 1)" = "joe-output/$(readlink joe-output/latest): 2 of 2 targets passed" ]
}

@test "-j 2: at most two runs at once; without it they overlap" {
	labcfg
	at=$FIX/remote/at$BATS_TEST_NUMBER
	wf w <<-EOF
	steps:
	- {name: a, run: "echo + >> $at; sleep 1; echo - >> $at"}
	EOF
	most() {	# the most runs at once, from the + and - lines
		awk '/\+/ { if (++n > m) m = n } /-/ { n-- } END { print m }' "$at"
	}
	run joe run -c lab.config -t 'lab[1-4]' -j 2 -o out
	[ "$status" = 0 ]
	[ "$(wc -l < "$at")" = 8 ]
	[ "$(most)" = 2 ]
	rm "$at"
	run joe run -c lab.config -t 'lab[1-4]' -o out2
	[ "$status" = 0 ]
	[ "$(most)" -ge 3 ]
}

@test "-- a command on each target, its lines prefixed, the worst status" {
	labcfg
	run joe run -c lab.config -t 'lab[1-3]' -- 'id -un; echo oops >&2'
	[ "$status" = 0 ]
	[ "$(echo "$output" | sort)" = "lab1: $SSH_USER
lab1: oops
lab2: $SSH_USER
lab2: oops
lab3: $SSH_USER
lab3: oops" ]
	run joe run -c lab.config -t lab1 -t local -t lab2 -- 'exit 3'
	[ "$status" = 3 ]
	[ "$output" = "joe run: lab1: exit 3, local: exit 3, lab2: exit 3" ]
	run joe run -c lab.config -t lab1 -t lab8 -- true
	[ "$status" = 255 ]
	[[ "$output" == *"lab8: ssh: connect to host 127.0.0.1 port 1: Connection refused"* ]]
	[ "$(echo "$output" | tail -n 1)" = "joe run: lab8: exit 255" ]
	[ ! -e joe-output ]
}

@test "a -t that names a transport is that one, even with * ? [ in it" {
	printf 'transport:\n  "l*": {}\n  local: {}\n' > star.config
	touch lone	# what l* would match here
	run timeout 60 joe run -c star.config -t 'l*' -- 'echo hi'
	[ "$status" = 0 ] && [ "$output" = hi ]
	run timeout 60 joe run -c star.config -t 'l*' -t local -- 'echo hi'
	[ "$status" = 0 ]
	[ "$(echo "$output" | sort)" = "l*: hi
local: hi" ]
	run timeout 60 joe run -c star.config -t 'l?*' -- 'echo hi'
	[ "$status" = 0 ]
	[ "$(echo "$output" | sort)" = "l*: hi
local: hi" ]
}

@test "stdout and stderr stay apart, each line whole" {
	labcfg
	run --separate-stderr joe run -c lab.config -t 'lab[12]' -- 'seq 1000; echo e >&2'
	[ "$status" = 0 ]
	[ "$(echo "$output" | grep -c '^lab[12]: [0-9]*$')" = 2000 ]
	[ "$(echo "$stderr" | sort)" = "lab1: e
lab2: e" ]
}

@test "a name or pattern that is no transport: exit 2, nothing run" {
	labcfg
	echo 'steps: [{name: a, run: "touch ran"}]' > w.workflow
	refused "joe run: no transport 'nope' in the config" -t lab1 -t nope
	refused "joe run: no transport 'x*' in the config" -t 'x*' -- touch ran
	[ ! -e ran ] && [ ! -e joe-output ]
}

@test "what takes one target is a usage error with several; bad -j, two workflows" {
	labcfg
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	cp w.workflow v.workflow
	refused usage -i -t lab1 -t lab2
	refused usage -t lab1 -t lab2 -l x -- true
	refused "joe run: -j 0: expected a number of runs at once, from 1" \
		-t 'lab*' -j 0 w.workflow
	refused "joe run: several targets take one workflow" -t 'lab*'
	refused "joe-run: no step named nostep" -t 'lab*' -o out w.workflow nostep
	[ ! -e out ] && [ ! -e joe-output ]
}

@test "-n: each target's commands, none run" {
	labcfg
	echo 'steps: [{name: a, run: "touch ran"}]' > w.workflow
	run joe run -c lab.config -t lab2 -t local -n
	[ "$status" = 0 ]
	[ "$output" = "./w.workflow	01-a	lab2	touch ran
./w.workflow	01-a	local	touch ran" ]
	[ ! -e ran ]
}

@test "SIGINT to joe run: each run ends interrupted, no new one starts, exit 130" {
	labcfg
	wf w <<-'EOF'
	steps:
	- {name: hang, run: "echo started; sleep 1250.5"}
	- {name: cleanup, always: true, run: "echo cleaned"}
	EOF
	joe run -c lab.config -t 'lab[1-3]' -j 2 -o out > log 2>&1 3>&- &
	pid=$!
	waitfor grep -q started out/lab1/01-hang/cmd-01.log
	waitfor grep -q started out/lab2/01-hang/cmd-01.log
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" = 130 ]
	for i in 1 2; do
		[ "$(cut -f3 out/lab$i/steps.tsv | tr '\n' ' ')" = "interrupted pass " ]
	done
	[ ! -e out/lab3 ]
	[ "$(tail -n 1 log)" = "out: 0 of 3 targets passed; lab1: exit 130, lab2: exit 130, lab3: not run" ]
	gone 'sleep 1250.5'
}

@test "SIGKILL to joe run: a guardian ends every target's run, nothing left" {
	labcfg
	wf w <<-'EOF2'
	steps:
	- {name: hang, run: "echo started; sleep 1251.5"}
	EOF2
	mkdir tmp
	TMPDIR=$PWD/tmp joe run -c lab.config -t lab1 -t local -o out > log 2>&1 3>&- &
	pid=$!
	waitfor grep -q started out/lab1/01-hang/cmd-01.log
	waitfor grep -q started out/local/01-hang/cmd-01.log
	kill -KILL $pid
	wait $pid || true
	gone 'sleep 1251.5'
	gone ".*joe-run .*-o out/l.*"
	waitfor [ -z "$(ls -A tmp)" ]	# the statuses' directory removed
}

@test "a target down or a command's status over 127 stops no other target" {
	labcfg
	run joe run -c lab.config -j 1 -t lab8 -t lab1 -t lab2 -- 'echo on $(id -un)'
	[ "$status" = 255 ]
	[ "$(tail -n 1 <<< "$output")" = "joe run: lab8: exit 255" ]
	[[ "$output" == *"lab2: on "* ]]
	run joe run -c lab.config -j 1 -t lab1 -t lab2 -- 'echo x; exit 130'
	[ "$status" = 130 ]
	[ "$(tail -n 1 <<< "$output")" = "joe run: lab1: exit 130, lab2: exit 130" ]
}

@test "SIGTERM to joe run: exit 143, not 130; before any run has started, no stray message" {
	labcfg
	joe run -c lab.config -t lab1 -t local -- 'sleep 1253.5' > log 2>&1 3>&- &
	pid=$!
	waitfor [ -n "$(pgrep -f 'sleep 1253.5')" ]
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	[ "$status" = 143 ] || { echo "status $status"; cat log; false; }
	gone 'sleep 1253.5'
	# a signal before the runs' pids are there: the pattern is not read
	for i in 1 2 3; do
		joe run -c lab.config -t lab1 -t local -- 'sleep 1254.5' > log 2>&1 3>&- &
		pid=$!
		sleep 0.0$i
		kill -TERM $pid
		status=0
		wait $pid || status=$?
		[ "$status" = 143 ] || { echo "status $status"; cat log; false; }
		! grep -q 'cannot open' log
	done
	gone 'sleep 1254.5'
}
