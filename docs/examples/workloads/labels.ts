import { App, Chart } from 'cdk8s';
import { ServiceType, TargetPortStyle, WebApp } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
const web = new WebApp(chart, 'web', {
  image: 'ghcr.io/acme/web:2.0.1',
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
  selectorLabels: { app: 'web' },              // kubectl get pods -l app=web; never a version or an image tag
  labels: { team: 'storefront' },              // on every object and pod
  podLabels: { tier: 'frontend' },             // on the pods only
  annotations: { 'example.com/owner': 'storefront@example.com' },
  service: { name: 'storefront', targetPortStyle: TargetPortStyle.BY_NUMBER },
});
// one more Service over the same pods, opened to external traffic by a NetworkPolicy
web.addService('storefront-lb', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 443, targetPort: 8080 }] });
// #endregion

app.synth();
