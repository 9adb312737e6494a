// Runs the unit, integration and e2e suites with Node's test runner (TypeScript via tsx).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [--only PATTERN]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args.splice(onlyIndex, 2)[1] : undefined;
const suites = args.length > 0 ? args : ['unit', 'integration', 'e2e'];

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

// Unit tests live under tests/unit and next to the code in main/; the others under tests/<suite>.
const files = [];
for (const suite of suites) {
  if (suite === 'unit') files.push(...collect(join(root, 'tests/unit')), ...collect(join(root, 'main')));
  else files.push(...collect(join(root, 'tests', suite)));
}
const selected = only ? files.filter((f) => f.includes(only)) : files;
if (selected.length === 0) {
  console.error(`No test files matched (${suites.join(', ')}${only ? `, --only ${only}` : ''}).`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...selected],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
