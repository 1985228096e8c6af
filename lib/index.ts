// kubecraft: typed, secure-by-default cdk8s constructs for the core Kubernetes concepts.
// Re-exports only; no logic lives here.
export * from './labels';
export * from './validate';
export * from './pod-security';
export * from './container';
export * from './wiring';
export * from './service';
export * from './disruption-budget';
export * from './ingress';
export * from './web-app';
