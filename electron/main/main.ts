// Electron main process: one secure window showing the built renderer (renderer/dist), and the
// engine in a utilityProcess behind a relay. Follows the Electron security checklist: sandbox,
// context isolation, no Node in the page, a CSP, no navigation away and no new windows; IPC only
// through handle() (electron/ipc).
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handle } from '../ipc/handle.ts';
import { isTrustedSenderUrl } from '../ipc/trusted-sender.ts';
import { CONTENT_SECURITY_POLICY } from '../../renderer/content-security-policy.ts';
import { EngineHost } from '../../engine/service/engine-host.ts';
import { EngineRelay } from './engine-relay.ts';
import { menuTemplate } from './app-menu.ts';
import { MENU_COMMAND_CHANNEL, OPEN_RECENT_CHANNEL } from '../ipc/channel-names.ts';
import { utilityProcessLauncher } from './engine-utility-process.ts';

// This file is bundled to electron/dist/main.js; the preload sits beside it.
const distDir = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.resolve(distDir, '../../renderer/dist/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

app.enableSandbox();

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedSenderUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Blocksmith',
    show: false,
    webPreferences: {
      preload: path.join(distDir, 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  handle('app:version', rendererUrl, () => app.getVersion());

  // The engine bundle (engine/service/process-main.ts) sits beside main.js.
  const engine = new EngineHost(utilityProcessLauncher(path.join(distDir, 'engine.js')));
  void engine.start();
  app.on('will-quit', () => void engine.close());
  const relay = new EngineRelay(engine);
  handle('app:engine-send', rendererUrl, (message, event) => relay.linkFor(event.sender).send(message));
  handle('app:open-file', rendererUrl, async (request, event) => {
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = { properties: ['openFile' as const], ...request };
    const chosen = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
  });
  handle('app:save-file', rendererUrl, async (request, event) => {
    const window = BrowserWindow.fromWebContents(event.sender);
    const chosen = window ? await dialog.showSaveDialog(window, request) : await dialog.showSaveDialog(request);
    return chosen.canceled ? null : (chosen.filePath ?? null);
  });

  handle('app:add-recent-document', rendererUrl, (request) => app.addRecentDocument(request.path));

  // The menu is rebuilt whenever the window's recent list changes (Electron menus are immutable).
  const buildMenu = (recent: readonly string[]) =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          appName: app.getName(),
          isMac: process.platform === 'darwin',
          send: (command) => BrowserWindow.getFocusedWindow()?.webContents.send(MENU_COMMAND_CHANNEL, command),
          about: () => void dialog.showMessageBox({ title: 'About Blocksmith', message: `Blocksmith ${app.getVersion()}` }),
          recent,
          openRecent: (file) => BrowserWindow.getFocusedWindow()?.webContents.send(OPEN_RECENT_CHANNEL, file),
        }),
      ),
    );
  handle('app:set-recent-files', rendererUrl, (request) => buildMenu(request.paths));
  buildMenu([]);

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
