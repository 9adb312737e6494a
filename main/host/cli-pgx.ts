// `dataspace pgx`: every patient's PGx gene calls and drug-gene alerts, read through the contract.
import type { PgxPatient } from '../api/contract.ts';
import type { Engine } from '../engine.ts';
import type { CliIo } from './cli.ts';

const PAGE = 1000;

/** Prints `{"patients":[{pseudonym, results, alerts}]}` with --json, else one block per patient. */
export async function runPgxCommand(engine: Engine, json: boolean, io: CliIo): Promise<number> {
  const patients: PgxPatient[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await engine.listPgxPatients({ offset, limit: PAGE });
    patients.push(...page.patients);
    if (page.patients.length < PAGE || patients.length >= page.total) break;
  }
  if (json) {
    io.out(JSON.stringify({ patients }));
    return 0;
  }
  io.out(`${patients.length} patients with PGx results`);
  for (const p of patients) {
    io.out(p.pseudonym);
    for (const r of p.results) {
      const call = r.diplotype ?? (r.candidates.length > 0 ? r.candidates.join(' | ') : '-');
      const missing = r.missingPositions > 0 ? `  (${r.missingPositions} positions missing)` : '';
      io.out(`  ${r.gene.padEnd(8)} ${call.padEnd(24)} ${(r.phenotype ?? '-').padEnd(34)} ${r.status}${missing}`);
    }
    for (const a of p.alerts) io.out(`  ALERT ${a.severity}: ${a.drug} / ${a.gene} ${a.phenotype}: ${a.recommendation}`);
  }
  return 0;
}
