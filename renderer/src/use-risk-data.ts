// The Risk view's data: the latest scoring run's summary and the active model, reloaded whenever
// the view is shown or `reloadKey` changes (a model may have been activated in the Models view).
import { useEffect, useState } from 'react';
import type { ApiError, ModelSummary, RiskSummary } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';

export interface RiskData {
  summary: RiskSummary | null;
  activeModel: ModelSummary | null;
  /** True once the first answer (or error) has arrived. */
  loaded: boolean;
  error: ApiError | null;
}

export function useRiskData(active: boolean, reloadKey: string): RiskData {
  const [data, setData] = useState<RiskData>({
    summary: null,
    activeModel: null,
    loaded: false,
    error: null,
  });
  useEffect(() => {
    if (!active) return;
    let live = true;
    Promise.all([engineClient.api.getRiskSummary(), engineClient.api.listModels()]).then(
      ([summary, { models }]) => {
        if (!live) return;
        setData({
          summary,
          activeModel: models.find((m) => m.stage === 'active') ?? null,
          loaded: true,
          error: null,
        });
      },
      (error: unknown) => {
        if (live) setData((d) => ({ ...d, loaded: true, error: asApiError(error) }));
      },
    );
    return () => {
      live = false;
    };
  }, [active, reloadKey]);
  return data;
}
