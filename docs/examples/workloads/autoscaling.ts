import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new WebApp(chart, 'search', {
  image: 'ghcr.io/acme/search:5.0.3',
  ports: [{ name: 'http', port: 8080 }],
  autoscaling: { minReplicas: 2, maxReplicas: 8, cpuUtilizationPercent: 70 },  // replicas is then left to the HPA
});
// #endregion

app.synth();
