#!/usr/bin/env node
// Draws what dist/ deploys as an SVG: namespaces, Ingresses -> Services -> Deployments/StatefulSets (with their
// versions), PVCs from claim templates and their StorageClass, wiring edges and NetworkPolicy allows.
// Layout by Graphviz (dot), compiled to WebAssembly by @viz-js/viz: no hand-placed coordinates.
//
// usage: node scripts/diagram.mjs [--in dist] [--out docs/topology.svg]
import { readFileSync, readdirSync, realpathSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { instance } from '@viz-js/viz';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const inDir = opt('--in', 'dist');
const outFile = opt('--out', 'docs/topology.svg');

/** Loads every object of every *.k8s.yaml file in `dir`, in file order. */
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

/** Builds the Graphviz source for a list of objects. */
export function toDot(objects) {
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
  const id = (o) => `${o.kind}/${nsOf(o)}/${o.metadata.name}`;
  const hpaOf = (w) => objects.find((h) => h.kind === 'HorizontalPodAutoscaler' && nsOf(h) === nsOf(w) && h.spec?.scaleTargetRef?.kind === w.kind && h.spec?.scaleTargetRef?.name === w.metadata.name);
  const maxPods = (w) => Math.max(w.spec?.replicas ?? 1, hpaOf(w)?.spec?.maxReplicas ?? 0);
  const selects = (selector, w) => selectsWorkload(selector, w, maxPods(w));
  const byNs = new Map();
  const put = (ns, line) => {
    if (!byNs.has(ns)) byNs.set(ns, []);
    byNs.get(ns).push(line);
  };
  const edges = [];
  const cluster = [];

  for (const o of objects) {
    const ns = nsOf(o);
    const name = o.metadata?.name;
    switch (o.kind) {
      case 'Deployment':
      case 'StatefulSet': {
        const version = podLabels(o)['app.kubernetes.io/version'];
        const slot = podLabels(o).version;
        const hpa = hpaOf(o);
        const replicas = hpa ? `${hpa.spec.minReplicas ?? 1}-${hpa.spec.maxReplicas} (HPA)` : (o.spec.replicas ?? 1);
        const label = `${o.kind}\n${name}\nreplicas: ${replicas}${version ? `\nversion: ${version}` : ''}${slot ? ` (${slot})` : ''}`;
        put(ns, `${q(id(o))} [label=${q(label)}, shape=box3d, style=filled, fillcolor="${o.kind === 'StatefulSet' ? '#fde2c8' : '#d6e9ff'}"];`);
        for (const t of o.spec.volumeClaimTemplates ?? []) {
          const pvcs = Array.from({ length: o.spec.replicas ?? 1 }, (_, i) => `${t.metadata.name}-${name}-${i}`);
          const pid = `PVC/${ns}/${t.metadata.name}-${name}`;
          const size = t.spec?.resources?.requests?.storage ?? '';
          put(ns, `${q(pid)} [label=${q(`PVCs (claim template ${t.metadata.name})\n${pvcs.join('\n')}\n${size}`)}, shape=cylinder, style=filled, fillcolor="#eeeeee"];`);
          edges.push(`${q(id(o))} -> ${q(pid)} [label="mounts", style=dashed];`);
          if (t.spec?.storageClassName) edges.push(`${q(pid)} -> ${q(`StorageClass//${t.spec.storageClassName}`)} [style=dotted, label="class"];`);
        }
        break;
      }
      case 'Service': {
        const sel = o.spec?.selector ?? {};
        const headless = o.spec?.clusterIP === 'None';
        const ports = (o.spec?.ports ?? []).map((p) => `${p.name ?? ''} ${p.port}→${p.targetPort ?? p.port}`).join(', ');
        const role = o.metadata?.labels?.['kubecraft.dev/role'];
        const label = `Service ${name}${headless ? ' (headless)' : ''}${o.spec?.type && o.spec.type !== 'ClusterIP' ? ` [${o.spec.type}]` : ''}${role ? ` (${role})` : ''}\n${name}.${ns}.svc.cluster.local\n${ports}`;
        put(ns, `${q(id(o))} [label=${q(label)}, shape=ellipse, style=filled, fillcolor="#e3f6e3"];`);
        for (const w of workloads.filter((w) => nsOf(w) === ns && selects(sel, w))) {
          edges.push(`${q(id(o))} -> ${q(id(w))} [color="#2e7d32", penwidth=2${role === 'preview' ? ', style=dashed' : ''}];`);
        }
        break;
      }
      case 'Ingress': {
        const hosts = (o.spec?.rules ?? []).map((r) => r.host).filter(Boolean).join(', ');
        put(ns, `${q(id(o))} [label=${q(`Ingress ${name}\n${hosts}`)}, shape=house, style=filled, fillcolor="#fff3b0"];`);
        for (const r of o.spec?.rules ?? []) {
          for (const p of r.http?.paths ?? []) {
            const svc = p.backend?.service?.name;
            if (svc) edges.push(`${q(id(o))} -> ${q(`Service/${ns}/${svc}`)} [label=${q(p.path ?? '/')}];`);
          }
        }
        break;
      }
      case 'StorageClass':
        cluster.push(`${q(`StorageClass//${name}`)} [label=${q(`StorageClass ${name}\n${o.provisioner}`)}, shape=folder, style=filled, fillcolor="#f0e0ff"];`);
        break;
      case 'NetworkPolicy': {
        // allows: egress rules of a policy draw consumer -> backend edges
        const from = workloads.filter((w) => nsOf(w) === ns && selects(o.spec?.podSelector?.matchLabels, w));
        for (const rule of o.spec?.egress ?? []) {
          const ports = (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`).join(',');
          for (const peer of rule.to ?? []) {
            const peerNs = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? ns;
            const to = workloads.filter((w) => nsOf(w) === peerNs && selects(peer.podSelector?.matchLabels, w));
            for (const f of from) for (const t of to) edges.push(`${q(id(f))} -> ${q(id(t))} [color="#c62828", fontcolor="#c62828", label=${q(`allow ${ports}`)}];`);
          }
        }
        break;
      }
      default:
        break;
    }
  }

  const lines = ['digraph topology {', '  rankdir=LR; fontname="Helvetica"; node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=9];'];
  const nsObjects = objects.filter((o) => o.kind === 'Namespace');
  for (const [ns, nodes] of [...byNs.entries()].sort()) {
    const nsObj = nsObjects.find((n) => n.metadata.name === ns);
    const psa = nsObj?.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
    lines.push(`  subgraph ${q(`cluster_${ns}`)} { label=${q(`namespace ${ns || '(none)'}${psa ? ` — pod security: ${psa}` : ''}`)}; style=rounded; color="#607d8b";`);
    for (const n of nodes) lines.push(`    ${n}`);
    lines.push('  }');
  }
  for (const n of cluster) lines.push(`  ${n}`);
  for (const e of [...new Set(edges)]) lines.push(`  ${e}`);
  lines.push('}');
  return lines.join('\n');
}

// run as a script (also through a symlink or from a path with spaces, which a `file://${argv[1]}` comparison misses)
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const objects = loadManifests(inDir);
  const viz = await instance();
  const svg = viz.renderString(toDot(objects), { format: 'svg', engine: 'dot' });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, svg);
  console.log(`wrote ${outFile} (${objects.length} objects from ${inDir}/)`);
}
