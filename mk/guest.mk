# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# QEMU guests on tap VIFs and their live migration (issue 12, docs/guests.md):
# tiny guests (scripts/guest/: Debian's kernel from the kernel VM, an
# initramfs root) on two hypervisors that are network namespaces of the host.
.PHONY: guest-prepare guest-test

# the guest kernel and initramfs in build/guest/ (idempotent)
guest-prepare:
	scripts/guest/build-initramfs.sh

guest-test: $(OUTPUT)/na-loader
	tests/guest/test_guest.sh

TEST_SCRIPTS += tests/guest/test_guest.sh

# make demo's guest stage alone (scripts/dc/demo-guests.sh, about 1.5-3
# minutes): two QEMU guests on taps, ping/iperf3, a live migration at 1,000 pps
.PHONY: demo-guests
demo-guests: $(OUTPUT)/na-loader
	scripts/dc/demo-guests.sh
