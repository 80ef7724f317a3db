#!/usr/bin/env bats
# The Debian package (make check-deb): dpkg-buildpackage builds it from a
# copy of the tree, lintian finds no error in it, apt-get installs it, the
# installed joe starts a lab and runs it, and a purge leaves nothing.
load helper

# installed: whether a package named joe is installed
installed() {
	[ "$(dpkg-query -W -f '${db:Status-Status}' joe 2>/dev/null)" = installed ]
}

setup_file() {
	[ "$(id -u)" = 0 ] || skip "installing a package needs root"
	! installed || skip "a package named joe is installed here: a test does not replace it"
	export DEB=$BATS_FILE_TMPDIR
	mkdir "$DEB/joe"
	(cd "$BATS_TEST_DIRNAME/.." && git ls-files -co --exclude-standard) |
	    grep -v '^t/' | (cd "$BATS_TEST_DIRNAME/.." && tar -cf - -T -) |
	    tar -xf - -C "$DEB/joe"
	(cd "$DEB/joe" && dpkg-buildpackage -us -uc -b) > "$DEB/build.log" 2>&1
}

teardown_file() {
	! installed || apt-get purge -y -qq joe > /dev/null 2>&1
}

@test "deb: dpkg-buildpackage builds it, with the right Depends" {
	[ -f "$DEB/joe_$(cat "$TOP/VERSION")_amd64.deb" ]
	cd "$DEB/joe"
	[ "$(dpkg-parsechangelog -S Version)" = "$(cat "$TOP/VERSION")" ]
	run dpkg-deb -f "$DEB"/joe_*_amd64.deb Depends
	for p in libc6 libyaml-0-2 zlib1g libexpat1 openssh-client; do
		[[ "$output" == *"$p"* ]]
	done
	run dpkg-deb -c "$DEB"/joe_*_amd64.deb
	[[ "$output" == *" ./usr/bin/joe"* ]]
	[[ "$output" == *" ./usr/libexec/joe/joe-run"* ]]
	[[ "$output" == *" ./usr/share/joe/pkgs/core/example.workflow"* ]]
	[[ "$output" == *" ./usr/share/man/man1/joe-run.1.gz"* ]]
	[[ "$output" == *" ./usr/share/bash-completion/completions/joe"* ]]
	[[ "$output" != *"/usr/local"* ]]
	[[ "$output" != *"share/joe/installed"* ]]	# make uninstall's list
}

@test "deb: lintian finds no error" {
	run lintian "$DEB"/joe_*_amd64.changes
	echo "$output"
	[ "$status" = 0 ]
	! grep -q '^E:' <<< "$output"
}

@test "deb: apt-get installs it; joe -s and joe run work; a purge leaves nothing" {
	run apt-get install -y -q "$DEB"/joe_*_amd64.deb
	[ "$status" = 0 ]
	installed
	mkdir lab && cd lab
	export PATH=/usr/bin:/bin
	[ "$(command -v joe)" = /usr/bin/joe ]
	[ "$(joe --version)" = "joe $(cat "$TOP/VERSION")" ]
	joe -s
	[ -f example.workflow ]
	run joe run -o out
	[ "$status" = 0 ]
	[[ "${lines[-1]}" == "out: "*" passed, 0 failed, 0 skipped" ]]
	[ -s out/steps.tsv ]
	run joe report -f text out
	[ "$status" = 0 ]
	man -w joe-run | grep -q '^/usr/share/man/man1/joe-run.1'
	apt-get purge -y -qq joe > /dev/null
	! installed
	[ ! -e /usr/bin/joe ]
	[ ! -e /usr/libexec/joe ]
	[ ! -e /usr/share/joe ]
}
