// How eagerly V8 optimizes. By default a function goes to the TurboFan compiler once it has run
// about 66 KB of bytecode (--interrupt-budget=67584). Every import worker is a fresh isolate, so
// each one compiles the same functions again: in a 2,000-file DICOM import that was ~1.4 s of
// compiler threads' CPU for 257 compilations, on the same cores the import runs on. With a budget
// nine times larger only the really hot functions are optimized (110 compilations, ~0.35 s) and the
// import used less CPU overall (bench/RESULTS.md, session 10). Long imports are not hurt: their hot
// functions reach the budget within the first milliseconds either way.
import { setFlagsFromString } from 'node:v8';

export const INTERRUPT_BUDGET = 600_000;

let tuned = false;

/**
 * Sets the process-wide V8 flag. Call it before starting worker threads: flags are read by every
 * isolate, and the ones started later pick it up from the start. Calling it again does nothing.
 */
export function tuneV8Tiering(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
