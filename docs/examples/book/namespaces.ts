// The book's namespace lab (TheK8sBook namespaces/shield-ns.yml and shield-app.yml): a labelled namespace, its
// `default` ServiceAccount, a pod and a NodePort Service selecting it by `env: marvel`.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AppPod, KubecraftApp, Namespace, ServiceType, WorkloadIdentity } from '../../../lib';

const app = new KubecraftApp();

// #region
const chart = new Chart(app, 'shield', { namespace: 'shield' });
new Namespace(chart, 'Namespace', { name: 'shield', labels: { env: 'marvel' } });
new WorkloadIdentity(chart, 'default', { name: 'default' });
const pod = new AppPod(chart, 'triskelion', {
  selectorLabels: { env: 'marvel' },
  containerName: 'bus-ctr',
  image: 'nigelpoulton/k8sbook:shield-01',
  imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
  ports: [{ name: 'http', port: 8080 }],
});
pod.addService('the-bus', { type: ServiceType.NODE_PORT, ports: [{ port: 8080, targetPort: 8080, nodePort: 31112 }] });
// #endregion

app.synth();
