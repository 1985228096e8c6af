/**
 * PostgreSQL on a StatefulDatabase: the preset (official `postgres` image, restricted, a claim per pod) and its
 * streaming replication (a primary and hot-standby replicas), modelled on Bitnami's postgresql chart
 * (`architecture: replication`).
 *
 * @see https://www.postgresql.org/docs/current/warm-standby.html
 * @see https://hub.docker.com/_/postgres
 */
import { Duration, Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { BundleSecret, ConfigBundle } from '../config/config-bundle';
import { SecretSource } from '../config/secret-source';
import { KUBECRAFT_PREFIX } from '../core/labels';
import { checkInt, checkOneOf, fail, show } from '../internal/validate';
import { namespaceOf } from '../network/wiring';
import { DEFAULT_USER_ID } from '../security/pod-security';
import { StorageClassRef, StorageSize } from '../storage/storage';
import { ResourceOptions } from './container';
import { SCRIPTS_DIR, SCRIPT_KEYS, replicationScripts } from './postgres-scripts';
import {
  DatabaseReplication, ReplicationContainerOverrides, ReplicationTopology, StatefulDatabase, StatefulDatabaseProps,
} from './stateful-database';

/** The environment variables the official postgres image reads. */
export const POSTGRES_ENV = {
  /** The superuser name (default `postgres`). */
  USER: 'POSTGRES_USER',
  /** The superuser password (required on first start, unless `POSTGRES_PASSWORD_FILE`). */
  PASSWORD: 'POSTGRES_PASSWORD',
  /** A file holding the password (e.g. a mounted Secret key). */
  PASSWORD_FILE: 'POSTGRES_PASSWORD_FILE',
  /** The database created on first start (default: the user name). */
  DB: 'POSTGRES_DB',
  /** The data directory (a subdirectory of the mount: the volume root may hold `lost+found`). */
  PGDATA: 'PGDATA',
} as const;

/** Whether a commit waits for replicas. */
export enum ReplicationMode {
  /** A commit returns once the primary has it; replicas follow a moment later (a crash of the primary may lose the last commits). */
  ASYNCHRONOUS = 'asynchronous',
  /** A commit returns once `synchronousStandbys` replicas have it too (`synchronous_standby_names = 'ANY n (*)'`). */
  SYNCHRONOUS = 'synchronous',
}

/** How far a synchronous commit waits (`synchronous_commit`). */
export enum SynchronousCommit {
  /** Until the replicas have flushed the commit to disk (PostgreSQL's `on`). */
  ON = 'on',
  /** Until the replicas have written it (not flushed): faster, lost if a replica's node crashes too. */
  REMOTE_WRITE = 'remote_write',
  /** Until the replicas have applied it: a read on a replica right after a commit sees it. */
  REMOTE_APPLY = 'remote_apply',
}

/** A key of a ConfigBundle's Secret (emitted or existing). */
export interface BundleSecretKey {
  /** The bundle (its Secret holds the key). */
  readonly bundle: ConfigBundle;
  /** The key. */
  readonly key: string;
}

/** Options of PostgreSQL streaming replication (`DatabasePreset.postgres({ replication })`). */
export interface PostgresReplicationOptions {
  /**
   * The replication role's password: a `SecretSource` (the database then emits the Secret
   * `<name>-replication-credentials`) or a key of a ConfigBundle's Secret (e.g. an existing one). It is mounted
   * as a file, read by the scripts, never put in an env var or in source.
   */
  readonly password: SecretSource | BundleSecretKey;
  /**
   * The replication role (created on the primary at initialization, `REPLICATION LOGIN`, no superuser).
   * @default 'replicator'
   */
  readonly user?: string;
  /**
   * Asynchronous or synchronous commits.
   * @default ReplicationMode.ASYNCHRONOUS
   */
  readonly mode?: ReplicationMode;
  /**
   * With synchronous replication: how many replicas must confirm a commit (`ANY n (*)`). The database needs at
   * least n + 1 replicas, so writes go on while one replica is down (`replicas` >= n + 2 with the primary).
   * @default 1
   */
  readonly synchronousStandbys?: number;
  /**
   * With synchronous replication: how far a commit waits.
   * @default SynchronousCommit.ON
   */
  readonly synchronousCommit?: SynchronousCommit;
  /**
   * WAL the primary keeps for replicas that fall behind or restart (`wal_keep_size`); a replica further behind
   * than this must be re-seeded (delete its claim and pod).
   * @default Size.mebibytes(512)
   */
  readonly walKeepSize?: Size;
}

/** Options of `DatabasePreset.postgres`. */
export interface PostgresPresetOptions {
  /** The postgres image tag (`16.4`, `16.4-bookworm`). */
  readonly version: string;
  /**
   * The image repository.
   * @default 'postgres'
   */
  readonly repository?: string;
  /**
   * The size of the `data` claim of each pod.
   * @default '10Gi'
   */
  readonly size?: StorageSize;
  /**
   * The class of the `data` claims.
   * @default - the cluster's default class
   */
  readonly storageClass?: StorageClassRef;
  /**
   * More env vars (credentials from a ConfigBundle: `{ POSTGRES_PASSWORD: bundle.envValue('password') }`).
   * @default - only PGDATA
   */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /**
   * Whole ConfigMaps/Secrets as environment.
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Requests and limits.
   * @default cpu 250m/1, memory 256Mi/512Mi
   */
  readonly resources?: ResourceOptions;
  /**
   * The user and group id the server runs as, also the fsGroup of the volume. The official image runs under
   * any uid (its entrypoint registers it through nss_wrapper); use `999` (Debian) or `70` (Alpine) for the
   * image's own `postgres` user.
   * @default 10001
   */
  readonly uid?: number;
  /**
   * Streaming replication: pod 0 (`<name>-0`) is the read-write primary, the other pods (`<name>-replica-<i>`)
   * hot standbys that copy it, behind a read-write and a read-only Service. Set `replicas` to 2 or more.
   * @default - standalone: one pod
   */
  readonly replication?: PostgresReplicationOptions;
}

const DATA_PATH = '/var/lib/postgresql/data';
const PGDATA_PATH = `${DATA_PATH}/pgdata`;
const PORT = 5432;
const SECRET_DIR = '/etc/kubecraft/replication';
const INITDB_PATH = '/docker-entrypoint-initdb.d/50-kubecraft-replication.sh';
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** `max_wal_senders`: one per replica, and two per base backup in progress. */
const MAX_WAL_SENDERS = 16;
/** The most pods a replication may declare (a primary and MAX_WAL_SENDERS - 3 replicas: room for one base backup). */
const MAX_REPLICATED_PODS = MAX_WAL_SENDERS - 2;
/** The init container that prepares the data directory for the pod's role. */
export const INIT_CONTAINER = 'replication-init';
/** The env var holding the pod's name (downward API), read by the scripts. */
const POD_NAME_ENV = 'KUBECRAFT_POD_NAME';

/** The pod-template annotation whose change rolls the pods when the replication scripts or settings change. */
export const REPLICATION_CHECKSUM_ANNOTATION = `${KUBECRAFT_PREFIX}/replication-checksum`;

/** PostgreSQL streaming replication of a StatefulDatabase (made by `DatabasePreset.postgres({ replication })`). */
class PostgresReplication extends DatabaseReplication {
  public readonly topology = ReplicationTopology.PRIMARY_REPLICA;

  constructor(private readonly options: PostgresReplicationOptions) {
    super();
  }

  public _validate(scope: IConstruct, replicas: number): void {
    const o = this.options;
    if (typeof o !== 'object' || o === null) fail(scope, 'replication', `must be the replication options ({ password, ... }), got ${show(o)}`);
    if (replicas < 2) {
      fail(scope, 'replicas', `must be at least 2 with replication (a primary and at least one replica), got ${replicas}: raise replicas or drop 'replication' for a standalone database`);
    }
    if (replicas > MAX_REPLICATED_PODS) {
      fail(scope, 'replicas', `must be at most ${MAX_REPLICATED_PODS} with replication (max_wal_senders ${MAX_WAL_SENDERS}: one per replica and two for a base backup), got ${replicas}`);
    }
    const user = o.user ?? 'replicator';
    if (typeof user !== 'string' || !ROLE_NAME.test(user) || user === 'postgres') {
      fail(scope, 'replication.user', `must be a role name other than "postgres" (lowercase letters, digits and '_', at most 63), got ${show(user)}`);
    }
    this.checkPassword(scope);
    const mode = o.mode ?? ReplicationMode.ASYNCHRONOUS;
    checkOneOf(scope, 'replication.mode', mode, Object.values(ReplicationMode));
    if (mode === ReplicationMode.ASYNCHRONOUS) {
      if (o.synchronousStandbys !== undefined) fail(scope, 'replication.synchronousStandbys', `only applies with mode ReplicationMode.SYNCHRONOUS, got ${show(o.synchronousStandbys)} with ${mode}`);
      if (o.synchronousCommit !== undefined) fail(scope, 'replication.synchronousCommit', `only applies with mode ReplicationMode.SYNCHRONOUS, got ${show(o.synchronousCommit)} with ${mode}`);
    } else {
      const n = o.synchronousStandbys ?? 1;
      checkInt(scope, 'replication.synchronousStandbys', n, { min: 1 });
      if (o.synchronousCommit !== undefined) checkOneOf(scope, 'replication.synchronousCommit', o.synchronousCommit, Object.values(SynchronousCommit));
      if (replicas - 1 < n + 1) {
        fail(scope, 'replicas', `must be at least ${n + 2} with synchronous replication to ${n} replica(s): one replica more than must confirm each commit, so writes go on while one is down (a primary and ${n + 1} replicas), got ${replicas}; add replicas, lower synchronousStandbys or use ReplicationMode.ASYNCHRONOUS`);
      }
    }
    if (o.walKeepSize !== undefined && (!(o.walKeepSize instanceof Size) || !(o.walKeepSize.toMebibytes() >= 0))) {
      fail(scope, 'replication.walKeepSize', `must be a cdk8s Size of at least 0 (e.g. Size.mebibytes(512)), got ${show(o.walKeepSize)}`);
    }
  }

  public _containerOverrides(scope: IConstruct, props: StatefulDatabaseProps): ReplicationContainerOverrides {
    if (props.command !== undefined) {
      fail(scope, 'command', `must not be set with replication (the replication scripts start docker-entrypoint.sh; pass server options as 'args', e.g. ['-c', 'max_connections=200']), got ${show(props.command)}`);
    }
    return { command: ['bash', `${SCRIPTS_DIR}/${SCRIPT_KEYS.RUN}`], args: props.args };
  }

  public _bind(db: StatefulDatabase): void {
    const o = this.options;
    const sync = (o.mode ?? ReplicationMode.ASYNCHRONOUS) === ReplicationMode.SYNCHRONOUS;
    const source = o.password instanceof SecretSource ? o.password : undefined;
    const ref = source ? undefined : o.password as BundleSecretKey;
    const plan = db._plan;
    const scripts = replicationScripts({
      primaryHost: db.podDnsName(0),
      peersHost: db.serviceFqdn,
      port: plan.podPorts[0].port,
      user: o.user ?? 'replicator',
      passwordFile: `${SECRET_DIR}/${ref ? ref.key : 'password'}`,
      synchronousStandbyNames: sync ? `ANY ${o.synchronousStandbys ?? 1} (*)` : '',
      synchronousCommit: sync ? o.synchronousCommit ?? SynchronousCommit.ON : '',
      walKeepSize: `${(o.walKeepSize ?? Size.mebibytes(512)).toMebibytes()}MB`,
      maxWalSenders: MAX_WAL_SENDERS,
    });
    // the scripts (and an emitted password) as one bundle: its checksum rolls the pods when either changes
    const bundle = new ConfigBundle(db, 'Replication', {
      name: `${db.name}-replication`,
      configMapName: `${db.name}-replication`,
      secretName: source ? `${db.name}-replication-credentials` : undefined,
      identity: db.identity,
      data: scripts,
      secret: source ? BundleSecret.opaque({ password: source }) : undefined,
    });
    // executable (0555): the entrypoint runs an executable /docker-entrypoint-initdb.d/*.sh instead of sourcing it
    const scriptsVolume = bundle.configVolume({ name: 'replication-scripts', defaultMode: 0o555 });
    const secretVolume = ref
      ? ref.bundle.secretVolume({ name: 'replication-credentials', keys: [ref.key] })
      : bundle.secretVolume({ name: 'replication-credentials', keys: ['password'] });

    db.mount({ volume: scriptsVolume, mountPath: SCRIPTS_DIR });
    db.mount({ volume: scriptsVolume, mountPath: INITDB_PATH, subPath: SCRIPT_KEYS.INITDB });
    db.mount({ volume: secretVolume, mountPath: SECRET_DIR });
    db.addEnv(POD_NAME_ENV, kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME));
    const init = db.addInitContainer(INIT_CONTAINER, {
      image: plan.image,
      allowLatest: true, // the main container's image, already checked
      imagePullPolicy: plan.container.props.imagePullPolicy,
      command: ['bash', `${SCRIPTS_DIR}/${SCRIPT_KEYS.INIT}`],
      args: plan.container.props.args, // the server's settings: temporary servers must match them
      env: { KUBECRAFT_POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
      resources: plan.resources,
      writablePaths: ['/tmp'],
      mountVolumeClaimTemplates: true,
      inheritEnv: true,
    });
    init.mount(SCRIPTS_DIR, scriptsVolume, { readOnly: true });
    init.mount(SECRET_DIR, secretVolume, { readOnly: true });
    db.addPodAnnotation(REPLICATION_CHECKSUM_ANNOTATION, bundle.checksum);
    // the ConfigMap and the Secret(s) are applied before the StatefulSets
    for (const target of [db.statefulSet, db.replicaApiObject]) {
      if (!target) continue;
      target.node.addDependency(bundle);
      if (ref) target.node.addDependency(ref.bundle);
    }
  }

  private checkPassword(scope: IConstruct): void {
    const pw = this.options.password as unknown;
    if (pw instanceof SecretSource) return;
    const ref = pw as BundleSecretKey | undefined;
    if (typeof ref !== 'object' || ref === null || !(ref.bundle instanceof ConfigBundle) || typeof ref.key !== 'string') {
      fail(scope, 'replication.password', `must be a SecretSource (SecretSource.fromEnv(...)) or { bundle, key } naming a key of a ConfigBundle's Secret (replication credentials never live in source), got ${pw === undefined ? 'undefined' : typeof pw === 'string' ? 'a string literal' : show(pw)}`);
    }
    const b = ref.bundle;
    if (b.secretName === undefined) fail(scope, 'replication.password', `names bundle ${show(b.name)}, which has no Secret: give it a 'secret' holding ${show(ref.key)}`);
    if (b.secretKeys !== undefined && !b.secretKeys.includes(ref.key)) {
      fail(scope, 'replication.password', `names key ${show(ref.key)}, which the Secret of bundle ${show(b.name)} does not hold (keys: ${b.secretKeys.map((k) => show(k)).join(', ')})`);
    }
    if ((namespaceOf(b) ?? 'default') !== (namespaceOf(scope) ?? 'default')) {
      fail(scope, 'replication.password', `names bundle ${show(b.name)} of namespace ${show(namespaceOf(b) ?? 'default')}: pods can only mount Secrets of their own namespace (${show(namespaceOf(scope) ?? 'default')})`);
    }
  }
}

/** Ready-made, engine-specific props for {@link StatefulDatabase}: spread them and override what you need. */
export class DatabasePreset {
  /**
   * PostgreSQL (official image): port `postgres` 5432, a `data` claim at `/var/lib/postgresql/data` with
   * `PGDATA` in its `pgdata` subdirectory, `pg_isready` readiness and startup probes and a TCP liveness probe
   * (a slow query never restarts the server), non-root uid 10001 with the same fsGroup, writable `/tmp` and
   * `/var/run/postgresql` on a read-only root filesystem, 60 s to shut down. With `replication`: a primary and
   * streaming replicas (see {@link PostgresReplicationOptions}).
   */
  public static postgres(options: PostgresPresetOptions): StatefulDatabaseProps {
    if (typeof options.version !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(options.version)) {
      throw new Error(`DatabasePreset.postgres: 'version' must be an image tag such as "16.4", got ${show(options.version)}`);
    }
    const uid = options.uid ?? DEFAULT_USER_ID;
    // -U: libpq needs a user name, and a uid without a passwd entry (10001 in the official image) has none
    const user = typeof options.env?.[POSTGRES_ENV.USER] === 'string' ? options.env[POSTGRES_ENV.USER] as string : 'postgres';
    const ready = ['pg_isready', '-U', user, '-h', '127.0.0.1', '-p', String(PORT)];
    return {
      image: `${options.repository ?? 'postgres'}:${options.version}`,
      ports: [{ name: 'postgres', port: PORT }],
      env: { [POSTGRES_ENV.PGDATA]: PGDATA_PATH, ...(options.env ?? {}) },
      envFrom: options.envFrom,
      volumeClaimTemplates: [{ name: 'data', size: options.size ?? '10Gi', mountPath: DATA_PATH, storageClass: options.storageClass }],
      readiness: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3), failureThreshold: 3 }),
      liveness: kplus.Probe.fromTcpSocket({ port: PORT, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 6 }),
      startup: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3), failureThreshold: 60 }),
      resources: options.resources ?? {
        cpuRequest: kplus.Cpu.millis(250), cpuLimit: kplus.Cpu.units(1), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512),
      },
      podSecurity: { runAsUser: uid, runAsGroup: uid, fsGroup: uid },
      writablePaths: ['/tmp', '/var/run/postgresql'],
      terminationGracePeriod: Duration.seconds(60),
      replication: options.replication === undefined ? undefined : new PostgresReplication(options.replication),
    };
  }

  private constructor() {}
}

/** Where the replication password is mounted. */
export const REPLICATION_SECRET_DIR = SECRET_DIR;
