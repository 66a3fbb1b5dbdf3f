#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tests the kernel VM (scripts/vm/): one boot runs tests/vm/guest-checks.sh
# inside it (Debian 6.1 kernel, modprobe 8021q/bridge, a VLAN-aware bridge
# forwarding tagged traffic to an 802.1Q device, fabric-kernel-ok.sh, bpffs +
# bpftool); the host then checks that the command's exit code (7), its stdout
# and stderr, --env and a file written to --out came back.  Two short runs
# check that a VM powered off before reporting an exit code makes run.sh fail
# (125) and that --timeout kills the VM.  Needs root, qemu, ~30 s under TCG.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
run=$repo/scripts/vm/run.sh

# shellcheck source=../lib/counters.sh
. "$repo/tests/lib/counters.sh"
tc_init vm

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
mkdir -p "$out"
export VMTEST_OUT=$out
export VMTEST_TOKEN="token-$$-$RANDOM-with space"

t0=$(date +%s)
(cd "$repo" && "$run" --timeout 600 --out "$out" --env VMTEST_OUT --env VMTEST_TOKEN \
	-- tests/vm/guest-checks.sh) >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
t1=$(date +%s)
echo "# VM run took $((t1 - t0)) s (boot, checks, power-off)"
sed 's/^/# stdout: /' "$tmp/stdout"
sed 's/^/# stderr: /' "$tmp/stderr"

# In-VM checks: every expected one must report "ok".
for name in kernel-is-debian-6.1 modprobe-8021q-bridge vlan-bridge-forwards \
	fabric-kernel-ok bpffs-and-bpftool; do
	line=$(grep -E "^(ok|FAIL) $name(:|$)" "$tmp/stdout" | head -n 1)
	case $line in
	"ok $name") ok "in VM: $name" ;;
	"") bad "in VM: $name" "no result (VM exit $rc)" ;;
	*) bad "in VM: $name" "${line#FAIL $name: }" ;;
	esac
done

# Host side.
[ "$rc" -eq 7 ] && ok "exit code 7 propagated" || bad "exit code 7 propagated" "run.sh exited $rc"
if [ -f "$out/token" ] && [ "$(cat "$out/token")" = "$VMTEST_TOKEN" ]; then
	ok "--out file and --env value came back"
else
	bad "--out file and --env value came back" "$(cat "$out/token" 2>&1)"
fi
if grep -qx 'guest-stderr-line' "$tmp/stderr" && ! grep -q 'guest-stderr-line' "$tmp/stdout" &&
	! grep -q '@@VM-EXIT' "$tmp/stdout" "$tmp/stderr" && ! grep -q 'SeaBIOS' "$tmp/stdout"; then
	ok "stdout and stderr separate, no boot noise"
else
	bad "stdout and stderr separate, no boot noise"
fi
if head -n 1 "$tmp/stderr" | grep -q '^vm: running in a kernel VM (Debian kernel 6\.1\.'; then
	ok "announces the kernel VM and why"
else
	bad "announces the kernel VM and why" "$(head -n 1 "$tmp/stderr")"
fi

# A VM that dies before reporting an exit code is a failure (125), not a pass.
"$run" -- sh -c 'echo o > /proc/sysrq-trigger; sleep 30' >/dev/null 2>"$tmp/crash.err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'without reporting an exit code' "$tmp/crash.err"; then
	ok "VM gone without exit marker gives 125"
else
	bad "VM gone without exit marker gives 125" "exit $rc"
fi

# --timeout: the VM is killed and run.sh says 124, quickly.
t0=$(date +%s)
"$run" --timeout 3 -- sleep 60 >/dev/null 2>"$tmp/to.err"
rc=$?
dt=$(($(date +%s) - t0))
if [ "$rc" -eq 124 ] && [ "$dt" -lt 30 ]; then
	ok "--timeout kills the VM (exit 124 after ${dt} s)"
else
	bad "--timeout kills the VM" "exit $rc after $dt s: $(tail -n 1 "$tmp/to.err")"
fi
finish
