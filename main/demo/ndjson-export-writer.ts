// Writes a FHIR Bulk Data export folder: one NDJSON file series per resource type
// (Patient.000.ndjson, Patient.001.ndjson, ...) rolling over at a line limit, and the export
// manifest (FHIR Bulk Data Access IG 2.0, "Response - Complete Status"). Lines are buffered per
// type and flushed with backpressure, so memory stays flat however large the export grows.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { WriteStream } from 'node:fs';

const FLUSH_BYTES = 256 * 1024;

/** One file of the export as the manifest lists it. */
export interface ExportFile {
  type: string;
  fileName: string;
  count: number;
}

/** Where a line landed: the file name inside the export folder and its 1-based line number. */
export interface LinePosition {
  fileName: string;
  line: number;
}

interface TypeSeries {
  part: number;
  stream: WriteStream | null;
  file: ExportFile | null;
  linesInPart: number;
  buffer: string[];
  bufferedBytes: number;
}

export class NdjsonExportWriter {
  private readonly series = new Map<string, TypeSeries>();
  private readonly files: ExportFile[] = [];
  private readonly closing: Promise<unknown>[] = [];

  constructor(private readonly dir: string, private readonly maxLinesPerFile: number) {}

  /** Queues one line (no newline inside) and says where it will be. */
  append(type: string, line: string): LinePosition {
    let s = this.series.get(type);
    if (!s) {
      s = { part: 0, stream: null, file: null, linesInPart: 0, buffer: [], bufferedBytes: 0 };
      this.series.set(type, s);
    }
    if (s.linesInPart >= this.maxLinesPerFile) this.rollOver(s);
    if (!s.stream || !s.file) {
      s.stream = createWriteStream(join(this.dir, this.fileName(type, s.part)));
      s.file = { type, fileName: this.fileName(type, s.part), count: 0 };
      this.files.push(s.file);
    }
    s.buffer.push(line, '\n');
    s.bufferedBytes += line.length + 1;
    s.linesInPart++;
    s.file.count++;
    return { fileName: s.file.fileName, line: s.linesInPart };
  }

  /** The next free part number of a type, for an extra file written beside the series. */
  nextPartName(type: string): string {
    const s = this.series.get(type);
    return this.fileName(type, s ? s.part + 1 : 0);
  }

  /** Flushes every buffer above the threshold, waiting for the disk when a stream is full. */
  async drain(): Promise<void> {
    for (const s of this.series.values()) if (s.bufferedBytes >= FLUSH_BYTES) await this.flush(s);
  }

  /** Writes an additional file of complete lines and lists it in the manifest. */
  async writeExtraFile(type: string, fileName: string, lines: readonly string[]): Promise<void> {
    await writeFile(join(this.dir, fileName), lines.map((l) => `${l}\n`).join(''));
    this.files.push({ type, fileName, count: lines.length });
  }

  /** Flushes and closes every file; returns the files in manifest order. */
  async finish(typeOrder: readonly string[]): Promise<ExportFile[]> {
    for (const s of this.series.values()) {
      await this.flush(s);
      if (s.stream) this.closing.push(endStream(s.stream));
      s.stream = null;
    }
    await Promise.all(this.closing);
    const rank = (type: string) => (typeOrder.includes(type) ? typeOrder.indexOf(type) : typeOrder.length);
    return [...this.files].sort((a, b) => rank(a.type) - rank(b.type) || a.fileName.localeCompare(b.fileName));
  }

  private fileName(type: string, part: number): string {
    return `${type}.${String(part).padStart(3, '0')}.ndjson`;
  }

  private rollOver(s: TypeSeries): void {
    const stream = s.stream!;
    if (s.buffer.length > 0) stream.write(s.buffer.join(''));
    this.closing.push(endStream(stream));
    s.buffer = [];
    s.bufferedBytes = 0;
    s.stream = null;
    s.file = null;
    s.part++;
    s.linesInPart = 0;
  }

  private async flush(s: TypeSeries): Promise<void> {
    if (!s.stream || s.buffer.length === 0) return;
    const chunk = s.buffer.join('');
    s.buffer = [];
    s.bufferedBytes = 0;
    if (!s.stream.write(chunk)) await once(s.stream, 'drain');
  }
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** The bulk-export manifest, with absolute URLs whose last segment is the local file name. */
export function bulkExportManifest(host: string, transactionTime: string, files: readonly ExportFile[], types: readonly string[]) {
  return {
    transactionTime,
    request: `https://${host}/fhir/$export?_type=${types.join(',')}`,
    requiresAccessToken: true,
    output: files.map((f) => ({ type: f.type, url: `https://${host}/bulk/files/${f.fileName}`, count: f.count })),
    error: [] as unknown[],
  };
}
