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
# keys KEY...: bad KEY "not a key of PKG.NAME" for the first with: key
# given, in name order, that is not one of these; prints the given ones,
# lower case, in that order.
keys() {
	for k in $(env | sed -n 's/^JOE_WITH_\([A-Za-z0-9_]*\)=.*/\1/p' |
			tr A-Z a-z | LC_ALL=C sort); do
		case " $* " in
		*" $k "*) echo "$k" ;;
		*) me=${0%/*}; bad "$k" "not a key of ${me##*/}.${0##*/}" ;;
		esac
	done
}
