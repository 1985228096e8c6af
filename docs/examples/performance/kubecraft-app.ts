import { Chart } from 'cdk8s';
import { KubecraftApp, WebApp } from '../../../lib';

const app = new KubecraftApp();                    // writes to $CDK8S_OUTDIR, else dist/
for (const team of ['payments', 'search']) {
  const chart = new Chart(app, team, { namespace: team });
  new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2' });
}
app.synth();                                       // dist/payments.k8s.yaml, dist/search.k8s.yaml
