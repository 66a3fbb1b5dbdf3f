#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `--nart-tenants hosted` (user/agent/tenant_filter.c, docs/scale.md): two
# servers behind one emulated edge switch (real lldpd, agents, VMs).
# Server 1 keeps only the tenants it hosts VIFs of; server 2 learns every
# tenant (the default).  Server 2 hosts tenant 100 and tenant 200.
#   - server 1 learns tenant 100 (hosted there) from server 2's HERE;
#   - tenant 200's HERE changes nothing on server 1: no NART entry, counted
#     as filtered before authentication; server 2 learned everything;
#   - a VIF of tenant 200 added on server 1: its first packets miss, WHERE
#     fills the entry, the ping goes through;
#   - the last VIF of tenant 200 leaves server 1: its entries are purged;
#   - the filter only drops: forged HEREs (wrong key) of the hosted tenant
#     pass it and are refused by the MAC check, those of another tenant die
#     in the kernel filter (tests/hostile/nlarp_tool.py sends them);
# Needs root.  Prints "tenant-filter: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlfw$T
SWMAC=02:5f:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-filter.XXXXXX)
chmod 755 "$TMP" # lldpcli drops privileges before it connects
PASS=0
FAIL=0
declare -A AGENT_PID

srv() { echo "nlfs$T$1"; }
up() { echo "nf$T$1"; }
vm() { echo "nlfv$T$1"; }
vif() { echo "nfv$T$1"; }
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
vmrun() { # vm, command...
	local v=$1
	shift
	nsenter --net=/var/run/netns/"$(vm "$v")" "$@"
}
cleanup() {
	set +e
	nw_stop_world "^nlf(w|s|v)$T" 1 2
	nw_show_logs 40 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT
nw_require tenant-filter lldpd lldpcli ping nsenter python3 ethtool

nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "swp$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"

nw_start_agent "$(srv 1)" "$(up 1)" 1 --repo "$TMP/vlan-table.txt" --key-file "$TMP/nlarp.key" \
	--nart-tenants hosted -v
nw_start_agent "$(srv 2)" "$(up 2)" 2 --repo "$TMP/vlan-table.txt" --key-file "$TMP/nlarp.key" -v
running() { na "$1" status 2>/dev/null | grep -q '^agent: *running'; }
ready() { na "$1" status | grep -q 'state: *ready'; }
for s in 1 2; do wait_for 20 running $s || nw_abort tenant-filter "agent $s started"; done
nw_lldpd "$SW" swp1,swp2 "netlord filter test switch"
for s in 1 2; do wait_for 20 ready $s || nw_abort tenant-filter "agent $s ready (LLDP)"; done

mkvm() { # vm server tenant mac ip
	nw_vm "$(vm "$1")" "$(vif "$1")" "$(srv "$2")" "$4" "$5/24" 1466 off
	na "$2" vif add "$(vif "$1")" --tenant "$3" --mac-as 1 --mac "$4" --ip "$5/24"
}
check "vif add a1 (tenant 100, server 1)" mkvm a1 1 100 52:54:00:f1:00:01 192.168.1.1
check "vif add a2 (tenant 100, server 2)" mkvm a2 2 100 52:54:00:f1:00:02 192.168.1.2
check "vif add b2 (tenant 200, server 2)" mkvm b2 2 200 52:54:00:f2:00:02 192.168.2.2

# nart --json: is (tenant, mac) in NART-2 of server s?
has_entry() { # server tenant mac
	na "$1" nart --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(not any(e["tenant"] == int(sys.argv[1]) and e["mac"] == sys.argv[2] for e in d["nart2"]))' \
		"$2" "$3"
}
stat_of() { # server name
	na "$1" stats --json | python3 -c 'import json, sys
d = json.load(sys.stdin)
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == sys.argv[1]:
                return v
            r = find(v)
            if r is not None:
                return r
print(find(d) or 0)' "$2"
}
check "server 1 learned tenant 100's a2 from its HERE" wait_for 10 has_entry 1 100 52:54:00:f1:00:02
check "server 2 (all tenants) learned a1" wait_for 10 has_entry 2 100 52:54:00:f1:00:01
sleep 1 # b2's HERE went out with a2's
check "tenant 200's HERE changed nothing on server 1 (no entry)" \
	bash -c "$(declare -f na srv up has_entry); NA=$NA T=$T; ! has_entry 1 200 52:54:00:f2:00:02"
k=$(stat_of 1 tenant_filter_kernel)
h=$(stat_of 1 hosted_tenants)
check "server 1: 1 hosted tenant, the filter in the kernel (hosted $h, kernel $k)" \
	test "${h:-0}" -eq 1 -a "${k:-0}" -eq 1
check "status: server 1 hosted only, in the kernel; server 2 all" bash -c "$(declare -f na srv up)
	NA=$NA T=$T; na 1 status | grep -q 'NART tenants: *hosted only (1 tenants; filter in the kernel)' &&
	na 2 status | grep -q 'NART tenants: *all'"
sent=$(stat_of 2 nlarp_tx_here)
got=$(stat_of 1 nlarp_rx_here)
f=$(stat_of 1 nlarp_tenant_filtered)
check "server 2 sent 2 HEREs, server 1 authenticated only tenant 100's (rx $got, sent $sent, dropped in the agent $f)" \
	test "${sent:-0}" -eq 2 -a "${got:-0}" -eq 1
check "server 1's NART-2 holds only tenant 100" bash -c "$(declare -f na srv up); NA=$NA T=$T
	na 1 nart --json | python3 -c 'import json, sys
d = json.load(sys.stdin); sys.exit(not d[\"nart2\"] or any(e[\"tenant\"] != 100 for e in d[\"nart2\"]))'"

# ---- a tenant new to server 1: learned by WHERE on the first miss -------------------------------
check "vif add b1 (tenant 200, server 1)" mkvm b1 1 200 52:54:00:f2:00:01 192.168.2.1
check "b1 -> b2: the first packets miss, WHERE fills, ping goes through" \
	wait_for 15 vmrun b1 ping -c 1 -W 1 192.168.2.2
check "server 1 now holds tenant 200's b2" has_entry 1 200 52:54:00:f2:00:02
# a HERE of tenant 200 now reaches server 1's tables: b2 re-added with another MAC
check "vif add b3 (tenant 200, server 2)" mkvm b3 2 200 52:54:00:f2:00:03 192.168.2.3
check "server 1 learned b3 from its HERE (tenant 200 is hosted now)" \
	wait_for 10 has_entry 1 200 52:54:00:f2:00:03
w=$(stat_of 1 nlarp_tx_where)
check "server 1 asked WHERE for it (nlarp_tx_where $w)" test "${w:-0}" -ge 1
check "tenant 100 still forwards: a1 -> a2" vmrun a1 ping -c 2 -i 0.2 -W 1 192.168.1.2

# ---- the filter only drops: forged HEREs (wrong key) sent from server 2's uplink --------------
TOOL=$(cd "$(dirname "$0")/../hostile" && pwd)/nlarp_tool.py
forge() { # tenant vif-mac vif-ip
	inns "$(srv 2)" python3 "$TOOL" send "$(up 2)" --op here --auth wrong-key \
		--key-file "$TMP/nlarp.key" --tenant "$1" --vif-mac "$2" --vif-ip "$3" \
		--switch "$SWMAC" --port 2 --count 3 >>"$TMP/forge.log" 2>&1
}
bm0=$(stat_of 1 nlarp_auth_bad_mac)
forge 100 52:54:00:f1:00:99 192.168.1.99
forge 300 52:54:00:f3:00:99 192.168.3.99
sleep 1
bm1=$(stat_of 1 nlarp_auth_bad_mac)
check "3 forged HEREs of the hosted tenant passed the filter, refused by the MAC check; 3 of another tenant died in the filter (bad_mac +$((bm1 - bm0)))" \
	test $((bm1 - bm0)) -eq 3
check "no entry for the forged VIFs" bash -c "$(declare -f na srv up has_entry); NA=$NA T=$T
	! has_entry 1 100 52:54:00:f1:00:99 && ! has_entry 1 300 52:54:00:f3:00:99"
# ---- tenant 200's last VIF leaves server 1: its entries go with it --------------------------------
check "vif del b1 (server 1's last VIF of tenant 200)" na 1 vif del "$(vif b1)"
check "server 1 deleted tenant 200's entries (b2, b3)" bash -c "$(declare -f na srv up has_entry)
	NA=$NA T=$T; ! has_entry 1 200 52:54:00:f2:00:02 && ! has_entry 1 200 52:54:00:f2:00:03"
check "server 1 kept tenant 100's a2" has_entry 1 100 52:54:00:f1:00:02
check "the agents are still running" bash -c "kill -0 ${AGENT_PID[1]} && kill -0 ${AGENT_PID[2]}"

echo "tenant-filter: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
