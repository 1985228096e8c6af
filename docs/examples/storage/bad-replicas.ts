import { App, Chart } from 'cdk8s';
import { DatabasePreset, StatefulDatabase } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new StatefulDatabase(chart, 'db', { ...DatabasePreset.postgres({ version: '16.4' }), replicas: 3 });
// #endregion

app.synth();
