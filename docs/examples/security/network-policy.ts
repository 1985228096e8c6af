import { App, Chart } from 'cdk8s';
import { NetworkPeer, NetworkPolicy, NetworkPort } from '../../../lib';

const app = new App();
const chart = new Chart(app, 'demo', { namespace: 'demo' });

// #region
new NetworkPolicy(chart, 'db-from-backup', {
  podSelector: { 'app.kubernetes.io/name': 'db' },
  ingress: [{
    peers: [NetworkPeer.podsInNamespaces({ app: 'backup' }, { team: 'ops' }), NetworkPeer.namespaceNamed('monitoring')],
    ports: [NetworkPort.tcp(5432), NetworkPort.named('metrics'), NetworkPort.tcpRange(9000, 9100)],
  }],
  egress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['10.1.0.0/16'])], ports: [NetworkPort.udp(123)] }],
});
// #endregion

app.synth();
