/** One end of a connection between workloads (shared by the wiring and the NetworkPolicy constructs). */
import { IConstruct } from 'constructs';

/** A set of pods, by namespace and labels: one end of a connection. */
export interface IWorkloadPeer extends IConstruct {
  /** Readable name of the workload, used in generated object names (e.g. `api`). */
  readonly peerName: string;
  /** The labels that select exactly this workload's pods. */
  readonly podSelector: Record<string, string>;
  /** The namespace the pods run in (undefined: the chart has no namespace). */
  readonly namespace: string | undefined;
}
