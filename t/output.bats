#!/usr/bin/env bats
# Command output: order, size, memory, partial lines, processes left behind.
load helper

@test "locally the log has a terminal's exact order of stdout and stderr" {
	run joe run -o out -- true
	echo 'steps: [{name: a, run: "echo 1; echo 2 >&2; echo 3; echo 4 >&2"}]' > w.workflow
	run joe run -o out
	[ "$(cat out/01-a/cmd-01.log | tr '\n' ' ')" = "1 2 3 4 " ]
}

@test "a partial last line and a 1 MiB line without newline are logged whole" {
	echo 'steps: [{name: a, run: "printf abc"}, {name: b, run: "head -c 1048576 /dev/zero | tr \"\\\\0\" x"}]' > w.workflow
	run joe run -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = abc ]
	[ "$(wc -c < out/02-b/cmd-01.log)" = 1048576 ]
	[ "$(tr -d x < out/02-b/cmd-01.log | wc -c)" = 0 ]
}

@test "200 MiB on each of stdout and stderr: every byte, in order, RSS < 8 MiB" {
	n=3276800	# 64-byte lines: 200 MiB
	seq -f 'o%062.0f' 1 $n > o.txt
	seq -f 'e%062.0f' 1 $n > e.txt
	# dd writes whole 4 KiB blocks (64 lines), atomic on a pipe, so the
	# two streams interleave by whole lines as they would on a terminal.
	echo 'steps: [{name: big, run: "dd if=o.txt bs=4096 status=none & dd if=e.txt bs=4096 status=none >&2; wait"}]' > w.workflow
	/usr/bin/time -f %M -o rss joe run -o out
	log=out/01-big/cmd-01.log
	[ "$(wc -c < $log)" = 419430400 ]
	grep '^o' $log | cmp - o.txt
	grep '^e' $log | cmp - e.txt
	echo "max RSS $(cat rss) KiB"
	[ "${SANITIZE:-0}" = 1 ] || [ "$(cat rss)" -lt 8192 ]
}

@test "-- keeps stdout and stderr apart and passes big output through" {
	joe run -- 'head -c 50000000 /dev/zero; echo err >&2' > o 2> e
	[ "$(wc -c < o)" = 50000000 ]
	[ "$(cat e)" = err ]
}

@test "a background process left running does not hold joe up" {
	run timeout 20 joe run -- 'sleep 31.7 & echo started'
	[ "$status" = 0 ]
	[ "$output" = started ]
	pgrep -f 'sleep 31.7'	# left running, as documented
	pkill -f 'sleep 31.7'
}

@test "output after the command's first process exits is not waited for" {
	echo 'steps: [{name: a, run: "(sleep 1; echo late) & echo early"}, {name: b, run: "echo b"}]' > w.workflow
	run timeout 20 joe run -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = early ]
}

@test "stdin is /dev/null" {
	echo 'steps: [{name: a, run: "cat; echo end"}]' > w.workflow
	run timeout 20 joe run -o out < /dev/zero
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = end ]
}

@test "a closed stdout ends a -- command instead of running forever" {
	run timeout 20 bash -c 'joe run -- yes | head -n 2'
	[ "$status" = 0 ]
	[ "$output" = "y
y" ]
	gone yes
}

@test "on a terminal the running step and its seconds; not with -q, -v, TERM=dumb or a pipe" {
	echo 'steps: [{name: a, run: "sleep 1.3"}, {name: b, run: "true"}]' > w.workflow
	# the step's own line covers the RUN line: no escape codes for it
	run script -qec 'TERM=xterm NO_COLOR=1 joe run -o o1' /dev/null
	[[ "$output" == $'\rRUN  01-a 1s\rPASS 01-a 1.'[3-9]$'s\r\n\rPASS 02-b 0.'* ]]
	[[ "$output" != *$'\033'* ]]
	run script -qec 'TERM=xterm joe run -o o2' /dev/null
	[[ "$output" == $'\rRUN  01-a 1s\r\033[32mPASS\033[m 01-a 1.'* ]]
	for c in 'joe run -q -o o3' 'joe run -v -o o4' 'TERM=dumb joe run -o o5'; do
		run script -qec "TERM=xterm; $c" /dev/null
		[ "$status" = 0 ]
		[[ "$output" != *RUN* ]]
	done
	[[ "$output" == $'PASS 01-a 1.'[3-9]$'s\r\nPASS 02-b'* ]]
	joe run -o o6 > piped
	! grep -q "RUN" piped
	! grep -q $'\r' piped
}

@test "colour only on a terminal, and not with NO_COLOR (not empty) or TERM=dumb" {
	echo 'steps: [{name: a, run: "true"}, {name: b, run: "false"}]' > w.workflow
	# tty ENV...: joe run and joe report -f text on a pty (script(1)), with ENV
	tty() {
		env "$@" script -qec 'joe run -o out; joe report -f text out' /dev/null |
		    tr -d '\r'
	}
	esc=$(printf '\033')
	run tty TERM=xterm
	[[ "$output" == *"${esc}[32mPASS${esc}[m 01-a "* ]]
	[[ "$output" == *"${esc}[31mFAIL${esc}[m 02-b "* ]]
	[ "$(grep -c "$esc" <<< "$output")" -ge 3 ]	# the report's too
	rm -rf out
	run tty TERM=xterm NO_COLOR=
	[[ "$output" == *"${esc}[32mPASS"* ]]
	for e in NO_COLOR=1 TERM=dumb; do
		rm -rf out
		run tty TERM=xterm "$e"
		[[ "$output" == *"PASS 01-a "*"FAIL 02-b "* ]]
		[[ "$output" != *"$esc"* ]]
	done
	joe run -o out2 > piped || true	# not a terminal
	! grep -q "$esc" piped
}

@test "started with stdout or stderr closed: each byte in one log, once" {
	echo 'steps: [{name: a, run: "echo one; echo two >&2"}]' > w.workflow
	joe run -v -o out >&-
	[ "$(cat out/01-a/cmd-01.log | tr '\n' ' ')" = "one two " ]
	joe run -v -o out2 2>&- >&-
	[ "$(cat out2/01-a/cmd-01.log | tr '\n' ' ')" = "one two " ]
	mkdir -p run/01-s
	JOE_OUTPUT=$PWD/run JOE_STEP=01-s joe run -- 'echo hi; echo err >&2' >&- 2>&-
	[ "$(cat run/01-s/cmd-01.log | tr '\n' ' ')" = "hi err " ]
}
