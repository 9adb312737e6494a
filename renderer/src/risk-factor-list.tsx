// The largest contributions to one prediction: ↑ raises the risk, ↓ lowers it (sign of the
// feature's additive logit contribution against the training-mean admission).
import type { RiskFactor } from '../../main/api/contract.ts';
import { humaniseFeature } from './risk-format.ts';

const SHOWN = 3;

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

export function RiskFactorList({ factors }: { factors: RiskFactor[] }) {
  if (factors.length === 0) return <span className="muted">—</span>;
  const detail = factors
    .map((f) => `${humaniseFeature(f.feature)} ${signed(f.logit)} log-odds`)
    .join('; ');
  return (
    <ul className="risk-factors" title={detail}>
      {factors.slice(0, SHOWN).map((f) => {
        const raises = f.logit >= 0;
        return (
          <li
            key={f.feature}
            className={raises ? 'risk-factor risk-factor-up' : 'risk-factor risk-factor-down'}
          >
            <span aria-hidden="true">{raises ? '↑' : '↓'}</span>
            <span className="visually-hidden">{raises ? 'raises risk:' : 'lowers risk:'}</span>
            {humaniseFeature(f.feature)}
          </li>
        );
      })}
    </ul>
  );
}
