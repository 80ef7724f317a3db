#!/usr/bin/env bats
# joe run over a real sshd on 127.0.0.1: exact status, env, output, kills.
load helper
load sshd

@test "a command over ssh runs as the target's user" {
	run joe run -c "$FIX/ssh.config" -t box -- id -un
	[ "$status" = 0 ]
	[ "$output" = "$SSH_USER" ]
}

@test "the first transport is the default" {
	run joe run -c "$FIX/ssh.config" -- 'echo $SSH_CONNECTION'
	[ "$status" = 0 ]
	[[ "$output" == "127.0.0.1 "* ]]
}

@test "exit status passes through: 0 1 2 127 and the command's own 255" {
	for rc in 0 1 2 127 255; do
		run -$rc joe run -c "$FIX/ssh.config" -- "exit $rc"
		[ "$status" = $rc ]
	done
	wf w <<-'EOF'
	steps:
	- {name: a, run: "exit 255"}
	EOF
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "fail	255" ]
	[[ "$output" == *"FAIL 01-a"* ]]
}

@test "ssh's own 255, a closed port: status error, exit 255, no hang" {
	printf 'transport:\n  dead: {host: 127.0.0.1, port: 1}\n' > dead.config
	echo 'steps: [{name: a, run: "true"}, {name: b, run: "true"}]' > w.workflow
	run timeout 30 joe run -c dead.config -o out
	[ "$status" = 255 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "error	255" ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "error skip " ]
	[[ "$output" == *"ERROR 01-a"* ]]
	grep -q 'Connection refused' out/01-a/cmd-01.log
}

@test "a refused key fails at once instead of prompting (BatchMode)" {
	ssh-keygen -q -t ed25519 -N '' -f other
	export XDG_RUNTIME_DIR=$PWD	# no master to reuse
	run timeout 30 joe run -c "$FIX/ssh.config" -D transport.box.identity=$PWD/other -- true
	[ "$status" = 255 ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "an unknown host key is refused, not accepted" {
	: > empty_known_hosts
	export XDG_RUNTIME_DIR=$PWD
	run timeout 30 joe run -c "$FIX/ssh.config" -D transport.box.known_hosts=$PWD/empty_known_hosts -- true
	[ "$status" = 255 ]
	[[ "$output" == *"Host key verification failed"* ]]
}

@test "killing the sshd mid-command: status error, exit 255" {
	echo 'steps: [{name: a, run: "echo started; sleep 2346.5"}]' > w.workflow
	started out/01-a/cmd-01.log joe run -c "$FIX/ssh.config" -o out
	for p in $(pgrep -P "$(cat "$FIX/sshd.pid")"); do	# this sshd's
		pkill -P $p; kill $p 2>/dev/null || true	# connections
	done
	status=0
	wait $pid || status=$?
	[ "$status" = 255 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "error	255" ]
	gone 'sleep 2346.5'
}

@test "a target that stops answering ends the command (keepalives): error, exit 255" {
	echo 'steps: [{name: a, timeout: 120, run: "echo started; sleep 2347.5"}]' > w.workflow
	started out/01-a/cmd-01.log joe run -c "$FIX/ssh.config" -o out
	frozen=$(for p in $(pgrep -P "$(cat "$FIX/sshd.pid")"); do
		echo $p; pgrep -P $p -x sshd; done)	# this sshd's connections
	kill -STOP $frozen
	status=0
	timeout 60 tail --pid=$pid -f /dev/null || status=$?
	kill -CONT $frozen; kill $frozen 2>/dev/null || true
	pkill -f 'sleep 2347.5' || true
	[ "$status" = 0 ]
	wait $pid || status=$?
	[ "$status" = 255 ]
	[ "$(cut -f3,4 out/commands.tsv)" = "error	255" ]
}

@test "environment values with every byte 1-255 arrive intact" {
	v=$(for i in $(seq 1 255); do printf "\\$(printf %o $i)"; done)
	printf '%s' "$v" > want
	printf 'env:\n  A: "{{ env.V }}"\n' > e.config
	V="$v" run joe run -c "$FIX/ssh.config" -c e.config -- "printf %s \"\$A\" > $FIX/remote/got"
	[ "$status" = 0 ]
	cmp want "$FIX/remote/got"
	printf 'steps:\n- {name: a, env: {B: "{{ env.V }}"}, run: "printf %%s \\"$B\\" > %s/got2"}\n' "$FIX/remote" > w.workflow
	V="$v" run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	cmp want "$FIX/remote/got2"
}

@test "quoting torture: words reach the target exactly" {
	run joe run -c "$FIX/ssh.config" -- printf '[%s]' "a'b" 'c"d' '$HOME' '`id`' 'x\y' '' ' ' '*' '-n' "$(printf 'l1\nl2')"
	[ "$status" = 0 ]
	[ "$output" = "[a'b][c\"d][\$HOME][\`id\`][x\\y][][ ][*][-n][l1
l2]" ]
}

@test "stdout and stderr stay apart with --" {
	run --separate-stderr joe run -c "$FIX/ssh.config" -- 'echo out; echo err >&2'
	[ "$output" = out ]
	[ "$stderr" = err ]
}

@test "stdin on the target is /dev/null" {
	run timeout 20 joe run -c "$FIX/ssh.config" -- 'cat; echo end'
	[ "$status" = 0 ]
	[ "$output" = end ]
}

@test "200 MiB on each of stdout and stderr over ssh: no line spliced, RSS < 8 MiB" {
	n=3276800
	seq -f 'o%062.0f' 1 $n > "$FIX/remote/o.txt"
	seq -f 'e%062.0f' 1 $n > "$FIX/remote/e.txt"
	echo "steps: [{name: big, run: \"cat $FIX/remote/o.txt & cat $FIX/remote/e.txt >&2; wait\"}]" > w.workflow
	/usr/bin/time -f %M -o rss joe run -c "$FIX/ssh.config" -o out
	rm -f "$FIX/remote/o.txt" "$FIX/remote/e.txt"
	log=out/01-big/cmd-01.log
	[ "$(wc -c < $log)" = 419430400 ]
	[ "$(grep -cv '^[oe][0-9]\{62\}$' $log)" = 0 ]
	[ "$(grep -c '^o' $log)" = $n ]
	grep '^o' $log | cut -c2- | sort -c -n
	grep '^e' $log | cut -c2- | sort -c -n
	echo "max RSS $(cat rss) KiB"
	[ "${SANITIZE:-0}" = 1 ] || [ "$(cat rss)" -lt 8192 ]
}

@test "a timeout ends the command on the target too" {
	echo 'steps: [{name: a, timeout: 1, run: "sleep 2347.5"}]' > w.workflow
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 1 ]
	[ "$(cut -f3 out/commands.tsv)" = timeout ]
	gone 'sleep 2347.5'
}

@test "a command ignoring TERM on the target gets KILL" {
	echo "steps: [{name: a, timeout: 1, run: \"trap '' TERM; sleep 2348.5; true\"}]" > w.workflow
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 1 ]
	[ "$(cut -f3 out/commands.tsv)" = timeout ]
	sleep 2
	gone 'sleep 2348.5'
}

@test "SIGINT ends the command on the target, records stay, exit 130" {
	echo 'steps: [{name: a, run: "echo started; sleep 2349.5"}, {name: b, always: true, run: "echo clean"}]' > w.workflow
	started out/01-a/cmd-01.log joe run -c "$FIX/ssh.config" -o out
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" = 130 ]
	[ "$(cut -f3 out/steps.tsv | tr '\n' ' ')" = "interrupted pass " ]
	[ "$(cat out/02-b/cmd-01.log)" = clean ]
	gone 'sleep 2349.5'
}

@test "the connection is shared: later commands and runs do not log in again" {
	joe run -c "$FIX/ssh.config" -- true
	n=$(logins)
	for i in 1 2 3; do joe run -c "$FIX/ssh.config" -- true; done
	echo 'steps: [{name: a, run: "true"}, {name: b, run: "true"}]' > w.workflow
	joe run -c "$FIX/ssh.config" -o out
	[ "$(logins)" = "$n" ]
	ls -la "$XDG_RUNTIME_DIR/joe-ssh-$(id -u)" | grep -q '^s'
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/joe-ssh-$(id -u)")" = 700 ]
}

@test "a control directory others can use is refused" {
	mkdir -m 777 ctl
	XDG_RUNTIME_DIR=$PWD/ctl joe run -c "$FIX/ssh.config" -- true
	chmod 777 "$PWD/ctl/joe-ssh-$(id -u)"
	XDG_RUNTIME_DIR=$PWD/ctl run joe run -c "$FIX/ssh.config" -- true
	[ "$status" = 1 ]
	[[ "$output" == *"must be a directory of yours that only you can use"* ]]
}

@test "options are passed as ssh -o and come before joe's defaults" {
	printf 'transport:\n  box:\n    options: [ConnectTimeout=3, "SetEnv=JOE_T=x"]\n' > o.config
	run joe run -c "$FIX/ssh.config" -c o.config -- 'echo ${JOE_T:-unset}'
	[ "$status" = 0 ]
	export XDG_RUNTIME_DIR=$PWD
	printf 'transport:\n  box:\n    options: [Port=1]\n' > p.config
	run joe run -c "$FIX/ssh.config" -c p.config -D transport.box.port= -- true
	[ "$status" = 255 ]
	[[ "$output" == *"port 1: Connection refused"* ]]
	printf 'transport:\n  box:\n    options: [[x]]\n' > bad.config
	run joe run -c "$FIX/ssh.config" -c bad.config -- true
	[ "$status" = 2 ]
	[[ "$output" == *"ssh options must be plain values"* ]]
	printf 'transport:\n  box:\n    hots: x\n' > bad.config
	run joe run -c "$FIX/ssh.config" -c bad.config -- true
	[ "$status" = 2 ]
	[[ "$output" == *"unknown transport key 'hots'"* ]]
}

@test "jump: through a jump host with the transport's key and checks" {
	printf 'transport:\n  box:\n    jump: %s@127.0.0.1:%s\n' "$SSH_USER" "$SSH_PORT" > j.config
	export XDG_RUNTIME_DIR=$PWD	# no shared connection to reuse
	n=$(logins)
	run joe run -c "$FIX/ssh.config" -c j.config -- 'echo $SSH_CONNECTION'
	[ "$status" = 0 ]
	[ "$(logins)" = $((n + 2)) ]	# the jump host, then the box
}

@test "-i opens a shell on the target with the config's environment" {
	printf 'env:\n  JOE_X: from-config\n' > e.config
	run timeout 30 script -qec "joe run -i -c $FIX/ssh.config -c e.config" /dev/null <<-'EOF'
	echo "[$JOE_X] [$(id -un)]"
	exit
	EOF
	[[ "$output" == *"[from-config] [$SSH_USER]"* ]]
}

@test "-i -- command: its stdin, output and status are ours; no terminal: a shell reads stdin" {
	printf 'env:\n  JOE_X: "a b"\n' > e.config
	j() { joe run -i -c "$FIX/ssh.config" -c e.config "$@"; }
	[ "$(echo piped | j -- 'read -r l; echo "[$l] [$JOE_X]"')" = "[piped] [a b]" ]
	[ "$(j -- printf '%s|' 'a b' "c'd")" = "a b|c'd|" ]
	run -3 j -- sh -c 'exit 3'
	run -4 j <<< 'echo "hi $(id -un)"; exit 4'
	[ "$output" = "hi $SSH_USER" ]
	head -c 300000 /dev/urandom > data
	j -- cat < data > back
	cmp data back
	run -2 joe run -i -c "$FIX/ssh.config" -l x -- true
	run -2 joe run -i -c "$FIX/ssh.config" true
}

@test "the command sees no positional parameters, as locally" {
	run joe run -c "$FIX/ssh.config" -- 'echo "$#"'
	[ "$output" = 0 ]
}

@test "a command that waits for its own background jobs ends" {
	run timeout 20 joe run -c "$FIX/ssh.config" -- 'sleep 0.2 & wait; echo done'
	[ "$status" = 0 ]
	[ "$output" = done ]
}

@test "cwd and step env apply on the target" {
	printf 'steps:\n- {name: a, cwd: %s, env: {X: "a b"}, run: "pwd; echo \\"$X\\""}\n' "$FIX/remote" > w.workflow
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "$FIX/remote
a b" ]
}

@test "-v streams a remote command's output as it arrives" {
	echo 'steps: [{name: a, run: "echo out; echo err >&2"}]' > w.workflow
	run --separate-stderr joe run -v -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	[[ "$output" == *"+ echo out; echo err >&2"*out* ]]
	[ "$stderr" = err ]
}

@test "-n checks and plans without connecting" {
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	export XDG_RUNTIME_DIR=$PWD
	n=$(logins)
	run joe run -n -c "$FIX/ssh.config"
	[ "$status" = 0 ]
	[ "$output" = "./w.workflow	01-a	box	true" ]
	[ "$(logins)" = "$n" ]
	[ ! -e "$PWD/joe-ssh-$(id -u)" ]
}

@test "a run's commands on a target share one session there" {
	printf 'steps:\n- {name: a, run: "true\\ntrue\\ntrue"}\n- {name: b, run: "true"}\n' > w.workflow
	n=$(grep -c 'Starting session' "$FIX/sshd.log" || true)
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	[ "$(wc -l < out/commands.tsv)" = 4 ]
	[ "$(grep -c 'Starting session' "$FIX/sshd.log")" = $((n + 1)) ]
}

@test "in a session: a last line with no newline, a clean shell, stdin empty, exit" {
	wf w <<-'EOF2'
	steps:
	- name: a
	  run: |
	    printf 'no newline'; printf 'err' >&2
	    echo "$# [$T$p$l$N$r]"; x=1
	    echo "[$x]"; read y; echo "read $?"
	    exit 3
	    echo not reached
	EOF2
	run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 1 ]
	[ "$(cut -f2,3,4 out/commands.tsv | tr '\t\n' ' |')" = "1 pass 0|2 pass 0|3 pass 0|4 fail 3|" ]
	[ "$(cat out/01-a/cmd-01.log)" = "no newlineerr" ]
	[ "$(cat out/01-a/cmd-02.log)" = "0 []" ]
	[ "$(cat out/01-a/cmd-03.log)" = "[]
read 1" ]
}

@test "a command that ends its session: status error; the next one gets a new session" {
	echo 'steps: [{name: a, run: "echo bye; kill -KILL 0"}, {name: b, run: "echo fine"}]' > w.workflow
	run joe run -k -c "$FIX/ssh.config" -o out
	[ "$status" = 255 ]
	[ "$(cut -f3,4 out/commands.tsv | tr '\t\n' ' |')" = "error 255|pass 0|" ]
	[ "$(cat out/01-a/cmd-01.log)" = bye ]
	[ "$(cat out/02-b/cmd-01.log)" = fine ]
}

@test "a command's kill 0 (TERM) ends that command only: the next one runs, same session" {
	echo 'steps: [{name: a, run: "echo bye; kill 0"}, {name: b, run: "echo fine"}]' > w.workflow
	n=$(grep -c 'Starting session' "$FIX/sshd.log" || true)
	run joe run -k -c "$FIX/ssh.config" -o out
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv | tr '\t\n' ' |')" = "fail 143|pass 0|" ]
	[ "$(cat out/02-b/cmd-01.log)" = fine ]
	[ "$(grep -c 'Starting session' "$FIX/sshd.log")" = $((n + 1)) ]
}

@test "background processes a command leaves keep running after the run" {
	echo 'steps: [{name: a, run: "sleep 2352.5 >/dev/null 2>&1 &"}]' > w.workflow
	run timeout 20 joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	sleep 0.5
	pgrep -xf 'sleep 2352.5'
	pkill -xf 'sleep 2352.5'
}

@test "SIGKILL to joe run ends the command on the target too" {
	echo 'steps: [{name: a, run: "echo started; sleep 2353.5"}]' > w.workflow
	started out/01-a/cmd-01.log joe run -c "$FIX/ssh.config" -o out
	kill -KILL $pid
	wait $pid || true
	sleep 2
	gone 'sleep 2353.5'
}

@test "in a session: long last lines with no newline, across the buffer's size" {
	sizes="65400 65472 65490 65500 65536 65600 131000 200000"
	{ echo 'steps:'; echo '- name: a'; echo '  run: |'
	  for n in $sizes; do echo "    head -c $n /dev/zero | tr '\\0' x; head -c $n /dev/zero | tr '\\0' y >&2"; done
	} > w.workflow
	run timeout 60 joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	i=0
	for n in $sizes; do
		i=$((i + 1))
		f=out/01-a/cmd-0$i.log
		[ "$(tr -d x < $f | wc -c)" = $n ]
		[ "$(tr -d y < $f | wc -c)" = $n ]
	done
}

@test "a transport naming a guest reaches it by ssh -F PATH/ssh_config, its own keys winning" {
	export XDG_RUNTIME_DIR=$PWD	# no master to reuse: the host key is checked
	mkdir g
	echo "alias $(cut -d' ' -f1,2 "$FIX/host_key.pub")" > alias_hosts
	cat > g.config <<-EOF2
	transport:
	  g: {guest: g1}
	  h: {guest: g1, port: $SSH_PORT, user: $SSH_USER, known_hosts: $PWD/alias_hosts,
	      options: [HostKeyAlias=alias, ControlMaster=no]}
	qemu:
	  guests:
	    g1:
	      path: $PWD/g
	      user: nobody
	EOF2
	run joe run -c g.config -- true
	[ "$status" = 255 ]
	[[ "$output" == *"transport g: its guest is not running (no $PWD/g/ssh_config)"* ]]
	# as joe qemu start writes it
	printf 'Host *\n\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile "%s"\n\tUserKnownHostsFile "%s"\n\tHostKeyAlias=no-such-alias\n' \
	    "$SSH_PORT" "$SSH_USER" "$FIX/id" "$FIX/known_hosts" > g/ssh_config
	run joe run -c g.config -- true
	[ "$status" = 255 ]
	[[ "$output" == *"Host key verification failed"* ]]
	[[ "$output" != *"not running"* ]]
	run joe run -c g.config -t h -- 'id -un'
	[ "$status" = 0 ]
	[ "$output" = "$SSH_USER" ]
	sed -i -e 's/Port .*/Port 1/' -e 's/User .*/User root/' g/ssh_config
	run joe run -c g.config -t h -- 'id -un'
	[ "$status" = 0 ]
	[ "$output" = "$SSH_USER" ]
	printf 'Host *\n\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile "%s"\n\tUserKnownHostsFile "%s"\n' \
	    "$SSH_PORT" "$SSH_USER" "$FIX/id" "$FIX/known_hosts" > g/ssh_config
	run joe run -c g.config -- 'id -un'
	[ "$status" = 0 ]
	[ "$output" = "$SSH_USER" ]
	printf 'transport:\n  g: {guest: g2}\n' > bad.config
	run joe run -c bad.config -- true
	[ "$status" = 2 ]
	[ "$output" = "bad.config:2:7: no guest 'g2' in qemu.guests" ]
	printf 'transport:\n  g: {guest: g1}\nqemu: {guests: {g1: {path: rel}}}\n' > bad.config
	run joe run -c bad.config -- true
	[ "$status" = 2 ]
	[ "$output" = "bad.config:3:17: qemu.guests.g1.path must be an absolute path" ]
}
