// The 2025 edition's native sidecar (TKB pods/initsidecar.yml): git-sync as an init container with
// `restartPolicy: Always`, which Kubernetes 1.29 and newer start before the app container and keep running.
import { Chart } from 'cdk8s';
import { AppPod, KubecraftApp, ServiceType } from '../../../lib';

// #region
const app = new KubecraftApp({ kubernetesVersion: '1.29' }); // native sidecars need 1.29 or newer
const chart = new Chart(app, 'pods');

const pod = new AppPod(chart, 'git-sync', {
  selectorLabels: { app: 'sidecar' },
  containerName: 'ctr-web',
  image: 'nginx',
  allowLatest: true, // the book's untagged image
  sidecars: [{
    name: 'ctr-sync',
    native: true,
    image: 'k8s.gcr.io/git-sync:v3.1.6',
    env: {
      GIT_SYNC_REPO: 'https://github.com/nigelpoulton/ps-sidecar.git',
      GIT_SYNC_BRANCH: 'master',
      GIT_SYNC_DEPTH: '1',
      GIT_SYNC_DEST: 'html',
    },
  }],
  sharedVolumes: [{
    name: 'html',
    mounts: [{ container: 'ctr-sync', path: '/tmp/git' }, { container: 'ctr-web', path: '/usr/share/nginx/' }],
  }],
});
pod.addService('svc-sidecar', { type: ServiceType.LOAD_BALANCER, ports: [{ port: 80 }] });
// #endregion

app.synth();
