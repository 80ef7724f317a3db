#!/usr/bin/env bats
# completion/joe.bash: bash completion of commands, options, steps,
# transports, guests and packages, through compgen as bash calls it.
load helper

# comp WORD...: what completing the last word of the line gives, sorted
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_joe; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
	    comp "$TOP/completion/joe.bash" "$@"
}

@test "completion: commands, options, formats" {
	[ "$(comp joe r)" = "report run " ]
	[ "$(comp joe --v)" = "--version " ]
	[ "$(comp joe run -T)" = "-T " ]
	[ "$(comp joe report -f "")" = "html junit tap text " ]
	[ "$(comp joe qemu s)" = "ssh start status " ]
	[ "$(comp joe help an)" = "analyse " ]
}

@test "completion: step names and workflows, transports and guests from the config, packages" {
	mkdir w && cd w
	printf 'steps:\n- name: build\n- {name: bench, run: x}\n- name: "check"\n' > a.workflow
	printf 'steps:\n- name: other\n' > b.workflow.txt
	printf 'transport:\n  local: {}\n  lab1: {host: a}\n  lab2: {host: b}\nqemu:\n  guests:\n    g1: {path: /x, kernel: /k}\n' > c.config
	[ "$(comp joe run b)" = "bench build " ]	# not b.workflow.txt
	[ "$(comp joe run a.workflow "")" = "a.workflow bench build check " ]
	[ "$(comp joe run a)" = "a.workflow " ]
	[ "$(comp joe run -c c.config -t l)" = "lab1 lab2 local " ]
	[ "$(comp joe run -t l)" = "local " ]	# no config: the built-in one
	[ "$(comp joe qemu -c c.config start "")" = "g1 " ]
	[ "$(comp joe -s q)" = "qemu " ]
	[ "$(comp joe -s "")" = "$(joe -s -l | cut -d ' ' -f 1 | sort | tr '\n' ' ')" ]
}
