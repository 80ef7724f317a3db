#!/usr/bin/env bats
# The standard worklets of pkgs/core (core.put, core.get, core.wait,
# core.repo) in real workflows run by joe run, over the test sshd.
load helper
load sshd

# cfg: the test sshd's config as w.config, with the local transport too.
cfg() {
	cp "$FIX/ssh.config" w.config
	printf '  local: {}\n' >> w.config
}

@test "core.put, core.get: relative local paths in the step's directory, a list of sources or one a line, there and back" {
	cfg
	r=$FIX/remote/pg$BATS_TEST_NUMBER
	mkdir -m 777 "$r"
	echo one > /tmp/joe-pg-abs.$$
	wf w <<-EOF
	steps:
	- name: make
	  transport: local
	  cwd: $PWD/out/01-make
	  run: mkdir d && echo two > d/two && echo three > three
	- name: put
	  uses: core.put
	  with: {src: ../01-make/d, dst: $r/d}
	- name: put2
	  uses: core.put
	  with:
	    src: [../01-make/three, /tmp/joe-pg-abs.$$]
	    dst: $r/
	- {name: there, run: "cat $r/d/two $r/three $r/joe-pg-abs.$$"}
	- name: get
	  uses: core.get
	  with: {src: $r/d, dst: back}
	- name: get2
	  uses: core.get
	  with:
	    src: |
	      $r/three
	      $r/joe-pg-abs.$$
	    dst: .
	EOF
	run joe run -c w.config -o out w.workflow
	rm -f /tmp/joe-pg-abs.$$
	echo "$output"
	[ "$status" = 0 ]
	[ "$(cat out/04-there/cmd-01.log)" = "two
three
one" ]
	[ "$(cat out/05-get/back/two)" = two ]
	[ "$(cat out/06-get2/three out/06-get2/joe-pg-abs.$$)" = "three
one" ]
	[ "$(cut -f3,7,8 out/commands.tsv | grep "$(printf '\tbox\tput ')" | tr '\t\n' ' |')" = "pass box put ../01-make/d $r/d|pass box put ../01-make/three $r/|pass box put /tmp/joe-pg-abs.$$ $r/|" ]
}

# bad WORKLET 'WITH' MESSAGE: a step of WORKLET with these with: values
# fails, exit 2 of the worklet, b.workflow:2:MESSAGE the last line of its
# log (MESSAGE begins with the column of the bad key, else of with:).
bad() {
	printf 'steps:\n- {name: x, uses: %s, with: %s}\n' "$1" "$2" > b.workflow
	rm -rf bout
	run -1 joe run -c w.config -o bout b.workflow
	[ "$(cut -f3,4 bout/commands.tsv)" = "fail	2" ] &&
		[ "$(tail -n 1 bout/01-x/cmd-01.log)" = "b.workflow:2:$3" ] ||
		{ echo "$1 $2: got $(cat bout/commands.tsv bout/01-x/cmd-01.log)"; return 1; }
}

@test "core.put, core.get, core.wait, core.repo: missing and bad with: values, exit 2" {
	cfg
	bad core.put '{dst: /tmp}' "29: core.put: with.src: missing"
	bad core.put '{src: a}' "29: core.put: with.dst: missing"
	bad core.put '{src: "", dst: /tmp}' "36: core.put: with.src: missing"
	bad core.get '{dst: .}' "29: core.get: with.src: missing"
	bad core.get '{src: /etc/hostname}' "29: core.get: with.dst: missing"
	bad core.wait '{state: sideways}' "37: core.wait: with.state: must be up or down, not 'sideways'"
	bad core.wait '{timeout: 5s}' "37: core.wait: with.timeout: must be whole seconds, not '5s'"
	bad core.wait '{interval: -1}' "37: core.wait: with.interval: must be whole seconds, not '-1'"
	bad core.repo '{dir: x}' "30: core.repo: with.url: missing"
	bad core.repo '{url: x}' "30: core.repo: with.dir: missing"
	bad core.repo '{url: x, dir: y, recursive: yes}' "53: core.repo: with.recursive: must be true or false, not 'yes'"
}

@test "core.put, core.get, core.wait, core.repo: a with: key they do not know, exit 2" {
	cfg
	bad core.wait '{stat: down, timeout: 1}' "37: core.wait: with.stat: not a key of core.wait"
	bad core.put '{src: a, dst: /tmp, mode: 644}' "55: core.put: with.mode: not a key of core.put"
	bad core.get '{src: /etc/hostname, dest: .}' "56: core.get: with.dest: not a key of core.get"
	bad core.repo '{url: x, dir: y, reff: v1}' "53: core.repo: with.reff: not a key of core.repo"
}

@test "core.wait: a try that joe run refuses is no answer: exit 2 with its message" {
	cfg
	run -2 env JOE_CONFIG=w.config JOE_TRANSPORT=nosuch JOE_WITH_STATE=down \
		"$TOP/pkgs/core/wait"
	[ "$output" = "joe-run: no transport 'nosuch' in the config" ]
}

# master: the pid of the test sshd's shared ssh master for box.
master() {
	ssh -o ControlPath="$XDG_RUNTIME_DIR/joe-ssh-$(id -u)/$(ssh -G -p "$SSH_PORT" -l "$SSH_USER" 127.0.0.1 -o 'ControlPath=%C' | sed -n 's/^controlpath //p')" -O check x 2>&1 | sed -n 's/.*pid=\([0-9]*\).*/\1/p'
}

@test "core.wait: sshd stopped with a shared master still up: down; started again: up; the steps after run" {
	cfg
	joe run -c w.config -t box -- true	# a shared master, which outlives sshd
	[ -n "$(master)" ]
	wf w <<-EOF
	steps:
	- {name: stop, transport: local, run: "kill \$(cat $FIX/sshd.pid)"}
	- {name: down, uses: core.wait, with: {state: down, timeout: 60}}
	- {name: master, run: echo the shared master still works}
	- name: start
	  transport: local
	  run: (sleep 3; exec /usr/sbin/sshd -f $FIX/sshd_config -E $FIX/sshd.log) >/dev/null 2>&1 &
	- {name: up, uses: core.wait, with: {timeout: 60}}
	- {name: after, run: echo after}
	EOF
	run timeout 200 joe run -c w.config -o out w.workflow
	echo "$output"
	[ "$status" = 0 ]
	[[ "$(cat out/02-down/cmd-01.log)" =~ ^core.wait:\ box\ down\ after\ [0-9]+\ s$ ]]
	[[ "$(cat out/05-up/cmd-01.log)" =~ ^core.wait:\ box\ up\ after\ [0-9]+\ s$ ]]
	[ "$(cat out/06-after/cmd-01.log)" = after ]
	[ "$(wc -l < out/commands.tsv)" = 6 ]	# the tries are not recorded
}

@test "core.wait: out of time, exit 1 with the last try's messages; down on a box that stays up" {
	cfg
	kill "$(cat "$FIX/sshd.pid")"
	wf w <<-EOF
	steps:
	- {name: up, uses: core.wait, with: {timeout: 2}}
	EOF
	run timeout 100 joe run -c w.config -o out w.workflow
	/usr/sbin/sshd -f "$FIX/sshd_config" -E "$FIX/sshd.log"
	[ "$status" = 1 ]
	[ "$(tail -n 1 out/01-up/cmd-01.log)" = "core.wait: box not up after 2 s" ]
	grep -q 'Connection refused' out/01-up/cmd-01.log
	[ "$(cut -f3,4 out/commands.tsv)" = "fail	1" ]
	printf 'steps:\n- {name: down, uses: core.wait, with: {state: down, timeout: 1, interval: 0}}\n' > w.workflow
	run timeout 100 joe run -c w.config -o out2 w.workflow
	[ "$status" = 1 ]
	[ "$(cat out2/01-down/cmd-01.log)" = "core.wait: box not down after 1 s" ]
}

@test "core.wait: neither a dead shared master nor a server that never speaks holds it up" {
	cfg
	joe run -c w.config -t box -- true
	m=$(master)
	kill -STOP "$m"
	run -124 timeout 5 joe run -c w.config -t box -- true	# dead, as said
	wf w <<-EOF
	steps:
	- {name: up, uses: core.wait, with: {timeout: 60}}
	- {name: after, run: echo after}
	EOF
	run timeout 100 joe run -c w.config -o out w.workflow
	kill -KILL "$m"
	echo "$output"
	[ "$status" = 0 ]
	[ "$(head -n 1 out/01-up/cmd-01.log)" = "core.wait: ended box's shared ssh connection, which did not answer" ]
	[ "$(cat out/02-after/cmd-01.log)" = after ]
	# a port that takes connections and never answers: ssh's ConnectTimeout
	python3 -c 'import socket,time
s=socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(120)' > port &
	py=$!
	waitfor test -s port
	printf 'transport:\n  mute: {host: 127.0.0.1, port: %s}\n' "$(cat port)" > m.config
	printf 'steps:\n- {name: up, uses: core.wait, with: {timeout: 1}}\n' > w.workflow
	run timeout 60 joe run -c m.config -o out2 w.workflow
	kill "$py"
	[ "$status" = 1 ]
	[ "$(tail -n 1 out2/01-up/cmd-01.log)" = "core.wait: mute not up after 1 s" ]
}

# A bare repository served by the test sshd, cloned over ssh on the target
# (the test sshd's user) with the test's key and known hosts in the step's
# env. gitrepo: $FIX/repo.git with main's first commit, $C1, and a
# submodule sub (from $FIX/sub.git); src is the local clone to push from.
gitrepo() {
	export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@joe GIT_COMMITTER_NAME=t \
		GIT_COMMITTER_EMAIL=t@joe
	url=ssh://$SSH_USER@127.0.0.1:$SSH_PORT$FIX
	cp "$FIX/id" "$FIX/gitid"	# for the sshd's user, root's own key is not
	[ "$(id -u)" != 0 ] || chmod 644 "$FIX/gitid"
	rm -rf "$FIX/repo.git" "$FIX/sub.git" src sub
	git init -q --bare -b main "$FIX/repo.git"
	git init -q --bare -b main "$FIX/sub.git"
	git init -q -b main sub
	echo s > sub/s && git -C sub add s && git -C sub commit -qm s
	git -C sub push -q "$FIX/sub.git" main
	git init -q -b main src
	echo 1 > src/f
	git -C src -c protocol.file.allow=always submodule add -q "$FIX/sub.git" sub
	git -C src config -f .gitmodules submodule.sub.url "$url/sub.git"
	git -C src add -A && git -C src commit -qm one
	git -C src push -q "$FIX/repo.git" main
	C1=$(git -C src rev-parse HEAD)
	# served to the sshd's user, they must be its own (safe.directory);
	# pushed to by this user (as root, this HOME is private)
	[ "$(id -u)" != 0 ] || chown -R "$SSH_USER" "$FIX/repo.git" "$FIX/sub.git"
	git config --global safe.directory '*'
}

# repo WITH: run a core.repo step with these with: values (a YAML mapping's
# inside) on box; its log in out/01-repo/cmd-01.log.
repo() {
	cat > r.workflow <<-EOF
	steps:
	- name: repo
	  uses: core.repo
	  env: {GIT_SSH_COMMAND: "ssh -i $FIX/gitid -o UserKnownHostsFile=$FIX/known_hosts -o BatchMode=yes"}
	  with: {$1}
	EOF
	rm -rf out
	run joe run -c w.config -o out r.workflow
	echo "$output"
}

@test "core.repo: clone with submodules, fetch a new commit, a tag, a commit, the remote's HEAD" {
	cfg
	gitrepo
	d=$FIX/remote/clone$BATS_TEST_NUMBER
	repo "url: $url/repo.git, dir: $d, ref: main, recursive: true"
	[ "$status" = 0 ]
	[ "$(tail -n 1 out/01-repo/cmd-02.log)" = "core.repo: $d at $C1" ]
	[ "$(cat "$d/f" "$d/sub/s")" = "1
s" ]
	echo 2 > src/f && git -C src commit -qam two && git -C src tag v2 &&
		git -C src push -q --tags "$FIX/repo.git" main
	C2=$(git -C src rev-parse HEAD)
	repo "url: $url/repo.git, dir: $d, ref: main"
	[ "$status" = 0 ]
	[ "$(tail -n 1 out/01-repo/cmd-02.log)" = "core.repo: $d at $C2" ]
	[ "$(git -C "$d" symbolic-ref --short HEAD)" = main ]
	[ "$(cat "$d/f")" = 2 ]
	repo "url: $url/repo.git, dir: $d, ref: $C1"
	[ "$(tail -n 1 out/01-repo/cmd-02.log)" = "core.repo: $d at $C1" ]
	repo "url: $url/repo.git, dir: $d, ref: v2"
	[ "$(tail -n 1 out/01-repo/cmd-02.log)" = "core.repo: $d at $C2" ]
	[ "$(cat "$d/f")" = 2 ]
	repo "url: $url/repo.git, dir: $d"	# the remote's HEAD: main
	[ "$(tail -n 1 out/01-repo/cmd-02.log)" = "core.repo: $d at $C2" ]
	[ "$(git -C "$d" symbolic-ref --short HEAD)" = main ]
}

@test "core.repo: a bad ref, a bad url: exit 1 with git's message" {
	cfg
	gitrepo
	d=$FIX/remote/clone$BATS_TEST_NUMBER
	repo "url: $url/repo.git, dir: $d, ref: nosuch"
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv | tr '\t\n' ' |')" = "fail 1|fail 1|" ]
	[ "$(cat out/01-repo/cmd-02.log)" = "error: pathspec 'nosuch' did not match any file(s) known to git" ]
	repo "url: $url/nosuch.git, dir: $d.2"
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv | tr '\t\n' ' |')" = "fail 1|fail 1|" ]
	grep -q "^fatal: '$FIX/nosuch.git' does not appear to be a git repository$" out/01-repo/cmd-02.log
	[ ! -e "$d.2" ]
}
