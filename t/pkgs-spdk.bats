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
fake() {
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
