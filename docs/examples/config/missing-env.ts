import { App, Chart } from 'cdk8s';
import { BundleSecret, ConfigBundle, SecretSource } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'prod', { namespace: 'prod' });

// #region
new ConfigBundle(chart, 'ApiConfig', {
  name: 'api',
  secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv('DOCS_UNSET_DB_PASSWORD') }),
});
// #endregion

app.synth();
