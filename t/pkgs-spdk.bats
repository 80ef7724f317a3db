#!/usr/bin/env bats
# pkgs/spdk: what needs no SPDK source (the example's steps, spdk.build on
# a stand-in tree here and over the test sshd, the extractors on recorded
# output of SPDK v24.01, the JSON configs the worklets write, every bad
# with: value), and, when JOE_SPDK_SOURCE names a built SPDK tree,
# bdevperf and an NVMe/TCP target with spdk_nvme_perf end to end.
load helper
load sshd

S=$BATS_TEST_DIRNAME/../pkgs/spdk
FX=$BATS_TEST_DIRNAME/fixtures/spdk

# built: skip unless JOE_SPDK_SOURCE names a built SPDK tree.
built() {
	[ -n "${JOE_SPDK_SOURCE:-}" ] && [ -d "$JOE_SPDK_SOURCE" ] ||
		skip "JOE_SPDK_SOURCE names no source tree"
	[ -x "$JOE_SPDK_SOURCE/build/examples/bdevperf" ] ||
		skip "$JOE_SPDK_SOURCE has no build/examples/bdevperf: not built"
}

@test "joe -s spdk; joe run -n: the example's steps" {
	joe -s spdk
	JOE_SPDK_SOURCE=/nowhere run joe run -n
	[ "$status" = 0 ]
	[ "$(echo "$output" | cut -f2,4)" = "$(printf '%s\t%s\n' \
		01-build spdk.build 02-setup spdk.setup \
		'03-bdevperf[workload=randread]' spdk.bdevperf \
		'04-bdevperf[workload=randwrite]' spdk.bdevperf \
		'05-bdevperf[workload=read]' spdk.bdevperf \
		'06-bdevperf[workload=verify]' spdk.bdevperf \
		07-nvmf_tcp spdk.nvmf_tcp \
		08-check fio.check)" ]
	run env -u JOE_SPDK_SOURCE joe run -n
	[ "$status" = 2 ]
	[ "$output" = "default.config:9:3: unknown name env.JOE_SPDK_SOURCE" ]
}

@test "the example without a source tree stops at spdk.build, saying why" {
	joe -s spdk
	JOE_SPDK_SOURCE=/nowhere run joe run
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 01-build"*"spdk.build (fail, rc 2)"*"./example.workflow:14:5: spdk.build: with.source: '/nowhere': no such directory"* ]]
	[[ "$output" == *"SKIP 07-nvmf_tcp"*"SKIP 08-check"* ]]
	JOE_SPDK_SOURCE= run joe run
	[[ "$output" == *"./example.workflow:14:5: spdk.build: with.source: missing: name an SPDK tree or git URL (spdk.source, JOE_SPDK_SOURCE)"* ]]
	mkdir tree
	JOE_SPDK_SOURCE=$PWD/tree run joe run
	[[ "$output" == *"./example.workflow:14:5: spdk.build: with.source: '$PWD/tree' has no include/spdk/version.h: not an SPDK tree"* ]]
}

# fake: a stand-in SPDK git work tree in ./tree (version.h, a configure
# that records its options, a Makefile) with a submodule dpdk at VERSION
# 22.11.9 in tag t1 and 23.11.0 at HEAD; configure fails on --fail.
# Not the make of make check's: its make would say where it is.
fake() {
	unset MAKEFLAGS MAKELEVEL MFLAGS
	export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t \
		GIT_COMMITTER_EMAIL=t@t GIT_CONFIG_COUNT=1 \
		GIT_CONFIG_KEY_0=protocol.file.allow GIT_CONFIG_VALUE_0=always
	mkdir sub tree tree/include tree/include/spdk
	git -C sub init -q && echo 22.11.9 > sub/VERSION
	git -C sub add VERSION && git -C sub commit -qm 1
	printf '#define SPDK_VERSION_%s %s\n' MAJOR 99 MINOR 1 PATCH 2 \
		> tree/include/spdk/version.h
	cat > tree/configure <<-'EOF2'
	#!/bin/sh
	echo "configure $*"
	case " $* " in *" --fail "*) echo "no such option" >&2; exit 1 ;; esac
	mkdir -p mk && echo 'CONFIG_DPDK_PKG_CONFIG?=n' > mk/config.mk
	EOF2
	chmod +x tree/configure
	printf 'all:\n\t@echo "make -j: $(filter -j%%,$(MAKEFLAGS))"\n' > tree/Makefile
	git -C tree init -q && git -C tree submodule -q add ../sub dpdk
	git -C tree add . && git -C tree commit -qm 1 && git -C tree tag t1
	echo 23.11.0 > sub/VERSION && git -C sub commit -qam 2
	git -C tree/dpdk pull -q && git -C tree commit -qam 2
}

# bw TRANSPORT DIR SOURCE [KEY: VALUE...]: run spdk.build of SOURCE into DIR
# on TRANSPORT, with configure [--a, --b=c] and jobs 2.
bw() {
	local t=$1 d=$2 s=$3
	shift 3
	{ printf 'steps:\n- name: b\n  transport: %s\n  uses: spdk.build\n' "$t"
	printf '  with:\n    source: %s\n    dir: %s\n    jobs: 2\n' "$s" "$d"
	printf '    configure: [--a, --b=c]\n'
	for kv; do printf '    %s\n' "$kv"; done; } > b.workflow
	{ cat "$FIX/ssh.config"; echo '  local: {}'; } > c.config
	rm -rf out
	run joe run -c c.config -o out b.workflow
}

# bbuilt TRANSPORT DIR DPDK: spdk.build ran configure and make in DIR and
# says SPDK 99.01.2 and DPDK DPDK.
bbuilt() {
	echo "$output"
	[ "$status" = 0 ]
	[ "$(cat out/01-b/configure.log)" = "configure --a --b=c" ]
	[ "$(cat out/01-b/make.log)" = "make -j: -j2" ]
	[[ "$output" == *"PASS 01-b"* ]]
	run cat out/01-b/cmd-*.log
	[[ "$output" == *"build_seconds: "[0-9]*" s"*"spdk version 99.01.2"$'\n'"dpdk version $3"* ]]
	[ "$(cat "$2/dpdk/VERSION")" = "$3" ]
}

@test "spdk.build: a git work tree as git archive of ref with its submodule at ref's commit, here" {
	fake
	bw local "$PWD/t" "$PWD/tree"
	bbuilt local "$PWD/t" 23.11.0
	[ ! -e t/.git ] && [ ! -e t/dpdk/.git ]
	bw local "$PWD/t" "$PWD/tree" 'ref: t1'
	bbuilt local "$PWD/t" 22.11.9
}

@test "spdk.build: a git work tree at a tag and a plain tree, over ssh" {
	fake
	d=$FIX/remote/spdk-$BATS_TEST_NUMBER
	bw box "$d" "$PWD/tree" 'ref: t1'
	bbuilt box "$d" 22.11.9
	[ "$(stat -c %U "$d/configure")" = "$SSH_USER" ]
	rm -rf tree/.git tree/dpdk/.git
	bw box "$d" "$PWD/tree"
	bbuilt box "$d" 23.11.0
}

@test "spdk.build: a file:// URL cloned on the target with its submodules, at a tag" {
	fake
	bw local "$PWD/t" "file://$PWD/tree" 'ref: t1'
	bbuilt local "$PWD/t" 22.11.9
	[ -e t/.git ]
}

@test "spdk.build: a failing configure: exit 1, its log and last lines" {
	fake
	{ printf 'steps:\n- name: b\n  uses: spdk.build\n  with:\n'
	printf '    source: %s\n    dir: %s\n    configure: [--fail]\n' "$PWD/tree" "$PWD/t"; } > w.workflow
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 01-b"*"configure --fail"$'\n'"    no such option"* ]]
	[ "$(cat out/01-b/configure.log)" = "$(printf 'configure --fail\nno such option')" ]
	[ ! -e out/01-b/make.log ]
}

# lines LINE...: the lines, one each.
lines() {
	printf '%s\n' "$@"
}

@test "extract: spdk.bdevperf on bdevperf's recorded output" {
	run "$S/extract-bdevperf" < "$FX/bdevperf-randread.log"
	[ "$status" = 0 ]
	[ "$output" = "$(lines 'spdk.bdevperf.iops 1911535.43 IOPS' \
		'spdk.bdevperf.bw 7466.94 MiB/s' 'spdk.bdevperf.fail 0.00 IOPS' \
		'spdk.bdevperf.timeout 0.00 IOPS' 'spdk.bdevperf.lat.avg 16.70 us' \
		'spdk.bdevperf.lat.min 5.12 us' 'spdk.bdevperf.lat.max 4337.86 us')" ]
	run "$S/extract-bdevperf" < "$FX/bdevperf-iobuf-fail.log"
	[ "$output" = "$(lines 'spdk.bdevperf.iops 0.00 IOPS' \
		'spdk.bdevperf.bw 0.00 MiB/s' 'spdk.bdevperf.fail 0.00 IOPS' \
		'spdk.bdevperf.timeout 0.00 IOPS')" ]
	cat > w.workflow <<-EOF2
	steps:
	- name: p
	  extract: spdk.bdevperf
	  run: cat $FX/bdevperf-nohuge.log $FX/bdevperf-verify.log
	- name: q
	  extract: spdk.bdevperf
	  run: cat $FX/bdevperf-randrw-null.log
	EOF2
	run joe run -o out w.workflow
	[ "$status" = 0 ]
	[ "$(cut -f1-4 out/metrics.tsv | tr '\t' ' ')" = "$(lines \
		'01-p spdk.bdevperf.iops 58503.73 IOPS' '01-p spdk.bdevperf.bw 3656.48 MiB/s' \
		'01-p spdk.bdevperf.fail 0 IOPS' '01-p spdk.bdevperf.timeout 0 IOPS' \
		'01-p spdk.bdevperf.lat.avg 263.71 us' '01-p spdk.bdevperf.lat.min 3.69 us' \
		'01-p spdk.bdevperf.lat.max 8675.72 us' \
		'02-q spdk.bdevperf.iops 12075785.73 IOPS' '02-q spdk.bdevperf.bw 47171.04 MiB/s' \
		'02-q spdk.bdevperf.fail 0 IOPS' '02-q spdk.bdevperf.timeout 0 IOPS' \
		'02-q spdk.bdevperf.lat.avg 0.61 us' '02-q spdk.bdevperf.lat.min 0.33 us' \
		'02-q spdk.bdevperf.lat.max 12108.56 us')" ]
}

@test "extract: spdk.perf on spdk_nvme_perf's recorded output" {
	run "$S/extract-perf" < "$FX/nvme_perf-tcp.log"
	[ "$status" = 0 ]
	[ "$output" = "$(lines 'spdk.perf.iops 140826.22 IOPS' \
		'spdk.perf.bw 550.10 MiB/s' 'spdk.perf.lat.avg 227.53 us' \
		'spdk.perf.lat.min 43.24 us' 'spdk.perf.lat.max 243914.71 us')" ]
	run "$S/extract-perf" < "$FX/bdevperf-randread.log"
	[ "$status" = 0 ] && [ "$output" = "" ]
}

@test "spdk.bdevperf and spdk.nvmf_tcp write their JSON configs from with:" {
	cat > w.workflow <<-'EOF2'
	steps:
	- name: b
	  uses: spdk.bdevperf
	  with: {dir: /nowhere, bdev: null, size_mb: 3, block_size: 4096}
	- name: n
	  always: true
	  uses: spdk.nvmf_tcp
	  with: {dir: /nowhere, size_mb: 5, port: 4421, nqn: "nqn.2024-01.io.x:y"}
	EOF2
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"spdk.bdevperf: no bdevperf in /nowhere/build"*"spdk.nvmf_tcp: no nvmf_tgt in /nowhere/build/bin"* ]]
	run python3 -m json.tool --compact out/01-b/bdevperf.json
	[ "$status" = 0 ]
	[ "$output" = '{"subsystems":[{"subsystem":"bdev","config":[{"method":"bdev_null_create","params":{"name":"null0","num_blocks":768,"block_size":4096}}]}]}' ]
	run python3 -m json.tool --compact out/02-n/nvmf_tgt.json
	[ "$status" = 0 ]
	[ "$output" = '{"subsystems":[{"subsystem":"bdev","config":[{"method":"bdev_malloc_create","params":{"name":"Malloc0","num_blocks":10240,"block_size":512}}]},{"subsystem":"nvmf","config":[{"method":"nvmf_create_transport","params":{"trtype":"TCP"}},{"method":"nvmf_create_subsystem","params":{"nqn":"nqn.2024-01.io.x:y","allow_any_host":true,"serial_number":"JOE00000000000001"}},{"method":"nvmf_subsystem_add_ns","params":{"nqn":"nqn.2024-01.io.x:y","namespace":{"bdev_name":"Malloc0"}}},{"method":"nvmf_subsystem_add_listener","params":{"nqn":"nqn.2024-01.io.x:y","listen_address":{"trtype":"TCP","adrfam":"IPv4","traddr":"127.0.0.1","trsvcid":"4421"}}}]}]}' ]
}

# Each bad with: value: the worklet, its with: as KEY=VALUE words, the
# message; exit 2 before anything runs.
BAD="build|source=|with.source: missing: name an SPDK tree or git URL (spdk.source, JOE_SPDK_SOURCE)
build|source=/nowhere|with.source: '/nowhere': no such directory
build|source=/|with.source: '/' has no include/spdk/version.h: not an SPDK tree
build|source=https://h/x dir=tmp|with.dir: 'tmp' is not an absolute path without blanks or quotes
build|source=https://h/x dir=/|with.dir: '/' is not an absolute path without blanks or quotes
build|source=https://h/x jobs=0|with.jobs: '0' is not a positive number
build|source=https://h/x jobs=2x|with.jobs: '2x' is not a positive number
build|source=https://h/x configure=-x|with.configure: '-x' is not --NAME[=VALUE]
build|source=https://h/x configure=--|with.configure: '--' is not --NAME[=VALUE]
build|source=https://h/x configure=--A|with.configure: '--A' is not --NAME[=VALUE]
build|source=https://h/x configure=--with-x=\$(id)|with.configure: '--with-x=\$(id)' is not --NAME[=VALUE]
build|source=https://h/x configure=with-x|with.configure: 'with-x' is not --NAME[=VALUE]
build|source=https://h/x qd=1|with.qd: not a key of spdk.build
setup|hugemem=0|with.hugemem: '0' is not a positive number
setup|hugemem=1G|with.hugemem: '1G' is not a positive number
setup|qd=1|with.qd: not a key of spdk.setup
bdevperf|bdev=aio|with.bdev: 'aio' is not one of malloc null
bdevperf|workload=trim|with.workload: 'trim' is not one of read write randread randwrite rw randrw verify reset unmap flush write_zeroes
bdevperf|bdev=null workload=verify|with.workload: 'verify' reads back what it wrote: a null bdev keeps nothing
bdevperf|qd=0|with.qd: '0' is not a positive number
bdevperf|io_size=4k|with.io_size: '4k' is not a positive number
bdevperf|time=1.5|with.time: '1.5' is not a positive number
bdevperf|size_mb=-1|with.size_mb: '-1' is not a positive number
bdevperf|block_size=500|with.block_size: '500' is not a multiple of 512 from 512 to 65536
bdevperf|block_size=131072|with.block_size: '131072' is not a multiple of 512 from 512 to 65536
bdevperf|size_mb=1 block_size=3072|with.size_mb: '1' MiB is not whole blocks of 3072
bdevperf|mem=0|with.mem: '0' is not a positive number
bdevperf|mask=3|with.mask: '3' is not 0x and hex digits
bdevperf|mask=0x|with.mask: '0x' is not 0x and hex digits
bdevperf|mask=0xg|with.mask: '0xg' is not 0x and hex digits
bdevperf|workload=rw rwmixread=101|with.rwmixread: '101' is not a number from 0 to 100
bdevperf|workload=randrw rwmixread=x|with.rwmixread: 'x' is not a number from 0 to 100
bdevperf|dir=/a;b|with.dir: '/a;b' is not an absolute path without blanks or quotes
bdevperf|port=1|with.port: not a key of spdk.bdevperf
nvmf_tcp|workload=verify|with.workload: 'verify' is not one of read write randread randwrite rw randrw
nvmf_tcp|port=0|with.port: '0' is not a positive number
nvmf_tcp|port=65536|with.port: '65536' is not a port from 1 to 65535
nvmf_tcp|nqn=joe|with.nqn: 'joe' is not an NQN
nvmf_tcp|nqn=nqn.2016-06.io.spdk|with.nqn: 'nqn.2016-06.io.spdk' is not an NQN
nvmf_tcp|nqn=nqn.2016-06.io.spdk:a\"b|with.nqn: 'nqn.2016-06.io.spdk:a\"b' is not an NQN
nvmf_tcp|perf_mask=2|with.perf_mask: '2' is not 0x and hex digits
nvmf_tcp|bdev=malloc|with.bdev: not a key of spdk.nvmf_tcp"

@test "every bad with: value of the worklets: its message, exit 2" {
	local n=0 w kv msg k
	while IFS='|' read -r w kv msg; do
		(
			IFS=' '
			for k in $kv; do
				export "JOE_WITH_$(echo "${k%%=*}" | tr a-z A-Z)=${k#*=}"
			done
			exec "$S/$w"
		) > msg.txt 2>&1 && false || [ $? = 2 ] ||
			{ echo "$w $kv: exit $?"; cat msg.txt; false; }
		[ "$(cat msg.txt)" = "spdk.$w: $msg" ] ||
			{ echo "$w $kv:"; cat msg.txt; false; }
		n=$((n + 1))
	done <<< "$BAD"
	[ "$n" = 42 ]
	# in a workflow: at the with: key's place
	printf 'steps:\n- name: b\n  uses: spdk.bdevperf\n  with:\n    qd: x\n' > w.workflow
	run joe run -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"  \$ spdk.bdevperf (fail, rc 2)"*"w.workflow:5:5: spdk.bdevperf: with.qd: 'x' is not a positive number"* ]]
}

@test "spdk.setup: not root on the target (over ssh): exit 1, saying so, and what there is" {
	[ "$SSH_USER" != root ] || skip "the test sshd logs in as root"
	printf 'steps:\n- name: s\n  transport: box\n  uses: spdk.setup\n  extract: kv\n  with: {hugemem: 2, dir: /nowhere}\n' > w.workflow
	{ cat "$FIX/ssh.config"; echo '  local: {}'; } > c.config
	run joe run -c c.config -o out w.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"spdk.setup: not root on the target"* ]]
	[ "$(cut -f2 out/metrics.tsv)" = "$(lines hugepagesize hugepages hugepages_free hugemem)" ]
}

@test "spdk.setup here: vm.nr_hugepages and hugetlbfs, what the kernel gave as kv" {
	[ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/nr_hugepages ] || skip "not root, or /proc/sys/vm read-only"
	grep -q '^Hugepagesize: *2048 kB' /proc/meminfo || skip "hugepages are not of 2 MiB here"
	n=$(cat /proc/sys/vm/nr_hugepages)
	m=${n#0}
	printf 'steps:\n- name: s\n  uses: spdk.setup\n  extract: kv\n  with: {hugemem: %s, dir: /nowhere}\n' \
		$((${m:-2} * 2)) > w.workflow
	run joe run -o out w.workflow
	g=$(cat /proc/sys/vm/nr_hugepages)
	echo "$n" > /proc/sys/vm/nr_hugepages
	echo "$output"
	[ "$status" = 0 ] && [ "$g" = "${m:-2}" ]
	[ "$(cut -f2-4 out/metrics.tsv | sed -n '1,2p;4p' | tr '\t' ' ')" = "$(lines \
		'hugepagesize 2048 kB' "hugepages ${m:-2} " "hugemem $((${m:-2} * 2)) MiB")" ]
	grep -q ' /dev/hugepages hugetlbfs ' /proc/mounts
}

@test "joe selftest spdk: skipped without a source tree, saying why" {
	run env -u JOE_SPDK_SOURCE joe selftest spdk
	[ "$status" = 0 ]
	[[ "$output" == *"ok 2 - selftest 01-spdk spdk.bats bdevperf of the tree JOE_SPDK_SOURCE names reads a malloc bdev # SKIP JOE_SPDK_SOURCE names no source tree"* ]]
}

@test "with JOE_SPDK_SOURCE: the selftest runs bdevperf" {
	built
	run joe selftest spdk
	[ "$status" = 0 ]
	[[ "$output" == *"ok 2 - selftest 01-spdk spdk.bats bdevperf of the tree JOE_SPDK_SOURCE names reads a malloc bdev"$'\n'* ]]
}

@test "with JOE_SPDK_SOURCE: spdk.bdevperf on a malloc bdev end to end, its metrics" {
	built
	cat > w.workflow <<-EOF2
	steps:
	- name: b
	  uses: spdk.bdevperf
	  timeout: 120
	  extract: spdk.bdevperf
	  with: {dir: "$JOE_SPDK_SOURCE", size_mb: 16, qd: 4, time: 1, workload: randwrite}
	EOF2
	run joe run -o out w.workflow
	echo "$output"
	[ "$status" = 0 ]
	grep -a -q 'Job: malloc0 (Core Mask 0x1, workload: randwrite, depth: 4, IO size: 4096)' out/01-b/cmd-*.log
	[ "$(cut -f2,4 out/metrics.tsv | tr '\t' ' ')" = "$(lines 'spdk.bdevperf.iops IOPS' \
		'spdk.bdevperf.bw MiB/s' 'spdk.bdevperf.fail IOPS' 'spdk.bdevperf.timeout IOPS' \
		'spdk.bdevperf.lat.avg us' 'spdk.bdevperf.lat.min us' 'spdk.bdevperf.lat.max us')" ]
	awk -F'\t' '$2 == "spdk.bdevperf.iops" && $3 > 0 { ok = 1 } END { exit !ok }' out/metrics.tsv
	awk -F'\t' '$2 == "spdk.bdevperf.fail" && $3 == 0 { ok = 1 } END { exit !ok }' out/metrics.tsv
}

@test "with JOE_SPDK_SOURCE: spdk.nvmf_tcp end to end, the target stopped after" {
	built
	p=$((30000 + RANDOM % 20000))
	cat > w.workflow <<-EOF2
	steps:
	- name: n
	  uses: spdk.nvmf_tcp
	  timeout: 180
	  extract: spdk.perf
	  with: {dir: "$JOE_SPDK_SOURCE", size_mb: 16, qd: 4, time: 1, port: $p}
	EOF2
	run joe run -o out w.workflow
	echo "$output"
	[ "$status" = 0 ]
	grep -q "NVMe/TCP Target Listening on 127.0.0.1 port $p" out/01-n/nvmf_tgt.log
	[ "$(cut -f2,4 out/metrics.tsv | tr '\t' ' ')" = "$(lines 'spdk.perf.iops IOPS' \
		'spdk.perf.bw MiB/s' 'spdk.perf.lat.avg us' 'spdk.perf.lat.min us' 'spdk.perf.lat.max us')" ]
	awk -F'\t' '$2 == "spdk.perf.iops" && $3 > 0 { ok = 1 } END { exit !ok }' out/metrics.tsv
	t=$(grep -o -m1 '/tmp/tmp\.[A-Za-z0-9]*' out/commands.tsv)
	[ -n "$t" ] && [ ! -e "$t" ]
	gone ".*nvmf_tgt --disable-cpumask-locks -r $t/.*"
}
