# The fio package's selftest (joe selftest fio), run on the target by
# core.test: fio there runs a tiny job and writes the JSON that joe
# extract reads (skipped where fio is not installed: fio.run puts this
# machine's there), and a program copied into a scratch directory runs
# there, as fio.run's put: auto needs (not on a noexec TMPDIR).

@test "fio runs a tiny job with --output-format=json" {
	command -v fio || skip "fio is not installed here (fio.run with put: auto puts it)"
	cd "$BATS_TEST_TMPDIR"
	run fio --name=selftest --filename=f --size=64k --rw=read --bs=4k \
		--ioengine=psync --output-format=json
	[ "$status" = 0 ]
	[[ "$output" == *'"fio version" : "fio-'* ]]
	[[ "$output" == *'"jobname" : "selftest"'* ]]
	[[ "$output" == *'"iops" : '* ]]
}

@test "a program put into a scratch directory runs there (put: auto)" {
	command -v tar
	d=$(mktemp -d "${TMPDIR:-/tmp}/joe-fio.XXXXXX")
	cp "$(command -v mktemp)" "$d/mktemp"
	run "$d/mktemp" -d "$d/t.XXXXXX"
	rm -rf "$d"
	[ "$status" = 0 ]
	[[ "$output" == "$d/t."?????? ]]
}
