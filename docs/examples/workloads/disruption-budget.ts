import { App, Chart } from 'cdk8s';
import { DisruptionBudget } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new DisruptionBudget(chart, 'db', {
  selector: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' },
  minAvailable: 2,
  replicas: 3,            // lets it check that the budget can ever allow a disruption
});
// #endregion

app.synth();
