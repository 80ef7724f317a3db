# The qemu package's selftest (joe selftest qemu), run on the target by
# core.test: QEMU and qemu-img answer and make the qcow2 images joe qemu
# init makes; skipped, saying why, where QEMU is not installed.

@test "qemu-system-x86_64 answers" {
	command -v qemu-system-x86_64 ||
		skip "qemu-system-x86_64 is not installed on the target"
	run qemu-system-x86_64 --version
	[ "$status" = 0 ]
	[[ "${lines[0]}" == "QEMU emulator version "* ]]
	run qemu-system-x86_64 -device help
	[[ "$output" == *'name "nvme"'* ]]
}

@test "qemu-img makes a qcow2 image over a base" {
	command -v qemu-img || skip "qemu-img is not installed on the target"
	cd "$BATS_TEST_TMPDIR"
	qemu-img create -q -f qcow2 base.qcow2 1M
	qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 over.qcow2
	run qemu-img info over.qcow2
	[ "$status" = 0 ]
	[[ "$output" == *"virtual size: 1 MiB"* ]]
	[[ "$output" == *"backing file: base.qcow2"* ]]
}
