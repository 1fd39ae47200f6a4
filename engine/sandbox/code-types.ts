// The declaration file a code block's source is type-checked against (type-check.ts): the engine
// API the sandbox serves, built from the same name lists (engine/protocol/code-api.ts), so the
// checker knows exactly the functions the sandbox answers (`np.dott` is an error, as it would be
// at run time). Arguments are typed as what the sandbox's bridge carries (arrays, numbers,
// strings, booleans, lists and plain objects of those); results are precise: arrays, `item()` a
// number, `split` a list, `shape` a number[]. No DOM and no Node types: the sandbox has neither.
import { CODE_METHODS, CODE_NP, CODE_NP_RANDOM, CODE_NPX } from '../protocol/code-api.ts';

/** Functions whose result is not one array. */
const RESULTS: Readonly<Record<string, string>> = { item: 'number', split: 'NDArray[]' };

const signature = (name: string): string => `${name}(...args: CodeValue[]): ${RESULTS[name] ?? 'NDArray'};`;

/** The source of `engine-api.d.ts`, global declarations. */
export function codeApiDeclarations(): string {
  return `// The engine API of a code block (what the sandbox serves).
type CodeValue = NDArray | number | string | boolean | null | undefined | readonly CodeValue[] | { readonly [key: string]: CodeValue };

interface NDArray {
  readonly shape: number[];
  readonly ndim: number;
  readonly size: number;
  readonly dtype: string;
  /** The transpose. */
  readonly T: NDArray;
${CODE_METHODS.map((m) => `  ${signature(m)}`).join('\n')}
}

interface CodeNpRandom {
${CODE_NP_RANDOM.map((m) => `  ${signature(m)}`).join('\n')}
}

interface CodeNp {
${CODE_NP.map((m) => `  ${signature(m)}`).join('\n')}
  readonly random: CodeNpRandom;
}

interface CodeNpx {
${CODE_NPX.map((m) => `  ${signature(m)}`).join('\n')}
}

declare const np: CodeNp;
declare const npx: CodeNpx;

/** A declared parameter as forward sees it: self.<name>.data(). */
interface CodeParam {
  data(): NDArray;
}

/** One entry of \`export const params = { name: { ... } }\`. */
interface CodeParamDeclaration {
  /** A list, or a function of the input shapes (resolved at the first batch); -1 where unknown. */
  shape?: readonly number[] | ((...inputs: number[][]) => readonly number[]);
  /** An initializer's name, or [name, its arguments] (a list literal is not inferred as a tuple). */
  init?: string | readonly (string | { readonly [key: string]: unknown })[] | null;
  constant?: boolean;
  /** 'write', 'add' or 'null' (a string: an object literal's field is not inferred as its literal). */
  gradReq?: string;
  /** A constant the code draws when the block is made (needs a list shape). */
  value?: () => NDArray;
}
`;
}
