// kubecraft: typed, secure-by-default cdk8s constructs for the core Kubernetes concepts.
// Re-exports only; no logic lives here.

// the App (linear-time, atomic synth)
export * from './app';
// shared internals
export * from './labels';
export * from './validate';
export * from './pod-security';
export * from './container';
export * from './wiring';
// workloads and their Services
export * from './service';
export * from './disruption-budget';
export * from './ingress';
export * from './web-app';
export * from './blue-green';
export * from './pods';
export * from './dns-wait';
export * from './stateful-database';
export * from './storage';
// configuration
export * from './config-bundle';
export * from './secret-source';
// security
export * from './namespace';
export * from './network-policy';
export * from './rbac';
export * from './service-account';
export * from './charts';
