/**
 * Scheduling defaults shared by the workloads: replicas of one app prefer different nodes, so losing a node
 * never takes every replica with it.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
 */
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';

/** The node label that names a node. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** Weight of the preferred anti-affinity term (the highest, so it dominates other soft preferences). */
export const SPREAD_WEIGHT = 100;

/**
 * Whether replicas should prefer distinct nodes: by default when more than one pod may run.
 * @param explicit the user's prop, which wins when set
 * @param maxPods the most pods the workload may run (replicas, or an autoscaler's maximum)
 */
export function resolveSpreadAcrossHosts(explicit: boolean | undefined, maxPods: number | undefined): boolean {
  return explicit ?? (maxPods === undefined || maxPods > 1);
}

/** A preferred (soft) pod anti-affinity on `kubernetes.io/hostname` for the pods matching `selector`. */
export function preferredHostAntiAffinity(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: SPREAD_WEIGHT,
        podAffinityTerm: { labelSelector: { matchLabels: { ...selector } }, topologyKey: HOSTNAME_TOPOLOGY_KEY },
      }],
    },
  };
}

/**
 * Makes the pods of a cdk8s-plus workload prefer distinct nodes, through its scheduling API (so it composes with
 * the user's own `scheduling.attract/colocate/separate` calls).
 */
export function spreadAcrossHosts(scope: Construct, workload: kplus.Workload, selector: Record<string, string>): void {
  const peers = kplus.Pods.select(scope, `SpreadAcrossHosts-${workload.node.id}`, { labels: selector });
  workload.scheduling.separate(peers, { topology: kplus.Topology.HOSTNAME, weight: SPREAD_WEIGHT });
}
