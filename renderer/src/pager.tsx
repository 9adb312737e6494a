// Previous/next paging under a table, with the range shown ("Studies 1–50 of 120").
import { formatCount } from './format.ts';

interface PagerProps {
  /** What the rows are, capitalised for the range ("Studies") and for an empty list ("studies"). */
  noun: string;
  offset: number;
  pageSize: number;
  total: number;
  onOffset(offset: number): void;
  labels?: { previous: string; next: string };
}

export function Pager({ noun, offset, pageSize, total, onOffset, labels = { previous: 'Previous', next: 'Next' } }: PagerProps) {
  return (
    <div className="pager">
      <span className="muted">
        {total === 0
          ? `0 ${noun.toLowerCase()}`
          : `${noun} ${formatCount(offset + 1)}–${formatCount(Math.min(offset + pageSize, total))} of ${formatCount(total)}`}
      </span>
      <button type="button" className="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        {labels.previous}
      </button>
      <button type="button" className="button" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
        {labels.next}
      </button>
    </div>
  );
}
