# Common set-up: the build tree's joe first on PATH, a clean environment,
bats_require_minimum_version 1.5.0
# a private HOME, and the test's own temporary directory as cwd.
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# PATH without bats' libexec directory, which bats puts first: there
# "bats" needs a function bats exports, which sh drops (core.test on
# transport local runs bats through sh).
setup() {
	export PATH="$TOP:$(echo "$PATH" | tr : '\n' | grep -v bats-core | paste -sd:)"
	unset JOE_CONFIG JOE_PATH JOE_OUTPUT JOE_STEP JOE_TRANSPORT
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	cd "$BATS_TEST_TMPDIR"
}

# wf NAME: write the workflow NAME.workflow from stdin.
wf() {
	cat > "$1.workflow"
}

# field FILE LINE N: field N of line LINE of a records file.
field() {
	sed -n "$2p" "$1" | cut -f"$3"
}

# waitfor CMD...: retry CMD for up to 10 s.
waitfor() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# line FILE N: line N of a records file, its tabs shown as |.
line() {
	sed -n "$2p" "$1" | tr '\t' '|'
}

# gone PATTERN: no process whose whole command line matches (allowing 1 s
# for killed processes to finish dying).
gone() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pgrep -xf "$1" >/dev/null || return 0
		sleep 0.1
	done
	pgrep -axf "$1"
	return 1
}

# started LOG CMD...: start CMD in the background, its output in ./log and
# its pid in $pid, and wait until the command log LOG says "started".
started() {
	local f=$1
	shift
	"$@" > log 2>&1 3>&- &
	pid=$!
	waitfor grep -q started "$f"
}

# guest_up MEMORY FIRST [NVME]: in setup_file, boot the test guest
# (t/fixtures/guest, built once) as guest g under TCG for a file's tests:
# D is its directory, with g.config; G the guest's files; transports vm
# (the guest) and local, FIRST of them the default; NVME, a YAML flow
# mapping, gives it an NVMe drive. guest_down, in teardown_file, ends it.
guest_up() {
	"$BATS_TEST_DIRNAME/fixtures/guest/build" >/dev/null
	D=$(mktemp -d /tmp/jg.XXXX)
	mkdir -m 700 "$D/run"
	G=$BATS_TEST_DIRNAME/fixtures/guest/cache
	export D G XDG_RUNTIME_DIR="$D/run"	# private ssh ControlPath directory
	local vm='  vm: {guest: g}' local='  local: {}'
	{
		printf 'qemu:\n  guests:\n    g:\n'
		guest_keys "$D/g" "$1"
		[ -z "${3-}" ] || printf '      nvme: [%s]\n' "$3"
		echo transport:
		if [ "$2" = vm ]; then echo "$vm"; echo "$local"; else echo "$local"; echo "$vm"; fi
	} > "$D/g.config"
	[ -z "${3-}" ] || "$TOP/joe" qemu -c "$D/g.config" init g >/dev/null
	"$TOP/joe" qemu -c "$D/g.config" start g >/dev/null
	"$TOP/joe" qemu -c "$D/g.config" wait -T 120 g >/dev/null
}

# guest_keys PATH MEMORY: the keys of a test guest in PATH (under
# qemu.guests.NAME), booting $G's kernel and initrd.
guest_keys() {
	printf '      %s\n' "path: $1" "kernel: $G/vmlinuz" \
		"initrd: $G/initrd.img" "memory: $2" "identity: $G/id" \
		"known_hosts: $G/known_hosts" "options: [HostKeyAlias=joe-guest]"
}

guest_down() {
	"$TOP/joe" qemu -c "$D/g.config" -D qemu.guests.g.grace=5 kill g >/dev/null
	rm -rf "$D"
}
