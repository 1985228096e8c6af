import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenDeployment } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

new BlueGreenDeployment(chart, 'web', {
  versions: [
    { name: 'blue', image: 'ghcr.io/acme/web:1.4.2' },
    { name: 'green', image: 'ghcr.io/acme/web:1.5.0', env: { FEATURE_X: 'on' } },
  ],
  // #region
  activeVersion: 'green',
  // #endregion
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
  readiness: kplus.Probe.fromHttpGet('/healthz'),
  disruptionBudget: true,
});

app.synth();
