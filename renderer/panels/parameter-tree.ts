// The Parameters tab's tree view: rows grouped by the blocks that own them (the engine's block
// chain, e.g. sequential0 › dense0 › dense0_weight), flattened to the lines a table shows with
// collapsed groups left out. Pure (no React), so it is unit-tested under node.

export interface TreeRow {
  name: string;
  /** Block names from the model's root down to the owning block (the engine's parameterTable). */
  blocks?: string[];
}

export interface GroupLine {
  kind: 'group';
  /** The chain of block names joined by '/': unique in the tree, stable across runs. */
  key: string;
  name: string;
  depth: number;
  /** Parameters under this group (any depth). */
  count: number;
  collapsed: boolean;
}

export interface ParamLine<T> {
  kind: 'param';
  row: T;
  depth: number;
}

export type TreeLine<T> = GroupLine | ParamLine<T>;

interface Group<T> {
  name: string;
  key: string;
  count: number;
  /** Children in order of first appearance: sub-groups and parameters interleaved as in the model. */
  items: (Group<T> | T)[];
  groups: Map<string, Group<T>>;
}

/** The owning block chain of a row; without one (an older engine), the Gluon prefix of its name. */
export function blockChain(row: TreeRow): string[] {
  if (row.blocks && row.blocks.length > 0) return row.blocks;
  const cut = row.name.lastIndexOf('_');
  return cut > 0 ? [row.name.slice(0, cut)] : [];
}

const isGroup = <T>(item: Group<T> | T): item is Group<T> => typeof item === 'object' && item !== null && 'groups' in item && 'items' in item;

/** The rows as tree lines, in the rows' order; a collapsed group's descendants are left out. */
export function treeLines<T extends TreeRow>(rows: readonly T[], collapsed: ReadonlySet<string>): TreeLine<T>[] {
  const root: Group<T> = { name: '', key: '', count: 0, items: [], groups: new Map() };
  for (const row of rows) {
    let group = root;
    group.count++;
    for (const name of blockChain(row)) {
      let next = group.groups.get(name);
      if (!next) {
        next = { name, key: group.key ? `${group.key}/${name}` : name, count: 0, items: [], groups: new Map() };
        group.groups.set(name, next);
        group.items.push(next);
      }
      next.count++;
      group = next;
    }
    group.items.push(row);
  }
  const lines: TreeLine<T>[] = [];
  const emit = (group: Group<T>, depth: number) => {
    for (const item of group.items) {
      if (isGroup(item)) {
        const isCollapsed = collapsed.has(item.key);
        lines.push({ kind: 'group', key: item.key, name: item.name, depth, count: item.count, collapsed: isCollapsed });
        if (!isCollapsed) emit(item, depth + 1);
      } else lines.push({ kind: 'param', row: item, depth });
    }
  };
  emit(root, 0);
  return lines;
}

/** Every group key of the rows (for collapse all). */
export function groupKeys(rows: readonly TreeRow[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    const chain = blockChain(row);
    chain.forEach((_, i) => keys.add(chain.slice(0, i + 1).join('/')));
  }
  return [...keys];
}
