import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 9000, servicePort: 80 }] });
const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:2.0.1', ports: [{ name: 'http', port: 8080 }] });

web.connectTo(api, { env: 'API_URL' });   // API_URL=http://api.demo.svc.cluster.local
// #endregion

app.synth();
