// The ports a code block declares in its source: `export const outputs = ['y', 'gate'];` and
// `export const inputs = ['x', 'skip'];`, read from the text (never by running it, so an untrusted
// document still draws its ports and validation knows them). Without an outputs declaration a
// block has one port, `output`, and its forward returns one array; with it, forward returns a list
// of arrays in that order. Without an inputs declaration it has the variadic `data` port (edge
// order, as documents before named inputs have it); with it, one port per name and forward(self,
// ...inputs) gets them in that order. Pure: the engine's graph layer and the editor's canvas read the same ports.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The quoted identifiers of `export const <what> = [...]` (first of each kept), or null without one. */
function declaredNames(source: string, what: 'inputs' | 'outputs'): string[] | null {
  const m = new RegExp(`^\\s*export\\s+const\\s+${what}\\s*(?::[^=\\n]*)?=\\s*\\[([^\\]]*)\\]`, 'm').exec(source);
  if (!m) return null;
  const names = [...m[1]!.matchAll(/(['"])([^'"]*)\1/g)].map((x) => x[2]!).filter((n) => NAME.test(n));
  const unique = [...new Set(names)];
  return unique.length > 0 ? unique : null;
}

/** The declared output names, or ['output']. */
export function codeOutputNames(source: string): string[] {
  return declaredNames(source, 'outputs') ?? ['output'];
}

/** The declared input names, or null: the block then has the variadic `data` port. */
export function codeInputNames(source: string): string[] | null {
  return declaredNames(source, 'inputs');
}
