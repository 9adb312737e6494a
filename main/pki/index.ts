// pki: the consortium CA (root, institution/server/model-signing certificates, CRLs), the
// institution's enrolment (key, CSR, import PEM/PKCS#12, renewal) and certificate verification.
export * from './consortium-ca.ts';
export * from './certificate-revocation-list.ts';
export * from './certificate-verifier.ts';
export * from './institution-identity.ts';
