// docs-env: TKB_USERNAME=nigelpoulton
// docs-env: TKB_PASSWORD=Password123
// The book's Secret and the pod that mounts it (TheK8sBook configmaps/tkb-secret.yml, secretpod.yml). The values
// are the book's public demo values, read from the environment at synth time: no value is written in the code.
import { Chart } from 'cdk8s';
import { AppPod, BundleSecret, ConfigBundle, KubecraftApp, SecretSource } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'configmaps');

// #region
const tkb = new ConfigBundle(chart, 'tkb-secret', {
  name: 'tkb',
  secretName: 'tkb-secret',
  labels: { chapter: 'configmaps' },
  secret: BundleSecret.opaque({ username: SecretSource.fromEnv('TKB_USERNAME'), password: SecretSource.fromEnv('TKB_PASSWORD') }),
});
new AppPod(chart, 'secret-pod', {
  labels: { topic: 'secrets' },
  containerName: 'secret-ctr',
  image: 'nginx',
  allowLatest: true, // the book's untagged image
  volumes: [{ volume: tkb.secretVolume({ name: 'secret-vol' }), mounts: [{ path: '/etc/tkb', readOnly: true }] }],
});
// #endregion

app.synth();
