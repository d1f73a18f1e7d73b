import type { Row, TableSchema, Value } from '../../core/event.ts';
import { decoderFor, type ColumnDecoder, type DecoderOptions } from './column-decoder.ts';

/** The parts of the reader's TableMap event Sluice uses. */
export interface TableMapInfo {
  readonly tableId: number;
  readonly schemaName: string;
  readonly tableName: string;
  readonly primaryKey?: readonly number[];
  readonly tableMap: Record<number, { columnSchemas: readonly { COLUMN_NAME: string; COLUMN_TYPE: string }[] }>;
}

export interface TableVersion {
  readonly schema: TableSchema;
  /** Decodes one raw row in place of a copy: returns a new object with lossless values. */
  decode(raw: Record<string, unknown>): Row;
}

/**
 * Table versions by binlog table id. A table id changes with every ALTER, and with
 * binlog_row_metadata=FULL each TableMap describes the schema the rows were written with.
 */
export class TableRegistry {
  private readonly byId = new Map<number, TableVersion>();
  private readonly options: DecoderOptions;
  private readonly jsonColumns: (db: string, table: string) => ReadonlySet<string>;

  constructor(options: DecoderOptions, jsonColumns: (db: string, table: string) => ReadonlySet<string>) {
    this.options = options;
    this.jsonColumns = jsonColumns;
  }

  get(tableId: number): TableVersion | undefined {
    return this.byId.get(tableId);
  }

  /** Registers (or re-registers, after DDL) the table of a TableMap event. */
  register(event: TableMapInfo): TableVersion {
    const known = this.byId.get(event.tableId);
    if (known) return known;
    const columnSchemas = event.tableMap[event.tableId]?.columnSchemas ?? [];
    const json = this.jsonColumns(event.schemaName, event.tableName);
    const columns = columnSchemas.map((c) => ({ name: c.COLUMN_NAME, type: c.COLUMN_TYPE.toLowerCase() }));
    const schema: TableSchema = Object.freeze({
      db: event.schemaName,
      table: event.tableName,
      columns,
      primaryKey: (event.primaryKey ?? []).map((i) => columns[i]?.name).filter((n): n is string => n !== undefined),
    });
    const names = columns.map((c) => c.name);
    const decoders: ColumnDecoder[] = columns.map((c) => decoderFor(c.type, this.options, json.has(c.name)));
    const version: TableVersion = {
      schema,
      decode(raw) {
        const out: Record<string, Value> = {};
        for (let i = 0; i < names.length; i++) {
          const name = names[i]!;
          const v = raw[name];
          const d = decoders[i];
          out[name] = v === null || v === undefined ? null : d ? d(v) : (v as Value);
        }
        return out;
      },
    };
    this.byId.set(event.tableId, version);
    return version;
  }
}
