/**
 * The one place that touches private or internal members of cdk8s, cdk8s-plus-27 and constructs.
 *
 * Each function says which internal it relies on and why the public API is not enough. test/internal/compat.test.ts
 * is the upgrade canary: it fails with a message naming the function to revisit when a dependency moves.
 * Pinned today: cdk8s 2.70.x, cdk8s-plus-27 2.9.5, constructs 10.8.x.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct, Node } from 'constructs';
import * as k8s from '../../imports/k8s';

// ---- cdk8s-plus-27: probes ----

/** The fields of a cdk8s-plus-27 `Probe` (all private) that say which port it targets. */
interface ProbeInternals {
  readonly probeOptions?: kplus.ProbeOptions;
  readonly httpGetOptions?: kplus.HttpGetProbeOptions & { readonly path: string };
  readonly tcpSocketOptions?: kplus.TcpSocketProbeOptions;
}

/**
 * The probe, targeting `port` when it is an HTTP or TCP probe created without one.
 *
 * Why internal: cdk8s-plus-27 points such a probe at port 80 (it only knows the deprecated `portNumber` container
 * prop), whatever the container listens on, and `Probe` exposes neither its kind nor its options: they are read from
 * its private `httpGetOptions` / `tcpSocketOptions` fields and the probe is rebuilt with the public factories.
 */
export function probeWithDefaultPort<P extends kplus.Probe | undefined>(probe: P, port: number | undefined): P {
  if (probe === undefined || port === undefined) return probe;
  const p = probe as unknown as ProbeInternals;
  if (p.httpGetOptions && p.httpGetOptions.port === undefined) {
    const { path, ...options } = p.httpGetOptions;
    return kplus.Probe.fromHttpGet(path, { ...options, port }) as P;
  }
  if (p.tcpSocketOptions && p.tcpSocketOptions.port === undefined) {
    return kplus.Probe.fromTcpSocket({ ...p.tcpSocketOptions, port }) as P;
  }
  return probe;
}

/**
 * The port an HTTP or TCP probe targets (a number, a port name, or undefined: none given, or another kind of probe).
 *
 * Why internal: the same private `httpGetOptions` / `tcpSocketOptions` as `probeWithDefaultPort`; cdk8s-plus-27
 * renders `port: 0` or `70000` as given, which the API server refuses.
 */
export function probeTargetPort(probe: kplus.Probe): number | string | undefined {
  const p = probe as unknown as ProbeInternals;
  return (p.httpGetOptions?.port ?? p.tcpSocketOptions?.port) as number | string | undefined;
}

// ---- cdk8s-plus-27: volumes of any L1 source ----

/**
 * A `kplus.Volume` of any L1 volume source (e.g. `projected`, which cdk8s-plus-27 has no factory for).
 *
 * Why internal: `Volume`'s constructor is private in the type declarations only; every factory calls it with the
 * L1 source, which `_toKube()` renders as is, so the volume mounts like any other kplus volume.
 */
export function volumeFromSource(scope: Construct, id: string, name: string, source: Omit<k8s.Volume, 'name'>): kplus.Volume {
  const RawVolume = kplus.Volume as unknown as new (s: Construct, i: string, n: string, c: Omit<k8s.Volume, 'name'>) => kplus.Volume;
  return new RawVolume(scope, id, name, source);
}

// ---- cdk8s-plus-27: rendering ----

/**
 * The pod spec cdk8s-plus renders for a workload (containers, volumes, security context, ...).
 *
 * Why internal: a StatefulSet with volumeClaimTemplates is an L1 object in cdk8s-plus-27 (its StatefulSet has no
 * claim templates), while its pod template is still built by cdk8s-plus; `AbstractPod._toPodSpec()` (@internal)
 * is the only way to render it.
 */
export function renderPodSpec(pod: kplus.AbstractPod): k8s.PodSpec {
  return pod._toPodSpec();
}

/** The L1 form of a StatefulSet update strategy (`StatefulSetUpdateStrategy._toKube()`, @internal: no public getter). */
export function renderStatefulSetUpdateStrategy(strategy: kplus.StatefulSetUpdateStrategy): k8s.StatefulSetUpdateStrategy {
  return strategy._toKube();
}

/** Something cdk8s-plus renders through an @internal `_toKube()` (PersistentVolume, PersistentVolumeClaim). */
interface KubeRenderable<S> {
  _toKube(): S;
}

/**
 * Extends the spec cdk8s-plus renders for `obj`: `extend(base)` replaces it at synth.
 *
 * Why internal: cdk8s-plus-27's PersistentVolume and PersistentVolumeClaim render `spec` lazily from
 * `_toKube()` (@internal) and take no capacity quantity finer than its Size, no CSI/NFS source and no claim
 * selector; wrapping the instance's `_toKube` keeps the rest of their typed behaviour (bind, toVolume, reserve).
 */
export function extendRenderedSpec<S>(obj: KubeRenderable<S>, extend: (base: S) => S): void {
  const render = obj._toKube.bind(obj);
  obj._toKube = () => extend(render());
}

// ---- cdk8s-plus-27: the construct-path pod label ----

/**
 * Drops the `cdk8s.io/metadata.addr` label cdk8s-plus adds to a workload's pods (a value derived from the construct
 * path: a moved construct would change the pods' labels). Only when the label is there, so a cdk8s-plus that stops
 * adding it does not break synth (the patch is guarded by a JSON-patch `test`).
 *
 * Why a patch: cdk8s-plus has no way to turn the label off (`select: false` drops only the selector) and
 * `ApiObjectMetadataDefinition` cannot remove a label.
 */
export function dropPodAddressLabel(workload: kplus.AbstractPod): void {
  const value = workload.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL);
  if (value === undefined) return;
  const labels = workload instanceof kplus.Pod ? '/metadata/labels' : '/spec/template/metadata/labels';
  const path = `${labels}/${kplus.Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const obj = ApiObject.of(workload);
  obj.addJsonPatch(JsonPatch.test(path, value));
  obj.addJsonPatch(JsonPatch.remove(path));
}

// ---- cdk8s-plus-27: fields of one container ----

/** The JSON pointer of a workload's pod spec: `/spec` (Pod), `/spec/jobTemplate/spec/template/spec` (CronJob), else `/spec/template/spec`. */
export function podSpecPath(workload: kplus.AbstractPod): string {
  if (workload instanceof kplus.Pod) return '/spec';
  if (workload instanceof kplus.CronJob) return '/spec/jobTemplate/spec/template/spec';
  return '/spec/template/spec';
}

/**
 * Adds `value` at `field` (a JSON pointer below the container, e.g. `/resources/requests/ephemeral-storage`) of one
 * container of the rendered pod spec.
 *
 * Why by index: cdk8s-plus-27 cannot express some container fields (ephemeral-storage below 1Gi, seccomp on the
 * container, native-sidecar `restartPolicy`) and renders containers as an array in insertion order. The patch is
 * guarded by a JSON-patch `test` of the container's name at that index, so a cdk8s-plus that reorders containers
 * fails the synth instead of patching the wrong one.
 */
export function patchContainer(workload: kplus.AbstractPod, container: kplus.Container, field: string, value: unknown): void {
  const base = containerPointer(workload, container);
  const obj = ApiObject.of(workload);
  obj.addJsonPatch(JsonPatch.test(`${base}/name`, container.name));
  obj.addJsonPatch(JsonPatch.add(`${base}${field}`, value));
}

/**
 * The L1 form of `probe` on `container` (a `k8s.Probe`, as cdk8s-plus renders it), for `patchContainer`.
 *
 * Why internal: a native sidecar is an init container with `restartPolicy: Always`, which may carry probes, but
 * cdk8s-plus-27's `addInitContainer` refuses probes (no init container could have them before Kubernetes 1.29).
 * `Probe._toKube(container)` (@internal) is the only way to render a probe.
 */
export function renderProbe(probe: kplus.Probe, container: kplus.Container): k8s.Probe {
  return probe._toKube(container);
}

/**
 * Adds `value` (plain JSON) at `field` of one container of the manifest, after the L1 class has rendered it: for a
 * container field that the Kubernetes 1.27 L1 classes do not know (`restartPolicy` of a native sidecar, 1.28+).
 *
 * Why: a JSON patch of an L1 object (`addJsonPatch`, `patchContainer`) applies to its props before the generated
 * `toJson_*` functions map them to the manifest, and those functions keep only the fields of the 1.27 schema, so
 * an unknown field is silently dropped. This wraps the object's `toJson()` to patch its final output instead,
 * guarded like `patchContainer` by a JSON-patch `test` of the container's name at that index.
 */
export function patchRenderedContainer(workload: kplus.AbstractPod, container: kplus.Container, field: string, value: unknown): void {
  const base = containerPointer(workload, container);
  const obj = ApiObject.of(workload);
  const render = obj.toJson.bind(obj);
  obj.toJson = () => JsonPatch.apply(render(), JsonPatch.test(`${base}/name`, container.name), JsonPatch.add(`${base}${field}`, value));
}

/** The JSON pointer of a container of a workload's pod spec (`/spec/template/spec/initContainers/0`). */
function containerPointer(workload: kplus.AbstractPod, container: kplus.Container): string {
  const init = workload.initContainers.includes(container);
  const list = init ? workload.initContainers : workload.containers;
  const index = list.indexOf(container);
  if (index < 0) throw new Error(`patchContainer: container ${container.name} is not part of ${workload.node.path}`);
  return `${podSpecPath(workload)}/${init ? 'initContainers' : 'containers'}/${index}`;
}

// ---- constructs: child tables of large apps ----

interface NodeInternals {
  _children?: Record<string, IConstruct>;
  _scopes?: IConstruct[];
  addChild(child: IConstruct, childName: string): void;
}

const PATCHED = Symbol.for('kubecraft.dictionaryChildTables');

/**
 * Makes every construct below a root for which `isRoot` holds keep its children in a null-prototype object
 * (which V8 holds in dictionary mode) instead of constructs' `{}`. Installed once, by the first KubecraftApp
 * constructed (never at import); nodes of other trees are untouched.
 *
 * Why internal: constructs 10 stores children as `this._children = {}; this._children[id] = child` in the private
 * `Node.addChild`. Every chart whose first child has an id of its own (`web-0`, `web-1`, ...) adds one more
 * hidden-class transition to the map of the empty object literal; with thousands of charts that map's transition
 * table overflows, and from then on V8 allocates and promotes far more for every object literal built by dynamic
 * keys (cdk8s `sanitizeValue`, the `yaml` serializer): measured with 5000 charts of 7 objects, 22 s CPU and 670 MB
 * instead of 7.4 s and 380 MB. A null-prototype object never takes those transitions. Lookups, insertion order and
 * `node.children` are unchanged; only ids that collide with `Object.prototype` members (`constructor`,
 * `toString`) stop being reported as duplicates.
 */
export function installDictionaryChildTables(isRoot: (scope: IConstruct | undefined) => boolean): void {
  const proto = Node.prototype as unknown as NodeInternals & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const addChild = proto.addChild;
  if (typeof addChild !== 'function') throw new Error('constructs: Node.prototype.addChild is gone (see lib/internal/compat.ts)');
  proto.addChild = function (this: NodeInternals, child: IConstruct, childName: string): void {
    if (this._children === undefined && isRoot(this._scopes?.[0])) {
      this._children = Object.create(null) as Record<string, IConstruct>;
    }
    addChild.call(this, child, childName);
  };
  proto[PATCHED] = true;
}

/** Whether the child-table patch is installed (for the canary test). */
export function dictionaryChildTablesInstalled(): boolean {
  return (Node.prototype as unknown as { [PATCHED]?: boolean })[PATCHED] === true;
}

// ---- cdk8s-plus-27: ConfigMap data whose values are all empty ----

/**
 * Makes a cdk8s-plus ConfigMap render `data` whenever it has keys, also when every value is empty
 * (`{ FEATURE_FLAG: '' }`, a valid ConfigMap), keeping whatever is added to it later (`addData`).
 *
 * Why internal: cdk8s-plus-27 renders `data` through its private `synthesizeData()`, which returns undefined when
 * every value is falsy, so such a ConfigMap synthesizes without its keys. The replacement reads the public `data`.
 */
export function keepEmptyConfigMapValues(cm: kplus.ConfigMap): void {
  const internals = cm as unknown as { synthesizeData?: () => Record<string, string> | undefined };
  if (typeof internals.synthesizeData !== 'function') {
    throw new Error('cdk8s-plus: ConfigMap.synthesizeData() is gone (see keepEmptyConfigMapValues in lib/internal/compat.ts)');
  }
  internals.synthesizeData = () => (Object.keys(cm.data).length > 0 ? cm.data : undefined);
}
