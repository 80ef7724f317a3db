# with.sh: sourced by worklets for their with: values, as
# . "${0%/*}/../core/with.sh" (not a worklet: not executable).
# bad KEY WHAT: says "FILE:LINE:COL: PKG.NAME: with.KEY: WHAT" on stderr
# and exits 2; the place is that of with.KEY in the workflow (JOE_AT_KEY),
# else that of with: or of the step (JOE_AT), as joe run gives them.
bad() {
	eval "at=\${JOE_AT_$(printf %s "$1" | tr 'a-z. -' 'A-Z___'):-\${JOE_AT-}}"
	me=${0%/*}
	echo "${at:+$at: }${me##*/}.${0##*/}: with.$1: $2" >&2
	exit 2
}
