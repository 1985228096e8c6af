import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();

// #region
const platform = new Chart(app, 'platform', { namespace: 'platform' });
const shop = new Chart(app, 'shop', { namespace: 'shop' });
const api = new WebApp(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 9000 }] });
const web = new WebApp(shop, 'web', { image: 'ghcr.io/acme/web:2.0.1', ports: [{ name: 'http', port: 8080 }] });

web.connectTo(api, { env: 'API_URL' });   // API_URL=http://api.platform.svc.cluster.local:9000
// #endregion

app.synth();
