#!/usr/bin/env bats
# joe-config(1) and joe-config(5): merging, -D, lookup, substitution, errors.
load helper

@test "every leaf as key.path=value, list items by index" {
	cat > a.config <<-'EOF'
	transport:
	  box: {host: 10.0.0.7, port: 22}
	qemu:
	  args: [-nographic, "-m 1G"]
	EOF
	run joe config -c a.config
	[ "$status" = 0 ]
	[ "$output" = "transport.box.host=10.0.0.7
transport.box.port=22
qemu.args.0=-nographic
qemu.args.1=-m 1G" ]
}

@test "-c files merge left to right: maps by key, later scalars and lists win" {
	printf 'a: {x: 1, y: 2, l: [1, 2, 3]}\nb: one\n' > 1.config
	printf 'a: {y: 3, l: [9]}\nb: two\nc: new\n' > 2.config
	run joe config -c 1.config -c 2.config
	[ "$status" = 0 ]
	[ "$output" = "a.x=1
a.y=3
a.l.0=9
b=two
c=new" ]
}

@test "a map replaces a scalar and a scalar a map" {
	printf 'a: 1\nb: {x: 1}\n' > 1.config
	printf 'a: {x: 2}\nb: 3\n' > 2.config
	run joe config -c 1.config -c 2.config
	[ "$output" = "a.x=2
b=3" ]
}

@test "-D overrides one key and creates new ones" {
	printf 'a: {x: 1, y: 2}\n' > 1.config
	run joe config -c 1.config -D a.x=9 -D n.e.w='v=w'
	[ "$status" = 0 ]
	[ "$output" = "a.x=9
a.y=2
n.e.w=v=w" ]
}

@test "-D without = is bad usage" {
	run joe config -D a.b
	[ "$status" = 2 ]
	[[ "$output" == *"-D a.b: expected key=value"* ]]
}

@test "one key: the raw value; a map: its leaves; absent: exit 1" {
	printf 'env:\n  A: "x\\ty\\\\z"\n  B: b\n' > c.config
	run joe config -c c.config env.A
	[ "$status" = 0 ]
	[ "$output" = "$(printf 'x\ty\\z')" ]
	run joe config -c c.config env
	[ "$output" = 'env.A=x\ty\\z
env.B=b' ]
	run joe config -c c.config env.C
	[ "$status" = 1 ]
	[[ "$output" == *"no key env.C"* ]]
	# an empty part names nothing, as -D refuses one
	for k in env. .env env..A '' l. l..0; do
		run -1 joe config -c c.config -D l.0=x "$k"
		[ "$output" = "joe-config: no key $k" ]
	done
	printf 'steps: [{name: a, run: "echo {{ config.env..B }}"}]\n' > w.workflow
	run -2 joe run -n -c c.config
	[ "$output" = "./w.workflow:1:19: unknown name config.env..B" ]
}

@test "-p: every node with its place and type, values as they are but escaped" {
	printf 'a:\n  b: "x\\ty"\n  l: [1, {k: v}]\nmy_secret: s3cr3t\n' > p.config
	run joe config -p -c p.config -D a.d=2 a
	[ "$status" = 0 ]
	[ "$output" = "$(printf '%s\t%s\t%s\t%s\n' \
		p.config:1:1 m a '' p.config:2:3 s a.b 'x\ty' \
		p.config:3:3 l a.l '' p.config:3:7 s a.l.0 1 \
		p.config:3:10 m a.l.1 '' p.config:3:11 s a.l.1.k v \
		-D:1:5 s a.d 2)" ]
	run joe config -p -c p.config my_secret
	[ "$output" = "$(printf 'p.config:4:1\ts\tmy_secret\ts3cr3t')" ]
	run joe config -c p.config
	[[ "$output" == *"my_secret=***"* ]]
	run -2 joe config -p -t
}

@test "values with newlines stay one line each in the listing" {
	printf 'a: |\n  one\n  two\n' > c.config
	run joe config -c c.config
	[ "$output" = 'a=one\ntwo\n' ]
	run joe config -c c.config a
	[ "$output" = "one
two" ]
}

@test "-t lists transports, the default first, local always there" {
	printf 'transport:\n  box: {host: h}\n  rig: {host: r}\n' > c.config
	run joe config -t -c c.config
	[ "$status" = 0 ]
	[ "$output" = "box
rig
local" ]
	run joe config -t -c /dev/null
	[ "$output" = local ]
}

@test "no -c: JOE_CONFIG (colon-separated) first" {
	echo 'a: 1' > 1.config
	echo 'b: 2' > 2.config
	echo 'c: 3' > default.config
	JOE_CONFIG="1.config:2.config" run joe config
	[ "$output" = "a=1
b=2" ]
}

@test "no -c: ./default.config, then ~/.config/joe/default.config" {
	mkdir -p "$HOME/.config/joe"
	echo 'home: 1' > "$HOME/.config/joe/default.config"
	run joe config home
	[ "$output" = 1 ]
	echo 'here: 1' > default.config
	run joe config home
	[ "$status" = 1 ]
	run joe config here
	[ "$output" = 1 ]
}

@test "no config at all: the local machine alone" {
	run joe config -t
	[ "$status" = 0 ]
	[ "$output" = local ]
}

@test "JOE_CONFIG naming a missing file is an error" {
	JOE_CONFIG=nope.config run joe config
	[ "$status" = 2 ]
	[[ "$output" == *"cannot open nope.config: No such file"* ]]
}

@test "{{ env.NAME }} and {{ config.a.b }}, chained, substituted" {
	cat > c.config <<-'EOF'
	a: {b: "{{ config.c }}-x", l: [p, q]}
	c: "{{env.FOO}}/{{ config.a.l.1 }}"
	d: "{{ config.a.b }}"
	EOF
	FOO=foo run joe config -c c.config d
	[ "$status" = 0 ]
	[ "$output" = foo/q-x ]
}

@test "{{ }} that is not env, config or matrix is left alone" {
	echo 'fmt: "docker ps --format {{.Names}} {{ x }}"' > c.config
	run joe config -c c.config fmt
	[ "$output" = 'docker ps --format {{.Names}} {{ x }}' ]
}

@test "an unknown environment variable: file:line:col, exit 2" {
	printf 'a: 1\nb: "{{ env.NO_SUCH_VAR_X }}"\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:1: unknown name env.NO_SUCH_VAR_X" ]
}

@test "an unknown config name: file:line:col, exit 2" {
	printf 'a:\n  b: "{{ config.a.c }}"\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:3: unknown name config.a.c" ]
}

@test "a reference cycle: file:line:col, exit 2" {
	printf 'a: "{{ config.b }}"\nb: "x{{ config.c }}"\nc: "{{ config.a }}"\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[[ "$output" == c.config:*": this value refers to itself through {{ config }}" ]]
}

@test "a reference to a map is an error" {
	printf 'a: {b: 1}\nc: "{{ config.a }}"\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:1: config.a is not a plain value" ]
}

@test "YAML syntax error: file:line:col, exit 2" {
	printf 'a: 1\nb: [1, 2\nc: 3\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[[ "$output" =~ ^c\.config:[0-9]+:[0-9]+:\ .+ ]]
}

@test "a tab in indentation: file:line:col, exit 2" {
	printf 'a:\n\tb: 1\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[[ "$output" =~ ^c\.config:2:[0-9]+:\ .+ ]]
}

@test "duplicate key: file:line:col, exit 2" {
	printf 'a: 1\nb:\n  x: 1\n  x: 2\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:4:3: duplicate key 'x'" ]
}

@test "top level not a mapping: file:line:col, exit 2" {
	printf -- '- a\n- b\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:1:1: the top level must be a mapping" ]
}

@test "two YAML documents: exit 2" {
	printf 'a: 1\n---\nb: 2\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:3:1: only one YAML document is allowed" ]
}

@test "aliases are refused with their place" {
	printf 'a: &x 1\nb: *x\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:4: aliases are not supported" ]
}

@test "a map as a key is refused" {
	printf '? {a: 1}\n: 2\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[[ "$output" == "c.config:1:3: a key must be a plain string" ]]
}

@test "invalid UTF-8: exit 2 with a place" {
	printf 'a: \377\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[[ "$output" =~ ^c\.config:[0-9]+:[0-9]+: ]]
}

@test "an empty file and a comment-only file are empty configs" {
	: > e.config
	printf '# nothing\n' > f.config
	run joe config -c e.config -c f.config
	[ "$status" = 0 ]
	run joe config -t -c e.config
	[ "$output" = local ]
}

@test "a transport that is not a mapping: exit 2" {
	printf 'transport:\n  box: 1\n' > c.config
	run joe config -c c.config -t
	[ "$status" = 2 ]
	run joe run -c c.config -t box -- true
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:3: transport box must be a mapping" ]
}

@test "bad usage: exit 2" {
	run joe config -x
	[ "$status" = 2 ]
	run joe config a b
	[ "$status" = 2 ]
	run joe config -h
	[ "$status" = 0 ]
	[[ "$output" == usage:* ]]
}

@test "transport local is this machine and takes no host" {
	printf 'transport:\n  local: {host: h}\n' > c.config
	run joe config -c c.config
	[ "$status" = 2 ]
	[ "$output" = "c.config:2:3: transport local is this machine: it takes no host nor guest" ]
	printf 'transport:\n  local: {guest: g}\nqemu: {guests: {g: {path: /g}}}\n' > c.config
	run -2 joe config -c c.config
	[ "$output" = "c.config:2:3: transport local is this machine: it takes no host nor guest" ]
}

@test "the reference configs under configs/ are valid" {
	for f in "$TOP"/configs/*.config; do
		USER=u run joe config -c "$f"
		[ "$status" = 0 ] || { echo "$f: $output"; return 1; }
	done
}

@test "an empty host: refused at its place" {
	printf 'transport:\n  t: {host: ""}\n' > c.config
	run -2 joe config -c c.config
	[ "$output" = "c.config:2:7: host must not be empty" ]
}
