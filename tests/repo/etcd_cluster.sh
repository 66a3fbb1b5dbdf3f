#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The configuration repository on a real three-member etcd cluster (issue 15;
# patent [0012]; docs/repository.md "The repository on etcd").  Every etcd
# member and every server lives in a network namespace of its own, joined
# by a management bridge (172.30.7.0/24); the servers also hang off one
# emulated edge switch with real lldpd (tests/lib/netns-world.sh), so each
# agent learns its switch from LLDP and reads that switch's row from etcd.
#
#   publish serial 1 -> every agent loads it;  kill -9 the etcd leader,
#   publish serial 2 -> every agent converges (time printed);
#   partition agent 3 (its management link down), publish serial 3 -> agents
#   1, 2 converge, agent 3 keeps serial 2; heal -> agent 3 converges (time);
#   a corrupt row (checksum) and a corrupt <prefix>/current (not JSON) ->
#   refused, counted, the table in force stays; a good serial after that loads.
#
# Needs root, etcd (etcd-server), etcdctl (etcd-client), lldpd.  Prints
# "repo-etcd-cluster: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlesw$T
SWMAC=02:5e:${T:0:2}:${T:2:2}:00:01
OTHERMAC=02:5e:${T:0:2}:${T:2:2}:00:02
MG=nlem$T # the management bridge's namespace
NET=172.30.7
TMP=$(mktemp -d /tmp/na-etcd.XXXXXX)
chmod 755 "$TMP"
PASS=0
FAIL=0
declare -A AGENT_PID
declare -A ETCD_PID

srv() { echo "nles$T$1"; }
up() { echo "nleu$T$1"; }
mem() { echo "nlee$T$1"; } # etcd member namespace
ip_of() { echo "$NET.$1"; } # members .1-.3, servers .11-.13, the bridge .254
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
ENDPOINTS="$(ip_of 1):2379,$(ip_of 2):2379,$(ip_of 3):2379"
ctl() { inns "$MG" env ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINTS" --dial-timeout=2s "$@"; }

cleanup() {
	set +e
	for m in 1 2 3; do [ -n "${ETCD_PID[$m]:-}" ] && kill -9 "${ETCD_PID[$m]}" 2>/dev/null; done
	nw_stop_world "^nle(sw|s|e|m)$T" 1 2 3
	nw_show_logs 30 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require repo-etcd-cluster lldpd lldpcli etcd etcdctl nsenter python3
[ -x "$NAREPO" ] || nw_abort repo-etcd-cluster "$NAREPO not built"

# ---- the management network: a bridge, the members and the servers on it ----------------
ip netns add "$MG"
inns "$MG" ip link set lo up
inns "$MG" ip link add br0 type bridge
inns "$MG" ip addr add "$(ip_of 254)/24" dev br0
inns "$MG" ip link set br0 up
mgport() { # namespace, address, host-side name
	ip link add "$3" type veth peer name "m$3"
	ip link set "$3" netns "$MG"
	ip link set "m$3" netns "$1"
	inns "$MG" ip link set "$3" master br0 up
	inns "$1" ip link set "m$3" name mg0
	inns "$1" ip addr add "$2/24" dev mg0
	inns "$1" ip link set mg0 up
}
for m in 1 2 3; do
	ip netns add "$(mem $m)"
	inns "$(mem $m)" ip link set lo up
	mgport "$(mem $m)" "$(ip_of $m)" "ve$T$m"
done

# ---- the data network: one edge switch, three servers, lldpd --------------------------------
nw_switch "$SW" "$SWMAC"
for s in 1 2 3; do
	nw_port "$SW" "$SWMAC" "$s" "$(srv "$s")" "$(up "$s")" "swp$s$T"
	mgport "$(srv "$s")" "$(ip_of $((10 + s)))" "vs$T$s"
done
nw_switch_route "$SW" 3
nw_key_file "$TMP/nlarp.key"

# ---- three etcd members --------------------------------------------------------------------
CLUSTER="m1=http://$(ip_of 1):2380,m2=http://$(ip_of 2):2380,m3=http://$(ip_of 3):2380"
for m in 1 2 3; do
	# nsenter execs etcd: $! is the member itself
	nsenter --net=/var/run/netns/"$(mem $m)" etcd --name "m$m" --data-dir "$TMP/etcd$m" \
		--listen-client-urls "http://$(ip_of $m):2379" \
		--advertise-client-urls "http://$(ip_of $m):2379" \
		--listen-peer-urls "http://$(ip_of $m):2380" \
		--initial-advertise-peer-urls "http://$(ip_of $m):2380" \
		--initial-cluster "$CLUSTER" --initial-cluster-state new \
		--initial-cluster-token "nl$T" >"$TMP/etcd$m.log" 2>&1 &
	ETCD_PID[$m]=$!
done
healthy() { ctl endpoint health >"$TMP/health.txt" 2>&1; [ "$(grep -c " is healthy" "$TMP/health.txt")" -eq "$1" ]; }
check "etcd: three members healthy" wait_for 30 healthy 3

# ---- the fabric: our switch and one more, compiled, published ----------------------------
cat >"$TMP/fabric.topo" <<EOF
switch a edge mac $SWMAC
switch b edge mac $OTHERMAC
link a:10 b:10
server a:1
server a:2
server a:3
server b:1
EOF
publish() { # serial
	"$NAREPO" compile --serial "$1" -o "$TMP/out$1" "$TMP/fabric.topo" >/dev/null &&
		inns "$MG" "$NAREPO" publish --etcd "$ENDPOINTS" --grace 0 "$TMP/out$1" \
			>>"$TMP/publish.log" 2>&1
}
check "publish serial 1 into etcd" publish 1
check "publish: one row per edge switch under the serial, current names it" bash -c \
	"$(declare -f ctl inns); MG=$MG ENDPOINTS=$ENDPOINTS;
	 test \$(ctl get --prefix /netlord/serials/00000000000000000001/rows/ --keys-only | grep -c rows/) -eq 2 &&
	 ctl get /netlord/current --print-value-only | grep -qx '{\"serial\":\"1\"}'"

# ---- agents: etcd://<members>/netlord; agent s starts on member s ---------------------------
# (whichever member leads, one agent is attached to it when it dies)
eps_from() { # first member
	local m=$1
	echo "$(ip_of "$m"):2379,$(ip_of $((m % 3 + 1))):2379,$(ip_of $(((m + 1) % 3 + 1))):2379"
}
# agent 1 takes its repository from a configuration file (SIGHUP switches it below)
echo "repo = etcd://$(eps_from 1)/netlord" >"$TMP/na1.conf"
nw_start_agent "$(srv 1)" "$(up 1)" 1 --config "$TMP/na1.conf" --key-file "$TMP/nlarp.key" -v
for s in 2 3; do
	nw_start_agent "$(srv "$s")" "$(up "$s")" "$s" --repo "etcd://$(eps_from "$s")/netlord" \
		--key-file "$TMP/nlarp.key" -v
done
nw_lldpd "$SW" swp1,swp2,swp3 "netlord etcd test switch" || bad "lldpd started"
has_serial() { na "$1" status 2>/dev/null | grep -q "VLAN table: *loaded, serial $2,"; }
all_serial() { # serial servers...
	local want=$1 s
	shift
	for s in "$@"; do has_serial "$s" "$want" || return 1; done
}
check "every agent loads serial 1 from etcd" wait_for 40 all_serial 1 1 2 3
check "an agent fetched its switch's row, not the table (log)" \
	grep -q "VLAN row serial 1 loaded from http://$NET" "$TMP/agent1.log"
check "the row gave the VLANs to the other switch (2 egress switches)" bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 2 status | grep -q 'serial 1, 2 egress switches'"

# ---- kill the leader, publish, every agent converges --------------------------------------
leader=$(ctl endpoint status -w json 2>/dev/null | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    s = e["Status"]
    if s["header"]["member_id"] == s["leader"]:
        print(e["Endpoint"].split(":")[0].split(".")[-1])')
check "etcd: the leader found (member $leader)" test -n "$leader"
[ -n "$leader" ] && kill -9 "${ETCD_PID[$leader]}" && wait "${ETCD_PID[$leader]}" 2>/dev/null
ETCD_PID[$leader]=
check "etcd: two members left healthy" wait_for 20 healthy 2
t0=$(date +%s%N)
check "publish serial 2 with the leader dead" publish 2
check "every agent converges to serial 2" wait_for 60 all_serial 2 1 2 3
echo "converged: every agent on serial 2 $((($(date +%s%N) - t0) / 1000000)) ms after the publish (leader killed before)"
check "agent $leader (on the dead leader) failed over: serial 2 from another member" \
	grep -q "VLAN row serial 2 loaded from http://$NET.[^$leader]:2379" "$TMP/agent$leader.log"

# ---- partition agent 3 from the cluster, and back -----------------------------------------
inns "$(srv 3)" ip link set mg0 down
check "publish serial 3 while agent 3 is cut off" publish 3
check "agents 1 and 2 converge to serial 3" wait_for 40 all_serial 3 1 2
check "agent 1 learnt serial 3 from its watch (not from a periodic read)" \
	grep -q "watch announced serial 3" "$TMP/agent1.log"
# its liveness read (every 10 s) times out, then every member is tried
check "agent 3 notices etcd is unreachable (status: last error)" wait_for 40 bash -c \
	"$(declare -f na srv up); NA=$NA T=$T; na 3 status | grep -q 'last error: .*etcd'"
check "agent 3 keeps serial 2 while etcd is unreachable" has_serial 3 2
t0=$(date +%s%N)
inns "$(srv 3)" ip link set mg0 up
check "agent 3 converges to serial 3 after the partition heals" wait_for 60 all_serial 3 3
echo "converged: agent 3 on serial 3 $((($(date +%s%N) - t0) / 1000000)) ms after its link came back"

# ---- corrupt values: refused, counted, the table in force stays ----------------------------
corrupt() { na "$1" stats 2>/dev/null | awk '/vlan_table_corrupt/ { print $NF }'; }
c0=$(corrupt 1)
# serial 4: our switch's row with one byte changed (the CRC-32 no longer matches)
ROWKEY=/netlord/serials/00000000000000000004/rows/$SWMAC
"$NAREPO" compile --serial 4 -o "$TMP/out4" "$TMP/fabric.topo" >/dev/null
sed 's/^pair \(.*\) 10$/pair \1 11/' "$TMP/out4/rows/$SWMAC" >"$TMP/badrow"
check "test: the bad row differs from the good one" bash -c "! cmp -s $TMP/badrow $TMP/out4/rows/$SWMAC"
ctl put "$ROWKEY" <"$TMP/badrow" >/dev/null
ctl put /netlord/current '{"serial":"4"}' >/dev/null
more_corrupt() { [ "$(corrupt 1)" -gt "$c0" ]; }
check "a row with a bad checksum is refused and counted" wait_for 30 more_corrupt
check "every agent keeps serial 3" all_serial 3 1 2 3
check "the agent logs the refusal (checksum mismatch)" grep -q "checksum mismatch" "$TMP/agent1.log"
c1=$(corrupt 1)
ctl put /netlord/current 'not json at all' >/dev/null
more_corrupt2() { [ "$(corrupt 1)" -gt "$c1" ]; }
check "a <prefix>/current that is not JSON is refused and counted" wait_for 30 more_corrupt2
check "every agent still keeps serial 3" all_serial 3 1 2 3
check "publish serial 5 over the bad values" publish 5
check "every agent converges to serial 5" wait_for 40 all_serial 5 1 2 3
check "the agents stayed up throughout" bash -c \
	"kill -0 ${AGENT_PID[1]} && kill -0 ${AGENT_PID[2]} && kill -0 ${AGENT_PID[3]}"
check "publish removed superseded serials (--grace 0)" bash -c \
	"$(declare -f ctl inns); MG=$MG ENDPOINTS=$ENDPOINTS;
	 ! ctl get --prefix /netlord/serials/00000000000000000001/ --keys-only | grep -q ."
check "refresh over etcd: waits for the read and answers ok" na 1 refresh
"$NAREPO" compile --serial 6 -o "$TMP/out6" "$TMP/fabric.topo" >/dev/null
check "publish serial 6 with --grace 3600" \
	inns "$MG" "$NAREPO" publish --etcd "$ENDPOINTS" --grace 3600 "$TMP/out6"
check "within the grace period serial 5 stays, marked superseded" bash -c \
	"$(declare -f ctl inns); MG=$MG ENDPOINTS=$ENDPOINTS;
	 ctl get --prefix /netlord/serials/00000000000000000005/ --keys-only | grep -q superseded &&
	 ctl get --prefix /netlord/serials/00000000000000000005/rows/ --keys-only | grep -q rows/"
check "every agent converges to serial 6" wait_for 40 all_serial 6 1 2 3

# ---- SIGHUP with another repo: a file, then etcd again ----------------------------------------
echo "repo = $TMP/out5/vlan-table.txt" >"$TMP/na1.conf"
kill -HUP "${AGENT_PID[1]}"
check "SIGHUP repo = a file: agent 1 loads the file's serial 5" wait_for 20 has_serial 1 5
"$NAREPO" compile --serial 7 -o "$TMP/out7" "$TMP/fabric.topo" >/dev/null
inns "$MG" "$NAREPO" publish --etcd "$ENDPOINTS" "$TMP/out7" >>"$TMP/publish.log" 2>&1
check "serial 7 into etcd: agents 2 and 3 converge" wait_for 40 all_serial 7 2 3
sleep 2
check "agent 1 no longer follows etcd (its etcd client is gone)" has_serial 1 5
echo "repo = etcd://$(eps_from 1)/netlord" >"$TMP/na1.conf"
kill -HUP "${AGENT_PID[1]}"
check "SIGHUP repo = etcd again: agent 1 loads serial 7" wait_for 30 has_serial 1 7

echo "repo-etcd-cluster: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
