// A chosen household ledger as the import page shows it: its CSV rows read as the registry reads them, numbered
// the same way, and each row error the dry run names put on its row and cell.

/** The ledger's columns as the registry's import knows them: code name, Chinese header, other accepted headers. */
export const LEDGER_COLUMNS = [
  { name: "household_number", header: "户编号", aliases: ["household_no", "number"] },
  { name: "jurisdiction_code", header: "所属网格", aliases: ["grid", "grid_code"] },
  { name: "address", header: "住址", aliases: [] },
  { name: "care_level", header: "户类别", aliases: [] },
  { name: "tags", header: "重点标签", aliases: ["vulnerable_tags"] },
  { name: "name", header: "姓名", aliases: [] },
  { name: "relationship", header: "与户主关系", aliases: ["relationship_to_head"] },
  { name: "id_number", header: "身份证号", aliases: ["national_id"] },
  { name: "gender", header: "性别", aliases: [] },
  { name: "birth_date", header: "出生日期", aliases: [] },
  { name: "phone", header: "联系电话", aliases: [] },
  { name: "population_type", header: "人口类型", aliases: [] },
  { name: "care_reason", header: "户类别原因", aliases: ["reason"] },
  { name: "helper_name", header: "帮扶人", aliases: ["helper"] },
  { name: "helper_phone", header: "帮扶人电话", aliases: [] },
] as const;

export type LedgerColumn = (typeof LEDGER_COLUMNS)[number]["name"];

export function isLedgerColumn(field: string): field is LedgerColumn {
  return LEDGER_COLUMNS.some((column) => column.name === field);
}

/** One error of the dry run (ImportRowError): the line (the header is line 1), the column's code name, why. */
export interface RowError {
  line: number;
  field: string;
  reason: string;
}

export interface LedgerRow {
  /** The record's number in the file, header included, as the registry counts it (blank records count too). */
  line: number;
  cells: string[];
}

export interface LedgerTable {
  header: string[];
  /** The column each header cell stands for, or null for a column the import ignores (such as remarks). */
  columns: (LedgerColumn | null)[];
  rows: LedgerRow[];
}

/** A CSV file's text: UTF-8 (a byte-order mark dropped), else GB18030 as spreadsheets save it on Chinese Windows. */
export function decodeLedger(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/**
 * The records of a CSV text as Python's csv reader gives them (the excel dialect): commas, double quotes with ""
 * for a quote, CRLF, LF or CR between records, newlines kept inside quotes; an empty line is an empty record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  let started = false; // whether the current record has any character yet
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"' && cell === "") {
      quoted = true;
      started = true;
    } else if (char === ",") {
      record.push(cell);
      cell = "";
      started = true;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      if (started || cell !== "") record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      started = false;
    } else {
      cell += char;
      started = true;
    }
  }
  if (started || cell !== "") {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/** The column a header cell names, accepted as the registry accepts it (case, spaces and aliases). */
export function columnOf(headerCell: string): LedgerColumn | null {
  const normal = headerCell.trim().toLowerCase().replace(/ /g, "_");
  const found = LEDGER_COLUMNS.find((column) => normal === column.name || normal === column.header.toLowerCase()
    || column.aliases.some((alias) => normal === alias.toLowerCase()));
  return found?.name ?? null;
}

/** A ledger's text as a table: its header and its data rows; rows with no filled cell are left out, as the import does. */
export function ledgerTable(text: string): LedgerTable {
  const [header = [], ...records] = parseCsv(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const rows: LedgerRow[] = [];
  records.forEach((cells, index) => {
    if (cells.some((cell) => cell.trim() !== "")) rows.push({ line: index + 2, cells });
  });
  return { header, columns: header.map(columnOf), rows };
}

/** The errors of one line: by the index of the header cell they concern, and those of no column shown. */
export interface LineErrors {
  byCell: Map<number, string[]>;
  ofRow: RowError[];
}

/**
 * The dry run's errors by line, each on the cell of its column; an error naming a column the file lacks stays with
 * the row. Where a header names a column twice, the import reads the last one, so its errors go there.
 */
export function errorsByLine(errors: readonly RowError[], columns: readonly (LedgerColumn | null)[]): Map<number, LineErrors> {
  const index = new Map<string, number>();
  columns.forEach((column, i) => {
    if (column !== null) index.set(column, i);
  });
  const result = new Map<number, LineErrors>();
  for (const error of errors) {
    let line = result.get(error.line);
    if (line === undefined) {
      line = { byCell: new Map(), ofRow: [] };
      result.set(error.line, line);
    }
    const cell = index.get(error.field);
    if (cell === undefined) {
      line.ofRow.push(error);
    } else {
      line.byCell.set(cell, [...(line.byCell.get(cell) ?? []), error.reason]);
    }
  }
  return result;
}

/**
 * The rows to draw: every row with an error, and the others up to ``limit`` rows in all (a 100,000-row ledger is
 * not drawn whole), in file order.
 */
export function rowsToShow(rows: readonly LedgerRow[], badLines: ReadonlySet<number>, limit: number): LedgerRow[] {
  let room = Math.max(0, limit - rows.filter((row) => badLines.has(row.line)).length);
  return rows.filter((row) => {
    if (badLines.has(row.line)) return true;
    if (room === 0) return false;
    room -= 1;
    return true;
  });
}

/** The file's bytes as base64, in slices, since one call of String.fromCharCode cannot take megabytes. */
export function bytesBase64(bytes: Uint8Array): string {
  const slice = 0x8000;
  let binary = "";
  for (let i = 0; i < bytes.length; i += slice) binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  return btoa(binary);
}

export type LedgerFormat = "CSV" | "XLSX";

/** The format a file's name says, or null for anything the import does not read. */
export function formatOf(fileName: string): LedgerFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "CSV";
  if (lower.endsWith(".xlsx")) return "XLSX";
  return null;
}
