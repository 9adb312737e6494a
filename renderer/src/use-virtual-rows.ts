// A virtualised list over lazily paged rows: only the rows on screen exist in the DOM, and the pages
// covering them are loaded while the view is active. Shared by the Patients and Risk tables.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { PagedRows } from './use-paged-rows.ts';

export function useVirtualRows<Row>(
  pages: PagedRows<Row>,
  active: boolean,
  layout: { rowHeight: number; headerHeight: number; overscan: number },
) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual is driven by its own scroll observer; the React Compiler is not used here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: pages.total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => layout.rowHeight,
    overscan: layout.overscan,
    scrollMargin: layout.headerHeight,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { loadRange } = pages;
  useEffect(() => {
    // Page 0 is always wanted: it also tells us the total.
    if (active) loadRange(first, last);
  }, [active, first, last, loadRange]);
  return { scrollRef, items, totalSize: virtualizer.getTotalSize() };
}
