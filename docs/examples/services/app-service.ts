import { App, Chart } from 'cdk8s';
import { AppService } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new AppService(chart, 'db', {
  headless: true,                                     // clusterIP: None, one DNS record per ready pod
  selector: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' },
  ports: [{ name: 'pg', port: 5432, targetPort: 'pg' }],
  podPorts: [{ name: 'pg', port: 5432 }],             // resolves the named targetPort for NetworkPolicies
  publishNotReadyAddresses: true,
});
// #endregion

app.synth();
