# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# QEMU guests on tap VIFs (issue 12; the VMs of patent [0019]-[0026] and their
# live migration, [0034]-[0035]), sourced by tests/guest/*.sh and the demo:
# a tap in a hypervisor's network namespace, a tiny guest (QEMU, TCG or KVM,
# the initramfs of scripts/guest/build-initramfs.sh as its root) on it, its
# control serial port and QMP socket, and QEMU's own live migration.
#
# The sourcing script sets GDIR (a scratch directory for sockets and logs)
# and may set GUEST_MEM (default 128M) and GUEST_NICE (QEMU's nice value,
# default 0).  Guests are named; a guest's files
# are $GDIR/<name>.{console,ctl,qmp,log,pid}.

GUEST_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST_BUILD=${NETLORD_GUEST_DIR:-$(cd "$GUEST_LIB_DIR/../.." && pwd)/build/guest}
GUEST_MEM=${GUEST_MEM:-128M}
GCTL=$GUEST_LIB_DIR/gctl.py

# the kernel and initramfs (idempotent)
guest_prepare() {
	"$GUEST_LIB_DIR/build-initramfs.sh" --quiet
}

# KVM only where a guest really runs on it (scripts/vm/run.sh probes and
# caches the answer per boot); TCG otherwise
guest_accel() {
	local cache=/run/netlord-vm-kvm-probe
	if [ "${NETLORD_VM_KVM:-auto}" != 0 ] && [ -f "$cache" ] &&
		[ "$(head -n 1 "$cache")" = "$(cat /proc/sys/kernel/random/boot_id)" ] &&
		[ "$(sed -n 2p "$cache")" = yes ]; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg -cpu max"
	fi
}

# a tap in a namespace, up, without host IPv6 chatter (persistent: QEMU
# attaches to it by name, as libvirt's <interface type='ethernet'> does)
guest_tap() { # namespace tap
	ip netns exec "$1" ip tuntap add dev "$2" mode tap vnet_hdr || return 1
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip netns exec "$1" ip link set "$2" up
}

# virtio-net properties: "on" = QEMU's defaults (checksum and segmentation
# offloads both ways), "off" = no offload negotiated at all
guest_nic_props() { # on|off
	if [ "$1" = off ]; then
		echo ",csum=off,guest_csum=off,gso=off,host_tso4=off,host_tso6=off,host_ecn=off,host_ufo=off,guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off"
	fi
}

# Starts a guest in the background: QEMU in the namespace, its NIC on the tap.
# GUEST_INCOMING=URI makes it a migration destination (it does not boot: it
# waits for the source's state).  Extra kernel arguments: GUEST_APPEND.
guest_start() { # name namespace tap mac nic-offload(on|off) [instance]
	local name=$1 ns=$2 tap=$3 mac=$4 off=$5 inst=${6:-$1} incoming=()
	[ -n "${GUEST_INCOMING:-}" ] && incoming=(-incoming "$GUEST_INCOMING")
	rm -f "$GDIR/$inst.ctl" "$GDIR/$inst.qmp"
	# shellcheck disable=SC2046
	ip netns exec "$ns" nice -n "${GUEST_NICE:-0}" qemu-system-x86_64 $(guest_accel) -m "$GUEST_MEM" -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$GUEST_BUILD/vmlinuz" -initrd "$GUEST_BUILD/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 mitigations=off ng.name=$name ${GUEST_APPEND:-}" \
		-serial "file:$GDIR/$inst.console" \
		-serial "unix:$GDIR/$inst.ctl,server=on,wait=off" \
		-qmp "unix:$GDIR/$inst.qmp,server=on,wait=off" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no,vhost=off" \
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=$(guest_nic_props "$off")" \
		"${incoming[@]}" >"$GDIR/$inst.log" 2>&1 &
	echo $! >"$GDIR/$inst.pid"
}

# waits until the guest's /init has configured eth0 and serves commands
guest_wait_ready() { # instance seconds
	local t=$(($2 * 5))
	while [ $t -gt 0 ]; do
		grep -q "@@GUEST-READY" "$GDIR/$1.console" 2>/dev/null &&
			guest_exec "$1" 20 true >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$GDIR/$1.pid")" 2>/dev/null || return 1
		sleep 0.2
		t=$((t - 1))
	done
	return 1
}

# a shell command in the guest; its output and status
guest_exec() { # instance timeout command...
	local inst=$1 to=$2
	shift 2
	python3 "$GCTL" exec "$GDIR/$inst.ctl" --timeout "$to" -- "$@"
}

guest_qmp() { # instance command [json-args]
	local inst=$1
	shift
	python3 "$GCTL" qmp "$GDIR/$inst.qmp" "$@"
}

# QEMU's own live migration from one instance to another (started with
# GUEST_INCOMING=unix:<sock>); prints gctl.py's JSON result
guest_migrate() { # source-instance destination-instance uri
	python3 "$GCTL" migrate "$GDIR/$1.qmp" "$GDIR/$2.qmp" "$3" --timeout 180
}

guest_stop() { # instance
	local pid
	pid=$(cat "$GDIR/$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	true
}
