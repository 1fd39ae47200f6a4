// The initializer table (MXNet's @register / @alias): names to factories, and creating an
// initializer from a name, a [name, args] pair or its JSON. No initializer is imported here, so
// those that create others by name (Mixed) can use the table without a cycle; the built-in
// names are registered by engine/init/registry.ts, the module everything else imports.

import { initError } from '../core/model-error.ts';
import { Initializer } from './initializer.ts';

export type InitSpec = Initializer | string | readonly [string, Record<string, unknown>?];
export type InitFactory = (args: Record<string, unknown>) => Initializer;
type InitClass = new (...args: never[]) => Initializer;

const registry = new Map<string, InitFactory>();

/**
 * Makes an initializer creatable by name (MXNet's @register / @alias). Pass a factory from the
 * stored args, or a class whose constructor takes no arguments (or the args object).
 * @example registerInitializer('myinit', MyInit); createInitializer('myinit')
 */
export function registerInitializer(name: string, make: InitFactory | InitClass, aliases: readonly string[] = []): void {
  const factory: InitFactory = isClass(make) ? (args) => named(new (make as unknown as new (a: unknown) => Initializer)(args), name) : make;
  for (const n of [name, ...aliases]) registry.set(n.toLowerCase(), factory);
}

/** Stamps the registered name on an instance so toSpec() gives back a name the registry knows. */
function named(inst: Initializer, name: string): Initializer {
  (inst as { kind: string }).kind = name.toLowerCase();
  return inst;
}

function isClass(f: InitFactory | InitClass): f is InitClass {
  return typeof f === 'function' && (f.prototype instanceof Initializer || f === Initializer);
}

export function registeredInitializers(): string[] {
  return [...registry.keys()].sort();
}

/** An Initializer from an instance (returned as is), a name, a [name, args] pair or its JSON. */
export function createInitializer(spec: InitSpec): Initializer {
  if (spec instanceof Initializer) return spec;
  let name: string;
  let args: Record<string, unknown> = {};
  if (typeof spec === 'string') {
    if (spec.trimStart().startsWith('[')) return createInitializer(parseJsonSpec(spec));
    name = spec;
  } else if (Array.isArray(spec) && typeof spec[0] === 'string') {
    name = spec[0];
    args = camelKeys(spec[1] ?? {});
  } else {
    throw initError(`An initializer must be an Initializer, a name such as 'xavier', or [name, args]; got ${JSON.stringify(spec)}.`);
  }
  const factory = registry.get(name.toLowerCase());
  if (!factory) {
    throw initError(
      `Unknown initializer '${name}'. Known: ${registeredInitializers().join(', ')}. ` + 'Register your own with registerInitializer(name, classOrFactory).',
    );
  }
  return factory(args);
}

function parseJsonSpec(text: string): InitSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw initError(`Cannot parse initializer JSON ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') {
    throw initError(`Initializer JSON must be ["name", {args}], got ${text}.`);
  }
  return [parsed[0], (parsed[1] ?? {}) as Record<string, unknown>];
}

function camelKeys(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}
