# A bats suite with a failing test, for example-tests.workflow.

@test "arithmetic works" {
	[ $((6 * 7)) = 42 ]
}

@test "a test that fails, with its output" {
	echo "looking for /no/such/file"
	[ -e /no/such/file ]
}
