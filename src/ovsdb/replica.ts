/**
 * The local replica of one Open_vSwitch database, kept by `monitor` (RFC 7047 sections
 * 4.1.5, 4.1.6): the initial reply and every `update` notification are table-updates
 * `{table: {uuid: {old?, new?}}}`: a row with `new` is inserted or modified (its
 * monitored columns merged over what we hold), one without is deleted. Readers look
 * rows up here and never ask the server. A table-update of the wrong shape is rejected
 * whole; a row whose columns do not decode is left out and reported.
 */
import { decodeRow, type Rows, TABLES, type TableName } from './rows.js';

type Raw = Record<string, unknown>;

export interface ApplyResult {
  /** Tables with at least one row inserted, modified or deleted. */
  readonly changed: ReadonlySet<TableName>;
  /** Rows left out, each naming the table, the uuid and what was wrong. */
  readonly rowErrors: readonly string[];
}

export type ApplyOutcome =
  | ({ readonly ok: true } & ApplyResult)
  | { readonly ok: false; readonly error: string };

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Replica {
  private readonly raw = new Map<TableName, Map<string, Raw>>();
  private readonly rows = new Map<TableName, Map<string, Rows[TableName]>>();

  constructor() {
    for (const t of TABLES) {
      this.raw.set(t, new Map());
      this.rows.set(t, new Map());
    }
  }

  /** Every row of `table`. */
  all<K extends TableName>(table: K): IterableIterator<Rows[K]> {
    return (this.rows.get(table) as Map<string, Rows[K]>).values();
  }

  get<K extends TableName>(table: K, uuid: string): Rows[K] | undefined {
    return (this.rows.get(table) as Map<string, Rows[K]>).get(uuid);
  }

  size(table: TableName): number {
    return this.rows.get(table)!.size;
  }

  /** Drops every row (before a new initial dump replaces them). */
  clear(): void {
    for (const t of TABLES) {
      this.raw.get(t)!.clear();
      this.rows.get(t)!.clear();
    }
  }

  /** Replace the whole content with a monitor reply's initial table-updates. */
  reset(updates: unknown): ApplyOutcome {
    const check = validate(updates);
    if (check) return { ok: false, error: check };
    const had = new Set(TABLES.filter((t) => this.size(t) > 0));
    this.clear();
    const r = this.applyValid(updates as Raw);
    return { ...r, changed: new Set([...had, ...r.changed]) };
  }

  /** Apply one `update` notification's table-updates. */
  apply(updates: unknown): ApplyOutcome {
    const check = validate(updates);
    if (check) return { ok: false, error: check };
    return this.applyValid(updates as Raw);
  }

  private applyValid(updates: Raw): { ok: true } & ApplyResult {
    const changed = new Set<TableName>();
    const rowErrors: string[] = [];
    for (const [table, rowsUpdate] of Object.entries(updates)) {
      if (!(TABLES as readonly string[]).includes(table)) continue;
      const t = table as TableName;
      const raws = this.raw.get(t)!;
      const typed = this.rows.get(t)!;
      for (const [uuid, change] of Object.entries(rowsUpdate as Raw)) {
        const next = (change as Raw).new;
        changed.add(t);
        if (next === undefined) {
          raws.delete(uuid);
          typed.delete(uuid);
          continue;
        }
        const merged = { ...raws.get(uuid), ...(next as Raw) };
        const row = decodeRow(t, uuid, merged);
        raws.set(uuid, merged);
        if (row.ok) typed.set(uuid, row.row);
        else {
          typed.delete(uuid);
          rowErrors.push(row.error);
        }
      }
    }
    return { ok: true, changed, rowErrors };
  }
}

/** Why a table-updates value has the wrong shape, or undefined when it is fine. */
function validate(updates: unknown): string | undefined {
  if (!isObject(updates)) return 'table-updates must be an object of tables';
  for (const [table, rows] of Object.entries(updates)) {
    if (!isObject(rows)) return `table-updates: "${table}" must be an object of rows`;
    for (const [uuid, change] of Object.entries(rows)) {
      if (!isObject(change)) return `table-updates: ${table} ${uuid} must be {old?, new?}`;
      if (change.new !== undefined && !isObject(change.new)) {
        return `table-updates: ${table} ${uuid}: "new" must be an object of columns`;
      }
    }
  }
  return undefined;
}
