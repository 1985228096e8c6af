/** The app of the real-cluster prune test: each variant drops exactly the constructs it says, nothing else changes. */
import { Testing } from 'cdk8s';
import { APPLYSET_ANNOTATION } from '../../lib/deploy/applyset';
import { DeployFixtureChart, NAMESPACE, VARIANTS, Variant } from '../fixtures/deploy-app/app';
import { Manifest } from '../util';

const synth = (variant: Variant): Manifest[] => Testing.synth(new DeployFixtureChart(Testing.app(), 'deploy-e2e', variant));
const byId = (objects: Manifest[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

describe('the deploy fixture app (e2e/test/07-deploy-prune.test.mjs)', () => {
  test('every object of every variant is in the ApplySet deploy-e2e/deploy-e2e', () => {
    for (const v of VARIANTS) {
      for (const o of synth(v)) expect(`${v} ${o.kind}/${o.metadata.name}: ${o.metadata.annotations?.[APPLYSET_ANNOTATION]}`).toBe(`${v} ${o.kind}/${o.metadata.name}: ${NAMESPACE}/${NAMESPACE}`);
    }
  });

  test('without-worker drops one WebApp and one NetworkPolicy; without-storage also a claim and a StorageClass; the rest is unchanged', () => {
    const full = byId(synth('full'));
    const dropped = (v: Variant) => {
      const rest = byId(synth(v));
      for (const [id, o] of rest) expect({ [id]: o }).toEqual({ [id]: full.get(id) });
      return [...full.keys()].filter((id) => !rest.has(id)).sort();
    };
    expect(dropped('without-worker')).toEqual(['Deployment/worker', 'NetworkPolicy/api-from-monitoring', 'Service/worker', 'ServiceAccount/worker']);
    expect(dropped('without-storage')).toEqual([
      'Deployment/worker', 'NetworkPolicy/api-from-monitoring', 'PersistentVolumeClaim/uploads', 'Service/worker', 'ServiceAccount/worker',
      'StorageClass/deploy-e2e-archive',
    ]);
    // the database's claims come from its template (the StatefulSet controller makes them), in every variant
    expect(full.get('StatefulSet/db')?.spec.volumeClaimTemplates.map((t: Manifest) => t.metadata.name)).toEqual(['data']);
  });
});
