# keys.sh: sourced by linux worklets after core/with.sh (not a worklet).
# lkeys KEY...: keys optional KEY... (core/with.sh), and with.optional
# true or false (default false).
lkeys() {
	keys optional "$@"
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
