// The book's jump pod of the StatefulSets chapter (TheK8sBook statefulsets/jump-pod.yml): a DNS tools image with a
// terminal, to `kubectl exec -it` into and look up the StatefulSet's pods.
import { Chart, Duration } from 'cdk8s';
import { AppPod, KubecraftApp } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'statefulsets');

// #region
new AppPod(chart, 'jump-pod', {
  terminationGracePeriod: Duration.seconds(1),
  containerName: 'jump-ctr',
  image: 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7',
  tty: true,
  stdin: true,
});
// #endregion

app.synth();
