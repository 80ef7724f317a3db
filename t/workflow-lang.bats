#!/usr/bin/env bats
# The workflow language (joe-workflow(5)): with: lists, matrix exclude and
# include, {{ workflow.dir }}, unset {{ env }} in steps not selected, dotted
# names that are not joe's, and a worklet's JOE_CONFIG with the step's env,
# locally and over a real sshd.
load helper
load sshd

# bad WORKFLOW MESSAGE: refused with MESSAGE and exit 2 by -n and by a run,
# which writes nothing.
bad() {
	printf "$1" > w.workflow
	run -2 joe run -n w.workflow
	[ "$output" = "$2" ] || { echo "-n got: $output"; return 1; }
	run -2 joe run -o out w.workflow
	[ "$output" = "$2" ] || { echo "run got: $output"; return 1; }
	[ ! -e out ] && [ ! -e joe-output ]
}

@test "with: a list is given to the worklet as its items, one a line" {
	cat > show <<-'EOF'
	#!/bin/sh
	IFS='
	'
	for f in $JOE_WITH_FILES; do echo "[$f]"; done
	echo "one=$JOE_WITH_ONE empty=[$JOE_WITH_NONE]"
	EOF
	chmod +x show
	wf w <<-'EOF'
	steps:
	- name: s
	  uses: show
	  with: {files: [a, "b c", "{{ env.E }}", 4], one: x, none: []}
	EOF
	E=from-env run -0 joe run -o out
	[ "$(cat out/01-s/cmd-01.log)" = "[a]
[b c]
[from-env]
[4]
one=x empty=[]" ]
}

@test "with: a list under a secret key: each item is masked" {
	cat > show <<-'EOF'
	#!/bin/sh
	IFS='
	'
	for t in $JOE_WITH_TOKENS; do echo "t=$t"; done
	EOF
	chmod +x show
	wf w <<-'EOF'
	steps:
	- {name: s, uses: show, with: {tokens: [s3cr3t-one, s3cr3t-two]}}
	EOF
	run -0 joe run -o out
	[ "$(cat out/01-s/cmd-01.log)" = "t=***
t=***" ]
	[ -z "$(grep -r s3cr3t out/0* out/*.tsv)" ]
}

@test "with: a mapping, or a list holding a list or a mapping: file:line:col" {
	bad 'steps:\n- name: s\n  uses: show\n  with: {a: 1, b: {c: 1}}\n' \
	    "w.workflow:4:16: with.b must be a plain value or a list of them"
	bad 'steps:\n- name: s\n  uses: show\n  with:\n    b: [1, {c: 1}]\n' \
	    "w.workflow:5:12: with.b must be a plain value or a list of them"
	bad 'steps:\n- name: s\n  uses: show\n  with:\n    b:\n    - 1\n    - [2]\n' \
	    "w.workflow:7:7: with.b must be a plain value or a list of them"
	# env: takes no lists
	bad 'steps:\n- {name: s, run: x, env: {A: [1]}}\n' \
	    "w.workflow:2:27: env.A must be a plain value"
}

@test "matrix: exclude drops combinations, include appends them" {
	wf w <<-'EOF'
	steps:
	- name: t
	  matrix:
	    os: [deb, fed]
	    cc: [gcc, clang, tcc]
	    exclude:
	    - {os: fed, cc: tcc}
	    - {cc: clang}
	    include:
	    - {cc: icc, os: deb}
	  run: echo {{ matrix.os }}/{{ matrix.cc }}
	EOF
	run -0 joe run -n
	[ "$(cut -f2,4 <<< "$output")" = "01-t[os=deb,cc=gcc]	echo deb/gcc
02-t[os=deb,cc=tcc]	echo deb/tcc
03-t[os=fed,cc=gcc]	echo fed/gcc
04-t[os=deb,cc=icc]	echo deb/icc" ]
	run -0 joe run -o out 't[os=deb,cc=icc]'
	[ "$(cat 'out/04-t[os=deb,cc=icc]/cmd-01.log')" = deb/icc ]
}

@test "matrix: 1000 steps after exclude and include is the bound" {
	local l='[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]'
	printf 'steps:\n- {name: a, run: x, matrix: {a: %s, b: %s, c: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], exclude: [{c: 10}]}}\n' \
	    "$l" "$l" > w.workflow
	run -0 joe run -n
	[ "${#lines[@]}" = 1000 ]
	bad "steps:\n- name: a\n  run: x\n  matrix: {a: $l, b: $l, c: $l, exclude: [{c: 10}], include: [{a: x, b: y, c: z}]}\n" \
	    "w.workflow:4:3: more than 1000 steps"
	# a matrix of millions all excluded ends, at its key
	bad "steps:\n- name: a\n  run: x\n  matrix: {a: $l, b: $l, c: $l, d: $l, e: $l, f: $l, g: $l, exclude: [{a: 0}, {a: 1}, {a: 2}, {a: 3}, {a: 4}, {a: 5}, {a: 6}, {a: 7}, {a: 8}, {a: 9}]}\n" \
	    "w.workflow:4:3: more than 1000000 matrix combinations in a run"
}

@test "matrix exclude and include: bad shapes at file:line:col" {
	local m='name: a\n  run: x\n  matrix:\n    k: [1, 2]\n    j: [3]\n'
	bad "steps:\n- $m    exclude: {k: 1}\n" \
	    "w.workflow:7:5: matrix.exclude must be a list of mappings"
	bad "steps:\n- $m    exclude: [k]\n" \
	    "w.workflow:7:15: matrix.exclude must be a list of mappings"
	bad "steps:\n- $m    exclude: [{k: 1, z: 2}]\n" \
	    "w.workflow:7:22: matrix.exclude: 'z' is not a key of the matrix"
	bad "steps:\n- $m    exclude: [{workflow.dir: 2}]\n" \
	    "w.workflow:7:16: matrix.exclude: 'workflow.dir' is not a key of the matrix"
	bad "steps:\n- $m    exclude: [{k: [1]}]\n" \
	    "w.workflow:7:16: matrix values must be plain values"
	bad "steps:\n- $m    include: x\n" \
	    "w.workflow:7:5: matrix.include must be a list of mappings"
	bad "steps:\n- $m    include: [{k: 9}]\n" \
	    "w.workflow:7:15: matrix.include: an entry needs every key of the matrix"
	bad "steps:\n- $m    include: [{k: 9, j: 9, i: 9}]\n" \
	    "w.workflow:7:28: matrix.include: 'i' is not a key of the matrix"
	bad "steps:\n- $m    include: [{k: 9, j: {x: 1}}]\n" \
	    "w.workflow:7:22: matrix values must be plain values"
	bad "steps:\n- $m    include: [{k: 1, j: 3}]\n" \
	    "w.workflow:2:3: duplicate step name 'a[k=1,j=3]'"
	bad 'steps:\n- {name: a, run: x, matrix: {include: [{k: 1}]}}\n' \
	    "w.workflow:2:21: matrix must map names to lists of values"
}

@test "{{ workflow.dir }} and JOE_WORKFLOW_DIR: the workflow's directory as given, absolute" {
	mkdir real
	ln -s real link
	printf '#!/bin/sh\necho "$JOE_WORKFLOW_DIR"\n' > real/show
	chmod +x real/show
	cat > real/w.workflow <<-'EOF'
	steps:
	- {name: a, run: "echo {{ workflow.dir }}"}
	- {name: b, uses: show}
	- {name: c, uses: show, with: {d: "{{ workflow.dir }}/x"}, env: {D: "{{ workflow.dir }}"}}
	EOF
	run -0 joe run -o out link/w.workflow
	[ "$(cat out/01-a/cmd-01.log)" = "$PWD/link" ]
	[ "$(cat out/02-b/cmd-01.log)" = "$PWD/link" ]
	run -0 joe run -n ./link/w.workflow c
	[ "$(cut -f2,4 <<< "$output")" = "03-c	show" ]
	cd real
	run -0 joe run -o out2 ./w.workflow a
	[ "$(cat out2/01-a/cmd-01.log)" = "$PWD" ]
	run -0 joe run -o out3 "$PWD/w.workflow" a
	[ "$(cat out3/01-a/cmd-01.log)" = "$PWD" ]
	# not a name of configs
	echo 'a: "{{ workflow.dir }}"' > c.config
	run -2 joe config -c c.config
	[ "$output" = "c.config:1:1: unknown name workflow.dir" ]
}

@test "an unset {{ env }} in a step not selected does not refuse the run; selected, it does" {
	unset NO_SUCH_VAR_X
	printf '#!/bin/sh\n' > show
	chmod +x show
	wf w <<-'EOF'
	steps:
	- {name: a, run: echo ran a}
	- {name: b, run: "echo {{ env.NO_SUCH_VAR_X }}", env: {B: "{{ env.NO_SUCH_VAR_X }}"}}
	- {name: c, uses: show, with: {x: "{{ env.NO_SUCH_VAR_X }}"}}
	- {name: t, always: true, run: "echo ran t"}
	EOF
	run -0 joe run -o out a
	[ "$(cat out/01-a/cmd-01.log)" = "ran a" ]
	[ "$(cat out/04-t/cmd-01.log)" = "ran t" ]
	run -2 joe run -o out2 a b
	[ "$output" = "./w.workflow:3:13: unknown name env.NO_SUCH_VAR_X" ]
	run -2 joe run -n c
	[ "$output" = "./w.workflow:4:32: unknown name env.NO_SUCH_VAR_X" ]
	run -2 joe run -o out3
	[ "$output" = "./w.workflow:3:13: unknown name env.NO_SUCH_VAR_X" ]
	[ ! -e out2 ] && [ ! -e out3 ]
	# an always: step runs, so it refuses
	sed -i 's/echo ran t/echo {{ env.NO_SUCH_VAR_X }}/' w.workflow
	run -2 joe run -o out4 a
	[ "$output" = "./w.workflow:5:27: unknown name env.NO_SUCH_VAR_X" ]
}

@test "a dotted {{ a.b }} that is not joe's is refused; \\{{ keeps it; Go templates kept" {
	local m="unknown name 'local.env.HOME' (not env, config, matrix or workflow; \\{{ keeps it as it is)"
	bad 'steps:\n- {name: a, run: "mkdir {{ local.env.HOME }}"}\n' "w.workflow:2:13: $m"
	bad 'steps:\n- {name: a, run: x, env: {A: "{{local.env.HOME}}"}}\n' "w.workflow:2:27: $m"
	bad 'steps:\n- {name: a, uses: x, with: {a: [ok, "{{ local.env.HOME }}"]}}\n' "w.workflow:2:37: $m"
	printf 'a: 1\nb: "x {{ local.env.HOME }}"\n' > c.config
	run -2 joe config -c c.config
	[ "$output" = "c.config:2:1: $m" ]
	run -2 joe run -c c.config -- true
	[ "$output" = "c.config:2:1: $m" ]
	[ ! -e local.env.HOME ] && [ ! -e '{{ local.env.HOME }}' ]
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    echo '\{{ local.env.HOME }} {{.State.Running}} {{ .Name }} {{ x }} {{ json .Config }} {{ x-y }}'
	    echo '\{{ env.HOME }} \{{.Names}} \\{{ env.E }} {{{{ env.E }} }}'
	EOF
	E=e run -0 joe run -o out
	[ "$(cat out/01-a/cmd-01.log)" = '{{ local.env.HOME }} {{.State.Running}} {{ .Name }} {{ x }} {{ json .Config }} {{ x-y }}' ]
	[ "$(cat out/01-a/cmd-02.log)" = '{{ env.HOME }} {{.Names}} \{{ env.E }} {{e }}' ]
}

@test "\\{{ in a config survives a worklet's JOE_CONFIG and joe run -- there" {
	printf 'k: "\\\\{{ a.b }} {{{{ x }}"\nenv: {V: "\\\\{{ a.b }}"}\n' > c.config
	run -0 joe config -c c.config k
	[ "$output" = '{{ a.b }} {{{{ x }}' ]
	printf '#!/bin/sh\njoe config k\njoe run -- '"'"'echo "$V"'"'"'\n' > show
	chmod +x show
	echo 'steps: [{name: s, uses: show}]' > w.workflow
	run -0 joe run -c c.config -o out
	[ "$(cat out/01-s/cmd-01.log)" = '{{ a.b }} {{{{ x }}' ]
	[ "$(cat out/01-s/cmd-02.log)" = '{{ a.b }}' ]
	# the run's config.yaml reads back the same
	run -0 joe config -c out/config.yaml k
	[ "$output" = '{{ a.b }} {{{{ x }}' ]
}

# envwf CONFIG: a workflow whose worklet runs joe run -- with the step's env
envwf() {
	cat > show <<-'EOF'
	#!/bin/sh
	joe run -- 'echo "A=$A B=$B C=$C"'
	EOF
	chmod +x show
	wf w <<-'EOF'
	steps:
	- {name: s, uses: show, env: {B: step-b, C: "{{ env.E }}"}}
	- {name: after, run: 'echo "A=$A B=$B C=$C"'}
	- {name: plain, uses: show}
	EOF
}

@test "a worklet's JOE_CONFIG has the step's env over the config's: joe run -- exports it" {
	envwf
	printf 'env: {A: cfg-a, B: cfg-b}\n' > c.config
	E=from-env run -0 joe run -c c.config -o out
	[ "$(cat out/01-s/cmd-02.log)" = "A=cfg-a B=step-b C=from-env" ]
	[ "$(cat out/02-after/cmd-01.log)" = "A=cfg-a B=cfg-b C=" ]
	[ "$(cat out/03-plain/cmd-02.log)" = "A=cfg-a B=cfg-b C=" ]
	grep -q '^  B: "cfg-b"$' out/config.yaml
	# a config with no env: the step's alone
	E=x run -0 joe run -c /dev/null -o out2
	[ "$(cat out2/01-s/cmd-02.log)" = "A= B=step-b C=x" ]
	[ "$(cat out2/03-plain/cmd-02.log)" = "A= B= C=" ]
}

@test "a worklet's joe run -- over ssh exports the step's env on the target" {
	envwf
	cp "$FIX/ssh.config" c.config
	printf 'env: {A: cfg-a, B: cfg-b}\n' >> c.config
	E=from-env run -0 joe run -c c.config -o out
	[ "$(cat out/01-s/cmd-02.log)" = "A=cfg-a B=step-b C=from-env" ]
	[ "$(cut -f4 out/commands.tsv | sort -u)" = "box" ] || cat out/commands.tsv
	[ "$(cat out/02-after/cmd-01.log)" = "A=cfg-a B=cfg-b C=" ]
}
