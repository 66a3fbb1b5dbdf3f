# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Operating a fleet (issue 14, docs/operations.md): the agent's Prometheus
# endpoint (libmicrohttpd), systemd notification (libsystemd), configuration
# file (libinih); their tests; `make deb`.

NETLORD_VERSION ?= 0.1.0

$(OUTPUT)/na-loader: LDLIBS_BPF += -lmicrohttpd -lsystemd -linih -lpthread
$(call objs,user/agent/metrics.c user/repo/repo_metrics.c): \
	CPPFLAGS += -DNETLORD_VERSION='"$(NETLORD_VERSION)"'

# ---- Criterion tests: the exposition writer and the configuration parser ---------------------
OPS_UNIT := $(OUTPUT)/tests/test_ops
OPS_UNIT_OBJS := $(call objs,tests/agent/test_ops.c user/agent/config.c user/agent/subnets.c \
	user/repo/repo_metrics.c)

$(call objs,tests/agent/test_ops.c): CPPFLAGS += -Iuser/agent -Iuser/repo

$(OPS_UNIT): $(OPS_UNIT_OBJS) $(LIBNETLORD) | $(OUTPUT)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcriterion -linih

TEST_BINS += $(OPS_UNIT)

# ---- agent tests in namespaces: promtool and Prometheus, sd_notify, SIGHUP reload -----------
TEST_SCRIPTS += tests/agent/ops.sh
TEST_SCRIPTS += tests/packaging/package.sh

# ---- na-repo serve --metrics and its sd_notify (user/repo/repo_metrics.c, in REPO_SRCS) -------
$(OUTPUT)/na-repo: MHD_LIBS += -lsystemd
TEST_SCRIPTS += tests/repo/metrics.sh
