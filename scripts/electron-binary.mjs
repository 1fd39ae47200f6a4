// Fetches Electron's binary after `npm install`, without ever failing the install.
// electron's own postinstall is denied in package.json's allowScripts because it fails the whole
// install when the download is impossible (offline machines, CI behind a registry-only proxy).
// Here we run the same installer with a time limit and, when it cannot finish, say what that
// means: `npm start` serves the editor in a browser instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const timeoutMs = Number(process.env.BLOCKSMITH_ELECTRON_TIMEOUT_MS ?? 180_000);
const fallback = '`npm start` will serve the editor in your browser instead';

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function binaryPresent(dir) {
  try {
    // electron/index.js throws when the binary has not been downloaded.
    return existsSync(require(dir));
  } catch {
    return false;
  }
}

const dir = electronDir();
if (dir === null) {
  console.log(`Electron package not installed: ${fallback}.`);
  process.exit(0);
}
if (binaryPresent(dir)) {
  process.exit(0);
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(`Electron binary download skipped (ELECTRON_SKIP_BINARY_DOWNLOAD): ${fallback}.`);
  process.exit(0);
}

const child = spawn(process.execPath, [path.join(dir, 'install.js')], {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));
const timer = setTimeout(() => {
  output += `\n(timed out after ${timeoutMs / 1000} s)`;
  child.kill('SIGKILL');
}, timeoutMs);

child.on('close', (code) => {
  clearTimeout(timer);
  if (code === 0 && binaryPresent(dir)) {
    console.log('Electron binary installed.');
  } else {
    // The installer prints a stack trace: its first line that is not a stack frame says why.
    const lines = output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const reason = lines.find((line) => !line.startsWith('at ')) ?? `exit code ${code}`;
    console.log(`Electron binary not available (offline?): ${fallback}.`);
    console.log(`  reason: ${reason.slice(0, 300)}`);
  }
  process.exit(0);
});
