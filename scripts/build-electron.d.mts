// Types for the parts of build-electron.mjs that TypeScript callers (bench, tests) use.
/** Worker entry points of the engine: name → source file. */
export function findWorkerEntries(root?: string): Map<string, string>;
export const ELECTRON_EXTERNALS: string[];
