# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fleet scale (issue 15 items 5-6, docs/scale.md): NART arrays sized by
# configuration, the calibration of NL-ARP's per-message costs on the
# production code and the model of a fleet fed by them (`make bench-scale`).

TEST_SCRIPTS += tests/scale/nart-size.sh
