import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DEFAULT_CLASS_ANNOTATION, HostPathType, PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, ReclaimPolicy,
  StorageClass, VolumeBindingMode, storageQuantity,
} from '../../lib/storage/storage';
import { find, synthAll, testChart } from '../util';

describe('StorageClass', () => {
  test('the book\'s flash class: provisioner, parameters, WaitForFirstConsumer and expansion', () => {
    const chart = testChart();
    const flash = new StorageClass(chart, 'flash', {
      provisioner: 'pd.csi.storage.gke.io',
      parameters: { type: 'pd-ssd' },
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      allowVolumeExpansion: true,
    });
    const sc = find(synthAll(chart), 'StorageClass', 'flash');
    expect(sc.apiVersion).toBe('storage.k8s.io/v1');
    expect(sc.provisioner).toBe('pd.csi.storage.gke.io');
    expect(sc.parameters).toEqual({ type: 'pd-ssd' });
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(flash.name).toBe('flash');
  });

  test('is cluster-scoped: no namespace even in a namespaced chart', () => {
    const chart = testChart('prod');
    new StorageClass(chart, 'fast', { provisioner: 'rancher.io/local-path' });
    const sc = find(synthAll(chart), 'StorageClass', 'fast');
    expect(sc.metadata.namespace).toBeUndefined();
  });

  test('defaults: Retain, WaitForFirstConsumer, no expansion, not the default class, recommended labels', () => {
    const chart = testChart();
    const sc = new StorageClass(chart, 'standard', { provisioner: 'rancher.io/local-path' });
    expect(sc.reclaimPolicy).toBe(ReclaimPolicy.RETAIN);
    expect(sc.volumeBindingMode).toBe(VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER);
    const m = find(synthAll(chart), 'StorageClass', 'standard');
    expect(m.reclaimPolicy).toBe('Retain');
    expect(m.allowVolumeExpansion).toBe(false);
    expect(m.metadata.annotations).toBeUndefined();
    expect(m.metadata.labels['app.kubernetes.io/managed-by']).toBe('kubecraft');
    expect(m.metadata.labels['app.kubernetes.io/name']).toBe('standard');
    expect(m).toMatchSnapshot();
  });

  test('Delete, Immediate, mount options and the default-class annotation', () => {
    const chart = testChart();
    new StorageClass(chart, 'sc', {
      name: 'scratch',
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: ReclaimPolicy.DELETE,
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
      mountOptions: ['noatime'],
      isDefault: true,
    });
    const m = find(synthAll(chart), 'StorageClass', 'scratch');
    expect(m.reclaimPolicy).toBe('Delete');
    expect(m.volumeBindingMode).toBe('Immediate');
    expect(m.mountOptions).toEqual(['noatime']);
    expect(m.metadata.annotations).toEqual({ [DEFAULT_CLASS_ANNOTATION]: 'true' });
  });

  test('rejects an invalid name, provisioner, binding mode and empty mount option', () => {
    const chart = testChart();
    expect(() => new StorageClass(chart, 'Flash', { provisioner: 'x.io/y' })).toThrow(/test\/Flash: 'name' must be a DNS-1123 subdomain/);
    expect(() => new StorageClass(chart, 'a', { provisioner: '' })).toThrow(/'provisioner' must be a provisioner name/);
    expect(() => new StorageClass(chart, 'b', { provisioner: 'x.io/y', volumeBindingMode: 'Later' as VolumeBindingMode }))
      .toThrow(/'volumeBindingMode' must be one of WaitForFirstConsumer, Immediate, got "Later"/);
    expect(() => new StorageClass(chart, 'c', { provisioner: 'x.io/y', reclaimPolicy: 'Recycle' as ReclaimPolicy }))
      .toThrow(/'reclaimPolicy' must be one of Retain, Delete, got "Recycle"/);
    expect(() => new StorageClass(chart, 'd', { provisioner: 'x.io/y', mountOptions: [' '] })).toThrow(/^test\/d: 'mountOptions\[0\]' must not be empty, got " "$/);
  });
});

describe('storageQuantity', () => {
  test('keeps quantity strings and renders Size in the largest exact binary unit', () => {
    const chart = testChart();
    expect(storageQuantity(chart, 'size', '10Gi')).toBe('10Gi');
    expect(storageQuantity(chart, 'size', '1.5Gi')).toBe('1.5Gi');
    expect(storageQuantity(chart, 'size', Size.gibibytes(20))).toBe('20Gi');
    expect(storageQuantity(chart, 'size', Size.mebibytes(512))).toBe('512Mi');
    expect(storageQuantity(chart, 'size', Size.mebibytes(1536))).toBe('1536Mi');
    expect(storageQuantity(chart, 'size', Size.tebibytes(1))).toBe('1Ti');
  });

  test('rejects non-quantities and zero', () => {
    const chart = testChart();
    expect(() => storageQuantity(chart, 'size', '10GB')).toThrow(/test: 'size' must be a Kubernetes quantity such as "10Gi" or "500m", got "10GB"/);
    expect(() => storageQuantity(chart, 'size', '0')).toThrow(/'size' must be greater than zero, got "0"/);
    expect(() => storageQuantity(chart, 'size', '-1Gi')).toThrow(/'size' must be greater than zero/);
    expect(() => storageQuantity(chart, 'size', Size.gibibytes(0))).toThrow(/'size' must be greater than zero/);
  });
});

describe('PersistentVolume', () => {
  test('a CSI volume: capacity as a string, access modes, reclaim policy, class, labels, no namespace', () => {
    const chart = testChart();
    const flash = new StorageClass(chart, 'flash', { provisioner: 'ebs.csi.aws.com' });
    new PersistentVolume(chart, 'pv', {
      name: 'disk-a',
      size: '100Gi',
      source: PersistentVolumeSource.csi({ driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0abc', fsType: 'ext4' }),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
      reclaimPolicy: ReclaimPolicy.DELETE,
      storageClass: flash,
      labels: { tier: 'gold' },
    });
    const m = find(synthAll(chart), 'PersistentVolume', 'disk-a');
    expect(m.metadata.namespace).toBeUndefined();
    expect(m.spec.capacity).toEqual({ storage: '100Gi' });
    expect(typeof m.spec.capacity.storage).toBe('string');
    expect(m.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(m.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(m.spec.storageClassName).toBe('flash');
    expect(m.spec.csi).toEqual({ driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0abc', fsType: 'ext4' });
    expect(m.metadata.labels.tier).toBe('gold');
    expect(m.metadata.labels['app.kubernetes.io/name']).toBe('disk-a');
  });

  test('hostPath and NFS sources', () => {
    const chart = testChart();
    new PersistentVolume(chart, 'local', { size: '1Gi', source: PersistentVolumeSource.hostPath('/mnt/data', HostPathType.DIRECTORY) });
    new PersistentVolume(chart, 'share', { size: '5Gi', source: PersistentVolumeSource.nfs({ server: 'nfs.example.com', path: '/exports/a', readOnly: true }), mountOptions: ['nfsvers=4.1'] });
    const out = synthAll(chart);
    expect(find(out, 'PersistentVolume', 'local').spec.hostPath).toEqual({ path: '/mnt/data', type: 'Directory' });
    const nfs = find(out, 'PersistentVolume', 'share');
    expect(nfs.spec.nfs).toEqual({ server: 'nfs.example.com', path: '/exports/a', readOnly: true });
    expect(nfs.spec.mountOptions).toEqual(['nfsvers=4.1']);
    expect(nfs.spec.persistentVolumeReclaimPolicy).toBe('Retain');
  });

  test('reserve() makes a claim for exactly this volume, with a size, and binds both ways (claimRef with namespace)', () => {
    const chart = testChart('demo');
    const pv = new PersistentVolume(chart, 'pv1', { size: '500Mi', source: PersistentVolumeSource.hostPath('/data/pv1') });
    const claim = pv.reserve();
    expect(pv.reserve()).toBe(claim);
    const out = synthAll(chart);
    const pvc = find(out, 'PersistentVolumeClaim', 'pvc-pv1');
    expect(pvc.metadata.namespace).toBe('demo');
    expect(pvc.spec.volumeName).toBe('pv1');
    expect(pvc.spec.resources.requests.storage).toBe('500Mi');
    expect(pvc.spec.storageClassName).toBe('');
    expect(find(out, 'PersistentVolume', 'pv1').spec.claimRef).toEqual({ name: 'pvc-pv1', namespace: 'demo' });
  });

  test('rejects a bad size, access modes, source and reclaim policy', () => {
    const chart = testChart();
    const source = PersistentVolumeSource.hostPath('/d');
    expect(() => new PersistentVolume(chart, 'a', { size: '10GB', source })).toThrow(/test\/a: 'size' must be a Kubernetes quantity/);
    expect(() => new PersistentVolume(chart, 'b', { size: '0Gi', source })).toThrow(/test\/b: 'size' must be greater than zero/);
    expect(() => new PersistentVolume(chart, 'c', { size: '1Gi', source, accessModes: [] })).toThrow(/'accessModes' must contain at least one access mode/);
    expect(() => new PersistentVolume(chart, 'd', { size: '1Gi', source, accessModes: ['ReadWriteAll' as kplus.PersistentVolumeAccessMode] }))
      .toThrow(/'accessModes' must contain only ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod, got "ReadWriteAll"/);
    expect(() => new PersistentVolume(chart, 'e', {
      size: '1Gi', source, accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD, kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    })).toThrow(/must not combine ReadWriteOncePod with other access modes/);
    expect(() => new PersistentVolume(chart, 'f', { size: '1Gi', source: PersistentVolumeSource.hostPath('data') })).toThrow(/'source.path' must be an absolute path, got "data"/);
    expect(() => new PersistentVolume(chart, 'g', { size: '1Gi', source: PersistentVolumeSource.nfs({ server: '', path: '/x' }) })).toThrow(/'source.server'/);
    expect(() => new PersistentVolume(chart, 'h', { size: '1Gi', source: PersistentVolumeSource.csi({ driver: 'd', volumeHandle: '' }) })).toThrow(/'source.volumeHandle' must not be empty/);
    expect(() => new PersistentVolume(chart, 'i', { size: '1Gi', source, reclaimPolicy: 'Recycle' as ReclaimPolicy })).toThrow(/'reclaimPolicy' must be one of Retain, Delete/);
    expect(() => new PersistentVolume(chart, 'j', { size: '1Gi', source, storageClass: 'Fast_SSD' })).toThrow(/'storageClass' must be a DNS-1123 subdomain/);
    expect(() => new PersistentVolume(chart, 'k', { size: '1Gi', source: PersistentVolumeSource.csi({ driver: '', volumeHandle: 'vol-1' }) }))
      .toThrow(/^test\/k: 'source.driver' must be a CSI driver name such as "ebs.csi.aws.com" \(at most 63 alphanumerics, '-', '_' and '.'\), got ""$/);
    expect(() => new PersistentVolume(chart, 'l', { size: '1Gi', source: PersistentVolumeSource.nfs({ server: 'nfs.example.com', path: 'exports' }) }))
      .toThrow(/'source.path' must be an absolute path, got "exports"/);
    expect(() => new PersistentVolume(chart, 'm', { size: '1Gi', source: { kind: 'csi' } as unknown as PersistentVolumeSource }))
      .toThrow(/'source' must be a PersistentVolumeSource \(csi, hostPath or nfs\), got \{"kind":"csi"\}/);
    expect(() => new PersistentVolume(chart, 'n', { size: '1Gi', source, labels: { 'not a key': 'x' } })).toThrow(/test\/n: 'labels' must be a valid label key .*, got "not a key"/);
    expect(() => new PersistentVolume(chart, 'o', { size: '1Gi', source, labels: { tier: 'gold!' } })).toThrow(/'labels\["tier"\]' must be a valid label value/);
  });
});

describe('PersistentVolumeClaim', () => {
  test('defaults: ReadWriteOnce, cluster default class, exact size string', () => {
    const chart = testChart();
    const claim = new PersistentVolumeClaim(chart, 'uploads', { size: '2Gi' });
    expect(claim.size).toBe('2Gi');
    const m = find(synthAll(chart), 'PersistentVolumeClaim', 'uploads');
    expect(m.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(m.spec.storageClassName).toBeUndefined();
    expect(m.spec.resources).toEqual({ requests: { storage: '2Gi' } });
    expect(m).toMatchSnapshot();
  });

  test('a size given as Size that is not whole gibibytes stays exact (cdk8s-plus would throw)', () => {
    const chart = testChart();
    new PersistentVolumeClaim(chart, 'small', { size: Size.mebibytes(512) });
    expect(find(synthAll(chart), 'PersistentVolumeClaim', 'small').spec.resources.requests.storage).toBe('512Mi');
  });

  test('class from a StorageClass construct (applied after it), selector and access modes', () => {
    const chart = testChart();
    const early = new Construct(chart, 'a-early'); // earlier in the tree than the class: only the dependency orders them
    const flash = new StorageClass(chart, 'flash', { provisioner: 'x.io/y' });
    new PersistentVolumeClaim(early, 'shared', {
      size: '1Gi',
      storageClass: flash,
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY],
      selector: { tier: 'gold' },
    });
    const out = synthAll(chart);
    const m = find(out, 'PersistentVolumeClaim', 'shared');
    expect(m.spec.storageClassName).toBe('flash');
    expect(m.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(m.spec.selector).toEqual({ matchLabels: { tier: 'gold' } });
    const kinds = out.map((o) => o.kind);
    expect(kinds.indexOf('StorageClass')).toBeLessThan(kinds.indexOf('PersistentVolumeClaim'));
  });

  test('toVolume() gives a pod volume from the claim, mountable by any kplus workload', () => {
    const chart = testChart();
    const claim = new PersistentVolumeClaim(chart, 'uploads', { size: '2Gi' });
    const vol = claim.toVolume({ name: 'uploads' });
    expect(claim.toVolume({ name: 'uploads' })).toBe(vol);
    expect(() => claim.toVolume({ name: 'uploads', readOnly: true }))
      .toThrow(/test\/uploads: 'toVolume.name' "uploads" is already used by a volume of this claim with readOnly: false, got readOnly: true/);
    expect(claim.toVolume({ name: 'uploads-ro', readOnly: true })).not.toBe(vol);
    const pod = new kplus.Pod(chart, 'pod', { metadata: { name: 'p' }, containers: [{ image: 'busybox:1.36', resources: {} }] });
    pod.containers[0].mount('/data', vol);
    const spec = find(synthAll(chart), 'Pod', 'p').spec;
    expect(spec.volumes).toEqual([{ name: 'uploads', persistentVolumeClaim: { claimName: 'uploads', readOnly: false } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'uploads', mountPath: '/data' }]);
  });

  test('rejects a bad size, access modes, empty selector and bad selector label', () => {
    const chart = testChart();
    expect(() => new PersistentVolumeClaim(chart, 'a', { size: 'ten' })).toThrow(/test\/a: 'size' must be a Kubernetes quantity such as "10Gi" or "500m", got "ten"/);
    expect(() => new PersistentVolumeClaim(chart, 'b', { size: '0' })).toThrow(/test\/b: 'size' must be greater than zero, got "0"/);
    expect(() => new PersistentVolumeClaim(chart, 'c', {
      size: '1Gi', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE, kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    })).toThrow(/'accessModes' must not contain duplicates/);
    expect(() => new PersistentVolumeClaim(chart, 'd', { size: '1Gi', selector: {} })).toThrow(/'selector' must contain at least one label, got \{\}/);
    expect(() => new PersistentVolumeClaim(chart, 'e', { size: '1Gi', selector: { tier: 'no spaces' } })).toThrow(/'selector\["tier"\]' must be a valid label value/);
    expect(() => new PersistentVolumeClaim(chart, 'f', { size: '1Gi', name: 'Bad_Name' })).toThrow(/'name' must be a DNS-1123 subdomain/);
    expect(() => new PersistentVolumeClaim(chart, 'g', { size: '1Gi', selector: { '-tier': 'gold' } })).toThrow(/test\/g: 'selector' must be a valid label key .*, got "-tier"/);
    expect(() => new PersistentVolumeClaim(chart, 'h', { size: 10 as unknown as string })).toThrow(/^test\/h: 'size' must be a Kubernetes quantity such as "10Gi" or a cdk8s Size, got 10$/);
  });
});

describe('storage input checks (Kubernetes rules, JavaScript callers)', () => {
  const src = PersistentVolumeSource.hostPath('/data');
  test.each([
    ['an unknown volumeMode on a claim', () => new PersistentVolumeClaim(testChart(), 'c', { size: '1Gi', volumeMode: 'Raw' as kplus.PersistentVolumeMode }),
      'test/c: \'volumeMode\' must be one of Filesystem, Block, got "Raw"'],
    ['an unknown volumeMode on a volume', () => new PersistentVolume(testChart(), 'v', { size: '1Gi', source: src, volumeMode: 'Disk' as kplus.PersistentVolumeMode }),
      'test/v: \'volumeMode\' must be one of Filesystem, Block, got "Disk"'],
    ['a negative size', () => new PersistentVolumeClaim(testChart(), 'c', { size: '-1Gi' }), 'test/c: \'size\' must be greater than zero, got "-1Gi"'],
    ['a NaN Size', () => new PersistentVolumeClaim(testChart(), 'c', { size: Size.gibibytes(NaN) }), /^test\/c: 'size' must be a cdk8s Size \(e.g. Size.mebibytes\(512\)\), got /],
    ['access modes as a string (JavaScript)', () => new PersistentVolumeClaim(testChart(), 'c', { size: '1Gi', accessModes: 'ReadWriteOnce' as unknown as kplus.PersistentVolumeAccessMode[] }),
      /^test\/c: 'accessModes' must contain at least one access mode .*got "ReadWriteOnce"$/],
    ['an unknown hostPath type', () => new PersistentVolume(testChart(), 'v', { size: '1Gi', source: PersistentVolumeSource.hostPath('/d', 'Socket' as HostPathType) }),
      'test/v: \'source.type\' must be one of DirectoryOrCreate, Directory, FileOrCreate, File, got "Socket"'],
    ['a number as a CSI attribute (JavaScript)', () => new PersistentVolume(testChart(), 'v', { size: '1Gi', source: PersistentVolumeSource.csi({ driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1', volumeAttributes: { iops: 3000 as unknown as string } }) }),
      'test/v: \'source.volumeAttributes["iops"]\' must be a string, got 3000'],
    ['parameters given as a string (JavaScript)', () => new StorageClass(testChart(), 's', { provisioner: 'ebs.csi.aws.com', parameters: 'type=gp3' as unknown as Record<string, string> }),
      'test/s: \'parameters\' must be an object of key-value pairs, got "type=gp3"'],
    ['a string isDefault (JavaScript)', () => new StorageClass(testChart(), 's', { provisioner: 'ebs.csi.aws.com', isDefault: 'true' as unknown as boolean }),
      'test/s: \'isDefault\' must be true or false, got "true"'],
    ['mount options given as a string (JavaScript)', () => new StorageClass(testChart(), 's', { provisioner: 'ebs.csi.aws.com', mountOptions: 'noatime' as unknown as string[] }),
      'test/s: \'mountOptions\' must be an array of strings, got "noatime"'],
    ['a mount option twice', () => new StorageClass(testChart(), 's', { provisioner: 'ebs.csi.aws.com', mountOptions: ['noatime', 'noatime'] }),
      'test/s: \'mountOptions\' must not contain duplicates, got "noatime" twice'],
    ['an empty selector', () => new PersistentVolumeClaim(testChart(), 'c', { size: '1Gi', selector: {} }), 'test/c: \'selector\' must contain at least one label, got {}'],
    ['a volume that is not one (JavaScript)', () => new PersistentVolumeClaim(testChart(), 'c', { size: '1Gi', volume: 'pv-1' as unknown as PersistentVolume }),
      'test/c: \'volume\' must be a PersistentVolume, got "pv-1"'],
  ])('refuses %s', (_n, build, message) => {
    expect(build).toThrow(typeof message === 'string' ? new Error(message) : message);
  });

  test('any valid quantity is a size (1536Ki, 1e3, 0.5Gi) and a Size renders exactly', () => {
    const chart = testChart();
    new PersistentVolumeClaim(chart, 'a', { size: '1536Ki' });
    new PersistentVolumeClaim(chart, 'b', { size: '1e9' });
    new PersistentVolumeClaim(chart, 'c', { size: Size.kibibytes(1536) });
    const all = synthAll(chart);
    expect(find(all, 'PersistentVolumeClaim', 'a').spec.resources.requests.storage).toBe('1536Ki');
    expect(find(all, 'PersistentVolumeClaim', 'b').spec.resources.requests.storage).toBe('1e9');
    expect(find(all, 'PersistentVolumeClaim', 'c').spec.resources.requests.storage).toBe('1536Ki');
  });

  test('a name longer than a label value allows is kept as the name and cut in app.kubernetes.io/name', () => {
    const chart = testChart();
    const name = `${'a'.repeat(70)}.example`;
    new PersistentVolumeClaim(chart, 'c', { name, size: '1Gi' });
    const m = find(synthAll(chart), 'PersistentVolumeClaim', name);
    expect(m.metadata.labels['app.kubernetes.io/name']).toBe('a'.repeat(63));
    expect(m.metadata.labels['app.kubernetes.io/instance']).toBe('a'.repeat(63));
  });
});
