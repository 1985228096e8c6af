import { App, Chart } from 'cdk8s';
import {
  BundleSecret, ConfigBundle, DatabasePreset, ReplicationMode, StatefulDatabase, StorageClass, WebApp,
} from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });
const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
const api = new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });
const reports = new WebApp(chart, 'reports', { image: 'ghcr.io/acme/reports:2.0.1', ports: [{ name: 'http', port: 8080 }] });

// #region
const creds = new ConfigBundle(chart, 'db-creds', {
  name: 'db', secret: BundleSecret.existing('db-credentials', { keys: ['password', 'replication-password'] }),
});
const db = new StatefulDatabase(chart, 'db', {
  ...DatabasePreset.postgres({
    version: '16.4', size: '20Gi', storageClass: ssd,
    env: { POSTGRES_USER: 'shop', POSTGRES_PASSWORD: creds.envValue('password') },
    replication: {
      password: { bundle: creds, key: 'replication-password' },  // or a SecretSource: never a literal
      mode: ReplicationMode.SYNCHRONOUS,                        // a commit returns once a replica has it too
    },
  }),
  replicas: 3,                                                  // db-0 (primary), db-replica-0 and -1
});
db.connectPrimary(api, { env: 'DATABASE_URL', scheme: 'postgres' });       // db-rw: the primary only
db.connectReadOnly(api, { env: 'DATABASE_READ_URL', scheme: 'postgres' }); // db-ro: the replicas only
db.connectReadOnly(reports, { env: 'DATABASE_URL', scheme: 'postgres' });
creds.annotate(db);
// #endregion

app.synth();
