# The fio package's selftest (joe selftest fio), run on the target by
# core.test: fio runs a tiny job there and writes the JSON that
# joe extract reads (its "fio version" and the job's read iops); fails
# where fio is not installed.

@test "fio runs a tiny job with --output-format=json" {
	command -v fio || {
		echo "fio is not installed on the target"
		false
	}
	cd "$BATS_TEST_TMPDIR"
	run fio --name=selftest --filename=f --size=64k --rw=read --bs=4k \
		--ioengine=psync --output-format=json
	[ "$status" = 0 ]
	[[ "$output" == *'"fio version" : "fio-'* ]]
	[[ "$output" == *'"jobname" : "selftest"'* ]]
	[[ "$output" == *'"iops" : '* ]]
}
