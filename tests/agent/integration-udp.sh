#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The agent integration test with --encap udp (guests keep their offloads:
# the kernel segments after UDP encapsulation).
export NA_ENCAP=udp
exec "$(dirname "$0")/integration.sh" "$@"
