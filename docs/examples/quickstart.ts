import { Chart } from 'cdk8s';
import { KubecraftApp, Namespace, WebApp } from '../../lib';

const app = new KubecraftApp();                      // writes dist/shop.k8s.yaml
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// Pod Security "restricted", a default-deny NetworkPolicy and DNS egress for the namespace
new Namespace(chart, 'namespace', { name: 'shop' });

// Deployment + Service + its own ServiceAccount (no token), restricted pods, explicit resources
const api = new WebApp(chart, 'api', {
  image: 'ghcr.io/acme/api:1.4.2',
  ports: [{ name: 'http', port: 8080, servicePort: 80 }],
  replicas: 3,
  disruptionBudget: true,                            // a PodDisruptionBudget, maxUnavailable 1
});

const web = new WebApp(chart, 'web', {
  image: 'ghcr.io/acme/web:2.0.1',
  ports: [{ name: 'http', port: 8080 }],
  ingress: { host: 'shop.example.com' },             // an Ingress, and a policy admitting the controller
});

// API_URL=http://api.shop.svc.cluster.local, and the two NetworkPolicies that let web reach api on 8080
web.connectTo(api, { env: 'API_URL' });

app.synth();
