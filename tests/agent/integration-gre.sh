#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The agent integration test with --encap gre and the receive path --rx auto
# picks for it (tc after GRO, no XDP); guests keep their offloads.
export NA_ENCAP=gre
exec "$(dirname "$0")/integration.sh" "$@"
