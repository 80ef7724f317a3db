# The spdk package's selftest (joe selftest spdk), run on the target by
# core.test: bdevperf of the built SPDK tree JOE_SPDK_SOURCE names does
# I/O on a malloc bdev for a second, without hugepages or PCI; skipped,
# saying why, when no built tree is named.

@test "bdevperf of the tree JOE_SPDK_SOURCE names reads a malloc bdev" {
	s=${JOE_SPDK_SOURCE:-}
	[ -n "$s" ] && [ -d "$s" ] || skip "JOE_SPDK_SOURCE names no source tree"
	[ -x "$s/build/examples/bdevperf" ] || skip "$s has no build/examples/bdevperf: not built"
	t=$BATS_TEST_TMPDIR
	echo '{"subsystems": [{"subsystem": "bdev", "config": [{"method":
		"bdev_malloc_create", "params": {"name": "Malloc0",
		"num_blocks": 16384, "block_size": 512}}]}]}' > "$t/c.json"
	run timeout -k 5 60 "$s/build/examples/bdevperf" --no-pci --no-huge -s 512 \
		--disable-cpumask-locks -r "$t/s.sock" --json "$t/c.json" \
		-q 8 -o 4096 -w randread -t 1
	echo "$output"
	[ "$status" = 0 ]
	[[ "$output" == *"Job: Malloc0 (Core Mask 0x1, workload: randread, depth: 8, IO size: 4096)"* ]]
	[[ "$output" =~ Total\ +:\ +[1-9][0-9]*\.[0-9]{2} ]]
}
