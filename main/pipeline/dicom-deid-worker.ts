// Worker-thread entry of DicomDeidPool: reads one DICOM file, de-identifies it and stores the
// result content-addressed in the data folder, all on this thread, and answers with the facts the
// store needs. Several run side by side, so an import uses every core; the import thread only
// hands out paths and writes rows. Nothing identifying is ever posted back.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import { deidentifyDicom } from '../deid/dicom/deidentify-dicom.ts';
import { resolveMrnSystem } from '../deid/dicom/mrn-system-mapping.ts';
import { storeDicomFile } from '../store/dicom-file-store.ts';
import type { DicomDeidReply, DicomDeidRequest, DicomDeidWorkerMessage, DicomDeidWorkerInit } from './dicom-deid-pool.ts';
import type { PseudonymKey } from '../deid/pseudonym-key.ts';

const port = parentPort;
if (!port) throw new Error('dicom-deid-worker must run in a worker thread');
// The job's settings arrive as the first message, so a thread can be started before its job exists.
let init: DicomDeidWorkerInit;
let key: PseudonymKey;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

class UnreadableFile extends Error {}

function readWhole(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UnreadableFile(`the file could not be opened (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new UnreadableFile(`the file is larger than ${Math.floor(maxBytes / 1024 ** 2)} MiB, which this version cannot de-identify`);
    const buffer = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, buffer, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return offset === size ? buffer : buffer.subarray(0, offset);
  } catch (error) {
    if (error instanceof UnreadableFile) throw error;
    throw new UnreadableFile(`the file could not be read (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`);
  } finally {
    closeSync(fd);
  }
}

function inflate(bytes: Buffer, maxBytes: number): Buffer | null {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}

function deidentify(request: DicomDeidRequest): DicomDeidReply {
  const { id } = request;
  let raw: Buffer;
  try {
    raw = readWhole(request.path, request.maxBytes);
  } catch (error) {
    return { id, bytesRead: 0, inputSha256: null, outcome: 'rejected', code: 'unreadable', reason: (error as Error).message, offset: null };
  }
  const bytesRead = raw.length;
  // The raw file is hashed only when its hash is kept: a held-back file's keyed fingerprint and
  // the skipped DICOMDIR. A stored instance is known by its de-identified file's hash instead; a
  // third pass over every pixel (after the pixel and output hashes) cost a sixth of the CPU.
  const inputSha256 = () => sha256(raw);
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? inflate(raw, request.maxBytes) : raw;
  if (bytes === null) {
    return { id, bytesRead, inputSha256: null, outcome: 'rejected', code: 'malformed', reason: 'the gzip-compressed file is corrupt, truncated or inflates beyond the size limit', offset: null };
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
    return { id, bytesRead, inputSha256: result.code === 'dicomdir' ? inputSha256() : null, outcome: 'rejected', code: result.code, reason: result.reason, offset: result.offset ?? null };
  }
  if (result.outcome === 'quarantine') {
    return { id, bytesRead, inputSha256: inputSha256(), outcome: 'quarantine', reason: result.reason, pseudonym: result.pseudonym, summary: result.summary, mrnConfigured };
  }
  if (!result.summary.studyInstanceUid || !result.summary.seriesInstanceUid) {
    const reason = 'Study Instance UID (0020,000D) or Series Instance UID (0020,000E) is missing: the instance cannot be placed in a study';
    return { id, bytesRead, inputSha256: null, outcome: 'rejected', code: 'missing-identity', reason, offset: null };
  }
  const outputSha256 = sha256(result.output);
  const stored = storeDicomFile(init.dataDir, result.output, outputSha256);
  return {
    id, bytesRead, inputSha256: null, outcome: 'ok',
    outputSha256, outputBytes: result.output.length, relativePath: stored.relativePath, created: stored.created,
    pseudonym: result.pseudonym, summary: result.summary, mrnConfigured,
  };
}

port.on('message', (message: DicomDeidWorkerMessage) => {
  if (message.type === 'init') {
    init = message.init;
    key = createPseudonymKey(Buffer.from(init.secret));
    return;
  }
  const request = message;
  let reply: DicomDeidReply;
  try {
    reply = deidentify(request);
  } catch (error) {
    // deidentifyDicom never throws on bad bytes: this is a bug or a full disk, reported without content.
    const reason = `de-identification failed (${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'unknown error')})`;
    reply = { id: request.id, bytesRead: 0, inputSha256: null, outcome: 'rejected', code: 'internal', reason, offset: null };
  }
  port.postMessage(reply);
});
