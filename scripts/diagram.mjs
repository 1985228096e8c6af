#!/usr/bin/env node
// Draws what dist/ deploys, one SVG per namespace, narrow enough to read at README width. Top to bottom, as traffic
// flows: Ingresses -> Services -> workloads (with their replicas or autoscaler, version, PodDisruptionBudget and
// ServiceAccount) -> the workloads they are allowed to reach (NetworkPolicy egress) -> the ConfigMaps, Secrets
// and volume claims they use -> StorageClasses; RBAC grants as subject -> Role edges. Layout by Graphviz (dot),
// compiled to WebAssembly by @viz-js/viz: no hand-placed coordinates.
//
// usage: node scripts/diagram.mjs [--in dist] [--out docs/topology]    writes <out>/<namespace>.svg
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Loads every object of every *.yaml file in `dir`, in file order. */
export function loadManifests(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()).filter(Boolean));
}

const POD_NAME = 'statefulset.kubernetes.io/pod-name';
const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => (labels ?? {})[k] === v);
/**
 * A selector matches a workload's pods; a StatefulSet's per-pod selector (`<sts>-<i>`) matches that StatefulSet
 * when pod `i` can exist (`i` below `maxPods`: its replicas, or its autoscaler's maximum).
 */
const selectsWorkload = (selector, w, maxPods = w.spec?.replicas ?? 1) => {
  if (!selector) return false;
  const { [POD_NAME]: podName, ...rest } = selector;
  if (podName !== undefined) {
    const m = /^(.*)-([0-9]+)$/.exec(podName);
    if (w.kind !== 'StatefulSet' || !m || m[1] !== w.metadata.name || Number(m[2]) >= maxPods) return false;
    return Object.keys(rest).length === 0 || matches(rest, w.spec?.template?.metadata?.labels);
  }
  return matches(selector, w.spec?.template?.metadata?.labels);
};
const q = (s) => JSON.stringify(String(s));
const nsOf = (o) => o.metadata?.namespace ?? '';
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** An HTML label: a bold title, then plain lines, left-aligned. */
const card = (title, lines = []) => `<<b>${esc(title)}</b>${lines.filter(Boolean).map((l) => `<br align="left"/>${esc(l)}`).join('')}<br align="left"/>>`;
const list = (xs, max = 3) => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')}, +${xs.length - max}`);

const COLORS = {
  Deployment: '#d6e9ff', StatefulSet: '#fde2c8', Service: '#e3f6e3', Ingress: '#fff3b0', ConfigMap: '#f3f3d0',
  Secret: '#f9dede', PVC: '#eeeeee', StorageClass: '#f0e0ff', Role: '#e8e0f8', Subject: '#ffffff',
};

/** The namespaces that hold objects, sorted. */
export function namespacesOf(objects) {
  return [...new Set(objects.map(nsOf).filter(Boolean))].sort();
}

/** Builds the Graphviz source for the objects of one namespace (and the cluster-scoped objects they use). */
export function toDot(objects, namespace) {
  const inNs = objects.filter((o) => nsOf(o) === namespace);
  const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
  // a replicated database (StatefulSets labelled kubecraft.dev/replication-role primary and replica, one app) is one
  // node: the replicas' StatefulSet is drawn inside the primary's, so each of their shared edges is drawn once
  const ROLE = 'kubecraft.dev/replication-role';
  const sameApp = (a, b) => ['app.kubernetes.io/name', 'app.kubernetes.io/instance'].every((k) => podLabels(a)[k] === podLabels(b)[k]);
  const allWorkloads = inNs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const replicasOf = new Map();
  for (const r of allWorkloads.filter((o) => o.kind === 'StatefulSet' && podLabels(o)[ROLE] === 'replica')) {
    const primary = allWorkloads.find((o) => o.kind === 'StatefulSet' && podLabels(o)[ROLE] === 'primary' && sameApp(o, r));
    if (primary) replicasOf.set(primary, r);
  }
  const workloads = allWorkloads.filter((w) => ![...replicasOf.values()].includes(w));
  // its replication scripts and password are drawn as a line of its card, not as nodes of their own
  const REPLICATION_VOLUMES = ['replication-scripts', 'replication-credentials'];
  const replicationRefs = (w) => (replicasOf.has(w) ? (w.spec?.template?.spec?.volumes ?? []).filter((v) => REPLICATION_VOLUMES.includes(v.name))
    .map((v) => (v.configMap ? `ConfigMap/${v.configMap.name}` : `Secret/${v.secret?.secretName}`)) : []);
  const internal = new Set([...replicasOf.keys()].flatMap(replicationRefs));
  const podSpec = (w) => w.spec?.template?.spec ?? {};
  const id = (o) => `${o.kind}/${o.metadata.name}`;
  const hpaOf = (w) => inNs.find((h) => h.kind === 'HorizontalPodAutoscaler' && h.spec?.scaleTargetRef?.kind === w.kind && h.spec?.scaleTargetRef?.name === w.metadata.name);
  const maxPods = (w) => Math.max(w.spec?.replicas ?? 1, hpaOf(w)?.spec?.maxReplicas ?? 0);
  const selects = (selector, w) => selectsWorkload(selector, w, maxPods(w)) || (replicasOf.has(w) && selectsWorkload(selector, replicasOf.get(w)));
  const nodes = [];
  const edges = [];
  const node = (nid, label, shape, fill, extra = '') => nodes.push(`${q(nid)} [label=${label}, shape=${shape}, style="${shape === 'box' ? 'rounded,' : ''}filled${extra}", fillcolor="${fill}"];`);
  const emitted = new Set();
  const grants = [];

  // ConfigMaps and Secrets: emitted here, or referenced by a workload and created elsewhere
  const configNode = (kind, name) => {
    const nid = `${kind}/${name}`;
    if (emitted.has(nid)) return nid;
    emitted.add(nid);
    const obj = inNs.find((o) => o.kind === kind && o.metadata.name === name);
    if (!obj) {
      node(nid, card(`${kind} ${name}`, ['created outside this app']), 'box', COLORS[kind], ',dashed');
      return nid;
    }
    const keys = Object.keys({ ...(obj.data ?? {}), ...(obj.stringData ?? {}), ...(obj.binaryData ?? {}) }).sort();
    const type = kind === 'Secret' && obj.type && obj.type !== 'Opaque' ? obj.type : '';
    const shown = keys.length > 4 ? [...keys.slice(0, 3), `+${keys.length - 3} more keys`] : keys;
    node(nid, card(`${kind} ${name}`, [type, ...(keys.length ? shown : ['no keys']), obj.immutable ? 'immutable' : '']), 'box', COLORS[kind]);
    return nid;
  };
  for (const o of inNs) if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && !internal.has(`${o.kind}/${o.metadata.name}`)) configNode(o.kind, o.metadata.name);

  for (const w of workloads) {
    const name = w.metadata.name;
    const version = podLabels(w)['app.kubernetes.io/version'];
    const slot = podLabels(w).version;
    const hpa = hpaOf(w);
    const replicaSet = replicasOf.get(w);
    const replicas = hpa ? `${hpa.spec.minReplicas ?? 1}-${hpa.spec.maxReplicas} replicas (HPA)`
      : replicaSet ? `1 primary + ${replicaSet.spec?.replicas ?? 1} replicas`
      : `${w.spec?.replicas ?? 1} replica${(w.spec?.replicas ?? 1) === 1 ? '' : 's'}`;
    const pdbs = inNs.filter((p) => p.kind === 'PodDisruptionBudget' && selects(p.spec?.selector?.matchLabels, w))
      .map((p) => (p.spec.minAvailable !== undefined ? `minAvailable ${p.spec.minAvailable}` : `maxUnavailable ${p.spec.maxUnavailable}`));
    const sa = podSpec(w).serviceAccountName;
    const token = podSpec(w).automountServiceAccountToken === false ? 'no token' : 'token mounted';
    node(id(w), card(`${w.kind} ${name}`, [
      replicas,
      replicaSet ? `(StatefulSet ${replicaSet.metadata.name})` : '',
      ...(replicaSet ? ['replication:', ...replicationRefs(w).map((r) => r.replace('/', ' '))] : []),
      version || slot ? `version ${version ?? ''}${slot ? ` (${slot})` : ''}`.replace('version  (', 'version (') : '',
      pdbs.length ? `PDB ${pdbs.join(', ')}` : 'no PDB',
      sa ? `SA ${sa}, ${token}` : `default SA, ${token}`,
    ]), 'box', COLORS[w.kind]);

    // config: env (single keys and envFrom) and volumes, per ConfigMap/Secret
    const uses = new Map();
    const use = (kind, ref, how) => {
      if (!ref || internal.has(`${kind}/${ref}`)) return;
      const nid = configNode(kind, ref);
      if (!uses.has(nid)) uses.set(nid, new Set());
      uses.get(nid).add(how);
    };
    for (const c of [...(podSpec(w).initContainers ?? []), ...(podSpec(w).containers ?? [])]) {
      for (const e of c.env ?? []) {
        use('ConfigMap', e.valueFrom?.configMapKeyRef?.name, 'env');
        use('Secret', e.valueFrom?.secretKeyRef?.name, 'env');
      }
      for (const e of c.envFrom ?? []) {
        use('ConfigMap', e.configMapRef?.name, 'env');
        use('Secret', e.secretRef?.name, 'env');
      }
    }
    const volumes = podSpec(w).volumes ?? [];
    const mountPath = (volume) => (podSpec(w).containers ?? []).flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === volume)?.mountPath;
    for (const v of volumes) {
      const at = mountPath(v.name);
      const files = `files${at ? ` at ${at}` : ''}`;
      use('ConfigMap', v.configMap?.name, files);
      use('Secret', v.secret?.secretName, files);
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap?.name && s.configMap.name !== 'kube-root-ca.crt') use('ConfigMap', s.configMap.name, files);
        use('Secret', s.secret?.name, files);
      }
    }
    for (const [nid, how] of uses) edges.push(`${q(id(w))} -> ${q(nid)} [label=${q([...how].join(', '))}, style=dashed, color="#777777", fontcolor="#555555"];`);

    for (const t of w.spec?.volumeClaimTemplates ?? []) {
      const n = w.spec?.replicas ?? 1;
      const pid = `PVC/${t.metadata.name}-${name}`;
      const size = t.spec?.resources?.requests?.storage ?? '';
      const range = (sts, k) => (k === 1 ? `${t.metadata.name}-${sts}-0` : `${t.metadata.name}-${sts}-0 .. ${k - 1}`);
      const claims = range(name, n);
      node(pid, card(`PVCs ${claims}`, [replicaSet ? `and ${range(replicaSet.metadata.name, replicaSet.spec?.replicas ?? 1)}` : '',`claim template ${t.metadata.name}, ${size} each`, (t.spec?.accessModes ?? []).join(', ')]), 'cylinder', COLORS.PVC);
      edges.push(`${q(id(w))} -> ${q(pid)} [label=${q(mountPath(t.metadata.name) ?? 'mounts')}, style=dashed, color="#777777", fontcolor="#555555"];`);
      const sc = t.spec?.storageClassName;
      if (sc) edges.push(`${q(pid)} -> ${q(`StorageClass/${sc}`)} [style=dotted, label="class"];`);
    }
  }

  for (const o of inNs) {
    const name = o.metadata?.name;
    switch (o.kind) {
      case 'Service': {
        const sel = o.spec?.selector ?? {};
        const headless = o.spec?.clusterIP === 'None';
        const ports = (o.spec?.ports ?? []).map((p) => `${p.port}→${p.targetPort ?? p.port}`).join(', ');
        const role = o.metadata?.labels?.['kubecraft.dev/role'];
        const type = headless ? 'headless' : (o.spec?.type ?? 'ClusterIP');
        const kindOf = [type === 'ClusterIP' ? '' : type, role ?? ''].filter(Boolean).join(', ');
        node(id(o), card(`Service ${name}`, [`${kindOf}${kindOf && ports ? ' ' : ''}${ports ? `:${ports}` : ''}`]), 'box', COLORS.Service);
        for (const w of workloads.filter((x) => selects(sel, x))) {
          edges.push(`${q(id(o))} -> ${q(id(w))} [color="#2e7d32", penwidth=2${role === 'preview' ? ', style=dashed' : ''}];`);
        }
        break;
      }
      case 'Ingress': {
        const hosts = (o.spec?.rules ?? []).map((r) => r.host).filter(Boolean);
        node(id(o), card(`Ingress ${name}`, [list(hosts, 2), o.spec?.tls?.length ? 'TLS' : '', o.spec?.ingressClassName ? `class ${o.spec.ingressClassName}` : '']), 'box', COLORS.Ingress);
        for (const r of o.spec?.rules ?? []) {
          for (const p of r.http?.paths ?? []) {
            const svc = p.backend?.service?.name;
            if (svc) edges.push(`${q(id(o))} -> ${q(`Service/${svc}`)} [label=${q(p.path ?? '/')}, color="#2e7d32"];`);
          }
        }
        break;
      }
      case 'NetworkPolicy': {
        // allows: the egress rules of a policy draw consumer -> backend edges
        const from = workloads.filter((w) => selects(o.spec?.podSelector?.matchLabels, w));
        for (const rule of o.spec?.egress ?? []) {
          const ports = (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`).join(',');
          for (const peer of rule.to ?? []) {
            const peerNs = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? namespace;
            if (peerNs !== namespace) {
              if (from.length === 0 || (rule.ports ?? []).every((p) => p.port === 53)) continue; // DNS: said in the title
              const label = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? 'pods';
              const ext = `Namespace/${peerNs}/${label}`;
              if (!emitted.has(ext)) {
                emitted.add(ext);
                node(ext, card(`${label} in namespace ${peerNs}`), 'box', '#ffffff', ',dashed');
              }
              for (const f of from) edges.push(`${q(id(f))} -> ${q(ext)} [color="#c62828", fontcolor="#c62828", label=${q(`allow ${ports}`)}];`);
              continue;
            }
            const to = workloads.filter((w) => selects(peer.podSelector?.matchLabels, w));
            const pod = peer.podSelector?.matchLabels?.[POD_NAME];
            for (const f of from) for (const t of to) edges.push(`${q(id(f))} -> ${q(id(t))} [color="#c62828", fontcolor="#c62828", label=${q(`allow ${ports}${pod ? ` (${pod})` : ''}`)}];`);
          }
        }
        break;
      }
      case 'RoleBinding': {
        const ref = o.roleRef ?? {};
        const role = ref.kind === 'Role' ? inNs.find((r) => r.kind === 'Role' && r.metadata.name === ref.name) : objects.find((r) => r.kind === 'ClusterRole' && r.metadata.name === ref.name);
        const rules = role ? (role.rules ?? []).map((r) => `${(r.verbs ?? []).join(', ')} ${(r.resources ?? []).map((res) => `${r.apiGroups?.[0] ? `${r.apiGroups[0]}/` : ''}${res}`).join(', ')}`) : [ref.kind === 'ClusterRole' ? 'a cluster role, in this namespace' : 'a Role outside this app'];
        for (const s of o.subjects ?? []) {
          const owner = s.kind === 'ServiceAccount' && (s.namespace ?? namespace) === namespace ? workloads.find((w) => podSpec(w).serviceAccountName === s.name) : undefined;
          grants.push({ who: `${s.kind} ${s.namespace && s.namespace !== namespace ? `${s.namespace}/` : ''}${s.name}`, role: `${ref.kind} ${ref.name}`, rules, owner });
        }
        break;
      }
      default:
        break;
    }
  }

  // RBAC: one table of grants (subject -> role: rules) at the bottom; a workload's own grant hangs from it
  if (grants.length > 0) {
    const rows = grants.map((g, i) => `<tr><td align="left" port="g${i}">${esc(g.who)}</td><td align="left">${esc(g.role)}</td><td align="left">${g.rules.map(esc).join('<br align="left"/>')}</td></tr>`);
    nodes.push(`"RBAC" [shape=plain, label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="5" bgcolor="${COLORS.Role}"><tr><td colspan="3" align="left"><b>API access (RBAC)</b></td></tr><tr><td align="left"><i>who</i></td><td align="left"><i>role</i></td><td align="left"><i>may</i></td></tr>${rows.join('')}</table>>];`);
    nodes.push('{ rank=sink; "RBAC"; }');
    grants.forEach((g, i) => {
      if (g.owner) edges.push(`${q(id(g.owner))} -> "RBAC":g${i} [color="#5e35b1", style=dashed, label="grant"];`);
    });
  }

  // the StorageClasses the claims of this namespace use (cluster-scoped)
  for (const sc of objects.filter((o) => o.kind === 'StorageClass')) {
    const nid = `StorageClass/${sc.metadata.name}`;
    if (!edges.some((e) => e.includes(`-> ${q(nid)}`))) continue;
    const binding = sc.volumeBindingMode === 'WaitForFirstConsumer' ? 'binds when a pod is scheduled' : 'binds at once';
    node(nid, card(`StorageClass ${sc.metadata.name}`, [sc.provisioner, `reclaim ${sc.reclaimPolicy ?? 'Delete'}, ${binding}`, sc.allowVolumeExpansion ? 'expandable' : '']), 'folder', COLORS.StorageClass);
  }

  const nsObj = objects.find((n) => n.kind === 'Namespace' && n.metadata.name === namespace);
  const psa = nsObj?.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  const policies = inNs.filter((o) => o.kind === 'NetworkPolicy');
  const denyAll = policies.some((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && !p.spec?.ingress && !p.spec?.egress);
  const dns = policies.some((p) => (p.spec?.egress ?? []).some((r) => (r.ports ?? []).some((pt) => pt.port === 53)));
  const facts = [
    psa ? `Pod Security: ${psa}` : '',
    denyAll ? 'traffic denied unless allowed' : '',
    dns ? 'DNS allowed' : '',
    inNs.some((o) => o.kind === 'ResourceQuota') ? 'quota' : '',
  ].filter(Boolean);
  const title = `namespace ${namespace}${facts.length ? ` (${facts.join(', ')})` : ''}`;
  const lines = [
    'digraph topology {',
    `  graph [rankdir=TB, fontname="Helvetica", fontsize=12, label=${q(`${title}\nServices resolve as <name>.${namespace}.svc.cluster.local\ngreen: Service -> pods; red: allowed by NetworkPolicy; dashed grey: uses\n`).replace(/\\n/g, '\\l')}, labelloc=t, labeljust=l, nodesep=0.2, ranksep=0.4];`,
    '  node [fontname="Helvetica", fontsize=10, margin="0.22,0.06"]; edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of nodes) lines.push(`  ${n}`);
  for (const e of [...new Set(edges)]) lines.push(`  ${e}`);
  lines.push('}');
  return lines.join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  const inDir = opt('--in', 'dist');
  const outDir = opt('--out', 'docs/topology');
  if (!existsSync(inDir) || !readdirSync(inDir).some((f) => f.endsWith('.yaml'))) {
    console.error('synthesize first: npm run synth');
    process.exit(1);
  }
  const objects = loadManifests(inDir);
  const namespaces = namespacesOf(objects);
  return import('@viz-js/viz').then(async ({ instance }) => {
    const viz = await instance();
    mkdirSync(outDir, { recursive: true });
    // a namespace that is gone from dist/ loses its picture
    for (const f of readdirSync(outDir)) if (f.endsWith('.svg') && !namespaces.includes(f.slice(0, -4))) rmSync(join(outDir, f));
    for (const ns of namespaces) {
      const svg = viz.renderString(toDot(objects, ns), { format: 'svg', engine: 'dot' });
      writeFileSync(join(outDir, `${ns}.svg`), svg);
    }
    console.log(`wrote ${namespaces.map((ns) => join(outDir, `${ns}.svg`)).join(', ')} (${objects.length} objects from ${inDir}/)`);
  });
}

// run as a script (also through a symlink or from a path with spaces, which a `file://${argv[1]}` comparison misses)
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
