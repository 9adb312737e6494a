// Loads a TypeScript worker entry through tsx when running from source: registers tsx's
// loader inside this worker thread, then imports the entry named by argv (see worker-entry.ts).
import { register } from 'tsx/esm/api';

register();
const entry = process.argv[process.argv.length - 1];
await import(entry);
