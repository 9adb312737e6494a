// The columns of the scored-admissions table: what each shows, and which engine sort key it uses.
import type { ReactNode } from 'react';
import type { RiskScoreRow, RiskSortKey, RiskThresholds } from '../../main/api/contract.ts';
import { formatCount } from './format.ts';
import { RiskFactorList } from './risk-factor-list.tsx';
import { RiskGauge, RiskLevelBadge } from './risk-gauge.tsx';

/** One column; without `sort` the column cannot be sorted (the engine has no key for it). */
export interface RiskColumn {
  id: string;
  label: string;
  sort?: RiskSortKey;
  numeric?: boolean;
  /** A longer explanation of the column, shown on hover. */
  title?: string;
  cell(row: RiskScoreRow, thresholds: RiskThresholds): ReactNode;
}

export const RISK_COLUMNS: readonly RiskColumn[] = [
  {
    id: 'pseudonym',
    label: 'Pseudonym',
    sort: 'pseudonym',
    cell: (r) => (
      <span className="mono" title={r.pseudonym}>
        {r.pseudonym}
      </span>
    ),
  },
  {
    id: 'risk',
    label: 'Risk',
    sort: 'risk',
    cell: (r, t) => <RiskGauge risk={r.risk} level={r.level} thresholds={t} />,
  },
  { id: 'level', label: 'Level', cell: (r) => <RiskLevelBadge level={r.level} /> },
  { id: 'factors', label: 'Top factors', cell: (r) => <RiskFactorList factors={r.topFactors} /> },
  { id: 'lace', label: 'LACE', sort: 'lace', numeric: true, cell: (r) => formatCount(r.lace) },
  {
    id: 'hospital',
    label: 'HOSPITAL',
    sort: 'hospital',
    numeric: true,
    cell: (r) => formatCount(r.hospital),
  },
  {
    id: 'los',
    label: 'Stay (days)',
    sort: 'lengthOfStayDays',
    numeric: true,
    cell: (r) => formatCount(r.lengthOfStayDays),
  },
  {
    id: 'observed',
    label: 'Readmitted',
    title: 'Observed readmission within 30 days, from the store',
    cell: (r) =>
      r.readmitted30d ? (
        <span className="pill pill-readmitted">Yes</span>
      ) : (
        <span className="muted">No</span>
      ),
  },
];
