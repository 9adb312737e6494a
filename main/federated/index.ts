// federated (disclosure side): the local disclosure policy, cell suppression, Laplace noise with
// a privacy-budget ledger, the release ledger against differencing, and the outgoing payload scanner.
export * from './disclosure-policy.ts';
export * from './cell-suppression.ts';
export * from './privacy-budget-ledger.ts';
export * from './release-ledger.ts';
export * from './payload-scanner.ts';
export * from './statistics-request.ts';
export * from './statistics-release.ts';
