// The book's init container (TheK8sBook pods/initpod.yml and initsvc.yml): a pod held back until the Service
// `k8sbook` resolves, by the book's own command, and that Service selecting the pod by `app: initializer`.
import { Chart } from 'cdk8s';
import { AppPod, KubecraftApp, dnsWaitInitContainer } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'pods');

// #region
const pod = new AppPod(chart, 'initpod', {
  selectorLabels: { app: 'initializer' },
  containerName: 'web-ctr',
  image: 'nigelpoulton/web-app:1.0',
  ports: [{ name: 'http', port: 8080 }],
  initContainers: [dnsWaitInitContainer('k8sbook', {
    containerName: 'init-ctr',
    image: 'busybox:1.28.4',
    command: ['sh', '-c', 'until nslookup k8sbook; do echo waiting for k8sbook service; sleep 1; done; echo Service found!'],
  })],
});
pod.addService('k8sbook', { ports: [{ port: 80, targetPort: 8080 }] });
// #endregion

app.synth();
