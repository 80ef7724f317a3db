#!/usr/bin/env bats
# pkgs/fio with the real fio: the example as a user takes it (joe -s fio),
# and fio.run on this machine (local) and over the test sshd (transport
# box, user joet): its command lines (commands.tsv), a job file, this
# machine's fio put on a target without one, bad with: values.
load helper
load sshd


# nofio: a PATH directory, $FIX/nofio, of everything in /usr/bin but fio.
nofio() {
	local x
	[ -d "$FIX/nofio" ] && return
	mkdir -m 755 "$FIX/nofio"
	for x in /usr/bin/*; do
		[ "${x##*/}" = fio ] || ln -s "$x" "$FIX/nofio/"
	done
}

# fr TRANSPORT WITH: one fio.run step "f" with these with: lines (YAML,
# indented by 4) on TRANSPORT, into ./out (removed first).
fr() {
	{
		printf 'steps:\n- name: f\n  transport: %s\n  uses: fio.run\n' "$1"
		printf '  with:\n'
		printf '%s\n' "$2" | sed 's/^/    /'
	} > w.workflow
	rm -rf out
	run joe run -c c.config -o out w.workflow
}

# clean: no scratch directory left on the target, no local temporary one.
clean() {
	[ -z "$(ls -A "$T")" ] && [ -z "$(ls -A ltmp)" ]
}

# cmds: the commands of the step, but the worklet, as "status rc command".
cmds() {
	awk -F'\t' '$2 != 1 { print $3, $4, $8 }' out/commands.tsv
}

@test "joe -s fio; joe run -r: a bs x iodepth matrix, 24 verdicts, report; a tight limit fails" {
	joe -s fio
	[ -f fio-limits.txt ]	# the starter files of pkgs/fio/starter come too
	sed -i 's|/tmp/joe-fio.dat|'"$PWD"'/fio.dat|; s/16M/4M/' default.config
	run joe run -r
	[ "$status" = 0 ]
	[[ "$output" == *"verdicts: 24 passed, 0 failed, 0 missing"* ]]
	[ "$(cut -f5 joe-output/latest/verdicts.tsv | sort -u)" = pass ]
	[ -s joe-output/latest/report.html ]
	[ ! -e fio.dat ]
	run joe extract joe-output/latest
	[ "$status" = 0 ]
	[ "$(echo "$output" | grep -c '	fio.randread.read.iops	')" = 6 ]
	[[ "$output" == *'randread[bs=1m,iodepth=16]	fio.randread.read.iops	'* ]]
	run --separate-stderr joe analyse fio-limits.txt <<< "$output"
	[ "$status" = 0 ]
	[[ "$stderr" == *"4 rules, 24 checks: 24 passed, 0 failed"* ]]
	# a limit this machine cannot meet fails the check step and the run
	echo 'fio.*.read.iops > 1e12' > fio-limits.txt
	run joe run example.workflow
	[ "$status" = 1 ]
	[[ "$output" == *"FAIL 07-check"* ]]
	[[ "$output" == *"verdicts: 0 passed, 6 failed, 0 missing"* ]]
	run joe report -o report.html joe-output/*/
	[ "$status" = 0 ]
	[ "$(grep -o '<svg' report.html | wc -l)" -ge 2 ]
}

@test "fio.run: with: keys become fio's options, its JSON the metrics (local and ssh)" {
	boxcfg
	for tp in local box; do
		fr $tp "filename: $T/f.dat
rw: randrw
bs: 8k
size: 1M
iodepth: 4
numjobs: 2
runtime: 30
time_based: false
ioengine: libaio
direct: false
name: mix
args: [--group_reporting, --randrepeat=0, --rwmixread=50]"
		[ "$status" = 0 ]
		[ "$(cmds)" = "pass 0 command -v fio >/dev/null && echo fio || uname -m
pass 0 fio --output-format=json --name=mix --filename=$T/f.dat --rw=randrw --bs=8k --size=1M --iodepth=4 --numjobs=2 --runtime=30 --ioengine=libaio --direct=0 --group_reporting --randrepeat=0 --rwmixread=50" ]
		run joe extract out
		[ "$status" = 0 ]
		[ "$(echo "$output" | cut -f3 | grep -c '^fio\.mix\.\(read\|write\)\.iops$')" = 2 ]
		rm "$T/f.dat"
		clean
	done
	# the defaults: rw read, the job named after it; time_based a flag
	fr local "filename: $T/f.dat
size: 64k
runtime: 1
time_based: true
direct: true"
	[ "$(cmds | sed -n 2p)" = "pass 0 fio --output-format=json --name=read --filename=$T/f.dat --rw=read --size=64k --runtime=1 --time_based --direct=1" ]
}

@test "fio.run: a job file put into a scratch directory on the target, args before it, removed afterwards" {
	boxcfg
	cat > j.fio <<-EOF
	[global]
	filename=$T/j.dat
	size=256k
	[a]
	rw=write
	[b]
	stonewall
	rw=read
	EOF
	fr box "job: j.fio
args: [--bs=16k]
put: never"
	[ "$status" = 0 ]
	S=$(cat out/01-f/cmd-03.log)
	[[ "$S" == "$T/joe-fio."?????? ]]
	[ "$(cmds)" = "pass 0 command -v fio >/dev/null && echo fio || uname -m
pass 0 mktemp -d \"\${TMPDIR:-/tmp}/joe-fio.XXXXXX\"
pass 0 put $PWD/j.fio $S/
pass 0 fio --output-format=json --bs=16k $S/j.fio
pass 0 rm -rf $S" ]
	run joe extract out
	[ "$(echo "$output" | cut -f3,5 | grep 'iops')" = "fio.a.write.iops	IOPS
fio.b.read.iops	IOPS" ]
	rm "$T/j.dat"
	clean
}

@test "fio.run: fio missing on the target: put: never fails, put: auto puts this machine's fio there for the step (local and ssh)" {
	nofio
	boxcfg "PATH: $FIX/nofio"
	for tp in local box; do
		fr $tp "filename: $T/f.dat
size: 64k
put: never"
		[ "$status" = 1 ]
		[ "$(tail -n 1 out/01-f/cmd-01.log)" = "fio.run: fio not found on $tp (put: never)" ]
		[ "$(cmds)" = "pass 0 command -v fio >/dev/null && echo fio || uname -m" ]
		fr $tp "filename: $T/f.dat
size: 64k
bs: 16k"
		[ "$status" = 0 ]
		S=$(cat out/01-f/cmd-03.log)
		[[ "$S" == "$T/joe-fio."?????? ]]
		[[ "$(sed -n 3p out/commands.tsv | cut -f8)" == "put $PWD/ltmp/tmp."*"/fio $S/" ]]
		[ "$(sed -n 4p out/commands.tsv | cut -f3,8)" = "pass	$S/fio/ld-linux-x86-64.so.2 --library-path $S/fio $S/fio/fio --output-format=json --name=read --filename=$T/f.dat --rw=read --bs=16k --size=64k" ]
		[ "$(sed -n 5p out/commands.tsv | cut -f8)" = "rm -rf $S" ]
		run joe extract out
		[ "$(echo "$output" | cut -f3 | grep -c '^fio\.read\.read\.iops$')" = 1 ]
		rm "$T/f.dat"
		clean
	done
}

@test "fio.run: fio fails: the step fails, nothing left" {
	boxcfg
	fr box "filename: /proc/joe-fio
size: 64k"
	[ "$status" = 1 ]
	[ "$(cmds | sed -n 2p | cut -d' ' -f1,2)" = "fail 1" ]
	[ "$(cut -f2,3,4 out/commands.tsv | tail -n 1)" = "1	fail	1" ]
	clean
}

@test "fio.run, fio.check: bad with: values exit 2 with file:line:col: fio.NAME: with.KEY: what, before anything runs" {
	boxcfg
	echo '[a]' > j.fio
	while IFS='|' read -r with msg; do
		fr local "$(printf '%b' "$with")"
		[ "$status" = 1 ]
		[ "$(cut -f4,8 out/commands.tsv)" = "2	fio.run" ]
		k=${msg%%:*}	# at the key's line in with:, else at with: itself
		i=$(printf '%b\n' "$with" | grep -n "^$k:" | cut -d: -f1)
		at=w.workflow:$([ -n "$i" ] && echo $((5 + i)):5 || echo 5:3)
		[ "$(cat out/01-f/cmd-01.log)" = "$at: fio.run: with.$msg" ]
	done <<-EOF
	filename: f\nrw: x|rw: 'x' is not one of read write trim randread randwrite randtrim rw readwrite randrw trimwrite
	filename: f\nbs: 4q|bs: '4q' is not a size (digits, then k, m, g or t)
	filename: f\nbs: -4k|bs: '-4k' is not a size (digits, then k, m, g or t)
	filename: f\nsize: 1.5g|size: '1.5g' is not a size (digits, then k, m, g, t or %)
	filename: f\niodepth: 0|iodepth: '0' is not a positive number
	filename: f\nnumjobs: two|numjobs: 'two' is not a positive number
	filename: f\nruntime: 10s|runtime: '10s' is not a positive number
	filename: f\ntime_based: yes|time_based: 'yes' is not true or false
	filename: f\ndirect: 1|direct: '1' is not true or false
	filename: f\nput: always|put: 'always' is not auto or never
	filename: f\nioengine: lib aio|ioengine: 'lib aio' is not an ioengine
	filename: f\nname: a.b|name: 'a.b' is not a name of letters, digits, _ and -
	rw: read|filename: missing (or a job file in job)
	job: nowhere.fio|job: 'nowhere.fio': no such file
	job: j.fio\nbs: 4k|bs: not with job
	filename: f\nblocksize: 4k|blocksize: not a key of fio.run
	EOF
	[ "$(ls -A ltmp)" = "" ]
	printf 'steps:\n- name: c\n  uses: fio.check\n  with: {limits: no.txt}\n' > w.workflow
	run joe run -c c.config -o out2 w.workflow
	[ "$status" = 1 ]
	[ "$(cat out2/01-c/cmd-01.log)" = "w.workflow:4:10: fio.check: with.limits: '$PWD/no.txt': no such file" ]
	printf 'steps:\n- name: c\n  uses: fio.check\n  with: {limit: l.txt}\n' > w.workflow
	run joe run -c c.config -o out3 w.workflow
	[ "$status" = 1 ]
	[ "$(cut -f4,8 out3/commands.tsv)" = "2	fio.check" ]
	[ "$(cat out3/01-c/cmd-01.log)" = "w.workflow:4:10: fio.check: with.limit: not a key of fio.check" ]
}
