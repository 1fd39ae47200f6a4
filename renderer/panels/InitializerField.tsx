// One way to choose an initializer, wherever one is chosen (a parameter's initializer in the
// Parameters section, a layer attribute of type initializer such as Dense.weightInitializer): the
// name from the engine's registry, then the arguments it takes, each with MXNet's default as a
// placeholder. The value is the document's form: a name, or [name, args] once an argument is set.
import type { InitSpecJson } from '../../engine/protocol/graph-document.ts';

/** Arguments of the built-in initializers with their defaults (MXNet's); the registry does not describe them (yet). */
export const INIT_ARGS: Record<string, Record<string, number | string>> = {
  uniform: { scale: 0.07 },
  normal: { sigma: 0.01 },
  constant: { value: 0 },
  xavier: { rndType: 'uniform', factorType: 'avg', magnitude: 3 },
  msraprelu: { factorType: 'avg', slope: 0.25 },
  orthogonal: { scale: 1.414, randType: 'uniform' },
  lstmbias: { forgetBias: 1 },
};

export function initParts(spec: InitSpecJson | null | undefined): [string, Record<string, unknown>] {
  if (spec === undefined || spec === null) return ['', {}];
  if (typeof spec === 'string') return [spec, {}];
  return [spec[0], spec[1] ?? {}];
}

/** A name with its arguments as the document stores it (undefined: none chosen). */
export function initSpec(name: string, args: Record<string, unknown>): InitSpecJson | undefined {
  if (name === '') return undefined;
  return Object.keys(args).length ? [name, args] : name;
}

export function InitializerField({
  label,
  value,
  initializers,
  noneLabel,
  onChange,
}: {
  /** Names the select and the argument boxes for assistive technology (`weight initializer`, `weight value`). */
  label: string;
  value: InitSpecJson | null | undefined;
  initializers: readonly string[];
  /** What the empty choice means here ("(block default)", "(own default: zeros)"). */
  noneLabel: string;
  onChange(value: InitSpecJson | undefined): void;
}) {
  const [name, args] = initParts(value);
  const defaults = INIT_ARGS[name] ?? {};
  return (
    <div className="initializer-field">
      <select aria-label={`${label} initializer`} value={name} onChange={(e) => onChange(initSpec(e.target.value, {}))}>
        <option value="">{noneLabel}</option>
        {initializers.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {Object.entries(defaults).map(([arg, dflt]) => (
        <span className="field indent init-arg" key={arg}>
          <span>{arg}</span>
          <input
            aria-label={`${label} ${arg}`}
            type={typeof dflt === 'number' ? 'number' : 'text'}
            step="any"
            value={String(args[arg] ?? '')}
            placeholder={String(dflt)}
            onChange={(e) => {
              const next = { ...args };
              if (e.target.value === '') delete next[arg];
              else next[arg] = typeof dflt === 'number' ? Number(e.target.value) : e.target.value;
              onChange(initSpec(name, next));
            }}
          />
        </span>
      ))}
    </div>
  );
}
