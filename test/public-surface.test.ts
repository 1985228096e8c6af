/**
 * The public surface of the package: every name lib/index.ts exports, pinned. Adding, renaming or removing one is
 * a visible, reviewed decision (update PUBLIC_NAMES in the same commit and say why). Also: nothing exported is
 * declared in lib/internal/, and the runtime exports are exactly the value names.
 */
import * as path from 'path';
import * as ts from 'typescript';

const PUBLIC_NAMES = `
APPLYSET_ANNOTATION AddableCapability ApiAccess ApiAccessOptions ApiGroup AppContainerOptions AppIdentity AppIdentityProps
AppIngress AppIngressOptions AppIngressProps AppPod AppPodProps AppService AppServiceOptions AppServicePort AppServiceProps
ApplySet ApplySetProps BackendPort BasicAuthSecretSources BindingBaseProps BlueGreenDeployment BlueGreenDeploymentProps
BlueGreenSharedProps BlueGreenVersion BundleApplyOptions BundleEnvFromOptions BundleEnvValueOptions BundleSecret BundleSecretKey
BundleVolumeOptions CHECKSUM_ANNOTATION CLUSTER_DOMAIN_CONTEXT ClaimVolumeOptions ClientServiceOptions ClusterRole
ClusterRoleBinding ClusterRoleBindingProps ClusterRoleProps ComputeAmounts ConfigBundle ConfigBundleProps ConnectOptions
ConnectPrimaryOptions Connection ContainerPortSpec ContainerSecurityOptions CsiSourceOptions DEFAULT_KUBERNETES_VERSION
DatabaseInitContainerOptions DatabasePreset DatabaseReplication DatabaseVolumeMount DenyAllOptions DisruptionBudget
DisruptionBudgetOptions DisruptionBudgetProps DnsEgressOptions DnsNameForm DnsWaitOptions DnsWaitTarget ExistingSecretOptions
ExternalIngressOptions ExternalTrafficPolicy ExtraServiceOptions FromEnvOptions GoverningServiceOptions HostPathType IBackend
IClusterRoleReference IConsumer IPodAnnotatable IRoleReference IWorkloadPeer IngressPath IngressPathType InitContainerOptions
InternalTrafficPolicy IpFamily IpFamilyPolicy KUBERNETES_VERSION_CONTEXT KubecraftApp KubecraftAppProps LINUX_CAPABILITIES LimitRangeOptions LinuxCapability
LocalFileOptions NamedContainerOptions Namespace NamespaceProps NetworkPeer NetworkPolicy NetworkPolicyProps NetworkPolicyRule
NetworkPort NetworkProtocol NfsSourceOptions PersistentVolume PersistentVolumeClaim PersistentVolumeClaimProps
PersistentVolumeProps PersistentVolumeSource PodPort PodSecurityLabelsOptions PodSecurityLevel PodSecurityOptions
PodTemplateMetadataProps PodVolumeMount PodVolumeOptions PolicyRule PolicyType PostgresPresetOptions PostgresReplicationOptions
PvcRetention PvcRetentionPolicy READ_VERBS READ_WRITE_VERBS REPLICATION_ROLE_LABEL Rbac ReadOnlyBackend ReadOnlyOptions
ReclaimPolicy ReplicaRole ReplicationMode ReplicationTopology ResolvedPodSecurity ResolvedPodSecurityLabels ResolvedSecretValue
ResolvedVolumeClaimTemplate ResourceOptions ResourceQuotaOptions Role RoleBaseProps RoleBinding RoleBindingProps RoleGrant
RoleGrantProps RoleProps RoleReference RollingUpdateOptions RolloutProps RolloutStrategy SeccompProfile SecretSource SecretType
ServiceEndpoint ServiceProtocol ServiceRole ServiceType SessionAffinity SharedEmptyDirOptions SharedVolumeMount StatefulDatabase
StatefulDatabaseProps StatefulPodBackend StorageClass StorageClassProps StorageClassRef StorageSize Subject SynchronousCommit
TargetPortStyle TlsSecretSources TopologyKey TopologySpreadOptions TrafficMode UnhealthyPodEvictionPolicy Verb VolumeBindingMode
VolumeClaimTemplate WebApp WebAppAutoscalingOptions WebAppPort WebAppProps WhenUnsatisfiable WorkloadIdentity
WorkloadIdentityProps WorkloadMetadataProps WorkloadServiceOptions addDnsWait addInitContainer addSidecar allowDnsEgress
allowExternalIngress allowIngressController connect connectionsOf denyAll dnsWaitInitContainer grantApiAccess kubernetesVersionOf
shareEmptyDir
`.trim().split(/\s+/).sort();

const LIB = path.resolve(__dirname, '..', 'lib');

function exportedSymbols(): { name: string; file: string; isValue: boolean }[] {
  const program = ts.createProgram([path.join(LIB, 'index.ts')], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(LIB, 'index.ts'));
  if (!index) throw new Error('lib/index.ts not found');
  const moduleSymbol = checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error('lib/index.ts is not a module');
  return checker.getExportsOfModule(moduleSymbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    return {
      name: s.name,
      file: decl ? path.relative(LIB, decl.getSourceFile().fileName) : '?',
      isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
    };
  });
}

describe('the public surface (lib/index.ts)', () => {
  const symbols = exportedSymbols();

  test('exports exactly the pinned names', () => {
    expect(symbols.map((s) => s.name).sort()).toEqual(PUBLIC_NAMES);
  });

  test('exports nothing declared in lib/internal/', () => {
    expect(symbols.filter((s) => s.file.startsWith('internal')).map((s) => `${s.name} (${s.file})`)).toEqual([]);
  });

  test('lists its exports by name: no `export *`', () => {
    const text = ts.sys.readFile(path.join(LIB, 'index.ts')) ?? '';
    expect(text).not.toMatch(/export \*/);
  });

  test('names shared with cdk8s-plus-27 are exactly the documented ones (lib/index.ts header, docs/install.md)', () => {
    const kplusDts = ts.sys.readDirectory(path.dirname(require.resolve('cdk8s-plus-27')), ['.d.ts'], undefined, undefined, 1);
    const kplusNames = new Set<string>();
    for (const f of kplusDts) {
      for (const m of (ts.sys.readFile(f) ?? '').matchAll(/export (?:declare )?(?:abstract )?(?:class|interface|type|enum|const|function) ([A-Za-z0-9_]+)/g)) kplusNames.add(m[1]);
    }
    expect(symbols.map((s) => s.name).filter((n) => kplusNames.has(n)).sort()).toEqual([
      'ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBindingProps', 'ClusterRoleProps', 'Namespace', 'NamespaceProps',
      'NetworkPolicy', 'NetworkPolicyProps', 'NetworkPolicyRule', 'NetworkProtocol', 'PersistentVolume', 'PersistentVolumeClaim',
      'PersistentVolumeClaimProps', 'PersistentVolumeProps', 'Role', 'RoleBinding', 'RoleBindingProps', 'RoleProps', 'ServiceType',
    ]);
  });

  test('the runtime exports are exactly the value names (types leave no runtime trace)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = Object.keys(require('../lib')).filter((k) => k !== '__esModule').sort();
    expect(runtime).toEqual(symbols.filter((s) => s.isValue).map((s) => s.name).sort());
  });
});
