#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The configuration repository on etcd over TLS (patent [0012]: the
# repository at well-known addresses; here a control plane nobody on the
# management network can forge; docs/repository.md "etcd over TLS").
# Certificates are made with openssl at test time: a CA, the member's
# server certificate (IP SAN = its address), a client certificate for the
# agents and the publisher, and a second, unrelated CA.  One etcd member with
# --cert-file/--key-file/--trusted-ca-file/--client-cert-auth, in its own
# network namespace on a management bridge; servers on one emulated edge
# switch with real lldpd (tests/lib/netns-world.sh), so each agent reads its
# switch's row.
#
#   na-repo publish --etcd etcds://... with the CA and a client certificate
#   commits; an agent with --repo etcds://... loads the row and follows the
#   watch to the next serial; refused: a wrong CA (publisher and agent), no
#   client certificate (publisher and agent), a client certificate of
#   another CA, the member reached under a name its certificate does not
#   carry, plain http (by the server; and by us when TLS was asked for);
#   clear errors at start for a missing CA, a key that does not match the
#   certificate, and TLS files with a plain etcd:// repository.
#
# Needs root, etcd, etcdctl, openssl, socat, lldpd.  Prints
# "repo-etcd-tls: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"

NA=${NA_LOADER:-$(cd "$(dirname "$0")/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nltsw$T
SWMAC=02:5f:${T:0:2}:${T:2:2}:00:01
OTHERMAC=02:5f:${T:0:2}:${T:2:2}:00:02
MG=nltm$T # the management bridge's namespace
MEM=nlte$T # the etcd member's namespace
NET=172.30.8
TMP=$(mktemp -d /tmp/na-etcdtls.XXXXXX)
chmod 755 "$TMP"
C=$TMP/pki
declare -A AGENT_PID
ETCD_PID=
SOCAT_PID=

srv() { echo "nlts$T$1"; }
up() { echo "nltu$T$1"; }
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
EP=$NET.1:2379
ctl() {
	inns "$MG" env ETCDCTL_API=3 etcdctl --endpoints="https://$EP" --dial-timeout=3s \
		--cacert "$C/ca.pem" --cert "$C/client.pem" --key "$C/client.key" "$@"
}

cleanup() {
	set +e
	[ -n "$ETCD_PID" ] && kill -9 "$ETCD_PID" 2>/dev/null
	[ -n "$SOCAT_PID" ] && kill "$SOCAT_PID" 2>/dev/null
	nw_stop_world "^nlt(sw|s|e|m)$T" 1 2 3
	nw_show_logs 30 "$TMP"/*.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require repo-etcd-tls lldpd lldpcli etcd etcdctl openssl socat nsenter
[ -x "$NAREPO" ] || nw_abort repo-etcd-tls "$NAREPO not built"
# a check that must fail, with its output (stdout+stderr) matching a pattern
refused() { # description, pattern, command...
	local d=$1 pat=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		bad "$d" "succeeded: $(tail -n 2 <<<"$out")"
	elif grep -qiE "$pat" <<<"$out"; then
		ok "$d"
		echo "#    $(grep -m1 -iE "$pat" <<<"$out" | cut -c1-200)"
	else
		bad "$d" "no /$pat/ in: $(tail -n 3 <<<"$out")"
	fi
}

# ---- certificates ----------------------------------------------------------------------------
mkdir -m 700 "$C"
pki() {
	# two CAs: ours and an unrelated one
	for ca in ca otherca; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-keyout "$C/$ca.key" -out "$C/$ca.pem" -subj "/CN=netlord test $ca" \
			2>/dev/null || return 1
	done
	# leaf: name, CA, subject, extensions
	leaf() {
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/$1.key" \
			-out "$C/$1.csr" -subj "/CN=$3" 2>/dev/null &&
			printf '%b' "$4" >"$C/$1.ext" &&
			openssl x509 -req -in "$C/$1.csr" -CA "$C/$2.pem" -CAkey "$C/$2.key" \
				-CAcreateserial -days 2 -out "$C/$1.pem" -extfile "$C/$1.ext" 2>/dev/null
	}
	# etcd's gateway dials the member with the server certificate: clientAuth too
	leaf server ca etcd-m1 "subjectAltName=IP:$NET.1\nextendedKeyUsage=serverAuth,clientAuth\n" &&
		leaf client ca netlord-client "extendedKeyUsage=clientAuth\n" &&
		leaf stranger otherca netlord-stranger "extendedKeyUsage=clientAuth\n"
}
check "openssl: a CA, the member's certificate (IP SAN), client certificates" pki
chmod 644 "$C"/*.pem
chmod 600 "$C"/*.key

# ---- the management network: a bridge, the member and the servers on it ---------------------
ip netns add "$MG"
inns "$MG" ip link set lo up
inns "$MG" ip link add br0 type bridge
inns "$MG" ip addr add "$NET.254/24" dev br0
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
ip netns add "$MEM"
inns "$MEM" ip link set lo up
mgport "$MEM" "$NET.1" "vte$T"

# ---- the data network: one edge switch, three servers, lldpd --------------------------------
nw_switch "$SW" "$SWMAC"
for s in 1 2 3; do
	nw_port "$SW" "$SWMAC" "$s" "$(srv "$s")" "$(up "$s")" "swp$s$T"
	mgport "$(srv "$s")" "$NET.$((10 + s))" "vts$T$s"
done
nw_switch_route "$SW" 3
nw_key_file "$TMP/nlarp.key"

# ---- etcd: client URLs over TLS only, client certificates required ---------------------------
nsenter --net=/var/run/netns/"$MEM" etcd --name m1 --data-dir "$TMP/etcd" \
	--listen-client-urls "https://$EP" --advertise-client-urls "https://$EP" \
	--listen-peer-urls "http://127.0.0.1:2380" --initial-advertise-peer-urls "http://127.0.0.1:2380" \
	--initial-cluster "m1=http://127.0.0.1:2380" --initial-cluster-state new \
	--cert-file "$C/server.pem" --key-file "$C/server.key" --trusted-ca-file "$C/ca.pem" \
	--client-cert-auth >"$TMP/etcd.log" 2>&1 &
ETCD_PID=$!
check "etcd: the member is healthy over TLS with a client certificate" \
	wait_for 30 ctl endpoint health

# the same member reached at an address its certificate does not name
inns "$MG" socat "TCP-LISTEN:2379,bind=$NET.254,fork,reuseaddr" "TCP:$EP" 2>/dev/null &
SOCAT_PID=$!

cat >"$TMP/fabric.topo" <<EOF
switch a edge mac $SWMAC
switch b edge mac $OTHERMAC
link a:10 b:10
server a:1
server a:2
server a:3
server b:1
EOF
for n in 1 2 3; do
	"$NAREPO" compile --serial $n -o "$TMP/out$n" "$TMP/fabric.topo" >/dev/null
done
pub() { # serial, publish options...
	local n=$1
	shift
	inns "$MG" "$NAREPO" publish --grace 0 --timeout-ms 3000 "$@" "$TMP/out$n"
}
TLSOPTS=(--etcd-ca "$C/ca.pem" --etcd-cert "$C/client.pem" --etcd-key "$C/client.key")
current() { ctl get /netlord/current --print-value-only 2>/dev/null; }
no_current() { [ -z "$(current)" ]; }

# ---- the publisher: refusals first, nothing may be committed by them ------------------------
refused "publish: plain http to the TLS member fails (the server wants TLS)" \
	"etcd at http://$EP" pub 1 --etcd "$EP"
refused "publish: a wrong CA is refused (server certificate not verified)" \
	"TLS to etcd.*certificate" pub 1 --etcd "etcds://$EP" --etcd-ca "$C/otherca.pem" \
	--etcd-cert "$C/client.pem" --etcd-key "$C/client.key"
refused "publish: without a client certificate the member refuses" \
	"TLS to etcd.*(certificate required|no client certificate)" pub 1 --etcd "etcds://$EP" --etcd-ca "$C/ca.pem"
refused "publish: a client certificate of another CA is refused" \
	"alert (bad certificate|unknown ca)|reset by peer" pub 1 --etcd "etcds://$EP" \
	--etcd-ca "$C/ca.pem" --etcd-cert "$C/stranger.pem" --etcd-key "$C/stranger.key"
refused "publish: the member under a name its certificate lacks is refused" \
	"TLS to etcd.*(name|match)" pub 1 --etcd "https://$NET.254:2379" "${TLSOPTS[@]}"
refused "publish: http:// with TLS asked for (--etcd-ca) is refused before connecting" \
	"plain http refused" pub 1 --etcd "http://$EP" "${TLSOPTS[@]}"
refused "publish: a missing CA file is named" \
	"CA bundle '$C/nope.pem': No such file" pub 1 --etcd "etcds://$EP" --etcd-ca "$C/nope.pem"
refused "publish: a key that does not match the certificate is named" \
	"does not match" pub 1 --etcd "etcds://$EP" --etcd-ca "$C/ca.pem" \
	--etcd-cert "$C/client.pem" --etcd-key "$C/stranger.key"
check "nothing was committed by the refused publishes" no_current

# ---- and over TLS ---------------------------------------------------------------------------
check "publish serial 1 over TLS (etcds://, CA, client certificate)" \
	pub 1 --etcd "etcds://$EP" "${TLSOPTS[@]}"
check "etcd names serial 1 current" bash -c "[ '$(current)' = '{\"serial\":\"1\"}' ]"

# ---- agents ---------------------------------------------------------------------------------
# agent 1: flags; agent 2: a configuration file that SIGHUP changes
nw_start_agent "$(srv 1)" "$(up 1)" 1 --repo "etcds://$EP/netlord" --repo-ca "$C/ca.pem" \
	--repo-cert "$C/client.pem" --repo-key "$C/client.key" --key-file "$TMP/nlarp.key" -v
printf 'repo = etcds://%s/netlord\nrepo_ca = %s\nrepo_cert = %s\nrepo_key = %s\n' \
	"$EP" "$C/otherca.pem" "$C/client.pem" "$C/client.key" >"$TMP/na2.conf"
nw_start_agent "$(srv 2)" "$(up 2)" 2 --config "$TMP/na2.conf" --key-file "$TMP/nlarp.key" -v
nw_lldpd "$SW" swp1,swp2,swp3 "netlord etcd tls test switch" || bad "lldpd started"
has_serial() { na "$1" status 2>/dev/null | grep -q "VLAN table: *loaded, serial $2,"; }
last_error() { na "$1" status 2>/dev/null | grep -qiE "last error: .*$2"; }
check "agent 1 loads serial 1 over TLS" wait_for 40 has_serial 1 1
check "agent 1 read its row from https://$EP (log)" \
	grep -q "VLAN row serial 1 loaded from https://$EP" "$TMP/agent1.log"
check "agent 2 with a wrong CA: TLS refused (status: last error)" \
	wait_for 40 last_error 2 "TLS to etcd.*certificate"
check "agent 2 has no table" bash -c "! $(declare -f na srv up); NA=$NA T=$T; na 2 status | grep -q 'loaded, serial'"
printf 'repo = etcds://%s/netlord\nrepo_ca = %s\n' "$EP" "$C/ca.pem" >"$TMP/na2.conf"
kill -HUP "${AGENT_PID[2]}"
check "agent 2 without a client certificate: the member refuses it" \
	wait_for 40 bash -c "$(declare -f na srv up); NA=$NA T=$T;
		na 2 status | grep -iE 'last error: .*TLS to etcd.*(certificate required|no client certificate)'"
check "agent 2 still has no table" bash -c "! $(declare -f na srv up); NA=$NA T=$T; na 2 status | grep -q 'loaded, serial'"
printf 'repo = etcds://%s/netlord\nrepo_ca = %s\nrepo_cert = %s\nrepo_key = %s\n' \
	"$EP" "$C/ca.pem" "$C/client.pem" "$C/client.key" >"$TMP/na2.conf"
kill -HUP "${AGENT_PID[2]}"
check "SIGHUP with the right CA and a client certificate: agent 2 loads serial 1" \
	wait_for 40 has_serial 2 1
check "publish serial 2 over TLS" pub 2 --etcd "etcds://$EP" "${TLSOPTS[@]}"
check "agents 1 and 2 follow the watch over TLS to serial 2" \
	wait_for 40 bash -c "$(declare -f na srv up has_serial); NA=$NA T=$T;
		has_serial 1 2 && has_serial 2 2"
check "agent 1 learnt serial 2 from its watch" grep -q "watch announced serial 2" "$TMP/agent1.log"

# ---- an agent refuses to start with unusable TLS settings -------------------------------------
attach3() { timeout 30 nsenter --net=/var/run/netns/"$(srv 3)" "$NA" attach "$(up 3)" \
	--key-file "$TMP/nlarp.key" "$@"; }
refused "attach: TLS files with a plain etcd:// repository are refused" \
	"plain http.*TLS asked" attach3 --repo "etcd://$EP/netlord" --repo-ca "$C/ca.pem"
refused "attach: a missing client certificate file is named" \
	"client certificate '$C/nope.pem': No such file" attach3 --repo "etcds://$EP/netlord" \
	--repo-ca "$C/ca.pem" --repo-cert "$C/nope.pem"
refused "attach: a key that does not match the certificate is named" "does not match" \
	attach3 --repo "etcds://$EP/netlord" --repo-ca "$C/ca.pem" --repo-cert "$C/client.pem" \
	--repo-key "$C/stranger.key"
check "the agents stayed up throughout" bash -c \
	"kill -0 ${AGENT_PID[1]} && kill -0 ${AGENT_PID[2]}"

echo "repo-etcd-tls: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
