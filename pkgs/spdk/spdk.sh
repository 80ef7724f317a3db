# spdk.sh: sourced by the spdk worklets, after with.sh, as
# . "${0%/*}/spdk.sh" (not a worklet: not executable).
# num KEY VALUE: a bad with: value unless VALUE is a positive number.
num() {
	case $2 in
	''|*[!0-9]*|0*) bad "$1" "'$2' is not a positive number" ;;
	esac
}
# one KEY VALUE WORD...: a bad with: value unless VALUE is one of WORDs.
one() {
	k=$1 v=$2
	shift 2
	case " $* " in
	*" $v "*) [ -n "$v" ] && return ;;
	esac
	bad "$k" "'$v' is not one of $*"
}
# The with: key they share: dir, the SPDK tree on the target (absolute).
d=${JOE_WITH_DIR:-/tmp/joe-spdk}
case $d in
/*[!A-Za-z0-9_./+-]*|[!/]*|/) bad dir "'$d' is not an absolute path without blanks or quotes" ;;
esac
