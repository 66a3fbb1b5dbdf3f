#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `na-loader trace` against running agents (setup: tests/agent/observe-env.sh):
# the real pinned programs run on described and captured frames, nothing is
# sent.  Checks an L2 frame to a remote VIF (encapsulation and its outer
# headers), a routed frame (other subnet, same tenant), a cross-tenant frame
# (dropped, right reason), frames from the fabric (delivery, and a frame for
# a VIF not hosted here), a pcap, the text output and the exit codes; the
# --json output is parsed by python.
# Prints "agent-trace: N passed, M failed" and exits non-zero on failure.
set -u
NAME=agent-trace
. "$(dirname "$0")/observe-env.sh"

tr1() { na 1 trace "$@"; } # on server 1, in its network namespace
jcheck() { # description, json-file, python expression on j (the parsed object)
	local d=$1 f=$2 e=$3
	if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($e) else 1)" \
		"$f" 2>>"$TMP/py.log"; then ok "$d"; else
		bad "$d"
		echo "    json: $(cat "$f")"
	fi
}

# ---- L2 to a remote VIF: encapsulated towards server 2 (port 2), tenant 100 ---------------
tr1 --vif "$(vif a1)" --dst-mac $MAC2 --dst-ip 192.168.1.2 --proto tcp --sport 33000 \
	--dport 80 --json >"$TMP/l2.json" 2>>"$TMP/trace.log"
check "L2 remote: exit 0" test $? -eq 0
jcheck "L2 remote: verdict redirect to the uplink" "$TMP/l2.json" \
	"j['verdict']=='redirect' and j['redirect']['ifname']=='$(up 1)' and not j['dropped']"
PROTO=$([ "$ENCAP" = udp ] && echo 17 || echo 143)
jcheck "L2 remote: outer Ethernet to the edge switch, IPv4 10.1.0.100 -> 10.2.0.100 proto $PROTO ($ENCAP mode)" \
	"$TMP/l2.json" "j['output']['eth']['dst']=='$SWMAC' and j['output']['ipv4']['src']=='10.1.0.100' \
	 and j['output']['ipv4']['dst']=='10.2.0.100' and j['output']['ipv4']['proto']==$PROTO \
	 and j['output']['encap']=='$ENCAP' and ('$ENCAP'=='ip' or j['output']['udp']['dport']==24143)"
jcheck "L2 remote: inner frame unchanged (MACs, IPs, TCP ports)" "$TMP/l2.json" \
	"j['output']['inner']['eth']['src']=='$MAC1' and j['output']['inner']['eth']['dst']=='$MAC2' \
	 and j['output']['inner']['ipv4']['dst']=='192.168.1.2' and j['output']['inner']['tcp']=={'sport':33000,'dport':80}"
jcheck "L2 remote: path VLAN 0 (the table's untagged pair), counters tx_encap +1 and VIF tx +1" \
	"$TMP/l2.json" "j['vlan']==0 and not j['vlan_tagged'] and j['counters'].get('tx_encap')==1 \
	 and j['vif_stats']['tx_packets']==1"

jcheck "L2 remote: lookups vifs, nart2 (port 2), switches (the edge switch, VLAN 0)" "$TMP/l2.json" \
	"[x['table'] for x in j['lookups']]==['vifs','nart2','switches'] and all(x['hit'] for x in j['lookups']) \
	 and j['lookups'][1]['result'].endswith('port 2') and j['lookups'][2]['result']=='switch $SWMAC VLANs 0'"

# ---- routed: a1 (192.168.1.0/24) to a3 (192.168.2.3, server 2), through the virtual router ---
tr1 --vif "$(vif a1)" --dst-ip 192.168.2.3 --proto udp --dport 53 --json >"$TMP/routed.json" \
	2>>"$TMP/trace.log"
check "routed: exit 0" test $? -eq 0
jcheck "routed: input addressed to the virtual router's MAC" "$TMP/routed.json" \
	"j['input']['eth']['dst']=='02:4e:4c:52:00:01' and j['input']['ipv4']['dst']=='192.168.2.3'"
jcheck "routed: encapsulated to server 2, inner destination MAC is a3's, TTL decremented" \
	"$TMP/routed.json" "j['verdict']=='redirect' and j['output']['ipv4']['dst']=='10.2.0.100' \
	 and j['output']['inner']['eth']['dst']=='$MAC3' and j['output']['inner']['ipv4']['ttl']==63 \
	 and j['output']['inner']['udp']['dport']==53 and j['counters'].get('tx_encap')==1"

jcheck "routed: lookups vifs, subnets, nart1 (a3's MAC), nart2, switches" "$TMP/routed.json" \
	"[x['table'] for x in j['lookups']]==['vifs','subnets','nart1','nart2','switches'] \
	 and all(x['hit'] for x in j['lookups']) and j['lookups'][2]['result']=='$MAC3 mac_as 1'"

# ---- cross-tenant: tenant 100's VM to tenant 200's VM (b2's MAC exists only in tenant 200) ---
tr1 --vif "$(vif a1)" --dst-mac $MACB --dst-ip 192.168.1.2 --json >"$TMP/xt.json" \
	2>>"$TMP/trace.log"
jcheck "cross-tenant: dropped as tx_nart2_miss (no such VIF in tenant 100), nothing counted as sent" \
	"$TMP/xt.json" "j['dropped'] and j['verdict']=='drop' and j['reason']=='tx_nart2_miss' \
	 and j['counters'].get('tx_nart2_miss')==1 and 'tx_encap' not in j['counters'] \
	 and j['vif_stats']['tx_packets']==0 and 'output' not in j"
jcheck "cross-tenant: lookups: nart2 misses (tenant 100), no local VIF either" "$TMP/xt.json" \
	"[(x['table'],x['hit']) for x in j['lookups']]==[('vifs',True),('nart2',False),('local_vifs',False)] \
	 and 'tenant 100 ' in j['lookups'][1]['key']"
tr1 --vif "$(vif b1)" --dst-mac $MACB --dst-ip 192.168.1.2 --json >"$TMP/b.json" \
	2>>"$TMP/trace.log"
jcheck "control: the same frame from tenant 200's VM is encapsulated (tenant 200 address)" \
	"$TMP/b.json" "j['verdict']=='redirect' and j['output']['ipv4']['dst']=='10.2.0.200'"

# ---- anti-spoofing and proxy ARP -----------------------------------------------------------
tr1 --vif "$(vif a1)" --src-ip 10.9.9.9 --dst-mac $MAC2 --dst-ip 192.168.1.2 --json \
	>"$TMP/spoof.json" 2>>"$TMP/trace.log"
jcheck "spoofed source IP: dropped as tx_spoof_ip" "$TMP/spoof.json" \
	"j['dropped'] and j['reason']=='tx_spoof_ip'"
tr1 --vif "$(vif a1)" --arp --dst-ip 192.168.1.2 --json >"$TMP/arp.json" 2>>"$TMP/trace.log"
jcheck "ARP request: proxy ARP reply back to the VM with a2's MAC" "$TMP/arp.json" \
	"j['verdict']=='redirect' and j['redirect']['ifname']=='$(vif a1)' \
	 and j['output']['arp']['op']==2 and j['output']['eth']['src']=='$MAC2' \
	 and j['counters'].get('tx_arp_replied')==1"

# ---- from the fabric: nl_uplink_xdp -----------------------------------------------------------
tr1 --uplink --tenant 100 --mac-as 1 --src-mac $MAC2 --dst-mac $MAC1 --src-ip 192.168.1.2 \
	--dst-ip 192.168.1.1 --proto icmp --json >"$TMP/rx.json" 2>>"$TMP/trace.log"
check "uplink: exit 0" test $? -eq 0
jcheck "uplink: NetLord frame for a1 decapsulated and handed to a1's VIF (veth: XDP_PASS + metadata)" \
	"$TMP/rx.json" "j['program']=='nl_uplink_xdp' and j['input']['encap']=='$ENCAP' \
	 and j['input']['ipv4']['dst']=='10.1.0.100' and j['verdict'] in ('pass','redirect') \
	 and (j.get('handoff') or j.get('redirect'))['ifname']=='$(vif a1)' \
	 and j['counters'].get('rx_delivered')==1 and j['output']['eth']['dst']=='$MAC1' \
	 and 'encap' not in j['output']"
jcheck "uplink: lookup local_vifs (tenant 100, mac_as 1, a1's MAC) hits" "$TMP/rx.json" \
	"len(j['lookups'])==1 and j['lookups'][0]['table']=='local_vifs' and j['lookups'][0]['hit'] \
	 and j['lookups'][0]['key']=='tenant 100 mac_as 1 $MAC1'"
tr1 --uplink --tenant 100 --mac-as 1 --src-mac $MAC2 --dst-mac 52:54:00:cc:cc:cc \
	--src-ip 192.168.1.2 --dst-ip 192.168.1.77 --json >"$TMP/nh.json" 2>>"$TMP/trace.log"
jcheck "uplink: a frame for a VIF not hosted here is dropped as rx_not_here" "$TMP/nh.json" \
	"j['dropped'] and j['reason']=='rx_not_here'"

# ---- a captured frame -----------------------------------------------------------------------------
python3 - "$TMP/f.pcap" $MAC1 $MAC2 <<'PY'
import struct, sys
path, src, dst = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), bytes.fromhex(sys.argv[3].replace(':', ''))
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
udp = struct.pack('!HHHH', 1111, 2222, 8 + 4, 0) + b'test'
ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                           bytes([192, 168, 1, 1]), bytes([192, 168, 1, 2])))
ip[10:12] = struct.pack('!H', csum(bytes(ip)))
frame = dst + src + b'\x08\x00' + bytes(ip) + udp
frame += bytes(max(0, 60 - len(frame)))
with open(path, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack('<IIII', 0, 0, len(frame), len(frame)) + frame)
PY
tr1 --vif "$(vif a1)" --pcap "$TMP/f.pcap" --json >"$TMP/pcap.json" 2>>"$TMP/trace.log"
jcheck "pcap: the captured UDP frame is encapsulated to server 2" "$TMP/pcap.json" \
	"j['verdict']=='redirect' and j['output']['inner']['udp']=={'sport':1111,'dport':2222} \
	 and j['output']['ipv4']['dst']=='10.2.0.100'"

# ---- text output and exit codes ------------------------------------------------------------------
tr1 --vif "$(vif a1)" --dst-mac $MACB --dst-ip 192.168.1.2 >"$TMP/text.out" 2>&1
check "text: verdict and reason line" grep -q '^verdict: drop (2), reason tx_nart2_miss' "$TMP/text.out"
tr1 --vif "$(vif a1)" --dst-mac $MAC2 --dst-ip 192.168.1.2 >"$TMP/text2.out" 2>&1
sed 's/^/    /' "$TMP/text2.out"
check "text: output line shows the NetLord encapsulation and the VLAN" bash -c \
	"grep -q '^output: .*| netlord $ENCAP |' $TMP/text2.out && grep -q '^vlan: ' $TMP/text2.out"
tr1 --vif "$(vif a1)" --dst-mac $MAC2 --dst-ip 192.168.1.2 --sport 99999 >/dev/null 2>&1
check "bad port: exit 1" test $? -eq 1
tr1 --vif nosuchvif --dst-mac $MAC2 --dst-ip 192.168.1.2 >/dev/null 2>&1
check "unknown VIF: exit 1" test $? -eq 1
timeout 10 "$NA" trace -i nosuchuplink --vif x --dst-ip 1.2.3.4 --dst-mac $MAC2 >/dev/null 2>&1
check "no pinned datapath: exit 3" test $? -eq 3
check "the agents are still running" kill -0 "${AGENT_PID[1]}" "${AGENT_PID[2]}"

echo "$NAME: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
