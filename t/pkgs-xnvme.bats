#!/usr/bin/env bats
# pkgs/xnvme: what needs no xNVMe source (the example's matrix, TAP from
# exit statuses here and over the test sshd, the extractor on recorded
# output, every bad with: value), and, when JOE_XNVME_SOURCE names an
# xNVMe tree, the example end to end on this machine and over the sshd.
load helper
load sshd

X=$BATS_TEST_DIRNAME/../pkgs/xnvme
FX=$BATS_TEST_DIRNAME/fixtures/xnvme

# checks: a commands file of real shell commands for xnvme.test.
checks() {
	cat > checks.txt <<-'EOF2'
	# a comment, then a blank line

	true
	false
	echo out; echo err >&2; exit 3
	test "$DEV $BE $ASYNC $SYNC" = "2GB --dev-nsid 1 --be ramdisk --async emu "
	echo "a # b"
	EOF2
}

# tap: the TAP xnvme.test makes of checks.txt.
tap() {
	cat <<-'EOF2'
	1..5
	ok 1 - true
	not ok 2 - false
	  ---
	  exit: 1
	  output: |
	  ...
	not ok 3 - echo out; echo err >&2; exit 3
	  ---
	  exit: 3
	  output: |
	    out
	    err
	  ...
	ok 4 - test "$DEV $BE $ASYNC $SYNC" = "2GB --dev-nsid 1 --be ramdisk --async emu "
	ok 5 - echo "a \# b"
	EOF2
}

@test "joe -s xnvme; joe run -n: the example's matrix over ramdisk and file backends" {
	joe -s xnvme
	JOE_XNVME_SOURCE=/nowhere run joe run -n
	[ "$status" = 0 ]
	[ "$(echo "$output" | cut -f2,4)" = "$(printf '%s\t%s\n' \
		01-build xnvme.build 02-info xnvme.info \
		'03-ramdisk[async=emu]' xnvme.test \
		'04-ramdisk[async=thrpool]' xnvme.test \
		05-file 'truncate -s 256M /tmp/joe-xnvme.img' \
		'06-linux[async=libaio]' xnvme.test \
		'07-linux[async=io_uring]' xnvme.test \
		08-bench 'env PATH=/tmp/joe-xnvme/inst/bin:/usr/local/bin:/usr/bin:/bin LD_LIBRARY_PATH=/tmp/joe-xnvme/inst/lib xnvme_file load-async /tmp/joe-xnvme.img --iosize 65536 --qdepth 16' \
		09-fio xnvme.fio 10-cleanup 'rm -f /tmp/joe-xnvme.img')" ]
	run env -u JOE_XNVME_SOURCE joe run -n
	[ "$status" = 2 ]
	[ "$output" = "default.config:9:3: unknown name env.JOE_XNVME_SOURCE" ]
}

@test "the example without a source tree stops at xnvme.build, saying why" {
	joe -s xnvme
	JOE_XNVME_SOURCE=/nowhere run joe run -D xnvme.file="$PWD/img"
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 01-build"*"xnvme.build (fail, rc 2)"*"./example.workflow:13:5: xnvme.build: with.source: '/nowhere': no such directory"* ]]
	[[ "$output" == *"SKIP 09-fio"*"PASS 10-cleanup"* ]]
	JOE_XNVME_SOURCE= run joe run
	[[ "$output" == *"./example.workflow:13:5: xnvme.build: with.source: missing: name an xNVMe tree or git URL (xnvme.source, JOE_XNVME_SOURCE)"* ]]
	mkdir tree
	JOE_XNVME_SOURCE=$PWD/tree run joe run
	[[ "$output" == *"./example.workflow:13:5: xnvme.build: with.source: '$PWD/tree' has no meson.build"* ]]
}

# xt TRANSPORT: an xnvme.test step of checks.txt on TRANSPORT.
xt() {
	checks
	cat > w.workflow <<-EOF2
	steps:
	- name: t
	  transport: $1
	  uses: xnvme.test
	  with: {commands: checks.txt, name: cli, be: ramdisk, async: emu}
	EOF2
	{ cat "$FIX/ssh.config"; echo '  local: {}'; } > c.config
	run joe run -c c.config -o out w.workflow
	[ "$status" = 1 ]
	[ "$(cat out/01-t/cli.tap)" = "$(tap)" ]
	[[ "$output" == *"xnvme.test: 5 tests, 2 failed"* ]]
	[[ "$output" == *"tests: 3 passed, 2 failed, 0 skipped, 0 todo"* ]]
	[ "$(cut -f1-4 out/tests.tsv)" = "$(printf '01-t\tcli\t%s\n' \
		'true	pass' 'false	fail' 'echo out; echo err >&2; exit 3	fail' \
		'test "$DEV $BE $ASYNC $SYNC" = "2GB --dev-nsid 1 --be ramdisk --async emu "	pass' \
		'echo "a \\# b"	pass')" ]
	[ ! -e out/01-t/.cmds ] && [ ! -e out/01-t/.out ]
}

@test "xnvme.test: each command a TAP test from its exit status, here" {
	xt local
}

@test "xnvme.test: each command a TAP test from its exit status, over ssh" {
	xt box
}

@test "xnvme.test: a commands file with no commands fails, saying so" {
	printf '# nothing\n\n' > none.txt
	JOE_WITH_COMMANDS=$PWD/none.txt run "$X/test"
	[ "$status" = 1 ]
	[ "$output" = "xnvme.test: $PWD/none.txt has no commands" ]
}

@test "extract: xnvme.bench on xNVMe's recorded output" {
	run "$X/extract-bench" < "$FX/load-async.log"
	[ "$status" = 0 ]
	[ "$output" = "$(printf '%s\n' 'xnvme.load-async.tbytes 268435456 B' \
		'xnvme.load-async.buf_nbytes 268435456 B' \
		'xnvme.load-async.iosize 65536 B' 'xnvme.load-async.qdepth 16' \
		'xnvme.wall-clock.elapsed 0.5099 s' 'xnvme.wall-clock.mib 256.00 MiB' \
		'xnvme.wall-clock.mib_sec 502.02 MiB/s' \
		'xnvme.cb_args.nsubmissions 4096' 'xnvme.cb_args.ncompletions 4096' \
		'xnvme.cb_args.iops 8033 IOPS' 'xnvme.cb_args.nerrors 0')" ]
	run "$X/extract-bench" < "$FX/ioworker.log"
	[ "$output" = "$(printf '%s\n' 'xnvme.exit-stats.submitted 32768' \
		'xnvme.exit-stats.completed 32768' 'xnvme.exit-stats.ecount 0')" ]
	cat > w.workflow <<-EOF2
	steps:
	- name: bench
	  extract: xnvme.bench
	  run: cat $FX/copy-async.log $FX/io-async.log
	EOF2
	run joe run -o out w.workflow
	[ "$status" = 0 ]
	[ "$(cut -f2-4 out/metrics.tsv | tr '\t' ' ')" = "$(printf '%s\n' \
		'xnvme.copy-async.tbytes 268435456 B' \
		'xnvme.copy-async.buf_nbytes 32768 B' \
		'xnvme.copy-async.iosize 4096 B' 'xnvme.copy-async.qdepth 8 ' \
		'xnvme.wall-clock.elapsed 0.3605 s' 'xnvme.wall-clock.mib 256 MiB' \
		'xnvme.wall-clock.mib_sec 710.14 MiB/s' \
		'xnvme.cb_args_copy.nsubmissions 65536 ' \
		'xnvme.cb_args_copy.ncompletions 65536 ' \
		'xnvme.cb_args_copy.iops 181792 IOPS' 'xnvme.cb_args_copy.nerrors 0 ' \
		'xnvme.wall-clock.elapsed#2 0.0001 s' 'xnvme.wall-clock.mib#2 0 MiB' \
		'xnvme.wall-clock.mib_sec#2 8.62 MiB/s' 'xnvme.cb_args.submitted 1 ' \
		'xnvme.cb_args.completed 1 ' 'xnvme.cb_args.iops 10000 IOPS' \
		'xnvme.cb_args.ecount 0 ')" ]
}

# Each bad with: value: the worklet, its with: as KEY=VALUE words, the
# message; exit 2 before anything runs.
BAD="build|source=|with.source: missing: name an xNVMe tree or git URL (xnvme.source, JOE_XNVME_SOURCE)
build|source=/nowhere|with.source: '/nowhere': no such directory
build|source=/|with.source: '/' has no meson.build
build|source=git@h:x ref=v1 dir=tmp|with.dir: 'tmp' is not an absolute path without blanks or quotes
build|source=git@h:x dir=/|with.dir: '/' is not an absolute path without blanks or quotes
build|source=https://h/x buildtype=fast|with.buildtype: 'fast' is not one of plain debug debugoptimized release minsize custom
build|source=https://h/x jobs=0|with.jobs: '0' is not a positive number
build|source=https://h/x jobs=2x|with.jobs: '2x' is not a positive number
build|source=https://h/x options=-Dfoo|with.options: '-Dfoo' is not NAME=VALUE
build|source=https://h/x prefix=usr|with.prefix: 'usr' is not an absolute path without blanks or quotes
build|source=https://h/x dev=2GB|with.dev: not a key of xnvme.build
info|dev=a;b|with.dev: 'a;b' is not a device URI (letters, digits, _ . / : -)
info|nsid=0x|with.nsid: '0x' is not a number
info|nsid=0xg|with.nsid: '0xg' is not a number
info|nsid=1a|with.nsid: '1a' is not a number
info|be=posix|with.be: 'posix' is not one of linux ramdisk spdk vfio fbsd macos windows
info|admin=Nvme|with.admin: 'Nvme' is not a name (a-z 0-9 _)
info|mem=a-b|with.mem: 'a-b' is not a name (a-z 0-9 _)
info|async=emu|with.async: not a key of xnvme.info
test|sync=a/b|with.sync: 'a/b' is not a name (a-z 0-9 _)
test|async=io-uring|with.async: 'io-uring' is not a name (a-z 0-9 _)
test|name=a/b|with.name: 'a/b' is not a file name (letters, digits, _ . -)
test|name=.x|with.name: '.x' is not a file name (letters, digits, _ . -)
test|commands=nowhere.txt|with.commands: 'nowhere.txt': no such file
test|rw=read|with.rw: not a key of xnvme.test
fio|rw=trim|with.rw: 'trim' is not one of read write randread randwrite rw randrw
fio|bs=4x|with.bs: '4x' is not a size (a number, then k, m or g)
fio|bs=0|with.bs: '0' is not a size (a number, then k, m or g)
fio|size=k|with.size: 'k' is not a size (a number, then k, m or g)
fio|iodepth=0|with.iodepth: '0' is not a positive number
fio|iodepth=-1|with.iodepth: '-1' is not a positive number
fio|runtime=1.5|with.runtime: '1.5' is not a positive number
fio|prefix=/a b|with.prefix: '/a b' is not an absolute path without blanks or quotes
fio|name=x|with.name: not a key of xnvme.fio"

@test "every bad with: value of the worklets: its message, exit 2" {
	local n=0 w kv msg k
	while IFS='|' read -r w kv msg; do
		(
			IFS=' '
			for k in $kv; do
				export "JOE_WITH_$(echo "${k%%=*}" | tr a-z A-Z)=${k#*=}"
			done
			[ "$kv" != "prefix=/a b" ] || export JOE_WITH_PREFIX="/a b"
			exec "$X/$w"
		) > msg.txt 2>&1 && false || [ $? = 2 ] ||
			{ echo "$w $kv: exit $?"; cat msg.txt; false; }
		[ "$(cat msg.txt)" = "xnvme.$w: $msg" ] ||
			{ echo "$w $kv:"; cat msg.txt; false; }
		n=$((n + 1))
	done <<< "$BAD"
	[ "$n" = 34 ]
	# in a workflow: at the with: key's place
	printf 'steps:\n- name: f\n  uses: xnvme.fio\n  with:\n    be: x\n' > w.workflow
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"  \$ xnvme.fio (fail, rc 2)"*"w.workflow:5:5: xnvme.fio: with.be: 'x' is not one of linux ramdisk spdk vfio fbsd macos windows"* ]]
}

# example DIR [ARGS]: the package's example from JOE_XNVME_SOURCE with joe
# run ARGS, its build and file in DIR on the target, and the checks of what it did: every
# step but fio passed, the 15 CLI checks passed on each of the four
# backends, the facts and the bench's metrics were extracted; fio passed
# if fio has xNVMe's engine, else said it has none.
example() {
	[ -d "${JOE_XNVME_SOURCE:-}" ] || skip "JOE_XNVME_SOURCE names no source tree"
	local x=$1 s
	shift
	joe -s xnvme
	run timeout 3000 joe run -D xnvme.dir="$x" -D xnvme.prefix="$x/inst" \
		-D xnvme.file="$x/img" -o out "$@"
	for s in 01-build 02-info '03-ramdisk[async=emu]' \
		'04-ramdisk[async=thrpool]' 05-file '06-linux[async=libaio]' \
		'07-linux[async=io_uring]' 08-bench 10-cleanup; do
		[[ "$output" == *"PASS $s "* ]]
	done
	[ "$(cut -f4 out/tests.tsv | sort | uniq -c | tr -s ' ')" = " 60 pass" ]
	[ "$(cut -f1,2 out/tests.tsv | sort -u | tr '\t' ' ')" = "$(printf '%s\n' \
		'03-ramdisk[async=emu] xnvme' '04-ramdisk[async=thrpool] xnvme' \
		'06-linux[async=libaio] xnvme' '07-linux[async=io_uring] xnvme')" ]
	grep -q '^01-build	build_seconds	[0-9]*	s$' out/metrics.tsv
	grep -q '^02-info	geo_tbytes	2147483648	B$' out/metrics.tsv
	grep -q '^08-bench	xnvme.wall-clock.mib	256	MiB$' out/metrics.tsv
	grep -q '^08-bench	xnvme.cb_args.ncompletions	409[67]	$' out/metrics.tsv
	[[ "$(cat out/01-build/library-info.txt)" == *"ver: {major: "* ]]
	grep -q "^Build type: native build" out/01-build/meson-log.txt
	if [[ "$output" == *"PASS 09-fio "* ]]; then
		grep -q '^09-fio	fio.xnvme.read.iops	' out/metrics.tsv
	else
		[[ "$output" == *"xnvme.fio: fio on "*" has no xnvme engine and $x/inst no libxnvme-fio-engine.so"* ]]
	fi
	[ ! -e "$x/img" ]
}

@test "the example from the tree JOE_XNVME_SOURCE names, here; the selftest" {
	example "$PWD/x"
	JOE_XNVME_PREFIX=$PWD/x/inst run joe selftest xnvme
	[ "$status" = 0 ]
	[[ "$output" != *SKIP* ]]
	[ "$(echo "$output" | grep -c '^ok ')" = 3 ]
}

@test "the example from the tree JOE_XNVME_SOURCE names, over ssh" {
	[ -d "${JOE_XNVME_SOURCE:-}" ] || skip "JOE_XNVME_SOURCE names no source tree"
	example "$FIX/remote/x" -c default.config -c "$FIX/ssh.config" -t box
	[ "$(stat -c %U "$FIX/remote/x/inst/bin/xnvme")" = "$SSH_USER" ]
}

@test "xnvme.build from a git work tree at a tag and from a file:// URL at it" {
	[ -d "${JOE_XNVME_SOURCE:-}" ] || skip "JOE_XNVME_SOURCE names no source tree"
	cp -r "$JOE_XNVME_SOURCE" repo
	git -C repo init -q
	git -C repo add -A
	git -C repo -c user.name=t -c user.email=t@t commit -qm v1
	git -C repo tag v1
	echo '# later' >> repo/meson.build
	git -C repo -c user.name=t -c user.email=t@t commit -qam later
	local w
	for w in "tree: $PWD/repo" "url: file://$PWD/repo"; do
		printf -- '- name: %s\n  uses: xnvme.build\n  with: {source: "%s", ref: v1, dir: %s, prefix: %s, jobs: 2, options: [%s]}\n' \
			"${w%%:*}" "${w#*: }" "$PWD/${w%%:*}" "$PWD/${w%%:*}/inst" \
			'with-spdk=disabled, with-libvfn=disabled, examples=false, tests=false'
	done | sed '1i steps:' > g.workflow
	run timeout 3000 joe run -o out g.workflow
	[ "$status" = 0 ]
	[ "$(git -C url/src describe --tags)" = v1 ]
	! grep -q '# later' tree/src/meson.build url/src/meson.build
	[[ "$(cat out/01-tree/library-info.txt)" == *"ver: {major: "* ]]
	[[ "$(cat out/02-url/library-info.txt)" == *"ver: {major: "* ]]
	grep -qx 'xnvme version [0-9]*\.[0-9]*\.[0-9]*' out/02-url/*.log
	grep -qx 'build_seconds: [0-9]* s' out/01-tree/*.log
}
