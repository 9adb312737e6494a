// Consortium models are activated only if the model-signing certificate (extKeyUsage
// codeSigning) signed their manifest, the bytes match its digest, and the version is newer
// than any seen before (a replayed older model could reintroduce a withdrawn one).
import { createHash } from 'node:crypto';
import type { ConsortiumTrust } from '../pki/certificate-verifier.ts';
import { InvalidInputError } from '../util/errors.ts';
import { signDetachedJws, verifyDetachedJws } from './detached-jws.ts';
import type { JwsSigner } from './detached-jws.ts';

/** What the consortium vouches for: which model, which version, which bytes. */
export interface ModelManifest {
  modelId: string;
  version: number;
  sha256: string;
  size: number;
}

/** The manifest exactly as signed (JSON text, so no canonicalisation is needed) and its detached JWS. */
export interface SignedModel {
  manifestJson: string;
  signature: string;
}

const JWS_TYPE = 'dataspace-model-manifest+jws';

/** Signs a model (consortium side; the model-signing key never sits on a node). */
export function signModel(modelId: string, version: number, modelBytes: Buffer, signer: JwsSigner): SignedModel {
  if (!Number.isSafeInteger(version) || version < 1) throw new InvalidInputError('A model version is a positive integer.', 'invalid-model-version');
  const manifest: ModelManifest = { modelId, version, sha256: createHash('sha256').update(modelBytes).digest('hex'), size: modelBytes.length };
  const manifestJson = JSON.stringify(manifest);
  return { manifestJson, signature: signDetachedJws(Buffer.from(manifestJson), signer, { typ: JWS_TYPE }) };
}

/** Verifies a downloaded model; throws InvalidInputError with a code saying what was wrong. */
export function verifySignedModel(
  modelBytes: Buffer,
  signed: SignedModel,
  trust: ConsortiumTrust,
  options: { expectedModelId: string; highestVersionSeen: number; at?: Date },
): ModelManifest {
  const { header } = verifyDetachedJws(Buffer.from(signed.manifestJson), signed.signature, trust, 'codeSigning', options.at);
  if (header.typ !== JWS_TYPE) throw new InvalidInputError('The signature is not for a model manifest.', 'signature-wrong-type');
  const manifest = JSON.parse(signed.manifestJson) as ModelManifest;
  if (manifest.modelId !== options.expectedModelId) {
    throw new InvalidInputError(`The manifest is for model "${manifest.modelId}", not "${options.expectedModelId}".`, 'model-id-mismatch');
  }
  if (!Number.isSafeInteger(manifest.version) || manifest.version <= options.highestVersionSeen) {
    throw new InvalidInputError(
      `Model version ${manifest.version} is not newer than version ${options.highestVersionSeen} already seen; refusing a possible replay.`,
      'model-version-replayed',
    );
  }
  const digest = createHash('sha256').update(modelBytes).digest('hex');
  if (digest !== manifest.sha256 || modelBytes.length !== manifest.size) {
    throw new InvalidInputError('The model file does not match its signed manifest (altered or truncated).', 'model-digest-mismatch');
  }
  return manifest;
}
