import { App, Chart } from 'cdk8s';
import { NetworkPeer, NetworkPolicy, NetworkPort } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// #region
new NetworkPolicy(chart, 'from-office', {
  podSelector: { 'app.kubernetes.io/name': 'api' },
  ingress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['192.168.1.0/24'])], ports: [NetworkPort.tcp(8080)] }],
});
// #endregion

app.synth();
