// electron-builder `win.signtoolOptions.sign` hook: Authenticode-signs each Windows executable,
// installer and native addon with the institution's code-signing certificate.
//
//   DATASPACE_WIN_CERT_FILE      path to the PKCS#12 (.pfx) certificate with its private key
//   DATASPACE_WIN_CERT_PASSWORD  its password
//   DATASPACE_WIN_TIMESTAMP_URL  RFC 3161 timestamp server (required for releases, so signatures
//                                outlive the certificate)
//   DATASPACE_RELEASE=1 (in CI)  release mode: building unsigned is refused
//
// Signs with signtool.exe on Windows and osslsigncode elsewhere (Linux CI). The password is handed
// to osslsigncode through a 0600 temp file (-readpass), never on the command line.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { delimiter, join } = require('node:path');

const DESCRIPTION = 'DataSpace Node';
const INFO_URL = 'https://dataspace.org/node';

/** Release builds in CI must be signed; local and test packaging may skip signing with a warning. */
function isReleaseMode(env) {
  return env.DATASPACE_RELEASE === '1' && Boolean(env.CI);
}

function findOnPath(names, env) {
  for (const dir of (env.PATH || '').split(delimiter)) {
    for (const name of names) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/** The signing tool for this platform, or null. */
function findSigningTool(env = process.env, platform = process.platform) {
  if (platform === 'win32') {
    const signtool = env.SIGNTOOL_PATH || findOnPath(['signtool.exe'], env);
    return signtool ? { kind: 'signtool', path: signtool } : null;
  }
  const osslsigncode = env.OSSLSIGNCODE_PATH || findOnPath(['osslsigncode'], env);
  return osslsigncode ? { kind: 'osslsigncode', path: osslsigncode } : null;
}

/** The certificate from our env, else the one electron-builder found (WIN_CSC_LINK / CSC_LINK). */
function certificateFrom(env, cscInfo) {
  if (env.DATASPACE_WIN_CERT_FILE) {
    return { file: env.DATASPACE_WIN_CERT_FILE, password: env.DATASPACE_WIN_CERT_PASSWORD || '' };
  }
  if (cscInfo && typeof cscInfo.file === 'string') return { file: cscInfo.file, password: cscInfo.password || '' };
  return null;
}

function run(tool, args, file) {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout || ''}${result.stderr || ''}`.trim();
    throw new Error(`Signing ${file} failed (${tool} exit ${result.status ?? result.signal}): ${output || result.error?.message || 'no output'}`);
  }
}

function signWithOsslsigncode(tool, certificate, file, { hash, nest, timestampUrl }) {
  const work = mkdtempSync(join(tmpdir(), 'dataspace-sign-'));
  try {
    const passFile = join(work, 'pass');
    writeFileSync(passFile, certificate.password, { mode: 0o600 });
    const signed = join(work, 'signed');
    const args = ['sign', '-pkcs12', certificate.file, '-readpass', passFile, '-h', hash, '-n', DESCRIPTION, '-i', INFO_URL];
    if (timestampUrl) args.push('-ts', timestampUrl);
    if (nest) args.push('-nest');
    args.push('-in', file, '-out', signed);
    run(tool, args, file);
    renameSync(signed, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function signWithSigntool(tool, certificate, file, { hash, nest, timestampUrl }) {
  // signtool has no password-file option; the password is visible to this user's processes only.
  const args = ['sign', '/f', certificate.file, '/p', certificate.password, '/fd', hash, '/d', DESCRIPTION, '/du', INFO_URL];
  if (timestampUrl) args.push('/tr', timestampUrl, '/td', hash);
  if (nest) args.push('/as');
  args.push(file);
  run(tool, args, file);
}

/**
 * Signs `file` in place. Returns false (and warns) when signing is not configured outside release
 * mode; throws when release mode has no certificate, tool or timestamp server.
 */
async function signWindowsFile(file, options = {}) {
  const env = options.env || process.env;
  const platform = options.platform || process.platform;
  const log = options.log || ((message) => console.warn(message));
  const release = isReleaseMode(env);
  const certificate = certificateFrom(env, options.cscInfo);
  if (!certificate) {
    if (release) {
      throw new Error(
        'Refusing to build an unsigned Windows release: set DATASPACE_WIN_CERT_FILE (a .pfx code-signing certificate) ' +
          'and DATASPACE_WIN_CERT_PASSWORD in the CI secrets.',
      );
    }
    log(`[sign-windows] no certificate configured (DATASPACE_WIN_CERT_FILE); ${file} stays unsigned.`);
    return false;
  }
  if (!existsSync(certificate.file)) throw new Error(`The code-signing certificate ${certificate.file} does not exist.`);
  const timestampUrl = env.DATASPACE_WIN_TIMESTAMP_URL || null;
  if (release && !timestampUrl) {
    throw new Error('Refusing to sign a release without a timestamp: set DATASPACE_WIN_TIMESTAMP_URL (an RFC 3161 server).');
  }
  const tool = findSigningTool(env, platform);
  if (!tool) {
    throw new Error(
      platform === 'win32'
        ? 'signtool.exe was not found: install the Windows SDK or set SIGNTOOL_PATH.'
        : 'osslsigncode was not found: install it (apt-get install osslsigncode, brew install osslsigncode) or set OSSLSIGNCODE_PATH.',
    );
  }
  const settings = { hash: options.hash || 'sha256', nest: Boolean(options.nest), timestampUrl };
  if (tool.kind === 'signtool') signWithSigntool(tool.path, certificate, file, settings);
  else signWithOsslsigncode(tool.path, certificate, file, settings);
  return true;
}

/** The hook electron-builder calls once per file and hash algorithm. */
async function sign(configuration) {
  await signWindowsFile(configuration.path, {
    hash: configuration.hash,
    nest: configuration.isNest,
    cscInfo: configuration.cscInfo,
  });
}

module.exports = sign;
module.exports.sign = sign;
module.exports.signWindowsFile = signWindowsFile;
module.exports.findSigningTool = findSigningTool;
module.exports.isReleaseMode = isReleaseMode;
