import { App, Chart } from 'cdk8s';
import { BlueGreenDeployment, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new BlueGreenDeployment(chart, 'web', { name: 'web', versions: [{ name: 'blue', image: 'nginx:1.27.3' }], activeVersion: 'blue' });
new WebApp(chart, 'web-blue', { name: 'web-blue', image: 'nginx:1.27.3' }); // its Deployment and Service are web-blue too
// #endregion

app.synth();
