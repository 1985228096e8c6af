import { App, Chart } from 'cdk8s';
import { ApiGroup, READ_VERBS, WebApp, grantApiAccess } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
grantApiAccess(api.deployment, {
  rules: [{ verbs: READ_VERBS, apiGroups: [ApiGroup.CORE], resources: ['configmaps'] }],
  expirationSeconds: 3600,                              // a short-lived token, refreshed by the kubelet
});
// #endregion

app.synth();
