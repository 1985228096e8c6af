// Types of scripts/lib/applyset.mjs (for the TypeScript tests that import it).

/** A Kubernetes object as read from a manifest or listed by kubectl. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

export declare const APPLYSET_ANNOTATION: string;
export declare const PART_OF_LABEL: string;
export declare const PARENT_ID_LABEL: string;
export declare const TOOLING_ANNOTATION: string;
export declare const GROUP_KINDS_ANNOTATION: string;
export declare const ADDITIONAL_NAMESPACES_ANNOTATION: string;
export declare const FIELD_MANAGER: string;
/** Why each protected kind (`<group>/<Kind>`) needs `--allow-prune`. */
export declare const PROTECTED: Record<string, string>;

export interface Manifest {
  readonly file: string;
  readonly obj: KubeObject;
}

/** One ApplySet of the manifests (`ref` `<namespace>/<name>`), or the objects of no set (`ref` undefined). */
export interface Unit {
  readonly ref?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly id?: string;
  readonly files: string[];
  readonly docs: KubeObject[];
}

export interface PruneEntry {
  readonly obj: KubeObject;
  /** `Kind.group namespace/name` */
  readonly name: string;
  /** `protected` (needs `--allow-prune=<kind>`) or `foreign` (never pruned). */
  readonly blocked?: 'protected' | 'foreign';
  readonly kind?: string;
  readonly why?: string;
  readonly allowedBy?: string;
}

export interface PruneInput {
  readonly namespace: string;
  readonly desired: KubeObject[];
  readonly live: KubeObject[];
  readonly fieldManager?: string;
  readonly allow?: string[];
}

export interface Options {
  readonly command: 'deploy' | 'diff';
  readonly dir: string;
  readonly dryRun: boolean;
  readonly allow: string[];
  readonly sets: string[];
  readonly fieldManager: string;
  readonly forceConflicts: boolean;
  readonly kubectlArgs: string[];
  readonly help?: boolean;
}

export declare function applySetId(name: string, namespace: string): string;
export declare function groupOf(apiVersion: string): string;
export declare function describe(obj: KubeObject): string;
export declare function readManifests(dir: string): Manifest[];
export declare function groupIntoSets(manifests: Manifest[]): Unit[];
export declare function withMemberLabel(obj: KubeObject, id: string): KubeObject;
export declare function planPrune(input: PruneInput): PruneEntry[];
export declare function parentScope(parent: KubeObject, unit: Unit): { kinds: string[]; namespaces: string[] };
export declare function parseArgs(argv: string[]): Options;
