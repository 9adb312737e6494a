// What the Electron preload exposes on `window.dataspace`: the api contract, its events, and a way
// to turn a picked File into a path the engine can read in place. Absent in the browser host.
import type { DataSpaceApi, EngineEvent } from '../../main/api/contract.ts';

/** The desktop bridge; the preload must expose exactly this. */
export type DesktopBridge = DataSpaceApi & {
  onEvent(listener: (event: EngineEvent) => void): () => void;
  pathForFile?(file: File): string;
};

declare global {
  interface Window {
    dataspace?: DesktopBridge;
  }
}
