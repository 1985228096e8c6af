import { App, Chart } from 'cdk8s';
import { BlueGreenDeployment, TrafficMode } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new BlueGreenDeployment(chart, 'web', {
  versions: [
    { name: 'stable', image: 'ghcr.io/acme/web:1.4.2', replicas: 9 },
    { name: 'canary', image: 'ghcr.io/acme/web:1.5.0', replicas: 1 },   // about 10% of the requests
  ],
  activeVersion: 'stable',
  trafficMode: TrafficMode.CANARY,          // the stable Service selects every version
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
});
// #endregion

app.synth();
