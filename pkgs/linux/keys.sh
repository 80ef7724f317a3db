# keys.sh: sourced by linux worklets after core/with.sh (not a worklet):
# keys KEY...: each with: key given must be one of these, else bad KEY
# "not a key of PKG.NAME"; prints the given keys, lower case, sorted.
# optional: checks with.optional (true or false, default false).
keys() {
	for k in $(env | sed -n 's/^JOE_WITH_\([A-Za-z0-9_]*\)=.*/\1/p' |
			tr A-Z a-z | LC_ALL=C sort); do
		case " optional $* " in
		*" $k "*) echo "$k" ;;
		*) me=${0%/*}; bad "$k" "not a key of ${me##*/}.${0##*/}" ;;
		esac
	done
	case ${JOE_WITH_OPTIONAL:-false} in
	true|false) ;;
	*) bad optional "'$JOE_WITH_OPTIONAL' is not true or false" ;;
	esac
}
# digits KEY VALUE: bad KEY unless VALUE is a number.
digits() {
	case $2 in
	''|*[!0-9]*) bad "$1" "'$2' is not a number" ;;
	esac
}
