// The de-identified patient list, paged lazily (use-paged-rows.ts).
import { useCallback } from 'react';
import type { PatientRow, PatientSortKey } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { usePagedRows, type PagedRows } from './use-paged-rows.ts';

export interface PatientQuery {
  sort: PatientSortKey;
  descending: boolean;
}

export function usePatientPages(query: PatientQuery, dataVersion: number): PagedRows<PatientRow> {
  const { sort, descending } = query;
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      engineClient.api.listPatients({ offset, limit, sort, descending }).then((page) => ({ total: page.total, rows: page.patients })),
    [sort, descending],
  );
  return usePagedRows(`${sort}:${descending ? 'desc' : 'asc'}:${dataVersion}`, fetchPage);
}
