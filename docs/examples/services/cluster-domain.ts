import { App, Chart } from 'cdk8s';
import { CLUSTER_DOMAIN_CONTEXT, WebApp } from '../../../lib';

// #region
const app = new App();
app.node.setContext(CLUSTER_DOMAIN_CONTEXT, 'k8s.example.com');   // before any chart is added
// #endregion
const chart = new Chart(app, 'prod', { namespace: 'prod' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080, servicePort: 80 }] });
const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:2.0.1', ports: [{ name: 'http', port: 8080 }] });
web.connectTo(api, { env: 'API_URL' });

app.synth();
