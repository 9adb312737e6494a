// DataSpace Node desktop shell: one locked-down window over the engine, which runs in this (main)
// process. The renderer reaches the engine only through the preload's contract and one IPC channel.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions, Session, WebContents } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine } from '../main/engine.ts';
import { APP_FOLDER_NAME, dataFolderLayout, defaultDataDir } from '../main/store/data-folder.ts';
import { toApiError } from '../main/util/errors.ts';
import { APP_ENTRY_URL, APP_SCHEME, isAllowedRequestUrl, isAppUrl, resolveAppAsset } from './app-protocol.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-channels.ts';
import { createIpcHandler } from './ipc-handler.ts';
import { chooseKeyProtector } from './key-protection.ts';

const PRODUCT_NAME = 'DataSpace Node';

// Must happen before `ready`: the scheme is standard (relative URLs, origin) and secure (like
// https). corsEnabled stays off so no other origin may read from it.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();
app.setName(PRODUCT_NAME);
// Same folder as the packaged app's userData in development too, so the Chromium profile and the
// data folder (defaultDataDir) sit together; an explicit --user-data-dir (e2e tests) still wins.
if (!app.commandLine.hasSwitch('user-data-dir')) {
  app.setPath('userData', join(app.getPath('appData'), APP_FOLDER_NAME));
}

/** Where bundles, the renderer and the native build live, in development and when packaged. */
function appLayout() {
  const appPath = app.getAppPath();
  return {
    bundleDir: join(appPath, 'electron', 'dist'),
    rendererDir: join(appPath, 'renderer', 'dist'),
    // Packaged: models/, resources/ and .native/electron/ are extraResources next to app.asar.
    appRoot: app.isPackaged ? process.resourcesPath : appPath,
  };
}

/**
 * Engine environment is fixed here rather than inherited: in the packaged app an inherited
 * DATASPACE_SQLITE_BINDING or DATASPACE_WORKER_DIR would load foreign native code or scripts, the
 * very thing the NODE_OPTIONS and RunAsNode fuses are off for.
 */
function configureEngineEnvironment(layout: ReturnType<typeof appLayout>): void {
  process.env.DATASPACE_APP_ROOT = layout.appRoot;
  process.env.DATASPACE_WORKER_DIR = layout.bundleDir;
  if (app.isPackaged) delete process.env.DATASPACE_SQLITE_BINDING;
}

let engine: Engine | null = null;
let mainWindow: BrowserWindow | null = null;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!mainWindow || mainWindow.isDestroyed() || event.sender !== mainWindow.webContents) return false;
  return isAppUrl(frame.url);
}

/** Denies every permission, every navigation and every new window (VS Code app.ts, Electron checklist). */
function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequestUrl(details.url);
    if (!allowed) console.warn(`[security] blocked request to ${details.url.slice(0, 120)}`);
    callback({ cancel: !allowed });
  });
  ses.on('will-download', (event) => event.preventDefault());
  ses.setSpellCheckerEnabled(false);
}

function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function registerAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = await resolveAppAsset(rendererDir, request.url, request.method);
    return new Response(asset.body, { status: asset.status, headers: asset.headers });
  });
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

function createWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    title: PRODUCT_NAME,
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** A startup failure the user can act on, shown as a dialog with its own title. */
class StartupProblem extends Error {
  override readonly name = 'StartupProblem';
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

async function startEngine(): Promise<Engine> {
  // `--data-dir=DIR` as for the CLI and browser host; otherwise DATASPACE_DATA_DIR or userData/data.
  const dataDir = app.commandLine.getSwitchValue('data-dir') || defaultDataDir();
  const { keyFile } = dataFolderLayout(dataDir);
  const choice = await chooseKeyProtector({
    existingKeyFile: existsSync(keyFile) ? readFileSync(keyFile) : null,
    storage: safeStorage,
    platform: process.platform,
    env: process.env,
  });
  if (!choice.ok) throw new StartupProblem(choice.title, choice.message);
  return createEngine({ dataDir, keyProtector: choice.protector, actor: 'desktop', keepImportWorkerReady: true });
}

function failStartup(error: unknown): void {
  const title = error instanceof StartupProblem ? error.title : 'DataSpace Node could not start';
  const message = error instanceof StartupProblem ? error.message : toApiError(error).message;
  console.error('[startup]', error);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

async function onReady(): Promise<void> {
  const layout = appLayout();
  configureEngineEnvironment(layout);
  Menu.setApplicationMenu(buildMenu());
  hardenSession(session.defaultSession);
  registerAppProtocol(layout.rendererDir);
  if (!existsSync(join(layout.rendererDir, 'index.html'))) {
    throw new Error(`The user interface is not built (${layout.rendererDir} has no index.html). Run \`npm run build:renderer\`.`);
  }

  const running = await startEngine();
  engine = running;
  ipcMain.handle(
    IPC_CALL_CHANNEL,
    createIpcHandler<IpcMainInvokeEvent>(running, isTrustedSender, {
      onUnexpectedError: (method, error) => console.error(`[ipc] ${method} failed:`, error),
    }),
  );
  running.onEvent((event) => {
    const target = mainWindow;
    if (target && !target.isDestroyed() && isAppUrl(target.webContents.getURL())) {
      target.webContents.send(IPC_EVENT_CHANNEL, event);
    }
  });

  const preloadPath = join(layout.bundleDir, 'preload.cjs');
  mainWindow = createWindow(preloadPath);
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow(preloadPath);
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data folder; it focuses its window (below) and we leave.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    const running = engine;
    if (!running || closing) return;
    // Let running imports cancel and the database close before the process ends.
    event.preventDefault();
    closing = true;
    engine = null;
    running
      .close()
      .catch((error: unknown) => console.error('[shutdown]', error))
      .finally(() => app.quit());
  });
  app.whenReady().then(onReady).catch(failStartup);
}
