#!/usr/bin/env node
// Fails when the project's TypeScript files import each other in a cycle of value imports (run by
// `npm run lint`; docs/development.md). A cycle of value imports makes module evaluation order
// fragile: a class or table may be read before its module has run. Type-only imports (`import
// type`, `import { type X }`, `export type`) vanish at runtime and are not counted.
//   node scripts/import-cycles.mjs [root] [--all]   (--all also lists cycles through type imports)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const DIRS = ['engine', 'renderer', 'electron', 'scripts'];
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm;
const TYPE_ONLY_NAMES = /^\s*import\s+\{\s*type\b[^}]*\}\s*from/;

/** Every .ts/.tsx file under the project's source folders (not node_modules, dist, .d.ts). */
export function sourceFiles(root, dirs = DIRS) {
  const files = new Set();
  const walk = (dir) => {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.add(path.normalize(full));
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return files;
}

/** Import edges between the files: value ones, and all (value and type). */
export function importGraph(files) {
  const value = new Map();
  const all = new Map();
  const add = (map, from, to) => (map.get(from) ?? map.set(from, new Set()).get(from)).add(to);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = path.normalize(path.join(path.dirname(file), m[3]));
      const found = [target, `${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts')].find((c) => files.has(c));
      if (!found) continue;
      add(all, file, found);
      if (!m[2] && !TYPE_ONLY_NAMES.test(m[0])) add(value, file, found);
    }
  }
  return { value, all };
}

/** Strongly connected components of more than one file (Tarjan's algorithm, iterative). */
export function cycles(files, edges) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  let counter = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [[start, [...(edges.get(start) ?? [])], 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, next] = frame;
      if (frame[2] < next.length) {
        const w = next[frame[2]++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...(edges.get(w) ?? [])], 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v), index.get(w)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) out.push(component.sort());
      }
    }
  }
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.');
  const files = sourceFiles(root);
  const { value, all } = importGraph(files);
  const found = cycles(files, value);
  const rel = (f) => path.relative(root, f);
  if (args.includes('--all')) {
    for (const c of cycles(files, all)) console.log(`type or value cycle: ${c.map(rel).join(', ')}`);
  }
  if (found.length === 0) return 0;
  for (const c of found) console.error(`import cycle (value imports) among: ${c.map(rel).join(', ')}`);
  console.error(
    `${found.length} import cycle(s). Make the dependency one way: move what both sides need into a module both import ` +
      '(see docs/development.md, "Import cycles"), or make an import type-only when only types cross.',
  );
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
