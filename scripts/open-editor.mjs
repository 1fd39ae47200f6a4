// `npm start`: opens the editor. With Electron's binary (and a display) it builds the renderer
// and the Electron bundles and launches the desktop app; otherwise — or with `npm start -- --web`
// — it builds the renderer and serves it on 127.0.0.1, printing the URL. A missing Electron is
// never an error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const wantsWeb = process.argv.includes('--web') || process.env.BLOCKSMITH_WEB === '1';

function electronBinary() {
  try {
    const binary = require('electron'); // a path string; throws when the binary is missing
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(script) {
  const result = spawnSync(npm, ['run', '--silent', script], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function runAndForward(command, args) {
  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const binary = wantsWeb ? null : electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

run('build:renderer');
if (binary !== null && hasDisplay) {
  run('build:electron');
  runAndForward(binary, ['.']);
} else {
  if (!wantsWeb) {
    console.log(
      binary === null
        ? 'Electron binary not available: serving the editor for your browser instead.'
        : 'No display found for Electron: serving the editor for your browser instead.',
    );
  }
  runAndForward(process.execPath, ['--import', 'tsx', 'scripts/web-host/main.ts']);
}
