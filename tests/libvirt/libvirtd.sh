#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# NetLord under a real libvirtd (Debian's libvirt-daemon-system, virsh):
# two servers behind one emulated edge switch (tests/lib/netns-world.sh,
# real lldpd, one agent each), and on each server a private libvirtd run by
# hand in the server's network namespace and in a mount namespace of its
# own (its /etc/libvirt with the NetLord hook scripts/libvirt/qemu
# installed as hooks/qemu, /run/libvirt, /var/lib/libvirt, ... bind-mounted
# from the test's scratch directory; /etc/netlord holds the hook's
# configuration), with security_driver "none" and no cgroups.  A TCG domain
# (Debian's 6.1 kernel with the initramfs of tests/libvirt/mkguest.sh) with
# <interface type='ethernet'> and the NetLord <metadata> of docs/libvirt.md:
#   - virsh start: the hook registered the tap (no manual vif add), the
#     agent persisted it, a namespace VM on the other server pings the guest;
#   - virsh migrate --live to the other libvirtd (a management veth between
#     the two servers carries QEMU's migration stream): the VIF is added at
#     the destination and deleted at the source, and a namespace VM on the
#     source server pings the guest on its new server;
#   - the agent detached and attached again (a simulated reboot of the
#     agent): the tap comes back from its persisted record, pings again;
#   - libvirtd restarted: its reconnect hook adds the VIF (idempotent);
#   - virsh destroy: the VIF and its record are gone.
# Needs root, qemu-system-x86_64, libvirtd, virsh, python3, the kernel VM's
# kernel (scripts/vm/prepare.sh).  Prints "libvirt-libvirtd: N passed, M failed".
set -u
# shellcheck source=SCRIPTDIR/../lib/netns-world.sh
. "$(dirname "$0")/../lib/netns-world.sh"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tc_init libvirt-libvirtd --need-pass

NA=${NA_LOADER:-$repo/build/na-loader}
T=$(printf '%04x' $((RANDOM % 65536)))
SW=nlvw$T
SWMAC=02:5f:${T:0:2}:${T:2:2}:00:01
TMP=$(mktemp -d /tmp/na-libvirt.XXXXXX)
chmod 755 "$TMP"
export NETLORD_STATE_DIR=$TMP/state
DOM=nlvm$T
TAP=nlt$T # the tap libvirt creates (<target dev>), the same name on both servers
GMAC=52:54:00:dd:00:01
declare -A AGENT_PID LV_PID

srv() { echo "nlvs$T$1"; }
up() { echo "nlu$T$1"; }
vm() { echo "nlvv$T$1"; }
vif() { echo "nlf$T$1"; }
na() { # server, args...
	local s=$1
	shift
	timeout 10 nsenter --net=/var/run/netns/"$(srv "$s")" "$NA" "$@" -i "$(up "$s")"
}
virsh_() { # server, args...
	local s=$1
	shift
	timeout 120 virsh -q -c "qemu:///system?socket=$TMP/lv$s/run/libvirt-sock" "$@"
}

cleanup() {
	set +e
	for s in 1 2; do
		[ -S "$TMP/lv$s/run/libvirt-sock" ] && virsh_ "$s" destroy "$DOM" >/dev/null 2>&1
		[ -n "${LV_PID[$s]:-}" ] && kill "${LV_PID[$s]}" 2>/dev/null
	done
	nw_stop_world "^nlv(w|s|v)$T" 1 2
	nw_show_logs 40 "$TMP"/*.log "$TMP"/lv*/libvirtd.log
	rm -rf "$TMP"
}
trap cleanup EXIT

nw_require libvirt-libvirtd lldpd lldpcli ping nsenter unshare libvirtd virsh python3 \
	qemu-system-x86_64 cpio
"$here/mkguest.sh" "$TMP/guest" >"$TMP/mkguest.log" 2>&1 || nw_abort libvirt-libvirtd "guest kernel and initramfs (tests/libvirt/mkguest.sh)"

# ---- two servers behind one switch, an agent each, a namespace VM each ----------------------
nw_switch "$SW" "$SWMAC"
for p in 1 2; do nw_port "$SW" "$SWMAC" $p "$(srv $p)" "$(up $p)" "swp$p$T"; done
nw_switch_route "$SW" 2
nw_vlan_table "$TMP/vlan-table.txt" "$SWMAC" 1
nw_key_file "$TMP/nlarp.key"
nw_lldpd "$SW" swp1,swp2 "netlord libvirt test switch" || nw_abort libvirt-libvirtd "lldpd"
ready() { na "$1" status 2>/dev/null | grep -q 'state: *ready'; }
for s in 1 2; do
	nw_start_agent "$(srv $s)" "$(up $s)" $s --repo "$TMP/vlan-table.txt" \
		--key-file "$TMP/nlarp.key" -v
	wait_for 30 ready $s || nw_abort libvirt-libvirtd "agent $s not ready"
done
for s in 1 2; do
	nw_vm "$(vm $s)" "$(vif $s)" "$(srv $s)" "52:54:00:dd:01:0$s" "192.168.5.1$s/24" 1466 off
	check "namespace VM on server $s: vif add" na $s vif add "$(vif $s)" --tenant 300 \
		--mac-as 1 --mac "52:54:00:dd:01:0$s" --ip "192.168.5.1$s/24"
done
# the management network between the servers: QEMU's migration stream
ip link add "mg$T" type veth peer name "mh$T"
ip link set "mg$T" netns "$(srv 1)"
ip link set "mh$T" netns "$(srv 2)"
inns "$(srv 1)" ip addr add 192.0.2.1/24 dev "mg$T"
inns "$(srv 2)" ip addr add 192.0.2.2/24 dev "mh$T"
inns "$(srv 1)" ip link set "mg$T" up
inns "$(srv 2)" ip link set "mh$T" up

# ---- a private libvirtd per server -------------------------------------------------------------
lv_start() { # server
	local s=$1 d=$TMP/lv$1
	mkdir -p "$d"/{etc,run,lib,cache,log,netlord} /run/libvirt
	cp -a /etc/libvirt/. "$d/etc/"
	rm -rf "$d/etc/qemu/networks/autostart" "$d/etc/hooks"
	cat >"$d/etc/qemu.conf" <<EOF
# tests/libvirt/libvirtd.sh: root, no confinement, no cgroups, logs in files
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
stdio_handler = "file"
namespaces = [ ]
cgroup_controllers = [ ]
EOF
	cat >"$d/etc/libvirtd.conf" <<EOF
host_uuid = "6f1c9d3e-2b41-4d7a-9a55-0f1e2d3c4b0$s"
auth_unix_rw = "none"
log_outputs = "3:file:$d/libvirtd.log"
EOF
	# the hook as `make install` puts it, with its configuration
	install -D -m 0755 "$repo/scripts/libvirt/qemu" "$d/etc/hooks/qemu"
	cat >"$d/netlord/libvirt-hook.conf" <<EOF
na_loader = $NA
uplink = $(up "$s")
log_file = $TMP/hook$s.log
state_dir = $d/run/netlord-hook
EOF
	nsenter --net=/var/run/netns/"$(srv "$s")" unshare -m --propagation private sh -c "
		mount --bind $d/etc /etc/libvirt && mount --bind $d/run /run/libvirt &&
		mount --bind $d/lib /var/lib/libvirt && mount --bind $d/cache /var/cache/libvirt &&
		mount --bind $d/log /var/log/libvirt && mount --bind $d/netlord /etc/netlord &&
		exec libvirtd --pid-file $d/libvirtd.pid" >"$d/out.log" 2>&1 &
	LV_PID[$s]=$!
	wait_for 20 virsh_ "$s" version
}
for s in 1 2; do
	if lv_start $s; then
		ok "libvirtd $s runs (private config, server $s's network namespace)"
	else
		bad "libvirtd $s runs" "$(tail -n 5 "$TMP/lv$s/out.log" | tr '\n' ' ')"
		finish
	fi
done

# ---- the domain of docs/libvirt.md ---------------------------------------------------------------
cat >"$TMP/$DOM.xml" <<EOF
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <metadata>
    <netlord:vifs xmlns:netlord="https://netlord.example/xmlns/1">
      <netlord:vif mac="$GMAC" tenant="300" mac_as="1" ip="192.168.5.2/24"/>
    </netlord:vifs>
  </metadata>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$TMP/guest/vmlinuz</kernel>
    <initrd>$TMP/guest/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet nlip=192.168.5.2/24 nlmtu=1466</cmdline>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='ethernet'>
      <mac address='$GMAC'/>
      <target dev='$TAP' managed='yes'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'><source path='$TMP/console.log' append='on'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
check "virsh define" virsh_ 1 define "$TMP/$DOM.xml"
check "virsh start (TCG)" virsh_ 1 start "$DOM"
listed() { na "$1" vif list | grep -q "^$TAP "; }
check "the hook registered the tap on server 1 (no manual vif add)" wait_for 20 listed 1
check "the hook logged its vif add" grep -q "$DOM start: vif add $TAP tenant 300 mac $GMAC: ok" "$TMP/hook1.log"
check "the agent persisted the tap's definition" test -f "$NETLORD_STATE_DIR/$(up 1).vifs/$TAP.vif"
booted() { grep -q "netlord-guest: eth0 192.168.5.2/24 up" "$TMP/console.log"; }
check "the guest booted and configured eth0" wait_for 180 booted
pings() { inns "$(vm "$1")" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }
check "namespace VM on server 2 -> guest on server 1 (through the tap)" wait_for 60 pings 2 192.168.5.2

# ---- live migration to the other libvirtd ----------------------------------------------------------
if virsh_ 1 migrate --live "$DOM" "qemu:///system?socket=$TMP/lv2/run/libvirt-sock" \
	--migrateuri tcp://192.0.2.2:49152 >"$TMP/migrate.log" 2>&1; then
	ok "virsh migrate --live to libvirtd 2"
	check "destination: the hook added the tap on server 2" wait_for 20 listed 2
	gone1() { ! listed 1; }
	check "source: the hook deleted the tap on server 1" wait_for 20 gone1
	check "source: its record removed" test ! -e "$NETLORD_STATE_DIR/$(up 1).vifs/$TAP.vif"
	check "destination: the migrate hook ran (incoming side)" grep -q "$DOM migrate: incoming migration" "$TMP/hook2.log"
	check "destination: vif add at start, before the source's vif del" \
		grep -q "$DOM start: vif add $TAP" "$TMP/hook2.log"
	if "$NA" vif --help 2>&1 | grep -q -- --incoming-migration; then
		check "destination: vif add --incoming-migration (announced when the guest resumes)" \
			grep -q "$DOM start: vif add $TAP .*(incoming): ok" "$TMP/hook2.log"
	else
		echo "NOTE: this na-loader has no --incoming-migration: the destination is announced at start (not counted)"
	fi
	check "namespace VM on server 1 -> guest, now on server 2" wait_for 60 pings 1 192.168.5.2
	DST=2
else
	bad "virsh migrate --live to libvirtd 2" "$(tr '\n' ' ' <"$TMP/migrate.log")"
	DST=1
fi

# ---- the agent detached and attached again under the running guest (a simulated reboot) ----------
O=$((3 - DST)) # the other server
nw_detach "$(srv $DST)" "$(up $DST)"
wait "${AGENT_PID[$DST]}" 2>/dev/null
nw_start_agent "$(srv $DST)" "$(up $DST)" $DST --repo "$TMP/vlan-table.txt" \
	--key-file "$TMP/nlarp.key" -v
check "agent $DST attached again after detach" wait_for 30 ready $DST
check "the guest's tap restored from its persisted record" wait_for 10 listed $DST
check "namespace VM on server $O -> guest after the agent's detach + attach" wait_for 60 pings $O 192.168.5.2

# ---- libvirtd restarted: its reconnect hook adds the VIF again (idempotent) -------------------------
kill "${LV_PID[$DST]}"
wait "${LV_PID[$DST]}" 2>/dev/null
check "libvirtd $DST restarted" lv_start $DST
reconnected() { grep -q "$DOM reconnect: vif add $TAP tenant 300 mac $GMAC: ok" "$TMP/hook$DST.log"; }
check "reconnect hook: vif add of the running guest's tap" wait_for 20 reconnected
check "namespace VM on server $O -> guest after libvirtd's restart" wait_for 30 pings $O 192.168.5.2

# ---- destroy ---------------------------------------------------------------------------------------
check "virsh destroy" virsh_ $DST destroy "$DOM"
gone() { ! listed $DST; }
check "after destroy: the tap is no longer a VIF" wait_for 20 gone
check "after destroy: no record left" test ! -e "$NETLORD_STATE_DIR/$(up $DST).vifs/$TAP.vif"
check "the hook's log shows release" grep -q "$DOM stopped: vif del $TAP: ok" "$TMP/hook$DST.log"

finish
