// A predicted risk as a small horizontal bar with tick marks at the level thresholds, and the
// percentage next to it.
import type { RiskLevel, RiskThresholds } from '../../main/api/contract.ts';
import { clamp } from './chart-geometry.ts';
import { formatRisk, LEVEL_LABELS } from './risk-format.ts';

const WIDTH = 72;
const HEIGHT = 10;

export function RiskGauge({
  risk,
  level,
  thresholds,
}: {
  risk: number;
  level: RiskLevel;
  thresholds: RiskThresholds;
}) {
  const filled = clamp(risk, 0, 1) * WIDTH;
  return (
    <span className="risk-gauge" title={`${formatRisk(risk)} (${LEVEL_LABELS[level]})`}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
        <rect className="risk-gauge-track" width={WIDTH} height={HEIGHT} rx={3} />
        <rect
          className={`risk-gauge-fill risk-fill-${level}`}
          width={Math.max(risk > 0 ? 2 : 0, filled)}
          height={HEIGHT}
          rx={3}
        />
        {[thresholds.moderate, thresholds.high].map((t) => (
          <line
            key={t}
            className="risk-gauge-tick"
            x1={t * WIDTH}
            x2={t * WIDTH}
            y1={0}
            y2={HEIGHT}
          />
        ))}
      </svg>
      <span className="risk-gauge-value">{formatRisk(risk)}</span>
    </span>
  );
}

export function RiskLevelBadge({ level }: { level: RiskLevel }) {
  return <span className={`risk-level risk-level-${level}`}>{LEVEL_LABELS[level]}</span>;
}
