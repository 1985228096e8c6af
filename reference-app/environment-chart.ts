/**
 * One environment of the reference app, in its own namespace: the book's concepts working together.
 *
 *   Ingress -> web (blue/green) -> api (by DNS) -> db (StatefulSet, per-pod DNS, claim templates)
 *
 * Objects are created in apply order: the Namespace (Pod Security "restricted", quota, limits, default-deny
 * NetworkPolicies, DNS egress) and the StorageClass first, then config, database, api and web.
 */
import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import {
  ApplySet, BlueGreenDeployment, BundleSecret, BundleSecretKey, ConfigBundle, DatabasePreset, Namespace, Rbac, RoleGrant, SecretSource,
  StatefulDatabase, StorageClass, VolumeBindingMode, WebApp,
} from '../lib';
import { EnvironmentSettings, SecretMode, WebSlot } from './settings';

/** Where the api and the database find the Secret's keys as files (read-only, mode 0440). */
export const SECRET_DIR = '/etc/secrets/db';
/** Where the api finds the ConfigMap's keys as files. */
export const CONFIG_DIR = '/etc/api';

/** The app name every object is `part-of`. */
export const PART_OF = 'shop';

/** Props of {@link EnvironmentChart}. */
export interface EnvironmentChartProps extends ChartProps {
  /** The environment's typed settings. */
  readonly settings: EnvironmentSettings;
  /**
   * Overrides the web front end's active version (the blue/green cut-over).
   * @default - `settings.web.activeVersion`
   */
  readonly activeVersion?: WebSlot;
  /**
   * Directory of the gitignored local secret files (`<dir>/<env>.env`) used by `SecretMode.GENERATE_LOCAL`.
   * @default '.secrets'
   */
  readonly secretsDir?: string;
}

/** The reference app in one namespace: web, api, db, config, storage, network policies, RBAC, ingress. */
export class EnvironmentChart extends Chart {
  public readonly settings: EnvironmentSettings;
  public readonly namespaceObject: Namespace;
  public readonly storageClass: StorageClass;
  public readonly config: ConfigBundle;
  public readonly db: StatefulDatabase;
  public readonly api: WebApp;
  public readonly web: BlueGreenDeployment;
  public readonly readers: RoleGrant;
  public readonly applySet: ApplySet;

  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    const s = props.settings;
    // every object of the environment is part of the shop (chart labels reach every object's metadata, not pod templates)
    super(scope, id, { ...props, namespace: s.name, disableResourceNameHashes: true, labels: { ...props.labels, 'app.kubernetes.io/part-of': PART_OF } });
    this.settings = s;

    // 1. the namespace: Pod Security "restricted" enforced, quota and defaults, default-deny + DNS egress
    this.namespaceObject = new Namespace(this, 'Namespace', {
      name: s.name,
      labels: { environment: s.name, 'app.kubernetes.io/part-of': PART_OF },
      resourceQuota: { requestsCpu: s.quota.cpu, requestsMemory: s.quota.memory, pods: s.quota.pods },
      // defaults for containers that do not declare resources (ours always do), and a cap on claim sizes
      limitRange: {
        defaultRequest: { cpu: kplus.Cpu.millis(100), memory: Size.mebibytes(128) },
        defaultLimit: { cpu: kplus.Cpu.millis(500), memory: Size.mebibytes(256) },
        maxClaimStorage: Size.gibibytes(100),
      },
    });

    // 2. storage for the database's claims (cluster-scoped)
    this.storageClass = new StorageClass(this, 'StorageClass', {
      name: s.storageClass.name,
      provisioner: s.storageClass.provisioner,
      parameters: s.storageClass.parameters,
      reclaimPolicy: s.storageClass.reclaimPolicy,
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      allowVolumeExpansion: s.storageClass.allowVolumeExpansion,
    });

    // 3. the api's configuration and database credentials (never in source)
    this.config = new ConfigBundle(this, 'ApiConfig', {
      name: 'api',
      identity: { name: 'api', component: 'backend', partOf: PART_OF },
      data: {
        LOG_LEVEL: s.name === 'prod' ? 'info' : 'debug',
        PODINFO_UI_MESSAGE: `shop ${s.name}`,
        // a file-style, multi-line key (mounted as a file or read whole)
        'features.yaml': `environment: ${s.name}\ncheckout: true\nrecommendations: ${s.name === 'dev'}\n`,
      },
      secret: dbSecret(s, props.secretsDir ?? '.secrets'),
    });

    // 4. the database: StatefulSet(s) + headless Service + claim templates; standalone with a client Service, or
    //    a primary and streaming replicas behind a read-write (db-rw) and a read-only (db-ro) Service
    this.db = new StatefulDatabase(this, 'Database', {
      ...DatabasePreset.postgres({
        version: s.db.postgresVersion,
        size: s.db.storageSize,
        storageClass: this.storageClass,
        resources: s.db.resources,
        // the password is read from a file of the read-only Secret volume, never from an env var
        env: { POSTGRES_USER: 'shop', POSTGRES_DB: 'shop', POSTGRES_PASSWORD_FILE: `${SECRET_DIR}/DB_PASSWORD` },
        replication: s.db.replication && { ...s.db.replication, password: replicationPassword(this, s, props.secretsDir ?? '.secrets') },
      }),
      name: 'db',
      component: 'database',
      partOf: PART_OF,
      replicas: s.db.replicas,
      clientService: s.db.replication ? undefined : true,
      disruptionBudget: s.db.replicas > 1 ? { maxUnavailable: 1 } : false,
    });
    this.config.mountSecret(this.db.container, SECRET_DIR);
    this.config.annotate(this.db);

    // 5. the api backend, wired to the database's primary by its stable per-pod DNS name
    this.api = new WebApp(this, 'Api', {
      name: 'api',
      component: 'backend',
      partOf: PART_OF,
      image: s.api.image,
      ports: [{ name: 'http', port: 9898, servicePort: 80 }],
      replicas: s.api.maxReplicas === undefined ? s.api.replicas : undefined,
      autoscaling: s.api.maxReplicas === undefined ? undefined : { minReplicas: s.api.replicas, maxReplicas: s.api.maxReplicas, cpuUtilizationPercent: 70 },
      resources: s.api.resources,
      readiness: kplus.Probe.fromHttpGet('/readyz'),
      liveness: kplus.Probe.fromHttpGet('/healthz'),
      // config keys as env vars (configMapKeyRef) and as files; the password as a file of the Secret volume
      env: {
        LOG_LEVEL: this.config.envValue('LOG_LEVEL'),
        PODINFO_UI_MESSAGE: this.config.envValue('PODINFO_UI_MESSAGE'),
        DB_PASSWORD_FILE: `${SECRET_DIR}/DB_PASSWORD`,
        DB_USER: 'shop',
        DB_NAME: 'shop',
      },
      disruptionBudget: { maxUnavailable: 1 },
      topologySpread: [],
    });
    this.config.mountConfig(this.api.container, CONFIG_DIR);
    this.config.mountSecret(this.api.container, SECRET_DIR);
    this.config.annotate(this.api);
    this.db.connectPrimary(this.api, { env: 'DATABASE_URL', scheme: 'postgres', hostEnv: 'DB_HOST' });
    if (this.db.isPrimaryReplica) this.db.connectReadOnly(this.api, { env: 'DATABASE_READ_URL', scheme: 'postgres' });

    // 6. the web front end: blue and green side by side, the stable Service follows the active version
    this.web = new BlueGreenDeployment(this, 'Web', {
      name: 'web',
      component: 'frontend',
      partOf: PART_OF,
      versions: (['blue', 'green'] as const).map((slot) => ({ name: slot, image: s.web.images[slot], replicas: s.web.replicas })),
      activeVersion: props.activeVersion ?? s.web.activeVersion,
      ports: [{ name: 'http', port: 8080, servicePort: 80 }],
      readiness: kplus.Probe.fromHttpGet('/'),
      liveness: kplus.Probe.fromTcpSocket({ periodSeconds: Duration.seconds(20) }),
      disruptionBudget: { maxUnavailable: 1 },
      ingress: { className: s.web.ingressClass, host: s.web.host, tlsSecretName: s.web.tlsSecretName },
    });
    this.web.connectTo(this.api, { env: 'API_URL' });

    // 7. RBAC: the book's read-deployments role for the environment's readers
    this.readers = Rbac.readOnly(this, 'ReadDeployments', {
      name: 'read-deployments',
      namespace: s.name,
      apiGroups: ['apps'],
      resources: ['deployments'],
      users: s.readers,
    });

    // 8. every object of the environment in one ApplySet: `npm run deploy` prunes what the chart no longer emits
    this.applySet = new ApplySet(this, 'ApplySet', { name: PART_OF });
  }
}

/** The replication role's password: the existing Secret `db-replication-credentials` in prod, else a SecretSource. */
function replicationPassword(scope: Construct, s: EnvironmentSettings, secretsDir: string): SecretSource | BundleSecretKey {
  const variable = `${s.name.toUpperCase()}_DB_REPLICATION_PASSWORD`;
  switch (s.secrets) {
    case SecretMode.EXISTING:
      return {
        bundle: new ConfigBundle(scope, 'DbReplicationCredentials', {
          name: 'db-replication',
          identity: { name: 'db', component: 'database', partOf: PART_OF },
          secret: BundleSecret.existing('db-replication-credentials', { keys: ['password'] }),
        }),
        key: 'password',
      };
    case SecretMode.ENV:
      return SecretSource.fromEnv(variable);
    case SecretMode.GENERATE_LOCAL:
      return SecretSource.fromEnv(variable, { devFallbackFile: `${secretsDir}/${s.name}.env`, generate: true });
  }
}

function dbSecret(s: EnvironmentSettings, secretsDir: string): BundleSecret {
  const variable = `${s.name.toUpperCase()}_DB_PASSWORD`;
  switch (s.secrets) {
    case SecretMode.EXISTING:
      return BundleSecret.existing('api-db-credentials', { keys: ['DB_PASSWORD'] });
    case SecretMode.ENV:
      return BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv(variable) });
    case SecretMode.GENERATE_LOCAL:
      return BundleSecret.opaque({
        DB_PASSWORD: SecretSource.fromEnv(variable, { devFallbackFile: `${secretsDir}/${s.name}.env`, generate: true }),
      });
  }
}

