#!/usr/bin/env node
// Assembles a Docker-archive image tarball (the format `ctr images import` and `docker load` read) from layer
// tarballs and an image config, with no registry and no Docker:
//   node mkimage.mjs --out IMG.tar --tag REF [--tag REF...] --layer L1.tar [--layer L2.tar...] --config '{"Entrypoint":[...],...}'
// Layers are uncompressed tars (applied in order); the config's keys are the OCI image config's `config` object
// (Entrypoint, Cmd, Env, User, WorkingDir, ExposedPorts, StopSignal, Labels). Output is deterministic for
// deterministic inputs: fixed created date, no history timestamps.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = { tags: [], layers: [], config: {} };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[++i];
  if (v === undefined) throw new Error(`mkimage: ${a} needs a value`);
  if (a === '--out') opt.out = resolve(v);
  else if (a === '--tag') opt.tags.push(v);
  else if (a === '--layer') opt.layers.push(resolve(v));
  else if (a === '--config') opt.config = JSON.parse(v);
  else throw new Error(`mkimage: unknown option ${a}`);
}
if (!opt.out || opt.tags.length === 0 || opt.layers.length === 0) throw new Error('mkimage: --out, --tag and --layer are required');

const sha256 = (file) =>
  new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });

const work = mkdtempSync(join(dirname(opt.out), '.mkimage-'));
try {
  const diffIds = [];
  const layerNames = [];
  for (const l of opt.layers) {
    const d = await sha256(l);
    diffIds.push(`sha256:${d}`);
    layerNames.push(`${d}.tar`);
    symlinkSync(l, join(work, `${d}.tar`));
  }
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: opt.config,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: opt.layers.map((l) => ({ created: '1970-01-01T00:00:00Z', created_by: `kubecraft e2e/images: ${l.split('/').pop()}` })),
  };
  const configJson = JSON.stringify(config);
  const configName = `${createHash('sha256').update(configJson).digest('hex')}.json`;
  writeFileSync(join(work, configName), configJson);
  writeFileSync(join(work, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: opt.tags, Layers: layerNames }]));
  const tmp = `${opt.out}.tmp`;
  // -h: store the layer files, not the symlinks
  execFileSync('tar', ['-chf', tmp, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', work, '.']);
  renameSync(tmp, opt.out);
  console.log(`${opt.out}: ${opt.tags.join(' ')} (${configName.slice(0, 12)})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
