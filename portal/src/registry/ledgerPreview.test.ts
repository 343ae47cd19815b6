import { describe, expect, it } from "vitest";
import { base64Bytes } from "../ui/download";
import { bytesBase64, columnOf, decodeLedger, errorsByLine, formatOf, ledgerTable, parseCsv, rowsToShow,
  type LedgerRow } from "./ledgerPreview";

describe("parseCsv", () => {
  it("reads records as Python's csv reader does", () => {
    expect(parseCsv("a,b\r\n1,2\n3,\r4,5")).toEqual([["a", "b"], ["1", "2"], ["3", ""], ["4", "5"]]);
    expect(parseCsv('"x,y","say ""hi""",plain\n')).toEqual([["x,y", 'say "hi"', "plain"]]);
    expect(parseCsv('"two\nlines",z\nnext')).toEqual([["two\nlines", "z"], ["next"]]);
    expect(parseCsv("a\n\nb\n")).toEqual([["a"], [], ["b"]]);
    expect(parseCsv('"q"tail,a"b')).toEqual([["qtail", 'a"b']]);
    expect(parseCsv("")).toEqual([]);
  });
});

describe("ledgerTable", () => {
  it("numbers rows as the import does: the header is line 1, blank records count but are not rows", () => {
    const table = ledgerTable("\uFEFF户编号,姓名,Remarks,National ID\nH1,张三,,110\n\n,,,\nH2,李四,x,\"12\n3\"\n");
    expect(table.header).toEqual(["户编号", "姓名", "Remarks", "National ID"]);
    expect(table.columns).toEqual(["household_number", "name", null, "id_number"]);
    expect(table.rows).toEqual([{ line: 2, cells: ["H1", "张三", "", "110"] },
      { line: 5, cells: ["H2", "李四", "x", "12\n3"] }]);
  });

  it("accepts the headers the registry accepts", () => {
    expect(columnOf(" 身份证号 ")).toBe("id_number");
    expect(columnOf("Household No")).toBe("household_number");
    expect(columnOf("GRID_CODE")).toBe("jurisdiction_code");
    expect(columnOf("问题")).toBeNull();
  });
});

describe("decodeLedger", () => {
  it("reads UTF-8 with or without its byte-order mark, else GB18030", () => {
    const utf8 = new TextEncoder().encode("\uFEFF户编号,姓名");
    expect(decodeLedger(utf8)).toBe("户编号,姓名");
    // 户编号 in GB18030, as a spreadsheet saves it on Chinese Windows.
    expect(decodeLedger(new Uint8Array([0xbb, 0xa7, 0xb1, 0xe0, 0xba, 0xc5]))).toBe("户编号");
  });
});

describe("errorsByLine", () => {
  const columns = ["household_number", "name", null, "id_number", "name"] as const;

  it("puts each error on its line and the cell of its column", () => {
    const byLine = errorsByLine([
      { line: 3, field: "id_number", reason: "check character is 0, expected 9" },
      { line: 3, field: "id_number", reason: "duplicates the national ID on line 2" },
      { line: 3, field: "gender", reason: "is required" },
      { line: 7, field: "name", reason: "is required" },
    ], columns);
    expect([...byLine.keys()]).toEqual([3, 7]);
    expect(byLine.get(3)?.byCell.get(3)).toEqual(["check character is 0, expected 9",
      "duplicates the national ID on line 2"]);
    // The file has no gender column: the error stays with the row.
    expect(byLine.get(3)?.ofRow).toEqual([{ line: 3, field: "gender", reason: "is required" }]);
    // A column named twice is read from its last cell, so its error goes there.
    expect(byLine.get(7)?.byCell.get(4)).toEqual(["is required"]);
    expect(byLine.get(7)?.byCell.has(1)).toBe(false);
  });
});

describe("rowsToShow", () => {
  const rows: LedgerRow[] = Array.from({ length: 10 }, (_, i) => ({ line: i + 2, cells: [String(i)] }));

  it("keeps every bad row and fills up to the limit with the others, in file order", () => {
    expect(rowsToShow(rows, new Set([9, 11]), 4).map((row) => row.line)).toEqual([2, 3, 9, 11]);
    expect(rowsToShow(rows, new Set([5, 6, 7]), 2).map((row) => row.line)).toEqual([5, 6, 7]);
    expect(rowsToShow(rows, new Set(), 100)).toHaveLength(10);
  });
});

describe("bytesBase64", () => {
  it("round-trips any bytes, files over one slice included", () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    expect(base64Bytes(bytesBase64(bytes))).toEqual(bytes);
    expect(bytesBase64(new TextEncoder().encode("户"))).toBe(btoa("\xe6\x88\xb7"));
  });
});

describe("formatOf", () => {
  it("tells the format by the file's name", () => {
    expect(formatOf("台账.CSV")).toBe("CSV");
    expect(formatOf("ledger.xlsx")).toBe("XLSX");
    expect(formatOf("ledger.xls")).toBeNull();
  });
});
