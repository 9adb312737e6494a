// Where things live in the consortium bucket. The coordinator publishes the CRL, signed requests
// and signed models; each node uploads its signed releases under its own prefix.
import type { ModelCard } from '../api/contract.ts';
import type { ConsortiumObjectStore } from './consortium-object-store.ts';
import type { SignedConsortiumRequest } from './consortium-request.ts';
import type { JwsSigner } from './detached-jws.ts';
import { signDetachedJws } from './detached-jws.ts';
import { signModel } from './signed-model.ts';
import { SIGNATURE_SUFFIX } from './upload-outbox.ts';

export const CRL_KEY = 'crl/consortium.crl.pem';
export const REQUEST_PREFIX = 'requests/';
export const MODEL_PREFIX = 'models/';

export const requestKey = (sequence: number) => `${REQUEST_PREFIX}${String(sequence).padStart(8, '0')}.json`;
export const releaseKey = (institutionId: string, round: string, sequence: number) => `releases/${institutionId}/${round}-${String(sequence).padStart(8, '0')}.json`;
export const modelFolder = (modelId: string, version: number) => `${MODEL_PREFIX}${modelId}/${String(version).padStart(6, '0')}/`;

/** `requests/00000007.json` → 7; anything else → null. */
export function sequenceOfRequestKey(key: string): number | null {
  const m = /^requests\/(\d{1,12})\.json$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** `models/<id>/<version>/manifest.json` → { modelId, version }. */
export function modelOfManifestKey(key: string): { modelId: string; version: number } | null {
  const m = /^models\/([a-z0-9][a-z0-9-]{0,62})\/(\d{1,6})\/manifest\.json$/.exec(key);
  return m ? { modelId: m[1]!, version: Number(m[2]) } : null;
}

type Uploader = Pick<ConsortiumObjectStore, 'putObject'>;

/** Coordinator: publishes a signed request. */
export async function publishRequest(store: Uploader, signed: SignedConsortiumRequest, sequence: number): Promise<void> {
  await store.putObject(requestKey(sequence), Buffer.from(signed.requestJson));
  await store.putObject(requestKey(sequence) + SIGNATURE_SUFFIX, Buffer.from(signed.signature));
}

/** The JWS `typ` of a model card's detached signature (the card is what a steward reads before activating). */
export const MODEL_CARD_JWS_TYPE = 'dataspace-model-card+jws';

/** Signs a model card with the model-signing key. */
export function signModelCard(cardBytes: Buffer, signer: JwsSigner): string {
  return signDetachedJws(cardBytes, signer, { typ: MODEL_CARD_JWS_TYPE });
}

/** Coordinator: signs and publishes a model with its card (the manifest binds id, version and bytes; the card is signed too). */
export async function publishModel(store: Uploader, model: { modelId: string; version: number; onnx: Buffer; card: ModelCard }, signer: JwsSigner): Promise<void> {
  const signed = signModel(model.modelId, model.version, model.onnx, signer);
  const folder = modelFolder(model.modelId, model.version);
  await store.putObject(`${folder}model.onnx`, model.onnx);
  const cardBytes = Buffer.from(JSON.stringify(model.card));
  await store.putObject(`${folder}card.json`, cardBytes);
  await store.putObject(`${folder}card.json${SIGNATURE_SUFFIX}`, Buffer.from(signModelCard(cardBytes, signer)));
  await store.putObject(`${folder}manifest.json${SIGNATURE_SUFFIX}`, Buffer.from(signed.signature));
  await store.putObject(`${folder}manifest.json`, Buffer.from(signed.manifestJson));
}

/** Coordinator: publishes the current CRL (signed by the CA itself). */
export async function publishCrl(store: Uploader, crlPem: string): Promise<void> {
  await store.putObject(CRL_KEY, Buffer.from(crlPem));
}
