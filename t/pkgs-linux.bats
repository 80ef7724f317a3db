#!/usr/bin/env bats
# pkgs/linux here and over the test sshd: linux.sysinfo's files and
# facts, the example as a user takes it (the module steps skipped here
# with the reason when this machine has no kernel modules), and every
# bad with: value's message. The real null_blk, hugepages and dmesg
# checks run in the test guest (t/guest-linux.bats).
load helper
load sshd

# step PKG.NAME WITH: a one-step workflow w.workflow using it.
step() {
	printf 'steps:\n- name: s\n  uses: %s\n  with: %s\n' "$1" "$2" > w.workflow
}

# bad PKG.NAME WITH MESSAGE: the worklet exits 2 with the message, at
# the place of the key in w.workflow (line 4), the step fails.
bad() {
	step "$1" "$2"
	rm -rf out
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"  \$ $1 (fail, rc 2)"* ]]
	[[ "$(cat out/01-s/cmd-01.log)" == "w.workflow:4:"+([0-9])": $1: $3" ]] ||
		{ cat out/01-s/cmd-01.log; false; }
}

@test "linux.sysinfo here and over ssh: a file each, facts for extract: kv" {
	cp "$FIX/ssh.config" w.config
	printf '  local: {}\n' >> w.config
	wf w <<-EOF
	steps:
	- {name: here, transport: local, uses: linux.sysinfo, extract: kv}
	- {name: there, transport: box, uses: linux.sysinfo, extract: kv}
	EOF
	run joe run -c w.config -o out w.workflow
	[ "$status" = 0 ]
	for s in 01-here 02-there; do
		for f in uname os-release cpuinfo meminfo cmdline modules block nvme; do
			[ -e "out/$s/$f.txt" ]
		done
		[ "$(cat "out/$s/uname.txt")" = "$(uname -a)" ]
		[ "$(cat "out/$s/cmdline.txt")" = "$(cat /proc/cmdline)" ]
		grep -q '^MemTotal:' "out/$s/meminfo.txt"
	done
	run joe extract -q out
	[ "$status" = 0 ]
	# once each, from the facts only (not from cpuinfo or meminfo)
	for s in 01-here 02-there; do
		[ "$(awk -F'\t' -v s=$s '$1 == s && $2 == "cpus" { print $3 }' out/metrics.tsv)" = "$(nproc --all)" ]
		[ "$(awk -F'\t' -v s=$s '$1 == s && $2 == "mem_total_kb" { print $3 }' out/metrics.tsv)" = \
			"$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" ]
		[ "$(awk -F'\t' -v s=$s '$1 == s' out/metrics.tsv | cut -f2 | xargs)" = \
			"cpus mem_total_kb modules block_devices nvme_controllers nvme_namespaces" ]
	done
}

@test "joe -s linux; joe run: green here, the module steps say why they are skipped" {
	joe -s linux
	run joe run example.workflow
	[ "$status" = 0 ]
	[[ "$output" == *"7 passed, 0 failed, 0 skipped"* ]]
	if [ ! -d "/lib/modules/$(uname -r)" ]; then
		grep -q "^linux.null_blk: cannot load null_blk here (no /lib/modules/$(uname -r)); skipped$" \
			joe-output/latest/03-null_blk/cmd-*.log
		grep -q '^no /dev/nullb0 here: nothing to write$' joe-output/latest/04-dd/cmd-*.log
	fi
	grep -q '^linux.dmesg: 0 lines since the mark$' joe-output/latest/07-check/cmd-*.log ||
		grep -q '^linux.dmesg: [0-9]* lines since the mark$' joe-output/latest/07-check/cmd-*.log
	[ -e joe-output/latest/07-check/dmesg.txt ]
}

@test "linux.dmesg: a check with no mark fails and says so" {
	step linux.dmesg '{action: check}'
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	grep -q '^linux.dmesg: no mark on local (a step with action: mark first)$' out/01-s/cmd-*.log
}

@test "linux.null_blk: not optional where it cannot load: exit 1 with the reason" {
	[ ! -d "/lib/modules/$(uname -r)" ] || skip "this machine has kernel modules"
	step linux.null_blk '{nr_devices: 1}'
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	grep -q "^linux.null_blk: cannot load null_blk here (no /lib/modules/$(uname -r))$" out/01-s/cmd-*.log
}

@test "bad with: values of every linux worklet: exit 2, the key's place and what is wrong" {
	bad linux.null_blk '{action: reload}' "with.action: 'reload' is not load or unload"
	bad linux.null_blk '{nr_devices: two}' "with.nr_devices: 'two' is not a number"
	bad linux.null_blk '{gb: -1}' "with.gb: '-1' is not a number"
	bad linux.null_blk '{bs: 8192}' "with.bs: '8192' is not one of 512 1024 2048 4096"
	bad linux.null_blk '{queue_mode: 3}' "with.queue_mode: '3' is not 0, 1 or 2"
	bad linux.null_blk '{irqmode: x}' "with.irqmode: 'x' is not 0, 1 or 2"
	bad linux.null_blk '{zoned: 2}' "with.zoned: '2' is not 0 or 1"
	bad linux.null_blk '{memory_backed: yes}' "with.memory_backed: 'yes' is not 0 or 1"
	bad linux.null_blk '{zone_size: 1G}' "with.zone_size: '1G' is not a number"
	bad linux.null_blk '{action: unload, gb: 1}' "with.gb: not for action unload"
	bad linux.null_blk '{nr_device: 1}' "with.nr_device: not a key of linux.null_blk"
	bad linux.null_blk '{optional: maybe}' "with.optional: 'maybe' is not true or false"
	bad linux.hugepages '{size: 2M}' "with.count: missing"
	bad linux.hugepages '{count: 8x}' "with.count: '8x' is not a number"
	bad linux.hugepages '{count: 8, size: 4M}' "with.size: '4M' is not 2M or 1G"
	bad linux.hugepages '{count: 8, mount: mnt}' "with.mount: 'mnt' is not an absolute path"
	bad linux.dmesg '{patterns: [x]}' "with.action: missing"
	bad linux.dmesg '{action: look}' "with.action: 'look' is not mark or check"
	bad linux.dmesg '{action: mark, patterns: [x]}' "with.patterns: not for action mark"
	bad linux.sysinfo '{verbose: true}' "with.verbose: not a key of linux.sysinfo"
	bad linux.kernel '{jobs: 2}' "with.source: missing"
	bad linux.kernel "{source: $PWD}" "with.source: '$PWD' is not a kernel source tree"
	mkdir -p k && touch k/Makefile k/Kconfig
	bad linux.kernel "{source: $PWD/k, config: nope.config}" "with.config: 'nope.config': no such file"
	bad linux.kernel "{source: $PWD/k, jobs: many}" "with.jobs: 'many' is not a number"
	bad linux.kernel "{source: $PWD/k, timeout: 1m}" "with.timeout: '1m' is not a number"
}
