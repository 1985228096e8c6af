import { App, Chart } from 'cdk8s';
import { BundleSecret, ConfigBundle, DatabasePreset, PvcRetention, StatefulDatabase, StorageClass, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });

// #region
const creds = new ConfigBundle(chart, 'db-creds', {
  name: 'db', secret: BundleSecret.existing('db-credentials', { keys: ['password'] }),
});
const db = new StatefulDatabase(chart, 'db', {
  ...DatabasePreset.postgres({
    version: '16.4', size: '20Gi', storageClass: ssd,
    env: { POSTGRES_PASSWORD: creds.envValue('password') },   // secretKeyRef, no value in source
  }),
  clientService: true,                                        // db-client: a ClusterIP Service for all ready pods
  disruptionBudget: true,                                     // PDB maxUnavailable: 1
  pvcRetentionPolicy: { whenScaled: PvcRetention.DELETE },
});
db.connectPrimary(api, { hostEnv: 'PGHOST' });                // PGHOST=db-0.db.demo.svc.cluster.local + policies
creds.annotate(db);                                           // new credentials roll the pods
// #endregion

app.synth();
