import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', replicas: -1 });
// #endregion

app.synth();
