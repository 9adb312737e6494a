// Packaging configuration, checked without packaging: the electron-builder config against
// electron-builder's own schema, native addons against asarUnpack, fuses on a stand-in binary,
// the IT policy templates, and the Windows signing hook on a real (tiny) PE file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { minimatch } from 'minimatch';
import forge from 'node-forge';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

type BuilderConfig = Record<string, unknown> & {
  asarUnpack: string[];
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  afterPack: string;
  linux: { files: string[] };
  win: { files: string[]; signtoolOptions: { sign: string } };
  mac: { files: string[]; identity?: string; notarize: boolean; entitlements: string };
};
const builderConfigModule = require('../../build/electron-builder.config.cjs') as (() => BuilderConfig) & {
  createBuilderConfig(env: NodeJS.ProcessEnv): BuilderConfig;
};
const afterPackModule = require('../../build/after-pack.cjs') as {
  (context: unknown): Promise<void>;
  FUSE_SETTINGS: Record<string, boolean>;
  loadFusesModule(): { FuseV1Options: Record<string, number>; flipFuses(path: string, config: unknown): Promise<number>; getCurrentFuseWire(path: string): Promise<Record<string, unknown>> };
};
const signModule = require('../../build/sign-windows.cjs') as {
  (configuration: unknown): Promise<void>;
  sign: unknown;
  signWindowsFile(file: string, options: { env: NodeJS.ProcessEnv; log?: (message: string) => void }): Promise<boolean>;
};

function builderSchemaValidator() {
  const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
  // Same options as electron-builder (strict: false for its draft-07 extras), without type
  // coercion; "typeof" is the ajv-keywords keyword its hook properties use.
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addKeyword({ keyword: 'typeof', validate: (expected: string, data: unknown) => typeof data === expected });
  return ajv.compile(schema);
}

describe('electron-builder configuration', () => {
  const validate = builderSchemaValidator();
  const releaseEnv = {
    CI: 'true',
    DATASPACE_RELEASE: '1',
    DATASPACE_MAC_SIGNING_IDENTITY: 'Developer ID Application: DataSpace Consortium (TEAMID1234)',
    APPLE_API_KEY: '/secrets/key.p8',
    APPLE_API_KEY_ID: 'KEYID',
    APPLE_API_ISSUER: 'issuer',
  };

  it('validates against electron-builder’s own JSON schema, for development and release', () => {
    for (const env of [{}, releaseEnv]) {
      const config = builderConfigModule.createBuilderConfig(env);
      assert.ok(validate(config), JSON.stringify(validate.errors?.filter((e) => e.keyword !== 'anyOf'), null, 2));
    }
  });

  it('passes electron-builder’s own configuration check', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await validateConfiguration(builderConfigModule(), { isEnabled: false, add() {} });
  });

  it('has the identity, packaging and targets the project needs', () => {
    const config = builderConfigModule.createBuilderConfig({}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(config.appId, 'org.dataspace.node');
    assert.equal(config.productName, 'DataSpace Node');
    assert.equal(config.asar, true);
    assert.equal(config.npmRebuild, false);
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(config.win.target, ['nsis', 'msi']);
    assert.equal(config.nsis.perMachine, false);
    assert.equal(config.nsis.oneClick, false);
    assert.equal(config.nsis.deleteAppDataOnUninstall, false);
    assert.equal(config.msi.perMachine, true);
    assert.deepEqual(config.mac.target, ['dmg']);
    assert.equal(config.mac.hardenedRuntime, true);
    assert.ok(existsSync(join(root, config.mac.entitlements)));
    assert.ok(existsSync(join(root, config.afterPack)));
    assert.ok(existsSync(join(root, config.win.signtoolOptions.sign)));
    for (const pattern of ['package.json', 'electron/dist/**/*', 'renderer/dist/**/*']) assert.ok(config.files.includes(pattern), pattern);
    assert.deepEqual(config.extraResources.map((r: { from: string }) => r.from), ['models', 'resources', '.native/electron']);
  });

  it('signs and notarizes macOS builds only with identities from the environment, and forces signing in release', () => {
    const development = builderConfigModule.createBuilderConfig({});
    assert.equal(development.mac.identity, undefined);
    assert.equal(development.mac.notarize, false);
    assert.equal(development.forceCodeSigning, false);
    const release = builderConfigModule.createBuilderConfig(releaseEnv);
    assert.equal(release.mac.identity, releaseEnv.DATASPACE_MAC_SIGNING_IDENTITY);
    assert.equal(release.mac.notarize, true);
    assert.equal(release.forceCodeSigning, true);
    assert.doesNotMatch(readFileSync(join(root, 'build', 'electron-builder.config.cjs'), 'utf8'), /Developer ID Application:|-----BEGIN/);
  });

  it('unpacks every native addon found in node_modules from the asar', () => {
    const { asarUnpack } = builderConfigModule.createBuilderConfig({});
    const natives: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(node|so(\.\d+)*|dylib|dll)$/.test(entry.name)) natives.push(relative(root, path).split('\\').join('/'));
      }
    };
    for (const addon of ['better-sqlite3', 'onnxruntime-node']) walk(join(root, 'node_modules', addon));
    assert.ok(natives.some((p) => p.endsWith('better_sqlite3.node')), 'better-sqlite3 is built');
    assert.ok(natives.some((p) => p.endsWith('onnxruntime_binding.node')), 'onnxruntime-node has its binding');
    for (const file of natives) {
      assert.ok(asarUnpack.some((pattern) => minimatch(file, pattern, { dot: true })), `${file} is not unpacked`);
    }
  });

  it('ships each platform only its own onnxruntime binaries', () => {
    const config = builderConfigModule.createBuilderConfig({});
    const binding = (os: string, arch: string) => `node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`;
    const excluded = (patterns: string[], file: string) => patterns.some((p) => p.startsWith('!') && minimatch(file, p.slice(1), { dot: true }));
    for (const [platform, os] of [['linux', 'linux'], ['win', 'win32'], ['mac', 'darwin']] as const) {
      const patterns = [...config.files, ...config[platform].files];
      assert.equal(excluded(patterns, binding(os, 'x64')), false, `${platform} keeps its own binding`);
      for (const other of ['linux', 'win32', 'darwin'].filter((o) => o !== os)) {
        assert.equal(excluded(patterns, binding(other, 'arm64')), true, `${platform} drops ${other}`);
      }
    }
  });

  it('ships the Electron build of better-sqlite3 where the database loader looks for it', () => {
    const config = builderConfigModule.createBuilderConfig({});
    const native = config.extraResources.find((r) => r.from === '.native/electron');
    assert.deepEqual(native, { from: '.native/electron', to: '.native/electron', filter: ['better_sqlite3.node', 'build-info.json'] });
    // The packaged app sets DATASPACE_APP_ROOT to process.resourcesPath; database.ts joins it with this path.
    assert.match(readFileSync(join(root, 'main', 'store', 'database.ts'), 'utf8'), /'\.native', 'electron', 'better_sqlite3\.node'/);
    assert.match(readFileSync(join(root, 'electron', 'main.ts'), 'utf8'), /appRoot: app\.isPackaged \? process\.resourcesPath : appPath/);
  });
});

describe('Electron fuses (afterPack)', () => {
  const fuses = afterPackModule.loadFusesModule();

  it('sets the fuses the project requires', () => {
    assert.deepEqual(
      { ...afterPackModule.FUSE_SETTINGS },
      {
        RunAsNode: false,
        EnableNodeOptionsEnvironmentVariable: false,
        EnableNodeCliInspectArguments: false,
        OnlyLoadAppFromAsar: true,
        EnableEmbeddedAsarIntegrityValidation: true,
        EnableCookieEncryption: true,
        GrantFileProtocolExtraPrivileges: false,
        LoadBrowserProcessSpecificV8Snapshot: false,
      },
    );
  });

  it('flips them in a packaged binary through electron-builder’s fuse API', async () => {
    const work = mkdtempSync(join(tmpdir(), 'dataspace-fuses-'));
    try {
      // A stand-in executable carrying Electron's fuse wire: sentinel, version 1, 8 fuses, all '1' (on).
      const binary = join(work, 'dataspace-node');
      const wireLength = 8;
      writeFileSync(binary, Buffer.concat([Buffer.from('ELF...'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, wireLength]), Buffer.alloc(wireLength, 0x31), Buffer.from('...')]));
      const packager = { addElectronFuses: (_context: unknown, config: unknown) => fuses.flipFuses(binary, config) };
      await afterPackModule({ appOutDir: work, electronPlatformName: 'linux', arch: 1, packager });
      const wire = await fuses.getCurrentFuseWire(binary);
      for (const [name, enabled] of Object.entries(afterPackModule.FUSE_SETTINGS)) {
        assert.equal(wire[fuses.FuseV1Options[name]!], enabled ? 0x31 : 0x30, name);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

type XmlNode = Record<string, unknown>;
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['policy', 'string', 'presentation'].includes(name),
});

/** Checks strict well-formedness (matching tags, quoting, one root), then parses to a tree. */
function parseXml(path: string): XmlNode {
  const text = readFileSync(path, 'utf8');
  const wellFormed = XMLValidator.validate(text);
  assert.equal(wellFormed, true, `${path}: ${JSON.stringify(wellFormed)}`);
  return xmlParser.parse(text) as XmlNode;
}

describe('IT policy templates', () => {
  const policyDir = join(root, 'build', 'policy');
  const GPO_NAMESPACE = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
  const schema = JSON.parse(readFileSync(join(policyDir, 'policy.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
  const settingNames = Object.keys(schema.properties).sort();
  const validatePolicy = new Ajv({ allErrors: true }).compile(schema);

  it('defines the managed settings the brief names', () => {
    assert.deepEqual(settingNames, ['ConsortiumEndpoint', 'DataFolder', 'DisableDemoData', 'ProxyServer', 'SyncSchedule']);
  });

  it('has an ADMX in the Group Policy namespace whose every string and presentation is in the ADML', () => {
    const admx = parseXml(join(policyDir, 'dataspace-node.admx')).policyDefinitions as XmlNode;
    const adml = parseXml(join(policyDir, 'en-US', 'dataspace-node.adml')).policyDefinitionResources as XmlNode;
    assert.equal(admx.xmlns, GPO_NAMESPACE);
    assert.equal(adml.xmlns, GPO_NAMESPACE);

    const policies = (admx.policies as { policy: { name: string; key: string }[] }).policy;
    assert.deepEqual(policies.map((p) => p.name).sort(), settingNames);
    for (const policy of policies) assert.equal(policy.key, 'Software\\Policies\\DataSpace\\Node');

    const admxText = readFileSync(join(policyDir, 'dataspace-node.admx'), 'utf8');
    const resources = adml.resources as { stringTable: { string: { id: string }[] }; presentationTable: { presentation: { id: string }[] } };
    const strings = new Set(resources.stringTable.string.map((entry) => entry.id));
    const presentations = new Set(resources.presentationTable.presentation.map((entry) => entry.id));
    for (const [, kind, id] of admxText.matchAll(/\$\((string|presentation)\.([A-Za-z0-9_]+)\)/g)) {
      assert.ok((kind === 'string' ? strings : presentations).has(id!), `ADML lacks ${kind} ${id}`);
    }
  });

  it('has a macOS configuration profile that is a valid plist carrying the same settings', () => {
    const plist = require('plist') as { parse(xml: string): unknown };
    parseXml(join(policyDir, 'org.dataspace.node.mobileconfig'));
    const profile = plist.parse(readFileSync(join(policyDir, 'org.dataspace.node.mobileconfig'), 'utf8')) as Record<string, unknown>;
    assert.equal(profile.PayloadType, 'Configuration');
    assert.equal(profile.PayloadVersion, 1);
    const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
    assert.match(String(profile.PayloadUUID), uuid);
    const [payload, ...rest] = profile.PayloadContent as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.equal(payload!.PayloadType, 'org.dataspace.node');
    assert.match(String(payload!.PayloadUUID), uuid);
    const settings = Object.fromEntries(Object.entries(payload!).filter(([key]) => !key.startsWith('Payload')));
    assert.deepEqual(Object.keys(settings).sort(), settingNames);
    assert.ok(validatePolicy(settings), JSON.stringify(validatePolicy.errors));
  });

  it('has a Linux policy schema that accepts the example and rejects bad values', () => {
    const example = JSON.parse(readFileSync(join(policyDir, 'policy.example.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(validatePolicy(example), JSON.stringify(validatePolicy.errors));
    for (const bad of [
      { ...example, ConsortiumEndpoint: 'http://store.example.org' },
      { ...example, SyncSchedule: 'hourly' },
      { ...example, SyncSchedule: 'daily 24:00' },
      { ...example, DisableDemoData: 'yes' },
      { ...example, DataFolder: 'relative/path' },
      { ...example, Unknown: 1 },
    ]) {
      assert.equal(validatePolicy(bad), false, JSON.stringify(bad));
    }
  });

  it('documents each template in the README', () => {
    const readme = readFileSync(join(policyDir, 'README.md'), 'utf8');
    for (const file of ['dataspace-node.admx', 'en-US/dataspace-node.adml', 'org.dataspace.node.mobileconfig', 'policy.schema.json', 'policy.example.json']) {
      assert.ok(readme.includes(`\`${file}\``), file);
    }
  });

  it('grants the macOS app JIT and nothing that weakens library validation', () => {
    const plist = require('plist') as { parse(xml: string): unknown };
    parseXml(join(root, 'build', 'entitlements.mac.plist'));
    const entitlements = plist.parse(readFileSync(join(root, 'build', 'entitlements.mac.plist'), 'utf8'));
    assert.deepEqual(entitlements, { 'com.apple.security.cs.allow-jit': true });
  });
});

/** A minimal valid PE32 image (one .text section holding `ret`), enough for Authenticode. */
function minimalPeExecutable(): Buffer {
  const fileAlign = 0x200;
  const sectionAlign = 0x1000;
  const peOffset = 0x80;
  const optionalHeaderSize = 224;
  const image = Buffer.alloc(2 * fileAlign);
  image.write('MZ', 0, 'latin1');
  image.writeUInt32LE(peOffset, 0x3c);
  image.write('PE\0\0', peOffset, 'latin1');
  const coff = peOffset + 4;
  image.writeUInt16LE(0x14c, coff); // i386
  image.writeUInt16LE(1, coff + 2); // one section
  image.writeUInt16LE(optionalHeaderSize, coff + 16);
  image.writeUInt16LE(0x0102, coff + 18); // executable, 32-bit
  const opt = coff + 20;
  image.writeUInt16LE(0x10b, opt); // PE32
  image.writeUInt32LE(fileAlign, opt + 4); // SizeOfCode
  image.writeUInt32LE(sectionAlign, opt + 16); // AddressOfEntryPoint
  image.writeUInt32LE(sectionAlign, opt + 20); // BaseOfCode
  image.writeUInt32LE(0x400000, opt + 28); // ImageBase
  image.writeUInt32LE(sectionAlign, opt + 32);
  image.writeUInt32LE(fileAlign, opt + 36);
  image.writeUInt16LE(4, opt + 40); // OS version
  image.writeUInt16LE(4, opt + 48); // subsystem version
  image.writeUInt32LE(2 * sectionAlign, opt + 56); // SizeOfImage
  image.writeUInt32LE(fileAlign, opt + 60); // SizeOfHeaders
  image.writeUInt16LE(3, opt + 68); // console
  image.writeUInt32LE(0x100000, opt + 72);
  image.writeUInt32LE(0x1000, opt + 76);
  image.writeUInt32LE(0x100000, opt + 80);
  image.writeUInt32LE(0x1000, opt + 84);
  image.writeUInt32LE(16, opt + 92); // data directories
  const section = opt + optionalHeaderSize;
  image.write('.text', section, 'latin1');
  image.writeUInt32LE(1, section + 8);
  image.writeUInt32LE(sectionAlign, section + 12);
  image.writeUInt32LE(fileAlign, section + 16);
  image.writeUInt32LE(fileAlign, section + 20);
  image.writeUInt32LE(0x60000020, section + 36); // code, execute, read
  image[fileAlign] = 0xc3;
  return image;
}

/** A throwaway self-signed code-signing certificate as a password-protected PFX, plus its PEM. */
function testCodeSigningCertificate(password: string) {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a1b2c3d';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 86_400_000);
  const name = [
    { name: 'commonName', value: 'DataSpace Node TEST code signing' },
    { name: 'organizationName', value: 'DataSpace TEST' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true },
    { name: 'extKeyUsage', codeSigning: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const pfx = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, { algorithm: 'aes256' });
  return { pfx: Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary'), pem: forge.pki.certificateToPem(cert) };
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

describe('Windows signing hook', () => {
  let work: string;
  let exe: string;
  let certFile: string;
  let pemFile: string;
  const password = 'test-pfx-password-123';
  const osslsigncode = findOnPath('osslsigncode');

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dataspace-sign-test-'));
    exe = join(work, 'DataSpace Node Setup.exe');
    writeFileSync(exe, minimalPeExecutable());
    const { pfx, pem } = testCodeSigningCertificate(password);
    certFile = join(work, 'test-cert.pfx');
    pemFile = join(work, 'test-cert.pem');
    writeFileSync(certFile, pfx);
    writeFileSync(pemFile, pem);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('is the function electron-builder resolves for `sign`', () => {
    assert.equal(typeof signModule, 'function');
    assert.equal(signModule.sign, signModule);
  });

  it('signs an executable with the certificate from the environment, and the signature verifies', async (t) => {
    if (!osslsigncode) {
      t.skip('osslsigncode is not installed (apt-get install osslsigncode): cannot sign on this machine');
      return;
    }
    const env = { PATH: process.env.PATH, DATASPACE_WIN_CERT_FILE: certFile, DATASPACE_WIN_CERT_PASSWORD: password };
    assert.equal(await signModule.signWindowsFile(exe, { env }), true);
    const verify = spawnSync(osslsigncode, ['verify', '-in', exe, '-CAfile', pemFile], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Signature verification: ok/);
    assert.match(verify.stdout, /DataSpace Node TEST code signing/);
  });

  it('fails loudly on a wrong certificate password', async (t) => {
    if (!osslsigncode) {
      t.skip('osslsigncode is not installed (apt-get install osslsigncode)');
      return;
    }
    const env = { PATH: process.env.PATH, DATASPACE_WIN_CERT_FILE: certFile, DATASPACE_WIN_CERT_PASSWORD: 'wrong-password' };
    await assert.rejects(signModule.signWindowsFile(exe, { env }), /Signing .* failed/);
  });

  it('refuses to build an unsigned release in CI when no certificate is configured', async () => {
    const before = readFileSync(exe);
    await assert.rejects(
      signModule.signWindowsFile(exe, { env: { CI: 'true', DATASPACE_RELEASE: '1', PATH: process.env.PATH } }),
      /Refusing to build an unsigned Windows release: set DATASPACE_WIN_CERT_FILE/,
    );
    assert.deepEqual(readFileSync(exe), before);
  });

  it('refuses a release signature without a timestamp server', async () => {
    const env = { CI: 'true', DATASPACE_RELEASE: '1', PATH: process.env.PATH, DATASPACE_WIN_CERT_FILE: certFile, DATASPACE_WIN_CERT_PASSWORD: password };
    await assert.rejects(signModule.signWindowsFile(exe, { env }), /DATASPACE_WIN_TIMESTAMP_URL/);
  });

  it('leaves a development build unsigned, with a warning, when no certificate is configured', async () => {
    const warnings: string[] = [];
    const unsigned = join(work, 'dev.exe');
    writeFileSync(unsigned, minimalPeExecutable());
    assert.equal(await signModule.signWindowsFile(unsigned, { env: { PATH: process.env.PATH }, log: (m) => warnings.push(m) }), false);
    assert.match(warnings.join('\n'), /no certificate configured/);
    assert.deepEqual(readFileSync(unsigned), minimalPeExecutable());
  });
});
