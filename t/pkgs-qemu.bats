#!/usr/bin/env bats
# pkgs/qemu without QEMU: the with: keys of its worklets checked before
# joe qemu runs. The guests themselves are tested in t/guest*.bats.
load helper

@test "qemu worklets: a with: key they do not take, exit 2 at its place, before joe qemu runs" {
	for w in image init start wait kill roundtrip; do
		printf 'steps:\n- name: s\n  uses: qemu.%s\n  with: {gest: g}\n' "$w" > w.workflow
		rm -rf out
		run joe run -o out w.workflow
		[ "$status" = 1 ]
		[ "$(cut -f4,8 out/commands.tsv)" = "2	qemu.$w" ]
		[ "$(cat out/01-s/cmd-01.log)" = "w.workflow:4:10: qemu.$w: with.gest: not a key of qemu.$w" ] ||
			{ cat out/01-s/cmd-01.log; false; }
	done
	printf 'steps:\n- name: s\n  uses: qemu.wait\n  with: {guest: g, timout: 600}\n' > w.workflow
	run joe run -o out2 w.workflow
	[ "$status" = 1 ]
	[ "$(cat out2/01-s/cmd-01.log)" = "w.workflow:4:20: qemu.wait: with.timout: not a key of qemu.wait" ]
}
