#!/usr/bin/env bash
# Builds every stand-in image of e2e/images/standins.mjs as a Docker-archive tarball, into
#   $E2E_CACHE/images/<key>/<recipe>[-<arg>].tar     (key: a hash of e2e/images/ and the pinned versions)
# only when missing. Root filesystems from Debian packages (rootfs.sh, mmdebstrap) are cached apart, keyed by
# rootfs.sh, so editing an entrypoint does not rebuild them. Prints nothing but log lines; `--dir` prints the
# image directory. Needs: Debian packages (node/deps.sh), podinfo (node/build.sh podinfo), coredns (e2e/build.sh).
set -euo pipefail
source "$(dirname "$0")/../lib/env.sh"
IMG_SRC=$E2E_DIR/images
key=$( { cat "$IMG_SRC"/build.sh "$IMG_SRC"/mkimage.mjs "$IMG_SRC"/standins.mjs "$IMG_SRC"/rootfs.sh; \
         find "$IMG_SRC"/{pause,postgres,nginx} -type f | sort | xargs cat; \
         echo "$PODINFO_VERSION $COREDNS_VERSION"; } | sha256sum | cut -c1-16)
OUT=$E2E_CACHE/images/$key
if [[ ${1:-} == --dir ]]; then echo "$OUT"; exit 0; fi
LOGS=$E2E_CACHE/logs; mkdir -p "$LOGS" "$OUT"
rootfs_key=$(sha256sum "$IMG_SRC/rootfs.sh" | cut -c1-16)
ROOTFS=$E2E_CACHE/rootfs/$rootfs_key; mkdir -p "$ROOTFS"
TAR=(tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner)

fail() { log "FAIL step images: $*"; exit 1; }
rootfs() { # rootfs NAME -> path of the cached Debian rootfs tar
  local f=$ROOTFS/$1.tar
  if [[ ! -s $f ]]; then
    log "building the $1 root filesystem from Debian packages (mmdebstrap; log $LOGS/rootfs-$1.log)"
    local t0=$(date +%s)
    bash "$IMG_SRC/rootfs.sh" "$1" "$f" >"$LOGS/rootfs-$1.log" 2>&1 || fail "rootfs $1 failed; read $LOGS/rootfs-$1.log"
    log "rootfs $1: $(( $(date +%s) - t0 ))s, $(du -m "$f" | cut -f1) MB"
  fi
  echo "$f"
}
layer() { # layer DIR OUT.tar: a deterministic layer of DIR's content
  "${TAR[@]}" -cf "$2" -C "$1" .
}
busybox_tree() { # busybox_tree DIR [BINDIR]: Debian's static busybox with a link per applet in BINDIR (default /bin)
  local d=$1 bin=${2:-/bin} a
  mkdir -p "$d$bin"; cp /bin/busybox "$d$bin/busybox"
  for a in $(/bin/busybox --list); do [[ -e $d$bin/$a ]] || ln -s busybox "$d$bin/$a"; done
}
image() { # image OUT TAGS(comma) CONFIG_JSON LAYER...
  local out=$1 tags=$2 cfg=$3; shift 3
  local args=(--out "$out" --config "$cfg") t l
  IFS=, read -ra t <<<"$tags"; for x in "${t[@]}"; do args+=(--tag "$x"); done
  for l in "$@"; do args+=(--layer "$l"); done
  node "$IMG_SRC/mkimage.mjs" "${args[@]}" >/dev/null
}

build_one() { # build_one REF RECIPE ARG -> $OUT/<file>.tar
  local ref=$1 recipe=$2 arg=${3:-} file w
  file=$OUT/$recipe${arg:+-$arg}.tar
  [[ -s $file ]] && return 0
  w=$(mktemp -d "$OUT/.work-XXXXXX")
  mkdir -m 0755 "$w/fs" # the layer's "./" entry sets the image's / mode
  case $recipe in
    pause)
      (cd "$E2E_DIR" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$w/fs/pause" ./images/pause) || fail "go build pause"
      layer "$w/fs" "$w/l1.tar"
      image "$file" "$ref" '{"Entrypoint":["/pause"],"User":"65535:65535"}' "$w/l1.tar" ;;
    busybox)
      busybox_tree "$w/fs"; mkdir -p "$w/fs/etc" "$w/fs/root" "$w/fs/tmp" "$w/fs/home"; chmod 1777 "$w/fs/tmp"
      printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$w/fs/etc/passwd"
      printf 'root:x:0:\nnobody:x:65534:\n' >"$w/fs/etc/group"
      layer "$w/fs" "$w/l1.tar"
      image "$file" "$ref" '{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}' "$w/l1.tar" ;;
    postgres)
      local base; base=$(rootfs postgres)
      # (not var/run: in Debian it is a symlink to /run, which a directory in this layer would replace)
      mkdir -p "$w/fs/usr/local/bin" "$w/fs/docker-entrypoint-initdb.d" "$w/fs/var/lib/postgresql/data" "$w/fs/run/postgresql"
      install -m 0755 "$IMG_SRC/postgres/docker-entrypoint.sh" "$w/fs/usr/local/bin/docker-entrypoint.sh"
      chmod 0777 "$w/fs/var/lib/postgresql/data"; chmod 3777 "$w/fs/run/postgresql"
      layer "$w/fs" "$w/l2.tar"
      image "$file" "$ref" '{"Entrypoint":["docker-entrypoint.sh"],"Cmd":["postgres"],"User":"postgres","StopSignal":"SIGINT",
        "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin","PG_MAJOR=15","PGDATA=/var/lib/postgresql/data","LANG=C.UTF-8"],
        "ExposedPorts":{"5432/tcp":{}},"Labels":{"dev.kubecraft.stand-in":"postgresql-15 (Debian bookworm) for postgres:16.4"}}' "$base" "$w/l2.tar" ;;
    nginx)
      local base; base=$(rootfs nginx)
      mkdir -p "$w/fs/etc/nginx/conf.d" "$w/fs/var/log/nginx" "$w/fs/usr/share/nginx/html" "$w/fs/usr/local/bin"
      install -m 0644 "$IMG_SRC/nginx/nginx.conf" "$w/fs/etc/nginx/nginx.conf"
      install -m 0644 "$IMG_SRC/nginx/default.conf" "$w/fs/etc/nginx/conf.d/default.conf"
      install -m 0755 "$IMG_SRC/nginx/docker-entrypoint.sh" "$w/fs/docker-entrypoint.sh"
      ln -s /dev/stdout "$w/fs/var/log/nginx/access.log"; ln -s /dev/stderr "$w/fs/var/log/nginx/error.log"
      for a in wget nc; do ln -s /bin/busybox "$w/fs/usr/local/bin/$a"; done
      # the official image's only observable difference between tags: its Server header names the nginx version
      printf 'more_set_headers "Server: nginx/%s";\n' "$arg" >"$w/fs/etc/nginx/conf.d/00-server-header.conf"
      layer "$w/fs" "$w/l2.tar"
      image "$file" "$ref" '{"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],"User":"101","StopSignal":"SIGQUIT",
        "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","NGINX_VERSION='"$arg"'"],"ExposedPorts":{"8080/tcp":{}},
        "Labels":{"dev.kubecraft.stand-in":"Debian nginx-light 1.22 for nginx-unprivileged:'"$arg"'"}}' "$base" "$w/l2.tar" ;;
    podinfo)
      [[ -x $PODINFO_BIN/podinfo ]] || fail "podinfo binary missing: run bash e2e/node/build.sh podinfo"
      local src; src=$(cd / && go mod download -json "github.com/stefanprodan/podinfo@$PODINFO_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
      busybox_tree "$w/fs"; mkdir -p "$w/fs/etc" "$w/fs/home/app" "$w/fs/tmp" "$w/fs/data"; chmod 1777 "$w/fs/tmp"
      printf 'root:x:0:0:root:/root:/bin/sh\napp:x:100:101:app:/home/app:/bin/sh\n' >"$w/fs/etc/passwd"
      printf 'root:x:0:\napp:x:101:\n' >"$w/fs/etc/group"
      cp "$PODINFO_BIN/podinfo" "$w/fs/home/app/podinfo"; cp -r "$src/ui" "$w/fs/home/app/ui"; chmod -R u+w,a+rX "$w/fs/home/app"
      layer "$w/fs" "$w/l1.tar"
      image "$file" "$ref" '{"Cmd":["./podinfo"],"WorkingDir":"/home/app","User":"app","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "ExposedPorts":{"9898/tcp":{}},"Labels":{"dev.kubecraft.stand-in":"podinfo '"$PODINFO_VERSION"' for podinfo:6.7.1"}}' "$w/l1.tar" ;;
    coredns)
      [[ -x $COREDNS_BIN/coredns ]] || fail "coredns binary missing: run bash e2e/build.sh"
      cp "$COREDNS_BIN/coredns" "$w/fs/coredns"
      # e2e/build.sh builds it with cgo (dynamically linked): add the loader and libraries it names, from Debian's libc6
      for lib in $(ldd "$COREDNS_BIN/coredns" | grep -o '/[^ ]*'); do mkdir -p "$w/fs$(dirname "$lib")"; cp -L "$lib" "$w/fs$lib"; done
      layer "$w/fs" "$w/l1.tar"
      image "$file" "$ref" '{"Entrypoint":["/coredns"],"ExposedPorts":{"53/tcp":{},"53/udp":{}}}' "$w/l1.tar" ;;
    *) fail "unknown recipe '$recipe' for $ref" ;;
  esac
  rm -rf "$w"
}

t0=$(date +%s); n=0
trap 'rm -rf "$OUT"/.work-*' EXIT
while read -r ref recipe arg; do
  if [[ ! -s $OUT/$recipe${arg:+-$arg}.tar ]]; then build_one "$ref" "$recipe" "$arg"; n=$((n + 1)); fi
done < <(node "$IMG_SRC/standins.mjs" list)
log "stand-in images in $OUT ($n built in $(( $(date +%s) - t0 ))s)"
