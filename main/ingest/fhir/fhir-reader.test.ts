import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CancellationError } from '../../util/errors.ts';
import { listInputFiles } from '../input-files.ts';
import { readFhirFile } from './fhir-reader.ts';
import type { FhirItem, FhirReadOptions } from './fhir-reader.ts';

const fhirDir = fileURLToPath(new URL('../../../../shared/data/fhir/', import.meta.url));
const NO_DATA = `shared FHIR test data not found at ${fhirDir}`;
const hasData = existsSync(fhirDir);
const bulkDir = join(fhirDir, 'bulk-ndjson-smart/10-patients');
const syntheaDir = join(fhirDir, 'synthea-smart');
const examplesDir = join(fhirDir, 'hl7-r4-examples/spec/hl7.fhir.r4.examples/4.0.1/package');

async function readAll(path: string, options?: FhirReadOptions): Promise<FhirItem[]> {
  const items: FhirItem[] = [];
  for await (const batch of readFhirFile(path, options)) items.push(...batch);
  return items;
}

function resources(items: FhirItem[]): Record<string, unknown>[] {
  return items.flatMap((item) => (item.ok ? [item.resource] : []));
}

function failures(items: FhirItem[]): { position: string; reason: string }[] {
  return items.flatMap((item) =>
    item.ok ? [] : [{ position: item.position, reason: item.reason }],
  );
}

function countByType(items: FhirItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources(items)) {
    const type = String(resource.resourceType);
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dataspace-fhir-reader-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (id: string, type = 'Patient'): string => JSON.stringify({ resourceType: type, id });

function bundleText(count: number, type = 'collection'): string {
  const entry = Array.from({ length: count }, (_, i) => ({
    fullUrl: `urn:uuid:00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    resource: { resourceType: 'Observation', id: `o${i}`, status: 'final', code: { text: 'x' } },
  }));
  return JSON.stringify({ resourceType: 'Bundle', type, entry }, null, 2);
}

test('reads the bulk NDJSON export with the line counts of SOURCE.md', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const expected: Record<string, number> = {
    Patient: 13,
    Encounter: 1215,
    Condition: 555,
    MedicationRequest: 1745,
    Procedure: 2056,
    DocumentReference: 1215,
    Immunization: 161,
    AllergyIntolerance: 11,
    Device: 16,
    Location: 44,
    Organization: 43,
    Practitioner: 43,
    PractitionerRole: 43,
  };
  for (const [type, count] of Object.entries(expected)) {
    const items = await readAll(join(bulkDir, `${type}.000.ndjson`));
    assert.deepEqual(countByType(items), { [type]: count }, type);
    assert.deepEqual(failures(items), []);
    assert.equal(items.at(-1)?.position, `line ${count}`);
  }
  // The export log is not FHIR: its objects have no resourceType.
  const log = await readAll(join(bulkDir, 'log.ndjson'));
  assert.deepEqual(
    failures(log),
    [1, 2, 3, 4].map((n) => ({ position: `line ${n}`, reason: 'no resourceType' })),
  );
});

test('reads the Synthea bundles with the per-type counts of MANIFEST.csv', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const [header, ...rows] = readFileSync(join(syntheaDir, 'MANIFEST.csv'), 'utf8')
    .trim()
    .split('\n');
  const columns = (header ?? '').split(',');
  assert.equal(rows.length, 30);
  for (const row of rows) {
    const fields = Object.fromEntries(row.split(',').map((value, i) => [columns[i], value]));
    const items = await readAll(join(syntheaDir, String(fields.path)));
    assert.deepEqual(failures(items), []);
    const counts = countByType(items);
    for (const type of [
      'Encounter',
      'Condition',
      'MedicationRequest',
      'Observation',
      'Procedure',
      'Claim',
    ]) {
      assert.equal(counts[type] ?? 0, Number(fields[type]), `${fields.path} ${type}`);
    }
    assert.equal(counts.Patient, 1);
    const first = items[0];
    assert.ok(first?.ok && first.fullUrl?.startsWith('urn:uuid:'));
    assert.match(first.position, /^entry 1 \(line \d+\)$/);
  }
});

test('reads all 627 HL7 R4 examples exactly as JSON.parse does', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const names = readdirSync(examplesDir).filter(
    (name) => name.endsWith('.json') && name !== 'package.json',
  );
  assert.equal(names.length, 627);
  let resourceCount = 0;
  for (const name of names) {
    const items = await readAll(join(examplesDir, name));
    const whole = JSON.parse(
      readFileSync(join(examplesDir, name), 'utf8').replace(/^\uFEFF/, ''),
    ) as {
      resourceType: string;
      entry?: { resource?: unknown }[];
    };
    assert.equal(whole.resourceType, name.split('-')[0], name);
    if (whole.resourceType === 'Bundle') {
      // Each entry is one item: its resource, or why there is none (e.g. a GET or DELETE request).
      assert.equal(items.length, whole.entry?.length ?? 0, name);
      assert.deepEqual(
        resources(items),
        (whole.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : [])),
      );
    } else {
      assert.deepEqual(items, [{ ok: true, resource: whole, position: 'resource' }], name);
    }
    resourceCount += resources(items).length;
  }
  t.diagnostic(`${resourceCount} resources in 627 example files`);
});

test('reads every file under shared/data/fhir without throwing', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const files = (await listInputFiles([fhirDir])).filter((file) => /\.(nd)?json$/.test(file.path));
  let items = 0;
  for (const file of files) items += (await readAll(file.path)).length;
  assert.ok(files.length >= 672 && items > 14_000, `${files.length} files, ${items} items`);
});

test('a bad JSON line in the middle of NDJSON is rejected with its line number; the rest is read', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'Patient.000.ndjson');
    await writeFile(
      path,
      [
        line('a'),
        line('b'),
        '{"resourceType": "Patient", "id": "c",',
        '',
        line('d'),
        '[]',
        line('e'),
      ].join('\n'),
    );
    const items = await readAll(path);
    assert.deepEqual(
      resources(items).map((r) => r.id),
      ['a', 'b', 'd', 'e'],
    );
    assert.deepEqual(failures(items), [
      { position: 'line 3', reason: 'malformed JSON at column 39: unexpected end of input' },
      { position: 'line 6', reason: 'no resourceType' },
    ]);
    assert.equal(items.at(-1)?.position, 'line 7');
  });
});

test('a JSON error reason never quotes the input', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'leak.ndjson');
    const secrets = [
      '{"resourceType":"Patient","name":ZZTOPSECRET}',
      'ZZTOPSECRET',
      '{"resourceType":"Patient","name":"ZZTOPSECRET\u0001"}',
      '{"resourceType":"Patient", ZZTOPSECRET: 1}',
      '{"resourceType":"Patient","name":"ZZTOPSECRET"} ZZTOPSECRET',
    ];
    await writeFile(path, secrets.join('\n'));
    const items = await readAll(path);
    assert.equal(failures(items).length, secrets.length);
    for (const item of items) {
      assert.ok(!item.ok);
      assert.doesNotMatch(item.reason, /ZZTOPSECRET|ZZTOP|SECRET|Patient/);
      assert.match(item.reason, /^malformed JSON at column \d+: [a-z]/);
    }
  });
});

test('a truncated bundle keeps the entries before the cut and reports where it stops', async () => {
  await withTempDir(async (dir) => {
    const full = bundleText(5);
    const cut = full.slice(0, full.indexOf('"o3"') + 2);
    const path = join(dir, 'truncated.json');
    await writeFile(path, cut);
    const items = await readAll(path);
    assert.deepEqual(
      resources(items).map((r) => r.id),
      ['o0', 'o1', 'o2'],
    );
    const lastLine = cut.split('\n').length;
    assert.deepEqual(failures(items), [
      {
        position: `line ${lastLine}`,
        reason: `malformed JSON at column ${cut.length - cut.lastIndexOf('\n')}: unexpected end of input (truncated file?)`,
      },
    ]);
  });
});

test('a trailing comma ends a bundle with one error at its line; a broken entry alone is skipped', async () => {
  await withTempDir(async (dir) => {
    const lines = bundleText(3).split('\n');
    // Trailing comma after the last entry of the array.
    const closing = lines.lastIndexOf('  ]');
    const trailing = [
      ...lines.slice(0, closing - 1),
      `${lines[closing - 1]},`,
      ...lines.slice(closing),
    ];
    await writeFile(join(dir, 'trailing.json'), trailing.join('\n'));
    const items = await readAll(join(dir, 'trailing.json'));
    assert.equal(resources(items).length, 3);
    assert.deepEqual(failures(items), [
      { position: `line ${closing + 1}`, reason: 'malformed JSON at column 3: trailing comma' },
    ]);

    // A trailing comma inside an entry: the structure still holds, so only that entry fails.
    const inner = bundleText(3).replace('"text": "x"\n', '"text": "x",\n');
    await writeFile(join(dir, 'inner.json'), inner);
    const innerItems = await readAll(join(dir, 'inner.json'));
    assert.deepEqual(
      resources(innerItems).map((r) => r.id),
      ['o1', 'o2'],
    );
    assert.equal(failures(innerItems).length, 1);
    const [failure] = failures(innerItems);
    assert.match(failure?.position ?? '', /^entry 1 \(line 5\)$/);
    assert.match(
      failure?.reason ?? '',
      /^malformed JSON at line 1[0-9], column \d+: trailing comma$/,
    );
  });
});

test('reads a bundle or a resource with a UTF-8 BOM, and CRLF NDJSON', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'bom-bundle.json'), `\uFEFF${bundleText(2)}`);
    await writeFile(join(dir, 'bom-patient.json'), `\uFEFF${line('p')}`);
    await writeFile(join(dir, 'bom.ndjson'), `\uFEFF${line('a')}\r\n${line('b')}\r\n`);
    assert.equal(resources(await readAll(join(dir, 'bom-bundle.json'))).length, 2);
    assert.deepEqual(await readAll(join(dir, 'bom-patient.json')), [
      { ok: true, resource: { resourceType: 'Patient', id: 'p' }, position: 'resource' },
    ]);
    const ndjson = await readAll(join(dir, 'bom.ndjson'));
    assert.deepEqual(
      resources(ndjson).map((r) => r.id),
      ['a', 'b'],
    );
    assert.deepEqual(failures(ndjson), []);
  });
});

test('reads gzip NDJSON (several members) and reports compressed bytes read', async () => {
  await withTempDir(async (dir) => {
    const lines = Array.from({ length: 3000 }, (_, i) => line(`p${i}`));
    const compressed = Buffer.concat([
      gzipSync(lines.slice(0, 1000).join('\n') + '\n'),
      gzipSync(lines.slice(1000).join('\n')),
    ]);
    const path = join(dir, 'export-without-extension');
    await writeFile(path, compressed);
    const progress: number[] = [];
    const items = await readAll(path, { onBytes: (bytes) => progress.push(bytes) });
    assert.equal(resources(items).length, 3000);
    assert.equal(items[2999]?.position, 'line 3000');
    assert.equal(progress.at(-1), compressed.length);

    // A cut gzip stream: what was decompressed stands, then one item says why it stopped.
    await writeFile(join(dir, 'cut.ndjson.gz'), compressed.subarray(0, compressed.length - 200));
    const cut = await readAll(join(dir, 'cut.ndjson.gz'));
    const [failure, ...more] = failures(cut);
    assert.equal(more.length, 0);
    assert.equal(failure?.reason, 'compressed data is corrupt or truncated');
    assert.ok(resources(cut).length > 1000);
  });
});

test('Bundle entries: DELETE, no resource, no resourceType, fullUrl, nested Bundle, empty arrays', async () => {
  await withTempDir(async (dir) => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: { resourceType: 'Patient', id: '1' },
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'DELETE', url: 'Patient/2' } },
        { request: { method: 'GET', url: 'Patient?name=x' } },
        { resource: { id: 'no-type' } },
        {
          resource: {
            resourceType: 'Bundle',
            type: 'collection',
            entry: [{ resource: { resourceType: 'Patient' } }],
          },
        },
        'not an object',
      ],
    };
    await writeFile(join(dir, 'tx.json'), JSON.stringify(bundle));
    const items = await readAll(join(dir, 'tx.json'));
    assert.deepEqual(items[0], {
      ok: true,
      resource: { resourceType: 'Patient', id: '1' },
      position: 'entry 1 (line 1)',
      fullUrl: 'urn:uuid:1',
    });
    assert.deepEqual(
      failures(items).map((f) => f.reason),
      [
        'DELETE request entry (nothing to import)',
        'GET request entry without a resource',
        'no resourceType',
        'entry is not a JSON object',
      ],
    );
    assert.deepEqual(
      resources(items).map((r) => r.resourceType),
      ['Patient', 'Bundle'],
    );

    await writeFile(
      join(dir, 'empty.json'),
      '{"resourceType":"Bundle","type":"searchset","total":0,"entry":[]}',
    );
    assert.deepEqual(await readAll(join(dir, 'empty.json')), []);
    await writeFile(
      join(dir, 'no-entry.json'),
      '{"resourceType":"Bundle","type":"searchset","total":0}',
    );
    assert.deepEqual(await readAll(join(dir, 'no-entry.json')), []);
  });
});

test('entries before resourceType, a List with entries, a non-FHIR object and odd documents', async () => {
  await withTempDir(async (dir) => {
    const late =
      '{"type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"x"}}],"resourceType":"Bundle"}';
    await writeFile(join(dir, 'late.json'), late);
    assert.deepEqual(await readAll(join(dir, 'late.json')), [
      { ok: true, resource: { resourceType: 'Patient', id: 'x' }, position: 'entry 1 (line 1)' },
    ]);
    const list = {
      resourceType: 'List',
      status: 'current',
      mode: 'working',
      entry: [{ item: { reference: 'Patient/x' } }],
    };
    await writeFile(join(dir, 'list.json'), JSON.stringify(list));
    assert.deepEqual(await readAll(join(dir, 'list.json')), [
      { ok: true, resource: list, position: 'resource' },
    ]);
    const odd: [string, string, { position: string; reason: string }][] = [
      ['object.json', '{"name": "x"}', { position: 'resource', reason: 'no resourceType' }],
      [
        'array.json',
        '[{"resourceType":"Patient"}]',
        { position: 'line 1', reason: 'malformed JSON at column 1: expected a JSON object' },
      ],
      [
        'blank.json',
        '  \n ',
        { position: 'line 2', reason: 'malformed JSON at column 2: no JSON content' },
      ],
      [
        'two.json',
        '{"resourceType":"Patient"}  {"resourceType":"Patient"}',
        { position: 'line 1', reason: 'malformed JSON at column 29: content after the JSON value' },
      ],
      [
        'bad-member.json',
        '{"resourceType":"Bundle",\n "total": 12x,\n "entry": []}',
        { position: 'line 2', reason: 'malformed JSON at column 11: invalid number' },
      ],
    ];
    for (const [name, text, expected] of odd) {
      await writeFile(join(dir, name), text);
      assert.deepEqual(failures(await readAll(join(dir, name))), [expected], name);
    }
    await writeFile(join(dir, 'empty.ndjson'), '');
    assert.deepEqual(await readAll(join(dir, 'empty.ndjson')), []);
  });
});

test('streams: the first batch arrives before the file is read, batches respect batchSize', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'big-bundle.json');
    await writeFile(path, bundleText(40_000)); // about 8 MB
    const size = (await stat(path)).size;
    let bytes = 0;
    let bytesAtFirstBatch = -1;
    let count = 0;
    for await (const batch of readFhirFile(path, { batchSize: 256, onBytes: (b) => (bytes = b) })) {
      if (bytesAtFirstBatch < 0) bytesAtFirstBatch = bytes;
      assert.ok(batch.length <= 256 && batch.length > 0);
      count += batch.length;
    }
    assert.equal(count, 40_000);
    assert.ok(
      bytesAtFirstBatch > 0 && bytesAtFirstBatch < size / 2,
      `${bytesAtFirstBatch} of ${size}`,
    );
    assert.equal(bytes, size);
  });
});

test('stops with CancellationError when the signal aborts, and before starting if already aborted', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'Observation.ndjson');
    await writeFile(
      path,
      Array.from({ length: 50_000 }, (_, i) => line(`o${i}`, 'Observation')).join('\n'),
    );
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(async () => {
      for await (const batch of readFhirFile(path, { signal: controller.signal, batchSize: 100 })) {
        seen += batch.length;
        if (seen >= 1000) controller.abort();
      }
    }, CancellationError);
    assert.ok(seen < 50_000);
    await assert.rejects(readAll(path, { signal: AbortSignal.abort() }), CancellationError);
  });
});

test('positions name no file path', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const path = join(bulkDir, 'Patient.000.ndjson');
  for (const item of await readAll(path)) assert.ok(!item.position.includes(basename(path)));
});
