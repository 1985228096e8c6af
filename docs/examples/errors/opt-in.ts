import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new WebApp(chart, 'api', { image: 'nginx:1.27.3', securityContext: { allowPrivilegeEscalation: true } });
// #endregion

app.synth();
