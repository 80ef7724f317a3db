#!/usr/bin/env bats
# The rules that keep the source readable in one sitting (issue 15),
# checked on the source and objects of this tree.
load helper

@test "only lib/spawn.c starts processes; commands exec only in their own place" {
	cd "$TOP"
	run grep -nE '\b(fork|vfork|posix_spawnp?|popen|system)[[:space:]]*\(' lib/*.c cmd/*.c
	[ -z "$(printf '%s\n' "$output" | grep -v '^lib/spawn\.c:')" ]
}

@test "no function over 50 lines" {
	# a function: from the line its name begins to its } in column 1
	cd "$TOP"
	run awk 'FNR == 1 { sig = 0 }
	    /^[A-Za-z_].*\(/ && !sig { sig = FNR }
	    /^[^A-Za-z_{}\t #\/*]/ { sig = 0 }
	    /^}/ { if (sig && FNR - sig + 1 > 50) print FILENAME ":" sig ": " FNR - sig + 1 " lines"; sig = 0 }
	    /;$/ && /^[A-Za-z_]/ { sig = 0 }' lib/*.c cmd/*.c
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "no file-local function has the name of another file's" {
	# one name, one meaning: a grep for a static function finds just it
	cd "$TOP"
	for f in lib/*.c cmd/*.c; do
		grep -oE '^static [^=(]*\(' "$f" | grep -oE '[A-Za-z_0-9]+\($' |
		    sort -u
	done | sort | uniq -d > "$BATS_TEST_TMPDIR/twice"
	run cat "$BATS_TEST_TMPDIR/twice"
	[ -z "$output" ]
	grep -c '^static .*(' lib/conf.c | grep -qv '^0$'	# it sees them
}

@test "no cycle between the files of lib/: each uses only those before it" {
	cd "$TOP"
	for o in lib/*.o; do
		nm -u "$o" | awk '{ print $2 }' | sort > "$BATS_TEST_TMPDIR/u"
		for d in lib/*.o; do
			[ "$d" = "$o" ] && continue
			nm --defined-only "$d" | awk '$2 ~ /[A-Z]/ { print $3 }' | sort |
			    comm -12 - "$BATS_TEST_TMPDIR/u" | grep -q . &&
			    echo "$(basename "$d" .o) $(basename "$o" .o)"
		done
	done > "$BATS_TEST_TMPDIR/edges"
	[ -s "$BATS_TEST_TMPDIR/edges" ]
	run tsort "$BATS_TEST_TMPDIR/edges"
	[ "$status" = 0 ]
}
