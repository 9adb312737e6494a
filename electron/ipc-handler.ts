// The one IPC entry point of the desktop shell, as a pure function of the engine and a sender
// check so it can be tested without Electron. Every payload is validated here, at the boundary.
import { apiInputSchemas, isApiMethod, type ApiError, type ApiMethod, type DataSpaceApi } from '../main/api/contract.ts';
import { toApiError } from '../main/util/errors.ts';
import type { IpcResult } from './ipc-channels.ts';

const UNTRUSTED_SENDER: ApiError = {
  name: 'SecurityError',
  code: 'untrusted-sender',
  message: 'This request did not come from the DataSpace Node window and was refused.',
};

function unknownMethod(method: unknown): ApiError {
  const shown = typeof method === 'string' ? `"${method.slice(0, 64)}"` : typeof method;
  return { name: 'InvalidInputError', code: 'unknown-method', message: `Unknown api method ${shown}.` };
}

/** Calls one contract method with arguments already parsed by its schema. */
function callEngine<M extends ApiMethod>(engine: DataSpaceApi, method: M, args: Parameters<DataSpaceApi[M]>): Promise<unknown> {
  const fn = engine[method] as (...a: Parameters<DataSpaceApi[M]>) => Promise<unknown>;
  return fn.apply(engine, args);
}

export interface IpcHandlerOptions {
  /** Called with errors that are not expected input problems (bugs, I/O failures), for the log. */
  onUnexpectedError?(method: ApiMethod, error: unknown): void;
}

/**
 * Builds the `ipcMain.handle('dataspace:call', ...)` handler: refuses untrusted senders, accepts
 * only contract methods (never `close`, `audit` or prototype keys), parses arguments with the
 * contract's schemas and answers `{ ok, result }` or `{ ok: false, error }`. It never throws.
 */
export function createIpcHandler<Event>(
  engine: DataSpaceApi,
  isTrustedSender: (event: Event) => boolean,
  options: IpcHandlerOptions = {},
): (event: Event, method: unknown, args: unknown) => Promise<IpcResult> {
  return async (event, method, args) => {
    if (!isTrustedSender(event)) return { ok: false, error: UNTRUSTED_SENDER };
    if (typeof method !== 'string' || !isApiMethod(method)) return { ok: false, error: unknownMethod(method) };
    const parsed = apiInputSchemas[method].safeParse(args);
    if (!parsed.success) return { ok: false, error: toApiError(parsed.error) };
    try {
      const result = await callEngine(engine, method, parsed.data as Parameters<DataSpaceApi[typeof method]>);
      return { ok: true, result };
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'internal') options.onUnexpectedError?.(method, error);
      return { ok: false, error: apiError };
    }
  };
}
