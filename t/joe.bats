#!/usr/bin/env bats
# joe(1): the dispatcher, -s (more in t/starter.bats), help, --version.
load helper

@test "joe --version prints the version" {
	run joe --version
	[ "$status" = 0 ]
	# VERSION's, and the commit when built in a git work tree
	[[ "$output" =~ ^joe\ [0-9]+\.[0-9]+\.[0-9]+(\+g[0-9a-f]+)?$ ]]
	[[ "$output" == "joe $(cat "$TOP/VERSION")"* ]]
}

@test "joe -h prints usage on stdout, exit 0" {
	run --separate-stderr joe -h
	[ "$status" = 0 ]
	[[ "$output" == usage:* ]]
}

@test "joe without arguments: usage on stderr, exit 2" {
	run --separate-stderr joe
	[ "$status" = 2 ]
	[ -z "$output" ]
	[[ "$stderr" == usage:* ]]
}

@test "joe NAME finds joe-NAME beside itself with no PATH set-up" {
	PATH=/usr/bin:/bin run "$TOP/joe" config -t
	[ "$status" = 0 ]
	[ "$output" = local ]
}

@test "joe NAME passes every argument through unchanged" {
	mkdir bin
	printf '#!/bin/sh\nfor a; do printf "[%%s]" "$a"; done\n' > bin/joe-hello
	chmod +x bin/joe-hello
	PATH="$PWD/bin:/usr/bin:/bin" run "$TOP/joe" hello 'a b' '' -x
	[ "$status" = 0 ]
	[ "$output" = '[a b][][-x]' ]
}

@test "joe with an unknown command lists the known ones, exit 2" {
	run --separate-stderr joe nosuch
	[ "$status" = 2 ]
	[[ "$stderr" == *"no command 'nosuch'"* ]]
	[[ "$stderr" == *run* ]]
	[[ "$stderr" == *config* ]]
}

@test "joe refuses a command name with a slash" {
	run joe ../joe-run
	[ "$status" = 2 ]
}

@test "joe -s writes the core package's config and workflow" {
	run joe -s
	[ "$status" = 0 ]
	cmp default.config "$TOP/pkgs/core/default.config"
	cmp example.workflow "$TOP/pkgs/core/example.workflow"
}

@test "joe -s with an unknown package: exit 2" {
	run joe -s nosuch
	[ "$status" = 2 ]
	[[ "$output" == *"no package nosuch"* ]]
}

@test "joe -s finds packages along JOE_PATH first" {
	mkdir -p p/core
	echo 'transport: {local: {}}' > p/core/default.config
	echo 'steps: []' > p/core/example.workflow
	JOE_PATH="$PWD/p" run joe -s
	[ "$status" = 0 ]
	[ "$(cat example.workflow)" = 'steps: []' ]
}

@test "joe -s, then joe run: the set-up a newcomer does" {
	joe -s
	run joe run
	[ "$status" = 0 ]
	[ -L joe-output/latest ]
	[ "$(cut -f3 joe-output/latest/steps.tsv | sort -u)" = pass ]
}

@test "joe help NAME shows the man page" {
	command -v man || skip "man is not installed"
	MANPAGER=cat PAGER=cat run joe help run
	[ "$status" = 0 ]
	[[ "$output" == *"joe run"* ]]
}

@test "joe help with a second name, or an option: usage, exit 2" {
	run --separate-stderr joe help run config
	[ "$status" = 2 ]
	[ "$stderr" = "usage: joe help [command]" ]
	run --separate-stderr joe help -x
	[ "$status" = 2 ]
}

@test "joe help of no such command: said as the dispatcher says it, exit 2" {
	run --separate-stderr joe help nonexist
	[ "$status" = 2 ]
	[[ "$stderr" == "joe: no command 'nonexist'; these are here: "*" run "* ]]
}
