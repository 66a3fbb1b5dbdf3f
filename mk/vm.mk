# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Kernel VM (scripts/vm/, docs/kernel-vm.md): Debian's stock 6.1 kernel under
# qemu, for what the host kernel cannot do (802.1Q, VLAN-aware bridges).
.PHONY: vm-prepare vm-shell vm-test

# Download the Debian kernel package, unpack it, build the initramfs
# (build/vm/).  Idempotent.
vm-prepare:
	scripts/vm/prepare.sh

# An interactive root shell in the VM, in this directory (Ctrl-A x quits qemu;
# "exit" powers the VM off).
vm-shell: vm-prepare
	scripts/vm/run.sh --interactive --reason "make vm-shell asks for it" -- bash -l

vm-test:
	tests/vm/test_vm.sh

TEST_SCRIPTS += tests/vm/test_vm.sh
