import { Chart } from 'cdk8s';
import { KubecraftApp, WebApp } from '../../../lib';

const app = new KubecraftApp();   // targets Kubernetes 1.27 by default
const chart = new Chart(app, 'shop', { namespace: 'shop' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });

// #region
api.addSidecar('proxy', { native: true, image: 'ghcr.io/acme/proxy:0.9.0' });
// #endregion

app.synth();
