import { App, Chart } from 'cdk8s';
import { DatabasePreset, ReplicationMode, SecretSource, StatefulDatabase } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new StatefulDatabase(chart, 'db', {
  ...DatabasePreset.postgres({
    version: '16.4',
    replication: { password: SecretSource.fromEnv('SHOP_DB_REPLICATION_PASSWORD'), mode: ReplicationMode.SYNCHRONOUS },
  }),
  replicas: 2,
});
// #endregion

app.synth();
