// Reads the *.k8s.yaml / *.yaml manifests of a directory (file-name order, like `kubectl apply -f DIR`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** @returns {{file: string, obj: any}[]} every non-empty document, in apply order */
export function loadManifests(dir) {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`no manifests in ${dir}`);
  const out = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${f}: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (obj && typeof obj === 'object' && obj.kind) out.push({ file: f, obj });
    }
  }
  return out;
}

export const objects = (dir) => loadManifests(dir).map((m) => m.obj);
export const ofKind = (objs, kind) => objs.filter((o) => o.kind === kind);

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export function storageClasses(objs) {
  return ofKind(objs, 'StorageClass').map((sc) => ({
    name: sc.metadata.name,
    provisioner: sc.provisioner,
    isDefault: sc.metadata.annotations?.[DEFAULT_CLASS] === 'true',
  }));
}
