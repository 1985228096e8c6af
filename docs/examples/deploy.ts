import { Chart } from 'cdk8s';
import { ApplySet, KubecraftApp, Namespace, WebApp } from '../../lib';

const app = new KubecraftApp();                      // writes dist/dev.k8s.yaml
const chart = new Chart(app, 'dev', { namespace: 'dev' });

new Namespace(chart, 'namespace', { name: 'dev' });
new WebApp(chart, 'api', { image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 8080 }] });

// every object of the chart, the Namespace included, joins the ApplySet dev/shop: `npm run deploy` applies them
// with `kubectl apply --prune --applyset=configmaps/shop --namespace dev`, which deletes what the chart drops
new ApplySet(chart, 'applyset', { name: 'shop' });

app.synth();
