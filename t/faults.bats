#!/usr/bin/env bats
# Injected faults (issue 12): signals at the worst moment, a SIGKILLed run,
# a full disk, a run directory removed, secrets in ps. Records stay true.
load helper

teardown() {
	cd "$BATS_TEST_TMPDIR"
	! mountpoint -q fs || umount fs
}

# ms: milliseconds since the epoch.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

@test "a timeout just after fork ends the command with TERM, not KILL" {
	local i t0
	for i in 1 2 3 4 5; do
		t0=$(ms)
		run -143 joe run -T 0.001 -- sleep 5
		# coarse: the KILL would come 2 s later
		[ $(($(ms) - t0)) -lt 1500 ]
	done
}

@test "a timeout before exec is never lost: the command never passes" {
	local i
	for i in $(seq 20); do
		run -143 joe run -T 0.001 -- sleep 1
	done
}

@test "SIGKILL to joe run: the command it runs ends too" {
	wf w <<-'EOF'
	steps:
	- {name: hang, run: "echo started; sleep 1261.5"}
	EOF
	started out/01-hang/cmd-01.log joe run -o out
	kill -KILL $pid
	wait $pid || true
	gone 'sleep 1261.5'
	# started and never finished: the log is there, the records are not
	[ "$(cat out/01-hang/cmd-01.log)" = started ]
	[ ! -s out/steps.tsv ] && [ ! -e out/commands.tsv ]
	# steps.tsv comes with the first step: a run killed in its first step
	# is a run whose step did not finish, not "not a run directory"
	run -1 --separate-stderr joe report out
	[ "${lines[1]}" = "ERROR 01-hang 0.0s" ]
	[ "${lines[-1]}" = "out: 0 passed, 1 failed, 0 skipped" ]
	[ "${stderr_lines[0]}" = "out/01-hang: did not finish" ]
}

@test "SIGKILL to joe run: a worklet and the joe run -- in it end too" {
	mkdir -p pk/p tmp
	printf '#!/bin/sh\necho "$JOE_CONFIG" > "$JOE_OUTPUT/../private"\njoe run -- "echo started; sleep 1262.5"\n' > pk/p/nest1262
	chmod +x pk/p/nest1262
	echo 'steps: [{name: a, uses: p.nest1262}]' > w.workflow
	TMPDIR=$PWD/tmp JOE_PATH=$PWD/pk started out/01-a/cmd-02.log \
	    env -u XDG_RUNTIME_DIR joe run -o out
	[ -f "$(cat private)" ]
	kill -KILL $pid
	wait $pid || true
	gone 'sleep 1262.5'
	gone '/bin/sh .*/nest1262'
	[ ! -e out/commands.tsv ]
	# the private config, with the secrets, is gone too: the guardian's
	[[ "$(cat private)" = "$PWD"/tmp/joe-config-* ]]
	waitfor eval '[ -z "$(ls tmp)" ]'
}

@test "at a normal end, what a command left in the background stays" {
	wf w <<-'EOF'
	steps:
	- name: bg
	  run: |
	    setsid sleep 1263.5 </dev/null >/dev/null 2>&1 &
	    sleep 1263.6 </dev/null >/dev/null 2>&1 &
	EOF
	run joe run -o out
	[ "$status" = 0 ]
	sleep 0.5
	pgrep -xf 'sleep 1263.5'
	pgrep -xf 'sleep 1263.6'
	pkill -xf 'sleep 1263.[56]'
}

# fulldisk [REDIR]: into a 64 KiB tmpfs (fs, the cwd after), a workflow
# whose step fills it (head's stderr to REDIR if given), then 150 commands.
fulldisk() {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
	mkdir fs
	mount -t tmpfs -o size=64k tmpfs fs || skip "cannot mount a tmpfs"
	cd fs
	{
		echo 'steps:'
		echo '- name: fill'
		echo '  run: |'
		echo '    true'
		echo "    head -c 1000000 /dev/zero > fill${1:+ $1}; true"
		for i in $(seq 150); do echo '    true'; done
	} > w.workflow
}

@test "a full disk: records whole or absent, exit 1, each file lost named once" {
	fulldisk
	run --separate-stderr joe run -o out
	[ "$status" = 1 ]
	o=$BATS_TEST_TMPDIR/fs/out e=": No space left on device"
	[ "${stderr_lines[0]}" = "joe-run: cannot write $o/01-fill/cmd-02.log$e" ]
	[ "${stderr_lines[1]}" = "joe-run: cannot write $o/commands.tsv$e" ]
	[ "${stderr_lines[2]}" = "joe-run: cannot write $o/steps.tsv$e" ]
	[ "${stderr_lines[3]}" = "joe-run: $o: the records are not complete" ]
	[ "${#stderr_lines[@]}" = 4 ]
	[ ! -s out/steps.tsv ]
}

@test "a full disk: a record cut short is cut off, the others stay whole" {
	fulldisk '2>/dev/null'
	run --separate-stderr joe run -o out
	[ "$status" = 1 ]
	[ "${stderr_lines[0]}" = "joe-run: cannot write $PWD/out/commands.tsv: No space left on device" ]
	n=$(wc -l < out/commands.tsv)
	[ "$n" -gt 2 ] && [ "$n" -lt 150 ]
	[ "$(awk -F'\t' '{ print NF }' out/commands.tsv | sort -u)" = 8 ]
	[ -z "$(tail -c 1 out/commands.tsv | tr -d '\n')" ]
	[ "$(cut -f2 out/commands.tsv | tail -n 1)" = "$n" ]
}

@test "no inode left for a step's directory: error, always steps tried, exit 1" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
	printf '%s\n' 'steps:' '- {name: a, run: echo a}' '- {name: b, run: false}' \
	    '- {name: c, always: true, run: echo c}' > w.workflow
	mkdir fs
	# 8 inodes: fs, out, config.yaml, workflow.yaml, 01-a, steps.tsv,
	# cmd-01.log, commands.tsv; none for 02-b
	mount -t tmpfs -o size=1m,nr_inodes=8 tmpfs fs || skip "cannot mount a tmpfs"
	run --separate-stderr joe run -o fs/out w.workflow
	[ "$status" = 1 ]
	[ "$(cut -f1,3 fs/out/steps.tsv | tr '\n\t' ' ,')" = "01-a,pass 02-b,error 03-c,error " ]
	[ "${stderr_lines[0]}" = "joe-run: cannot create $PWD/fs/out/02-b: No space left on device" ]
	[ "${stderr_lines[1]}" = "joe-run: cannot create $PWD/fs/out/03-c: No space left on device" ]
	[ "${stderr_lines[-1]}" = "joe-run: $PWD/fs/out: the records are not complete" ]
}

@test "the run directory removed mid-run: exit 1, said so" {
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    rm -rf out
	    true
	EOF
	run --separate-stderr joe run -o out
	[ "$status" = 1 ]
	[ "${stderr_lines[0]}" = "joe-run: cannot write $PWD/out/commands.tsv: No such file or directory" ]
	[ "${stderr_lines[1]}" = "joe-run: cannot create $PWD/out/01-a/cmd-02.log: No such file or directory" ]
}

@test "a worklet's joe run --: its output in its own log only, captured still" {
	mkdir -p pk/p
	printf '%s\n' '#!/bin/sh' "joe run -- echo 'lat: 5 us'" \
	    'x=$(joe run -- echo hi); echo "got $x"' \
	    "joe run -- 'echo oops >&2'" > pk/p/w
	chmod +x pk/p/w
	echo 'steps: [{name: a, uses: p.w, extract: kv}]' > w.workflow
	JOE_PATH=$PWD/pk run joe run -o out
	[ "$status" = 0 ]
	[ "$(cat out/metrics.tsv)" = "01-a	lat	5	us" ]
	[ "$(cat out/01-a/cmd-01.log)" = "got hi" ]
	[ "$(cat out/01-a/cmd-02.log)" = "lat: 5 us" ]
	[ "$(cat out/01-a/cmd-03.log)" = "hi" ]
	[ "$(cat out/01-a/cmd-04.log)" = "oops" ]
	# outside a worklet, joe run -- still shows what the command prints
	run joe run -- 'echo out; echo err >&2'
	[ "$output" = "out
err" ]
}

@test "env values of local commands are not in ps, the command has them" {
	cat > c.yaml <<-'EOF'
	transport: {local: {}}
	env: {API_TOKEN: t0k3n-XYZ}
	EOF
	wf w <<-'EOF'
	steps:
	- name: s
	  env: {DB_PASSWORD: s3cr3t-XYZ}
	  run: echo "$DB_PASSWORD $API_TOKEN started" | tr a-z A-Z | sed s/STARTED/started/; sleep 1264.5; true
	EOF
	started out/01-s/cmd-01.log joe run -c c.yaml -o out
	ps -eo args > ps.txt
	kill -TERM $pid
	wait $pid || true
	grep -q 'sleep 1264.5' ps.txt
	[ "$(grep -c -e s3cr3t-XYZ -e t0k3n-XYZ ps.txt)" = 0 ]
	# the log masks the values as printed; their upper case shows they came
	[ "$(cat out/01-s/cmd-01.log)" = "S3CR3T-XYZ T0K3N-XYZ started" ]
}
