#!/usr/bin/env bats
# Timeouts, SIGINT and SIGTERM: the whole process group ends, records stay.
load helper

@test "a step's timeout ends its command: status timeout, nothing left" {
	wf w <<-'EOF'
	steps:
	- {name: slow, timeout: 1, run: "sleep 1234.5"}
	- {name: next, run: "true"}
	EOF
	run joe run -o out
	[ "$status" = 1 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "timeout skip " ]
	[ "$(cut -f3,4 out/commands.tsv)" = "timeout	143" ]
	gone 'sleep 1234.5'
}

@test "a command that ignores TERM gets KILL after the grace period" {
	wf w <<-'EOF'
	steps:
	- {name: stubborn, timeout: 1, run: "trap '' TERM; sleep 1235.5; true"}
	EOF
	run joe run -o out
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "timeout	137" ]
	gone 'sleep 1235.5'
}

@test "the whole process group ends, grandchildren too" {
	wf w <<-'EOF'
	steps:
	- {name: tree, timeout: 1, run: "sh -c 'sleep 1236.1 & sleep 1236.2'; true"}
	EOF
	run joe run -o out
	[ "$status" = 1 ]
	gone 'sleep 1236\..'
}

@test "-T is the timeout of steps without their own" {
	wf w <<-'EOF'
	steps:
	- {name: own, timeout: 30, run: "sleep 1.5"}
	- {name: default, run: "sleep 1237.5"}
	EOF
	run joe run -T 1 -o out
	[ "$status" = 1 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "pass timeout " ]
	gone 'sleep 1237.5'
}

@test "-T with --: the command is ended, status 128+TERM" {
	run joe run -T 1 -- 'sleep 1238.5'
	[ "$status" = 143 ]
	gone 'sleep 1238.5'
}

@test "a worklet's timeout ends the commands it runs on the target too" {
	mkdir -p pk/p
	printf '#!/bin/sh\njoe run -- "sleep 1239.5"\n' > pk/p/w
	chmod +x pk/p/w
	echo 'steps: [{name: a, timeout: 1, uses: p.w}]' > w.workflow
	JOE_PATH=$PWD/pk run joe run -o out
	[ "$status" = 1 ]
	[ "$(cut -f2,3 out/commands.tsv | tr '\n\t' ' ,')" = "2,interrupted 1,timeout " ]
	gone 'sleep 1239.5'
}

interrupt() { # SIGNAL: interrupt a run in its second step
	wf w <<-'EOF'
	steps:
	- {name: first, run: echo one}
	- {name: hang, run: "echo started; sleep 1240.5"}
	- {name: after, run: touch after}
	- {name: cleanup, always: true, run: touch cleaned}
	EOF
	started out/02-hang/cmd-01.log joe run -o out
	# and sleep has been exec'd: dash -c defers a SIGINT that comes
	# while it readies the exec, and the exec loses it (then KILL ends
	# sleep after the grace period, and the record says 137)
	waitfor pgrep -xf 'sleep 1240.5'
	kill -$1 $pid
	status=0
	wait $pid || status=$?
}

@test "SIGINT mid-run: records intact, always steps run, exit 130" {
	interrupt INT
	[ "$status" = 130 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "pass interrupted skip pass " ]
	[ "$(line out/commands.tsv 2 | cut -d'|' -f1-4)" = "02-hang|1|interrupted|130" ]
	[ "$(cat out/02-hang/cmd-01.log)" = started ]
	[ ! -e after ] && [ -e cleaned ]
	grep -q '^INTERRUPTED 02-hang' log
	gone 'sleep 1240.5'
}

@test "SIGTERM mid-run: exit 143" {
	interrupt TERM
	[ "$status" = 143 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "pass interrupted skip pass " ]
	gone 'sleep 1240.5'
}

@test "a second signal ends the always steps too" {
	wf w <<-'EOF'
	steps:
	- {name: hang, run: "echo started; sleep 1241.5"}
	- {name: cleanup, always: true, run: "echo cleaning; sleep 1241.6"}
	- {name: more, always: true, run: "touch more"}
	EOF
	started out/01-hang/cmd-01.log joe run -o out
	kill -INT $pid
	waitfor grep -q cleaning out/02-cleanup/cmd-01.log
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" = 130 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "interrupted interrupted skip " ]
	[ ! -e more ]
	gone 'sleep 1241\..'
}

# pipefull FILE: joe run -v -o out with its stdout a pipe that w's first
# step fills to the byte, so that joe run waits on its next line; SIGINT
# once FILE in out has a record, then status its exit status.
pipefull() {
	mkfifo f
	joe run -v "${@:2}" -o out > f 2> err 3>&- & pid=$!
	exec 5< f
	waitfor [ -s "out/$1" ]
	sleep 0.3
	kill -INT $pid
	cat <&5 > /dev/null
	exec 5<&-
	status=0
	wait $pid || status=$?
}

@test "a signal between two commands of a step ends the step, never lost" {
	# With -v, the first command's output and its "+" line fill joe run's
	# stdout, a pipe, to the byte (38 + 65498 = 65536): joe run waits to
	# write "+ sleep 4.5" between the two commands, and gets SIGINT there.
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    head -c 65498 /dev/zero | tr '\0' x
	    sleep 4.5
	- {name: b, run: echo b}
	EOF
	pipefull commands.tsv -q
	[ "$status" = 130 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "interrupted skip " ]
	[ "$(cut -f2,3 out/commands.tsv | tr '\n\t' ' ,')" = "1,pass 2,interrupted " ]
	gone 'sleep 4.5'
}

@test "a signal between two steps: the next is recorded interrupted, not skipped" {
	# as above, joe run waits to print the first step's PASS line
	wf w <<-'EOF'
	steps:
	- name: a
	  run: head -c 65498 /dev/zero | tr '\0' x
	- {name: b, run: touch b}
	- {name: c, run: touch c}
	- {name: d, always: true, run: touch d}
	EOF
	pipefull steps.tsv
	[ "$status" = 130 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "pass interrupted skip pass " ]
	[ ! -e b ] && [ ! -e c ] && [ -e d ]
	run -0 joe report -f junit out
	[[ "$output" == *'errors="1"'* ]]
}

@test "SIGKILL mid-run: every record written so far stays valid" {
	wf w <<-'EOF'
	steps:
	- {name: one, run: echo one}
	- {name: two, run: "echo started; sleep 1242.5"}
	EOF
	started out/02-two/cmd-01.log joe run -o out
	kill -KILL $pid
	wait $pid || true
	pkill -xf 'sleep 1242.5' || true
	[ "$(cut -f1,3 out/steps.tsv)" = "01-one	pass" ]
	[ "$(cut -f1-4 out/commands.tsv)" = "01-one	1	pass	0" ]
	[ "$(cat out/02-two/cmd-01.log)" = started ]
}
