# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libvirt integration (issue 12, docs/libvirt.md): the QEMU hook
# scripts/libvirt/qemu, driven as libvirt documents it (hook.sh, no root),
# and under real libvirtd instances with a TCG guest, live migration
# included (libvirtd.sh, root, about 2 minutes).
TEST_SCRIPTS += tests/libvirt/hook.sh tests/libvirt/libvirtd.sh
