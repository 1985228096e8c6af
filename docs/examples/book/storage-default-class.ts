// The book's default StorageClass (TheK8sBook storage/google-sc.yml, google-pvc.yml, google-pod.yml) and a static
// PersistentVolume (storage/lke-pv.yml).
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AppPod, KubecraftApp, PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, ReclaimPolicy, StorageClass, VolumeBindingMode,
} from '../../../lib';

const app = new KubecraftApp();
const chart = new Chart(app, 'storage');

// #region
const slow = new StorageClass(chart, 'slow', {
  isDefault: true,
  provisioner: 'kubernetes.io/gce-pd',
  parameters: { type: 'pd-standard' },
  reclaimPolicy: ReclaimPolicy.RETAIN,
  volumeBindingMode: VolumeBindingMode.IMMEDIATE, // the Kubernetes default the book relies on
});
const ticket = new PersistentVolumeClaim(chart, 'pv-ticket', {
  size: '25Gi', storageClass: slow, accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
});
new AppPod(chart, 'class-pod', {
  containerName: 'ubuntu-ctr',
  image: 'ubuntu:latest',
  allowLatest: true, // the book's :latest
  command: ['/bin/bash', '-c', 'sleep 60m'],
  volumes: [{ volume: ticket.toVolume({ name: 'data' }), mounts: [{ path: '/data' }] }],
});

new PersistentVolume(chart, 'pv1', {
  size: '10Gi',
  accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
  reclaimPolicy: ReclaimPolicy.RETAIN,
  source: PersistentVolumeSource.csi({ driver: 'linodebs.csi.linode.com', volumeHandle: 'myuber-disk' }),
});
// #endregion

app.synth();
