#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The libvirt QEMU hook (scripts/libvirt/qemu, docs/libvirt.md) driven the
# way libvirt documents it (https://libvirt.org/hooks.html: "qemu <domain>
# <operation> <sub-operation> <extra>", the domain XML on stdin), with a
# stand-in na-loader (fake-na-loader) that records its arguments and
# answers with a chosen exit code.  Every operation; bad XML and bad
# metadata (a clear error, the start refused); no metadata (nothing done);
# the agent refusing (start fails) or absent (start goes on, unless strict);
# the incoming-migration marker (migrate -> start -> started); restore's
# and migrate's output (empty: the XML unchanged).  No root needed.
# Prints "libvirt-hook: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init libvirt-hook --need-pass
HOOK=$repo/scripts/libvirt/qemu
TMP=$(mktemp -d /tmp/nl-hook.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
command -v python3 >/dev/null || { bad "python3 installed"; finish; }

F=$TMP/fake
mkdir -p "$F"
cp "$here/fake-na-loader" "$F/na-loader"
cat >"$TMP/hook.conf" <<EOF
# test configuration (docs/libvirt.md)
na_loader = $F/na-loader
timeout = 5
log_file = $TMP/hook.log
state_dir = $TMP/state
EOF
export NETLORD_HOOK_CONF=$TMP/hook.conf

# a domain as libvirt hands it to the hook: two NetLord taps, one other NIC
domain() { # metadata-attributes-of-vif-1 [target-dev-of-vif-1]
	cat <<EOF
<domain type='qemu' id='7'>
  <name>vm1</name>
  <uuid>6f1c9d3e-2b41-4d7a-9a55-0f1e2d3c4b5a</uuid>
  <metadata>
    <netlord:vifs xmlns:netlord="https://netlord.example/xmlns/1">
      <netlord:vif $1/>
      <netlord:vif mac="52:54:00:00:00:02" tenant="200" mac_as="1"/>
    </netlord:vifs>
  </metadata>
  <memory unit='KiB'>131072</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='ethernet'>
      <mac address='52:54:00:00:00:01'/>
      ${2:+<target dev='$2'/>}
      <model type='virtio'/>
    </interface>
    <interface type='ethernet'>
      <mac address='52:54:00:00:00:02'/>
      <target dev='nlvm1b'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:00:00:03'/>
      <source network='default'/>
      <target dev='vnet9'/>
    </interface>
  </devices>
</domain>
EOF
}
GOOD='mac="52:54:00:00:00:01" tenant="100" mac_as="1" ip="192.168.1.1/24" router="192.168.1.254"'
GOOD6="$GOOD ip6=\"fd00:1::1/64 fd00:2::1/64\" router6=\"fd00:1::fe\""
NOMETA="<domain type='qemu'><name>plain</name><devices><interface type='ethernet'><mac address='52:54:00:00:00:09'/><target dev='tap9'/></interface></devices></domain>"

# hook <xml> <op> <subop>: exit code in $rc, stdout in $TMP/out, stderr in $TMP/err
hook() {
	: >"$F/calls"
	printf '%s' "$1" | "$HOOK" vm1 "$2" "$3" - >"$TMP/out" 2>"$TMP/err"
	rc=$?
}
calls() { cat "$F/calls"; }
agent_rc() { echo "$1" >"$F/rc"; echo "${2:-}" >"$F/msg"; }
features() { echo "$*" >"$F/features"; }
agent_rc 0
features ""

# ---- usage, no metadata, bad XML, bad metadata -------------------------------------------------
"$HOOK" >/dev/null 2>"$TMP/err"
check "no arguments: usage on stderr, exit 2" test $? -eq 2 -a -s "$TMP/err"
for op in "prepare begin" "start begin" "started begin" "stopped end" "release end" \
	"migrate begin" "restore begin" "reconnect begin" "attach begin"; do
	hook "$NOMETA" $op
	check "no NetLord metadata, $op: exit 0, na-loader not called, no output" \
		test "$rc" -eq 0 -a ! -s "$F/calls" -a ! -s "$TMP/out"
done
for op in "prepare begin" "start begin" "migrate begin" "restore begin"; do
	hook "<domain><name>x</name><devices>" $op
	check "bad XML, $op: exit 1 (the start/migration/restore refused)" test "$rc" -eq 1
	check "bad XML, $op: says the XML is not well-formed" grep -q "not well-formed" "$TMP/err"
done
for op in "started begin" "stopped end" "release end" "reconnect begin" "attach begin"; do
	hook "<domain" $op
	check "bad XML, $op: logged, exit 0 (never fails a running domain)" \
		test "$rc" -eq 0 -a -s "$TMP/err"
done
hook "<network><name>x</name></network>" prepare begin
check "not a domain XML: refused with the root element named" \
	bash -c "[ $rc -eq 1 ] && grep -q 'root element <network>' $TMP/err"
bad_meta() { # description attributes message
	hook "$(domain "$2" nlvm1a)" prepare begin
	check "bad metadata ($1): prepare exit 1" test "$rc" -eq 1
	check "bad metadata ($1): message names it" grep -q -- "$3" "$TMP/err"
}
bad_meta "no tenant" 'mac="52:54:00:00:00:01" mac_as="1"' "tenant must be a number"
bad_meta "tenant not a number" 'mac="52:54:00:00:00:01" tenant="abc" mac_as="1"' "tenant must be a number"
bad_meta "unknown attribute" "$GOOD colour=\"blue\"" "unknown attribute(s) colour"
bad_meta "MAC of no interface" 'mac="52:54:00:00:00:77" tenant="100" mac_as="1"' "0 <interface> elements match"
bad_meta "bad MAC" 'mac="52:54:00:00:01" tenant="100" mac_as="1"' "is not xx:xx"
bad_meta "router without ip" 'mac="52:54:00:00:00:01" tenant="100" mac_as="1" router="1.2.3.4"' "router needs ip"
bad_meta "not a tap" 'mac="52:54:00:00:00:03" tenant="100" mac_as="1"' "type 'network'"
hook "$(domain "$GOOD" nlvm1a)" prepare begin
check "prepare with good metadata: exit 0, na-loader not called (no tap yet)" \
	test "$rc" -eq 0 -a ! -s "$F/calls"

# ---- start, started, stopped, release ------------------------------------------------------------
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start: exit 0" test "$rc" -eq 0
check "start: vif add of the first tap with tenant, MAC space, MAC, IP and router" \
	grep -qx "vif add nlvm1a --tenant 100 --mac-as 1 --mac 52:54:00:00:00:01 --ip 192.168.1.1/24 --router 192.168.1.254" "$F/calls"
check "start: vif add of the second tap (L2 only)" \
	grep -qx "vif add nlvm1b --tenant 200 --mac-as 1 --mac 52:54:00:00:00:02" "$F/calls"
check "start: the interface without NetLord metadata is left alone" test "$(calls | wc -l)" -eq 2
hook "$(domain "$GOOD" "")" start begin
check "start, a tap libvirt did not name: start refused" bash -c \
	"[ $rc -eq 1 ] && grep -q 'libvirt named no tap' $TMP/err"
hook "$(domain "$GOOD6" nlvm1a)" start begin
check "start with ip6 but a na-loader without --ip6: refused with the reason" bash -c \
	"[ $rc -eq 1 ] && grep -q 'no vif add --ip6' $TMP/err"
features "--ip6 A6/len --router6 R6 --incoming-migration"
hook "$(domain "$GOOD6" nlvm1a)" start begin
check "start with ip6: --ip6 per address and --router6" \
	grep -q -- "--ip6 fd00:1::1/64 --ip6 fd00:2::1/64 --router6 fd00:1::fe" "$F/calls"
hook "$(domain "$GOOD" nlvm1a)" started begin
check "started: vif add again (idempotent), exit 0" \
	bash -c "[ $rc -eq 0 ] && [ \$(grep -c '^vif add' $F/calls) -eq 2 ]"
hook "$(domain "$GOOD" nlvm1a)" stopped end
check "stopped: vif del of both taps, exit 0" \
	bash -c "[ $rc -eq 0 ] && grep -qx 'vif del nlvm1a' $F/calls && grep -qx 'vif del nlvm1b' $F/calls"
agent_rc 4 "na-loader vif: nlvm1a is not a VIF of this agent (see \`na-loader vif list\`)"
hook "$(domain "$GOOD" nlvm1a)" release end
check "release after stopped (taps no longer VIFs): exit 0, nothing logged" \
	test "$rc" -eq 0 -a ! -s "$TMP/err"
agent_rc 3 "na-loader: no agent is running for eth0"
hook "$(domain "$GOOD" nlvm1a)" stopped end
check "stopped with no agent: logged, exit 0" test "$rc" -eq 0 -a -s "$TMP/err"

# ---- the agent refusing, absent or silent ----------------------------------------------------------
agent_rc 4 "na-loader vif: tenant 100 MAC_AS 1 MAC 52:54:00:00:00:01 is already hosted here on tapX"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start, the agent refuses: exit 1 (the domain does not start)" test "$rc" -eq 1
check "start, the agent refuses: its message passed on" grep -q "already hosted here" "$TMP/err"
for op in "started begin" "reconnect begin" "attach begin"; do
	hook "$(domain "$GOOD" nlvm1a)" $op
	check "$op, the agent refuses: logged, exit 0" test "$rc" -eq 0 -a -s "$TMP/err"
done
agent_rc 3 "na-loader: no agent is running for eth0"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start, no agent (strict = no): exit 0, logged as unavailable" \
	bash -c "[ $rc -eq 0 ] && grep -q 'agent unavailable' $TMP/err"
echo "strict = yes" >>"$TMP/hook.conf"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start, no agent (strict = yes): exit 1" test "$rc" -eq 1
hook "$(domain "$GOOD" nlvm1a)" reconnect begin
check "reconnect, no agent (strict = yes): still exit 0 (a failure would kill the guest)" test "$rc" -eq 0
sed -i '/^strict/d' "$TMP/hook.conf"
cat >"$F/slow" <<EOF
#!/usr/bin/env bash
[ "\$1 \$2" = "vif --help" ] && exit 0
sleep 30
EOF
chmod +x "$F/slow"
sed -i "s|^na_loader = .*|na_loader = $F/slow|" "$TMP/hook.conf"
sed -i "s|^timeout = .*|timeout = 1|" "$TMP/hook.conf"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start, an agent that does not answer: bounded by timeout, exit 0" \
	bash -c "[ $rc -eq 0 ] && grep -q 'no answer within 1 s' $TMP/err"
sed -i "s|^na_loader = .*|na_loader = $F/na-loader|;s|^timeout = .*|timeout = 5|" "$TMP/hook.conf"
echo "colour = blue" >>"$TMP/hook.conf"
hook "$(domain "$GOOD" nlvm1a)" prepare begin
check "a bad configuration file: prepare refused, the line named" \
	bash -c "[ $rc -eq 1 ] && grep -q 'line [0-9]*: unknown setting .colour.' $TMP/err"
sed -i '/^colour/d' "$TMP/hook.conf"
agent_rc 0

# ---- migration (incoming side), restore, reconnect, attach ---------------------------------------------
hook "$(domain "$GOOD" nlvm1a)" migrate begin
check "migrate begin: exit 0, no output (the XML unchanged), na-loader not called" \
	test "$rc" -eq 0 -a ! -s "$TMP/out" -a ! -s "$F/calls"
check "migrate begin: the incoming migration is recorded" test -e "$TMP/state/vm1.incoming"
hook "$(domain "$GOOD" nlvm1a)" prepare begin
hook "$(domain "$GOOD" nlvm1a)" start begin
check "start after migrate: vif add --incoming-migration (no HERE until the guest runs)" \
	bash -c "[ $rc -eq 0 ] && [ \$(grep -c -- '--incoming-migration' $F/calls) -eq 2 ]"
hook "$(domain "$GOOD" nlvm1a)" started begin
check "started after migrate: still --incoming-migration (libvirt calls it before the copy)" \
	bash -c "[ \$(grep -c -- '--incoming-migration' $F/calls) -eq 2 ]"
check "started: the incoming marker consumed" test ! -e "$TMP/state/vm1.incoming"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "a later start: no --incoming-migration" bash -c "! grep -q -- '--incoming-migration' $F/calls"
features "--ip6 A6/len --router6 R6"
hook "$(domain "$GOOD" nlvm1a)" migrate begin
hook "$(domain "$GOOD" nlvm1a)" start begin
check "migration with a na-loader without --incoming-migration: plain vif add, said so" \
	bash -c "[ $rc -eq 0 ] && ! grep -q -- '--incoming-migration' $F/calls && grep -q 'announced at once' $TMP/err"
hook "$(domain "$GOOD" nlvm1a)" release end
check "release clears a pending incoming marker" test ! -e "$TMP/state/vm1.incoming"
hook "$(domain "$GOOD" nlvm1a)" restore begin
check "restore begin: exit 0, no output, na-loader not called" \
	test "$rc" -eq 0 -a ! -s "$TMP/out" -a ! -s "$F/calls"
for op in "reconnect begin" "attach begin"; do
	hook "$(domain "$GOOD" nlvm1a)" $op
	check "$op: vif add of both taps, exit 0" \
		bash -c "[ $rc -eq 0 ] && [ \$(grep -c '^vif add' $F/calls) -eq 2 ]"
done
hook "$(domain "$GOOD" nlvm1a)" shutdown begin
check "an operation NetLord has nothing to do for: exit 0, nothing called" \
	test "$rc" -eq 0 -a ! -s "$F/calls"
sed -i "s|^timeout = .*|timeout = 5\nuplink = eth7|" "$TMP/hook.conf"
hook "$(domain "$GOOD" nlvm1a)" start begin
check "uplink = eth7 in the configuration: -i eth7 on every call" \
	bash -c "[ \$(grep -c -- '-i eth7\$' $F/calls) -eq 2 ]"
check "the log file has the operations" grep -q "vm1 start: vif add nlvm1a tenant 100" "$TMP/hook.log"

finish
