// An initializer as people read it: the engine reports MXNet's dumps() form
// (`["constant", {"value": 42}]`), which is exact but noisy in a table cell; show `constant(value=42)`.
export function initText(spec: string | null | undefined): string {
  if (spec === null || spec === undefined) return 'default';
  if (!spec.startsWith('[')) return spec;
  try {
    const parsed: unknown = JSON.parse(spec);
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') return spec;
    const args = parsed[1];
    if (args === undefined || args === null || typeof args !== 'object' || Array.isArray(args)) return parsed[0];
    const parts = Object.entries(args as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return `${parsed[0]}(${parts.join(', ')})`;
  } catch {
    return spec;
  }
}
