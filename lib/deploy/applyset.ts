/**
 * ApplySet: the API objects of a chart as one set that `kubectl apply --prune --applyset` can prune (KEP 3659).
 *
 * kubectl does the pruning itself: `--applyset=configmaps/<name> --namespace <ns>` creates (or updates) the
 * parent ConfigMap `<name>` with the `applyset.kubernetes.io/id` label and the `tooling` / `contains-group-kinds`
 * annotations, labels every object it applies `applyset.kubernetes.io/part-of=<id>`, and deletes the objects that
 * carry the label but are no longer in its input. kubectl refuses input that already carries that label and an
 * existing parent without kubectl's annotations, so the library emits neither: it marks each object of the set with
 * the annotation `kubecraft.dev/applyset: <namespace>/<name>`, which `npm run deploy` / `npm run diff`
 * (scripts/deploy.mjs) read to run kubectl once per set, and checks at synth what kubectl would refuse or prune
 * wrongly. See docs/deploy.md.
 *
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#alternative-kubectl-apply-f-directory-prune
 * @see https://github.com/kubernetes/enhancements/tree/master/keps/sig-cli/3659-kubectl-apply-prune
 */
import { createHash } from 'node:crypto';
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KUBECRAFT_PREFIX } from '../core/labels';
import { checkDnsLabel, checkDnsSubdomain, fail, show } from '../internal/validate';

/** The annotation that puts an object in an ApplySet: `<namespace>/<name>` of the set (its parent ConfigMap). */
export const APPLYSET_ANNOTATION = `${KUBECRAFT_PREFIX}/applyset`;

/** kubectl's membership label (`applyset.kubernetes.io/part-of`): kubectl sets it, input must not carry it. */
const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
/** kubectl's parent label (`applyset.kubernetes.io/id`). */
const PARENT_ID_LABEL = 'applyset.kubernetes.io/id';

/**
 * Kinds whose objects a controller creates with a copy of another object's labels (the endpoints and
 * EndpointSlice controllers copy a Service's labels, ApplySet label included): in a set, kubectl would prune
 * those copies as members.
 */
const LABEL_COPIED_KINDS = ['Endpoints', 'EndpointSlice'];

/** Props of {@link ApplySet}. */
export interface ApplySetProps {
  /**
   * The set's name: the name of its parent ConfigMap, which kubectl creates in `namespace` on the first deploy.
   * Unique per namespace, like a Helm release name: two apps that use the same set name in one namespace prune
   * each other's objects.
   */
  readonly name: string;
  /**
   * The namespace of the parent ConfigMap. Every namespaced object of the set must be in it (kubectl applies a
   * set with `--namespace <namespace>` and refuses objects of other namespaces); cluster-scoped objects
   * (Namespace, StorageClass, ClusterRole...) belong to the set too.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** What {@link ApplySet} builds from its props: every default resolved, everything validated. */
export interface ApplySetPlan {
  readonly name: string;
  readonly namespace: string;
  readonly id: string;
}

/**
 * Resolves and validates the props of the ApplySet `scope` (creates nothing). Throws naming the prop on bad
 * input, and when its chart already has another set.
 */
export function resolveApplySet(scope: Construct, props: ApplySetProps): ApplySetPlan {
  const chart = Chart.of(scope);
  const existing = chart.node.findAll().find((c): c is ApplySet => c instanceof ApplySet && c !== scope && Chart.of(c) === chart);
  if (existing) {
    fail(scope, 'name', `must not be given to a second ApplySet of chart '${chart.node.path}' (one set per chart: kubectl applies and prunes a set in one call), got ${show(props.name)} while '${existing.node.path}' is ${show(existing.name)}`);
  }
  checkDnsSubdomain(scope, 'name', props.name);
  const namespace = props.namespace ?? chart.namespace;
  if (namespace === undefined) {
    fail(scope, 'namespace', `must be set when the chart has no namespace (the parent ConfigMap is namespaced), got undefined`);
  }
  checkDnsLabel(scope, 'namespace', namespace);
  return { name: props.name, namespace, id: applySetId(props.name, namespace) };
}

/**
 * kubectl's ApplySet id of the parent ConfigMap `name` in `namespace`, the value of the `applyset.kubernetes.io/id`
 * label on the parent and of `applyset.kubernetes.io/part-of` on its members: `applyset-<base64url(sha256(
 * <name>.<namespace>.ConfigMap.))>-v1` (KEP 3659, kubectl's `ApplySet.ID()`).
 */
function applySetId(name: string, namespace: string): string {
  const hash = createHash('sha256').update(`${name}.${namespace}.ConfigMap.`).digest('base64url');
  return `applyset-${hash}-v1`;
}

/**
 * The API objects of a chart as one ApplySet: `npm run deploy` applies them server-side with
 * `kubectl apply --prune --applyset=configmaps/<name> --namespace <namespace>`, so an object the chart no longer
 * emits is deleted from the cluster, and nothing else is.
 *
 * At synth, every API object of the chart (nested charts excluded) gets the annotation
 * `kubecraft.dev/applyset: <namespace>/<name>`, and the set is checked: its namespaced objects are all in
 * `namespace`, none already carries kubectl's ApplySet labels, none is named like the parent ConfigMap, and none is
 * an Endpoints or EndpointSlice (their controllers copy a Service's labels, so kubectl would prune the copies).
 *
 * @example
 * const chart = new Chart(app, 'dev', { namespace: 'dev' });
 * new ApplySet(chart, 'ApplySet', { name: 'shop' });
 * // npm run deploy  ->  KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=kubecraft \
 * //                      --prune --applyset=configmaps/shop --namespace dev -f dist/dev.k8s.yaml
 */
export class ApplySet extends Construct {
  /** The ApplySet of the chart of `scope`, if it has one. */
  public static of(scope: IConstruct): ApplySet | undefined {
    const chart = Chart.of(scope);
    return chart.node.findAll().find((c): c is ApplySet => c instanceof ApplySet && Chart.of(c) === chart);
  }

  /** The set's name, also the name of its parent ConfigMap. */
  public readonly name: string;
  /** The namespace of the parent ConfigMap (and of every namespaced object of the set). */
  public readonly namespace: string;
  /**
   * kubectl's id of the set: the `applyset.kubernetes.io/id` label of the parent and the
   * `applyset.kubernetes.io/part-of` label kubectl puts on every object it applies in the set.
   */
  public readonly id: string;
  /** The value of the annotation that marks the set's objects: `<namespace>/<name>`. */
  public readonly annotationValue: string;

  constructor(scope: Construct, id: string, props: ApplySetProps) {
    super(scope, id);
    const plan = resolveApplySet(this, props);
    this.name = plan.name;
    this.namespace = plan.namespace;
    this.id = plan.id;
    this.annotationValue = `${plan.namespace}/${plan.name}`;
    this.node.addValidation({ validate: () => this.claimMembers() });
  }

  /** The `--applyset` value of kubectl: `configmaps/<name>`. */
  public get parentRef(): string {
    return `configmaps/${this.name}`;
  }

  /** The API objects of the set: those of the chart (nested charts excluded). */
  public get members(): ApiObject[] {
    const chart = Chart.of(this);
    return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  }

  /** Synth-time: marks every object of the chart (objects added after the set included) and checks them. */
  private claimMembers(): string[] {
    const errors: string[] = [];
    const where = (o: ApiObject) => `${o.kind} ${show(o.name)} (${o.node.path})`;
    for (const obj of this.members) {
      obj.metadata.addAnnotation(APPLYSET_ANNOTATION, this.annotationValue);
      if (LABEL_COPIED_KINDS.includes(obj.kind)) {
        errors.push(`${this.node.path}: the set must not contain an ${obj.kind} (its controller copies a Service's labels, kubectl's ApplySet label included, onto the objects it creates, which kubectl would then prune), got ${where(obj)}; put it in a chart without an ApplySet`);
      }
      for (const label of [PART_OF_LABEL, PARENT_ID_LABEL]) {
        if (obj.metadata.getLabel(label) !== undefined) {
          errors.push(`${this.node.path}: the set's objects must not carry the label '${label}' (kubectl sets it and refuses input that has it), got ${where(obj)}`);
        }
      }
      if (obj.kind === 'ConfigMap' && obj.apiVersion === 'v1' && obj.name === this.name) {
        errors.push(`${this.node.path}: 'name' must differ from the names of the set's ConfigMaps (kubectl keeps the set's state in a ConfigMap of that name), got ${show(this.name)} for ${where(obj)}`);
      }
      // cluster-scoped constructs drop the chart namespace with a JSON patch: only a rendered object says where it goes
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== this.namespace) {
        const rendered = obj.toJson() as { metadata?: { namespace?: string } };
        const ns = rendered.metadata?.namespace;
        if (ns !== undefined && ns !== this.namespace) {
          errors.push(`${this.node.path}: the set's namespaced objects must be in its namespace ${show(this.namespace)} (kubectl applies the set with --namespace ${this.namespace} and refuses others), got ${where(obj)} in ${show(ns)}`);
        }
      }
    }
    return errors;
  }
}
