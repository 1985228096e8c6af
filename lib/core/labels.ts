/**
 * Recommended Kubernetes labels (`app.kubernetes.io/*`) shared by every construct.
 *
 * Selectors use only the stable labels (`name`, `instance`), never the version or the construct path,
 * so an image bump or a moved construct never changes an immutable selector.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
import { IConstruct } from 'constructs';
import { checkLabelValue, checkNameAsLabelValue, checkRecord, fail } from '../internal/validate';

/** The recommended label keys. */
export const LABEL = {
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  VERSION: 'app.kubernetes.io/version',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
} as const;

/** Value of `app.kubernetes.io/managed-by` on everything this library emits. */
export const MANAGED_BY = 'kubecraft';

/** Prefix of the labels and annotations this library defines itself. */
export const KUBECRAFT_PREFIX = 'kubecraft.dev';

/** Who an object belongs to: the values of the recommended labels. */
export interface AppIdentity {
  /** `app.kubernetes.io/name`: the application's name (e.g. `api`). */
  readonly name: string;
  /**
   * `app.kubernetes.io/instance`: a unique name for this instance of the application.
   * @default - the same as `name`
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`: the version running (usually the image tag). Never part of a selector.
   * @default - no version label
   */
  readonly version?: string;
  /**
   * `app.kubernetes.io/component`: the role in the architecture (`frontend`, `backend`, `database`).
   * @default - no component label
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of`: the higher-level application this is part of.
   * @default - no part-of label
   */
  readonly partOf?: string;
}

/**
 * The recommended-label props shared by the app constructs (WebApp, BlueGreenDeployment, StatefulDatabase).
 * `name` and `component` are declared by each construct: what they name and their defaults differ.
 */
export interface AppIdentityProps {
  /**
   * `app.kubernetes.io/instance`.
   * @default - the same as `name`
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version` (never part of a selector).
   * @default - the image tag (or digest prefix)
   */
  readonly version?: string;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - no part-of label
   */
  readonly partOf?: string;
}

/** The full recommended label set for an identity (for metadata and pod templates). */
export function recommendedLabels(id: AppIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.NAME]: id.name,
    [LABEL.INSTANCE]: id.instance ?? id.name,
  };
  if (id.version !== undefined) labels[LABEL.VERSION] = id.version;
  if (id.component !== undefined) labels[LABEL.COMPONENT] = id.component;
  if (id.partOf !== undefined) labels[LABEL.PART_OF] = id.partOf;
  labels[LABEL.MANAGED_BY] = MANAGED_BY;
  return labels;
}

/** The stable selector labels of an identity: `name` and `instance` only. */
export function selectorLabels(id: AppIdentity): Record<string, string> {
  return { [LABEL.NAME]: id.name, [LABEL.INSTANCE]: id.instance ?? id.name };
}

/**
 * The labels of an object that belongs to the pods `selector` picks without being one of them (e.g. their
 * NetworkPolicies): the recommended labels of its `name` and `instance` (`fallbackName` for a missing `name`;
 * the name for a missing `instance`).
 */
export function labelsForSelector(selector: Record<string, string>, fallbackName: string): Record<string, string> {
  const name = selector[LABEL.NAME] ?? fallbackName;
  return recommendedLabels({ name, instance: selector[LABEL.INSTANCE] ?? name });
}

/**
 * Turns an image reference into a label value for `app.kubernetes.io/version`: its tag (or the first 12
 * characters of its digest), with characters a label value cannot hold replaced by `-`, trimmed to start and
 * end alphanumeric and cut to 63 characters (12 for a digest). Undefined when nothing usable is left.
 */
export function versionFromImage(image: string): string | undefined {
  if (typeof image !== 'string') return undefined; // a JavaScript caller's non-string image is refused by checkImage
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1);
    return toLabelValue(digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest, 12);
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  return toLabelValue(image.slice(colon + 1), 63);
}

function toLabelValue(raw: string, maxLength: number): string | undefined {
  const value = raw
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, maxLength)
    .replace(/[^A-Za-z0-9]+$/, '');
  return value || undefined;
}

/**
 * Validates an identity given as a prop (`identity`): every field is a label value; `name` and `instance` are
 * required to be non-empty (they select pods) and at most 63 characters.
 */
export function checkIdentity(scope: IConstruct, prop: string, id: AppIdentity): void {
  checkRecord(scope, prop, id);
  checkNameAsLabelValue(scope, `${prop}.name`, id.name, LABEL.NAME);
  if (id.name === '') fail(scope, `${prop}.name`, 'must not be empty (it selects pods), got ""');
  if (id.instance !== undefined) checkNameAsLabelValue(scope, `${prop}.instance`, id.instance, LABEL.INSTANCE);
  for (const key of ['version', 'component', 'partOf'] as const) {
    if (id[key] !== undefined) checkLabelValue(scope, `${prop}.${key}`, id[key] as string);
  }
}

/**
 * A name as the value of `app.kubernetes.io/name` or `instance`: the name itself, or (for object names longer than
 * a label value allows, up to 253 characters) its first 63 characters trimmed to end alphanumeric.
 */
export function nameLabelValue(name: string): string {
  return name.length <= 63 ? name : name.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
