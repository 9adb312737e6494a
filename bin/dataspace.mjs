#!/usr/bin/env node
// `npx dataspace <command>` from a checkout: runs the TypeScript CLI through tsx's loader.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const loader = pathToFileURL(require.resolve('tsx/esm')).href;
const cli = fileURLToPath(new URL('../main/host/cli.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', loader, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? (result.signal ? 128 + 1 : 1));
