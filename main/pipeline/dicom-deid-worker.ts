// Worker-thread entry that de-identifies DICOM files for DicomDeidPool: bytes in (transferred,
// not copied), de-identified bytes and their SHA-256 out. Several run side by side, so an
// import uses every core while the import thread reads and writes files.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import { deidentifyDicom } from '../deid/dicom/deidentify-dicom.ts';
import { resolveMrnSystem } from '../deid/dicom/mrn-system-mapping.ts';
import type { DicomDeidReply, DicomDeidRequest, DicomDeidWorkerInit } from './dicom-deid-pool.ts';
import { transferable } from './dicom-deid-pool.ts';

const port = parentPort;
if (!port) throw new Error('dicom-deid-worker must run in a worker thread');
const init = workerData as DicomDeidWorkerInit;
const key = createPseudonymKey(Buffer.from(init.secret));
/** A gzipped input may not inflate beyond this (decompression bombs). */
const MAX_INFLATED_BYTES = 2 * 1024 ** 3 - 1;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function inflate(bytes: Buffer): Buffer | null {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return null;
  }
}

function deidentify(request: DicomDeidRequest): { reply: DicomDeidReply; transfer: ArrayBuffer[] } {
  const raw = Buffer.from(request.bytes, 0, request.byteLength);
  const inputSha256 = sha256(raw);
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? inflate(raw) : raw;
  if (bytes === null) {
    return { reply: { id: request.id, inputSha256, outcome: 'rejected', code: 'malformed', reason: 'the gzip-compressed file is corrupt, truncated or inflates beyond 2 GiB', offset: null }, transfer: [] };
  }
  let mrnConfigured = true;
  const result = deidentifyDicom(bytes, {
    key,
    options: init.options,
    mrnSystemForIssuer: (issuer) => {
      const resolved = resolveMrnSystem(init.mrnSystems, issuer);
      mrnConfigured = resolved.configured;
      return resolved.system;
    },
  });
  if (result.outcome === 'rejected') {
    return { reply: { id: request.id, inputSha256, outcome: 'rejected', code: result.code, reason: result.reason, offset: result.offset ?? null }, transfer: [] };
  }
  if (result.outcome === 'quarantine') {
    return { reply: { id: request.id, inputSha256, outcome: 'quarantine', reason: result.reason, pseudonym: result.pseudonym, summary: result.summary, mrnConfigured }, transfer: [] };
  }
  const output = transferable(result.output);
  return {
    reply: { id: request.id, inputSha256, outcome: 'ok', output, outputSha256: sha256(result.output), pseudonym: result.pseudonym, summary: result.summary, mrnConfigured },
    transfer: [output.buffer as ArrayBuffer],
  };
}

port.on('message', (request: DicomDeidRequest) => {
  let answer: ReturnType<typeof deidentify>;
  try {
    answer = deidentify(request);
  } catch (error) {
    // deidentifyDicom never throws on bad bytes; this is a bug, reported without any content.
    const reason = `de-identification failed (${error instanceof Error ? error.name : 'unknown error'})`;
    answer = { reply: { id: request.id, inputSha256: '', outcome: 'rejected', code: 'internal', reason, offset: null }, transfer: [] };
  }
  port.postMessage(answer.reply, answer.transfer);
});
