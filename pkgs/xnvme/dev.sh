# dev.sh: sourced by the xnvme worklets, after with.sh, as
# . "${0%/*}/dev.sh" (not a worklet: not executable).
# The with: keys they share: prefix, dev, nsid, be, admin, sync, async,
# mem, checked and set in XENV: the shell words that give a target
# command PATH and LD_LIBRARY_PATH under the prefix and the variables URI,
# NSID, DEV (URI --dev-nsid NSID), BE, ADMIN, SYNC, ASYNC and MEM (each
# --OPTION VALUE, empty when the key is not given). No value needs quotes.
prefix=${JOE_WITH_PREFIX:-/usr/local}
case $prefix in
/*[!A-Za-z0-9_./+-]*|[!/]*)
	bad prefix "'$prefix' is not an absolute path without blanks or quotes" ;;
esac
uri=${JOE_WITH_DEV:-2GB} nsid=${JOE_WITH_NSID:-1}
case $uri in
*[!A-Za-z0-9_./:-]*)
	bad dev "'$uri' is not a device URI (letters, digits, _ . / : -)" ;;
esac
case ${nsid#0x} in
''|*[!0-9a-fA-F]*) bad nsid "'$nsid' is not a number" ;;
esac
case $nsid in 0x*) ;; *[!0-9]*) bad nsid "'$nsid' is not a number" ;; esac
case ${JOE_WITH_BE:-linux} in
linux|ramdisk|spdk|vfio|fbsd|macos|windows) ;;
*) bad be "'$JOE_WITH_BE' is not one of linux ramdisk spdk vfio fbsd macos windows" ;;
esac
lib=$prefix/lib
XENV="PATH=$prefix/bin:\$PATH URI=$uri NSID=$nsid DEV='$uri --dev-nsid $nsid'"
XENV="$XENV LD_LIBRARY_PATH=$lib:${lib}64:$lib/\$(uname -m)-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
for k in be admin sync async mem; do
	v=
	eval "v=\${JOE_WITH_$(echo $k | tr a-z A-Z)-}"
	case $v in
	*[!a-z0-9_]*) bad $k "'$v' is not a name (a-z 0-9 _)" ;;
	esac
	XENV="$XENV $(echo $k | tr a-z A-Z)='${v:+--$k $v}'"
done
XENV="$XENV; export PATH LD_LIBRARY_PATH URI NSID DEV BE ADMIN SYNC ASYNC MEM;"
