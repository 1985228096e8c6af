import { App, Chart, Duration } from 'cdk8s';
import { WebApp, addDnsWait } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:2.0.1', ports: [{ name: 'http', port: 8080 }] });

// #region
addDnsWait(web.deployment, api, { timeout: Duration.minutes(1) });   // web's pods start once api's name resolves
// #endregion

app.synth();
