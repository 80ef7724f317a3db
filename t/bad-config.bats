#!/usr/bin/env bats
# joe-config(5): bad configurations and workflows are refused with their
# place (file:line:col) and exit 2; big good ones load.
load helper

# deep N OPEN CLOSE: "a: " and N OPENs then N CLOSEs, one line.
deep() {
	awk -v n="$1" -v o="$2" -v c="$3" 'BEGIN { s = "a: "
		for (i = 0; i < n; i++) s = s o; s = s "x"
		for (i = 0; i < n; i++) s = s c; print s }'
}

# bad EXPECTED: joe config -c c.config fails with exactly EXPECTED, exit 2.
bad() {
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "$1" ]
}

@test "nesting deeper than 64 levels: the place, exit 2" {
	deep 50000 '[' ']' > c.config
	bad "c.config:1:67: more than 64 levels of nesting"
	deep 50000 '{a: ' '}' > c.config
	bad "c.config:1:256: more than 64 levels of nesting"
	# the top level and 63 more are fine
	deep 63 '[' ']' > c.config
	run joe config -c c.config
	[ "$status" = 0 ]
	[ "$output" = "a$(printf '.0%.0s' $(seq 63))=x" ]
}

@test "a deep workflow: joe run -n and joe extract refuse it with its place" {
	printf 'steps:\n- name: t\n  run: "true"\n' > w.workflow
	joe run -o out w.workflow >/dev/null
	deep 50000 '[' ']' | sed 's/^a:/steps:/' > w.workflow
	run joe run -n w.workflow
	[ "$status" = 2 ]
	[ "$output" = "w.workflow:1:71: more than 64 levels of nesting" ]
	cp w.workflow out/workflow.yaml
	run joe extract out
	[ "$status" = 2 ]
	[ "$output" = "out/workflow.yaml:1:71: more than 64 levels of nesting" ]
}

@test "-D paths deeper than 64 levels are refused" {
	run joe config -D "$(printf 'a.%.0s' $(seq 63))a=x"
	[ "$status" = 0 ]
	run joe config -D "$(printf 'a.%.0s' $(seq 64))a=x"
	[ "$status" = 2 ]
	[[ "$output" == "joe-config: -D a.a.a."*"a=x: more than 64 levels of nesting" ]]
}

# laughs N: N keys each referring twice to the next, the last "x".
laughs() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "a%d: \"{{ config.a%d }}{{ config.a%d }}\"\n", i, i + 1, i + 1
		print "a" n ": x" }'
}

@test "a billion laughs through {{ config }} stops at 1 MiB" {
	laughs 20 > c.config
	run timeout 20 joe config -c c.config a0
	[ "$status" = 0 ]
	[ "${#output}" = 1048576 ]
	# a20 is 1 MiB, a19 would be 2
	laughs 40 > c.config
	bad "c.config:20:1: this value grows past 1 MiB through {{ }}"
}

@test "200,000 keys in one map load" {
	seq 0 199999 | awk '{ print "k" $1 ": v" $1 }' > c.config
	run timeout 20 joe config -c c.config k123456
	[ "$status" = 0 ]
	[ "$output" = v123456 ]
	timeout 20 joe config -c c.config > out
	[ "$(wc -l < out)" = 200000 ]
	[ "$(sed -n '1p;200000p' out)" = "k0=v0
k199999=v199999" ]
}

@test "a duplicate key in a big map: the later one, exit 2" {
	{ seq 0 99999 | awk '{ print "k" $1 ": v" $1 }'; echo 'k5: again'
	  echo 'k7: again'; } > c.config
	bad "c.config:100001:1: duplicate key 'k5'"
}

@test "a chain of 100,000 {{ config }} references loads" {
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "a%d: \"{{ config.a%d }}\"\n", i, i + 1
		print "a100000: end" }' > c.config
	run timeout 20 joe config -c c.config a0
	[ "$status" = 0 ]
	[ "$output" = end ]
	# closed into a cycle, it is one
	sed -i 's/^a100000: end$/a100000: "{{ config.a0 }}"/' c.config
	run timeout 20 joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:1:1: this value refers to itself through {{ config }}" ]
}

@test "bad bytes: their line, column and value" {
	printf 'a: 1\nbb: x\n  \377\n' > c.config
	bad "c.config:3:3: invalid leading UTF-8 octet (0xff)"
	printf 'a: 1\nb: "\303\251\001"\n' > c.config
	bad "c.config:2:6: control characters are not allowed (0x01)"
	printf 'a: 1\nb: x\0\n' > c.config
	bad "c.config:2:5: control characters are not allowed (0x00)"
	printf 'a: \303\251\303x\n' > c.config
	bad "c.config:1:6: invalid trailing UTF-8 octet (0x78)"
	printf 'a: 1\nb: \355\240\200\n' > c.config
	bad "c.config:2:4: invalid Unicode character (0xd800)"
	printf 'a: 1\nb: \303' > c.config
	bad "c.config:2:4: incomplete UTF-8 octet sequence"
}

@test "a -c that cannot be read: exit 2" {
	mkdir d
	run joe config -c d
	[ "$status" = 2 ]
	[ "$output" = "joe-config: cannot read d: Is a directory" ]
	run joe run -c d -- true
	[ "$status" = 2 ]
	[ "$output" = "joe-run: cannot read d: Is a directory" ]
	run joe config -c nope
	[ "$status" = 2 ]
	[ "$output" = "joe-config: cannot open nope: No such file or directory" ]
}

@test "-D with an empty key in its path: exit 2" {
	for d in .=x a..b=x a.=x =x .a=x; do
		run joe config -D "$d"
		[ "$status" = 2 ]
		[ "$output" = "joe-config: -D $d: empty key in path" ]
	done
	run joe config -D ab
	[ "$status" = 2 ]
	[ "$output" = "joe-config: -D ab: expected key=value" ]
}

@test "env that joe run would refuse, joe config refuses" {
	printf 'a: 1\nenv: [a]\n' > c.config
	bad "c.config:2:1: env must be a mapping"
	run joe run -c c.config -- true
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:1: env must be a mapping" ]
	printf 'env:\n  OK: 1\n  A-B: x\n' > c.config
	bad "c.config:3:3: 'A-B' is not an environment variable name"
	printf 'env: {1A: x}\n' > c.config
	bad "c.config:1:7: '1A' is not an environment variable name"
	printf 'env: {A: [x]}\n' > c.config
	bad "c.config:1:7: env.A must be a plain value"
	run joe config -D env.A-B=x
	[ "$status" = 2 ]
	[ "$output" = "-D:1:9: 'A-B' is not an environment variable name" ]
}

@test "the config.yaml of a run reads back the same, control bytes and line breaks too" {
	printf 'steps:\n- name: t\n  run: "true"\n' > w.workflow
	# \001, tab, NEL, LS, PS, DEL, U+FFFE, quote, backslash
	v=$(printf 'a\001b\tc\302\205d\342\200\250e\342\200\251f\177g\357\277\276"\\')
	k=$(printf 'we\001ird key')
	joe run -o out -D "k=$v" -D "u=é€😀" -D "$k=1" w.workflow >/dev/null
	joe config -D "k=$v" -D "u=é€😀" -D "$k=1" > want
	joe config -c out/config.yaml > got
	cmp want got
	[ "$(joe config -c out/config.yaml k)" = "$v" ]
}

@test "bytes that are not UTF-8, from -D or {{ env }}, read back the same" {
	printf 'steps:\n- name: t\n  run: "true"\n' > w.workflow
	v=$(for i in $(seq 1 255); do printf "\\$(printf %o $i)"; done)
	k=$(printf 'r\377w')
	V="$v" joe run -o out -D 'k={{ env.V }}' -D "$k=$(printf 'a\377é')" \
	    w.workflow >/dev/null
	grep -q '^k: !bytes "\\x01\\x02.*\\xfe\\xff"$' out/config.yaml
	V="$v" joe config -D 'k={{ env.V }}' -D "$k=$(printf 'a\377é')" > want
	joe config -c out/config.yaml > got
	cmp want got
	[ "$(joe config -c out/config.yaml k)" = "$v" ]
	printf 'a: !bytes "\\xff\\u0100"\n' > c.config
	bad "c.config:1:4: a !bytes value holds U+0001 to U+00FF only"
}

@test "bad transports: their place, exit 2" {
	printf 'transport:\n  box: {host: h, colour: red}\n' > c.config
	bad "c.config:2:18: unknown transport key 'colour'"
	printf 'transport:\n  box: {host: h, options: x}\n' > c.config
	bad "c.config:2:18: options must be a list"
	printf 'transport:\n  box: {host: h, options: [[a]]}\n' > c.config
	bad "c.config:2:28: ssh options must be plain values"
	printf 'transport:\n  box: {host: [h]}\n' > c.config
	bad "c.config:2:9: host must be a plain value"
	printf 'transport: [a]\n' > c.config
	bad "c.config:1:1: transport must be a mapping"
}

@test "bad YAML and bad values: their place, exit 2" {
	printf 'a: "unterminated\n' > c.config
	bad "c.config:2:1: while scanning a quoted scalar: found unexpected end of stream"
	printf 'a: b: c\n' > c.config
	bad "c.config:1:5: mapping values are not allowed in this context"
	printf 'a: 1\n...\nx\n' > c.config
	bad "c.config:3:1: did not find expected <document start>"
	printf 'just text\n' > c.config
	bad "c.config:1:1: the top level must be a mapping"
	printf '? [a]\n: 1\n' > c.config
	bad "c.config:1:3: a key must be a plain string"
	printf 'a: "{{ config.a }}"\n' > c.config
	bad "c.config:1:1: this value refers to itself through {{ config }}"
	printf 'l: [x]\na: "{{ config.l.1 }}"\n' > c.config
	bad "c.config:2:1: unknown name config.l.1"
}

@test "a post: that is not a plain value: refused before anything runs" {
	printf 'post: {x: 1}\n' > c.config
	echo 'steps: [{name: a, run: touch ran}]' > w.workflow
	run joe run -c c.config -o out w.workflow
	[ "$status" = 2 ]
	[ "$output" = "c.config:1:1: post must be a plain value" ]
	[ ! -e ran ] && [ ! -e out ]
}

@test "a NUL in a value: refused at its place; a tab or newline in a key: escaped" {
	printf 'a: "x\\0y"\n' > c.config
	bad "c.config:1:4: a value must not hold U+0000"
	printf 'b: !bytes "p\\x00q"\n' > c.config
	bad "c.config:1:4: a value must not hold U+0000"
	# a key cannot forge a line of joe config, nor of -p that joe qemu reads
	printf '"a\\nqemu.guests.g.path=/evil": 1\n' > c.config
	run -0 joe config -c c.config
	[ "$output" = 'a\nqemu.guests.g.path=/evil=1' ]
	run -0 joe config -p -c c.config
	[ "${lines[0]}" = "$(printf 'c.config:1:1\ts\ta\\nqemu.guests.g.path=/evil\t1')" ]
	[ "$(grep -c evil <<< "$output")" = 1 ]
}
