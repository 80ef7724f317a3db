# A real sshd on 127.0.0.1 for the tests of one file: its own host key,
# client key, sshd_config and PidFile in a fixture directory ($FIX). As root
# it logs in a throw-away user with a plain /bin/sh (joet), so that root's
# shell start-up files are not measured or run.
sshd_start() {
	local port try
	FIX=$(mktemp -d /tmp/joe-sshd.XXXXXX)
	chmod 755 "$FIX"
	if [ "$(id -u)" = 0 ]; then
		SSH_USER=joet
		id joet >/dev/null 2>&1 || useradd -m -s /bin/sh joet
		usermod -p '*' joet	# no password, yet not locked
		mkdir -p /run/sshd
	else
		SSH_USER=$(id -un)
	fi
	ssh-keygen -q -t ed25519 -N '' -C host -f "$FIX/host_key"
	ssh-keygen -q -t ed25519 -N '' -C client -f "$FIX/id"
	cp "$FIX/id.pub" "$FIX/authorized_keys"
	chmod 644 "$FIX/authorized_keys"
	mkdir -m 777 "$FIX/remote"
	mkdir -m 700 "$FIX/run"
	for try in $(seq 20); do
		port=$((20000 + RANDOM % 40000))
		cat > "$FIX/sshd_config" <<-EOF2
		ListenAddress 127.0.0.1
		Port $port
		HostKey $FIX/host_key
		PidFile $FIX/sshd.pid
		AuthorizedKeysFile $FIX/authorized_keys
		StrictModes no
		UsePAM no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PubkeyAuthentication yes
		AllowTcpForwarding yes
		MaxSessions 100
		MaxStartups 100
		LogLevel VERBOSE
		Subsystem sftp internal-sftp
		EOF2
		if /usr/sbin/sshd -f "$FIX/sshd_config" -E "$FIX/sshd.log"; then
			SSH_PORT=$port
			break
		fi
	done
	[ -n "${SSH_PORT:-}" ] || { echo "cannot start sshd" >&2; return 1; }
	echo "[127.0.0.1]:$SSH_PORT,[localhost]:$SSH_PORT $(cut -d' ' -f1,2 "$FIX/host_key.pub")" > "$FIX/known_hosts"
	cat > "$FIX/ssh.config" <<-EOF2
	transport:
	  box:
	    host: 127.0.0.1
	    port: $SSH_PORT
	    user: $SSH_USER
	    identity: $FIX/id
	    known_hosts: $FIX/known_hosts
	EOF2
	export FIX SSH_PORT SSH_USER
	export XDG_RUNTIME_DIR="$FIX/run"	# private ControlPath directory
}

sshd_stop() {
	[ -n "${FIX:-}" ] || return 0
	kill "$(cat "$FIX/sshd.pid")" 2>/dev/null || :
	pkill -f "$FIX/run/" 2>/dev/null || :	# masters: ssh: DIR/HASH [mux]
	rm -rf "$FIX"	# (set -e: a kill or pkill that finds none must not stop this)
}

# A test file that loads this one gets its own sshd for all its tests.
setup_file() {
	sshd_start
}

teardown_file() {
	sshd_stop
}

# boxcfg [YAML]...: c.config: the transports box and local, TMPDIR on the
# target in $T (to see that nothing is left there); YAML lines added
# under env. The worklet's own TMPDIR is ./ltmp.
boxcfg() {
	T=$FIX/remote/tmp$BATS_TEST_NUMBER
	rm -rf "$T" && mkdir -m 777 "$T"
	mkdir -p ltmp
	export TMPDIR=$PWD/ltmp
	{
		cat "$FIX/ssh.config"
		printf '  local: {}\nenv:\n  TMPDIR: %s\n' "$T"
		[ $# = 0 ] || printf '  %s\n' "$@"
	} > c.config
}

# logins: how many times a client authenticated to the sshd so far.
logins() {
	grep -c 'Accepted publickey' "$FIX/sshd.log"
}
