import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabasePreset, StatefulDatabase } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
const db = new StatefulDatabase(chart, 'db', { ...DatabasePreset.postgres({ version: '16.4' }), clientService: true });
// the values, written into a ConfigMap here only to show them
new kplus.ConfigMap(chart, 'values', {
  metadata: { name: 'db-values' },
  data: {
    'podDnsName(0)': db.podDnsName(0),
    podDnsNames: db.podDnsNames.join(' '),
    serviceFqdn: db.serviceFqdn,
    'endpoint.fqdn': db.endpoint.fqdn,
    'claimNames(data)': db.claimNames('data').join(' '),
  },
});
// #endregion

app.synth();
