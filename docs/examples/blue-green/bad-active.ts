import { App, Chart } from 'cdk8s';
import { BlueGreenDeployment } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new BlueGreenDeployment(chart, 'web', {
  versions: [{ name: 'blue', image: 'ghcr.io/acme/web:1.4.2' }, { name: 'green', image: 'ghcr.io/acme/web:1.5.0' }],
  activeVersion: 'gren',
});
// #endregion

app.synth();
