#!/usr/bin/env bats
# Secrets (joe-config(5)): the commands get the real values; the run
# directory, the reports and the terminal show *** instead.
load helper
load sshd

S=Pa55-word-of-the-db
SUM=$(printf %s "$S" | sha256sum)

# nowhere DIR...: the secret is in no file under DIR.
nowhere() {
	! grep -rF -e "$S" "$@"
}

# reports RUN: the secret is in none of its reports.
reports() {
	local f
	for f in junit tap text html; do
		joe report -f $f "$1" > "report.$f" || true
		nowhere "report.$f"
	done
}

@test "a secret in the config's env: reaches the command and nothing joe writes" {
	printf 'env:\n  DB_PASSWORD: %s\n' "$S" > c.config
	wf w <<-'EOF'
	steps:
	- name: a
	  run: |
	    printf %s "$DB_PASSWORD" | sha256sum
	    [ "$DB_PASSWORD" = "{{ config.env.DB_PASSWORD }}" ] && echo ok
	    echo "pw=$DB_PASSWORD"
	EOF
	run joe run -v -r -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "$SUM" ]
	[ "$(cat out/01-a/cmd-02.log)" = ok ]
	[ "$(cat out/01-a/cmd-03.log)" = "pw=***" ]
	[ "$(cut -f8 out/commands.tsv | sed -n 2p)" = '[ "$DB_PASSWORD" = "***" ] && echo ok' ]
	grep -qx '  DB_PASSWORD: "\*\*\*"' out/config.yaml
	[[ "$output" == *'+ [ "$DB_PASSWORD" = "***" ] && echo ok'* ]]
	[[ "$output" == *"pw=***"* ]]
	[[ "$output" != *"$S"* ]]
	[ -s out/report.html ]
	! find out | grep -F -e "$S"
	nowhere out
	reports out
}

@test "a step env: key that looks secret hides a value from a plain config key" {
	printf 'db: %s\nnote: "is {{ config.db }}"\n' "$S" > c.config
	wf w <<-'EOF'
	steps:
	- name: a
	  env: {API_TOKEN: "{{ config.db }}"}
	  run: printf %s "$API_TOKEN" | sha256sum; echo "{{ config.db }}"
	EOF
	run joe run -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "$SUM
***" ]
	grep -qx 'db: "\*\*\*"' out/config.yaml
	grep -qx 'note: "is \*\*\*"' out/config.yaml
	nowhere out
	reports out
}

@test "a step name with a secret in it is masked alike in its directory and records" {
	printf 'env:\n  DB_PASSWORD: %s\n' "$S" > c.config
	wf w <<-EOF
	steps:
	- name: m
	  matrix: {p: [$S]}
	  run: echo "{{ matrix.p }}"
	EOF
	run joe run -c c.config -o out
	[ "$status" = 0 ]
	[[ "$output" == "PASS 01-m[p=***] "* ]]
	[[ "$output" != *"$S"* ]]
	[ "$(cut -f1,2,3 out/steps.tsv)" = "01-m[p=***]	m[p=***]	pass" ]
	[ "$(cut -f1,8 out/commands.tsv)" = "01-m[p=***]	echo \"***\"" ]
	[ "$(cat 'out/01-m[p=***]/cmd-01.log')" = "***" ]
	joe report -f junit out | grep -F 'name="01-m[p=***]"'
}

@test "the -n plan shows a substituted secret as ***" {
	printf 'env:\n  db_Password: %s\n' "$S" > c.config
	wf w <<-'EOF'
	steps:
	- {name: a, run: "login {{ config.env.db_Password }}"}
	EOF
	run joe run -n -c c.config
	[ "$status" = 0 ]
	[ "$output" = "./w.workflow	01-a	local	login ***" ]
}

@test "joe config masks its listing, not the value of one key" {
	printf 'env:\n  DB_PASSWORD: %s\nurl: "u:{{ config.env.DB_PASSWORD }}@h"\n' "$S" > c.config
	run joe config -c c.config
	[ "$status" = 0 ]
	[ "$output" = "env.DB_PASSWORD=***
url=u:***@h" ]
	run joe config -c c.config env
	[ "$output" = "env.DB_PASSWORD=***" ]
	run joe config -c c.config env.DB_PASSWORD
	[ "$output" = "$S" ]
	run joe config -c c.config url
	[ "$output" = "u:$S@h" ]
}

@test "secrets: names more keys, globs over the last key, any case; short values stay" {
	cat > c.config <<-EOF
	secrets: ["*_PIN", cookie]
	device: {card_pin: $S, Cookie: crumbs-and-more}
	env: {API_KEY: abc, KEYS: "", ok: visible-value}
	tokens: [first-token, second-token]
	EOF
	wf w <<-'EOF'
	steps:
	- name: a
	  run: echo {{ config.device.card_pin }} {{ config.device.Cookie }} "$API_KEY" "[$KEYS]" $ok {{ config.tokens.0 }} {{ config.tokens.1 }}
	EOF
	run joe run -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "*** *** abc [] visible-value *** ***" ]
	[ "$(cut -f8 out/commands.tsv)" = 'echo *** *** "$API_KEY" "[$KEYS]" $ok *** ***' ]
	run joe config -c c.config secrets
	[ "$output" = 'secrets.0=*_PIN
secrets.1=cookie' ]
}

@test "secrets: that is not a list of patterns is an error" {
	echo 'secrets: "*_PIN"' > a.config
	run -2 joe config -c a.config
	[ "$output" = "a.config:1:1: secrets must be a list of key patterns" ]
	printf 'secrets:\n- [a]\n' > b.config
	run -2 joe run -c b.config -- true
	[ "$output" = "b.config:2:3: a key pattern must be a plain value" ]
}

@test "an environment variable that looks secret is masked, through {{ env.X }} too" {
	export MY_TOKEN=$S
	run joe run -- 'echo "$MY_TOKEN"'
	[ "$status" = 0 ]
	[ "$output" = "***" ]
	echo 'steps: [{name: a, run: "echo {{ env.MY_TOKEN }}"}]' > w.workflow
	run joe run -o out
	[ "$status" = 0 ]
	[ "$(cut -f8 out/commands.tsv)" = "echo ***" ]
	[ "$(cat out/01-a/cmd-01.log)" = "***" ]
	nowhere out
}

@test "a worklet's joe config and joe run -- get the real values; its records show ***" {
	printf 'env:\n  DB_PASSWORD: %s\n' "$S" > c.config
	cat > wl <<-'EOF'
	#!/bin/sh
	echo "$JOE_CONFIG" > "$JOE_OUTPUT/../private"
	stat -c %a "$JOE_CONFIG" > "$JOE_OUTPUT/../mode"
	joe config env.DB_PASSWORD | tr -d '\n' | sha256sum
	[ "$(joe config env.DB_PASSWORD)" = "$JOE_WITH_API_KEY" ] && echo same
	joe run -- 'printf %s "$DB_PASSWORD" | sha256sum; echo "in $DB_PASSWORD"'
	joe run -- 'echo "with $JOE_WITH_API_KEY"'
	EOF
	chmod +x wl
	wf w <<-'EOF'
	steps:
	- {name: a, uses: wl, with: {api_key: "{{ config.env.DB_PASSWORD }}"}}
	EOF
	mkdir run
	run joe run -r -c c.config -o run/out
	[ "$status" = 0 ]
	[ "$(sed -n 1p run/out/01-a/cmd-01.log)" = "$SUM" ]
	[ "$(sed -n 2p run/out/01-a/cmd-01.log)" = same ]
	[ "$(cat run/out/01-a/cmd-02.log)" = "$SUM
in ***" ]
	[ "$(cat run/out/01-a/cmd-03.log)" = "with ***" ]
	[ "$(cat run/mode)" = 600 ]
	[[ "$(cat run/private)" != "$PWD"/run/* ]]
	[ ! -e "$(cat run/private)" ]
	grep -qx '  DB_PASSWORD: "\*\*\*"' run/out/config.yaml
	nowhere run/out
	reports run/out
}

@test "over ssh: the target gets the secret, the records and terminal show ***" {
	{ cat "$FIX/ssh.config"; printf 'env:\n  DB_PASSWORD: %s\n' "$S"; } > c.config
	wf w <<-'EOF'
	steps:
	- name: a
	  transport: box
	  run: |
	    printf %s "$DB_PASSWORD" | sha256sum
	    echo "x {{ config.env.DB_PASSWORD }} y" >&2
	    printf %s "$DB_PASSWORD"
	EOF
	run joe run -v -r -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "$SUM" ]
	[ "$(cat out/01-a/cmd-02.log)" = "x *** y" ]
	[ "$(cat out/01-a/cmd-03.log)" = "***" ]
	[[ "$output" != *"$S"* ]]
	nowhere out
	reports out
	run joe run -c c.config -t box -- 'printf "%s\n" "$DB_PASSWORD" "$DB_PASSWORD" >&2'
	[ "$status" = 0 ]
	[ "$output" = "***
***" ]
}

@test "a secret across the end of the 64 KiB read buffer is masked whole" {
	long=secret-$(seq -s: 1000 1030)
	printf 'env:\n  LONG_SECRET: "%s"\n' "$long" > c.config
	wf w <<-'EOF'
	steps:
	- name: a
	  run: head -c 65450 /dev/zero | tr '\0' a; printf '%s\n' "$LONG_SECRET"
	EOF
	run joe run -c c.config -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/cmd-01.log)" = "$(head -c 65450 /dev/zero | tr '\0' a)***" ]
	! grep -rF -e "${long:0:20}" out
}

@test "a secret written in two parts, a partial line between, is masked" {
	printf 'env:\n  DB_PASSWORD: %s\n' "$S" > c.config
	run joe run -c c.config -- 'printf "x %.8s" "$DB_PASSWORD"; sleep 1; printf "%s y\n" "${DB_PASSWORD#????????}"'
	[ "$status" = 0 ]
	[ "$output" = "x *** y" ]
}

@test "a run directory is for its owner only (mode 0700), whatever the umask" {
	echo 'steps: [{name: a, run: "true"}]' > w.workflow
	umask 022
	joe run -o out
	[ "$(stat -c %a out)" = 700 ]
	joe run
	[ "$(stat -c %a joe-output/"$(readlink joe-output/latest)")" = 700 ]
	umask 077
	mkdir empty
	joe run -o empty
	[ "$(stat -c %a empty)" = 700 ]
}

@test "a secret that names no transport or worklet: masked in the error too" {
	printf 'api:\n  token: tok-SECRET-1234\n' > s.config
	printf 'steps:\n- name: a\n  transport: "{{ config.api.token }}"\n  run: echo\n' > t.workflow
	run -2 joe run -n -c s.config t.workflow
	[ "$output" = "t.workflow:3:3: no transport '***' in the config" ]
	printf 'steps:\n- name: a\n  uses: "x.{{ config.api.token }}"\n' > u.workflow
	run -2 joe run -n -c s.config u.workflow
	[[ "$output" == *"no worklet x.***: not beside"* ]]
	[[ "$output" != *SECRET* ]]
}

@test "a secret equal to what joe writes itself changes no record, only text" {
	y=$(date -u +%Y)
	printf 'secrets: ["*_PIN"]\nenv: {SIM_PIN: "%s"}\n' "$y" > c.config
	printf 'x: {pass: pass, token: local}\n' >> c.config
	wf w <<-'EOF'
	steps:
	- name: pass the local check
	  run: echo pass local
	EOF
	run joe run -r -c c.config -o out
	[ "$status" = 0 ]
	# the status, the transport and the start as joe made them
	[ "$(cut -f3,7 out/commands.tsv)" = "$(printf 'pass\tlocal')" ]
	[ "$(cut -f5 out/commands.tsv | cut -c1-5)" = "$y-" ]
	[ "$(cut -f3 out/steps.tsv)" = pass ]
	[ "$(cut -f4 out/steps.tsv | cut -c1-5)" = "$y-" ]
	# the text masked: the step's name, the command, the log
	[ "$(cut -f2 out/steps.tsv)" = '*** the *** check' ]
	[ "$(cut -f8 out/commands.tsv)" = 'echo *** ***' ]
	[ "$(cat out/01-*/cmd-01.log)" = '*** ***' ]
	run joe report -f junit out
	[ "$status" = 0 ]
	[[ "$output" == *"timestamp=\"$y-"* ]]
}
