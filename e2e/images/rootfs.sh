#!/usr/bin/env bash
# rootfs.sh NAME OUT.tar: a Debian bookworm root filesystem (mmdebstrap, minbase) for a stand-in image, as a tar.
# The package set of each NAME is below; the tar is cached by the caller under a key derived from this file.
# Reproducibility: SOURCE_DATE_EPOCH fixes timestamps; the exact package versions are written beside the tar
# (OUT.tar.packages) since the mirror moves with Debian point releases.
set -euo pipefail
name=$1 out=$2
MIRRORS=("deb http://deb.debian.org/debian bookworm main"
         "deb http://deb.debian.org/debian bookworm-updates main"
         "deb http://deb.debian.org/debian-security bookworm-security main")
common=(--mode=root --variant=minbase --format=tar --aptopt='Acquire::Languages "none"'
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
        --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
        --customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version}\n" > "$1/.packages"'
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/cache/debconf/*-old')
case $name in
  postgres)
    # the stand-in of postgres:16.4: Debian's postgresql-15 (bookworm has no 16), nss_wrapper for arbitrary uids
    extra=(--include=postgresql-15,libnss-wrapper
      # like the official image: no cluster created by the package; the entrypoint runs initdb on an empty PGDATA
      --essential-hook='mkdir -p "$1/etc/postgresql-common" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.conf"'
      # listen on all addresses by default (initdb copies this sample into PGDATA)
      --customize-hook='sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = '"'"'*'"'"'/" "$1"/usr/share/postgresql/15/postgresql.conf.sample && grep -q "^listen_addresses = '"'"'\*'"'"'" "$1"/usr/share/postgresql/15/postgresql.conf.sample')
    ;;
  nginx)
    # the stand-in of nginxinc/nginx-unprivileged:*-alpine: Debian's nginx, headers-more (Server header), busybox
    # applets as in the alpine image (sh, wget, nc)
    extra=(--include=nginx-light,libnginx-mod-http-headers-more-filter,busybox-static)
    ;;
  *) echo "rootfs.sh: unknown rootfs '$name'" >&2; exit 2 ;;
esac
tmp="$out.tmp.$$"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000} mmdebstrap "${common[@]}" "${extra[@]}" bookworm "$tmp" "${MIRRORS[@]}"
tar -xOf "$tmp" ./.packages >"$out.packages"
mv "$tmp" "$out"
