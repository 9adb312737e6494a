// IPC channel names and the envelope that crosses them. Imported by both the main process and the
// preload, so it must stay free of imports that would drag code (zod, Node) into the preload bundle.
import type { ApiError } from '../main/api/contract.ts';

/** renderer → main: `invoke(IPC_CALL_CHANNEL, method, args)`. */
export const IPC_CALL_CHANNEL = 'dataspace:call';
/** main → renderer: engine events, `send(IPC_EVENT_CHANNEL, event)`. */
export const IPC_EVENT_CHANNEL = 'dataspace:event';

/** Errors cross as data: the handler never rejects, it answers with one of these. */
export type IpcResult = { ok: true; result: unknown } | { ok: false; error: ApiError };
