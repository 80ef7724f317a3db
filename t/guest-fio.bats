#!/usr/bin/env bats
# pkgs/fio in the test guest (t/fixtures/guest, under TCG), which has no
# fio: fio.run puts this machine's there (put: auto) and runs a matrix of
# block size x queue depth on the guest's NVMe namespace; the metrics of
# each cell, the check, the report, and nothing left in the guest. Then
# pkgs/fio/guest.workflow as it is, booting and killing its own guest.
# Run by `make check-guest`, not by `make check`.
load helper

setup_file() {
	guest_up 512M local '{image: nvme0.qcow2, size: 64M, serial: joe0001}'
}

teardown_file() {
	guest_down
}

@test "guest: fio put there, a bs x iodepth matrix on /dev/nvme0n1, metrics per cell, check, report, nothing left" {
	joe run -c "$D/g.config" -t vm -- '! command -v fio'
	cat > w.workflow <<-EOF
	steps:
	- name: randread
	  transport: vm
	  matrix:
	    bs: [4k, 64k]
	    iodepth: [1, 8]
	  timeout: 300
	  uses: fio.run
	  with:
	    filename: /dev/nvme0n1
	    size: 4M
	    rw: randread
	    bs: "{{ matrix.bs }}"
	    iodepth: "{{ matrix.iodepth }}"
	    ioengine: libaio
	    direct: true
	  extract: fio
	- name: check
	  uses: fio.check
	  with: {limits: $TOP/pkgs/fio/fio-limits.txt}
	EOF
	run joe run -r -c "$D/g.config" -o out w.workflow
	[ "$status" = 0 ]
	[[ "$output" == *"verdicts: 16 passed, 0 failed, 0 missing"* ]]
	[ "$(grep -c '	fio.randread.read.iops	' out/metrics.tsv)" = 4 ]
	[ "$(cut -f1 out/metrics.tsv | grep -c '^04-randread\[bs=64k,iodepth=8\]$')" -gt 5 ]
	[ -s out/report.html ]
	[ "$(awk -F'\t' '$8 ~ /\/fio\/ld-linux-x86-64.so.2 --library-path / { n++ }
		END { print n }' out/commands.tsv)" = 4 ]
	[ "$(joe run -c "$D/g.config" -t vm -- 'ls -d /tmp/joe-fio.* 2>/dev/null | wc -l')" = 0 ]
}

@test "guest: pkgs/fio/guest.workflow boots its guest, reads its namespace with the put fio, checks, reports, kills it" {
	cp "$TOP"/pkgs/fio/{guest.workflow,guest.config,fio-limits.txt} .
	sed -i 's/16M/4M/' guest.config
	JOE_GUEST=$G run joe run -r -c guest.config guest.workflow
	[ "$status" = 0 ]
	[[ "$output" == *"verdicts: 16 passed, 0 failed, 0 missing"* ]]
	[[ "$output" == *"PASS 09-poweroff"* ]]
	[ -s joe-output/latest/report.html ]
	[ "$(grep -c '	fio.randread.read.iops	' joe-output/latest/metrics.tsv)" = 4 ]
}
