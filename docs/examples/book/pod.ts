// The book's first Pod (TKB pods/pod.yml): labels of your own, a named container, a port and resource limits.
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AppPod, KubecraftApp } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'pods');

// #region
new AppPod(chart, 'hello-pod', {
  labels: { zone: 'prod', version: 'v1' },
  containerName: 'hello-ctr',
  image: 'nigelpoulton/k8sbook:1.0',
  ports: [{ name: 'http', port: 8080 }],
  resources: { memoryLimit: Size.mebibytes(256), cpuLimit: kplus.Cpu.units(0.5) },
});
// #endregion

app.synth();
