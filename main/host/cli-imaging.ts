// `dataspace imaging` and `dataspace quarantine [discard ID]`: de-identified imaging studies and
// the review list of held-back DICOM files, read through the contract; `--dicom-options` for import.
import { apiInputSchemas, type DicomImportOptions, type ImagingStudyPage, type ImagingStudySummary, type QuarantinedFile } from '../api/contract.ts';
import type { Engine } from '../engine.ts';
import { InvalidInputError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

const PAGE = 1000;

/** Parses `--dicom-options '{"retainPatientCharacteristics":true}'` with the contract's schema. */
export function parseDicomOptions(text: string): DicomImportOptions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('--dicom-options must be a JSON object, e.g. {"retainPatientCharacteristics":true}.', 'invalid-option');
  }
  const parsed = apiInputSchemas.startImport.safeParse([{ paths: ['-'], dicom: value }]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.slice(2).map(String).join('.') || 'dicom options';
    throw new InvalidInputError(`--dicom-options: ${where}: ${issue?.message ?? 'invalid'}`, 'invalid-option');
  }
  return parsed.data[0].dicom ?? {};
}

/** Prints `{"studies":[...], "byModality":[...]}` with --json, else one line per study. */
export async function runImagingCommand(engine: Engine, modality: string | undefined, json: boolean, io: CliIo): Promise<number> {
  const studies: ImagingStudySummary[] = [];
  let byModality: ImagingStudyPage['byModality'] | undefined;
  for (let offset = 0; ; offset += PAGE) {
    const page = await engine.listImagingStudies({ offset, limit: PAGE, ...(modality ? { modality } : {}) });
    studies.push(...page.studies);
    byModality ??= page.byModality;
    if (page.studies.length < PAGE || studies.length >= page.total) break;
  }
  byModality ??= [];
  if (json) {
    io.out(JSON.stringify({ studies, byModality }));
    return 0;
  }
  io.out(`${studies.length} imaging studies${modality ? ` with modality ${modality}` : ''}; by modality: ${byModality.map((m) => `${m.modality} ${m.studies}`).join(', ') || 'none'}`);
  for (const s of studies) {
    io.out(`${s.studyUid}  patient ${s.pseudonym}  ${s.modalities.join('/') || '-'}  ${s.series} series  ${s.instances} instances`);
  }
  return 0;
}

/** `quarantine` lists held-back files; `quarantine discard ID` records a steward's decision. */
export async function runQuarantineCommand(engine: Engine, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub, id, ...extra] = args;
  if (sub === undefined) {
    const items: QuarantinedFile[] = [];
    let pending: number | undefined;
    for (let offset = 0; ; offset += PAGE) {
      const page = await engine.listQuarantine({ offset, limit: PAGE });
      items.push(...page.items);
      pending ??= page.pending;
      if (page.items.length < PAGE || items.length >= page.total) break;
    }
    if (json) io.out(JSON.stringify({ quarantine: items, pending }));
    else {
      io.out(`${items.length} held-back DICOM files, ${pending} pending review`);
      for (const q of items) {
        io.out(`${String(q.id).padStart(6)}  ${q.state.padEnd(9)}  ${(q.modality ?? '-').padEnd(4)}  patient ${q.pseudonym ?? '-'}  ${q.bytes} bytes  ${q.reason}`);
      }
    }
    return 0;
  }
  if (sub === 'discard' && id !== undefined && extra.length === 0) {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 1) throw new InvalidInputError('quarantine discard needs the numeric id shown by `dataspace quarantine`.', 'invalid-option');
    const { discarded } = await engine.discardQuarantined({ id: n });
    if (json) io.out(JSON.stringify({ discarded, id: n }));
    else io.out(discarded ? `Discarded held-back file ${n}.` : `Held-back file ${n} was already discarded.`);
    return 0;
  }
  io.err('Usage: dataspace quarantine | dataspace quarantine discard ID');
  return 2;
}
