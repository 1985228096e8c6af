// The stand-in images of the real-node suite: every image reference the suite may run, and how its stand-in is
// built (e2e/images/build.sh). A reference that dist/ names and that is missing here stops the suite first.
//   node e2e/images/standins.mjs list                  "<full reference> <recipe> <arg>" lines (for build.sh)
//   node e2e/images/standins.mjs check DIR [REF...]    fails naming every image of DIR (and REF) without a stand-in
import { objects } from '../lib/manifests.mjs';

/** full reference -> [recipe, argument]; see e2e/images/README.md for each recipe's contract */
export const STANDINS = {
  'registry.k8s.io/pause:3.10': ['pause', ''],
  'docker.io/library/busybox:1.36.1': ['busybox', ''],
  'docker.io/library/postgres:16.4': ['postgres', ''],
  'docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine': ['nginx', '1.27.2'],
  'docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine': ['nginx', '1.27.3'],
  // the rolling-update test's new tag (e2e/node/test/07-rolling-update.test.mjs)
  'docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine': ['nginx', '1.27.4'],
  'ghcr.io/stefanprodan/podinfo:6.7.1': ['podinfo', ''],
  // cluster add-on (not named by dist/): the cluster DNS
  'registry.k8s.io/coredns/coredns:v1.14.7': ['coredns', ''],
};

/** Docker's normalisation: busybox:1 -> docker.io/library/busybox:1, a/b:1 -> docker.io/a/b:1, tag defaults to latest */
export function normalize(ref) {
  let name = ref;
  const first = ref.split('/')[0];
  if (!ref.includes('/')) name = `docker.io/library/${ref}`;
  else if (!/[.:]/.test(first) && first !== 'localhost') name = `docker.io/${ref}`;
  if (!/@sha256:/.test(name) && !/:[^/]+$/.test(name)) name += ':latest';
  return name;
}

/** every container image of every pod template (and Pod) in the objects */
export function imagesOf(objs) {
  const out = new Set();
  for (const o of objs) {
    const spec = o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    if (!spec) continue;
    for (const c of [...(spec.initContainers || []), ...(spec.containers || []), ...(spec.ephemeralContainers || [])]) if (c.image) out.add(c.image);
  }
  return [...out].sort();
}

export function missingStandins(refs) {
  return refs.filter((r) => !STANDINS[normalize(r)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, dir, ...extra] = process.argv.slice(2);
  if (cmd === 'list') {
    for (const [ref, [recipe, arg]] of Object.entries(STANDINS)) console.log(`${ref} ${recipe} ${arg}`.trim());
  } else if (cmd === 'check' && dir) {
    const refs = [...imagesOf(objects(dir)), ...extra];
    const missing = missingStandins(refs);
    if (missing.length) {
      console.error(`FAIL step images: ${dir} names image(s) with no stand-in: ${missing.join(', ')}; add a recipe in e2e/images/standins.mjs (see e2e/images/README.md)`);
      process.exit(1);
    }
    console.log(`all ${refs.length} image references of ${dir} have a stand-in`);
  } else {
    console.error('usage: standins.mjs list | check DIR [REF...]');
    process.exit(2);
  }
}
