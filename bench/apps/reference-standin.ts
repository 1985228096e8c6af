// Stand-in for the reference app (main.ts), used by bench/run.mjs only when main.ts does not exist:
// two environments, each a Namespace and one web unit (8 objects per environment).
import { ApiObject, Chart } from 'cdk8s';
import { KubecraftApp } from '../../lib/core/app';
import { PlainWebStack } from './plain-web-stack';

const app = new KubecraftApp();
for (const env of ['dev', 'prod']) {
  const ns = new Chart(app, `${env}-namespace`);
  new ApiObject(ns, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: env } });
  const chart = new Chart(app, env, { namespace: env });
  chart.addDependency(ns);
  new PlainWebStack(chart, 'web', { name: 'web', image: 'nginx:1.25.3' });
}
app.synth();
