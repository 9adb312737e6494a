// Reads a FHIR R4 file — a Bundle, a single resource, or Bulk Data NDJSON, optionally
// gzipped — as a stream of item batches. Nothing here knows of validation, the store or
// de-identification; a pipeline composes them.
import { basename } from 'node:path';
import { CancellationError, InvalidInputError } from '../../util/errors.ts';
import { CORRUPT_COMPRESSION, readInputText } from '../input-text-stream.ts';
import type { FhirItem, FhirTextParser } from './fhir-item.ts';
import { sniffFhirJsonKind } from './fhir-json-kind.ts';
import { JsonDocumentParser } from './json-document-parser.ts';
import { NdjsonParser, type NdjsonLineFilter } from './ndjson-parser.ts';

export type { FhirItem } from './fhir-item.ts';

/** Options for {@link readFhirFile}. */
export interface FhirReadOptions {
  signal?: AbortSignal;
  /** Bytes read from disk so far (compressed bytes for .gz), for progress against the file size. */
  onBytes?: (bytesReadSoFar: number) => void;
  /** Most items per yielded batch (default 500). */
  batchSize?: number;
  /** NDJSON only: lines for which this returns false are skipped unparsed. */
  selectLine?: NdjsonLineFilter;
}

const DEFAULT_BATCH_SIZE = 500;
// A batch is also handed over once this much text went into it, so that a few huge
// resources (base64 attachments) do not pile up 500 deep.
const BATCH_TEXT_CHARS = 8 * 1024 * 1024;

function parserFor(firstText: string, path: string, selectLine?: NdjsonLineFilter): FhirTextParser {
  return sniffFhirJsonKind(firstText, basename(path)) === 'fhir-ndjson'
    ? new NdjsonParser(selectLine)
    : new JsonDocumentParser();
}

/**
 * Yields the file's resources in batches, in file order. Positions are `line N` (NDJSON),
 * `entry N (line L)` (Bundle, N from 1) or `resource` (single resource), without the file
 * path. Unreadable items come as `ok: false` with a reason that quotes no input content.
 * Throws CancellationError when `signal` aborts, InvalidInputError if the file cannot be read.
 */
export async function* readFhirFile(
  path: string,
  options: FhirReadOptions = {},
): AsyncGenerator<FhirItem[]> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const { signal } = options;
  let parser: FhirTextParser | undefined;
  let batch: FhirItem[] = [];
  let batchChars = 0;
  let failed = false;
  try {
    for await (const text of readInputText(path, { signal, onBytes: options.onBytes })) {
      parser ??= parserFor(text, path, options.selectLine);
      parser.push(text, batch);
      batchChars += text.length;
      while (batch.length >= batchSize) {
        yield batch.splice(0, batchSize);
        batchChars = 0;
      }
      if (batch.length > 0 && batchChars >= BATCH_TEXT_CHARS) {
        yield batch;
        batch = [];
        batchChars = 0;
      }
      if (signal?.aborted) throw new CancellationError();
    }
  } catch (error) {
    if (!(error instanceof InvalidInputError && error.code === CORRUPT_COMPRESSION)) throw error;
    (parser ?? new NdjsonParser()).abort('compressed data is corrupt or truncated', batch);
    parser = undefined;
    failed = true;
  }
  // An empty file is a valid (empty) NDJSON export but not a JSON document.
  if (!parser && !failed) parser = parserFor('', path, options.selectLine);
  parser?.end(batch);
  for (let start = 0; start < batch.length; start += batchSize)
    yield batch.slice(start, start + batchSize);
}
