#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Two `na-repo publish --etcd` at once (patent [0012]; docs/repository.md
# "Two publishers at once"): exactly one commits, the other fails cleanly
# and leaves nothing behind, and what agents read is always one publisher's
# table, never a mix.  The interleavings are forced, not timed: both
# publishers talk to etcd through tests/repo/hold_proxy.py, which holds each
# commit transaction (the one that puts <prefix>/current) until the test
# releases it.  One etcd member in a private network namespace.
#
#   A  serials 10 and 11, one transaction each: both read current, 11
#      commits first, 10's commit finds current changed -> refused;
#   B  serials 20 and 21, a fat tree k=16 (128 rows: a batch, then the
#      commit): 21 commits first; 20 is refused and its batch of rows is
#      removed again;
#   C  the same serial 30 with different contents (k=16 compiled with 4 and
#      with 2 paths): publisher b writes its first batch, publisher a writes
#      its first batch over it, then b's commit is released first: b must
#      not commit a's rows under its meta; exactly one commits and every row
#      of serial 30 in etcd is that publisher's.
# After each: <prefix>/current, every row compared byte for byte with the
# winner's compiled rows, and the agents' own repository client
# (build/bench/bootstorm: nl_repo_fetch) loading every switch's row.
#
# Needs root, etcd, etcdctl, python3.  Prints "repo-etcd-concurrent: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/counters.sh
. "$here/../lib/counters.sh"
tc_init repo-etcd-concurrent --need-pass

NA=${NA_LOADER:-$(cd "$here/../.." && pwd)/build/na-loader}
NAREPO=${NA_REPO:-$(dirname "$NA")/na-repo}
STORM=${BOOTSTORM:-$(dirname "$NA")/bench/bootstorm}
T=$(printf '%04x' $((RANDOM % 65536)))
NS=nlpc$T
TMP=$(mktemp -d /tmp/na-etcdpc.XXXXXX)
CTL=$TMP/ctl
ETCD_PID=
PROXY_PID=
EP=http://127.0.0.1:2379
PX=127.0.0.1:2390

inns() { ip netns exec "$NS" "$@"; }
ctl() { inns env ETCDCTL_API=3 etcdctl --endpoints="$EP" --dial-timeout=3s "$@"; }
cleanup() {
	set +e
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null
	[ -n "$ETCD_PID" ] && kill -9 "$ETCD_PID" 2>/dev/null
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	if [ "$FAIL" -ne 0 ] || [ -n "${KEEP_LOGS:-}" ]; then
		for f in "$TMP"/*.log; do echo "----- $f" && tail -n 20 "$f"; done
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
wait_for() { # seconds, command...
	local t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}
for c in etcd etcdctl python3; do
	command -v $c >/dev/null || { bad "setup" "$c not installed" && finish; }
done
for b in "$NAREPO" "$STORM"; do [ -x "$b" ] || { bad "setup" "$b not built" && finish; }; done

ip netns add "$NS"
inns ip link set lo up
inns etcd --name m1 --data-dir "$TMP/etcd" --listen-client-urls "$EP" --advertise-client-urls "$EP" \
	--listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
	--initial-cluster m1=http://127.0.0.1:2380 >"$TMP/etcd.log" 2>&1 &
ETCD_PID=$!
check "etcd: one member healthy" wait_for 30 ctl endpoint health
mkdir "$CTL"
inns python3 "$here/hold_proxy.py" 2390 "$EP" "$CTL" /netlord/current >"$TMP/proxy.log" 2>&1 &
PROXY_PID=$!
check "the holding proxy listens" wait_for 10 test -e "$CTL/listening"

# ---- repositories -------------------------------------------------------------------------------
cat >"$TMP/small.topo" <<EOF
switch a edge mac 02:5c:00:00:00:01
switch b edge mac 02:5c:00:00:00:02
switch c edge mac 02:5c:00:00:00:03
link a:10 b:10
link b:11 c:11
server a:1
server b:1
server c:1
EOF
"$NAREPO" gen fattree 16 >"$TMP/ft16.topo"
mk() { "$NAREPO" compile "$@" >/dev/null; }
mk --serial 1 -o "$TMP/r1" "$TMP/small.topo"
mk --serial 10 -o "$TMP/r10" "$TMP/small.topo"
mk --serial 11 -o "$TMP/r11" "$TMP/small.topo"
mk -k 4 --serial 20 -o "$TMP/r20" "$TMP/ft16.topo"
mk -k 4 --serial 21 -o "$TMP/r21" "$TMP/ft16.topo"
mk -k 4 --serial 30 -o "$TMP/r30a" "$TMP/ft16.topo"
mk -k 2 --serial 30 -o "$TMP/r30b" "$TMP/ft16.topo"
check "test: the two serial-30 repositories differ" bash -c \
	"! diff -rq $TMP/r30a/rows $TMP/r30b/rows >/dev/null"

# (the proxy numbers the held commits 1, 2, ... over the whole run)
# publish NAME SERIAL-DIR through the proxy, in the background: status in $TMP/NAME.rc
pub_bg() {
	(
		inns "$NAREPO" publish --etcd "$PX" --grace 3600 --timeout-ms 120000 "$2" \
			>"$TMP/$1.log" 2>&1
		echo $? >"$TMP/$1.rc"
	) &
}
rc_of() { cat "$TMP/$1.rc" 2>/dev/null; }
done_all() { for n in "$@"; do [ -s "$TMP/$n.rc" ] || return 1; done; }
release() { touch "$CTL/release.$1"; }
serial_key() { printf '/netlord/serials/%020d' "$1"; }
current_is() { [ "$(ctl get /netlord/current --print-value-only)" = "{\"serial\":\"$1\"}" ]; }
# every row of SERIAL in etcd is the file of DIR/rows, and there is no other
rows_are() { # serial dir
	local k n=0 mac
	k=$(serial_key "$1")/rows/
	for f in "$2"/rows/*; do
		mac=$(basename "$f")
		cmp -s "$f" <(ctl get "$k$mac" --print-value-only | head -c "$(stat -c %s "$f")") ||
			{ echo "row $mac differs" && return 1; }
		n=$((n + 1))
	done
	[ "$(ctl get --prefix "$k" --keys-only | grep -c .)" -eq "$n" ]
}
no_keys_of() { [ -z "$(ctl get --prefix "$(serial_key "$1")/" --keys-only)" ]; }
# the agents' repository client loads every switch's row of the serial in force
agents_load() { # dir
	inns "$STORM" --repo "etcd://127.0.0.1:2379/netlord" --macs "$1/rows" --clients 8 \
		--deadline-ms 30000 >"$TMP/storm.log" 2>&1
}

check "publish serial 1 (no one else)" inns "$NAREPO" publish --etcd "$PX" "$TMP/r1"

# ---- A: two serials, one transaction each ------------------------------------------------------
touch "$CTL/hold"
pub_bg p10 "$TMP/r10"
check "A: serial 10's commit held at the proxy (10 read current = 1)" wait_for 30 test -e "$CTL/held.1"
pub_bg p11 "$TMP/r11"
check "A: serial 11's commit held too (11 read current = 1)" wait_for 30 test -e "$CTL/held.2"
release 2
check "A: serial 11 ends" wait_for 30 done_all p11
check "A: serial 11 commits" test "$(rc_of p11)" = 0
release 1
check "A: serial 10 ends" wait_for 30 done_all p10
check "A: serial 10 is refused (exit $(rc_of p10)), saying why" bash -c \
	"[ '$(rc_of p10)' != 0 ] && grep -q 'changed while publishing' $TMP/p10.log"
check "A: current names serial 11" current_is 11
check "A: every row of serial 11 is the winner's" rows_are 11 "$TMP/r11"
check "A: nothing of serial 10 left in etcd" no_keys_of 10
check "A: the agents' client loads serial 11's rows" agents_load "$TMP/r11"

# ---- B: two serials, a batch of rows before the commit -----------------------------------------
pub_bg p20 "$TMP/r20"
check "B: serial 20 wrote its first batch, its commit held" wait_for 60 test -e "$CTL/held.3"
check "B: serial 20's first batch is in etcd (invisible: current is 11)" bash -c \
	"$(declare -f ctl inns serial_key); NS=$NS EP=$EP;
	 [ \$(ctl get --prefix \$(serial_key 20)/rows/ --keys-only | grep -c .) -ge 100 ]"
pub_bg p21 "$TMP/r21"
check "B: serial 21's commit held" wait_for 60 test -e "$CTL/held.4"
release 4
check "B: serial 21 ends" wait_for 60 done_all p21
check "B: serial 21 commits" test "$(rc_of p21)" = 0
release 3
check "B: serial 20 ends" wait_for 60 done_all p20
check "B: serial 20 is refused, saying why" bash -c \
	"[ '$(rc_of p20)' != 0 ] && grep -q 'changed while publishing' $TMP/p20.log"
check "B: current names serial 21" current_is 21
check "B: every row of serial 21 is the winner's (128)" rows_are 21 "$TMP/r21"
check "B: the loser's batch of rows was removed again" no_keys_of 20
check "B: the agents' client loads serial 21's rows" agents_load "$TMP/r21"

# ---- C: one serial, two contents, batches interleaved -------------------------------------------
pub_bg p30b "$TMP/r30b"
check "C: publisher b wrote its first batch of serial 30, its commit held" \
	wait_for 60 test -e "$CTL/held.5"
pub_bg p30a "$TMP/r30a"
check "C: publisher a wrote its first batch of serial 30 over it, its commit held" \
	wait_for 60 test -e "$CTL/held.6"
release 5
check "C: publisher b ends" wait_for 60 done_all p30b
release 6
check "C: publisher a ends" wait_for 60 done_all p30a
winner=
[ "$(rc_of p30a)" = 0 ] && winner=a
[ "$(rc_of p30b)" = 0 ] && winner=${winner}b
echo "# C: exit a $(rc_of p30a), b $(rc_of p30b)"
check "C: exactly one publisher commits (${winner:-none})" bash -c "[ '$winner' = a ] || [ '$winner' = b ]"
check "C: the other says why" bash -c \
	"grep -hqE 'another publisher|changed while publishing' $TMP/p30a.log $TMP/p30b.log"
check "C: current names serial 30" current_is 30
check "C: every row of serial 30 is the winner's: no mix" rows_are 30 "$TMP/r30${winner:-x}"
check "C: the agents' client loads serial 30's rows" agents_load "$TMP/r30${winner:-a}"
check "every publisher ended" done_all p10 p11 p20 p21 p30a p30b
check "no owner token left behind (committed or removed)" bash -c \
	"$(declare -f ctl inns); NS=$NS EP=$EP; [ -z \"\$(ctl get --prefix /netlord/owners/ --keys-only)\" ]"
grep -h "another publisher\|removed what" "$TMP"/p*.log | sed 's/^/# /'

finish
