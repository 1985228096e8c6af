import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as pub from '../../lib';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BundleSecret, ConfigBundle } from '../../lib/config/config-bundle';
import {
  DatabaseReplication, POD_NAME_LABEL, PvcRetention, StatefulDatabase, StatefulDatabaseProps,
} from '../../lib/workload/stateful-database';
import { DatabasePreset, POSTGRES_ENV } from '../../lib/workload/postgres';
import { StorageClass } from '../../lib/storage/storage';
import { WebApp } from '../../lib/workload/web-app';
import { CLUSTER_DOMAIN_CONTEXT } from '../../lib/network/wiring';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';

const independent = DatabaseReplication.independent();

const base: StatefulDatabaseProps = {
  image: 'postgres:16.4',
  ports: [{ name: 'postgres', port: 5432 }],
  volumeClaimTemplates: [{ name: 'data', size: '10Gi', mountPath: '/var/lib/postgresql/data' }],
};

function mainContainer(sts: Manifest, name: string): Manifest {
  const c = podSpecOf(sts).containers.find((x: Manifest) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

describe('StatefulDatabase', () => {
  // nigelpoulton/TheK8sBook statefulsets/{gcp-sc,headless-svc,sts}.yml and nigelpoulton/TKB statefulsets/app.yml,
  // with the public API only; every value the book sets is asserted
  const BOOK = [
    { repo: 'TheK8sBook', sc: 'flash', provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' }, reclaimPolicy: undefined, storage: '1Gi' },
    { repo: 'TKB', sc: 'block', provisioner: 'linodebs.csi.linode.com', parameters: undefined, reclaimPolicy: pub.ReclaimPolicy.DELETE, storage: '10Gi' },
  ];
  test.each(BOOK)('the book\'s StatefulSet example ($repo): StorageClass $sc, headless Service dullahan, tkb-sts with a webroot claim template', (book) => {
    const chart = testChart('default');
    const sc = new pub.StorageClass(chart, book.sc, {
      name: book.sc,
      provisioner: book.provisioner,
      parameters: book.parameters,
      reclaimPolicy: book.reclaimPolicy,
      volumeBindingMode: pub.VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      allowVolumeExpansion: true,
    });
    const sts = new pub.StatefulDatabase(chart, 'web', {
      name: 'tkb-sts',
      serviceName: 'dullahan',
      labels: { app: 'web' },            // the book's label on every object (its Service has it) and on the pods
      selectorLabels: { app: 'web' },    // and the book's selector: every selector is exactly app=web
      replicas: 3,
      replication: pub.DatabaseReplication.independent(), // three web servers, one webroot each: independent on purpose
      image: 'nginx:latest',
      allowLatest: true,
      containerName: 'ctr-web',
      ports: [{ name: 'web', port: 80 }],
      terminationGracePeriod: Duration.seconds(10),
      volumeClaimTemplates: [{ name: 'webroot', size: book.storage, mountPath: '/usr/share/nginx/html', storageClass: sc }],
      writablePaths: ['/tmp', '/var/cache/nginx', '/var/run'],
    });
    const out = synthAll(chart);

    const storageClass = find(out, 'StorageClass', book.sc);
    expect(storageClass.apiVersion).toBe('storage.k8s.io/v1');
    expect(storageClass.provisioner).toBe(book.provisioner);
    expect(storageClass.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(storageClass.allowVolumeExpansion).toBe(true);
    if (book.parameters) expect(storageClass.parameters).toEqual(book.parameters);
    if (book.reclaimPolicy) expect(storageClass.reclaimPolicy).toBe('Delete');

    const svc = find(out, 'Service', 'dullahan');
    expect(svc.apiVersion).toBe('v1');
    expect(svc.metadata.labels.app).toBe('web');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual({ app: 'web' });
    expect(svc.spec.ports).toHaveLength(1);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, name: 'web' });
    expect(sts.governingService.backendPorts[0].targetPort).toBe(80); // the book's default targetPort: the port

    const set = find(out, 'StatefulSet', 'tkb-sts');
    expect(set.apiVersion).toBe('apps/v1');
    expect(set.spec.replicas).toBe(3);
    expect(set.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(set.spec.serviceName).toBe('dullahan');
    expect(set.spec.template.metadata.labels).toMatchObject({ app: 'web' });
    expect(set.spec.template.spec.terminationGracePeriodSeconds).toBe(10);
    expect(podSpecOf(set).containers).toHaveLength(1);
    const ctr = mainContainer(set, 'ctr-web');
    expect(ctr.image).toBe('nginx:latest');
    expect(ctr.ports).toEqual([{ containerPort: 80, name: 'web', protocol: 'TCP' }]);
    expect(ctr.volumeMounts).toContainEqual({ name: 'webroot', mountPath: '/usr/share/nginx/html' });
    expect(set.spec.volumeClaimTemplates).toHaveLength(1);
    expect(set.spec.volumeClaimTemplates[0].metadata.name).toBe('webroot');
    expect(set.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: book.sc, resources: { requests: { storage: book.storage } } });
    // the claim is not a pod volume: the StatefulSet controller adds one claim per pod
    expect(podSpecOf(set).volumes.map((v: Manifest) => v.name)).not.toContain('webroot');
    expect(sts.claimNames('webroot')).toEqual(['webroot-tkb-sts-0', 'webroot-tkb-sts-1', 'webroot-tkb-sts-2']);
    expect(sts.podDnsNames).toEqual([
      'tkb-sts-0.dullahan.default.svc.cluster.local',
      'tkb-sts-1.dullahan.default.svc.cluster.local',
      'tkb-sts-2.dullahan.default.svc.cluster.local',
    ]);
    // kubectl get pods -l app=web: every pod carries the book's label
    expect(set.spec.template.metadata.labels.app).toBe('web');
  });

  test('own labels on every object and the pods, own selector labels instead of name and instance in every selector, annotations', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', {
      ...base, replicas: 2, replication: independent, labels: { team: 'data' }, selectorLabels: { app: 'shop-db' }, podLabels: { tier: 'storage' },
      annotations: { 'example.com/owner': 'data' }, podAnnotations: { 'example.com/scrape': 'true' },
      governingService: { labels: { exposure: 'internal' }, annotations: { 'example.com/dns': 'headless' } }, clientService: true, disruptionBudget: true,
    });
    const out = synthAll(chart);
    for (const o of out) {
      expect(o.metadata.labels).toMatchObject({ team: 'data', 'app.kubernetes.io/name': 'db' });
      expect(o.metadata.annotations).toMatchObject({ 'example.com/owner': 'data' });
    }
    const set = find(out, 'StatefulSet', 'db');
    expect(set.spec.template.metadata.labels).toMatchObject({ team: 'data', app: 'shop-db', tier: 'storage', 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/version': '16.4' });
    expect(set.spec.template.metadata.annotations).toEqual({ 'example.com/scrape': 'true' });
    const selector = { app: 'shop-db' };
    expect(set.spec.selector.matchLabels).toEqual(selector);
    expect(find(out, 'Service', 'db').spec.selector).toEqual(selector);
    expect(find(out, 'Service', 'db-client').spec.selector).toEqual(selector);
    expect(find(out, 'PodDisruptionBudget', 'db').spec.selector.matchLabels).toEqual(selector);
    expect(podSpecOf(set).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels).toEqual(selector);
    expect(set.spec.volumeClaimTemplates[0].metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'kubecraft' });
    expect(find(out, 'Service', 'db').metadata.labels.exposure).toBe('internal');
    expect(find(out, 'Service', 'db').metadata.annotations).toEqual({ 'example.com/owner': 'data', 'example.com/dns': 'headless' });
    expect(find(out, 'Service', 'db-client').metadata.labels.exposure).toBeUndefined();
    expect(find(out, 'Service', 'db').metadata.labels.tier).toBeUndefined();
  });

  describe('labels and selectors that are refused', () => {
    const cases: [string, Partial<StatefulDatabaseProps>, string][] = [
      ['a recommended key in labels', { labels: { 'app.kubernetes.io/part-of': 'x' } },
        "test/db: 'labels' must not set the recommended label \"app.kubernetes.io/part-of\": use the matching prop (name, instance, version, component, partOf)"],
      ['a controller key in podLabels', { podLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } },
        "test/db: 'podLabels' must not set \"statefulset.kubernetes.io/pod-name\": the StatefulSet controller sets it per pod"],
      ['the version in the selector', { selectorLabels: { 'app.kubernetes.io/version': '16.4' } },
        "test/db: 'selectorLabels' must not contain \"app.kubernetes.io/version\": it changes with every release, and a workload's selector is immutable"],
      ['the image tag as a selector value', { selectorLabels: { release: '16.4' } },
        "test/db: 'selectorLabels[\"release\"]' must not be a version or image tag (it would change with a release, and a workload's selector is immutable), got \"16.4\""],
      ['an empty selector', { selectorLabels: {} },
        "test/db: 'selectorLabels' must contain at least one label (leave it out for app.kubernetes.io/name and instance), got {}"],
      ['another name in the selector', { selectorLabels: { 'app.kubernetes.io/name': 'other' } },
        "test/db: 'selectorLabels[\"app.kubernetes.io/name\"]' must equal the recommended label the construct sets (\"db\"), got \"other\""],
      ['a pod label contradicting the selector', { labels: { app: 'a' }, selectorLabels: { app: 'b' } },
        "test/db: 'labels[\"app\"]' must not give the pods another value than 'selectorLabels' (\"b\"), got \"a\""],
      ['a bad label value', { labels: { app: 'a b' } }, "test/db: 'labels[\"app\"]' must be a valid label value"],
      ['an annotation that is not a string', { annotations: { a: 1 as unknown as string } }, "test/db: 'annotations[\"a\"]' must be a string, got 1"],
      ['a kubecraft.dev label on the governing Service', { governingService: { labels: { 'kubecraft.dev/replication-role': 'x' } } },
        "test/db: 'governingService.labels' must not set \"kubecraft.dev/replication-role\": kubecraft sets it on the primary and the replicas of a replication"],
    ];
    test.each(cases)('%s', (_label, override, message) => {
      expect(() => new StatefulDatabase(testChart(), 'db', { ...base, ...override })).toThrow(message);
    });
  });

  test('serviceName links to the headless governing Service, whose selector matches the pod template and the StatefulSet selector', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', base);
    const out = synthAll(chart);
    const set = find(out, 'StatefulSet', 'db');
    const svc = find(out, 'Service', set.spec.serviceName);
    expect(db.governingService.name).toBe('db');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(false);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' });
    expect(set.spec.selector).toEqual({ matchLabels: svc.spec.selector });
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(set.spec.template.metadata.labels[k]).toBe(v);
    // the Service is applied before the StatefulSet
    const kinds = out.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.indexOf('Service/db')).toBeLessThan(kinds.indexOf('StatefulSet/db'));
  });

  test('names are stable and readable; recommended labels on every object and the pod template; selector = name + instance', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...base, partOf: 'shop', clientService: true, disruptionBudget: true });
    const out = synthAll(chart);
    const names = out.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual(['PodDisruptionBudget/db', 'Service/db', 'Service/db-client', 'ServiceAccount/db', 'StatefulSet/db']);
    for (const o of out) {
      expect(o.metadata.labels).toEqual(expect.objectContaining({
        'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/component': 'database',
        'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'kubecraft', 'app.kubernetes.io/version': '16.4',
      }));
    }
    const set = find(out, 'StatefulSet', 'db');
    expect(set.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('16.4');
    expect(Object.keys(set.spec.template.metadata.labels).some((k) => k.startsWith('cdk8s.io'))).toBe(false);
    expect(set.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' });
    // claim templates are immutable: only labels that never change (no version, component or part-of)
    expect(set.spec.volumeClaimTemplates[0].metadata.labels).toEqual({
      'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('quantities synthesize as strings, never null, for every template (string or Size)', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', {
      ...base,
      volumeClaimTemplates: [
        { name: 'data', size: '10Gi', mountPath: '/var/lib/postgresql/data' },
        { name: 'wal', size: '1536Mi', mountPath: '/var/lib/postgresql/wal', accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD], storageClass: 'fast' },
      ],
    });
    const set = find(synthAll(chart), 'StatefulSet', 'db');
    const storage = set.spec.volumeClaimTemplates.map((t: Manifest) => t.spec.resources.requests.storage);
    expect(storage).toEqual(['10Gi', '1536Mi']);
    for (const s of storage) expect(typeof s).toBe('string');
    const wal = set.spec.volumeClaimTemplates.find((t: Manifest) => t.metadata.name === 'wal');
    expect(wal.spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(wal.spec.storageClassName).toBe('fast');
    const mounts = mainContainer(set, 'db').volumeMounts;
    expect(mounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(mounts).toContainEqual({ name: 'wal', mountPath: '/var/lib/postgresql/wal' });
  });

  test('addVolumeClaimTemplate after construction is emitted and mounted, with a subPath', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...base, volumeClaimTemplates: [] });
    db.addVolumeClaimTemplate({ name: 'data', size: '5Gi', mountPath: '/data', subPath: 'pg' });
    const set = find(synthAll(chart), 'StatefulSet', 'db');
    expect(set.spec.volumeClaimTemplates.map((t: Manifest) => t.metadata.name)).toEqual(['data']);
    expect(mainContainer(set, 'db').volumeMounts).toContainEqual({ name: 'data', mountPath: '/data', subPath: 'pg' });
  });

  test('a StatefulDatabase without templates emits no volumeClaimTemplates', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'cache', { image: 'redis:7.4', ports: [{ name: 'redis', port: 6379 }] });
    expect(find(synthAll(chart), 'StatefulSet', 'cache').spec.volumeClaimTemplates).toBeUndefined();
  });

  test('a StorageClass construct used by a template is applied before the StatefulSet', () => {
    const chart = testChart();
    const early = new Construct(chart, 'a-early'); // earlier in the tree than the class: only the dependency orders them
    const flash = new StorageClass(chart, 'flash', { provisioner: 'x.io/y' });
    new StatefulDatabase(early, 'db', { ...base, volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', storageClass: flash }] });
    const kinds = synthAll(chart).map((o) => o.kind);
    expect(kinds.indexOf('StorageClass')).toBeLessThan(kinds.indexOf('StatefulSet'));
  });

  test('pod management, update strategy with partition, retention policy, minReadySeconds, grace period, history', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', {
      ...base,
      replicas: 3,
      replication: independent,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      updateStrategy: kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 }),
      pvcRetentionPolicy: { whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.RETAIN },
      minReadySeconds: 15,
      terminationGracePeriodSeconds: 120,
      revisionHistoryLimit: 3,
      publishNotReadyAddresses: true,
    });
    const out = synthAll(chart);
    const set = find(out, 'StatefulSet', 'db');
    expect(set.spec.podManagementPolicy).toBe('Parallel');
    expect(set.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(set.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    expect(set.spec.minReadySeconds).toBe(15);
    expect(set.spec.revisionHistoryLimit).toBe(3);
    expect(set.spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(find(out, 'Service', 'db').spec.publishNotReadyAddresses).toBe(true);
    expect(db.pvcRetentionPolicy).toEqual({ whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.RETAIN });
  });

  test('OnDelete update strategy', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...base, updateStrategy: kplus.StatefulSetUpdateStrategy.onDelete() });
    expect(find(synthAll(chart), 'StatefulSet', 'db').spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('defaults: 1 replica, OrderedReady, RollingUpdate partition 0, claims retained, 30 s grace, no client Service or PDB', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', base);
    expect(db.replicas).toBe(1);
    expect(db.clientService).toBeUndefined();
    expect(db.disruptionBudget).toBeUndefined();
    const out = synthAll(chart);
    const set = find(out, 'StatefulSet', 'db');
    expect(set.spec.replicas).toBe(1);
    expect(set.spec.podManagementPolicy).toBe('OrderedReady');
    expect(set.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(set.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(set.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(allOf(out, 'PodDisruptionBudget')).toHaveLength(0);
    expect(out).toMatchSnapshot();
  });

  test('the pod passes Pod Security "restricted": own ServiceAccount without token, fsGroup for the volume, seccomp, writable emptyDirs', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...base, podSecurity: { runAsUser: 999, runAsGroup: 999 }, writablePaths: ['/tmp', '/var/run/postgresql'] });
    const out = synthAll(chart);
    const set = find(out, 'StatefulSet', 'db');
    const spec = podSpecOf(set);
    expect(restrictedViolations(spec)).toEqual([]);
    expect(spec.securityContext).toEqual(expect.objectContaining({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }));
    expect(spec.serviceAccountName).toBe('db');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(find(out, 'ServiceAccount', 'db').automountServiceAccountToken).toBe(false);
    const c = mainContainer(set, 'db');
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'tmp', mountPath: '/tmp' }, { name: 'var-run-postgresql', mountPath: '/var/run/postgresql' },
    ]));
    expect(spec.volumes.filter((v: Manifest) => v.emptyDir).map((v: Manifest) => v.name).sort()).toEqual(['tmp', 'var-run-postgresql']);
  });

  test('probes (exec and TCP) and resources are passed to the main container', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', {
      ...base,
      readiness: kplus.Probe.fromCommand(['pg_isready', '-h', '127.0.0.1']),
      liveness: kplus.Probe.fromTcpSocket({ port: 5432 }),
      resources: { memoryLimit: Size.gibibytes(1) },
    });
    const c = mainContainer(find(synthAll(chart), 'StatefulSet', 'db'), 'db');
    expect(c.readinessProbe.exec.command).toEqual(['pg_isready', '-h', '127.0.0.1']);
    expect(c.livenessProbe.tcpSocket.port).toBe(5432);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '1024Mi', 'ephemeral-storage': '512Mi' } });
  });

  test('credentials and config from a ConfigBundle: env values, envFrom, a read-only volume and the rollout annotation', () => {
    const chart = testChart();
    const bundle = new ConfigBundle(chart, 'pg-config', {
      name: 'pg',
      data: { POSTGRES_DB: 'shop', 'postgresql.conf': 'max_connections = 50\n' },
      secret: BundleSecret.existing('pg-credentials', { keys: ['password'] }),
    });
    const db = new StatefulDatabase(chart, 'db', {
      ...base,
      env: { [POSTGRES_ENV.PASSWORD]: bundle.envValue('password') },
      envFrom: bundle.envFrom(),
      volumes: [{ volume: bundle.configVolume(), mountPath: '/etc/postgresql' }],
      podAnnotations: { 'example.com/team': 'data' },
    });
    bundle.annotate(db.statefulSet);
    const set = find(synthAll(chart), 'StatefulSet', 'db');
    const c = mainContainer(set, 'db');
    expect(c.env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-credentials', key: 'password' } } });
    expect(c.envFrom).toEqual(expect.arrayContaining([expect.objectContaining({ secretRef: { name: 'pg-credentials' } })]));
    const mount = c.volumeMounts.find((m: Manifest) => m.mountPath === '/etc/postgresql');
    expect(mount.readOnly).toBe(true);
    expect(podSpecOf(set).volumes.find((v: Manifest) => v.name === mount.name).configMap).toBeDefined();
    expect(set.spec.template.metadata.annotations['example.com/team']).toBe('data');
    expect(set.spec.template.metadata.annotations['checksum/config']).toBe(bundle.checksum);
  });

  test('ConfigBundle.applyTo works on the StatefulSet workload', () => {
    const chart = testChart();
    const bundle = new ConfigBundle(chart, 'cfg', { name: 'db-cfg', data: { MODE: 'primary' } });
    const db = new StatefulDatabase(chart, 'db', base);
    bundle.applyTo(db.statefulSet);
    const set = find(synthAll(chart), 'StatefulSet', 'db');
    expect(mainContainer(set, 'db').envFrom).toEqual([{ configMapRef: { name: bundle.configMapName } }]);
    expect(set.spec.template.metadata.annotations['checksum/config']).toBe(bundle.checksum);
  });

  describe('DNS names', () => {
    test('per-pod names, the list for all replicas and the governing Service FQDN', () => {
      const chart = testChart('prod');
      const db = new StatefulDatabase(chart, 'db', { ...base, replicas: 2, replication: independent });
      expect(db.podName(1)).toBe('db-1');
      expect(db.podDnsName(0)).toBe('db-0.db.prod.svc.cluster.local');
      expect(db.podDnsNames).toEqual(['db-0.db.prod.svc.cluster.local', 'db-1.db.prod.svc.cluster.local']);
      expect(db.serviceFqdn).toBe('db.prod.svc.cluster.local');
      expect(db.endpoint.fqdn).toBe('db.prod.svc.cluster.local');
    });

    test('a chart without a namespace uses "default"', () => {
      const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
      const db = new StatefulDatabase(chart, 'db', { ...base, serviceName: 'db-hl' });
      expect(db.podDnsName(0)).toBe('db-0.db-hl.default.svc.cluster.local');
    });

    test('a cluster domain set by context is used for the per-pod names too', () => {
      const app = Testing.app();
      app.node.setContext(CLUSTER_DOMAIN_CONTEXT, 'k8s.example.com');
      const chart = new Chart(app, 'test', { namespace: 'prod', disableResourceNameHashes: true });
      const db = new StatefulDatabase(chart, 'db', { ...base, replicas: 2, replication: independent });
      const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
      db.connectPrimary(web, { env: 'PRIMARY_URL', scheme: 'postgres', hostEnv: 'PGHOST' });
      expect(db.serviceFqdn).toBe('db.prod.svc.k8s.example.com');
      expect(db.podDnsNames).toEqual(['db-0.db.prod.svc.k8s.example.com', 'db-1.db.prod.svc.k8s.example.com']);
      expect(db.podBackend(1).endpoint.fqdn).toBe('db-1.db.prod.svc.k8s.example.com');
      const env = mainContainer(find(synthAll(chart), 'Deployment', 'web'), 'web').env;
      expect(env).toContainEqual({ name: 'PGHOST', value: 'db-0.db.prod.svc.k8s.example.com' });
      expect(env).toContainEqual({ name: 'PRIMARY_URL', value: 'postgres://db-0.db.prod.svc.k8s.example.com:5432' });
    });

    test('an ordinal outside the replicas is refused', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', { ...base, replicas: 2, replication: independent });
      expect(() => db.podDnsName(2)).toThrow(/test\/db: 'ordinal' must be between 0 and 1, got 2/);
      expect(() => db.podName(-1)).toThrow(/'ordinal' must be between 0 and 1, got -1/);
    });
  });

  describe('wiring', () => {
    test('web.connectTo(db) uses the governing Service without a client Service, and allows the pod port', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
      web.connectTo(db, { env: 'DATABASE_URL', scheme: 'postgres' });
      const out = synthAll(chart);
      const c = mainContainer(find(out, 'Deployment', 'web'), 'web');
      expect(c.env).toContainEqual({ name: 'DATABASE_URL', value: 'postgres://db.demo.svc.cluster.local:5432' });
      const ingress = find(out, 'NetworkPolicy', 'db-from-web');
      expect(ingress.spec.podSelector.matchLabels).toEqual(db.podSelector);
      expect(ingress.spec.ingress[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
    });

    test('with a client Service, the endpoint is the client Service', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', { ...base, clientService: { name: 'db-rw' } });
      const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
      web.connectTo(db, { env: 'DATABASE_URL', scheme: 'postgres' });
      const out = synthAll(chart);
      expect(find(out, 'Service', 'db-rw').spec.clusterIP).toBeUndefined();
      expect(find(out, 'Service', 'db-rw').spec.type).toBe('ClusterIP');
      expect(mainContainer(find(out, 'Deployment', 'web'), 'web').env)
        .toContainEqual({ name: 'DATABASE_URL', value: 'postgres://db-rw.demo.svc.cluster.local:5432' });
    });

    test('connectPrimary hands the primary\'s per-pod DNS name to a consumer and allows only that pod', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', { ...base, replicas: 3, replication: independent });
      const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
      db.connectPrimary(web, { env: 'PRIMARY_URL', scheme: 'postgres', hostEnv: 'PGHOST' });
      const out = synthAll(chart);
      const env = mainContainer(find(out, 'Deployment', 'web'), 'web').env;
      expect(env).toContainEqual({ name: 'PGHOST', value: 'db-0.db.demo.svc.cluster.local' });
      expect(env).toContainEqual({ name: 'PRIMARY_URL', value: 'postgres://db-0.db.demo.svc.cluster.local:5432' });
      const ingress = find(out, 'NetworkPolicy', 'db-0-from-web');
      expect(ingress.spec.podSelector.matchLabels).toEqual({ ...db.podSelector, [POD_NAME_LABEL]: 'db-0' });
      expect(db.primary).toBe(db.podBackend(0));
    });

    test('the database is a consumer too (addEnv, connectTo)', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      const web = new WebApp(chart, 'metrics', { image: 'nginx:1.27.3' });
      db.connectTo(web, { env: 'METRICS_URL' });
      db.addEnv('MODE', 'primary');
      const env = mainContainer(find(synthAll(chart), 'StatefulSet', 'db'), 'db').env;
      expect(env).toContainEqual({ name: 'METRICS_URL', value: 'http://metrics.demo.svc.cluster.local:8080' });
      expect(env).toContainEqual({ name: 'MODE', value: 'primary' });
      expect(() => db.addEnv('MODE', 'x')).toThrow(/'env' already has a variable "MODE"/);
    });
  });

  test('an optional PodDisruptionBudget selecting the pods', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...base, replicas: 3, replication: independent, disruptionBudget: { minAvailable: 2 } });
    const pdb = find(synthAll(chart), 'PodDisruptionBudget', 'db');
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' });
  });

  test('an init container is restricted and gets its own writable paths', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', base);
    db.addInitContainer('init-perms', { image: 'busybox:1.36', command: ['sh', '-c', 'true'] });
    const spec = podSpecOf(find(synthAll(chart), 'StatefulSet', 'db'));
    expect(spec.initContainers.map((c: Manifest) => c.name)).toEqual(['init-perms']);
    expect(spec.volumes.map((v: Manifest) => v.name)).toContain('init-perms-tmp');
    expect(restrictedViolations(spec)).toEqual([]);
  });

  describe('DatabasePreset.postgres', () => {
    test('pg_isready names the POSTGRES_USER given as a literal env value', () => {
      const chart = testChart();
      new StatefulDatabase(chart, 'db', DatabasePreset.postgres({ version: '16.4', env: { POSTGRES_USER: 'shop' } }));
      const c = mainContainer(find(synthAll(chart), 'StatefulSet', 'db'), 'db');
      expect(c.readinessProbe.exec.command).toEqual(['pg_isready', '-U', 'shop', '-h', '127.0.0.1', '-p', '5432']);
      expect(c.startupProbe.exec.command).toEqual(c.readinessProbe.exec.command);
    });

    test('image, port 5432, data claim with PGDATA in a subdirectory, pg_isready and TCP probes, uid 10001, writable dirs', () => {
      const chart = testChart();
      const flash = new StorageClass(chart, 'flash', { provisioner: 'x.io/y' });
      new StatefulDatabase(chart, 'db', DatabasePreset.postgres({ version: '16.4', size: '20Gi', storageClass: flash }));
      const set = find(synthAll(chart), 'StatefulSet', 'db');
      const c = mainContainer(set, 'db');
      expect(c.image).toBe('postgres:16.4');
      expect(c.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
      expect(c.env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
      // a user name for libpq: uid 10001 has no passwd entry, so without -U pg_isready answers "no attempt"
      expect(c.readinessProbe.exec.command).toEqual(['pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5432']);
      expect(c.livenessProbe.tcpSocket).toEqual({ port: 5432 });
      expect(c.livenessProbe).not.toEqual(c.readinessProbe);
      expect(c.startupProbe.exec.command[0]).toBe('pg_isready');
      expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
      expect(set.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'flash', resources: { requests: { storage: '20Gi' } } });
      expect(podSpecOf(set).securityContext).toEqual(expect.objectContaining({ runAsUser: 10001, fsGroup: 10001 }));
      expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'tmp', mountPath: '/tmp' }, { name: 'var-run-postgresql', mountPath: '/var/run/postgresql' }]));
      expect(restrictedViolations(podSpecOf(set))).toEqual([]);
    });

    test('rejects an empty version', () => {
      expect(() => DatabasePreset.postgres({ version: '' })).toThrow(/DatabasePreset.postgres: 'version' must be an image tag/);
    });
  });

  describe('validation', () => {
    const cases: [string, Partial<StatefulDatabaseProps>, RegExp][] = [
      ['replicas < 1', { replicas: 0 }, /test\/db: 'replicas' must be >= 1, got 0/],
      ['negative replicas', { replicas: -1 }, /'replicas' must be >= 1, got -1/],
      ['size not a quantity', { volumeClaimTemplates: [{ name: 'data', size: '10GB', mountPath: '/data' }] }, /'volumeClaimTemplates\[0\].size' must be a Kubernetes quantity such as "10Gi" or "500m", got "10GB"/],
      ['zero size', { volumeClaimTemplates: [{ name: 'data', size: '0Gi', mountPath: '/data' }] }, /'volumeClaimTemplates\[0\].size' must be greater than zero, got "0Gi"/],
      ['template name colliding with a writable emptyDir', { volumeClaimTemplates: [{ name: 'tmp', size: '1Gi', mountPath: '/data' }] }, /'volumeClaimTemplates\[0\].name' must not collide with pod volume "tmp"/],
      ['duplicate template names', {
        volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/a' }, { name: 'data', size: '1Gi', mountPath: '/b' }],
      }, /'volumeClaimTemplates\[1\].name' must be unique among the volume claim templates, got "data" twice/],
      ['ReadOnlyMany access mode', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', accessModes: [kplus.PersistentVolumeAccessMode.READ_ONLY_MANY] }] }, /'volumeClaimTemplates\[0\].accessModes' must not contain ReadOnlyMany/],
      ['unknown access mode', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', accessModes: ['RWO' as kplus.PersistentVolumeAccessMode] }] }, /'volumeClaimTemplates\[0\].accessModes' must contain only ReadWriteOnce/],
      ['no access mode', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', accessModes: [] }] }, /'volumeClaimTemplates\[0\].accessModes' must contain at least one access mode/],
      ['partition > replicas', { replicas: 3, replication: independent, updateStrategy: kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 4 }) }, /'updateStrategy.partition' must be between 0 and replicas \(3\), got 4/],
      ['empty data path', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '' }] }, /'volumeClaimTemplates\[0\].mountPath' must be the absolute data path where the claim is mounted, got ""/],
      ['relative data path', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: 'data' }] }, /'volumeClaimTemplates\[0\].mountPath' must be an absolute path, got "data"/],
      ['data path on a writable path', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/tmp/' }] }, /'volumeClaimTemplates\[0\].mountPath' mounts "\/tmp\/", which is already a mount path/],
      ['bad subPath', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', subPath: '../x' }] }, /'volumeClaimTemplates\[0\].subPath' must be a relative path without '..'/],
      ['bad template name', { volumeClaimTemplates: [{ name: 'Data', size: '1Gi', mountPath: '/data' }] }, /'volumeClaimTemplates\[0\].name' must be a DNS-1123 label/],
      ['bad storage class name', { volumeClaimTemplates: [{ name: 'data', size: '1Gi', mountPath: '/data', storageClass: 'Fast SSD' }] }, /'volumeClaimTemplates\[0\].storageClass' must be a DNS-1123 subdomain/],
      ['no ports', { ports: [] }, /'ports' must contain at least one port \(the governing Service and the per-pod DNS names need one\), got \[\]/],
      ['name too long for the controller-revision-hash label', { name: 'a'.repeat(53) }, /'name' must be a DNS-1123 label .* at most 52 characters/],
      ['client Service named like the governing one', { clientService: { name: 'db' } }, /'clientService.name' must differ from the database's other Service names \(db\), got "db"/],
      ['unknown retention', { pvcRetentionPolicy: { whenDeleted: 'Keep' as PvcRetention } }, /'pvcRetentionPolicy.whenDeleted' must be one of Retain, Delete, got "Keep"/],
      ['unknown pod management policy', { podManagementPolicy: 'Random' as kplus.PodManagementPolicy }, /'podManagementPolicy' must be one of OrderedReady, Parallel, got "Random"/],
      ['negative minReadySeconds', { minReadySeconds: -1 }, /'minReadySeconds' must be >= 0, got -1/],
      ['negative revisionHistoryLimit', { revisionHistoryLimit: -1 }, /'revisionHistoryLimit' must be >= 0, got -1/],
      ['negative terminationGracePeriodSeconds', { terminationGracePeriodSeconds: -1 }, /'terminationGracePeriodSeconds' must be >= 0, got -1/],
      ['bad serviceName', { serviceName: 'DB' }, /test\/db: 'serviceName' must be a DNS-1123 label .* got "DB"/],
      ['an extra volume that is not a kplus.Volume', { volumes: [{ volume: {} as kplus.Volume, mountPath: '/etc/db' }] }, /'volumes\[0\].volume' must be a kplus.Volume, got \{\}/],
      ['PDB that blocks every disruption', { replicas: 2, replication: independent, disruptionBudget: { minAvailable: 2 } }, /'disruptionBudget.minAvailable' must be lower than the 2 replica\(s\)/],
      ['latest image', { image: 'postgres' }, /'image' must carry an explicit tag or digest/],
    ];
    test.each(cases)('%s', (_label, override, error) => {
      const chart = testChart();
      expect(() => new StatefulDatabase(chart, 'db', { ...base, ...override })).toThrow(error);
    });

    test('an extra volume named like a claim template is refused', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      const vol = kplus.Volume.fromEmptyDir(chart, 'v', 'data');
      expect(() => db.mount({ volume: vol, mountPath: '/other' })).toThrow(/'volumes.volume' is named "data", which is a volume claim template name/);
    });

    test('an extra volume on a path the main container already mounts is refused', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      const vol = kplus.Volume.fromEmptyDir(chart, 'v', 'scratch');
      expect(() => db.mount({ volume: vol, mountPath: '/var/lib/postgresql/data/' }))
        .toThrow(/'volumes.mountPath' mounts "\/var\/lib\/postgresql\/data\/", which is already a mount path of the main container/);
      expect(() => db.mount({ volume: vol, mountPath: 'etc/db' })).toThrow(/'volumes.mountPath' must be an absolute path, got "etc\/db"/);
    });

    test('an init container named like a container of the pod is refused', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      const init = { image: 'busybox:1.36', command: ['true'] };
      expect(() => db.addInitContainer('db', init)).toThrow(/test\/db: 'initContainers.db' container name "db" is already used in this pod/);
      db.addInitContainer('init-perms', init);
      expect(() => db.addInitContainer('init-perms', init)).toThrow(/'initContainers.init-perms' container name "init-perms" is already used in this pod/);
      // init containers take no probes: a compile error (checked by tsc), and cdk8s-plus throws at run time
      // @ts-expect-error liveness is not an init container option
      expect(() => db.addInitContainer('migrate', { ...init, liveness: kplus.Probe.fromTcpSocket() })).toThrow(/must not have a liveness probe/);
    });

    test('a pod volume added later with a template\'s name fails synthesis', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      db.statefulSet.addVolume(kplus.Volume.fromEmptyDir(chart, 'v', 'data'));
      expect(() => synthAll(chart)).toThrow(/'volumeClaimTemplates' name "data" collides with a pod volume of the same name/);
    });

    test('claimNames of an unknown template is refused', () => {
      const chart = testChart();
      const db = new StatefulDatabase(chart, 'db', base);
      expect(() => db.claimNames('logs')).toThrow(/'claimNames' has no volume claim template "logs" \(templates: data\)/);
    });
  });
});
