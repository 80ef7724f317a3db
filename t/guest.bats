#!/usr/bin/env bats
# joe qemu with real QEMU guests under TCG: the test guest that
# t/fixtures/guest/build makes (a kernel and an initramfs with dropbear),
# built once. Each test has its own guest directories under a short /tmp
# directory, as unix socket paths must stay under 108 bytes. Run by
# `make check-guest`, not by `make check`.
load helper

setup_file() {
	"$BATS_TEST_DIRNAME/fixtures/guest/build" >/dev/null
	D=$(mktemp -d /tmp/jq.XXXX)
	mkdir -m 700 "$D/run"
	export D G="$BATS_TEST_DIRNAME/fixtures/guest/cache"
	export XDG_RUNTIME_DIR="$D/run"	# private ssh ControlPath directory
}

teardown_file() {
	rm -rf "$D"
}

# Guests a failed test left running end with it (TERM: qemu quits at once).
teardown() {
	local p
	for p in "$D/$BATS_TEST_NUMBER"*/qemu.pid; do
		[ ! -f "$p" ] || kill "$(cat "$p")" 2>/dev/null || true
	done
}

# cfg [NAME]...: g.config with these guests (default g), each in
# $D/<test number><name> with a 64M nvme drive, booted with $APPEND if set.
cfg() {
	local n
	printf 'qemu:\n  guests:\n' > g.config
	for n in "${@:-g}"; do
		cat >> g.config <<-EOF
		    $n:
		      path: $D/$BATS_TEST_NUMBER$n
		      kernel: $G/vmlinuz
		      initrd: $G/initrd.img
		      append: ${APPEND:-console=ttyS0 quiet}
		      memory: 256M
		      identity: $G/id
		      known_hosts: $G/known_hosts
		      options: [HostKeyAlias=joe-guest]
		      nvme:
		      - {image: nvme0.qcow2, size: 64M}
		EOF
	done
}

# more LINE...: YAML lines for the last guest of g.config.
more() {
	printf '      %s\n' "$@" >> g.config
}

q() {
	joe qemu -c g.config "$@"
}

# dir NAME: the directory of guest NAME (default g).
dir() {
	echo "$D/$BATS_TEST_NUMBER${1:-g}"
}

# nothing_left NAME: no qemu of guest NAME, none of its run-time files.
nothing_left() {
	local d
	d=$(dir "$1")
	! pgrep -f "$d/" || return 1
	[ ! -e "$d/qemu.pid" ] && [ ! -e "$d/qmp.sock" ] &&
		[ ! -e "$d/console.sock" ] && [ ! -e "$d/ssh_port" ] &&
		[ ! -e "$d/ssh_config" ]
}

@test "init makes the nvme images once and keeps them" {
	cfg
	qemu-img create -q -f qcow2 base.qcow2 32M
	more "- {image: over.qcow2, base: $PWD/base.qcow2, serial: s2}"
	run q init g
	[ "$status" = 0 ]
	[ "${lines[0]}" = "g: made $(dir)/nvme0.qcow2" ]
	[ "${lines[1]}" = "g: made $(dir)/over.qcow2" ]
	qemu-img info "$(dir)/nvme0.qcow2" | grep -q 'virtual size: 64 MiB'
	qemu-img info "$(dir)/over.qcow2" | grep -q "backing file: $PWD/base.qcow2"
	before=$(stat -c %i.%Y.%s "$(dir)"/*.qcow2)
	sleep 1
	run q init g
	[ "$status" = 0 ]
	[ -z "$output" ]
	[ "$(stat -c %i.%Y.%s "$(dir)"/*.qcow2)" = "$before" ]
}

@test "start, status, wait, ssh, kill: a guest's life, accel auto is tcg" {
	cfg
	run q start g
	[ "$status" = 0 ]
	[ "${lines[0]}" = "g: made $(dir)/nvme0.qcow2" ]
	[ "${lines[1]}" = "g: accel tcg: the CPU has no vmx or svm" ]
	[[ "${lines[2]}" =~ ^g:\ started,\ pid\ [0-9]+,\ accel\ tcg,\ ssh\ port\ [0-9]+$ ]]
	pid=$(cat "$(dir)/qemu.pid")
	port=$(cat "$(dir)/ssh_port")
	[ "${lines[2]}" = "g: started, pid $pid, accel tcg, ssh port $port" ]
	[ "$(cat "$(dir)/accel")" = tcg ]
	grep -q "^qemu-system-x86_64 -name g -accel tcg .* -daemonize " "$(dir)/cmdline"
	run q status g
	[ "$output" = "running pid $pid accel tcg ssh port $port" ]
	run q wait -T 60 g
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == "g: answers over ssh after "* ]]
	[ "$(cat "$(dir)/ssh_config")" = "Host *
	HostName 127.0.0.1
	Port $port
	User root
	IdentityFile \"$G/id\"
	UserKnownHostsFile \"$G/known_hosts\"
	HostKeyAlias=joe-guest" ]
	run ssh -F "$(dir)/ssh_config" x uname -n	# by hand, as joe-qemu(1) says
	[ "$status" = 0 ]
	[ "$output" = joe-guest ]
	run q ssh g uname -s
	[ "$status" = 0 ]
	[ "$output" = Linux ]
	run q ssh g 'ls /dev/nvme0n1'
	[ "$output" = /dev/nvme0n1 ]
	printf 'env:\n  JOE_X: "a b"\n' >> g.config	# as joe run -t would
	run q ssh g 'echo "[$JOE_X]"'
	[ "$output" = "[a b]" ]
	head -c 1048576 /dev/urandom > data
	q ssh g 'dd of=/dev/nvme0n1 bs=64k conv=fsync 2>/dev/null' < data
	q ssh g 'dd if=/dev/nvme0n1 bs=64k count=16 2>/dev/null' > back
	cmp data back
	run -3 q ssh g -- sh -c 'exit 3'
	run -4 q ssh g <<< 'echo hi; exit 4'
	[ "$output" = hi ]
	run q kill g
	[ "$status" = 0 ]
	[[ "$output" =~ ^g:\ powered\ off\ in\ [0-9.]+\ s$ ]]
	run -1 q status g
	[ "$output" = stopped ]
	nothing_left g
	grep -q 'acpid: power button' "$(dir)/serial.log"
}

@test "start twice: the second is refused" {
	cfg
	q start g
	pid=$(cat "$(dir)/qemu.pid")
	run -1 q start g
	[ "$output" = "joe-qemu: g is already running (pid $pid)" ]
	q -D qemu.guests.g.grace=1 kill g
	nothing_left g
}

@test "ssh_port: 0 picks a free port, two guests at once; a busy one is refused" {
	cfg a b
	q start a
	pa=$(cat "$(dir a)/ssh_port")
	run -1 q -D qemu.guests.b.ssh_port="$pa" start b
	[ "$output" = "joe-qemu: port $pa is busy" ]
	nothing_left b
	q start b
	pb=$(cat "$(dir b)/ssh_port")
	[ "$pa" != "$pb" ]
	q wait a &
	q wait b
	wait $!
	q ssh a 'hostname > /tmp/me; echo a > /tmp/who'
	q ssh b 'echo b > /tmp/who'
	[ "$(q ssh a cat /tmp/who)" = a ]
	[ "$(q ssh b cat /tmp/who)" = b ]
	q kill a
	q kill b
	nothing_left a
	nothing_left b
	run q -D qemu.guests.a.ssh_port="$pa" -D qemu.guests.a.grace=1 start a
	[ "$status" = 0 ]
	[[ "$output" == *", ssh port $pa" ]]
	[ "$(cat "$(dir a)/ssh_port")" = "$pa" ]
	q -D qemu.guests.a.grace=1 kill a
}

@test "qemu that fails to start: exit 1 with its message, nothing left" {
	cfg
	more 'extra: [-device, nosuch]'
	run -1 q start g
	[[ "$output" == *"joe-qemu: g: qemu failed to start"* ]]
	[[ "$output" == *"-device nosuch: 'nosuch' is not a valid device model name"* ]]
	run -1 q status g
	nothing_left g
}

@test "wait on a guest that does not let us in: exit 1 at -T with ssh's words and the serial log" {
	cfg
	ssh-keygen -q -t ed25519 -N '' -f other
	q -D qemu.guests.g.identity="$PWD/other" start g
	SECONDS=0
	run -1 q -D qemu.guests.g.identity="$PWD/other" wait -T 8 g
	[ "$SECONDS" -ge 8 ] && [ "$SECONDS" -le 16 ]
	[[ "$output" == *"joe-qemu: g: no answer over ssh in 8 s"* ]]
	[[ "$output" == *"the last lines of $(dir)/wait.log:"* ]]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"the last lines of $(dir)/serial.log:"* ]]
	[[ "$output" == *"Exit before auth"* ]]	# dropbear's, in serial.log
	q kill g
}

@test "a guest that dies while we wait: exit 2 with the end of its serial log" {
	APPEND='console=ttyS0 panic=1 rdinit=/bin/false' cfg
	more 'extra: [-no-reboot]'
	q start g
	SECONDS=0
	run -2 q wait -T 60 g
	[ "$SECONDS" -le 30 ]
	[[ "$output" == *"joe-qemu: g: qemu is gone"* ]]
	[[ "$output" == *"Rebooting in 1 seconds"* ]]	# the panic's last line
	run -1 q status g
	run -2 q wait g
	[ "$output" = "joe-qemu: g is not running" ]
}

@test "a kernel that panics: wait says so at once (exit 2), status says panicked (exit 1), a step on its transport says so, kill does not wait for a power-off" {
	# no init: the kernel panics and hangs (panic=0), no pvpanic driver
	# loaded; the serial log tells
	APPEND='console=ttyS0 quiet rdinit=/bin/false' cfg
	q start g
	SECONDS=0
	run -2 q wait -T 60 g
	[ "$SECONDS" -le 30 ]
	[[ "$output" == *"joe-qemu: g: its kernel panicked"* ]]
	[[ "$output" == *"Attempted to kill init"* ]]
	run -1 q status g
	[[ "${lines[0]}" =~ ^panicked\ pid\ [0-9]+\ accel\ tcg\ ssh\ port\ [0-9]+$ ]]
	[[ "$output" == *"end Kernel panic"* ]]
	run q kill g
	[[ "$output" =~ ^g:\ killed\ after\ [0-9.]+\ s\ \(SIGTERM\;\ its\ kernel\ had\ panicked\)$ ]]
	nothing_left g
	# the test guest's init loads pvpanic: QEMU pauses a kernel that
	# says it panicked, and QMP tells
	cfg
	q start g
	q wait g
	grep -q -- '-device pvpanic .*-action panic=pause' "$(dir)/cmdline"
	q ssh g 'sleep 1; echo c > /proc/sysrq-trigger' > /dev/null 2>&1 &
	waitfor eval 'q status g 2>/dev/null | grep -q ^panicked'
	kill %1 2>/dev/null || true
	# a step on its transport fails with the reason, not ssh's alone
	printf 'transport:\n  g: {guest: g}\n' >> g.config
	run -255 joe run -c g.config -t g -- true
	echo "$output"
	[[ "$output" == *"transport g: its guest's kernel panicked: Kernel panic - not syncing: sysrq triggered crash"* ]]
	run q kill g
	[[ "$output" == *"(SIGTERM; its kernel had panicked)" ]]
}

@test "console: stdin to the serial port, its output to stdout, Ctrl-] leaves, on a terminal too" {
	APPEND='console=ttyS0 quiet rdinit=/bin/sh' cfg
	q start g
	waitfor grep -q 'job control turned off' "$(dir)/serial.log"
	run bash -c "{ printf 'echo jo\$((6*7))e\\n'; sleep 3; } | joe qemu -c g.config console g"
	[ "$status" = 0 ]
	[ "${lines[0]}" = "Connected to g's console; Ctrl-] to leave" ]
	[[ "$output" == *jo42e* ]]
	grep -q jo42e "$(dir)/serial.log"
	mkfifo in
	joe qemu -c g.config console g < in > out 2>&1 &
	pid=$!
	exec 5> in	# stdin stays open: only Ctrl-] ends it
	printf 'echo x\n\035echo never\n' >&5
	waitfor eval '! kill -0 $pid 2>/dev/null'
	exec 5>&-
	wait $pid
	sleep 1
	run ! grep -q never "$(dir)/serial.log"
	# on a terminal: raw (Ctrl-] with no newline leaves at once, while
	# stdin stays open), then as before
	mkfifo tty.in
	(sleep 2; printf 'echo t$((6*7))y\r'; sleep 3; printf '\035'
		exec sleep 60) > tty.in 3>&- &
	pid=$!
	run timeout 30 script -qec "stty -g > before; joe qemu -c g.config console g; stty -g > after" /dev/null < tty.in
	kill $pid
	[ "$status" = 0 ]
	[[ "$output" == *"Connected to g's console; Ctrl-] to leave"*t42y* ]]
	[ -s before ] && [ "$(cat before)" = "$(cat after)" ]
	q -D qemu.guests.g.grace=1 kill g
}

@test "kill: a guest that ignores the power button ends after grace" {
	APPEND='console=ttyS0 quiet rdinit=/bin/sh' cfg
	more 'grace: 2'
	q start g
	waitfor grep -q 'job control turned off' "$(dir)/serial.log"
	SECONDS=0
	run q kill g
	[ "$status" = 0 ]
	[[ "$output" =~ ^g:\ killed\ after\ [0-9.]+\ s\ \(SIGTERM\;\ no\ power-off\ in\ 2\ s\)$ ]]
	[ "$SECONDS" -ge 2 ] && [ "$SECONDS" -le 6 ]
	run -1 q status g
	nothing_left g
}

@test "nvme namespaces and zoned namespaces reach the guest" {
	cfg
	more '- {image: two.qcow2, size: 64M, namespaces: 2, serial: two}' \
		'- {image: zns.qcow2, size: 64M, zoned: true}'
	q start g
	q wait g
	run q ssh g 'cd /sys/block; echo $(cat nvme1n1/size nvme1n2/size nvme2n1/queue/zoned nvme0n1/queue/zoned)'
	[ "$output" = "65536 65536 host-managed none" ]
	q kill g
}

@test "nvme topology: block size, metadata and PI, zone limits and ZRWA, mdts, one subsystem of two controllers; a key this QEMU lacks is refused first" {
	cfg
	more '- image: b.qcow2' '  size: 64M' '  mdts: 4' '  namespaces:' \
		'  - {size: 16M, lbads: 12}' '  - {ms: 8, pi: 1}' \
		'  - {zoned: true, zone_size: 4M, max_open: 2, max_active: 3,' \
		'     zrwa: 2, zrwa_size: 64K, zrwa_flush: 16K}' \
		'- {image: c.qcow2, size: 32M, subsys: s1, namespaces: 2}' \
		'- {image: d.qcow2, size: 32M, subsys: s1, zoned: true}'
	# QEMU 7.2 (Debian 12) has no fdp: refused at its place, nothing made
	sed 's/subsys: s1, zoned/subsys: s1, fdp: true, zoned/' g.config > f.config
	run -2 joe qemu -c f.config start g
	echo "$output"
	[[ "$output" == "f.config:23:49: fdp needs the nvme-subsys property fdp, which qemu-system-x86_64 does not have (QEMU emulator version "* ]]
	[ ! -e "$(dir)" ]
	q start g
	grep -q 'zoned.zone_size=4194304,zoned.zrwas=65536,zoned.zrwafg=16384,zoned.max_open=2,zoned.max_active=3,zoned.numzrwa=2,logical_block_size=512,physical_block_size=512,zoned=true ' "$(dir)/cmdline"
	q wait g
	run q ssh g 'cd /sys/block; for b in nvme1n1 nvme1n2 nvme1n3; do
		echo $(cat $b/size $b/queue/logical_block_size $b/integrity/format \
		    $b/queue/zoned $b/queue/chunk_sectors $b/queue/max_hw_sectors_kb)
	done; cat nvme1n3/queue/max_open_zones nvme1n3/queue/max_active_zones
	for s in /sys/class/nvme-subsystem/*; do
		[ "$(cat $s/subsysnqn)" = nqn.2019-08.org.qemu:s1 ] &&
		echo $(cat $s/serial) $(ls -d $s/nvme[0-9] | wc -l) $(ls -d $s/nvme*n* | wc -l)
	done'
	echo "$output"
	# 24 MiB of 512-byte blocks with 8 bytes of metadata each: 48395 blocks
	[ "$output" = "32768 4096 none none 0 64
48395 512 T10-DIF-TYPE1-CRC none 0 64
49152 512 none host-managed 8192 64
2
3
joe0003 2 3" ]
	q kill g
}

@test "nvme format raw and discard: a raw image, and what the guest discards the image gives back" {
	cfg
	more '- {image: r.raw, size: 64M, format: raw, discard: true, namespaces: 2}'
	q start g
	qemu-img info -U "$(dir)/r.raw" | grep -q '^file format: raw$'
	grep -q 'driver=raw,node-name=nvm1,discard=unmap,file.driver=file,file.filename=.*/r.raw ' "$(dir)/cmdline"
	grep -q 'driver=raw,node-name=nvm1n2,file=nvm1,offset=33554432,size=33554432,discard=unmap ' "$(dir)/cmdline"
	q wait g
	q ssh g 'head -c 16777216 /dev/urandom | dd of=/dev/nvme1n2 bs=65536 conv=fsync 2>/dev/null'
	before=$(du -k "$(dir)/r.raw" | cut -f1)
	q ssh g 'blkdiscard /dev/nvme1n2'
	after=$(du -k "$(dir)/r.raw" | cut -f1)
	q kill g
	echo "$before $after"
	[ "$before" -ge 16384 ] && [ "$after" -lt 1024 ]
}

@test "bus: on q35 each controller behind a root port of its own, or a downstream port of a named switch" {
	cfg
	more '- {image: b.qcow2, size: 32M, bus: s0, serial: b}' \
		'- {image: c.qcow2, size: 32M, bus: s0, serial: c}' 'machine: q35'
	q start g
	q wait g
	# serial, PCI devices on the way from the root complex, the first
	run q ssh g 'for c in /sys/class/nvme/nvme*; do
		p=$(readlink -f $c/device | tr / "\n" | grep "^0000:")
		echo $(cat $c/serial) $(echo "$p" | wc -l) $(echo "$p" | head -n 1)
	done | sort'
	echo "$output"
	set -- $output
	[ "$1 $2 $4 $5 $7 $8" = "b 4 c 4 joe0001 2" ]
	[ "$3" = "$6" ] && [ "$3" != "$9" ]	# b and c: one switch
	grep -q 'x3130-upstream,id=sw-s0,bus=rp2 ' "$(dir)/cmdline"
	q kill g
}

@test "boot_base: the boot disk a layer over it; seed: a cloud-init NoCloud seed the guest sees as a disk labelled cidata" {
	cfg
	printf 'joe-base-marker' > base.raw
	truncate -s 1M base.raw
	more "boot: disk.qcow2" "boot_base: $PWD/base.raw" 'seed:' \
		'  hostname: seeded' '  packages: [fio, nvme-cli]' \
		'  commands: [echo "a \\ b", "touch /ok"]'
	run q start g
	[ "${lines[0]}" = "g: made $(dir)/disk.qcow2" ]
	qemu-img info -U "$(dir)/disk.qcow2" | grep -q "backing file: $PWD/base.raw"
	grep -q -- '-drive file=.*/disk.qcow2,if=virtio,format=qcow2 ' "$(dir)/cmdline"
	grep -q -- "file.driver=vvfat,file.dir=$(dir)/seed,file.label=cidata" "$(dir)/cmdline"
	q wait g
	# the boot disk reads the base and writes to its layer
	# the seed: vdb, its first partition FAT16 labelled cidata (the
	# label at byte 43 of its boot sector: the guest has no blkid)
	run q ssh g 'head -c 15 /dev/vda; echo; echo changed | dd of=/dev/vda conv=notrunc 2>/dev/null
		dd if=/dev/vdb1 bs=1 skip=43 count=11 2>/dev/null; echo
		mkdir /seed; mount -t vfat -o ro /dev/vdb1 /seed &&
		cat /seed/meta-data /seed/user-data'
	q kill g
	echo "$output"
	[ "${lines[0]}" = joe-base-marker ]
	[ "${lines[1]}" = "cidata     " ]
	[ "$(head -c 15 base.raw)" = joe-base-marker ]
	ud=$(cat "$(dir)/seed/user-data")
	[ "${lines[2]}" = "instance-id: joe-g-$(cksum < "$(dir)/seed/user-data" | cut -d' ' -f1)" ]
	[ "${lines[3]}" = "local-hostname: seeded" ]
	[ "$(printf '%s\n' "${lines[@]:4}")" = "$ud" ]
	[ "$ud" = '#cloud-config
hostname: "seeded"
disable_root: false
ssh_pwauth: false
users:
- name: "root"
  lock_passwd: true
  ssh_authorized_keys: ["'"$(cat "$G/id.pub")"'"]
package_update: true
packages:
- "fio"
- "nvme-cli"
runcmd:
- "echo \"a \\\\ b\""
- "touch /ok"' ]
}

@test "not running: status 1, kill 0, wait 2, ssh and console 1; a stale pidfile is removed" {
	cfg
	run -1 q status g
	[ "$output" = stopped ]
	mkdir -p "$(dir)"
	echo $$ > "$(dir)/qemu.pid"	# alive, but not qemu holding its lock
	run -1 q status g
	run q kill g
	[ "$output" = "g is not running" ]
	[ ! -e "$(dir)/qemu.pid" ]
	run -2 q wait g
	run -1 q ssh g true
	[ "$output" = "joe-qemu: g is not running" ]
	run -1 q console g
	run -2 joe qemu
	run -2 q bogus g
	run -2 q start
	run -2 q status g h
	run -2 q -T 5 start g
	run -2 q status nosuch
	[ "$output" = "joe-qemu: no guest 'nosuch' in the config (qemu.guests)" ]
}

@test "a bad config is reported at its place, exit 2" {
	bad() {	# bad LINE:COL:MESSAGE YAML
		printf 'qemu:\n  guests:\n    g:\n%s\n' "$2" > b.config
		run -2 joe qemu -c b.config status g
		[ "$output" = "b.config:$1" ] || { echo "got: $output"; return 1; }
	}
	k="      kernel: /k"
	bad "3:5: guest g needs a path" "$k"
	bad "3:5: guest g needs a kernel, a boot disk or an image" "      path: /tmp/x"
	bad "6:7: unknown guest key 'kernal'" "      path: /x
$k
      kernal: /k"
	bad "6:7: smp must be a whole number from 1 to 1024, not 'two'" "      path: /x
$k
      smp: two"
	bad "6:7: memory must be a size such as 512M, not '1 GB'" "      path: /x
$k
      memory: 1 GB"
	bad "6:7: extra must be a list" "      path: /x
$k
      extra: -S"
	bad "6:7: accel must be auto, kvm or tcg" "      path: /x
$k
      accel: hvf"
	bad "7:20: unknown nvme key 'sise'" "      path: /x
$k
      nvme:
      - {image: a, sise: 1M}"
	bad "6:7: grace must be seconds from 0.001 to 2592000" "      path: /x
$k
      grace: 0"
	bad "6:7: initrd is for a kernel" "      path: /x
      boot: disk.qcow2
      initrd: /i"
	bad "7:34: lbads must be a whole number from 9 to 21, not '4096'" "      path: /x
$k
      nvme:
      - {image: a, namespaces: [{lbads: 4096}]}"
	bad "7:41: zone_size is for a zoned namespace" "      path: /x
$k
      nvme:
      - {image: a, namespaces: [{ms: 8, zone_size: 1M}]}"
	bad "7:34: unknown namespace key 'pi_type'" "      path: /x
$k
      nvme:
      - {image: a, namespaces: [{pi_type: 1}]}"
	bad "8:9: namespaces must be a plain value or a list" "      path: /x
$k
      nvme:
      - image: a
        namespaces: {a: 1}"
	bad "8:32: the controllers of subsys s1 have one serial, joe0001" "      path: /x
$k
      nvme:
      - {image: a, subsys: s1}
      - {image: b, subsys: s1, serial: x}"
	bad "6:7: seed needs an identity: its public key goes to the guest" "      path: /x
$k
      seed: {hostname: h}"
	bad "7:9: unknown seed key 'package'" "      path: /x
$k
      seed:
        package: [fio]"
	bad "5:7: image needs an identity: its public key goes to the image" "      path: /x
      image: {}"
	bad "7:9: unknown image key 'package'" "      path: /x
      identity: /id
      image:
        package: [fio]"
	bad "6:31: not a Debian package name: 'Fio!'" "      path: /x
      identity: /id
      image: {packages: [fio, 'Fio!']}"
	bad "6:15: suite must be a name such as bookworm, not '12 (bookworm)'" "      path: /x
      identity: /id
      image: {suite: 12 (bookworm)}"
	bad "6:15: mirror must be an http, https or file URL" "      path: /x
      identity: /id
      image: {mirror: deb.debian.org}"
	bad "7:7: image is for x86_64 and aarch64 guests" "      path: /x
      identity: /id
      system: riscv64
      image: {}"
	bad "6:7: share_tag is for a share" "      path: /x
$k
      share_tag: t"
	bad "7:20: format must be qcow2 or raw" "      path: /x
$k
      nvme:
      - {image: a, format: vmdk}"
	bad "7:33: base is for a qcow2 image" "      path: /x
$k
      nvme:
      - {image: a, format: raw, base: /b}"
	bad "6:7: boot_base is for a boot disk" "      path: /x
$k
      boot_base: /b.qcow2"
	bad "7:20: bus is for a PCIe machine, such as q35" "      path: /x
$k
      nvme:
      - {image: a, bus: s0}"
	bad "7:20: fdp is for a controller with a subsys" "      path: /x
$k
      nvme:
      - {image: a, fdp: true}"
	long=/tmp/$(printf '%095d' 0)
	bad "4:7: path $long is too long: $long/console.sock would pass the 107 bytes of a unix socket's path" "      path: $long
$k"
	printf 'qemu:\n  guests:\n    g: {path: /x, kernel: /k}\n' > b.config
	run -2 joe qemu -c b.config -D qemu.guests.g.ssh_port=70000 status g
	[ "$output" = "-D:1:24: ssh_port must be a whole number from 0 to 65535, not '70000'" ]
}

@test "file names must be absolute, but for boot and nvme images" {
	printf 'qemu:\n  guests:\n    g:\n      path: rel\n      kernel: /k\n' > r.config
	run joe qemu -c r.config status g
	[ "$status" = 2 ]
	[ "$output" = "r.config:4:7: path must be an absolute path" ]
	printf 'qemu:\n  guests:\n    g:\n      path: /tmp/x\n      kernel: vmlinuz\n' > r.config
	run joe qemu -c r.config status g
	[ "$status" = 2 ]
	[ "$output" = "r.config:5:7: kernel must be an absolute path" ]
}

@test "pkgs/qemu: the example boots the test guest, uses it, powers it off" {
	joe -s qemu
	export JOE_GUEST=$TOP/t/fixtures/guest/cache
	run joe run -o out
	[ "$status" = 0 ]
	[ "$(cut -f3 out/steps.tsv | sort | uniq -c | xargs)" = "7 pass" ]
	grep -q '^Linux joe-guest ' out/04-info/cmd-01.log
	grep -q '^/dev/nvme0n1$' out/04-info/cmd-02.log
	grep -q 'there and back' out/06-files/cmd-01.log
	[ "$(cut -f7 out/commands.tsv | sort -u | xargs)" = "guest1 local" ]
	run joe qemu status guest1
	[ "$status" = 1 ]
	! pgrep -f "$HOME/.cache/joe/guest1"
}

@test "pkgs/qemu starters: xNVMe's NVMe topology and four drives behind a PCIe switch reach the guest" {
	joe -s qemu
	export JOE_GUEST=$TOP/t/fixtures/guest/cache
	j() {	# j CONFIG COMMAND GUEST...
		joe qemu -c default.config -c "$1" \
		    -D qemu.guests.guest1.path="$(dir)" "${@:2}"
	}
	j qemu-xnvme.config start guest1
	j qemu-xnvme.config wait guest1
	run j qemu-xnvme.config ssh guest1 'cd /sys/block; for b in nvme*n*; do
		echo $b $(cat $b/queue/logical_block_size $b/queue/zoned \
		    $b/queue/chunk_sectors $b/queue/max_hw_sectors_kb \
		    $b/integrity/format)
	done'
	j qemu-xnvme.config kill guest1
	echo "$output"
	# nvm and zns (32 MiB zones), no transfer limit (mdts 0), PI 1,
	# PI 2 with 64-bit guards (Linux uses its type 1 profile for type 2),
	# PI 3 with extended LBAs (Linux gives it no integrity profile)
	[ "$output" = "nvme0n1 4096 none 0 512 none
nvme0n2 4096 host-managed 65536 512 none
nvme1n1 4096 none 0 512 none
nvme2n1 4096 none 0 4096 none
nvme3n1 4096 none 0 512 T10-DIF-TYPE1-CRC
nvme3n2 4096 none 0 512 EXT-DIF-TYPE1-CRC64
nvme3n3 4096 none 0 512 none" ]
	j qemu-switch.config start guest1
	j qemu-switch.config wait guest1
	run j qemu-switch.config ssh guest1 'for c in /sys/class/nvme/nvme*; do
		readlink -f $c/device | cut -d/ -f5-
	done'
	j qemu-switch.config kill guest1
	echo "$output"
	[ "${#lines[@]}" = 4 ]
	for l in "${lines[@]}"; do	# root port, upstream, downstream, drive
		[[ "$l" == "${lines[0]%%/*}"/*/*/* ]]
	done
}

@test "joe run on a guest transport (dropbear): exact status, a timeout ends the command there, a new session after" {
	cfg
	printf 'transport:\n  local: {}\n  vm: {guest: g}\n' >> g.config
	q start g >/dev/null
	q wait -T 60 g >/dev/null
	wf w <<-'EOF'
	steps:
	- {name: a, transport: vm, run: "echo $(id -un) on $(hostname); exit 3"}
	- {name: hang, transport: vm, timeout: 2, run: "echo started; sleep 4321"}
	- {name: after, transport: vm, always: true, run: "ps -o pid,comm | grep -c 'sleep' || true"}
	EOF
	run joe run -k -c g.config -o out
	[ "$status" = 1 ]
	[ "$(cut -f3,4 out/commands.tsv | tr '\t\n' ' |')" = "fail 3|timeout 143|pass 0|" ]
	[ "$(cat out/01-a/cmd-01.log)" = "root on joe-guest" ]
	[ "$(head -n 1 out/02-hang/cmd-01.log)" = started ]
	[ "$(cat out/03-after/cmd-01.log)" = 0 ]
	q kill g >/dev/null
}

@test "test suites in the guest through joe run -t: bats, pytest and sh executables, their results fetched" {
	cfg
	printf 'transport:\n  local: {}\n  vm: {guest: g}\n' >> g.config
	mkdir suite
	# (not a here-document: bats would take its @test lines for its own)
	printf '%s\n' '@test "adds" { [ $((1 + 1)) = 2 ]; }' \
		'@test "fails" { echo said; false; }' > suite/t.bats
	cat > suite/test_p.py <<-'EOF'
	import pytest
	def test_ok(): assert 1 + 1 == 2
	def test_bad(): assert 1 + 1 == 3
	@pytest.mark.xfail
	def test_x(): assert 0
	EOF
	printf '#!/bin/sh\necho "sh $(basename "$0") in $(pwd)"\n' > suite/x.sh
	chmod +x suite/x.sh
	wf w <<-EOF
	steps:
	- {name: put, uses: core.put, with: {src: $PWD/suite, dst: /tmp/suite}}
	- {name: bats, cwd: /tmp/suite, run: "bats --timing --report-formatter junit -o /tmp/suite t.bats"}
	- {name: pytest, cwd: /tmp/suite, run: "pytest -q -p no:cacheprovider --junitxml=/tmp/suite/junit.xml test_p.py"}
	- {name: exec, cwd: /tmp/suite, run: ./x.sh}
	- name: get
	  uses: core.get
	  with:
	    src: |
	      /tmp/suite/report.xml
	      /tmp/suite/junit.xml
	    dst: .
	EOF
	q start g >/dev/null
	q wait -T 60 g >/dev/null
	run joe run -k -t vm -c g.config -o out w.workflow
	q kill g >/dev/null
	echo "$output"
	[ "$status" = 1 ]
	[ "$(cut -f3 out/steps.tsv | xargs)" = "pass fail fail pass pass" ]
	grep -Eq '^ok 1 adds # in [0-9]+ ms$' out/02-bats/cmd-01.log
	grep -Eq '^not ok 2 fails # in [0-9]+ ms$' out/02-bats/cmd-01.log
	grep -q '^# said$' out/02-bats/cmd-01.log
	[[ "$(tail -n 1 out/03-pytest/cmd-01.log)" =~ ^1\ failed,\ 1\ passed,\ 1\ xfailed\ in\ [0-9.]+s$ ]]
	[ "$(cat out/04-exec/cmd-01.log)" = "sh x.sh in /tmp/suite" ]
	grep -q '<testsuite name="t.bats" tests="2" failures="1" errors="0" skipped="0"' out/05-get/report.xml
	# times in ms, from a date with %N (busybox's has none: whole seconds)
	grep -Eq '<testcase classname="t.bats" name="adds" time="[0-9]*\.[0-9]+"' out/05-get/report.xml
	grep -q '<testsuite name="pytest" errors="0" failures="1" skipped="1" tests="3"' out/05-get/junit.xml
}

@test "core.wait on a guest that reboots (busybox reboot): down, then up, the steps after run there" {
	cfg
	printf 'transport:\n  local: {}\n  vm: {guest: g}\n' >> g.config
	wf w <<-'EOF'
	steps:
	- {name: before, run: cat /proc/sys/kernel/random/boot_id}
	- {name: reboot, run: "(sleep 1; reboot) >/dev/null 2>&1 &"}
	- {name: down, uses: core.wait, with: {state: down, timeout: 60}}
	- {name: up, uses: core.wait, with: {timeout: 120}}
	- {name: after, run: cat /proc/sys/kernel/random/boot_id}
	EOF
	q start g >/dev/null
	q wait -T 60 g >/dev/null
	pid=$(cat "$(dir)/qemu.pid")
	run timeout 300 joe run -t vm -c g.config -o out w.workflow
	echo "$output"
	[ "$status" = 0 ]
	[[ "$(cat out/03-down/cmd-01.log)" =~ ^core.wait:\ vm\ down\ after\ [0-9]+\ s$ ]]
	[[ "$(tail -n 1 out/04-up/cmd-01.log)" =~ ^core.wait:\ vm\ up\ after\ [0-9]+\ s$ ]]
	[ "$(cat out/01-before/cmd-01.log)" != "$(cat out/05-after/cmd-01.log)" ]
	grep -q '^init: rebooting' "$(dir)/serial.log"
	[ "$(cat "$(dir)/qemu.pid")" = "$pid" ]	# the same qemu, restarted
	q kill g >/dev/null
}
