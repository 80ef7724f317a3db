# The linux package's selftest (joe selftest linux), run on the target
# by core.test: what linux.sysinfo, linux.dmesg, linux.null_blk and
# linux.hugepages need there, each exercised for real; what the target
# cannot do (not root, no kernel modules, no hugetlbfs) is skipped with
# the reason.

@test "uname, /proc and /sys (linux.sysinfo)" {
	[ -n "$(uname -r)" ]
	grep -q '^processor' /proc/cpuinfo
	grep -q '^MemTotal:' /proc/meminfo
	[ -r /proc/cmdline ]
	[ -d /sys/block ]
	for b in /sys/block/*; do
		[ -e "$b" ] || continue
		[ "$(cat "$b/queue/logical_block_size")" -ge 512 ]
	done
}

@test "dmesg reads what was written to /dev/kmsg (linux.dmesg)" {
	[ "$(id -u)" = 0 ] || skip "not root: /dev/kmsg is not writable"
	[ -w /dev/kmsg ] || skip "no writable /dev/kmsg"
	m="joe selftest $$ $(date +%s)"
	echo "<6>$m" > /dev/kmsg
	dmesg | grep -qF "$m"
}

@test "modprobe null_blk, /dev/nullb0 of 1 GiB in 4096-byte blocks, rmmod (linux.null_blk)" {
	[ "$(id -u)" = 0 ] || skip "not root"
	[ -d "/lib/modules/$(uname -r)" ] || skip "no /lib/modules/$(uname -r)"
	grep -q '/null_blk\.ko' "/lib/modules/$(uname -r)/modules.dep" ||
		skip "no null_blk module"
	[ ! -d /sys/module/null_blk ] || skip "null_blk is loaded already"
	modprobe null_blk nr_devices=1 gb=1 bs=4096
	[ "$(cat /sys/block/nullb0/size)" = 2097152 ]
	[ "$(cat /sys/block/nullb0/queue/logical_block_size)" = 4096 ]
	rmmod null_blk
	[ ! -d /sys/module/null_blk ]
}

@test "hugetlbfs mounts (linux.hugepages)" {
	[ "$(id -u)" = 0 ] || skip "not root"
	grep -qw hugetlbfs /proc/filesystems || skip "no hugetlbfs in this kernel"
	d=$(mktemp -d)
	mount -t hugetlbfs nodev "$d" || { rmdir "$d"; skip "cannot mount hugetlbfs here"; }
	awk -v d="$d" '$2 == d && $3 == "hugetlbfs" { f = 1 } END { exit !f }' /proc/mounts
	umount "$d"
	rmdir "$d"
}
