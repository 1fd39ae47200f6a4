// Errors about training data, coded E_DATA, carrying the place a person needs to fix the file:
// the source, a 1-based line and column (CSV), or the array key (.npz).

export interface DataPlace {
  source?: string;
  line?: number;
  column?: number | string;
  key?: string;
}

export class DataError extends Error {
  override name = 'DataError';
  readonly code = 'E_DATA';
  readonly place: DataPlace;

  constructor(detail: string, place: DataPlace = {}) {
    const where = [
      place.source,
      place.line !== undefined ? `line ${place.line}` : undefined,
      place.column !== undefined ? `column ${typeof place.column === 'number' ? place.column : `'${place.column}'`}` : undefined,
      place.key !== undefined ? `key '${place.key}'` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${detail}` : detail);
    this.place = place;
  }
}
