// The preload bridge: exposes the api contract to the sandboxed renderer as `window.dataspace`,
// and nothing else: no ipcRenderer, no Node. Validation happens in the main process; this file
// is bundled to one CommonJS file whose only require is `electron` (sandboxed preloads can't load more).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ApiError, DataSpaceApi, EngineEvent } from '../main/api/contract.ts';
import { API_METHOD_NAMES } from './api-method-names.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type IpcResult } from './ipc-channels.ts';

/** What the renderer sees as `window.dataspace` (Bitwarden: derive the global from the preload). */
export type DataSpaceBridge = DataSpaceApi & {
  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** The file-system path of a File from `<input type=file>` or a drop. */
  pathForFile(file: File): string;
};

/**
 * A failed call rejects with a plain `{ name, code, message }` object rather than an Error:
 * contextBridge copies only an Error's message and drops every other property
 * (electron/electron#25596), while plain objects cross intact.
 */
function bridgeError(error: ApiError): ApiError {
  return { name: String(error.name), code: String(error.code), message: String(error.message) };
}

async function callEngine(method: string, args: unknown[]): Promise<unknown> {
  const response = (await ipcRenderer.invoke(IPC_CALL_CHANNEL, method, args)) as IpcResult;
  if (response.ok) return response.result;
  throw bridgeError(response.error);
}

/** Builds the bridge object: one forwarding function per contract method, plus events and file paths. */
export function createDataSpaceBridge(): DataSpaceBridge {
  const methods = Object.fromEntries(
    API_METHOD_NAMES.map((name) => [name, (...args: unknown[]) => callEngine(name, args)]),
  ) as unknown as DataSpaceApi;
  return {
    ...methods,
    onEvent(listener) {
      // The IpcRendererEvent is not passed on: it carries the ipcRenderer itself.
      const forward = (_event: unknown, engineEvent: EngineEvent) => listener(engineEvent);
      ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
      };
    },
    pathForFile(file) {
      return webUtils.getPathForFile(file);
    },
  };
}

contextBridge.exposeInMainWorld('dataspace', createDataSpaceBridge());
