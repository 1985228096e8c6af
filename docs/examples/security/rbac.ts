import { App, Chart } from 'cdk8s';
import { Rbac } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
Rbac.readOnly(chart, 'read-deployments', { namespace: 'demo', resources: ['deployments'], apiGroups: ['apps'], users: ['sky'] });
// #endregion

app.synth();
