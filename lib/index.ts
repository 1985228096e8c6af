// kubecraft: typed, secure-by-default cdk8s constructs for the core Kubernetes concepts.
//
// The public surface, by name. Nothing from ./internal is exported, nor the builder helpers the constructs share.
// test/public-surface.test.ts pins this list: adding or removing a name is a deliberate, reviewed change.
//
// Names shared with cdk8s-plus-27 (Namespace, NetworkPolicy, Role, ClusterRole, RoleBinding, ClusterRoleBinding,
// PersistentVolume, PersistentVolumeClaim, ServiceType, NetworkProtocol and their *Props): ours are the secure-by-
// default constructs of the same Kubernetes objects. Import cdk8s-plus as a namespace (`import * as kplus from
// 'cdk8s-plus-27'`), as this library does, or alias one side (`import { Role as KcRole } from 'kubecraft'`).
// See docs/install.md.

// ---- the app ----
export {
  KubecraftApp, type KubecraftAppProps,
} from './core/app';
export {
  type AppIdentity, type AppIdentityProps,
} from './core/labels';
export {
  KUBERNETES_VERSION_CONTEXT, DEFAULT_KUBERNETES_VERSION, kubernetesVersionOf,
} from './core/target-version';

// ---- workloads ----
export {
  WebApp, type WebAppProps, type WebAppAutoscalingOptions, TopologyKey, type TopologySpreadOptions, WhenUnsatisfiable,
} from './workload/web-app';
export {
  type WebAppPort, RolloutStrategy, type RollingUpdateOptions, type WorkloadMetadataProps, type PodTemplateMetadataProps, TargetPortStyle,
  type WorkloadServiceOptions, type ExtraServiceOptions,
} from './workload/types';
export {
  type RolloutProps,
} from './workload/app-workload';
export {
  BlueGreenDeployment, type BlueGreenDeploymentProps, type BlueGreenSharedProps, type BlueGreenVersion, ServiceRole,
  TrafficMode,
} from './workload/blue-green';
export {
  StatefulDatabase, type StatefulDatabaseProps, StatefulPodBackend, ReadOnlyBackend, type ConnectPrimaryOptions,
  type ClientServiceOptions, type GoverningServiceOptions, type DatabaseInitContainerOptions, type DatabaseVolumeMount,
  type VolumeClaimTemplate, type ResolvedVolumeClaimTemplate, PvcRetention, type PvcRetentionPolicy, DatabaseReplication,
  ReplicationTopology, ReplicaRole, REPLICATION_ROLE_LABEL,
} from './workload/stateful-database';
export {
  DatabasePreset, type PostgresPresetOptions, type PostgresReplicationOptions, type BundleSecretKey, ReplicationMode,
  SynchronousCommit,
} from './workload/postgres';
export {
  AppPod, type AppPodProps, type NamedContainerOptions, type SharedEmptyDirOptions, type SharedVolumeMount, type PodVolumeOptions,
  type PodVolumeMount, addSidecar, addInitContainer, shareEmptyDir,
} from './workload/pods';
export {
  type DnsWaitOptions, type DnsWaitTarget, DnsNameForm, addDnsWait, dnsWaitInitContainer,
} from './workload/dns-wait';
export {
  type AppContainerOptions, type InitContainerOptions, type ContainerPortSpec, type ResourceOptions,
} from './workload/container';
export {
  DisruptionBudget, type DisruptionBudgetProps, type DisruptionBudgetOptions, UnhealthyPodEvictionPolicy,
} from './workload/disruption-budget';

// ---- networking and service discovery ----
export {
  AppService, type AppServiceProps, type AppServiceOptions, type AppServicePort, type PodPort, ServiceType,
  ServiceProtocol, SessionAffinity, ExternalTrafficPolicy, InternalTrafficPolicy, IpFamily, IpFamilyPolicy,
} from './network/service';
export {
  AppIngress, type AppIngressProps, type AppIngressOptions, type IngressPath, IngressPathType,
} from './network/ingress';
export {
  NetworkPolicy, type NetworkPolicyProps, type NetworkPolicyRule, NetworkPeer, NetworkPort, NetworkProtocol,
  PolicyType, type DenyAllOptions, type DnsEgressOptions, type ExternalIngressOptions, denyAll, allowDnsEgress,
  allowExternalIngress, allowIngressController,
} from './network/network-policy';
export {
  type IWorkloadPeer,
} from './network/peer';
export {
  ServiceEndpoint, type IBackend, type IConsumer, type BackendPort, type Connection, type ConnectOptions,
  CLUSTER_DOMAIN_CONTEXT, connect, connectionsOf,
} from './network/wiring';

// ---- configuration ----
export {
  ConfigBundle, type ConfigBundleProps, BundleSecret, SecretType, type TlsSecretSources, type BasicAuthSecretSources,
  type ExistingSecretOptions, type BundleEnvFromOptions, type BundleEnvValueOptions, type BundleVolumeOptions,
  type BundleApplyOptions, type IPodAnnotatable, CHECKSUM_ANNOTATION,
} from './config/config-bundle';
export {
  SecretSource, type FromEnvOptions, type LocalFileOptions, type ResolvedSecretValue,
} from './config/secret-source';

// ---- security ----
export {
  Namespace, type NamespaceProps, PodSecurityLevel, type PodSecurityLabelsOptions, type ResolvedPodSecurityLabels,
  type ResourceQuotaOptions, type ComputeAmounts, type LimitRangeOptions,
} from './security/namespace';
export {
  type PodSecurityOptions, type ContainerSecurityOptions, type ResolvedPodSecurity, SeccompProfile, AddableCapability,
  type LinuxCapability, LINUX_CAPABILITIES,
} from './security/pod-security';
export {
  Role, type RoleProps, type RoleBaseProps, ClusterRole, type ClusterRoleProps, RoleBinding, type RoleBindingProps,
  ClusterRoleBinding, type ClusterRoleBindingProps, type BindingBaseProps, RoleGrant, type RoleGrantProps,
  RoleReference, type IRoleReference, type IClusterRoleReference, Subject, type PolicyRule, Verb, ApiGroup, Rbac,
  type ReadOnlyOptions, READ_VERBS, READ_WRITE_VERBS,
} from './security/rbac';
export {
  WorkloadIdentity, type WorkloadIdentityProps, ApiAccess, type ApiAccessOptions, grantApiAccess,
} from './security/service-account';

// ---- deploy ----
export {
  ApplySet, type ApplySetProps, APPLYSET_ANNOTATION,
} from './deploy/applyset';

// ---- storage ----
export {
  StorageClass, type StorageClassProps, type StorageClassRef, VolumeBindingMode, ReclaimPolicy, PersistentVolume,
  type PersistentVolumeProps, PersistentVolumeSource, type CsiSourceOptions, type NfsSourceOptions, HostPathType,
  PersistentVolumeClaim, type PersistentVolumeClaimProps, type ClaimVolumeOptions, type StorageSize,
} from './storage/storage';
