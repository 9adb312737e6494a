// The one place that knows which host the UI runs under. Under Electron the preload exposes the
// contract on `window.dataspace`; in a browser the loopback host speaks it over HTTP (calls),
// Server-Sent Events (events) and uploads (files). Everything else sees only `EngineClient`.
import type { ApiError, ApiMethod, DataSpaceApi, EngineEvent } from '../../main/api/contract.ts';
import type { DesktopBridge } from './global.d.ts';

/** An engine error as the UI receives it: name, code and message, never a bare string. */
export class ApiCallError extends Error implements ApiError {
  constructor(
    override readonly name: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Normalises anything thrown across the boundary to `{ name, code, message }`. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiCallError)
    return { name: error.name, code: error.code, message: error.message };
  if (typeof error === 'object' && error !== null) {
    const { name, code, message } = error as Partial<Record<keyof ApiError, unknown>>;
    if (typeof message === 'string') {
      return {
        name: typeof name === 'string' ? name : 'Error',
        code: typeof code === 'string' ? code : 'unknown',
        message,
      };
    }
  }
  return { name: 'Error', code: 'unknown', message: String(error) };
}

/** A picked or dropped file with the path the user sees (folder picks keep their folders). */
export interface FileToImport {
  file: File;
  relativePath: string;
}

export interface TransferProgress {
  /** Index into the files passed to `importFiles`. */
  index: number;
  loaded: number;
  total: number;
}

export interface StartedImport {
  jobId: string;
  /** Engine-side file path → the name the user picked, for display. */
  labels: Map<string, string>;
}

/** Everything the UI needs from its host. */
export interface EngineClient {
  readonly api: DataSpaceApi;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Whether live events are flowing now; when not, the UI polls. */
  eventsConnected(): boolean;
  /** Makes the files readable by the engine (upload or path lookup) and starts one import. */
  importFiles(
    files: readonly FileToImport[],
    options: { signal: AbortSignal; onProgress(progress: TransferProgress): void },
  ): Promise<StartedImport>;
}

// Checked against the contract at compile time: a new method must be listed here.
const API_METHODS = {
  getStatus: true,
  startImport: true,
  cancelImport: true,
  getImport: true,
  listImportBatches: true,
  listPatients: true,
  getPatient: true,
  listAudit: true,
  verifyAudit: true,
  listGenomicSamples: true,
  getPgxSummary: true,
  listPgxPatients: true,
  listImagingStudies: true,
  listQuarantine: true,
  discardQuarantined: true,
  loadSampleData: true,
  listModels: true,
  activateModel: true,
  rollbackModel: true,
  startTraining: true,
  startScoring: true,
  getTask: true,
  cancelTask: true,
  listRiskScores: true,
  getRiskSummary: true,
  setRiskThresholds: true,
  getConsortiumStatus: true,
  createEnrolmentRequest: true,
  importEnrolment: true,
  setConsortiumEndpoint: true,
  startSync: true,
  listConsortiumRequests: true,
  decideRelease: true,
  listSyncRuns: true,
  evaluateModel: true,
} satisfies Record<ApiMethod, true>;

function buildApi(invoke: (method: ApiMethod, args: unknown[]) => Promise<unknown>): DataSpaceApi {
  const api: Partial<Record<ApiMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    api[method] = (...args: unknown[]) => invoke(method, args);
  }
  return api as unknown as DataSpaceApi;
}

function cancelledError(): ApiCallError {
  return new ApiCallError('CancellationError', 'cancelled', 'Cancelled');
}

function desktopClient(bridge: DesktopBridge): EngineClient {
  const api = buildApi(async (method, args) => {
    try {
      return await (bridge[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (error) {
      const e = asApiError(error);
      throw new ApiCallError(e.name, e.code, e.message);
    }
  });
  return {
    api,
    onEvent: (listener) => bridge.onEvent(listener),
    eventsConnected: () => true,
    async importFiles(files, { signal }) {
      if (!bridge.pathForFile) {
        throw new ApiCallError(
          'BugIndicatingError',
          'no-path-for-file',
          'The desktop bridge cannot resolve file paths.',
        );
      }
      const labels = new Map<string, string>();
      // The desktop engine reads files in place: no copy, no upload.
      const paths = files.map((f) => {
        const path = bridge.pathForFile!(f.file);
        labels.set(path, f.relativePath);
        return path;
      });
      if (signal.aborted) throw cancelledError();
      const { jobId } = await api.startImport({ paths });
      return { jobId, labels };
    },
  };
}

const TOKEN_KEY = 'dataspace.token';

/** Moves the token from the URL fragment to sessionStorage and out of the address bar. */
function takeToken(): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

async function readEnvelope(response: Response): Promise<unknown> {
  let body: { ok?: boolean; result?: unknown; error?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiCallError(
      'NetworkError',
      `http-${response.status}`,
      `The host answered ${response.status} without a result.`,
    );
  }
  if (body.ok) return body.result;
  const e = asApiError(body.error);
  throw new ApiCallError(e.name, e.code, e.message);
}

function uploadFile(
  token: string,
  item: FileToImport,
  signal: AbortSignal,
  onProgress: (loaded: number) => void,
): Promise<string> {
  // XMLHttpRequest because fetch reports no upload progress.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    xhr.open('POST', '/api/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(item.relativePath));
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      signal.removeEventListener('abort', onAbort);
      const body = xhr.response as {
        ok?: boolean;
        result?: { path: string };
        error?: unknown;
      } | null;
      if (body?.ok && body.result) resolve(body.result.path);
      else {
        const e = asApiError(body?.error ?? { message: `Upload failed (${xhr.status}).` });
        reject(new ApiCallError(e.name, e.code, e.message));
      }
    };
    xhr.onerror = () =>
      reject(new ApiCallError('NetworkError', 'network', `Could not upload ${item.relativePath}.`));
    xhr.onabort = () => reject(cancelledError());
    xhr.send(item.file);
  });
}

function browserClient(): EngineClient {
  const token = takeToken();
  const api = buildApi(async (method, args) => {
    let response: Response;
    try {
      response = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(args),
        cache: 'no-store',
      });
    } catch {
      throw new ApiCallError(
        'NetworkError',
        'network',
        'The DataSpace host is not reachable. Is it still running?',
      );
    }
    return readEnvelope(response);
  });

  const listeners = new Set<(event: EngineEvent) => void>();
  let source: EventSource | null = null;
  let connected = false;
  const openEvents = () => {
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onopen = () => {
      connected = true;
    };
    // EventSource reconnects by itself; until it does the UI polls.
    source.onerror = () => {
      connected = false;
    };
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as EngineEvent;
      for (const listener of listeners) listener(event);
    };
  };

  return {
    api,
    onEvent(listener) {
      listeners.add(listener);
      if (!source) openEvents();
      return () => listeners.delete(listener);
    },
    eventsConnected: () => connected,
    async importFiles(files, { signal, onProgress }) {
      const labels = new Map<string, string>();
      const paths: string[] = [];
      for (const [index, item] of files.entries()) {
        if (signal.aborted) throw cancelledError();
        const path = await uploadFile(token, item, signal, (loaded) =>
          onProgress({ index, loaded, total: item.file.size }),
        );
        onProgress({ index, loaded: item.file.size, total: item.file.size });
        labels.set(path, item.relativePath);
        paths.push(path);
      }
      if (signal.aborted) throw cancelledError();
      const { jobId } = await api.startImport({ paths });
      return { jobId, labels };
    },
  };
}

/** The client for this window: the desktop bridge when present, else the browser host. */
export const engineClient: EngineClient = window.dataspace
  ? desktopClient(window.dataspace)
  : browserClient();
