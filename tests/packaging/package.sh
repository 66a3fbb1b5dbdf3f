#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The Debian package (docs/operations.md, "Debian package"): builds it with
# packaging/mkdeb.sh from this build, checks its contents, control fields
# and conffile, runs lintian (errors and warnings fail; the overrides are
# explained in the docs), and runs the packaged programs from an extracted
# copy (--help, config check of the packaged example, the man pages
# rendered without warnings, the completions parse).  Installing with
# dpkg -i is .ci/run's job (it changes the machine).
# Prints "package: N passed, M failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUTPUT:-build}
VER=0.0.0~test
TMP=$(mktemp -d /tmp/na-pkg.XXXXXX)
PASS=0
FAIL=0
ok() { echo "PASS: $*"; PASS=$((PASS + 1)); }
bad() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
cd "$TOP"
DEB=$OUT/netlord_${VER}_$(dpkg --print-architecture).deb
trap 'rm -rf "$TMP" "$DEB" "$OUT/deb"' EXIT
for c in dpkg-deb dpkg-shlibdeps lintian man; do
	command -v "$c" >/dev/null || { bad "$c not installed"; echo "package: $PASS passed, $FAIL failed"; exit 1; }
done

check "mkdeb builds the package" packaging/mkdeb.sh "$OUT" "$VER"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$TMP/contents"
for f in /usr/sbin/na-loader /usr/bin/na-repo /lib/systemd/system/na-loader@.service \
	/lib/systemd/system/na-repo.service /etc/netlord/na-loader.conf \
	/usr/share/man/man8/na-loader.8.gz /usr/share/man/man8/na-repo.8.gz \
	/usr/share/bash-completion/completions/na-loader \
	/usr/share/bash-completion/completions/na-repo /usr/share/doc/netlord/copyright \
	/usr/share/doc/netlord/changelog.gz /usr/share/doc/netlord/operations.md \
	/usr/share/doc/netlord/examples/netlord-alerts.yml /etc/libvirt/hooks/qemu \
	/etc/netlord/libvirt-hook.conf /usr/share/doc/netlord/libvirt.md; do
	check "package holds $f" grep -qx "$f" "$TMP/contents"
done
dep=$(dpkg-deb -f "$DEB" Depends)
check "Depends from dpkg-shlibdeps names libmicrohttpd, libsystemd, libinih, libbpf ($dep)" \
	bash -c "grep -q libmicrohttpd <<<'$dep' && grep -q libsystemd <<<'$dep' && grep -q libinih <<<'$dep' && grep -q libbpf <<<'$dep'"
dpkg-deb -e "$DEB" "$TMP/control"
check "the example configuration is a conffile" grep -qx /etc/netlord/na-loader.conf "$TMP/control/conffiles"
check "the libvirt hook is a conffile" grep -qx /etc/libvirt/hooks/qemu "$TMP/control/conffiles"
lintian --fail-on error,warning "$DEB" >"$TMP/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$TMP/lintian.log" | sed 's/^/    /'
check "lintian: no error or warning (exit $rc)" test "$rc" -eq 0

dpkg-deb -x "$DEB" "$TMP/root"
quiet() { "$@" >/dev/null; }
check "packaged na-loader --help" quiet "$TMP/root/usr/sbin/na-loader" --help
check "packaged na-repo --help" quiet "$TMP/root/usr/bin/na-repo" --help
check "packaged na-loader config check of the packaged example" \
	"$TMP/root/usr/sbin/na-loader" config check "$TMP/root/etc/netlord/na-loader.conf"
check "packaged na-repo gen | check-topo" bash -c \
	"'$TMP/root/usr/bin/na-repo' gen clique 3 | '$TMP/root/usr/bin/na-repo' check-topo -"
for m in na-loader na-repo; do
	w=$(man --warnings -l "$TMP/root/usr/share/man/man8/$m.8.gz" 2>&1 >/dev/null)
	check "man page $m(8) renders without warnings${w:+: $w}" test -z "$w"
	check "bash completion for $m parses" bash -n "$TMP/root/usr/share/bash-completion/completions/$m"
done
if command -v promtool >/dev/null; then
	check "promtool check rules: the packaged example alerts" \
		quiet promtool check rules "$TMP/root/usr/share/doc/netlord/examples/netlord-alerts.yml"
fi
# the completions at work (bash-completion's helpers, a simulated command line)
complete_last() { # function, words... -> the candidates for the last word
	bash -c 'source /usr/share/bash-completion/bash_completion
source "$1"/na-loader; source "$1"/na-repo
f=$2; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
"$f" "$1"; echo "${COMPREPLY[*]}"' _ "$TMP/root/usr/share/bash-completion/completions" "$@"
}
if [ -f /usr/share/bash-completion/bash_completion ]; then
	check "completion: na-loader at -> attach" test "$(complete_last _na_loader na-loader at)" = attach
	check "completion: na-loader attach eth0 --encap -> ip udp gre" \
		test "$(complete_last _na_loader na-loader attach eth0 --encap '')" = "ip udp gre"
	check "completion: na-loader status --ch -> --check" \
		test "$(complete_last _na_loader na-loader status --ch)" = --check
	check "completion: na-repo gen -> fattree clique hyperx" \
		test "$(complete_last _na_repo na-repo gen '')" = "fattree clique hyperx"
else
	bad "bash-completion not installed (scripts/deps.txt)"
fi
check "the packaged agent unit is Type=notify and runs /usr/sbin/na-loader" bash -c \
	"grep -qx 'Type=notify' '$TMP/root/lib/systemd/system/na-loader@.service' && grep -q '^ExecStart=/usr/sbin/na-loader attach %i' '$TMP/root/lib/systemd/system/na-loader@.service'"

echo "package: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
