import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenDeployment, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080, servicePort: 80 }] });

// #region
const web = new BlueGreenDeployment(chart, 'web', {
  versions: [
    { name: 'blue', image: 'ghcr.io/acme/web:1.4.2' },
    { name: 'green', image: 'ghcr.io/acme/web:1.5.0', env: { FEATURE_X: 'on' } },
  ],
  activeVersion: 'blue',                                   // 'green' = cut-over, back to 'blue' = rollback
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
  readiness: kplus.Probe.fromHttpGet('/healthz'),
  disruptionBudget: true,                                  // one PDB per version
});
web.connectTo(api, { env: 'API_URL' });                    // every version gets API_URL
// #endregion

app.synth();
