// The book's sidecar (TheK8sBook pods/sidecar-local.yml): nginx serves what git-sync writes into a shared
// emptyDir, behind a NodePort Service on 30001.
import { Chart } from 'cdk8s';
import { AppPod, KubecraftApp, ServiceType } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'pods');

// #region
const pod = new AppPod(chart, 'git-sync', {
  selectorLabels: { app: 'sidecar' },
  containerName: 'ctr-web',
  image: 'nginx',
  allowLatest: true, // the book's untagged image
  sidecars: [{
    name: 'ctr-sync',
    image: 'registry.k8s.io/git-sync/git-sync:v4.1.0',
    env: {
      GIT_SYNC_REPO: 'https://github.com/nigelpoulton/ps-sidecar.git',
      GIT_SYNC_BRANCH: 'master',
      GIT_SYNC_DEPTH: '1',
      GIT_SYNC_DEST: 'html',
    },
  }],
  sharedVolumes: [{
    name: 'html',
    mounts: [{ container: 'ctr-web', path: '/usr/share/nginx/' }, { container: 'ctr-sync', path: '/tmp/git' }],
  }],
});
pod.addService('svc-sidecar', { type: ServiceType.NODE_PORT, ports: [{ port: 80, nodePort: 30001 }] });
// #endregion

app.synth();
