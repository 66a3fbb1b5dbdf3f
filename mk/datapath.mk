# The BPF datapath and its packet-level tests.

DATAPATH_SKELS := $(OUTPUT)/netlord.skel.h $(OUTPUT)/baseline.skel.h
