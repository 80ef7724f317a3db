# The session server (transport.c): on the target the login shell execs
# sh with it, through lead, for the commands of one joe process. Built
# into joe as a C string (lines that begin with # left out).
#
# It reads a token (on stdin, not seen in ps), then commands, one a line
# (as one quoted sh word). A reader passes each on to the runner, which
# runs it in a subshell with stdin from /dev/null (the one fork a
# command) and ends it with a marker line "TOKEN STATUS" on stdout and on
# stderr. "q" ends the session; "k" or the end of its input (joe or the
# connection gone) ends the command on the target: the reader passes "k"
# on (a command's line is always quoted, so never that), then sends TERM
# to the session's process group (see lead), KILL 2 s later. The
# command's subshell gets TERM with the default action; the runner
# outlives it to write the marker, then reads the "k" and ends the
# session at once. A TERM that no "k" came with (a command's kill 0)
# ends that command only: the session goes on, and so does the next
# command. The shell that waits for the two outlives TERM too: when it
# goes, dropbear closes the session's output, and the marker would be
# lost.
N='
'
IFS= read -r T || exit
trap : TERM
# the reader
{ trap '' TERM
  while IFS= read -r l; do
	case $l in q) exit 0;; k) break;; esac
	printf '%s\n' "$l"
  done
  echo k; kill -TERM 0; sleep 2; kill -KILL 0
# the runner
} | { trap : TERM
  while IFS= read -r l; do
	[ "$l" != k ] || kill -KILL 0
	eval "c=$l"
	(unset N T l r S; eval "$c") </dev/null
	r=$?; echo "$T $r"; echo "$T $r" >&2
  done
}
