import { App, Chart } from 'cdk8s';
import { RolloutStrategy, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new WebApp(chart, 'api', {
  image: 'ghcr.io/acme/api:1.4.2',
  strategy: RolloutStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }),
});
// #endregion

app.synth();
