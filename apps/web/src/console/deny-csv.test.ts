import { describe, expect, it } from "vitest";
import { csvCells, parseDenyCsv } from "./deny-csv.ts";

describe("deny-list CSV import", () => {
  it("reads cards with reasons and notes, skipping the header and repeats", () => {
    const { rows, problems } = parseDenyCsv(
      'cardId,reason,note\n04A1B2C3D4E5F601,lost,"Left at gate 3, reported"\n\n04a1b2c3d4e5f601,stolen\n0011223344556677,fraud\n',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, id: "04a1b2c3d4e5f601", reason: "lost", note: "Left at gate 3, reported" },
      { line: 5, id: "0011223344556677", reason: "fraud" },
    ]);
  });

  it("names the line of every bad id or reason and imports nothing from it", () => {
    const { rows, problems } = parseDenyCsv("nothex,lost\n0011223344556677,whatever\n");
    expect(rows).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
  });

  it("undoubles quotes inside quoted cells", () => {
    expect(csvCells('a,"say ""hi""",c')).toEqual(["a", 'say "hi"', "c"]);
  });
});
