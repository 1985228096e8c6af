import { App, Chart } from 'cdk8s';
import { Role, Verb } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new Role(chart, 'too-much', { rules: [{ verbs: [Verb.GET], apiGroups: ['*'], resources: ['*'] }] });
// #endregion

app.synth();
