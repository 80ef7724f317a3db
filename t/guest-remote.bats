#!/usr/bin/env bats
# A guest on another machine: qemu.guests.NAME.on names a transport, here
# the test sshd on 127.0.0.1 (as the throw-away user joet) standing in
# for a lab box. joe qemu runs there (nothing of joe installed there: the
# script travels with each command), the guest's state is there, and the
# guest's transport reaches it through the box. Run by make check-guest.
load helper
load sshd

setup_file() {
	"$BATS_TEST_DIRNAME/fixtures/guest/build" >/dev/null
	sshd_start
	export G="$BATS_TEST_DIRNAME/fixtures/guest/cache"
}

teardown_file() {
	local p
	for p in "$FIX"/remote/*/qemu.pid; do
		[ ! -f "$p" ] || kill "$(cat "$p")" 2>/dev/null || true
	done
	sshd_stop
}

# cfg: c.config with the box, the guest g on it in $FIX/remote/gN and the
# transport g into the guest.
cfg() {
	P=$FIX/remote/g$BATS_TEST_NUMBER
	{
		cat "$FIX/ssh.config"
		printf '  g: {guest: g}\n  local: {}\nqemu:\n  guests:\n    g:\n'
		printf '      on: box\n      append: console=ttyS0 quiet\n'
		guest_keys "$P" 256M
		printf '      nvme: [{image: nvme0.qcow2, size: 64M}]\n'
	} > c.config
}

@test "on: box: the guest runs on the box as its user, a workflow reaches it through the box" {
	cfg
	cat > w.workflow <<-EOF
	steps:
	- {name: start, uses: qemu.start, with: {guest: g}}
	- {name: wait, uses: qemu.wait, with: {guest: g}}
	- name: where
	  transport: local
	  run: ps -o user= -p "\$(cat $P/qemu.pid)"
	- name: in
	  transport: g
	  run: |
	    uname -n
	    ls /dev/nvme0n1
	- {name: kill, uses: qemu.kill, with: {guest: g}, always: true}
	EOF
	run joe run -c c.config w.workflow
	echo "$output"
	[ "$status" = 0 ]
	[ "$(cat joe-output/latest/03-where/cmd-01.log)" = "$SSH_USER" ]
	[ "$(cat joe-output/latest/04-in/cmd-01.log)" = joe-guest ]
	grep -q '^g: started, pid [0-9]*, accel tcg, ssh port [0-9]*$' \
	    joe-output/latest/01-start/cmd-01.log
	grep -q '^g: answers over ssh after ' joe-output/latest/02-wait/cmd-01.log
	grep -q "^g: powered off in " joe-output/latest/05-kill/cmd-01.log
	# the box's files are the box user's; the key went there, private
	[ "$(stat -c %U "$P/qemu.err" "$P/id")" = "$SSH_USER
$SSH_USER" ]
	[ "$(stat -c %a "$P/id")" = 600 ]
	cmp "$P/id" "$G/id"
	[ ! -e "$P/ssh_config" ] && [ ! -e "$P/qemu.pid" ]
}

@test "on: box: status and errors come from the box, ssh and console through it" {
	cfg
	run -1 joe qemu -c c.config status g
	[ "$output" = stopped ]
	run -1 joe qemu -c c.config ssh g true
	[ "$output" = "joe-qemu: g is not running" ]
	sed 's/on: box/on: nobox/' c.config > n.config
	run -2 joe qemu -c n.config status g
	[ "$output" = "n.config:$(grep -n 'on: nobox' n.config | cut -d: -f1):7: no transport 'nobox' in the config" ]
	joe qemu -c c.config start g
	joe qemu -c c.config wait -T 60 g
	run joe qemu -c c.config status g
	[[ "$output" == "running pid "*" accel tcg ssh port "* ]]
	run joe qemu -c c.config ssh g cat /proc/sys/kernel/hostname
	[ "$output" = joe-guest ]
	grep -q 'ProxyCommand sh -c ' "$P/ssh_config"
	run sh -c "printf 'echo on-the-console\r\n' |
	    timeout 5 joe qemu -c c.config console g"
	run joe qemu -c c.config kill g
	[[ "$output" == "g: powered off in "* ]]
	grep -q on-the-console "$P/serial.log"
	run -1 joe qemu -c c.config status g
	[ "$output" = stopped ]
}
