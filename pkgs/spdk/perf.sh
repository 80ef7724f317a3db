# perf.sh: sourced by spdk.bdevperf and spdk.nvmf_tcp after spdk.sh: the
# with: keys they share, checked, with their defaults: size_mb (mb),
# block_size (bs), qd, io_size (io), workload (wl), rwmixread (mix, set
# only for rw and randrw), time, mask and mem.
mb=${JOE_WITH_SIZE_MB:-64} bs=${JOE_WITH_BLOCK_SIZE:-512} qd=${JOE_WITH_QD:-32}
io=${JOE_WITH_IO_SIZE:-4096} wl=${JOE_WITH_WORKLOAD:-randread}
time=${JOE_WITH_TIME:-5} mask=${JOE_WITH_MASK:-0x1} mix=
for k in size_mb:$mb block_size:$bs qd:$qd io_size:$io time:$time; do
	num "${k%%:*}" "${k#*:}"
done
[ "$bs" -le 65536 ] && [ $((bs % 512)) = 0 ] ||
	bad block_size "'$bs' is not a multiple of 512 from 512 to 65536"
[ $((mb * 1048576 % bs)) = 0 ] || bad size_mb "'$mb' MiB is not whole blocks of $bs"
mem=${JOE_WITH_MEM:-$((mb + 512))}
num mem "$mem"
case $mask in
0x*[!0-9a-fA-F]*|0x|[!0]*|0[!x]*) bad mask "'$mask' is not 0x and hex digits" ;;
esac
case $wl in
rw|randrw) mix=${JOE_WITH_RWMIXREAD:-50}
	case $mix in
	''|*[!0-9]*) bad rwmixread "'$mix' is not a number from 0 to 100" ;;
	esac
	[ "$mix" -le 100 ] || bad rwmixread "'$mix' is not a number from 0 to 100" ;;
esac
# huge N: HUGE, target shell words that set H to "-s MEM", or to
# "--no-huge -s MEM" (and say so) when there are not N times mem MiB of
# free hugepages (SPDK fails and hangs short of memory).
huge() {
	HUGE='H="-s '$mem'"; [ "$(awk "/^HugePages_Free:/ { f = \$2 }
		/^Hugepagesize:/ { k = \$2 } END { print int(f * k / 1024) }" /proc/meminfo)" \
		-ge '$(($1 * mem))' ] || { H="--no-huge $H"
		echo "hugepages: under '$(($1 * mem))' MiB free, running with $H"; }'
}
