#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make deb: a Debian binary package of NetLord from a staged `make install`
# (dpkg-deb, no debian/rules: the build is the project's own Makefile).
# Dependencies come from dpkg-shlibdeps; the example configuration is a
# conffile; lintian's remaining findings are explained in
# packaging/lintian-overrides (docs/operations.md).
#   packaging/mkdeb.sh <build dir> <version>   -> <build dir>/netlord_<version>_<arch>.deb
set -euo pipefail

OUT=$1
VER=$2
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
ARCH=$(dpkg --print-architecture)
WORK=$OUT/deb
STAGE=$WORK/netlord
DEB=$OUT/netlord_${VER}_${ARCH}.deb
DOC=$STAGE/usr/share/doc/netlord

rm -rf "$WORK"
mkdir -p "$STAGE/DEBIAN"
make --no-print-directory install OUTPUT="$OUT" DESTDIR="$STAGE" PREFIX=/usr \
	SYSCONFDIR=/etc LIBVIRT_HOOK_DIR=/etc/libvirt/hooks SYSTEMD_UNIT_DIR=/lib/systemd/system >/dev/null

# what dh_strip and dh_compress would do
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$STAGE/usr/sbin/na-loader" "$STAGE/usr/bin/na-repo"
gzip -9n "$STAGE"/usr/share/man/man8/*.8
install -m 0644 packaging/copyright "$DOC/copyright"
gzip -9n -c packaging/changelog >"$DOC/changelog.gz"
chmod 0644 "$DOC/changelog.gz"
install -D -m 0644 packaging/lintian-overrides "$STAGE/usr/share/lintian/overrides/netlord"

# shared library dependencies of the two binaries
mkdir -p "$WORK/src/debian"
printf 'Source: netlord\n\nPackage: netlord\nArchitecture: any\n' >"$WORK/src/debian/control"
DEPENDS=$(cd "$WORK/src" && dpkg-shlibdeps -O -e"$TOP/$STAGE/usr/sbin/na-loader" \
	-e"$TOP/$STAGE/usr/bin/na-repo" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VER/" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" \
	-e "s/@SIZE@/$SIZE/" packaging/control >"$STAGE/DEBIAN/control"
printf '%s\n' /etc/netlord/na-loader.conf /etc/netlord/libvirt-hook.conf \
	/etc/libvirt/hooks/qemu >"$STAGE/DEBIAN/conffiles"
for s in postinst postrm; do
	install -m 0755 "packaging/$s" "$STAGE/DEBIAN/$s"
done
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles"

dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "  DEB      $DEB ($(du -k "$DEB" | cut -f1) KiB; Depends: $DEPENDS)"
