/** Test helpers: synthesize and find objects by kind and name (never by index). */
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

/** A synthesized Kubernetes object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

/** A fresh chart in its own app, with a namespace (default `demo`; `null` for none). */
export function testChart(namespace: string | null = 'demo', id = 'test'): Chart {
  const app = Testing.app();
  return new Chart(app, id, { namespace: namespace ?? undefined, disableResourceNameHashes: true });
}

/** Synthesizes every chart of the app that contains `scope`. */
export function synthAll(scope: Construct): Manifest[] {
  const app = scope.node.root as App;
  return app.charts.flatMap((c) => Testing.synth(c));
}

/** The object of `kind` named `name` (throws with the list of what exists when missing). */
export function find(manifests: Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const hit = manifests.filter((m) => m.kind === kind && m.metadata?.name === name && (namespace === undefined || m.metadata?.namespace === namespace));
  if (hit.length !== 1) {
    const have = manifests.map((m) => `${m.kind}/${m.metadata?.name}`).join(', ');
    throw new Error(`expected exactly one ${kind}/${name}, found ${hit.length} among: ${have}`);
  }
  return hit[0];
}

/** All objects of `kind`. */
export function allOf(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The pod spec of a Pod, or of a workload's pod template. */
export function podSpecOf(m: Manifest): Manifest {
  return m.kind === 'Pod' ? m.spec : m.spec.template.spec;
}

/** Asserts the Pod Security "restricted" rules on a pod spec; returns the list of violations (empty = compliant). */
export function restrictedViolations(spec: Manifest): string[] {
  const v: string[] = [];
  const psc = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) v.push('host namespaces');
  for (const vol of spec.volumes ?? []) {
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
    const kinds = Object.keys(vol).filter((k) => k !== 'name');
    if (!kinds.every((k) => allowed.includes(k))) v.push(`volume ${vol.name} type ${kinds.join(',')}`);
  }
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) v.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${c.name}: allowPrivilegeEscalation not false`);
    const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (runAsNonRoot !== true) v.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) v.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${c.name}: seccompProfile ${seccomp}`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${c.name}: capabilities not dropping ALL`);
    const add: string[] = sc.capabilities?.add ?? [];
    if (add.some((a) => a !== 'NET_BIND_SERVICE')) v.push(`${c.name}: adds ${add.join(',')}`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${c.name}: hostPort`);
  }
  return v;
}
