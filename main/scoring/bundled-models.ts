// Models shipped in `models/` with the app. Each is pinned here by the SHA-256 of its ONNX bytes:
// this file is part of the signed application, so a model file swapped on disk is refused. On the
// first run the baseline becomes the active model; later activations are the steward's.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelCard, ModelSummary } from '../api/contract.ts';
import { FEATURE_SET } from '../features/readmission/feature-set.ts';
import { sha256Hex, type ModelRegistry } from './model-registry.ts';

/** One shipped model: file names under models/ and the digest the app trusts. */
export interface BundledModel {
  onnxFile: string;
  cardFile: string;
  sha256: string;
}

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    onnxFile: 'readmission-30d-baseline.onnx',
    cardFile: 'readmission-30d-baseline.card.json',
    sha256: '1612d98135275263f60c32d6ff35a5eb19e709b1704209bab04473ccb9387f39',
  },
];

/** The models folder: next to the app's resources when packaged, else the checkout's. */
export function defaultModelsDir(): string {
  const appRoot = process.env.DATASPACE_APP_ROOT;
  return appRoot ? join(appRoot, 'models') : fileURLToPath(new URL('../../models/', import.meta.url));
}

/** What happened to each bundled model at start-up. */
export type BundledModelOutcome =
  | { file: string; outcome: 'registered'; model: ModelSummary; activated: boolean }
  | { file: string; outcome: 'present' }
  | { file: string; outcome: 'refused'; reason: string };

/** The active model was built for another feature set (an upgrade changed it): it cannot score. */
function activeCannotScore(registry: ModelRegistry): boolean {
  const active = registry.active();
  return active !== null && active.card.featureSet.version !== FEATURE_SET.version;
}

/** Registers shipped models not yet in the registry; activates the first when nothing is active. */
export function installBundledModels(registry: ModelRegistry, modelsDir: string, actor: string, models: readonly BundledModel[] = BUNDLED_MODELS): BundledModelOutcome[] {
  return models.map((bundled): BundledModelOutcome => {
    if (registry.get(bundled.sha256)) {
      if (activeCannotScore(registry)) {
        registry.activate(bundled.sha256, actor, 'activate');
        return { file: bundled.onnxFile, outcome: 'registered', model: registry.get(bundled.sha256)!, activated: true };
      }
      return { file: bundled.onnxFile, outcome: 'present' };
    }
    const onnxPath = join(modelsDir, bundled.onnxFile);
    if (!existsSync(onnxPath)) return { file: bundled.onnxFile, outcome: 'refused', reason: `${onnxPath} is missing` };
    const onnx = readFileSync(onnxPath);
    const digest = sha256Hex(onnx);
    if (digest !== bundled.sha256) {
      return { file: bundled.onnxFile, outcome: 'refused', reason: `SHA-256 ${digest} does not match the pinned ${bundled.sha256}` };
    }
    const card = JSON.parse(readFileSync(join(modelsDir, bundled.cardFile), 'utf8')) as ModelCard;
    const model = registry.register({ onnx, card, source: 'bundled' });
    // After an upgrade that changed the feature set, an active model of the old set cannot score:
    // the new baseline takes over (the old one stays in the registry, retired).
    const active = registry.active();
    const activated = active === null || activeCannotScore(registry);
    if (activated) registry.activate(model.id, actor, active === null ? 'initial' : 'activate');
    return { file: bundled.onnxFile, outcome: 'registered', model: registry.get(model.id)!, activated };
  });
}
