// Electron main process: one secure window showing the built renderer (renderer/dist). Follows
// the Electron security checklist: sandbox, context isolation, no Node in the page, a CSP, no
// navigation away and no new windows; IPC only through handle() (electron/ipc).
import { app, BrowserWindow, session } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handle } from '../ipc/handle.ts';
import { isTrustedSenderUrl } from '../ipc/trusted-sender.ts';
import { CONTENT_SECURITY_POLICY } from '../../renderer/content-security-policy.ts';

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

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
