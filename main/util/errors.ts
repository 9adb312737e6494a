// Error kinds (STYLE.md): expected input problems, bugs, and cancellation are distinct.
import type { ApiError } from '../api/contract.ts';

/** A problem with what the user gave us: shown to them with the place and a fix. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly code: string = 'invalid-input',
    readonly file?: string,
    readonly position?: string,
  ) {
    super(message);
  }
}

/** Something that should never happen: a bug, logged with its stack. */
export class BugIndicatingError extends Error {
  override readonly name = 'BugIndicatingError';
}

/** Work stopped because someone asked it to. */
export class CancellationError extends Error {
  override readonly name = 'CancellationError';
  constructor() {
    super('Cancelled');
  }
}

/** Configuration or environment prevents the engine from running (wrong passphrase, newer schema...). */
export class EngineSetupError extends Error {
  override readonly name = 'EngineSetupError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof InvalidInputError || error instanceof EngineSetupError) {
    return { name: error.name, code: error.code, message: error.message };
  }
  // Disclosure refusals (federated/) and store refusals (sync/) are expected outcomes with a code.
  if (error instanceof Error && (error.name === 'DisclosureRefusedError' || error.name === 'ConsortiumStoreError') && typeof (error as { code?: unknown }).code === 'string') {
    return { name: error.name, code: (error as Error & { code: string }).code, message: error.message };
  }
  if (error instanceof CancellationError) {
    return { name: error.name, code: 'cancelled', message: error.message };
  }
  if (error instanceof Error && error.name === 'ZodError') {
    return { name: 'InvalidInputError', code: 'invalid-request', message: 'The request payload is not valid.' };
  }
  return { name: 'InternalError', code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
