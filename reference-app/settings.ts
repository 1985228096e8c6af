/**
 * Typed settings of the reference app's environments. `dev` and `prod` differ only here: replicas, resources,
 * storage class, active web version, hostnames and where secrets come from.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReclaimPolicy, ReplicationMode, ResourceOptions } from '../lib';

/** Where the api's database password comes from. */
export enum SecretMode {
  /**
   * From the env var `<ENV>_DB_PASSWORD` at synth time; when unset, generated once into the gitignored
   * `.secrets/<env>.env` and reused by later synths (dev only).
   */
  GENERATE_LOCAL = 'generate-local',
  /** From the env var `<ENV>_DB_PASSWORD`; synth fails naming it when unset. */
  ENV = 'env',
  /** A Secret that already exists in the namespace (created by an operator or `kubectl create secret`). */
  EXISTING = 'existing',
}

/** The blue/green slots of the web front end. */
export type WebSlot = 'blue' | 'green';

/** One environment of the reference app. */
export interface EnvironmentSettings {
  /** Environment name, also the namespace (`dev`, `prod`). */
  readonly name: string;
  /** The web front end: a blue/green pair behind a stable Service and an Ingress. */
  readonly web: {
    readonly replicas: number;
    readonly images: Record<WebSlot, string>;
    readonly activeVersion: WebSlot;
    readonly host: string;
    readonly ingressClass: string;
    /** TLS Secret for the host (managed outside the app, e.g. by cert-manager). */
    readonly tlsSecretName?: string;
  };
  /** The api backend the web reaches by DNS. */
  readonly api: {
    readonly image: string;
    readonly replicas: number;
    readonly resources: ResourceOptions;
    /** Scale between `replicas` and `maxReplicas` on CPU when set. */
    readonly maxReplicas?: number;
  };
  /** The PostgreSQL StatefulDatabase the api uses. */
  readonly db: {
    readonly postgresVersion: string;
    /** Pods: one standalone instance, or with `replication` a primary and `replicas - 1` streaming replicas. */
    readonly replicas: number;
    /**
     * Streaming replication (the api writes through `db-rw`, may read through `db-ro`); its password comes from
     * where `secrets` says (`<ENV>_DB_REPLICATION_PASSWORD`, or the existing Secret `db-replication-credentials`).
     * Undefined: one standalone instance.
     */
    readonly replication?: { readonly mode: ReplicationMode };
    readonly storageSize: Size;
    readonly resources: ResourceOptions;
  };
  /** The StorageClass the database's claims use. */
  readonly storageClass: {
    readonly name: string;
    readonly provisioner: string;
    readonly parameters?: Record<string, string>;
    readonly reclaimPolicy: ReclaimPolicy;
    readonly allowVolumeExpansion: boolean;
  };
  /** Where the database password comes from. */
  readonly secrets: SecretMode;
  /** Namespace quota (requests) for everything the environment runs. */
  readonly quota: { readonly cpu: kplus.Cpu; readonly memory: Size; readonly pods: number };
  /** Users who get read-only access to Deployments in the namespace (the book's `read-deployments`). */
  readonly readers: string[];
}

const WEB_IMAGES: Record<WebSlot, string> = {
  blue: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
  green: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
};

/**
 * Development: small, one standalone database instance (disposable data: no replica to pay for), local-path
 * storage, generated local secrets.
 */
export const DEV: EnvironmentSettings = {
  name: 'dev',
  web: { replicas: 2, images: WEB_IMAGES, activeVersion: 'blue', host: 'shop.dev.example.com', ingressClass: 'nginx' },
  api: {
    image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
    replicas: 2,
    resources: { cpuRequest: kplus.Cpu.millis(50), cpuLimit: kplus.Cpu.millis(250), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(128) },
  },
  db: {
    postgresVersion: '16.4',
    replicas: 1,
    storageSize: Size.gibibytes(1),
    resources: { cpuRequest: kplus.Cpu.millis(100), cpuLimit: kplus.Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
  },
  storageClass: { name: 'dev-local', provisioner: 'rancher.io/local-path', reclaimPolicy: ReclaimPolicy.DELETE, allowVolumeExpansion: false },
  secrets: SecretMode.GENERATE_LOCAL,
  quota: { cpu: kplus.Cpu.units(4), memory: Size.gibibytes(8), pods: 40 },
  readers: ['sky'],
};

/**
 * Production: more replicas, autoscaled api, a replicated database (a primary and two synchronous-capable streaming
 * replicas: each commit is on a replica too, and writes go on while one replica is down) on expandable SSD
 * storage, existing secrets. The database requests 3 x (250m CPU, 1Gi): 750m CPU and 3Gi in all.
 */
export const PROD: EnvironmentSettings = {
  name: 'prod',
  web: { replicas: 3, images: WEB_IMAGES, activeVersion: 'blue', host: 'shop.example.com', ingressClass: 'nginx', tlsSecretName: 'shop-tls' },
  api: {
    image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
    replicas: 3,
    maxReplicas: 10,
    resources: { cpuRequest: kplus.Cpu.millis(250), cpuLimit: kplus.Cpu.millis(1000), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
  },
  db: {
    postgresVersion: '16.4',
    replicas: 3,
    replication: { mode: ReplicationMode.SYNCHRONOUS },
    storageSize: Size.gibibytes(20),
    // 250m each: the primary and two replicas request 750m CPU and 3Gi in all (a fourth pod, while scaling up,
    // still fits next to dev on the real-node suite's two 2-CPU nodes); each may burst to 2 CPUs
    resources: { cpuRequest: kplus.Cpu.millis(250), cpuLimit: kplus.Cpu.units(2), memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(2) },
  },
  storageClass: {
    name: 'prod-ssd',
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3', encrypted: 'true' },
    reclaimPolicy: ReclaimPolicy.RETAIN,
    allowVolumeExpansion: true,
  },
  secrets: SecretMode.EXISTING,
  quota: { cpu: kplus.Cpu.units(16), memory: Size.gibibytes(32), pods: 100 },
  readers: ['sky'],
};
