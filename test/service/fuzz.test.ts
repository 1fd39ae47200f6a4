// The bounded fuzz run CI does (issue 12): mutated array files through the readers, mutated
// documents through the validator, mutated messages through the web host's socket to a real
// engine. Fails on any uncoded error, crash, input over 5 s or memory over 2 GB. Fixed seeds, so a
// failure reproduces; `npm run fuzz` runs the same targets for longer with fresh seeds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fuzzReaders, fuzzSocket, fuzzValidator } from '../fuzz/targets.ts';
import { startTestHost, type TestHost } from './service-helpers.ts';

let host: TestHost;
before(async () => {
  host = await startTestHost();
});
after(async () => {
  await host.close();
});

test('fuzz: array-file readers (20,000 mutated files)', () => {
  const result = fuzzReaders(12, 20_000);
  assert.equal(result.tried, 20_000);
  assert.deepEqual(result.failures, []);
});

test('fuzz: document validator (8,000 mutated documents)', () => {
  const result = fuzzValidator(12, 8000);
  assert.equal(result.tried, 8000);
  assert.deepEqual(result.failures, []);
});

test('fuzz: the web host socket (1,500 mutated messages to a real engine)', async () => {
  const pid = host.engine.pid;
  const result = await fuzzSocket(12, 1500, { apiUrl: host.apiUrl, token: host.web.token, enginePid: () => host.engine.pid });
  assert.equal(result.tried, 1500);
  assert.deepEqual(result.failures, []);
  assert.equal(host.engine.pid, pid, 'the engine never crashed');
});
