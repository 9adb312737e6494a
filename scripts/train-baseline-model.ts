// Rebuilds models/readmission-30d-baseline.{onnx,card.json}: a logistic model trained on a
// synthetic consortium (main/demo, fixed seed) imported through the real pipeline. Prints the
// SHA-256 to pin in main/scoring/bundled-models.ts. Run: node --import tsx scripts/train-baseline-model.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConsortium } from '../main/demo/index.ts';
import { createEngine } from '../main/engine.ts';
import type { IndexAdmission } from '../main/features/readmission/index-admissions.ts';
import { sha256Hex } from '../main/scoring/model-registry.ts';
import { loadIndexAdmissions } from '../main/scoring/readmission-admissions.ts';
import { trainReadmissionModel } from '../main/scoring/readmission-training.ts';
import { openWritable } from '../main/store/database.ts';
import { dataFolderLayout } from '../main/store/data-folder.ts';
import { passphraseKeyProtector } from '../main/store/key-protector.ts';

const SEED = 2026;
const PATIENTS = 3000;
const SITES = ['alpha', 'beta', 'gamma'];
const modelsDir = fileURLToPath(new URL('../models/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dataspace-baseline-'));
try {
  const report = await generateConsortium({ outDir: join(work, 'exports'), institutions: SITES, patients: PATIENTS, seed: SEED });
  const admissions: IndexAdmission[] = [];
  for (const inst of report.institutions) {
    const dataDir = join(work, `node-${inst.institution}`);
    const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('baseline-build', 'test'), institution: { id: `${inst.institution}-node` }, actor: 'build', modelsDir: work });
    try {
      const { jobId } = await engine.startImport({ paths: [join(report.outDir, inst.paths.fhir)] });
      const job = await engine.waitForImport(jobId);
      if (job.state !== 'done') throw new Error(`import of ${inst.institution} ${job.state}`);
    } finally {
      await engine.close();
    }
    const db = openWritable(dataFolderLayout(dataDir).database);
    try {
      admissions.push(...loadIndexAdmissions(db));
    } finally {
      db.close();
    }
  }
  const trained = trainReadmissionModel(admissions, { kind: 'logistic' }, { institution: 'the synthetic consortium', now: new Date() });
  const card = {
    ...trained.card,
    name: 'readmission-30d-baseline',
    version: '1.0.0',
    trainingData:
      `${trained.admissions.train} index admissions of a synthetic consortium (main/demo: ${SITES.length} sites × ${PATIENTS} patients, seed ${SEED}; ` +
      `${trained.admissions.positives} of ${trained.admissions.total} readmitted within 30 days), imported and de-identified by DataSpace Node. No real patient data.`,
    limitations: [
      'Trained on generated patients: its weights reflect the generator\'s readmission mechanism, not any real population. Retrain or recalibrate on local data before relying on it.',
      'Trained on FHIR exports only: imaging_during_stay and pgx_alert were 0 for every training admission, so their weights are 0 here.',
      ...trained.card.limitations.slice(1),
    ],
  };
  writeFileSync(join(modelsDir, 'readmission-30d-baseline.onnx'), trained.onnx);
  writeFileSync(join(modelsDir, 'readmission-30d-baseline.card.json'), `${JSON.stringify(card, null, 2)}\n`);
  const m = trained.metrics;
  console.log(`held-out AUROC model ${m.model.auroc.toFixed(3)}, LACE ${m.lace.auroc.toFixed(3)}, HOSPITAL ${m.hospital.auroc.toFixed(3)} (n=${m.model.n})`);
  console.log(`sha256 ${sha256Hex(trained.onnx)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
