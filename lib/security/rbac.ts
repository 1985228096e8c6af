/**
 * RBAC: Roles, ClusterRoles and their bindings, with typed verbs, explicit names and least privilege by default.
 *
 * Built on the L1 classes rather than cdk8s-plus-27's `Role`: kplus takes verbs as free strings, splits every
 * resource into its own rule, cannot express a rule over several resources or a wildcard check, and its
 * `role.bind()` names the RoleBinding with a 40-hex hash. Here every object has an explicit, readable name.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { LABEL, MANAGED_BY } from '../core/labels';
import { clusterScoped } from './namespace';
import { installAppChecks } from '../internal/app-checks';
import {
  checkArray, checkBoolean, checkDnsLabel, checkOneOf, checkDnsSubdomain, checkInstance, checkKnownKeys, checkLabels, checkRecord, checkStringArray, checkUnique, fail, show,
} from '../internal/validate';

/** The API group of the RBAC objects. */
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Request verbs a rule may allow.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
 */
export enum Verb {
  /** Read one object. */
  GET = 'get',
  /** Read every object of a kind (in a namespace, or the cluster). */
  LIST = 'list',
  /** Follow changes to objects. */
  WATCH = 'watch',
  /** Create objects. */
  CREATE = 'create',
  /** Replace objects. */
  UPDATE = 'update',
  /** Change parts of objects. */
  PATCH = 'patch',
  /** Delete one object. */
  DELETE = 'delete',
  /** Delete every object of a kind at once. */
  DELETE_COLLECTION = 'deletecollection',
  /** Act as another user, group or service account. */
  IMPERSONATE = 'impersonate',
  /** Create bindings to roles one does not hold. */
  BIND = 'bind',
  /** Create roles with permissions one does not hold. */
  ESCALATE = 'escalate',
  /** Use a PodSecurityPolicy-like resource (e.g. `podsecuritypolicies`). */
  USE = 'use',
  /** Every verb: needs `allowWildcards: true`. */
  ALL = '*',
}

/** `get`, `list`, `watch`. */
export const READ_VERBS: readonly Verb[] = [Verb.GET, Verb.LIST, Verb.WATCH];
/** The read verbs plus `create`, `update`, `patch`, `delete`, `deletecollection`. */
export const READ_WRITE_VERBS: readonly Verb[] = [...READ_VERBS, Verb.CREATE, Verb.UPDATE, Verb.PATCH, Verb.DELETE, Verb.DELETE_COLLECTION];

/** Well-known API groups (any other group, e.g. of a CRD, is written as its name). */
export class ApiGroup {
  /** The core group `""`: pods, services, configmaps, secrets, serviceaccounts, persistentvolumeclaims... */
  public static readonly CORE = '';
  /** `apps`: deployments, statefulsets, daemonsets, replicasets. */
  public static readonly APPS = 'apps';
  /** `batch`: jobs, cronjobs. */
  public static readonly BATCH = 'batch';
  /** `networking.k8s.io`: ingresses, networkpolicies. */
  public static readonly NETWORKING = 'networking.k8s.io';
  /** `policy`: poddisruptionbudgets. */
  public static readonly POLICY = 'policy';
  /** `autoscaling`: horizontalpodautoscalers. */
  public static readonly AUTOSCALING = 'autoscaling';
  /** `rbac.authorization.k8s.io`. */
  public static readonly RBAC = RBAC_GROUP;
  /** `storage.k8s.io`: storageclasses. */
  public static readonly STORAGE = 'storage.k8s.io';
  /** `coordination.k8s.io`: leases (leader election). */
  public static readonly COORDINATION = 'coordination.k8s.io';
  /** `discovery.k8s.io`: endpointslices. */
  public static readonly DISCOVERY = 'discovery.k8s.io';
  /** Every group: needs `allowWildcards: true`. */
  public static readonly ALL = '*';

  private constructor() {}
}

/** The group of well-known resources, to catch `deployments` listed under the core group. */
const KNOWN_GROUP: Record<string, string> = {
  pods: '', services: '', configmaps: '', secrets: '', serviceaccounts: '', persistentvolumeclaims: '',
  persistentvolumes: '', endpoints: '', events: '', namespaces: '', nodes: '', resourcequotas: '', limitranges: '',
  deployments: 'apps', statefulsets: 'apps', daemonsets: 'apps', replicasets: 'apps', controllerrevisions: 'apps',
  jobs: 'batch', cronjobs: 'batch',
  ingresses: 'networking.k8s.io', networkpolicies: 'networking.k8s.io', ingressclasses: 'networking.k8s.io',
  poddisruptionbudgets: 'policy', horizontalpodautoscalers: 'autoscaling',
  roles: RBAC_GROUP, rolebindings: RBAC_GROUP, clusterroles: RBAC_GROUP, clusterrolebindings: RBAC_GROUP,
  storageclasses: 'storage.k8s.io', leases: 'coordination.k8s.io', endpointslices: 'discovery.k8s.io',
};

/** One rule: the verbs allowed on the resources of the API groups (every combination). */
export interface PolicyRule {
  /** Verbs allowed. `Verb.ALL` needs `allowWildcards`. */
  readonly verbs: readonly Verb[];
  /**
   * API groups of the resources: `ApiGroup.CORE` (`""`) for pods, services, secrets...; `ApiGroup.APPS` for
   * deployments... `ApiGroup.ALL` needs `allowWildcards`.
   */
  readonly apiGroups: readonly string[];
  /**
   * Resources (lowercase plural, e.g. `deployments`, or a subresource such as `pods/log`). `*` needs `allowWildcards`.
   */
  readonly resources: readonly string[];
  /**
   * Restrict the rule to objects with these names.
   * @default - every object of the resources
   */
  readonly resourceNames?: readonly string[];
}

/** Options shared by Roles and ClusterRoles. */
export interface RoleBaseProps {
  /**
   * `metadata.name`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The rules. More can be added with `addRule()`.
   * @default - none
   */
  readonly rules?: readonly PolicyRule[];
  /**
   * Accept `*` in verbs, apiGroups or resources. Wildcards also grant access to resources and verbs added to the
   * cluster later, so they are refused unless set.
   * @default false
   */
  readonly allowWildcards?: boolean;
  /**
   * Extra labels (merged over `app.kubernetes.io/managed-by: kubecraft`).
   * @default - the managed-by label only
   */
  readonly labels?: Record<string, string>;
}

/** Props of a namespaced Role. */
export interface RoleProps extends RoleBaseProps {
  /**
   * The namespace of the Role.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** Props of a ClusterRole. */
export type ClusterRoleProps = RoleBaseProps;

/** What a RoleBinding can point to: a Role or ClusterRole. */
export interface IRoleReference {
  /** `Role` or `ClusterRole`. */
  readonly roleKind: 'Role' | 'ClusterRole';
  /** The role's `metadata.name`. */
  readonly roleName: string;
  /**
   * The Role's namespace (undefined for a ClusterRole, or when unknown); a RoleBinding checks it is its own.
   * @default - unknown: not checked
   */
  readonly roleNamespace?: string;
}

/** A reference to a ClusterRole (what a ClusterRoleBinding can point to). */
export interface IClusterRoleReference extends IRoleReference {
  /** Always `ClusterRole`. */
  readonly roleKind: 'ClusterRole';
}

/** References to roles managed elsewhere. */
export class RoleReference {
  /** An existing Role of the binding's namespace. */
  public static role(name: string): IRoleReference {
    return { roleKind: 'Role', roleName: name };
  }

  /** An existing ClusterRole, e.g. the built-in `view`, `edit` or `admin`. */
  public static clusterRole(name: string): IClusterRoleReference {
    return { roleKind: 'ClusterRole', roleName: name };
  }

  private constructor() {}
}

function defaultLabels(extra: Record<string, string> | undefined): Record<string, string> {
  return { [LABEL.MANAGED_BY]: MANAGED_BY, ...(extra ?? {}) };
}

/** The name, labels and (for a Role) namespace of an RBAC object, validated. */
interface RbacMetadata {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly namespace?: string;
}

function resolveMetadata(scope: IConstruct, id: string, props: { readonly name?: string; readonly labels?: Record<string, string>; readonly namespace?: string }): RbacMetadata {
  checkRecord(scope, 'props', props as unknown);
  const name = props.name ?? id;
  checkDnsSubdomain(scope, 'name', name);
  if (props.labels !== undefined) checkLabels(scope, 'labels', props.labels);
  if (props.namespace !== undefined) checkDnsLabel(scope, 'namespace', props.namespace);
  return { name, labels: defaultLabels(props.labels), namespace: props.namespace };
}

/** Validates a role reference (a Role, a ClusterRole, or `RoleReference.role/clusterRole`). */
function checkRoleReference(scope: IConstruct, prop: string, role: IRoleReference, kinds: readonly string[]): void {
  if (typeof role !== 'object' || role === null) fail(scope, prop, `must be a Role, a ClusterRole or a RoleReference, got ${show(role)}`);
  checkOneOf(scope, `${prop}.roleKind`, role.roleKind as string, kinds);
  checkPathSegmentName(scope, `${prop}.roleName`, role.roleName);
}

/** Validates one rule; `prop` is e.g. `rules[0]`. */
export function validateRule(scope: IConstruct, prop: string, rule: PolicyRule, allowWildcards: boolean): void {
  checkRecord(scope, prop, rule as unknown);
  checkKnownKeys(scope, prop, rule, ['verbs', 'apiGroups', 'resources', 'resourceNames']);
  const verbs = Object.values(Verb) as string[];
  if (!Array.isArray(rule.verbs) || rule.verbs.length === 0) fail(scope, `${prop}.verbs`, `must contain at least one verb (${verbs.join(', ')}), got ${show(rule.verbs)}`);
  for (const v of rule.verbs) {
    if (!verbs.includes(v)) fail(scope, `${prop}.verbs`, `must contain only ${verbs.join(', ')}, got ${show(v)}`);
  }
  checkWildcard(scope, `${prop}.verbs`, rule.verbs, allowWildcards, 'list the verbs needed, e.g. get, list, watch');
  checkUnique(scope, `${prop}.verbs`, rule.verbs);
  if (!Array.isArray(rule.apiGroups) || rule.apiGroups.length === 0) {
    fail(scope, `${prop}.apiGroups`, `must contain at least one group (ApiGroup.CORE "" for pods, services...; ApiGroup.APPS for deployments...), got ${show(rule.apiGroups)}`);
  }
  checkStringArray(scope, `${prop}.apiGroups`, rule.apiGroups);
  checkWildcard(scope, `${prop}.apiGroups`, rule.apiGroups, allowWildcards, 'list the API groups needed');
  for (const g of rule.apiGroups) {
    if (g !== '*' && g !== '') checkDnsSubdomain(scope, `${prop}.apiGroups`, g);
  }
  checkUnique(scope, `${prop}.apiGroups`, rule.apiGroups);
  if (!Array.isArray(rule.resources) || rule.resources.length === 0) fail(scope, `${prop}.resources`, `must contain at least one resource (e.g. "deployments"), got ${show(rule.resources)}`);
  checkStringArray(scope, `${prop}.resources`, rule.resources);
  checkWildcard(scope, `${prop}.resources`, rule.resources, allowWildcards, 'list the resources needed');
  for (const r of rule.resources) {
    if (r === '*' || r.endsWith('/*') || r.startsWith('*/')) {
      if (!allowWildcards) fail(scope, `${prop}.resources`, `must not contain a wildcard without 'allowWildcards: true' (list the resources needed), got ${show(r)}`);
      continue;
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z]+)?$/.test(r)) {
      fail(scope, `${prop}.resources`, `must contain lowercase plural resource names such as "deployments" or "pods/log", got ${show(r)}`);
    }
    const base = r.split('/')[0];
    const known = KNOWN_GROUP[base];
    if (known !== undefined && !rule.apiGroups.includes(known) && !rule.apiGroups.includes('*')) {
      fail(scope, `${prop}.apiGroups`, `must include ${show(known)} for resource ${show(r)}, got ${show(rule.apiGroups)}`);
    }
  }
  checkUnique(scope, `${prop}.resources`, rule.resources);
  if (rule.resourceNames !== undefined) {
    checkStringArray(scope, `${prop}.resourceNames`, rule.resourceNames);
    for (const n of rule.resourceNames) checkPathSegmentName(scope, `${prop}.resourceNames`, n);
    checkUnique(scope, `${prop}.resourceNames`, rule.resourceNames);
  }
}

/**
 * `*` in a list: refused without `allowWildcards`, wherever it stands (`['get', '*']` like `['*']`); with it, it
 * must stand alone (next to `*` another entry means nothing and hides the grant).
 */
function checkWildcard(scope: IConstruct, prop: string, list: readonly string[], allowWildcards: boolean, hint: string): void {
  if (!list.includes('*')) return;
  if (!allowWildcards) fail(scope, prop, `must not contain the wildcard "*" without 'allowWildcards: true' (${hint}), got ${show(list)}`);
  if (list.length > 1) fail(scope, prop, `must contain only "*" when it contains the wildcard (it already grants every entry), got ${show(list)}`);
}

/** A name usable in a URL path segment (ValidatePathSegmentName): RBAC object and resource names, `system:` ones included. */
function checkPathSegmentName(scope: IConstruct, prop: string, name: unknown): void {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/%]/.test(name)) {
    fail(scope, prop, `must be a non-empty name without '/' or '%' (and not "." or ".."), got ${show(name)}`);
  }
}

function ruleToKube(rule: PolicyRule): k8s.PolicyRule {
  return {
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    resourceNames: rule.resourceNames && rule.resourceNames.length > 0 ? [...rule.resourceNames] : undefined,
    verbs: [...rule.verbs],
  };
}

abstract class RoleBase extends Construct {
  /** `metadata.name`. */
  public readonly name: string;
  /** Whether wildcards are accepted. */
  public readonly allowWildcards: boolean;
  private readonly _rules: PolicyRule[] = [];

  /** @internal The validated name, labels and namespace (for the subclasses' L1 objects). */
  protected readonly metadata: RbacMetadata;

  protected constructor(scope: Construct, id: string, props: RoleBaseProps & { readonly namespace?: string }) {
    super(scope, id);
    installAppChecks(this);
    this.metadata = resolveMetadata(this, id, props);
    this.name = this.metadata.name;
    this.allowWildcards = props.allowWildcards ?? false;
    checkBoolean(this, 'allowWildcards', this.allowWildcards);
    const rules = props.rules ?? [];
    checkArray(this, 'rules', rules);
    rules.forEach((r) => this.addRule(r));
  }

  /** The rules (a copy). */
  public get rules(): PolicyRule[] {
    return [...this._rules];
  }

  /** Adds a rule (validated: no wildcard without `allowWildcards`). */
  public addRule(rule: PolicyRule): void {
    validateRule(this, `rules[${this._rules.length}]`, rule, this.allowWildcards);
    this._rules.push(rule);
  }

  /** The rules as the Kubernetes API takes them (rendered at synth, so rules added later are included). */
  protected renderRules(): k8s.PolicyRule[] {
    return this._rules.map(ruleToKube);
  }
}

/**
 * A namespaced Role.
 *
 * @example
 * new Role(chart, 'read-deployments', {
 *   rules: [{ verbs: READ_VERBS, apiGroups: [ApiGroup.APPS], resources: ['deployments'] }],
 * });
 */
export class Role extends RoleBase implements IRoleReference {
  /** `Role`. */
  public readonly roleKind = 'Role' as const;
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeRole;
  /** The namespace given in props (undefined: the chart's). */
  public readonly namespace?: string;

  constructor(scope: Construct, id: string, props: RoleProps = {}) {
    super(scope, id, props);
    this.namespace = this.metadata.namespace;
    this.apiObject = new k8s.KubeRole(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.metadata.labels },
      rules: Lazy.any({ produce: () => this.renderRules() }),
    });
  }

  /** The Role's `metadata.name`. */
  public get roleName(): string {
    return this.name;
  }

  /** The namespace the Role lives in (props, else the chart's). */
  public get roleNamespace(): string | undefined {
    return this.namespace ?? Chart.of(this).namespace;
  }
}

/**
 * A cluster-wide ClusterRole (bind it with a ClusterRoleBinding, or with a RoleBinding to grant it in one namespace).
 */
export class ClusterRole extends RoleBase implements IClusterRoleReference {
  /** `ClusterRole`. */
  public readonly roleKind = 'ClusterRole' as const;
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeClusterRole;

  constructor(scope: Construct, id: string, props: ClusterRoleProps = {}) {
    super(scope, id, props);
    this.apiObject = new k8s.KubeClusterRole(this, 'Resource', {
      metadata: { name: this.name, labels: this.metadata.labels },
      rules: Lazy.any({ produce: () => this.renderRules() }),
    });
    clusterScoped(this.apiObject);
  }

  /** The ClusterRole's `metadata.name`. */
  public get roleName(): string {
    return this.name;
  }

  /** Always undefined: a ClusterRole has no namespace. */
  public get roleNamespace(): undefined {
    return undefined;
  }
}

/** Who a binding grants the role to: a User, a Group or a ServiceAccount. */
export class Subject {
  /** A user, by the name the authenticator reports (e.g. the certificate CN `sky`). */
  public static user(name: string): Subject {
    return new Subject('User', name);
  }

  /** A group, e.g. `system:authenticated` or an OIDC group. */
  public static group(name: string): Subject {
    return new Subject('Group', name);
  }

  /** A ServiceAccount by name and namespace. */
  public static serviceAccount(name: string, namespace: string): Subject {
    return new Subject('ServiceAccount', name, namespace);
  }

  /**
   * A cdk8s-plus ServiceAccount (or `WorkloadIdentity.serviceAccount`): its namespace is its explicit one, else
   * that of its chart.
   */
  public static fromServiceAccount(sa: kplus.IServiceAccount): Subject {
    const ns = sa.toSubjectConfiguration().namespace ?? Chart.of(sa).namespace;
    return new Subject('ServiceAccount', sa.name, ns);
  }

  private constructor(
    /** `User`, `Group` or `ServiceAccount`. */
    public readonly kind: 'User' | 'Group' | 'ServiceAccount',
    /** The subject's name. */
    public readonly name: string,
    /** The ServiceAccount's namespace. */
    public readonly namespace?: string,
  ) {}

  /** @internal */
  public _toKube(scope: IConstruct, prop: string): k8s.Subject {
    if (typeof this.name !== 'string' || this.name.trim().length === 0) fail(scope, prop, `must name every subject, got ${show(this.name)}`);
    if (this.kind === 'ServiceAccount') {
      checkDnsSubdomain(scope, prop, this.name);
      if (this.namespace === undefined) {
        fail(scope, prop, `must have a namespace (give one, or put it in a chart with a namespace), got ServiceAccount ${show(this.name)} without one`);
      }
      checkDnsLabel(scope, `${prop}.namespace`, this.namespace);
      return { kind: 'ServiceAccount', name: this.name, namespace: this.namespace };
    }
    return { kind: this.kind, name: this.name, apiGroup: RBAC_GROUP };
  }
}

/** Options shared by both binding kinds. */
export interface BindingBaseProps {
  /**
   * `metadata.name`.
   * @default - the construct id
   */
  readonly name?: string;
  /** Who gets the role: at least one subject. */
  readonly subjects: readonly Subject[];
  /**
   * Extra labels (merged over `app.kubernetes.io/managed-by: kubecraft`).
   * @default - the managed-by label only
   */
  readonly labels?: Record<string, string>;
}

/** Props of a RoleBinding. */
export interface RoleBindingProps extends BindingBaseProps {
  /** The Role (same namespace) or ClusterRole (granted in this namespace only). */
  readonly role: IRoleReference;
  /**
   * The namespace the role is granted in.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** Props of a ClusterRoleBinding. */
export interface ClusterRoleBindingProps extends BindingBaseProps {
  /** The ClusterRole granted cluster-wide. */
  readonly role: IClusterRoleReference;
}

function renderSubjects(scope: IConstruct, subjects: readonly Subject[], offset = 0): k8s.Subject[] {
  if (!Array.isArray(subjects) || (offset === 0 && subjects.length === 0)) {
    fail(scope, 'subjects', `must contain at least one subject (Subject.user(), Subject.group() or Subject.serviceAccount()), got ${show(subjects)}`);
  }
  return subjects.map((s, i) => {
    checkInstance(scope, `subjects[${offset + i}]`, s, Subject, 'a Subject (Subject.user(), Subject.group() or Subject.serviceAccount())');
    return s._toKube(scope, `subjects[${offset + i}]`);
  });
}

/**
 * Grants a Role or ClusterRole in one namespace. A RoleBinding to a Role must live in the Role's namespace.
 */
export class RoleBinding extends Construct {
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeRoleBinding;
  /** `metadata.name`. */
  public readonly name: string;
  /** The role granted. */
  public readonly role: IRoleReference;
  private readonly _subjects: k8s.Subject[];

  constructor(scope: Construct, id: string, props: RoleBindingProps) {
    super(scope, id);
    installAppChecks(this);
    const metadata = resolveMetadata(this, id, props);
    this.name = metadata.name;
    checkRoleReference(this, 'role', props.role, ['Role', 'ClusterRole']);
    this.role = props.role;
    const ns = props.namespace ?? Chart.of(this).namespace;
    if (props.role.roleKind === 'Role' && props.role.roleNamespace !== undefined && ns !== undefined && props.role.roleNamespace !== ns) {
      fail(this, 'role', `must be a Role of the binding's namespace ${show(ns)} (or a ClusterRole), got Role ${show(props.role.roleName)} of namespace ${show(props.role.roleNamespace)}`);
    }
    this._subjects = renderSubjects(this, props.subjects);
    this.apiObject = new k8s.KubeRoleBinding(this, 'Resource', {
      metadata: { name: this.name, namespace: metadata.namespace, labels: metadata.labels },
      roleRef: { apiGroup: RBAC_GROUP, kind: props.role.roleKind, name: props.role.roleName },
      subjects: Lazy.any({ produce: () => [...this._subjects] }),
    });
    if (props.role instanceof Construct) this.apiObject.node.addDependency(props.role);
  }

  /** Adds subjects. */
  public addSubjects(...subjects: Subject[]): void {
    this._subjects.push(...renderSubjects(this, subjects, this._subjects.length));
  }
}

/** Grants a ClusterRole in every namespace (and on cluster-scoped resources). */
export class ClusterRoleBinding extends Construct {
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeClusterRoleBinding;
  /** `metadata.name`. */
  public readonly name: string;
  /** The ClusterRole granted. */
  public readonly role: IClusterRoleReference;
  private readonly _subjects: k8s.Subject[];

  constructor(scope: Construct, id: string, props: ClusterRoleBindingProps) {
    super(scope, id);
    installAppChecks(this);
    const metadata = resolveMetadata(this, id, props);
    this.name = metadata.name;
    if (typeof props.role === 'object' && props.role !== null && (props.role.roleKind as string) !== 'ClusterRole') {
      fail(this, 'role', `must be a ClusterRole, got ${props.role.roleKind} ${show(props.role.roleName)}`);
    }
    checkRoleReference(this, 'role', props.role, ['ClusterRole']);
    this.role = props.role;
    this._subjects = renderSubjects(this, props.subjects);
    this.apiObject = new k8s.KubeClusterRoleBinding(this, 'Resource', {
      metadata: { name: this.name, labels: metadata.labels },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: props.role.roleName },
      subjects: Lazy.any({ produce: () => [...this._subjects] }),
    });
    clusterScoped(this.apiObject);
    if (props.role instanceof Construct) this.apiObject.node.addDependency(props.role);
  }

  /** Adds subjects. */
  public addSubjects(...subjects: Subject[]): void {
    this._subjects.push(...renderSubjects(this, subjects, this._subjects.length));
  }
}

/** Props of a Role plus the RoleBinding that grants it. */
export interface RoleGrantProps extends RoleProps {
  /** Who gets the role: at least one subject. */
  readonly subjects: readonly Subject[];
}

/** A Role and a RoleBinding of the same name granting it to the subjects. */
export class RoleGrant extends Construct {
  /** The Role. */
  public readonly role: Role;
  /** The RoleBinding (same name as the Role). */
  public readonly binding: RoleBinding;

  constructor(scope: Construct, id: string, props: RoleGrantProps) {
    super(scope, id);
    installAppChecks(this);
    const name = props.name ?? id;
    this.role = new Role(this, 'Role', { ...props, name });
    this.binding = new RoleBinding(this, 'Binding', {
      name,
      namespace: props.namespace,
      role: this.role,
      subjects: props.subjects,
      labels: props.labels,
    });
  }
}

/** Options of `Rbac.readOnly`. */
export interface ReadOnlyOptions {
  /**
   * Name of the Role and of its RoleBinding.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace the access is limited to.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Resources to read (`deployments`, `pods`, `pods/log`). */
  readonly resources: readonly string[];
  /**
   * API groups of the resources.
   * @default [ApiGroup.CORE]
   */
  readonly apiGroups?: readonly string[];
  /**
   * Restrict to objects with these names.
   * @default - every object
   */
  readonly resourceNames?: readonly string[];
  /**
   * Users granted the access.
   * @default - none
   */
  readonly users?: readonly string[];
  /**
   * Groups granted the access.
   * @default - none
   */
  readonly groups?: readonly string[];
  /**
   * ServiceAccounts granted the access.
   * @default - none
   */
  readonly serviceAccounts?: readonly kplus.IServiceAccount[];
}

/** RBAC one-liners. */
export class Rbac {
  /**
   * A read-only (`get`, `list`, `watch`) Role on `resources` in one namespace, bound to users, groups or
   * ServiceAccounts (at least one). Role and RoleBinding are both named `name`.
   *
   * @example
   * Rbac.readOnly(chart, 'read-deployments', { namespace: 'demo', resources: ['deployments'], apiGroups: ['apps'], users: ['sky'] });
   */
  public static readOnly(scope: Construct, id: string, options: ReadOnlyOptions): RoleGrant {
    const where = { node: { path: `${scope.node.path ? `${scope.node.path}/` : ''}${id}` } } as IConstruct;
    checkRecord(where, 'options', options as unknown);
    for (const key of ['users', 'groups'] as const) {
      if (options[key] !== undefined) checkStringArray(where, key, options[key], { nonEmptyElements: true });
    }
    if (options.serviceAccounts !== undefined) checkArray(where, 'serviceAccounts', options.serviceAccounts);
    const subjects = [
      ...(options.users ?? []).map((u) => Subject.user(u)),
      ...(options.groups ?? []).map((g) => Subject.group(g)),
      ...(options.serviceAccounts ?? []).map((sa) => Subject.fromServiceAccount(sa)),
    ];
    return new RoleGrant(scope, id, {
      name: options.name,
      namespace: options.namespace,
      rules: [{ verbs: READ_VERBS, apiGroups: options.apiGroups ?? [ApiGroup.CORE], resources: options.resources, resourceNames: options.resourceNames }],
      subjects,
    });
  }

  private constructor() {}
}
