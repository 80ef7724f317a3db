#!/usr/bin/env bats
# pkgs/linux in the test guest (t/fixtures/guest, booted once for this
# file under TCG, 768M, one NVMe drive, transport vm): linux.sysinfo
# through sysfs (no nvme-cli there), null_blk loaded and unloaded for
# real, hugepages reserved, a WARNING written to /dev/kmsg caught by
# linux.dmesg, and joe selftest linux. Run by `make check-guest`.
load helper

setup_file() {
	guest_up 768M vm '{image: nvme0.qcow2, size: 64M, serial: joe0001}'
}

teardown_file() {
	guest_down
}

# steps: w.workflow from stdin, run in the guest into out.
steps() {
	wf w
	run joe run -c "$D/g.config" -o out w.workflow
}

@test "guest: linux.sysinfo, NVMe from sysfs, facts through joe extract" {
	steps <<-EOF
	steps:
	- {name: si, uses: linux.sysinfo, extract: kv}
	EOF
	[ "$status" = 0 ]
	grep -q ' joe-guest ' out/01-si/uname.txt
	[ "$(sed -n 's/^  serial: //p' out/01-si/nvme.txt)" = joe0001 ]
	grep -q '^  nvme0n1: size 67108864 logical_block_size 512$' out/01-si/nvme.txt
	grep -q '^nvme0n1 67108864 512 QEMU NVMe Ctrl$' out/01-si/block.txt
	grep -q '^virtio_net ' out/01-si/modules.txt
	run joe extract -q out
	[ "$(awk -F'\t' '$2 == "nvme_controllers" { print $3 }' out/metrics.tsv)" = 1 ]
	[ "$(awk -F'\t' '$2 == "nvme_namespaces" { print $3 }' out/metrics.tsv)" = 1 ]
	[ "$(awk -F'\t' '$2 == "cpus" { print $3 }' out/metrics.tsv)" = 1 ]
}

@test "guest: linux.null_blk: two 1 GiB devices of 4096-byte blocks, loaded twice refused, unloaded" {
	steps <<-EOF
	steps:
	- {name: load, uses: linux.null_blk, with: {nr_devices: 2, gb: 1, bs: 4096}, extract: kv}
	- {name: dd, run: "dd if=/dev/zero of=/dev/nullb1 bs=4096 count=16 && ls /dev/nullb0 /dev/nullb1"}
	- {name: again, uses: linux.null_blk, with: {gb: 1}}
	- {name: unload, uses: linux.null_blk, with: {action: unload}, always: true}
	EOF
	[ "$status" = 1 ]
	[ "$(cat out/01-load/nullb.txt)" = "/dev/nullb0 1073741824 4096
/dev/nullb1 1073741824 4096" ]
	grep -q '^nullb_devices: 2$' out/01-load/cmd-*.log
	[[ "$output" == *"PASS 02-dd"* ]]
	[[ "$output" == *"FAIL 03-again"* ]]
	grep -q '^linux.null_blk: null_blk is already loaded (unload it first)$' out/03-again/cmd-*.log
	[[ "$output" == *"PASS 04-unload"* ]]
	[ "$(joe run -c "$D/g.config" -- 'ls -d /sys/module/null_blk /dev/nullb0 2>/dev/null | wc -l')" = 0 ]
	run joe extract -q out
	[ "$(awk -F'\t' '$2 == "nullb_devices" { print $3 }' out/metrics.tsv)" = 2 ]
}

@test "guest: linux.hugepages: 8 of 2048 kB, hugetlbfs mounted; 1G ones the guest has not: exit 1" {
	steps <<-EOF
	steps:
	- {name: hp, uses: linux.hugepages, with: {count: 8}, extract: kv}
	- {name: big, uses: linux.hugepages, with: {count: 1, size: 1G, mount: /mnt/h1g}}
	EOF
	[ "$status" = 1 ]
	run joe extract -q out
	[ "$(awk -F'\t' '$1 == "01-hp" { print $2 "=" $3 $4 }' out/metrics.tsv | xargs)" = \
		"hugepages_total=8 hugepages_free=8 hugepage_size=2048kB" ]
	grep -q '^linux.hugepages: hugetlbfs mounted on /dev/hugepages$' out/01-hp/cmd-*.log
	grep -q '^linux.hugepages: asked for 1, the kernel gave 0$' out/02-big/cmd-*.log
	[ "$(joe run -c "$D/g.config" -- 'grep -c " hugetlbfs " /proc/mounts')" = 2 ]
}

@test "guest: linux.dmesg: a WARNING written to /dev/kmsg fails the check; a quiet mark and check pass" {
	steps <<-EOF
	steps:
	- {name: mark, uses: linux.dmesg, with: {action: mark}}
	- {name: quiet, uses: linux.dmesg, with: {action: check}}
	- {name: mark2, uses: linux.dmesg, with: {action: mark}}
	- name: warn
	  run: |
	    echo '<4>WARNING: CPU: 0 PID: 1 at joe-test' > /dev/kmsg
	- {name: check, uses: linux.dmesg, with: {action: check}}
	EOF
	[ "$status" = 1 ]
	[[ "$output" == *"PASS 02-quiet"* ]]
	[[ "$output" == *"FAIL 05-check"* ]]
	grep -q '^linux.dmesg: 0 lines since the mark$' out/02-quiet/cmd-*.log
	grep -q '^\[ *[0-9.]*\] WARNING: CPU: 0 PID: 1 at joe-test$' out/05-check/dmesg.txt
	grep -q '^    \[ *[0-9.]*\] WARNING: CPU: 0 PID: 1 at joe-test$' <<< "$output"
	# the mark is gone with the check
	[ "$(joe run -c "$D/g.config" -- 'ls /tmp/joe-dmesg.* 2>/dev/null | wc -l')" = 0 ]
}

@test "guest: linux.dmesg: a full kernel log that drops old lines still gives every new one" {
	# fill the log until its first line is gone, mark, then 200 more
	# lines and a WARNING: the log has no more lines than at the mark
	steps <<-'EOF'
	steps:
	- name: fill
	  run: |
	    f=$(dmesg | head -n 1) i=0; \
	    while [ "$(dmesg | head -n 1)" = "$f" ]; do \
	      for j in 1 2 3 4 5 6 7 8 9 10; do \
	        echo "joe filler $i $j ..............................................." > /dev/kmsg; \
	      done; i=$((i + 1)); \
	    done
	- {name: mark, uses: linux.dmesg, with: {action: mark}}
	- name: more
	  run: |
	    i=0; while [ $i -lt 200 ]; do \
	      echo "joe more $i ....................................................." > /dev/kmsg; \
	      i=$((i + 1)); \
	    done
	    echo '<4>WARNING: CPU: 0 PID: 1 at joe-full' > /dev/kmsg
	- {name: check, uses: linux.dmesg, with: {action: check}}
	EOF
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 04-check"* ]]
	[ "$(grep -c '^\[ *[0-9.]*\] joe more ' out/04-check/dmesg.txt)" = 200 ]
	grep -q '^\[ *[0-9.]*\] WARNING: CPU: 0 PID: 1 at joe-full$' out/04-check/dmesg.txt
	[ "$(grep -c 'joe filler' out/04-check/dmesg.txt)" = 0 ]
}

@test "guest: joe selftest linux passes there, null_blk and hugetlbfs for real" {
	run joe selftest -c "$D/g.config" -t vm linux
	[ "$status" = 0 ]
	[[ "$output" == *"ok 4 - selftest 01-linux linux.bats modprobe null_blk"* ]]
	[[ "$output" != *"# SKIP"* ]] || { echo "$output"; false; }
}
