// docs-env: API_DB_PASSWORD=example-only-not-a-secret
import { App, Chart } from 'cdk8s';
import { BundleSecret, ConfigBundle, SecretSource, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
const config = new ConfigBundle(chart, 'ApiConfig', {
  name: 'api',
  data: { LOG_LEVEL: 'info' },                                              // literals
  files: { 'app.properties': 'docs/examples/config/app.properties' },        // a file-style key, read at synth
  secret: BundleSecret.opaque({
    DB_PASSWORD: SecretSource.fromEnv('API_DB_PASSWORD'),                   // read from the environment at synth
  }),
});
const api = new WebApp(chart, 'Api', { name: 'api', image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
config.applyTo(api.deployment, {
  env: { DB_PASSWORD: 'DB_PASSWORD', LOG_LEVEL: 'LOG_LEVEL' },  // single keys: secretKeyRef / configMapKeyRef
  configMountPath: '/etc/api',                                  // the ConfigMap's keys as read-only files
});                                                             // and checksum/config on the pod template
// #endregion

app.synth();
