import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
const api = new WebApp(chart, 'api', {
  image: 'ghcr.io/acme/api:1.4.2',                         // a tag or digest is required (no :latest unless allowLatest)
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],  // Service port 80 -> targetPort "http"
  readiness: kplus.Probe.fromHttpGet('/healthz'),          // a probe without a port uses the first port
  disruptionBudget: true,                                  // PodDisruptionBudget maxUnavailable: 1
});
const web = new WebApp(chart, 'web', {
  image: 'ghcr.io/acme/web:2.0.1',
  ports: [{ name: 'http', port: 8080 }],
});
web.connectTo(api, { env: 'API_URL' });  // API_URL=http://api.demo.svc.cluster.local + two NetworkPolicies
// #endregion

app.synth();
