# The host lock: one cluster run at a time on this shared machine (the kwok suite, the real-node suite and
# `npm run cluster -- up` all take it). Sourced. lock_host WAIT_SECONDS opens fd 9 on the lock file and takes it;
# the components started afterwards inherit fd 9, so the lock stays held until the last of them has stopped.
# A caller that already holds it (`flock /tmp/kubecraft-cluster.lock npm run e2e`) is detected: an ancestor process
# with the lock file open counts as holding it (flock locks are per open file, so taking it again would wait forever).
# E2E_LOCK=/path picks another lock file.
# shellcheck shell=bash
LOCK=${E2E_LOCK:-/tmp/kubecraft-cluster.lock}

lock_held_by_ancestor() {
  local p=$PPID fd
  while [[ -n $p && $p != 0 && $p != 1 ]]; do
    for fd in /proc/"$p"/fd/*; do [[ $(readlink "$fd" 2>/dev/null) == "$LOCK" ]] && return 0; done
    p=$(awk '/^PPid:/{print $2}' "/proc/$p/status" 2>/dev/null)
  done
  return 1
}

lock_host() { # lock_host WAIT_SECONDS
  local wait=$1
  exec 9>"$LOCK"
  flock -n 9 && return 0
  if lock_held_by_ancestor; then printf '[lock] %s is held by a parent of this process: going on\n' "$LOCK" >&2; return 0; fi
  printf '[lock] waiting for %s (another e2e run or `npm run cluster -- up` holds it; up to %ss)\n' "$LOCK" "$wait" >&2
  flock -w "$wait" 9 && return 0
  printf '[lock] FAIL step lock: %s still held after %ss\n' "$LOCK" "$wait" >&2
  return 1
}
