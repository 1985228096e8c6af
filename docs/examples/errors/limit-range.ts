import { App, Chart, Size } from 'cdk8s';
import { Namespace, PersistentVolumeClaim } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new Namespace(chart, 'ns', { name: 'shop', limitRange: { maxClaimStorage: Size.gibibytes(100) } });
new PersistentVolumeClaim(chart, 'data', { name: 'data', size: '200Gi' });
// #endregion

app.synth();
