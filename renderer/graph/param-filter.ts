// The parameter panel's filter with Gluon's collect_params(select) semantics: Python's re.match,
// i.e. the pattern must match at the start of the name (not necessarily to its end). Pure.

export interface FilterResult<T> {
  rows: T[];
  /** Set when the pattern is not a valid regular expression (rows are then all rows). */
  error: string | null;
}

export function selectParams<T extends { name: string }>(rows: readonly T[], pattern: string): FilterResult<T> {
  if (pattern.trim() === '') return { rows: [...rows], error: null };
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})`);
  } catch (e) {
    return { rows: [...rows], error: (e as Error).message };
  }
  return { rows: rows.filter((r) => re.test(r.name)), error: null };
}
