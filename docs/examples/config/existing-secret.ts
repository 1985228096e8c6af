import { App, Chart } from 'cdk8s';
import { BundleSecret, ConfigBundle, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'prod', { namespace: 'prod' });

// #region
const creds = new ConfigBundle(chart, 'db-creds', {
  name: 'db',
  secret: BundleSecret.existing('api-db-credentials', { keys: ['DB_PASSWORD'], revision: '2026-11' }),
});
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
api.addEnv('DB_PASSWORD', creds.envValue('DB_PASSWORD'));   // secretKeyRef to the existing Secret
creds.annotate(api);                                         // bump revision after rotating: the pods roll
// #endregion

app.synth();
