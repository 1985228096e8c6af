/** The book's storage/ examples (TKB's LKE files, TheK8sBook's default class and static volume), with the public API. */
import { Manifest, bookMismatches, only, synthExample } from './book';

const volpod = (name: string, claimName: string): Manifest => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name },
  spec: {
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    containers: [{
      name: 'ubuntu-ctr', image: 'ubuntu:latest', command: ['/bin/bash', '-c', 'sleep 60m'],
      volumeMounts: [{ mountPath: '/data', name: 'data' }],
    }],
  },
});

describe('book: storage/', () => {
  test('lke-sc-wait-keep.yml, lke-pvc-test.yml, lke-pvc-wait-keep.yml and gke-app.yml (TKB)', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
        metadata: { name: 'block-wait-keep' },
        provisioner: 'linodebs.csi.linode.com', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain',
      },
      {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: 'pvc-lke' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'linode-block-storage', resources: { requests: { storage: '10Gi' } } },
      },
      {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: 'pvc-wait-keep' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'block-wait-keep' },
      },
      volpod('volpod', 'pvc-wait-keep'),
    ];
    expect(bookMismatches(synthExample('storage'), book)).toEqual([]);
  });

  test('google-sc.yml, google-pvc.yml, google-pod.yml and lke-pv.yml (TheK8sBook)', () => {
    const book: Manifest[] = [
      {
        kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1',
        metadata: { name: 'slow', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'kubernetes.io/gce-pd', parameters: { type: 'pd-standard' }, reclaimPolicy: 'Retain',
      },
      {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: { name: 'pv-ticket' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'slow', resources: { requests: { storage: '25Gi' } } },
      },
      volpod('class-pod', 'pv-ticket'),
      {
        apiVersion: 'v1', kind: 'PersistentVolume',
        metadata: { name: 'pv1' },
        spec: {
          accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, persistentVolumeReclaimPolicy: 'Retain',
          csi: { driver: 'linodebs.csi.linode.com', volumeHandle: 'myuber-disk' },
        },
      },
    ];
    const objects = synthExample('storage-default-class');
    expect(bookMismatches(objects, book)).toEqual([]);
    // the book leaves volumeBindingMode to the Kubernetes default (Immediate): the example keeps that behaviour
    expect(only(objects, 'StorageClass', 'slow').volumeBindingMode).toBe('Immediate');
  });
});
