#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `na-loader trace` with the agents in --encap udp: the outer UDP header in
# the output, and frames from the fabric wrapped and decapsulated in udp mode.
export NA_ENCAP=udp
exec "$(dirname "$0")/trace.sh" "$@"
