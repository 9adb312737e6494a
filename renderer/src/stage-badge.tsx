// A registry stage as a badge: active, candidate or retired.
import type { ModelStage } from '../../main/api/contract.ts';
import { STAGE_LABELS } from './risk-format.ts';

export function StageBadge({ stage }: { stage: ModelStage }) {
  return <span className={`stage-badge stage-${stage}`}>{STAGE_LABELS[stage]}</span>;
}
