// The Training tab's text data source: the form's text file and window become startTraining's
// { kind: 'text', path, window? }, with messages that name the field for what is missing or wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig, defaultForm } from '../../renderer/training/training-model.ts';

test('a text file and window make a text data source', () => {
  const built = buildConfig({ ...defaultForm(), data: 'text', dataPath: ' assets/text/tiny-tales.txt ', textWindow: '16' });
  assert.ok(built.ok);
  assert.deepEqual(built.config.data, { kind: 'text', path: 'assets/text/tiny-tales.txt', window: 16 });
  const defaults = buildConfig({ ...defaultForm(), data: 'text', dataPath: 'tales.txt' });
  assert.ok(defaults.ok);
  assert.deepEqual(defaults.config.data, { kind: 'text', path: 'tales.txt' }, "no window: the engine takes the document's input length");
});

test('a text source without a file, or with a bad window, names the field', () => {
  const error = (fields: Partial<ReturnType<typeof defaultForm>>) => {
    const built = buildConfig({ ...defaultForm(), data: 'text', ...fields });
    return built.ok ? null : built.error;
  };
  assert.equal(error({ dataPath: ' ' }), 'text file: enter the path of a UTF-8 text file (as the engine sees it)');
  assert.equal(error({ dataPath: 'a.txt', textWindow: '0' }), 'window must be a whole number of characters in 1 … 4096');
  assert.equal(error({ dataPath: 'a.txt', textWindow: '2.5' }), 'window must be a whole number of characters in 1 … 4096');
});
