// The desktop shell's security posture, checked statically on electron/main.ts (parsed with the
// TypeScript compiler) and dynamically on the real preload bundle, run in a vm against a stub
// `electron` module that records what it exposes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, before, after } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import { apiInputSchemas, apiMethods } from '../../main/api/contract.ts';
import { API_METHOD_NAMES } from '../../electron/api-method-names.ts';
import { CONTENT_SECURITY_POLICY, isAllowedRequestUrl, isAppUrl } from '../../electron/app-protocol.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type IpcResult } from '../../electron/ipc-channels.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mainSource = readFileSync(join(root, 'electron', 'main.ts'), 'utf8');
/** The code alone, so a comment that names a forbidden API does not trip a check. */
const mainCode = ts.createPrinter({ removeComments: true }).printFile(ts.createSourceFile('main.ts', mainSource, ts.ScriptTarget.ES2022, true));

interface BuildElectronModule {
  bundlePreload(options: { root: string; outfile: string; logLevel?: string }): Promise<string>;
  requiredModules(code: string): string[];
}
const buildScript = (await import(pathToFileURL(join(root, 'scripts', 'build-electron.mjs')).href)) as BuildElectronModule;

/** The object literal passed as `webPreferences` to `new BrowserWindow(...)`, as name → source text. */
function browserWindowWebPreferences(source: string): Map<string, string> {
  const file = ts.createSourceFile('main.ts', source, ts.ScriptTarget.ES2022, true);
  const found: Map<string, string>[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText() === 'BrowserWindow') {
      const options = node.arguments?.[0];
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (ts.isPropertyAssignment(property) && property.name.getText() === 'webPreferences' && ts.isObjectLiteralExpression(property.initializer)) {
            const prefs = new Map<string, string>();
            for (const pref of property.initializer.properties) {
              if (ts.isPropertyAssignment(pref)) prefs.set(pref.name.getText(), pref.initializer.getText());
              else prefs.set(pref.getText(), '<not a plain assignment>');
            }
            found.push(prefs);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  assert.equal(found.length, 1, 'electron/main.ts creates exactly one kind of BrowserWindow');
  return found[0]!;
}

describe('electron/main.ts window and session hardening', () => {
  it('creates its window sandboxed, context-isolated, without Node, with web security and no spellcheck', () => {
    const prefs = browserWindowWebPreferences(mainSource);
    assert.equal(prefs.get('sandbox'), 'true');
    assert.equal(prefs.get('contextIsolation'), 'true');
    assert.equal(prefs.get('nodeIntegration'), 'false');
    assert.equal(prefs.get('nodeIntegrationInWorker'), 'false');
    assert.equal(prefs.get('nodeIntegrationInSubFrames'), 'false');
    assert.equal(prefs.get('webSecurity'), 'true');
    assert.equal(prefs.get('allowRunningInsecureContent'), 'false');
    assert.equal(prefs.get('webviewTag'), 'false');
    assert.equal(prefs.get('spellcheck'), 'false');
    assert.equal(prefs.get('preload'), 'preloadPath');
    assert.ok(!prefs.has('experimentalFeatures') && !prefs.has('enableBlinkFeatures'));
  });

  it('denies navigation, redirects, webviews and new windows for every web contents', () => {
    assert.match(mainSource, /app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents\)\)/);
    assert.match(mainSource, /contents\.on\('will-navigate', \(event\) => event\.preventDefault\(\)\)/);
    assert.match(mainSource, /contents\.on\('will-redirect', \(event\) => event\.preventDefault\(\)\)/);
    assert.match(mainSource, /contents\.on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/);
    assert.match(mainSource, /contents\.setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
  });

  it('denies every permission request and check, and cancels every request that is not app://', () => {
    assert.match(mainSource, /setPermissionRequestHandler\(\(_webContents, _permission, callback\) => callback\(false\)\)/);
    assert.match(mainSource, /setPermissionCheckHandler\(\(\) => false\)/);
    assert.match(mainSource, /setDevicePermissionHandler\(\(\) => false\)/);
    assert.match(mainSource, /webRequest\.onBeforeRequest\(\(details, callback\) => \{[\s\S]*?isAllowedRequestUrl\(details\.url\)[\s\S]*?callback\(\{ cancel: !allowed \}\)/);
    assert.match(mainSource, /hardenSession\(session\.defaultSession\)/);
  });

  it('loads the UI from the privileged app:// scheme, never file:// or a remote URL', () => {
    assert.match(mainSource, /protocol\.registerSchemesAsPrivileged\(/);
    assert.match(mainSource, /protocol\.handle\(APP_SCHEME,/);
    assert.match(mainSource, /window\.loadURL\(APP_ENTRY_URL\)/);
    assert.doesNotMatch(mainCode, /loadFile\(|file:\/\/|https?:\/\/|registerFileProtocol|corsEnabled|bypassCSP/);
    assert.match(mainSource, /app\.enableSandbox\(\)/);
    assert.match(mainSource, /requestSingleInstanceLock\(\)/);
  });

  it('answers IPC on one channel, only for the trusted top-level app:// frame of its own window', () => {
    assert.equal((mainSource.match(/ipcMain\.(handle|on)\(/g) ?? []).length, 1);
    assert.match(mainSource, /ipcMain\.handle\(\s*IPC_CALL_CHANNEL,\s*createIpcHandler<IpcMainInvokeEvent>\(running, isTrustedSender/);
    assert.match(mainSource, /frame\.parent !== null\) return false/);
    assert.match(mainSource, /event\.sender !== mainWindow\.webContents/);
    assert.match(mainSource, /return isAppUrl\(frame\.url\)/);
  });

  it('serves the exact content security policy', () => {
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('lets only our own origin (and inline data: images) through the request filter', () => {
    assert.ok(isAllowedRequestUrl('app://dataspace/index.html'));
    assert.ok(isAllowedRequestUrl('app://dataspace/assets/index-3f2a.js'));
    assert.ok(isAllowedRequestUrl('data:image/png;base64,iVBORw0KGgo='));
    for (const url of [
      'https://example.org/',
      'http://127.0.0.1:8080/api',
      'ws://127.0.0.1:9229/',
      'wss://consortium.example.org/',
      'file:///etc/passwd',
      'ftp://example.org/x',
      'app://other-host/index.html',
      'blob:app://dataspace/1234',
    ]) {
      assert.equal(isAllowedRequestUrl(url), false, url);
    }
    assert.ok(isAppUrl('app://dataspace/'));
    assert.equal(isAppUrl('app://dataspace.evil.example/'), false);
    assert.equal(isAppUrl('not a url'), false);
  });
});

type Listener = (...args: unknown[]) => void;

/** Runs the preload bundle as Electron would, with a recording stand-in for the `electron` module. */
function loadPreload(code: string, respond: (method: string, args: unknown[]) => IpcResult) {
  const exposed: { key: string; api: Record<string, unknown> }[] = [];
  const invocations: { channel: string; method: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const requested: string[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: Record<string, unknown>) {
        exposed.push({ key, api });
      },
    },
    ipcRenderer: {
      async invoke(channel: string, method: string, args: unknown[]) {
        invocations.push({ channel, method, args });
        return respond(method, args);
      },
      on(channel: string, listener: Listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener(channel: string, listener: Listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
    webUtils: { getPathForFile: (file: { name: string }) => `/picked/${file.name}` },
  };
  const stubRequire = (name: string) => {
    requested.push(name);
    if (name === 'electron') return electron;
    throw new Error(`A sandboxed preload cannot require "${name}"`);
  };
  const module = { exports: {} };
  const run = vm.compileFunction(code, ['require', 'module', 'exports'], { filename: 'preload.cjs' });
  run(stubRequire, module, module.exports);
  return { exposed, invocations, listeners, requested };
}

describe('preload bundle', () => {
  let work: string;
  let code: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dataspace-preload-'));
    code = await buildScript.bundlePreload({ root, outfile: join(work, 'preload.cjs'), logLevel: 'silent' });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('requires nothing but electron: no Node builtins, no zod', () => {
    assert.deepEqual(buildScript.requiredModules(code), ['electron']);
    assert.doesNotMatch(code, /require\(["'](node:)?(fs|child_process|path|os|net|http|https|worker_threads|module)["']\)/);
    assert.doesNotMatch(code, /process\.binding|ZodError|from "zod"/);
  });

  it('lists the same methods, in the same order, as the contract schemas', () => {
    assert.deepEqual([...API_METHOD_NAMES], Object.keys(apiInputSchemas));
  });

  it('exposes exactly the contract, onEvent and pathForFile on window.dataspace, and no ipcRenderer', () => {
    const { exposed, requested } = loadPreload(code, () => ({ ok: true, result: null }));
    assert.deepEqual(requested, ['electron']);
    assert.equal(exposed.length, 1);
    assert.equal(exposed[0]!.key, 'dataspace');
    const api = exposed[0]!.api;
    assert.deepEqual(Object.keys(api).sort(), [...apiMethods, 'onEvent', 'pathForFile'].sort());
    for (const value of Object.values(api)) assert.equal(typeof value, 'function');
  });

  it('forwards each call as one invoke on the call channel and resolves with the result', async () => {
    const { exposed, invocations } = loadPreload(code, (method, args) => ({ ok: true, result: { method, args } }));
    const api = exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    assert.deepEqual(await api.listPatients!({ offset: 0, limit: 10 }), { method: 'listPatients', args: [{ offset: 0, limit: 10 }] });
    assert.deepEqual(await api.getStatus!(), { method: 'getStatus', args: [] });
    assert.deepEqual(invocations, [
      { channel: IPC_CALL_CHANNEL, method: 'listPatients', args: [{ offset: 0, limit: 10 }] },
      { channel: IPC_CALL_CHANNEL, method: 'getStatus', args: [] },
    ]);
  });

  it('rejects a failed call with the name, code and message the engine sent', async () => {
    const error = { name: 'InvalidInputError', code: 'invalid-request', message: 'The request payload is not valid.' };
    const { exposed } = loadPreload(code, () => ({ ok: false, error }));
    const api = exposed[0]!.api as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await assert.rejects(api.getPatient!({ pseudonym: 'nope' }), (thrown: unknown) => {
      assert.deepEqual(thrown, error);
      return true;
    });
  });

  it('passes engine events to subscribers without the IPC event object, until they unsubscribe', () => {
    const { exposed, listeners } = loadPreload(code, () => ({ ok: true, result: null }));
    const api = exposed[0]!.api as { onEvent(listener: (event: unknown) => void): () => void; pathForFile(file: unknown): string };
    const received: unknown[][] = [];
    const unsubscribe = api.onEvent((...args) => received.push(args));
    const channel = listeners.get(IPC_EVENT_CHANNEL)!;
    assert.equal(channel.size, 1);
    const engineEvent = { type: 'audit.appended', seq: 1, entrySeq: 7 };
    for (const listener of channel) listener({ sender: 'the ipcRenderer' }, engineEvent);
    assert.deepEqual(received, [[engineEvent]]);
    unsubscribe();
    assert.equal(channel.size, 0);
    assert.equal(api.pathForFile({ name: 'export.ndjson' }), '/picked/export.ndjson');
  });
});
