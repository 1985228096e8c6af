/**
 * The reference app's own values, pinned by behaviour (the whole-app snapshot in main.test.ts only detects
 * drift): reclaim policies, probe paths, the config checksum on every consumer's pod template, claim sizes
 * within the LimitRange and the namespace's totals within its ResourceQuota.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parseQuantityExact } from '../../lib/internal/quantity';
import { DEV, EnvironmentChart, PROD, buildReferenceApp } from '../../reference-app';
import { Manifest, allOf, find, podSpecOf } from '../util';

const PLACEHOLDER = Buffer.from('reference-app-values').toString('hex');
let secretsDir: string;
let charts: Record<string, EnvironmentChart>;
let envs: Record<string, Manifest[]>;

beforeAll(() => {
  secretsDir = mkdtempSync(join(tmpdir(), 'kubecraft-values-'));
  process.env.DEV_DB_PASSWORD = PLACEHOLDER;
  charts = buildReferenceApp(Testing.app(), { secretsDir });
  envs = Object.fromEntries(Object.entries(charts).map(([name, chart]) => [name, Testing.synth(chart)]));
});
afterAll(() => {
  delete process.env.DEV_DB_PASSWORD;
  rmSync(secretsDir, { recursive: true, force: true });
});

const container = (m: Manifest, name: string): Manifest => podSpecOf(m).containers.find((c: Manifest) => c.name === name);
const bytes = (q: string): bigint => parseQuantityExact(q)!.nanos;

describe('reference app values', () => {
  test('reclaim policies: dev deletes its volumes with their claims, prod retains them; claims outlive the StatefulSet in both', () => {
    expect(find(envs.dev, 'StorageClass', 'dev-local').reclaimPolicy).toBe('Delete');
    expect(find(envs.prod, 'StorageClass', 'prod-ssd').reclaimPolicy).toBe('Retain');
    for (const env of ['dev', 'prod']) {
      expect(find(envs[env], 'StatefulSet', 'db').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    }
  });

  test('probe paths and ports: the api on /readyz and /healthz (9898), the web on / and TCP 8080, the db alive on TCP 5432 and ready by pg_isready', () => {
    for (const env of ['dev', 'prod']) {
      const api = container(find(envs[env], 'Deployment', 'api'), 'api');
      expect(api.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 9898, scheme: 'HTTP' });
      expect(api.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 9898, scheme: 'HTTP' });
      for (const slot of ['blue', 'green']) {
        const web = container(find(envs[env], 'Deployment', `web-${slot}`), 'web');
        expect(web.readinessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
        expect(web.livenessProbe.tcpSocket).toEqual({ port: 8080 });
        expect(web.livenessProbe.periodSeconds).toBe(20);
      }
      const db = container(find(envs[env], 'StatefulSet', 'db'), 'db');
      expect(db.livenessProbe.tcpSocket).toEqual({ port: 5432 });
      expect(db.readinessProbe.exec.command.slice(0, 1)).toEqual(['pg_isready']);
    }
  });

  test('the config checksum is on the pod template of every consumer of the bundle (api and db), equal to the bundle\'s', () => {
    for (const env of ['dev', 'prod']) {
      const sum = charts[env].config.checksum;
      expect(sum).toMatch(/^[0-9a-f]{64}$/);
      expect(find(envs[env], 'Deployment', 'api').spec.template.metadata.annotations['checksum/config']).toBe(sum);
      expect(find(envs[env], 'StatefulSet', 'db').spec.template.metadata.annotations['checksum/config']).toBe(sum);
      // the web does not consume the bundle: its pods do not roll when the config changes
      for (const slot of ['blue', 'green']) {
        expect(find(envs[env], 'Deployment', `web-${slot}`).spec.template.metadata.annotations?.['checksum/config']).toBeUndefined();
      }
    }
    expect(charts.dev.config.checksum).not.toBe(charts.prod.config.checksum);
  });

  test('claim sizes are within the LimitRange (100Gi at most) and the settings: dev 1Gi, prod 20Gi', () => {
    for (const [env, settings, size] of [['dev', DEV, '1Gi'], ['prod', PROD, '20Gi']] as const) {
      const max = find(envs[env], 'LimitRange', 'default-limits').spec.limits.find((l: Manifest) => l.type === 'PersistentVolumeClaim').max.storage;
      expect(max).toBe('100Gi');
      const templates = find(envs[env], 'StatefulSet', 'db').spec.volumeClaimTemplates;
      expect(templates.map((t: Manifest) => t.spec.resources.requests.storage)).toEqual([size]);
      expect(bytes(size)).toBeLessThanOrEqual(bytes(max));
      expect(`${settings.db.storageSize.toGibibytes()}Gi`).toBe(size);
    }
  });

  test('each namespace runs within its ResourceQuota at full scale (the synth-time check passed; the numbers pinned here)', () => {
    // cpu requests at full scale: web 2 slots × (replicas + 25% surge), the api at its autoscaler max (+ surge), the db replicas
    const requested = (env: string): bigint => {
      let total = 0n;
      for (const m of [...allOf(envs[env], 'Deployment'), ...allOf(envs[env], 'StatefulSet')]) {
        const hpa = allOf(envs[env], 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === m.metadata.name);
        const replicas = hpa?.spec.maxReplicas ?? m.spec.replicas;
        const surge = m.kind === 'Deployment' ? Math.ceil(replicas * 0.25) : 0;
        const each = podSpecOf(m).containers.reduce((n: bigint, c: Manifest) => n + bytes(c.resources.requests.cpu), 0n);
        total += each * BigInt(replicas + surge);
      }
      return total;
    };
    // dev: web 2 × (2 + 1) × 100m, api (2 + 1) × 50m, db 1 × 100m
    // prod: web 2 × (3 + 1) × 100m, api (10 + 3) × 250m, db primary 1 × 250m and replicas 2 × 250m
    expect(requested('dev')).toBe(bytes('850m'));
    expect(requested('prod')).toBe(bytes('4800m'));
    expect(find(envs.dev, 'ResourceQuota', 'default-quota').spec.hard['requests.cpu']).toBe('4');
    expect(find(envs.prod, 'ResourceQuota', 'default-quota').spec.hard['requests.cpu']).toBe('16');
  });
});
