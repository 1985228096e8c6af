import { Chart } from 'cdk8s';
import { KubecraftApp, WebApp } from '../../../lib';

// #region
const app = new KubecraftApp({ kubernetesVersion: '1.29' });   // the oldest API server the manifests must work on
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
api.addSidecar('proxy', {
  native: true,   // an init container with restartPolicy: Always: started before the app, stopped after it
  image: 'ghcr.io/acme/proxy:0.9.0',
  ports: [{ name: 'admin', port: 9901 }],
});
// #endregion

app.synth();
