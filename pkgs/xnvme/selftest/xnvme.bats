# The xnvme package's selftest (joe selftest xnvme), run on the target by
# core.test: meson reads the xNVMe tree JOE_XNVME_SOURCE names, and the
# xNVMe installed there (under JOE_XNVME_PREFIX, else on PATH) writes and
# reads a ramdisk; each skipped, saying why, when there is none.

@test "meson reads the xNVMe tree JOE_XNVME_SOURCE names" {
	[ -n "${JOE_XNVME_SOURCE:-}" ] && [ -d "$JOE_XNVME_SOURCE" ] ||
		skip "JOE_XNVME_SOURCE names no source tree"
	command -v meson || { echo "meson is not installed"; false; }
	command -v ninja || { echo "ninja is not installed"; false; }
	run meson introspect --projectinfo "$JOE_XNVME_SOURCE/meson.build"
	[ "$status" = 0 ]
	[[ "$output" == *'"descriptive_name": "xnvme"'* ]]
	[[ "$output" =~ \"version\":\ \"[0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "the installed xNVMe writes and reads a ramdisk" {
	p=${JOE_XNVME_PREFIX:-/usr/local}
	export PATH="$p/bin:$PATH"
	export LD_LIBRARY_PATH="$p/lib:$p/lib/$(uname -m)-linux-gnu"
	command -v xnvme || skip "xNVMe is not installed on the target"
	run xnvme library-info
	[ "$status" = 0 ]
	[[ "$output" =~ ver:\ \{major:\ [0-9]+,\ minor:\ [0-9]+,\ patch:\ [0-9]+\} ]]
	for c in write read; do
		run xnvme_io_async $c 2GB --dev-nsid 1 --be ramdisk --async emu
		[ "$status" = 0 ]
		[[ "$output" == *'# cb_args: {submitted: 1, completed: 1, ecount: 0}'* ]]
	done
}
