#!/usr/bin/env bats
# joe -s (joe-starter): a package's starter files into the current
# directory, beside another package's, never overwriting without -f;
# joe -s -l lists the packages.
load helper

# same PKG FILE...: each FILE here is the package's own.
same() {
	local p=$1 f
	shift
	for f; do
		cmp "$f" "$TOP/pkgs/$p/$f" || return
	done
}

# Each test in its own empty directory (bats keeps files in its own).
eval "helper_$(declare -f setup)"
setup() {
	helper_setup
	mkdir lab
	cd lab
}

# files: the names here, each followed by a space.
files() {
	ls | tr '\n' ' '
}

# The files fio's starter names (fio-limits.txt and maybe more).
fio_starter=$(cat "$TOP/pkgs/fio/starter")

# usage: the usage joe -s prints.
usage='usage: joe -s [-f] [package]
       joe -s -l'

@test "joe -s: core's config and workflow into an empty directory" {
	run --separate-stderr joe -s
	[ "$status" = 0 ]
	[ "$output" = $'default.config\nexample.workflow' ]
	[ -z "$stderr" ]
	same core default.config example.workflow
	[ "$(files)" = "default.config example.workflow " ]
}

@test "joe -s fio: its starter's files come too; then joe run passes" {
	command -v fio || skip "fio is not installed"
	grep -qx fio-limits.txt "$TOP/pkgs/fio/starter"
	[ ! -e "$TOP/pkgs/core/starter" ]
	run --separate-stderr joe -s fio
	[ "$status" = 0 ]
	[ "$output" = $'default.config\nexample.workflow\n'"$fio_starter" ]
	[ -z "$stderr" ]
	same fio default.config example.workflow $fio_starter
	run joe run
	[ "$status" = 0 ]
	[[ "${lines[-1]}" == *" passed, 0 failed, 0 skipped" ]]
}

@test "joe -s fio beside core's: fio.config and fio.workflow, and how to run them" {
	command -v fio || skip "fio is not installed"
	joe -s
	run --separate-stderr joe -s fio
	[ "$status" = 0 ]
	[ "$output" = $'fio.config\nfio.workflow\n'"$fio_starter" ]
	[ "$stderr" = "joe -s: to run these: joe run -c fio.config fio.workflow" ]
	same core default.config example.workflow
	cmp fio.config "$TOP/pkgs/fio/default.config"
	cmp fio.workflow "$TOP/pkgs/fio/example.workflow"
	same fio fio-limits.txt
	run joe run -c fio.config fio.workflow
	[ "$status" = 0 ]
	[[ "${lines[-1]}" == *" passed, 0 failed, 0 skipped" ]]
}

@test "joe -s again: identical files are left alone, nothing printed" {
	joe -s fio
	run --separate-stderr joe -s fio
	[ "$status" = 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	joe -s qemu
	run --separate-stderr joe -s qemu
	[ "$status" = 0 ]
	[ -z "$output" ]
	[ "$stderr" = "joe -s: to run these: joe run -c qemu.config qemu.workflow" ]
	[ "$(echo qemu.*)" = "qemu.config qemu.workflow" ]
}

@test "joe -s: one default name taken by other content moves both" {
	cp "$TOP/pkgs/core/default.config" .
	echo mine > example.workflow
	run --separate-stderr joe -s
	[ "$status" = 0 ]
	[ "$output" = $'core.config\ncore.workflow' ]
	[ "$stderr" = "joe -s: to run these: joe run -c core.config core.workflow" ]
	[ "$(cat example.workflow)" = mine ]
	same core default.config
}

@test "joe -s: files with other content stop it, each named, nothing written" {
	echo mine > default.config
	echo mine > fio.workflow
	echo mine > fio-limits.txt
	run --separate-stderr joe -s fio
	[ "$status" = 1 ]
	[ -z "$output" ]
	[ "$stderr" = "joe -s: fio.workflow exists and differs; not overwriting it
joe -s: fio-limits.txt exists and differs; not overwriting it" ]
	[ "$(files)" = "default.config fio-limits.txt fio.workflow " ]
	[ "$(cat default.config fio.workflow fio-limits.txt)" = $'mine\nmine\nmine' ]
}

@test "joe -s -f: overwrites the default names and the starter's files" {
	echo mine > default.config
	echo mine > fio.workflow
	echo mine > fio-limits.txt
	cp "$TOP/pkgs/fio/example.workflow" .
	run --separate-stderr joe -s -f fio
	[ "$status" = 0 ]
	[ "$output" = $'default.config\n'"$fio_starter" ]
	[ -z "$stderr" ]
	same fio default.config example.workflow $fio_starter
	[ "$(cat fio.workflow)" = mine ]
}

@test "joe -s -f: a directory in a file's place stops it" {
	mkdir fio-limits.txt
	run --separate-stderr joe -s -f fio
	[ "$status" = 1 ]
	[ "$stderr" = "joe -s: fio-limits.txt exists and differs; not overwriting it" ]
	[ -z "$output" ]
	[ "$(files)" = "fio-limits.txt " ]
}

@test "joe -s: packages along JOE_PATH first, then beside joe" {
	mkdir -p p/core p/mine
	echo "{}" > p/mine/default.config
	echo 'steps: []' > p/core/example.workflow
	echo 'transport: {local: {}}' > p/core/default.config
	JOE_PATH="/nonexistent::$PWD/p" run --separate-stderr joe -s
	[ "$status" = 0 ]
	[ "$(cat example.workflow)" = 'steps: []' ]
	# a directory without example.workflow is no package
	mkdir r && cd r
	JOE_PATH="$PWD/../p" run --separate-stderr joe -s mine
	[ "$status" = 2 ]
	[ "$stderr" = "joe -s: no package mine" ]
	[ "$(files)" = "" ]
	JOE_PATH="$PWD/../p" run --separate-stderr joe -s fio
	[ "$status" = 0 ]
	[ "$output" = $'default.config\nexample.workflow\n'"$fio_starter" ]
}

@test "joe -s: a package lacking a file it names: exit 2, nothing written" {
	mkdir -p p/a p/b
	echo 'steps: []' > p/a/example.workflow
	echo 'steps: []' > p/b/example.workflow
	echo '{}' > p/b/default.config
	printf 'x.txt\n\nno.txt\n' > p/b/starter
	touch p/b/x.txt
	mkdir r && cd r
	JOE_PATH=../p run --separate-stderr joe -s a
	[ "$status" = 2 ]
	[ "$stderr" = "joe -s: ../p/a has no default.config" ]
	JOE_PATH=../p run --separate-stderr joe -s b
	[ "$status" = 2 ]
	[ "$stderr" = "joe -s: ../p/b has no no.txt" ]
	[ -z "$output" ]
	[ "$(files)" = "" ]
}

@test "joe -s -l: every package, its doc's first line, sorted, the first found wins" {
	run --separate-stderr joe -s -l
	[ "$status" = 0 ]
	[ -z "$stderr" ]
	local p
	for p in core fio qemu; do
		[ "$(grep "^$p " <<< "$output")" = "$(printf '%-7s %s' $p \
		    "$(sed -n '2s/^ *//p' "$TOP/pkgs/$p/example.workflow")")" ]
	done
	[ "${lines[0]}" = "core    Commands, a worklet, a matrix and a test suite on one target." ]
	LC_ALL=C sort -c <<< "$output"
	mkdir -p p/core p/aaa p/none p/nodoc
	printf 'doc: |\n  Mine, first.\nsteps: []\n' > p/core/example.workflow
	printf 'doc: |\n  A package of mine.\n  More.\n' > p/aaa/example.workflow
	printf 'steps: []\n' > p/nodoc/example.workflow
	JOE_PATH="$PWD/p" run --separate-stderr joe -s -l
	[ "$status" = 0 ]
	[ "${lines[0]}" = "aaa     A package of mine." ]
	[ "${lines[1]}" = "core    Mine, first." ]
	[ "$(grep -c '^core ' <<< "$output")" = 1 ]
	[ "$(grep '^nodoc' <<< "$output")" = nodoc ]
	[[ "$output" != *none* ]]
	[ "${#lines[@]}" = "$(ls -d "$TOP"/pkgs/*/example.workflow p/*/example.workflow | sed 's,/example.workflow,,; s,.*/,,' | sort -u | wc -l)" ]
	LC_ALL=C sort -c <<< "$output"
}

@test "joe -s: bad usage, exit 2, nothing written" {
	local a
	for a in "-x|joe -s: invalid option -- 'x'" \
	    "core fio|joe -s: too many arguments" \
	    "-l core|joe -s: too many arguments" \
	    "-f -l x|joe -s: too many arguments"; do
		run --separate-stderr joe -s ${a%|*}
		[ "$status" = 2 ]
		[ "$stderr" = "${a#*|}
$usage" ]
	done
	for a in nowhere ../pkgs/core . core/; do
		run --separate-stderr joe -s "$a"
		[ "$status" = 2 ]
		[ "$stderr" = "joe -s: no package $a" ]
	done
	run --separate-stderr joe -s ''
	[ "$status" = 2 ]
	[ "$stderr" = "joe -s: no package" ]
	[ "$(files)" = "" ]
	run --separate-stderr joe -s -h
	[ "$status" = 0 ]
	[ "$output" = "$usage" ]
}

@test "every package's starter files side by side in one directory, each named after its package" {
	local p f
	joe -s
	for p in fio qemu xnvme spdk linux; do
		run --separate-stderr joe -s "$p"
		[ "$status" = 0 ] || { echo "joe -s $p: $stderr"; false; }
		[ "$stderr" = "joe -s: to run these: joe run -c $p.config $p.workflow" ]
		cmp "$p.config" "$TOP/pkgs/$p/default.config"
		cmp "$p.workflow" "$TOP/pkgs/$p/example.workflow"
	done
	same core default.config example.workflow
	for p in "$TOP"/pkgs/*/starter; do
		while read -r f; do
			case $f in "$(basename "${p%/starter}")"-*) ;;
			*) echo "$p: $f is not named after its package"; false ;; esac
			cmp "$f" "${p%/starter}/$f"
		done < "$p"
	done
}

@test "joe -s finds joe-starter beside joe with no PATH set-up" {
	PATH=/usr/bin:/bin run "$TOP/joe" -s qemu
	[ "$status" = 0 ]
	[ "$output" = $'default.config\nexample.workflow\nqemu-xnvme.config\nqemu-switch.config' ]
	same qemu default.config example.workflow qemu-xnvme.config qemu-switch.config
}

@test "make install: joe -s and joe -s -l use the installed packages" {
	command -v fio || skip "fio is not installed"
	mkdir src
	cp -R "$TOP/Makefile" "$TOP/VERSION" "$TOP/cmd" "$TOP/lib" "$TOP/pkgs" \
	    "$TOP/man" "$TOP/completion" src/
	make -s -C src install PREFIX="$PWD/p" SANITIZE="${SANITIZE:-}" >/dev/null
	make -s -C src install PREFIX=/usr DESTDIR="$PWD/stage" \
	    SANITIZE="${SANITIZE:-}" >/dev/null
	[ -x stage/usr/libexec/joe/joe-starter ]
	grep -qx "pkgdir='/usr/share/joe/pkgs'" stage/usr/libexec/joe/joe-starter
	[ -f stage/usr/share/joe/pkgs/fio/starter ]
	rm -rf src stage
	mkdir lab && cd lab
	local PATH="$PWD/../p/bin:/usr/bin:/bin"
	[ "$(command -v joe)" = "$PWD/../p/bin/joe" ]
	run joe -s -l
	[ "$status" = 0 ]
	[[ "$output" == *$'\nfio     '* ]]
	run joe -s fio
	[ "$status" = 0 ]
	[ "$output" = $'default.config\nexample.workflow\n'"$fio_starter" ]
	same fio default.config example.workflow $fio_starter
	run joe run
	[ "$status" = 0 ]
	[[ "${lines[-1]}" == *" passed, 0 failed, 0 skipped" ]]
}
