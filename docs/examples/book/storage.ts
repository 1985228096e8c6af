// The book's storage lab (TKB storage/, the LKE files and the volpod of gke-app.yml): a StorageClass that waits for
// the first consumer and keeps volumes, claims from it, and a pod that mounts one at /data.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AppPod, KubecraftApp, PersistentVolumeClaim, ReclaimPolicy, StorageClass, VolumeBindingMode } from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'storage');

// #region
const blockWaitKeep = new StorageClass(chart, 'block-wait-keep', {
  provisioner: 'linodebs.csi.linode.com',
  allowVolumeExpansion: true,
  volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
  reclaimPolicy: ReclaimPolicy.RETAIN,
});
new PersistentVolumeClaim(chart, 'pvc-lke', {
  size: '10Gi', storageClass: 'linode-block-storage', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
});
const claim = new PersistentVolumeClaim(chart, 'pvc-wait-keep', {
  size: '20Gi', storageClass: blockWaitKeep, accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
});
new AppPod(chart, 'volpod', {
  containerName: 'ubuntu-ctr',
  image: 'ubuntu:latest',
  allowLatest: true, // the book's :latest
  command: ['/bin/bash', '-c', 'sleep 60m'],
  volumes: [{ volume: claim.toVolume({ name: 'data' }), mounts: [{ path: '/data' }] }],
});
// #endregion

app.synth();
