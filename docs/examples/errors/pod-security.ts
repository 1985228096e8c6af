import { App, Chart } from 'cdk8s';
import { Namespace, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new Namespace(chart, 'ns', { name: 'shop' }); // enforces Pod Security "restricted"
new WebApp(chart, 'legacy', { image: 'nginx:1.27.3', podSecurity: { runAsNonRoot: false, runAsUser: 0, allowRunAsRoot: true } });
// #endregion

app.synth();
