import { App, Chart } from 'cdk8s';
import { ExternalTrafficPolicy, ServiceType, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new WebApp(chart, 'hello', {
  image: 'ghcr.io/acme/hello:1.0.0',
  ports: [{ name: 'http', port: 8080, servicePort: 80, nodePort: 30080 }],
  service: { type: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL },
});
// #endregion

app.synth();
