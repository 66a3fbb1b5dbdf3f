# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Measurements shared by demo.sh, tests/dc/e2e-guest.sh, tests/dc/migration-guest.sh
# and bench-dc.sh (sourced after dc-lib.sh).

# migrate <vm> <to hv> <encap> <ping src vm> <pps> <seconds before> <seconds after>
#         [order] [restart hv]
# Pings <vm> from <src> at <pps> with timestamps and moves <vm> to <to hv>:
#   order del-add (default): vif del at the source, veth re-created on <to hv>,
#     vif add there;
#   order add-del (libvirt live migration): veth and vif add on <to hv> first
#     (the VM side still down: it does not run there yet), then the VM
#     "resumes" there (vm_resume: its source interface goes down, the new one
#     up), then vif del at the source.
# With [restart hv], that hypervisor's agent is killed (-9) and restarted in
# the middle: between the resume and the source's vif del (add-del), between
# del and add (del-add).
# Sets MIG_SENT MIG_RECV MIG_LOST MIG_GAP_MS (longest time without a reply,
# ms) MIG_CONV_MS (HERE logged by the new agent -> last other agent's NART-2
# update logged, ms) MIG_UPDATED (agents that logged the update), MIG_AFTER_MS
# (HERE -> first reply), MIG_PAUSE_MS (add-del: vif add started -> VM resumed,
# the emulated pause), MIG_RESTART_OK (1 if the restarted agent came back).
migrate() {
	local vm=$1 to=$2 encap=$3 src=$4 pps=$5 before=$6 after=$7 order=${8:-del-add} rst=${9:-}
	local from dst iv n t tag t_add t_res
	from=$(vm_hv "$vm")
	dst=$(vm_ip "$vm")
	iv=$(awk -v p="$pps" 'BEGIN {printf "%.4f", 1 / p}')
	n=$(awk -v p="$pps" -v a="$before" -v b="$after" 'BEGIN {printf "%d", p * (a + b)}')
	vmx "$src" ping -n -D -i "$iv" -c "$n" -W 1 "$dst" >"$RUN/mig-ping.txt" 2>&1 &
	local ppid=$!
	sleep "$before"
	local lines_before
	declare -A lines_before
	for h in $(awk '$1 == "hv" {print $2}' "$RUN/fabric.txt" | sed "s/^${P//./\\.}hv-//"); do
		lines_before[$h]=$(wc -l <"$RUN/agent-$h.log")
	done
	MIG_PAUSE_MS=-1
	MIG_RESTART_OK=1
	if [ "$order" = add-del ]; then
		t_add=$(date +%s.%N)
		vm_plug_dest "$vm" "$to" "$encap" || echo "migrate: vif add on $to failed" >&2
		vm_resume "$vm"
		t_res=$(date +%s.%N)
		MIG_PAUSE_MS=$(awk -v a="$t_add" -v b="$t_res" 'BEGIN {printf "%d", (b - a) * 1000 + 0.999}')
		[ -n "$rst" ] && { agent_restart "$rst" "$encap" || MIG_RESTART_OK=0; }
		vm_unplug_src "$vm" "$from"
	else
		vm_unplug "$vm"
		[ -n "$rst" ] && { agent_restart "$rst" "$encap" || MIG_RESTART_OK=0; }
		vm_plug "$vm" "$to" "$encap" || echo "migrate: vif add on $to failed" >&2
	fi
	wait "$ppid"
	MIG_SENT=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$RUN/mig-ping.txt")
	MIG_RECV=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$RUN/mig-ping.txt")
	MIG_SENT=${MIG_SENT:-0} MIG_RECV=${MIG_RECV:-0}
	MIG_LOST=$((MIG_SENT - MIG_RECV))
	MIG_GAP_MS=$(awk -F'[][]' '/bytes from/ {t = $2; if (p != "" && (t - p) * 1000 > g) g = (t - p) * 1000; p = t}
		END {printf "%d", g}' "$RUN/mig-ping.txt")
	# HERE from the new host, then NART-2 updates of the others (debug log).
	local t=$(vm_field "$vm" 3) m=$(vm_field "$vm" 4) mac=$(vm_field "$vm" 5)
	local t0 last=0 h line
	t0=$(tail -n +"$((lines_before[$to] + 1))" "$RUN/agent-$to.log" |
		awk -v pat="HERE tenant $t mac_as $m $mac version" 'index($0, pat) {print $1; exit}')
	MIG_UPDATED=0
	for h in "${!lines_before[@]}"; do
		[ "$h" = "$to" ] && continue
		line=$(tail -n +"$((lines_before[$h] + 1))" "$RUN/agent-$h.log" |
			grep -F "HERE tenant $t mac_as $m $mac at port" | grep -v GONE | grep -E 'insert|update|new' | head -n 1 | awk '{print $1}')
		[ -n "$line" ] || continue
		MIG_UPDATED=$((MIG_UPDATED + 1))
		last=$(awk -v a="$last" -v b="$line" 'BEGIN {print (b > a) ? b : a}')
	done
	MIG_AFTER_MS=-1
	[ -n "$t0" ] && MIG_AFTER_MS=$(awk -F'[][]' -v t0="$t0" '/bytes from/ && $2 >= t0 {printf "%d", ($2 - t0) * 1000; exit}' "$RUN/mig-ping.txt")
	MIG_AFTER_MS=${MIG_AFTER_MS:--1}
	if [ -n "$t0" ] && [ "$MIG_UPDATED" -gt 0 ]; then
		MIG_CONV_MS=$(awk -v a="$t0" -v b="$last" 'BEGIN {printf "%d", (b - a) * 1000}')
	else
		MIG_CONV_MS=-1
	fi
}

# fdb_count <switch>: dynamic (learned) entries of the switch's bridge
fdb_count() {
	bridge -n "${P}sw-$1" fdb show br br0 2>/dev/null | grep -v -e permanent -e self -c
}
# fdb_macs <switch>: the learned MACs, sorted, unique
fdb_macs() {
	bridge -n "${P}sw-$1" fdb show br br0 2>/dev/null | grep -v -e permanent -e self |
		awk '{print $1}' | sort -u
}

# agent_restart <hv> <encap>: kill -9 and start again (pins keep the datapath)
agent_restart() {
	agent_kill "$1" KILL
	agent_start "$1" "$2"
	agent_wait "$1" 300
}

# nart_place <hv> <vm>: "<switch mac> port <n>" of <vm> in <hv>'s NART-2, or "none"
nart_place() {
	local t m mac
	t=$(vm_field "$2" 3)
	m=$(vm_field "$2" 4)
	mac=$(vm_field "$2" 5)
	na "$1" nart 2>/dev/null | awk -v t="$t" -v m="$m" -v mac="$mac" '
		$1 == t && $2 == m && tolower($3) == tolower(mac) && $4 == "->" {print tolower($5), "port", $7; f = 1; exit}
		END {if (!f) print "none"}'
}
