# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
#
# The pass/fail counters every shell test shares (sourced, not run).  One
# convention for all: a line per check,
#     ok   <check>
#     FAIL <check>: <why>
# and, last, "<test-name>: N passed, M failed", the line scripts/run-tests.sh
# adds up.  Tests whose checks run elsewhere (the kernel VM's guest
# scripts print the same "ok"/"FAIL" lines) relay them with tally.
#
#     . tests/lib/counters.sh
#     tc_init dc-e2e --need-pass     # the summary's name; --need-pass: 0 checks is a failure
#     check "ping works" ping -c1 10.0.0.1
#     ok "done by hand"; bad "thing" "the reason"
#     finish                         # summary line, exit 0 only if nothing failed

PASS=${PASS:-0}
FAIL=${FAIL:-0}
TC_NAME=${TC_NAME:-test}
TC_NEED_PASS=${TC_NEED_PASS:-0}

tc_init() { # name [--need-pass]
	TC_NAME=$1
	[ "${2:-}" = --need-pass ] && TC_NEED_PASS=1
	return 0
}
ok() { # check...
	echo "ok   $*"
	PASS=$((PASS + 1))
}
bad() { # check [why...]
	local what=$1
	shift
	echo "FAIL $what${1:+: $*}"
	FAIL=$((FAIL + 1))
}
check() { # description, command...
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
# one relayed line: a check line is counted and echoed (status 0), a "# "
# comment echoed (status 1), anything else ignored (status 1)
tally_line() { # line
	case $1 in
	"ok "*) PASS=$((PASS + 1)) && echo "$1" && return 0 ;;
	"FAIL "*) FAIL=$((FAIL + 1)) && echo "$1" && return 0 ;;
	"# "*) echo "$1" ;;
	esac
	return 1
}
# every line of a file through tally_line
tally() { # file
	local line
	while IFS= read -r line; do
		tally_line "$line" || true
	done <"$1"
}
# the summary line; status 0 if nothing failed (and something passed, with --need-pass)
tc_summary() {
	echo "$TC_NAME: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && { [ "$TC_NEED_PASS" = 0 ] || [ "$PASS" -gt 0 ]; }
}
finish() {
	tc_summary
	exit
}
