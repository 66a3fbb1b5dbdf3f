# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libnetlord.a: the code several programs share (user/lib/): logging and
# small utilities, the address scheme, the LLDP and NL-ARP codecs, the NART
# ordering rules and the one NL-ARP application path, the compact NART
# writer and the agent's store on top of it, the VLAN table parser, the
# rate limiter and the repository client (libcurl: programs that use it link
# $(CURL_LIBS), mk/agent.mk; its etcd side also $(JANSSON_LIBS) and -lcrypto;
# the VLAN row parser -lz).

LIB_SRCS := $(wildcard user/lib/*.c)

$(LIBNETLORD): $(call objs,$(LIB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# NL-ARP authentication (user/lib/nlarp_keys.c, nlarp_auth.c): HMAC-SHA-256
# and the CSPRNG from OpenSSL's libcrypto (libssl-dev)
LDLIBS_BPF += -lcrypto
