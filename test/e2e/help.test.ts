// The help overlay in the browser, against the real web host and engine: `?` opens it with the
// search field focused; "block" narrows it to the block commands (Make block with Ctrl+G) and the
// block gestures; ↑/↓ move the active command and Enter runs it — select all, then make block on
// the mlp example — and a command with nothing to do says so and leaves the overlay open; Escape
// closes it. Also: no console errors (the page's CSP included).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, clickEmptyCanvas, editorSuite, screenshot, skip } from './editor-harness.ts';

const suite = editorSuite();
const page = suite.page;

const dialog = (p: Page) => p.getByRole('dialog', { name: 'Keyboard shortcuts' });
const option = (p: Page, name: string) => dialog(p).getByRole('option', { name: new RegExp(`^${name}`) });

/** `?` with no text field focused (it is the search's own character once the overlay is open). */
async function openHelp(p: Page) {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.keyboard.press('?');
  await dialog(p).waitFor();
}

async function search(p: Page, text: string) {
  await dialog(p).getByRole('combobox', { name: 'Search commands' }).fill(text);
}

test('? opens the help; searching "block" shows Make block with Ctrl+G; Escape closes it', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await openHelp(p);
  const field = dialog(p).getByRole('combobox', { name: 'Search commands' });
  assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'the search field has the focus');
  // Unfiltered: the five groups in order.
  assert.deepEqual(
    await dialog(p)
      .locator('[role="group"]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-group'))),
    ['File', 'Edit', 'Blocks', 'View', 'Run'],
  );

  await search(p, 'block');
  const make = option(p, 'Make block');
  await make.waitFor();
  assert.equal(await make.locator('kbd').textContent(), 'Ctrl+G');
  assert.equal(await option(p, 'Undo').count(), 0, 'commands without "block" are filtered out');
  await dialog(p).getByRole('cell', { name: 'Double-click a block or repeat' }).waitFor();
  assert.equal(await dialog(p).getByRole('cell', { name: 'Shift+drag' }).count(), 0);
  await screenshot(p, 'help-search-light');

  await p.keyboard.press('Escape');
  await dialog(p).waitFor({ state: 'detached' });
});

test('↓ and Enter run the active command; one with nothing to do says so and stays open', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('mlp');
  await canvasNode(p, 'dense0').waitFor();

  // Nothing is being edited inside a block: Leave block has nothing to do.
  await openHelp(p);
  await search(p, 'leave block');
  await p.keyboard.press('Enter');
  await dialog(p).getByRole('status').filter({ hasText: 'Leave block: nothing to do now' }).waitFor();
  assert.equal(await option(p, 'Leave block').getAttribute('aria-disabled'), 'true');

  // "paste with" matches Paste (its description) and Paste with links: the first is active, ↓
  // makes the second one active (aria-activedescendant follows).
  await search(p, 'paste with');
  const active = dialog(p).locator('[role="option"][aria-selected="true"]');
  await active.and(p.locator('[data-command="paste"]')).waitFor();
  assert.deepEqual(
    await dialog(p)
      .getByRole('option')
      .evaluateAll((os) => os.map((o) => o.getAttribute('data-command'))),
    ['paste', 'pasteWithLinks'],
  );
  await p.keyboard.press('ArrowDown');
  await active.and(p.locator('[data-command="pasteWithLinks"]')).waitFor();
  assert.equal(await dialog(p).getByRole('combobox').getAttribute('aria-activedescendant'), 'help-command-pasteWithLinks');

  // Select all, then Make block: both run from the help, which closes first.
  await search(p, 'select all');
  await p.keyboard.press('Enter');
  await dialog(p).waitFor({ state: 'detached' });
  await p.locator('.react-flow__node.selected').nth(2).waitFor();
  // Make block refuses a selection holding the graph's Input: select the two Dense layers instead
  // (a click on a node of a multi-selection keeps the others, so clear it first).
  await clickEmptyCanvas(p);
  await p.locator('.react-flow__node.selected').first().waitFor({ state: 'detached' });
  await canvasNode(p, 'dense0').locator('.layer-node-name').click();
  await canvasNode(p, 'dense1')
    .locator('.layer-node-name')
    .click({ modifiers: ['Control'] });
  await p.locator('.react-flow__node.selected').nth(1).waitFor();
  await openHelp(p);
  await search(p, 'ctrl+g');
  await p.keyboard.press('Enter');
  await dialog(p).waitFor({ state: 'detached' });
  await p
    .getByTestId('notice')
    .filter({ hasText: /^Made block1$/ })
    .waitFor();
  await canvasNode(p, 'dense0').waitFor({ state: 'detached' });
  assert.deepEqual(suite.editor().problems, []);
});
