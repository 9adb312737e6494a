// sync: mutual-TLS options for the consortium store (usable as the minio client's
// transportAgent), detached JWS signatures on uploads, signed models and consortium requests.
export * from './mtls-client-options.ts';
export * from './detached-jws.ts';
export * from './signed-model.ts';
export * from './consortium-request.ts';
