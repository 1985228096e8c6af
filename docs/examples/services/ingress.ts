import { App, Chart } from 'cdk8s';
import { WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new WebApp(chart, 'web', {
  image: 'ghcr.io/acme/web:2.0.1',
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
  ingress: { className: 'nginx', host: 'shop.example.com', tlsSecretName: 'shop-tls' },
});
// #endregion

app.synth();
