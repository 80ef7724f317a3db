# The core example's test suite (example.workflow, uses: core.test): bats
# tests run on the target, their results in the run's report.

@test "the target runs a shell" {
	run sh -c 'echo hello; exit 3'
	[ "$status" = 3 ]
	[ "$output" = hello ]
}

@test "/tmp takes a file and gives it back" {
	f=$(mktemp)
	echo joe > "$f"
	[ "$(cat "$f")" = joe ]
	rm "$f"
}

@test "the config's env reaches the tests" {
	[ "$LC_ALL" = C ]
}

@test "a skipped test says why" {
	skip "an example of a skipped test"
}
