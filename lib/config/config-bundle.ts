/**
 * ConfigBundle: an application's configuration as one ConfigMap (literals and files) and one Secret whose
 * values never live in source (they come from {@link SecretSource}s, or from an existing Secret).
 *
 * Consumers get cdk8s-plus objects (`kplus.EnvValue`, `kplus.EnvFrom`, `kplus.Volume`), so any workload can
 * use a bundle, and a `checksum/config` pod-template annotation computed from the bundle's content, so that a
 * config change rolls the pods while an unchanged bundle leaves the pod template byte-identical.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
import { createHash } from 'crypto';
import { ApiObject, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { AppIdentity, checkIdentity, nameLabelValue, recommendedLabels } from '../core/labels';
import { readLocalFile, SecretSource } from './secret-source';
import { installAppChecks } from '../internal/app-checks';
import {
  checkAnnotations, checkArray, checkBoolean, checkConfigKey, checkDnsLabel, checkDnsSubdomain, checkEnvName, checkInstance, checkLabels, checkRecord, checkRecordOfStrings, checkString,
  checkStringArray, checkUnique, fail, show,
} from '../internal/validate';
import { namespaceOf } from '../network/wiring';
import { keepEmptyConfigMapValues } from '../internal/compat';

/** The pod-template annotation that carries a bundle's checksum. */
export const CHECKSUM_ANNOTATION = 'checksum/config';

/** The most a ConfigMap or a Secret may hold (etcd's object size limit). */
export const MAX_DATA_BYTES = 1024 * 1024;

/** Default file mode of ConfigMap volumes: read-only for everyone in the pod. */
export const DEFAULT_CONFIG_MODE = 0o444;

/**
 * Default file mode of Secret volumes: read-only for the owner (root) and the pod's `fsGroup`, nothing for
 * others. With an `fsGroup` (every pod of this library has one) the kubelet adds group read anyway, so 0440
 * is what the files really get, and a non-root process reads them through the group.
 */
export const DEFAULT_SECRET_MODE = 0o440;

/**
 * The type of a Secret.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#secret-types
 */
export enum SecretType {
  /** Arbitrary keys. */
  OPAQUE = 'Opaque',
  /** `tls.crt` and `tls.key` (PEM). */
  TLS = 'kubernetes.io/tls',
  /** `username` and `password`. */
  BASIC_AUTH = 'kubernetes.io/basic-auth',
  /** `.dockerconfigjson`: image pull credentials. */
  DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson',
}

/** Sources of a TLS Secret. */
export interface TlsSecretSources {
  /** The PEM certificate (chain), stored as `tls.crt`. */
  readonly cert: SecretSource;
  /** The PEM private key, stored as `tls.key`. */
  readonly key: SecretSource;
}

/** Sources of a basic-auth Secret. */
export interface BasicAuthSecretSources {
  /** The user name, stored as `username`: a plain string (a name is not a secret) or a source. */
  readonly username: string | SecretSource;
  /** The password, stored as `password`. */
  readonly password: SecretSource;
}

/** Options of {@link BundleSecret.existing}. */
export interface ExistingSecretOptions {
  /**
   * The keys consumers may read from the existing Secret: `envValue()` and volume `keys` are checked against
   * them, and they are part of the checksum.
   * @default - not declared: any key that is not a ConfigMap key is assumed to be in the Secret
   */
  readonly keys?: string[];
  /**
   * A free label of the existing Secret's content (e.g. `2026-11-rotation`), part of the checksum: the values
   * of an existing Secret are unknown at synth time, so bump it after rotating them to roll the pods.
   * @default - none
   */
  readonly revision?: string;
}

/**
 * The Secret half of a bundle: its type and where each value comes from, or a reference to a Secret that
 * already exists in the namespace (then no Secret object is emitted).
 */
export class BundleSecret {
  /** An `Opaque` Secret with arbitrary keys. */
  public static opaque(values: Record<string, SecretSource>): BundleSecret {
    // a value that is not a record is kept as is, to be refused by the bundle with the library's message
    return new BundleSecret(SecretType.OPAQUE, typeof values === 'object' && values !== null && !Array.isArray(values) ? { ...values } : values);
  }

  /** A `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`), e.g. for an Ingress. */
  public static tls(sources: TlsSecretSources): BundleSecret {
    return new BundleSecret(SecretType.TLS, { 'tls.crt': sources.cert, 'tls.key': sources.key });
  }

  /** A `kubernetes.io/basic-auth` Secret (`username`, `password`). */
  public static basicAuth(sources: BasicAuthSecretSources): BundleSecret {
    return new BundleSecret(SecretType.BASIC_AUTH, { username: sources.username, password: sources.password });
  }

  /** A `kubernetes.io/dockerconfigjson` Secret from a docker `config.json` (`{"auths": {...}}`). */
  public static dockerConfigJson(source: SecretSource): BundleSecret {
    return new BundleSecret(SecretType.DOCKER_CONFIG_JSON, { '.dockerconfigjson': source });
  }

  /**
   * A Secret named `name` that already exists in the namespace (created by `kubectl create secret`, an
   * external-secrets operator, sealed-secrets...). No Secret object is emitted and no value is read; consumers
   * reference it by name, and the checksum covers only the reference (name, keys, revision).
   */
  public static existing(name: string, options: ExistingSecretOptions = {}): BundleSecret {
    return new BundleSecret(undefined, {}, name, options);
  }

  private constructor(
    /** The type of the emitted Secret (undefined for an existing Secret). */
    public readonly type: SecretType | undefined,
    /** @internal */
    public readonly _sources: Record<string, SecretSource | string>,
    /** The name of the existing Secret, when this is a reference. */
    public readonly existingName?: string,
    /** @internal */
    public readonly _existing: ExistingSecretOptions = {},
  ) {}
}

/** Props of {@link ConfigBundle}. */
export interface ConfigBundleProps {
  /** Base name of the objects: the ConfigMap is `<name>-config`, the Secret `<name>-secret`. */
  readonly name: string;
  /**
   * Who the bundle belongs to (recommended labels on the ConfigMap and the Secret).
   * @default - { name }
   */
  readonly identity?: AppIdentity;
  /**
   * Labels of your own on the ConfigMap and the Secret (e.g. the book's `chapter: configmaps`), merged over the
   * recommended ones.
   * @default - the recommended labels only
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the ConfigMap and the Secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Name of the ConfigMap.
   * @default `${name}-config`
   */
  readonly configMapName?: string;
  /**
   * Name of the emitted Secret (not allowed with `BundleSecret.existing`, which names its own).
   * @default `${name}-secret`
   */
  readonly secretName?: string;
  /**
   * Literal ConfigMap entries; values may span several lines (file-style keys).
   * @default - none
   */
  readonly data?: Record<string, string>;
  /**
   * ConfigMap entries read from local files at synth time: key -> file path (relative paths start at the
   * synth's working directory). UTF-8 files go to `data`, other files to `binaryData`.
   * @default - none
   */
  readonly files?: Record<string, string>;
  /**
   * The Secret: its type and the source of each value, or an existing Secret.
   * @default - no Secret
   */
  readonly secret?: BundleSecret;
  /**
   * Make the ConfigMap and the Secret immutable (the API server then refuses any data change: with stable
   * names, a changed value needs the objects deleted and re-created, e.g. `kubectl replace --force`).
   * @default false
   */
  readonly immutable?: boolean;
}

/** Options of {@link ConfigBundle.envFrom}. */
export interface BundleEnvFromOptions {
  /**
   * A prefix for every variable name (`APP_` -> `APP_LOG_LEVEL`).
   * @default - none
   */
  readonly prefix?: string;
}

/** Options of {@link ConfigBundle.envValue}. */
export interface BundleEnvValueOptions {
  /**
   * Start the container even when the key is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of {@link ConfigBundle.configVolume} and {@link ConfigBundle.secretVolume}. */
export interface BundleVolumeOptions {
  /**
   * The volume name (a DNS label, unique in the pod).
   * @default - the ConfigMap's or Secret's name, with '.' replaced by '-'
   */
  readonly name?: string;
  /**
   * File mode of the keys. Secret volumes may not grant anything to "others".
   * @default 0o444 for the ConfigMap, 0o440 for the Secret
   */
  readonly defaultMode?: number;
  /**
   * Only these keys become files (each at a path equal to its key).
   * @default - every key
   */
  readonly keys?: string[];
}

/** Options of {@link ConfigBundle.applyTo}. */
export interface BundleApplyOptions {
  /**
   * The containers that receive the configuration.
   * @default - every (non-init) container of the workload
   */
  readonly containers?: kplus.Container[];
  /**
   * Import every key as an environment variable (`envFrom`).
   * @default - true when none of `env`, `configMountPath` and `secretMountPath` is given
   */
  readonly envFrom?: boolean;
  /**
   * Prefix of the `envFrom` variable names.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * Single keys as environment variables: variable name -> bundle key (`configMapKeyRef` / `secretKeyRef`).
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Mount the ConfigMap's keys as files in this directory (read-only).
   * @default - not mounted
   */
  readonly configMountPath?: string;
  /**
   * Mount the Secret's keys as files in this directory (read-only, mode 0440).
   * @default - not mounted
   */
  readonly secretMountPath?: string;
  /**
   * Add the `checksum/config` annotation to the pod template, so a change of the bundle rolls the pods.
   * @default true
   */
  readonly rollout?: boolean;
}

/**
 * Anything whose pod template(s) can carry an annotation, such as kubecraft's WebApp, BlueGreenDeployment
 * (every version) and StatefulDatabase.
 */
export interface IPodAnnotatable extends IConstruct {
  /** Sets `key` to `value` on the pod template(s). */
  addPodAnnotation(key: string, value: string): void;
}

const ROLLOUT = new WeakMap<ApiObjectMetadataDefinition | IPodAnnotatable, Map<ConfigBundle, string>>();

/**
 * A ConfigMap and a Secret for one application, with stable names (`<name>-config`, `<name>-secret`), the
 * recommended labels, and consumption helpers that return cdk8s-plus objects.
 *
 * Secret data is emitted base64-encoded in `data` (through the L1 `KubeSecret`; cdk8s-plus-27 only writes
 * `stringData`): `data` is what the API server stores and returns, so `kubectl apply`/`diff` compare like with
 * like, and a key removed from the bundle is removed from the live Secret (with `stringData` it lingers as an
 * empty value: kubernetes/kubernetes#89938, #108008). Base64 is an encoding, not encryption: `dist/` is
 * gitignored, and production values should come from the environment of the deploy job or from an existing
 * Secret.
 *
 * @example
 * const config = new ConfigBundle(this, 'ApiConfig', {
 *   name: 'api',
 *   data: { LOG_LEVEL: 'info' },
 *   files: { 'app.properties': 'config/api/app.properties' },
 *   secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv('API_DB_PASSWORD') }),
 * });
 * config.applyTo(deployment); // envFrom both, checksum/config on the pod template
 */
export class ConfigBundle extends Construct {
  /** The base name. */
  public readonly name: string;
  /** The ConfigMap's name (also when the bundle has no ConfigMap data and so emits none). */
  public readonly configMapName: string;
  /** The Secret's name: the emitted one, or the existing one; undefined without a Secret. */
  public readonly secretName: string | undefined;
  /** Whether the emitted objects are immutable. */
  public readonly immutable: boolean;
  /** The type of the emitted Secret (undefined without one, or for an existing Secret). */
  public readonly secretType: SecretType | undefined;
  /** The ConfigMap (undefined when the bundle has no `data` and no `files`). */
  public readonly configMap: kplus.ConfigMap | undefined;
  /** The Secret as cdk8s-plus sees it (a reference by name), for any kplus API that takes an `ISecret`. */
  public readonly secret: kplus.ISecret | undefined;
  /** The emitted Secret object (L1), undefined without a Secret or for an existing Secret. */
  public readonly secretObject: k8s.KubeSecret | undefined;
  /** Whether the Secret is a reference to an existing one. */
  public readonly usesExistingSecret: boolean;
  /** The ConfigMap keys (`data` and `binaryData`), sorted. */
  public readonly configKeys: string[];
  /** The Secret keys, sorted; undefined for an existing Secret without declared keys. */
  public readonly secretKeys: string[] | undefined;
  /**
   * sha256 (hex) of the bundle's content: ConfigMap names, keys and values, and the Secret's name, type, keys
   * and sha256 of each value (never a value in clear). For an existing Secret it covers only the reference
   * (name, declared keys, revision).
   */
  public readonly checksum: string;

  private readonly volumes = new Map<string, { volume: kplus.Volume; signature: string }>();
  private readonly existingRevision: string | undefined;

  constructor(scope: Construct, id: string, props: ConfigBundleProps) {
    super(scope, id);
    installAppChecks(this);
    const plan = resolveConfigBundle(this, props);
    this.name = plan.name;
    this.configMapName = plan.configMapName;
    this.immutable = plan.immutable;
    this.usesExistingSecret = plan.existing !== undefined;
    this.secretType = plan.secretType;
    this.secretName = plan.secretName;
    this.configKeys = plan.configKeys;
    this.secretKeys = plan.secretKeys;
    this.existingRevision = plan.existing?.revision;
    const { labels, annotations, data, binaryData, secretData } = plan;

    // Objects
    if (this.configKeys.length > 0) {
      this.configMap = new kplus.ConfigMap(this, 'ConfigMap', {
        metadata: { name: this.configMapName, labels, annotations },
        data,
        binaryData: mapValues(binaryData, (b) => b.toString('base64')),
        immutable: this.immutable,
      });
      keepEmptyConfigMapValues(this.configMap); // cdk8s-plus-27 alone drops data whose values are all empty
    }
    if (secretData !== undefined && this.secretName !== undefined) {
      this.secretObject = new k8s.KubeSecret(this, 'Secret', {
        metadata: { name: this.secretName, labels, annotations },
        type: this.secretType,
        data: mapValues(secretData, (b) => b.toString('base64')),
        immutable: this.immutable,
      });
    }
    if (this.secretName !== undefined) {
      this.secret = kplus.Secret.fromSecretName(this, 'SecretRef', this.secretName);
    }

    this.checksum = this.checksumOf(data, binaryData, secretData);

    // the checksum must describe what is emitted: an escape-hatch edit of the objects would leave consumers unrolled
    this.node.addValidation({ validate: () => this.validateChecksum() });
  }

  /** Every key of the bundle (ConfigMap and Secret), sorted. */
  public get keys(): string[] {
    return [...this.configKeys, ...(this.secretKeys ?? [])].sort();
  }

  /**
   * The whole bundle as environment variables: a `configMapRef` and/or a `secretRef` (`envFrom`). Keys that
   * are not valid variable names are skipped by the kubelet (it reports an `InvalidVariableNames` event).
   */
  public envFrom(options: BundleEnvFromOptions = {}): kplus.EnvFrom[] {
    checkRecord(this, 'envFrom', options as unknown);
    if (options.prefix !== undefined && options.prefix !== '') checkEnvName(this, 'envFrom.prefix', options.prefix);
    const out: kplus.EnvFrom[] = [];
    if (this.configMap) out.push(new kplus.EnvFrom(this.configMap, options.prefix, undefined));
    if (this.secret) out.push(new kplus.EnvFrom(undefined, options.prefix, this.secret));
    return out;
  }

  /**
   * One key as an environment variable value: `configMapKeyRef` for a ConfigMap key, `secretKeyRef` for a
   * Secret key. Throws when the bundle has no such key.
   */
  public envValue(key: string, options: BundleEnvValueOptions = {}): kplus.EnvValue {
    checkString(this, 'envValue', key);
    checkRecord(this, 'envValue options', options as unknown);
    if (options.optional !== undefined) checkBoolean(this, 'envValue.optional', options.optional);
    const opts = { optional: options.optional };
    if (this.configMap && this.configKeys.includes(key)) return kplus.EnvValue.fromConfigMap(this.configMap, key, opts);
    if (this.secret && (this.secretKeys === undefined || this.secretKeys.includes(key))) {
      return kplus.EnvValue.fromSecretValue({ secret: this.secret, key }, opts);
    }
    return fail(this, 'envValue', `has no key ${show(key)}; keys: ${this.keys.map((k) => show(k)).join(', ') || 'none'}`);
  }

  /** The ConfigMap as a volume (keys as files, mode 0444). The same options return the same volume. */
  public configVolume(options: BundleVolumeOptions = {}): kplus.Volume {
    checkRecord(this, 'configVolume', options as unknown);
    const cm = this.configMap;
    if (!cm) return fail(this, 'configVolume', "needs ConfigMap data: the bundle has no 'data' or 'files'");
    const name = options.name ?? volumeNameOf(this.configMapName);
    const mode = this.checkMode('configVolume.defaultMode', options.defaultMode ?? DEFAULT_CONFIG_MODE, false);
    const items = this.checkItems('configVolume.keys', options.keys, this.configKeys);
    return this.memoVolume('config', name, mode, items, () =>
      kplus.Volume.fromConfigMap(this, `Volume-${name}`, cm, { name, defaultMode: mode, items }));
  }

  /** The Secret as a volume (keys as files, mode 0440). The same options return the same volume. */
  public secretVolume(options: BundleVolumeOptions = {}): kplus.Volume {
    checkRecord(this, 'secretVolume', options as unknown);
    const secret = this.secret;
    if (!secret || this.secretName === undefined) return fail(this, 'secretVolume', "needs a Secret: the bundle has no 'secret'");
    const name = options.name ?? volumeNameOf(this.secretName);
    const mode = this.checkMode('secretVolume.defaultMode', options.defaultMode ?? DEFAULT_SECRET_MODE, true);
    const items = this.checkItems('secretVolume.keys', options.keys, this.secretKeys);
    return this.memoVolume('secret', name, mode, items, () =>
      kplus.Volume.fromSecret(this, `Volume-${name}`, secret, { name, defaultMode: mode, items }));
  }

  /** Mounts the ConfigMap's keys as read-only files in `path` of `container`. */
  public mountConfig(container: kplus.Container, path: string, options: BundleVolumeOptions = {}): kplus.Volume {
    this.checkMountPath('configMountPath', path);
    const volume = this.configVolume(options);
    container.mount(path, volume, { readOnly: true });
    return volume;
  }

  /** Mounts the Secret's keys as read-only files (mode 0440) in `path` of `container`. */
  public mountSecret(container: kplus.Container, path: string, options: BundleVolumeOptions = {}): kplus.Volume {
    this.checkMountPath('secretMountPath', path);
    const volume = this.secretVolume(options);
    container.mount(path, volume, { readOnly: true });
    return volume;
  }

  /**
   * Sets the `checksum/config` annotation on the pod template of a cdk8s-plus workload (a Pod's own metadata)
   * or of anything with `addPodAnnotation` (WebApp, BlueGreenDeployment, StatefulDatabase), so a change of the
   * bundle rolls the pods. Several bundles on one target share the annotation: its value is then the sha256 of
   * their sorted checksums (annotate a given workload either through itself or through its kplus child, not
   * both). Also orders the bundle's objects before the target in the output.
   */
  public annotate(target: kplus.AbstractPod | IPodAnnotatable): void {
    if (!(target instanceof kplus.AbstractPod) && typeof (target as IPodAnnotatable | undefined)?.addPodAnnotation !== 'function') {
      fail(this, 'annotate', `must be given a cdk8s-plus workload or something with addPodAnnotation (WebApp, BlueGreenDeployment, StatefulDatabase), got ${show(target)}`);
    }
    this.checkConsumer(target);
    const key = target instanceof kplus.AbstractPod ? target.podMetadata : target;
    let bundles = ROLLOUT.get(key);
    if (!bundles) {
      bundles = new Map();
      ROLLOUT.set(key, bundles);
    }
    bundles.set(this, this.checksum);
    const sums = [...bundles.values()];
    const value = sums.length === 1 ? sums[0] : sha256Hex([...sums].sort().join('\n'));
    if (target instanceof kplus.AbstractPod) target.podMetadata.addAnnotation(CHECKSUM_ANNOTATION, value);
    else target.addPodAnnotation(CHECKSUM_ANNOTATION, value);
  }

  /**
   * Wires the bundle into a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod): `envFrom`
   * (the default), single keys as env vars, read-only volume mounts, and the rollout annotation.
   */
  public applyTo(workload: kplus.AbstractPod, options: BundleApplyOptions = {}): void {
    checkInstance(this, 'applyTo', workload, kplus.AbstractPod, 'a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod)');
    checkRecord(this, 'applyTo options', options as unknown);
    for (const flag of ['envFrom', 'rollout'] as const) if (options[flag] !== undefined) checkBoolean(this, `applyTo.${flag}`, options[flag]);
    if (options.env !== undefined) checkRecordOfStrings(this, 'applyTo.env', options.env);
    if (options.containers !== undefined) checkArray(this, 'applyTo.containers', options.containers);
    this.checkConsumer(workload);
    const containers = options.containers ?? workload.containers;
    if (containers.length === 0) fail(this, 'applyTo', `workload ${workload.node.path} has no containers: add them first or pass 'containers'`);
    for (const c of containers) {
      if (!workload.containers.includes(c) && !workload.initContainers.includes(c)) {
        fail(this, 'applyTo.containers', `contains container ${show(c.name)}, which does not belong to ${workload.node.path}`);
      }
    }
    const env = options.env ?? {};
    const envFrom = options.envFrom
      ?? (Object.keys(env).length === 0 && options.configMountPath === undefined && options.secretMountPath === undefined);
    const values = Object.entries(env).map(([name, key]) => {
      checkEnvName(this, 'applyTo.env', name);
      return [name, this.envValue(key)] as const;
    });
    for (const c of containers) {
      if (envFrom) this.envFrom({ prefix: options.prefix }).forEach((e) => c.env.copyFrom(e));
      for (const [name, value] of values) c.env.addVariable(name, value);
      if (options.configMountPath !== undefined) this.mountConfig(c, options.configMountPath);
      if (options.secretMountPath !== undefined) this.mountSecret(c, options.secretMountPath);
    }
    if (options.rollout ?? true) this.annotate(workload);
  }

  private checkMode(prop: string, mode: number, secret: boolean): number {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
      fail(this, prop, `must be a file mode between 0 and 0o777, got ${show(mode)}`);
    }
    if (secret && (mode & 0o007) !== 0) {
      fail(this, prop, `must not grant permissions to others (use 0o400 or 0o440), got 0o${mode.toString(8)}`);
    }
    return mode;
  }

  private checkItems(prop: string, keys: string[] | undefined, known: string[] | undefined): Record<string, kplus.PathMapping> | undefined {
    if (keys === undefined) return undefined;
    checkStringArray(this, prop, keys);
    if (keys.length === 0) fail(this, prop, 'must not be empty (leave it out for every key)');
    checkUnique(this, prop, keys);
    const items: Record<string, kplus.PathMapping> = {};
    for (const k of keys) {
      if (known !== undefined && !known.includes(k)) fail(this, prop, `has unknown key ${show(k)}; keys: ${known.map((x) => show(x)).join(', ')}`);
      items[k] = { path: k };
    }
    return items;
  }

  private checkMountPath(prop: string, path: string): void {
    if (typeof path !== 'string' || !path.startsWith('/') || path.split('/').includes('..')) {
      fail(this, prop, `must be an absolute path without '..', got ${show(path)}`);
    }
  }

  private memoVolume(kind: string, name: string, mode: number, items: unknown, make: () => kplus.Volume): kplus.Volume {
    checkDnsLabel(this, `${kind}Volume.name`, name);
    const signature = JSON.stringify({ kind, mode, items });
    const hit = this.volumes.get(name);
    if (hit) {
      if (hit.signature !== signature) fail(this, `${kind}Volume.name`, `${show(name)} is already used by a volume of this bundle with other options: give this one its own 'name'`);
      return hit.volume;
    }
    const volume = make();
    this.volumes.set(name, { volume, signature });
    return volume;
  }

  private checkConsumer(target: kplus.AbstractPod | IPodAnnotatable): void {
    const mine = namespaceOf(this) ?? 'default';
    const explicit = target instanceof kplus.AbstractPod ? target.metadata.namespace : undefined;
    const theirs = explicit ?? namespaceOf(target) ?? 'default';
    if (mine !== theirs) {
      fail(this, 'consumer', `${target.node.path} is in namespace ${show(theirs)} but the bundle is in ${show(mine)}: pods can only use ConfigMaps and Secrets of their own namespace`);
    }
    target.node.addDependency(this);
  }

  private validateChecksum(): string[] {
    const cm = this.configMap ? ApiObject.of(this.configMap).toJson() : undefined;
    const sec = this.secretObject?.toJson();
    const decode = (m: Record<string, string> | undefined) => mapValues(m ?? {}, (v) => Buffer.from(v, 'base64'));
    const emitted = this.checksumOf(cm?.data ?? {}, decode(cm?.binaryData), sec === undefined ? undefined : decode(sec.data));
    if (emitted === this.checksum) return [];
    return [`${this.node.path}: 'checksum' must describe what the bundle emits, got ConfigMap/Secret content that changed after the bundle was built (an escape-hatch edit?): pass every key through the ConfigBundle props so that '${CHECKSUM_ANNOTATION}' rolls the consumers`];
  }

  /** The checksum of this bundle's names and references with the given ConfigMap and Secret data. */
  private checksumOf(data: Record<string, string>, binaryData: Record<string, Buffer>, secretData: Record<string, Buffer> | undefined): string {
    return computeChecksum({
      configMapName: this.configMap ? this.configMapName : undefined,
      data,
      binaryData,
      secret: secretData === undefined ? undefined : { name: this.secretName ?? '', type: this.secretType ?? '', data: secretData },
      existing: this.usesExistingSecret ? { name: this.secretName ?? '', keys: this.secretKeys, revision: this.existingRevision } : undefined,
    });
  }
}

/** Everything a {@link ConfigBundle} emits, validated, every value read (creates nothing). */
export interface ConfigBundlePlan {
  /** The base name. */
  readonly name: string;
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /** Whether the objects are immutable. */
  readonly immutable: boolean;
  /** The labels of both objects. */
  readonly labels: Record<string, string>;
  /** The annotations of both objects. */
  readonly annotations: Record<string, string> | undefined;
  /** The ConfigMap's UTF-8 entries. */
  readonly data: Record<string, string>;
  /** The ConfigMap's other entries. */
  readonly binaryData: Record<string, Buffer>;
  /** The ConfigMap keys (`data` and `binaryData`), sorted. */
  readonly configKeys: string[];
  /** The Secret's name (emitted or existing); undefined without a Secret. */
  readonly secretName: string | undefined;
  /** The emitted Secret's type. */
  readonly secretType: SecretType | undefined;
  /** The emitted Secret's values (undefined without an emitted Secret). */
  readonly secretData: Record<string, Buffer> | undefined;
  /** The Secret keys, sorted; undefined for an existing Secret without declared keys. */
  readonly secretKeys: string[] | undefined;
  /** The reference to an existing Secret, if that is what the bundle holds. */
  readonly existing: { readonly revision: string | undefined } | undefined;
}

/**
 * Validates the props of a {@link ConfigBundle}, reads its files and Secret sources, and resolves what it emits.
 */
export function resolveConfigBundle(scope: IConstruct, props: ConfigBundleProps): ConfigBundlePlan {
  checkRecord(scope, 'props', props as unknown);
  checkDnsSubdomain(scope, 'name', props.name);
  const configMapName = props.configMapName ?? `${props.name}-config`;
  checkDnsSubdomain(scope, 'configMapName', configMapName);
  const immutable = props.immutable ?? false;
  checkBoolean(scope, 'immutable', immutable);
  if (props.identity !== undefined) checkIdentity(scope, 'identity', props.identity);
  if (props.labels !== undefined) checkLabels(scope, 'labels', props.labels);
  if (props.annotations !== undefined) checkAnnotations(scope, 'annotations', props.annotations);
  // the default identity's name is a label value: a longer base name is cut there (the objects keep theirs)
  const labels = { ...recommendedLabels(props.identity ?? { name: nameLabelValue(props.name) }), ...(props.labels ?? {}) };
  const annotations = props.annotations && Object.keys(props.annotations).length > 0 ? { ...props.annotations } : undefined;

  // ConfigMap content
  const data: Record<string, string> = {};
  const binaryData: Record<string, Buffer> = {};
  if (props.data !== undefined) checkRecord(scope, 'data', props.data);
  if (props.files !== undefined) checkRecord(scope, 'files', props.files);
  for (const [key, value] of Object.entries(props.data ?? {})) {
    checkConfigKey(scope, 'data', key);
    if (typeof value !== 'string') fail(scope, `data.${key}`, `must be a string, got ${show(value)}`);
    data[key] = value;
  }
  for (const [key, file] of Object.entries(props.files ?? {})) {
    checkConfigKey(scope, 'files', key);
    if (key in data) fail(scope, 'files', `key ${show(key)} is also in 'data': a key must be given once`);
    if (typeof file !== 'string' || file === '') fail(scope, `files.${key}`, `must be a file path, got ${show(file)}`);
    const bytes = readLocalFile(scope, `files.${key}`, file);
    if (isUtf8(bytes)) data[key] = bytes.toString('utf8');
    else binaryData[key] = bytes;
  }
  const configKeys = [...Object.keys(data), ...Object.keys(binaryData)].sort();
  const configBytes = Object.values(data).reduce((n, v) => n + Buffer.byteLength(v), 0)
    + Object.values(binaryData).reduce((n, v) => n + v.length, 0);
  if (configBytes > MAX_DATA_BYTES) {
    fail(scope, 'data', `must hold at most 1 MiB (${MAX_DATA_BYTES} bytes) in total, got ${configBytes} bytes: mount large files from a volume instead`);
  }

  // Secret content
  const spec = props.secret;
  if (spec !== undefined && !(spec instanceof BundleSecret)) {
    fail(scope, 'secret', `must be a BundleSecret (BundleSecret.opaque/tls/basicAuth/dockerConfigJson/existing), got ${show(typeof spec)}`);
  }
  let secretData: Record<string, Buffer> | undefined;
  let secretName: string | undefined;
  let secretKeys: string[] | undefined;
  let existing: ConfigBundlePlan['existing'];
  if (spec !== undefined && spec.existingName !== undefined) {
    checkDnsSubdomain(scope, 'secret.existing', spec.existingName);
    if (props.secretName !== undefined) {
      fail(scope, 'secretName', `must not be set with BundleSecret.existing, which names the Secret (${show(spec.existingName)}), got ${show(props.secretName)}`);
    }
    const revision = spec._existing.revision;
    if (revision !== undefined && (typeof revision !== 'string' || revision === '')) {
      fail(scope, 'secret.revision', `must be a non-empty string, got ${show(revision)}`);
    }
    secretName = spec.existingName;
    const keys = spec._existing.keys;
    if (keys !== undefined) {
      checkStringArray(scope, 'secret.keys', keys);
      keys.forEach((k) => checkConfigKey(scope, 'secret.keys', k));
      checkUnique(scope, 'secret.keys', keys);
    }
    secretKeys = keys === undefined ? undefined : [...keys].sort();
    existing = { revision };
  } else if (spec !== undefined) {
    secretName = props.secretName ?? `${props.name}-secret`;
    checkDnsSubdomain(scope, 'secretName', secretName);
    secretData = resolveSecret(scope, spec);
    secretKeys = Object.keys(secretData).sort();
  }
  for (const key of secretKeys ?? []) {
    if (configKeys.includes(key)) {
      fail(scope, 'secret', `key ${show(key)} is also a ConfigMap key ('data' or 'files'): a key must live in one place (sensitive values belong in the Secret)`);
    }
  }
  if (configKeys.length === 0 && spec === undefined) {
    fail(scope, 'data', "must not be empty: give 'data', 'files' or 'secret'");
  }
  if (secretName !== undefined && configKeys.length > 0 && secretName === configMapName) {
    // different kinds may share a name, but a bundle whose two objects share it is almost always a typo
    fail(scope, 'secretName', `must differ from configMapName, got ${show(secretName)} for both`);
  }
  return {
    name: props.name, configMapName, immutable, labels, annotations, data, binaryData, configKeys,
    secretName, secretType: spec?.type, secretData, secretKeys, existing,
  };
}

function resolveSecret(scope: IConstruct, spec: BundleSecret): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  checkRecord(scope, 'secret', spec._sources as unknown);
  const type = spec.type ?? SecretType.OPAQUE;
  const entries = Object.entries(spec._sources);
  if (entries.length === 0) fail(scope, 'secret', 'must have at least one key, got none');
  for (const [key, source] of entries) {
    const prop = `secret.${key}`;
    checkConfigKey(scope, 'secret', key);
    if (typeof source === 'string' && type === SecretType.BASIC_AUTH && key === 'username') {
      if (source === '') fail(scope, prop, 'must not be empty, got ""');
      out[key] = Buffer.from(source, 'utf8');
      continue;
    }
    if (!(source instanceof SecretSource)) {
      fail(scope, prop, `must be a SecretSource (fromEnv, fromDotenvFile, fromFile): secret values never live in source, got ${typeof source === 'string' ? 'a string literal' : show(typeof source)}`);
    }
    if (source.generates && type !== SecretType.OPAQUE && type !== SecretType.BASIC_AUTH) {
      fail(scope, prop, `cannot generate a value for a ${type} Secret (${source.description}): provide the real value`);
    }
    out[key] = source.resolve(scope, prop).value;
  }
  checkTyped(scope, type, out);
  const total = Object.values(out).reduce((n, v) => n + v.length, 0);
  if (total > MAX_DATA_BYTES) fail(scope, 'secret', `must hold at most 1 MiB (${MAX_DATA_BYTES} bytes) in total, got ${total} bytes`);
  return out;
}

function checkTyped(scope: IConstruct, type: SecretType, data: Record<string, Buffer>): void {
  if (type === SecretType.TLS) {
    if (!data['tls.crt'].toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
      fail(scope, 'secret.tls.crt', 'must be a PEM certificate (a "-----BEGIN CERTIFICATE-----" block)');
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(data['tls.key'].toString('utf8'))) {
      fail(scope, 'secret.tls.key', 'must be a PEM private key (a "-----BEGIN ... PRIVATE KEY-----" block)');
    }
  } else if (type === SecretType.DOCKER_CONFIG_JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data['.dockerconfigjson'].toString('utf8'));
    } catch {
      fail(scope, 'secret..dockerconfigjson', 'must be a docker config.json (JSON), got text that does not parse (content not shown)');
    }
    const auths = (parsed as { auths?: unknown } | null)?.auths;
    if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
      fail(scope, 'secret..dockerconfigjson', 'must be a docker config.json with an "auths" object');
    }
  }
}

interface ExistingRef {
  readonly name: string;
  readonly keys: string[] | undefined;
  readonly revision: string | undefined;
}

interface ChecksumInput {
  readonly configMapName: string | undefined;
  readonly data: Record<string, string>;
  readonly binaryData: Record<string, Buffer>;
  readonly secret: { name: string; type: string; data: Record<string, Buffer> } | undefined;
  readonly existing: ExistingRef | undefined;
}

/** sha256 over a canonical JSON (sorted keys); Secret values enter only as their own sha256. */
function computeChecksum(input: ChecksumInput): string {
  const sorted = <T>(m: Record<string, T>, f: (v: T) => string) => Object.keys(m).sort().map((k) => [k, f(m[k])]);
  const canonical = {
    v: 1,
    configMap: input.configMapName === undefined
      ? null
      : { name: input.configMapName, data: sorted(input.data, (v) => v), binaryData: sorted(input.binaryData, (b) => b.toString('base64')) },
    secret: input.secret === undefined
      ? null
      : { name: input.secret.name, type: input.secret.type, data: sorted(input.secret.data, (b) => sha256Hex(b)) },
    existingSecret: input.existing === undefined
      ? null
      : { name: input.existing.name, keys: input.existing.keys ?? null, revision: input.existing.revision ?? null },
  };
  return sha256Hex(JSON.stringify(canonical));
}


/** The default volume name of an object: its name with '.' replaced by '-', cut to a DNS label. */
function volumeNameOf(objectName: string): string {
  return objectName.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function mapValues<A, B>(m: Record<string, A>, f: (v: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, f(v)]));
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
