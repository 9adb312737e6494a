// Requests from the consortium coordinator (e.g. "compute these aggregates for round 7") are
// acted on only when signed by the consortium signing certificate, unexpired, and carrying a
// sequence number above any seen before (replay protection, cf. RFC 7519 §4.1.4 "exp").
import type { ConsortiumTrust } from '../pki/certificate-verifier.ts';
import { InvalidInputError } from '../util/errors.ts';
import { signDetachedJws, verifyDetachedJws } from './detached-jws.ts';
import type { JwsSigner } from './detached-jws.ts';

/** A coordinator request as signed. */
export interface ConsortiumRequest {
  kind: string;
  sequence: number;
  issuedAt: string;
  expiresAt: string;
  body: Record<string, unknown>;
}

/** The request text exactly as signed, and its detached JWS. */
export interface SignedConsortiumRequest {
  requestJson: string;
  signature: string;
}

const JWS_TYPE = 'dataspace-consortium-request+jws';
const CLOCK_SKEW_MS = 5 * 60_000;

/** Signs a request (coordinator side). */
export function signConsortiumRequest(request: ConsortiumRequest, signer: JwsSigner): SignedConsortiumRequest {
  const requestJson = JSON.stringify(request);
  return { requestJson, signature: signDetachedJws(Buffer.from(requestJson), signer, { typ: JWS_TYPE }) };
}

/** Verifies signature, freshness and sequence; returns the request to act on. */
export function verifyConsortiumRequest(
  signed: SignedConsortiumRequest,
  trust: ConsortiumTrust,
  options: { highestSequenceSeen: number; at?: Date },
): ConsortiumRequest {
  const at = options.at ?? new Date();
  const { header } = verifyDetachedJws(Buffer.from(signed.requestJson), signed.signature, trust, 'codeSigning', at);
  if (header.typ !== JWS_TYPE) throw new InvalidInputError('The signature is not for a consortium request.', 'signature-wrong-type');
  const request = JSON.parse(signed.requestJson) as ConsortiumRequest;
  const issuedAt = Date.parse(request.issuedAt);
  const expiresAt = Date.parse(request.expiresAt);
  if (!Number.isFinite(issuedAt) || !Number.isFinite(expiresAt) || issuedAt - CLOCK_SKEW_MS > at.getTime()) {
    throw new InvalidInputError('The request has no valid issue time, or is dated in the future.', 'request-time-invalid');
  }
  if (expiresAt < at.getTime()) throw new InvalidInputError(`The request expired at ${request.expiresAt}.`, 'request-expired');
  if (!Number.isSafeInteger(request.sequence) || request.sequence <= options.highestSequenceSeen) {
    throw new InvalidInputError(
      `Request sequence ${request.sequence} is not above ${options.highestSequenceSeen}; refusing a possible replay.`,
      'request-replayed',
    );
  }
  return request;
}
