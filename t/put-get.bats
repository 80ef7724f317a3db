#!/usr/bin/env bats
# joe-put and joe-get, on this machine and over a real sshd.
load helper
load sshd

# tree DIR: every path with its type, mode and (for symlinks) target.
tree() {
	(cd "$1" && find . -printf '%y %m %p -> %l\n' | sort)
}

# odd: a directory of awkward names.
odd() {
	mkdir -p "$1/sub dir/empty" "$1/-dash"
	printf 'a\n' > "$1/plain"
	printf 'b\n' > "$1/sub dir/with space"
	printf 'c\n' > "$1/-dash/-lead"
	printf 'd\n' > "$1/new
line"
	printf '#!/bin/sh\n' > "$1/exe"
	chmod 750 "$1/exe"
	ln -s plain "$1/link"
	ln -s "sub dir/with space" "$1/link2"
	ln -s /nonexistent "$1/dangling"
}

# rdir DIR...: directories the target's user can write in.
rdir() {
	mkdir -p "$@" && chmod -R 777 "$@"
}

for_both() { # run the test body for the local and the ssh transport
	"$1" local "$BATS_TEST_TMPDIR/l"
	"$1" box "$FIX/remote/$BATS_TEST_NUMBER"
}

@test "a file there and back, mode kept, on both transports" {
	check() {
		rdir "$2"
		printf 'hello\n' > f.txt
		chmod 640 f.txt
		joe put -c "$FIX/ssh.config" -t $1 f.txt "$2/g.txt"
		cmp f.txt "$2/g.txt"
		[ "$(stat -c %a "$2/g.txt")" = 640 ]
		joe get -c "$FIX/ssh.config" -t $1 "$2/g.txt" back.txt
		cmp f.txt back.txt
		joe get -c "$FIX/ssh.config" -t $1 "$2/g.txt" .
		cmp f.txt g.txt
		rm g.txt back.txt
	}
	for_both check
}

@test "directories with odd names and symlinks, there and back" {
	odd src
	check() {
		rdir "$2"
		joe put -c "$FIX/ssh.config" -t $1 src "$2/"
		[ "$(tree src)" = "$(tree "$2/src")" ]
		joe get -c "$FIX/ssh.config" -t $1 "$2/src" "back-$1"
		[ "$(tree src)" = "$(tree "back-$1")" ]
		diff -r src "back-$1" 2>/dev/null || diff -r --no-dereference src "back-$1"
	}
	for_both check
}

@test "a name starting with a dash" {
	printf 'x\n' > ./-f
	rdir "$FIX/remote/dash"
	run joe put -c "$FIX/ssh.config" -- -f "$FIX/remote/dash/"
	[ "$status" = 0 ]
	cmp ./-f "$FIX/remote/dash/-f"
}

@test "several sources go into a directory; not into anything else" {
	echo 1 > a; echo 2 > b
	rdir "$FIX/remote/many"
	run joe put -c "$FIX/ssh.config" a b "$FIX/remote/many"
	[ "$status" = 0 ]
	[ "$(cat "$FIX/remote/many/a" "$FIX/remote/many/b")" = "1
2" ]
	run joe put -c "$FIX/ssh.config" a b "$FIX/remote/nodir"
	[ "$status" = 1 ]
	[[ "$output" == *"$FIX/remote/nodir: not a directory"* ]]
	[ ! -e "$FIX/remote/nodir" ]
}

@test "an existing file or directory is replaced" {
	mkdir -p d/x
	rdir "$FIX/remote/rep" "$FIX/remote/rep/d/old"
	echo new > d/x/f
	echo old > "$FIX/remote/rep/file"
	chmod 666 "$FIX/remote/rep/file"
	echo new > file
	joe put -c "$FIX/ssh.config" file d "$FIX/remote/rep"
	[ "$(cat "$FIX/remote/rep/file")" = new ]
	[ ! -e "$FIX/remote/rep/d/old" ]
	[ "$(cat "$FIX/remote/rep/d/x/f")" = new ]
}

@test "a missing source: a clear message, exit 1, nothing created" {
	run joe put -c "$FIX/ssh.config" nosuch "$FIX/remote/ms"
	[ "$status" = 1 ]
	[[ "$output" == *"joe-put: nosuch: No such file or directory"* ]]
	[ ! -e "$FIX/remote/ms" ]
	run joe get -c "$FIX/ssh.config" "$FIX/remote/nosuch" got
	[ "$status" = 1 ]
	[[ "$output" == *"nosuch"* ]]
	[ ! -e got ]
	[ "$(ls -A)" = home ]
}

@test "an unwritable destination: a clear message, exit 1" {
	echo x > f
	run joe put -c "$FIX/ssh.config" f /proc/f
	[ "$status" = 1 ]
	[[ "$output" == *"/proc"* ]]
	mkdir ro && chmod 555 ro
	[ "$(id -u)" = 0 ] || { run joe get -c "$FIX/ssh.config" -t local f ro/f; [ "$status" = 1 ]; }
}

@test "a full disk: exit 1 and nothing partial left" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
	mkdir -p "$FIX/remote/full"
	mount -t tmpfs -o size=1m,mode=777 tmpfs "$FIX/remote/full" || skip "cannot mount tmpfs"
	head -c 4194304 /dev/urandom > big
	run joe put -c "$FIX/ssh.config" big "$FIX/remote/full/"
	ls -la "$FIX/remote/full"
	left=$(ls -A "$FIX/remote/full")
	umount "$FIX/remote/full"
	[ "$status" = 1 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"$FIX/remote/full/: not copied"* ]]
	[ -z "$left" ]
}

@test "512 MiB there and back over ssh, checksums equal" {
	head -c 536870912 /dev/urandom > big
	want=$(sha256sum < big)
	run joe put -c "$FIX/ssh.config" big "$FIX/remote/big"
	[ "$status" = 0 ]
	[ "$(sha256sum < "$FIX/remote/big")" = "$want" ]
	rm big
	run joe get -c "$FIX/ssh.config" "$FIX/remote/big" big
	[ "$status" = 0 ]
	[ "$(sha256sum < big)" = "$want" ]
	rm -f big "$FIX/remote/big"
}

@test "on a terminal, SIGINT mid-copy ends the copy and its meter at once: 130, nothing left" {
	truncate -s 8G huge	# sparse: longer to move than the test waits
	mkdir -p ltmp && export TMPDIR=$PWD/ltmp
	rdir "$FIX/remote/p"
	tty() { script -qec "TERM=xterm; $1" /dev/null | tr '\r' '\n'; }
	# joe put execs joe run, which catches the INT that & ignores
	run tty "joe put -c $FIX/ssh.config huge $FIX/remote/p/ & sleep 2; kill -INT \$!; wait \$!; echo rc=\$?"
	[[ "$output" == *"rc=130"* ]]
	[[ "$output" != *"cannot open"* ]]
	[ -z "$(ls -A "$FIX/remote/p")" ]
	cp --sparse=always huge "$FIX/remote/p/huge"
	run tty "joe get -c $FIX/ssh.config $FIX/remote/p/huge got & sleep 2; kill -INT \$!; wait \$!; echo rc=\$?"
	[[ "$output" == *"rc=130"* ]]
	[[ "$output" != *"cannot open"* ]]
	[ ! -e got ] && [ -z "$(ls -A ltmp)" ] && [ -z "$(ls -a | grep '^\.joe')" ]
	rm -rf "$FIX/remote/p" huge
}

@test "on a terminal a long put or get shows bytes, rate and time left; not with -q or a pipe" {
	truncate -s 1G big	# sparse: 1 GiB to move, little to read
	mkdir -p ltmp d && export TMPDIR=$PWD/ltmp
	truncate -s 400M d/a
	truncate -s 400M d/b
	rdir "$FIX/remote/p"
	# tty CMD: CMD on a pty (script(1)), each \r there a newline here
	tty() { script -qec "TERM=xterm; $1" /dev/null | tr '\r' '\n'; }
	m=' [0-9.]+ MiB of' rest=' \([0-9]+%\), [0-9.]+ MiB/s, [0-9]+:[0-9]{2} left *$'
	run tty "joe put -c $FIX/ssh.config big $FIX/remote/p/"
	[ "$status" = 0 ]
	grep -Eq "^put big:$m 1.0 GiB$rest" <<< "$output"
	cmp big "$FIX/remote/p/big"
	run tty "joe get -c $FIX/ssh.config $FIX/remote/p/big got"
	grep -Eq "^get big:$m 1.0 GiB$rest" <<< "$output"
	[[ "$(tail -n 1 <<< "$output")" =~ ^\ +$ ]]	# blanked at the end
	cmp big got
	rm got
	# directories: the size from du, here and on the target
	run tty "joe put -c $FIX/ssh.config d $FIX/remote/p/"
	grep -Eq "^put d:$m 800.0 MiB$rest" <<< "$output"
	run tty "joe get -c $FIX/ssh.config $FIX/remote/p/d gotd"
	grep -Eq "^get d:$m 800.0 MiB$rest" <<< "$output"
	cmp d/b gotd/b
	run tty "joe get -q -c $FIX/ssh.config $FIX/remote/p/big got"
	[ -z "$(tr -d '\n' <<< "$output")" ]
	joe get -c "$FIX/ssh.config" "$FIX/remote/p/big" got2 2> err
	[ ! -s err ]
	[ -z "$(ls -A ltmp)" ]	# the meter's files are gone
	rm -rf "$FIX/remote/p" got got2 gotd
}

@test "in a worklet: a relative destination is the step's directory, and recorded" {
	mkdir -p pk/p
	echo payload > "$FIX/remote/w.txt"
	printf '#!/bin/sh\njoe get %s/w.txt .\njoe put w.txt %s/w2.txt\n' "$FIX/remote" "$FIX/remote" > pk/p/w
	chmod +x pk/p/w
	echo 'steps: [{name: a, uses: p.w}]' > w.workflow
	JOE_PATH=$PWD/pk run joe run -c "$FIX/ssh.config" -o out
	[ "$status" = 0 ]
	[ "$(cat out/01-a/w.txt)" = payload ]
	[ "$(cat "$FIX/remote/w2.txt")" = payload ]
	[ "$(cut -f2,3,7,8 out/commands.tsv | head -2)" = "2	pass	box	get $FIX/remote/w.txt .
3	pass	box	put w.txt $FIX/remote/w2.txt" ]
}

@test "an unreachable target: exit 255" {
	printf 'transport:\n  dead: {host: 127.0.0.1, port: 1}\n' > dead.config
	echo x > f
	run timeout 30 joe put -c dead.config f /tmp/x
	[ "$status" = 255 ]
	run timeout 30 joe get -c dead.config /etc/hostname x
	[ "$status" = 255 ]
	[ ! -e x ]
}

@test "bad usage: exit 2" {
	run joe put f
	[ "$status" = 2 ]
	[[ "$output" == "usage: joe put"* ]]
	run joe get -x a b
	[ "$status" = 2 ]
	run joe get -h
	[ "$status" = 0 ]
	run joe get . x
	[ "$status" = 2 ]
	run joe put -t nosuch a b
	[ "$status" = 2 ]
}

@test "a symlink given as the source is copied as a symlink, under its name" {
	echo x > target
	ln -s target link
	rdir "$FIX/remote/sl"
	joe put -c "$FIX/ssh.config" link "$FIX/remote/sl/"
	[ -L "$FIX/remote/sl/link" ]
	[ "$(readlink "$FIX/remote/sl/link")" = target ]
	[ ! -e "$FIX/remote/sl/target" ]
}

@test "a symlink, or a file, in the way of a directory is replaced" {
	mkdir -p d/sub && echo new > d/sub/f
	rdir "$FIX/remote/w" "$FIX/remote/w/elsewhere"
	ln -s elsewhere "$FIX/remote/w/d"
	joe put -c "$FIX/ssh.config" d "$FIX/remote/w/"
	[ ! -L "$FIX/remote/w/d" ] && [ "$(cat "$FIX/remote/w/d/sub/f")" = new ]
	[ -z "$(ls -A "$FIX/remote/w/elsewhere")" ]
	rm -rf "$FIX/remote/w/d" && echo file > "$FIX/remote/w/d"
	joe put -c "$FIX/ssh.config" d "$FIX/remote/w/"
	[ "$(cat "$FIX/remote/w/d/sub/f")" = new ]
}

@test "put of a big file to an unreachable target: exit 255, not the sender's SIGPIPE" {
	printf 'transport:\n  dead: {host: 127.0.0.1, port: 1}\n' > dead.config
	head -c 10000000 /dev/zero > big
	run timeout 30 joe put -c dead.config big /tmp/x
	[ "$status" = 255 ]
}

@test "an interrupted get leaves nothing behind" {
	head -c 1073741824 /dev/zero > "$FIX/remote/huge"
	chmod 644 "$FIX/remote/huge"
	mkdir here
	joe get -c "$FIX/ssh.config" "$FIX/remote/huge" here/ > log 2>&1 3>&- &
	pid=$!
	waitfor sh -c 'ls -A here | grep -q .joe'
	kill -INT $pid
	status=0
	wait $pid || status=$?
	rm -f "$FIX/remote/huge"
	[ "$status" = 130 ]
	sleep 0.5
	[ -z "$(ls -A here)" ]
}

@test "an interrupted put leaves nothing behind on the target" {
	head -c 1073741824 /dev/zero > huge
	rdir "$FIX/remote/ip"
	joe put -c "$FIX/ssh.config" huge "$FIX/remote/ip/" > log 2>&1 3>&- &
	pid=$!
	waitfor sh -c "ls -A '$FIX/remote/ip' | grep -q .joe"
	kill -INT $pid
	status=0
	wait $pid || status=$?
	rm -f huge
	[ "$status" = 130 ]
	waitfor sh -c "[ -z \"\$(ls -A '$FIX/remote/ip')\" ]"
}

@test "joe run -l: a local command that reaches the transport through JOE_SSH, recorded on it" {
	mkdir -p out/01-s
	JOE_OUTPUT=$PWD/out JOE_STEP=01-s joe run -c "$FIX/ssh.config" -t box \
	    -l 'say hi' -- 'eval "$JOE_SSH \"echo hi from \\\$(id -un)\""' > got
	[ "$(cat got)" = "hi from $SSH_USER" ]
	[ "$(cut -f3,7,8 out/commands.tsv)" = "$(printf 'pass\tbox\tsay hi')" ]
	run joe run -t local -l x -- 'echo "$JOE_SSH"'
	[ "$output" = "'/bin/sh' -c" ] || [ "$output" = "/bin/sh -c" ]
	run joe run -c "$FIX/ssh.config" -l x w.workflow
	[ "$status" = 2 ]
	run joe run -c "$FIX/ssh.config" -i -l x
	[ "$status" = 2 ]
}

@test "a source and destination named with quotes, spaces, \$(), * and a newline" {
	n=$(printf "it's a \$(touch pwned) *\nname")
	echo odd > "$n"
	rdir "$FIX/remote/odd"
	joe put -c "$FIX/ssh.config" "$n" "$FIX/remote/odd/"
	joe get -c "$FIX/ssh.config" "$FIX/remote/odd/$n" "back $n"
	[ "$(cat "back $n")" = odd ]
	[ "$(cut -f8 "$FIX/remote/odd/$n")" = odd ]
	[ ! -e pwned ] && [ ! -e "$FIX/remote/odd/pwned" ]
}

@test "a file tar cannot read: the rest is copied, with tar's message and exit 1" {
	mkdir -p "$FIX/remote/ud"
	echo a > "$FIX/remote/ud/ok"
	echo s > "$FIX/remote/ud/no"
	chmod 000 "$FIX/remote/ud/no"	# the target's user (not root) cannot read it
	run joe get -c "$FIX/ssh.config" "$FIX/remote/ud" gotud
	[ "$status" = 1 ]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat gotud/ok)" = a ] && [ ! -e gotud/no ]
	# put: tar here cannot read it either (root: without the capabilities
	# that read anything; not as another user, who may not reach joe at
	# all, as in a tree under /root), exit 1 not 2
	rdir "$FIX/remote/pu"
	as=
	[ "$(id -u)" != 0 ] || as="setpriv --bounding-set=-dac_override,-dac_read_search"
	run $as joe put -t local "$FIX/remote/ud" "$FIX/remote/pu/"
	[ "$status" = 1 ]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$FIX/remote/pu/ud/ok")" = a ]
}

@test "get to a refused destination: exit 1, not 255, and the other sources still copied" {
	mkdir -p "$FIX/remote/g4"
	echo x > "$FIX/remote/g4/sp d"
	echo a > "$FIX/remote/g4/a1"
	echo z > "$FIX/remote/g4/z9"
	mkfifo "$FIX/remote/g4/dl"
	chmod 644 "$FIX/remote/g4/"*
	run joe get -c "$FIX/ssh.config" "$FIX/remote/g4/sp d" nodir/
	[ "$status" = 1 ]
	[[ "$output" == *"nodir/: not a directory"* ]]
	mkdir gdir && mkfifo gdir/dl
	run joe get -c "$FIX/ssh.config" "$FIX/remote/g4/a1" "$FIX/remote/g4/dl" \
	    "$FIX/remote/g4/z9" gdir
	[ "$status" = 1 ]
	[[ "$output" == *"gdir/dl: not a regular file or directory"* ]]
	[ "$(cat gdir/a1 gdir/z9)" = "a
z" ] && [ -p gdir/dl ]
	[ "$(ls -A gdir | wc -l)" = 3 ]
}

@test "put of / as /.. or . refused before anything runs: exit 2" {
	# a target that cannot be reached: a copy started would exit 255
	printf 'transport:\n  dead: {host: 127.0.0.1, port: 1}\n' > dead.config
	for s in / /.. //. /tmp/../..; do
		run timeout 30 joe put -c dead.config "$s" /tmp/rootcopy
		[ "$status" = 2 ]
		[[ "$output" == *"name what to copy, not a directory above it"* ]]
	done
	cd /
	run timeout 30 joe put -c "$BATS_TEST_TMPDIR/dead.config" . /tmp/rootcopy
	[ "$status" = 2 ]
	run timeout 30 joe put -c "$BATS_TEST_TMPDIR/dead.config" -- .. /tmp/rootcopy
	[ "$status" = 2 ]
}

@test "a read-only directory in the copy: replaced again, and a failed copy leaves nothing" {
	rdir "$FIX/remote/ro"
	mkdir -p src/sub && echo 1 > src/sub/f && echo keep > src/keep
	chmod 555 src/sub
	joe put -c "$FIX/ssh.config" src "$FIX/remote/ro/"
	echo new > src/keep
	run joe put -c "$FIX/ssh.config" src "$FIX/remote/ro/"
	[ "$status" = 0 ]
	[ "$(cat "$FIX/remote/ro/src/keep" "$FIX/remote/ro/src/sub/f")" = "new
1" ]
	[ "$(ls -A "$FIX/remote/ro")" = src ]
	# a device the target's user cannot make: not copied, the old kept
	[ "$SSH_USER" != "$(id -un)" ] || skip "the target's user is root"
	mknod src/dev c 1 3
	echo newer > src/keep
	run joe put -c "$FIX/ssh.config" src "$FIX/remote/ro/"
	[ "$status" = 1 ]
	[[ "$output" == *"not copied"* ]]
	[ "$(ls -A "$FIX/remote/ro")" = src ]
	[ "$(cat "$FIX/remote/ro/src/keep")" = new ]
	chmod -R u+w "$FIX/remote/ro"
}

@test "a destination whose relative name starts with a dash" {
	rdir "$FIX/remote/dd/xd"
	echo x > "$FIX/remote/dd/x" && echo y > "$FIX/remote/dd/xd/y"
	chmod 644 "$FIX/remote/dd/x" "$FIX/remote/dd/xd/y"
	mkdir -- -out
	joe get -c "$FIX/ssh.config" -- "$FIX/remote/dd/x" "$FIX/remote/dd/xd" -out
	joe get -c "$FIX/ssh.config" -- "$FIX/remote/dd/xd" -out	# replaced
	[ "$(cat -- -out/x -out/xd/y)" = "x
y" ]
	[ "$(ls -A -- -out)" = "x
xd" ]
	# on the target, relative to the login directory
	h=$(eval echo "~$SSH_USER")
	rm -rf -- "$h/-rdir" && mkdir -- "$h/-rdir" && chown "$SSH_USER" -- "$h/-rdir"
	echo f > f && mkdir -p d && echo g > d/g
	joe put -c "$FIX/ssh.config" -- f d -rdir
	joe put -c "$FIX/ssh.config" -- d -rdir
	[ "$(cat -- "$h/-rdir/f" "$h/-rdir/d/g")" = "f
g" ]
	[ "$(ls -A -- "$h/-rdir")" = "d
f" ]
	rm -rf -- "$h/-rdir"
}

@test "a file its owner cannot read (modes 222, 0, 44, 111): copied, mode kept" {
	rdir "$FIX/remote/m6"
	for m in 222 0 44 111 4755 640; do
		echo "$m" > "m$m"
		chmod "$m" "m$m"
		run joe put -c "$FIX/ssh.config" "m$m" "$FIX/remote/m6/"
		[ "$status" = 0 ]
		[ "$(stat -c %a "$FIX/remote/m6/m$m")" = "$m" ]
		cmp "m$m" "$FIX/remote/m6/m$m"
	done
	[ "$(ls -A "$FIX/remote/m6" | wc -l)" = 6 ]
}
