#!/usr/bin/env bats
# A real Debian guest: joe qemu image builds it from Debian's packages
# (mmdebstrap, as root), cached in t/fixtures/distro-cache; the qemu
# package's debian.workflow boots it with xNVMe's topology, builds a meson
# project in it, runs fio on a zoned and a PI namespace, mounts a 9p share
# and powers it off. Run by `make check-distro` (a cold build takes about
# 4 minutes here, the workflow about 1 under TCG), not by `make check`.
load helper

setup_file() {
	"$BATS_TEST_DIRNAME/fixtures/guest/build" >/dev/null
	D=$(mktemp -d /tmp/jd.XXXX)
	mkdir -m 700 "$D/run" "$D/share"
	echo "from the host" > "$D/share/hello.txt"
	export D P="$BATS_TEST_DIRNAME/../pkgs/qemu"
	export XDG_RUNTIME_DIR="$D/run"
	cat > "$D/t.config" <<-EOF2
	qemu:
	  guests:
	    guest1:
	      path: $D/guest1
	      identity: $BATS_TEST_DIRNAME/fixtures/guest/cache/id
	      image:
	        cache: $BATS_TEST_DIRNAME/fixtures/distro-cache
	      share: $D/share
	      share_tag: host
	EOF2
}

teardown_file() {
	[ ! -f "$D/guest1/qemu.pid" ] || kill "$(cat "$D/guest1/qemu.pid")" || true
	rm -rf "$D"
}

j() {
	joe "$1" -c "$P/debian.config" -c "$P/qemu-xnvme.config" -c "$D/t.config" \
	    "${@:2}"
}

# log STEP: what the step's commands printed
log() {
	cat joe-output/latest/*"$1"/cmd-*.log
}

@test "joe qemu image: a Debian image from Debian's packages, its kernel and initrd beside it" {
	run j qemu image guest1
	echo "$output"
	[ "$status" = 0 ]
	dir=${lines[${#lines[@]} - 1]}
	[[ "$dir" == "$BATS_TEST_DIRNAME/fixtures/distro-cache/bookworm-amd64-"* ]]
	[ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ]
	qemu-img info "$dir/disk.qcow2" | grep -q 'virtual size: 4 GiB'
	grep -q '^joe-image ssh-ed25519 ' "$dir/known_hosts"
	echo "# image $(du -h "$dir/disk.qcow2" | cut -f 1):" \
	    "${lines[${#lines[@]} - 2]}" >&3
	# cached by content: the second build is none, the image untouched
	before=$(stat -c %Y "$dir/disk.qcow2")
	run j qemu image guest1
	[ "$status" = 0 ]
	[ "$output" = "$dir" ]
	[ "$(stat -c %Y "$dir/disk.qcow2")" = "$before" ]
}

@test "debian.workflow: boot, xNVMe's topology, meson build, fio on zoned and PI namespaces, 9p, power-off" {
	run j run "$P/debian.workflow"
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *": 10 passed, 0 failed, 0 skipped" ]]
	echo "# boot: $(log wait)" >&3
	run log nvme
	echo "$output"
	# as the busybox guest sees the same topology (t/guest.bats)
	[[ "$output" == *"nvme0n2 lbs 4096 zoned host-managed pi none"* ]]
	[[ "$output" == *"nvme3n1 lbs 4096 zoned none pi T10-DIF-TYPE1-CRC"* ]]
	[[ "$output" == *"nvme3n2 lbs 4096 zoned none pi EXT-DIF-TYPE1-CRC64"* ]]
	[ "$(grep -c 'QEMU NVMe Ctrl' <<< "$output")" = 7 ]
	run log build
	[[ "$output" == *"1/1 greets"*OK* ]]
	[[ "$output" == *"hello, guest"* ]]
	run log fio-zoned
	[[ "$output" == *"zoned: nvme"*"err= 0"*"write: IOPS="* ]]
	run log fio-pi
	[[ "$output" == *"T10-DIF-TYPE1-CRC"*"err= 0"*"write: IOPS="* ]]
	run log share
	[ "$output" = "/mnt/host:
hello.txt" ]
	run log poweroff
	[[ "$output" == "guest1: powered off in "* ]]
	[ ! -e "$D/guest1/qemu.pid" ]
}
