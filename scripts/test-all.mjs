// `npm test`: every check, in order, each one run even when an earlier one failed, so a single
// run tells the whole story. Ends with a summary and a non-zero exit code if anything failed.
import { spawnSync } from 'node:child_process';

// test:cuda-emulated runs the CUDA kernels' logic on the CPU: CI has nvcc but no GPU.
const steps = ['typecheck', 'lint', 'test:unit', 'test:cuda-emulated', 'test:e2e'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = [];

for (const step of steps) {
  console.log(`\n=== npm run ${step} ===`);
  const started = Date.now();
  const run = spawnSync(npm, ['run', '--silent', step], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ step, ok: run.status === 0, seconds });
}

console.log('\n=== summary ===');
for (const { step, ok, seconds } of results) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${step.padEnd(10)} ${seconds} s`);
}
const failed = results.filter((r) => !r.ok).map((r) => r.step);
if (failed.length > 0) {
  console.log(`\nnpm test: failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nnpm test: all checks passed');
