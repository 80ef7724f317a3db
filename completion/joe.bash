# bash completion for joe(1): commands, their options, workflow step
# names, the config's transport names after -t and packages after -s.
# Installed as share/bash-completion/completions/joe.

# The -c and -D options of the words so far, for joe config.
_joe_cfg() {
	local i
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c|-D) printf '%s\n' "${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}" ;;
		esac
	done
}

# The names under section $1 (transport, qemu.guests) of the config the
# words name, from every node that joe config -p prints.
_joe_names() {
	local -a a
	mapfile -t a < <(_joe_cfg)
	joe config "${a[@]}" -p 2>/dev/null | awk -F '\t' -v s="$1." \
	    'index($3, s) == 1 && substr($3, length(s) + 1) !~ /\./ {
		print substr($3, length(s) + 1) }'
}

# The step names of the workflows among the words, else of ./*.workflow.
_joe_steps() {
	local w f=()
	for w in "${COMP_WORDS[@]:2}"; do
		[[ $w == *.workflow && -f $w ]] && f+=("$w")
	done
	[ ${#f[@]} -gt 0 ] || f=(./*.workflow)
	[ -f "${f[0]}" ] || return 0
	sed -n 's/^- *name: *"\{0,1\}\([^"#]*\)"\{0,1\} *$/\1/p;
	    s/^- *{ *name: *\([^,}]*\).*/\1/p' "${f[@]}"
}

_joe() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]-} opts w
	COMPREPLY=()
	if [ "$COMP_CWORD" = 1 ]; then
		COMPREPLY=($(compgen -W 'run config put get extract analyse
		    report finish qemu selftest help -s -h --version' -- "$cur"))
		return
	fi
	case $prev in
	-c|-o|-b|-f) [ "$prev" = -f ] && [ "$cmd" = report ] &&
		COMPREPLY=($(compgen -W 'text html junit tap' -- "$cur")) ||
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-t) COMPREPLY=($(compgen -W "$(_joe_names transport)" -- "$cur"))
		return ;;
	-j|-T) return ;;	# a number
	-s) [ "$cmd" = -s ] && COMPREPLY=($(compgen -W \
		"$(joe -s -l 2>/dev/null | cut -f 1 | cut -d ' ' -f 1)" -- "$cur"))
		return ;;
	esac
	case $cmd in
	run) opts='-k -n -q -r -v -z -i -j -c -D -o -t -T -l --' ;;
	put|get) opts='-c -D -q -t' ;;
	config) opts='-c -D -p' ;;
	qemu) opts='-c -D -T' ;;
	report) opts='-f -o' ;;
	analyse) opts='-b' ;;
	-s) opts='-f -l'
		COMPREPLY=($(compgen -W "$opts $(joe -s -l 2>/dev/null |
		    cut -d ' ' -f 1)" -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [ "$cmd" = qemu ]; then
		opts='init image start wait ssh kill status console'
		for w in "${COMP_WORDS[@]:2:COMP_CWORD-2}"; do	# a command: a guest
			[[ " $opts " == *" $w "* ]] && opts=$(_joe_names qemu.guests)
		done
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W 'run config put get extract analyse
		    report finish qemu selftest' -- "$cur"))
	elif [ "$cmd" = run ]; then
		COMPREPLY=($(compgen -W "$(_joe_steps)" -- "$cur")
		    $(compgen -f -X '!*.workflow' -- "$cur") $(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _joe joe
