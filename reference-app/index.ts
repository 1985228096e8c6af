// The reference app's charts (no synth side effect on import).
export * from './settings';
export * from './environment-chart';
export * from './reference-app';
