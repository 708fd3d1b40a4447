import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSummary, type SimulationReport } from "./report.ts";

// A real run's report (docs/simulation.md, "A large run"), so the summary is read against the shape runs write.
const recorded = JSON.parse(
  readFileSync(new URL("../../../docs/large-run.json", import.meta.url), "utf8"),
) as SimulationReport;

const conservationLine = (recoveredByTears: number) =>
  formatSummary({ ...recorded, conservation: { ...recorded.conservation, recoveredByTears } })
    .split("\n")
    .find((line) => line.startsWith("Conservation"));

describe("the run's summary", () => {
  it("writes the value tears moved as a term of the sum, with its sign", () => {
    const { cards, topups, debits } = recorded.conservation;
    expect(conservationLine(1_050)).toBe(
      `Conservation OK: cards ${cards}, ledger ${recorded.conservation.ledger}, expected ${recorded.conservation.expected} (top-ups ${topups} − debits ${debits} + 1050 given back by tears)`,
    );
    expect(conservationLine(-4_000)).toContain(`− debits ${debits} − 4000 taken back by tears)`);
    expect(conservationLine(0)).toContain("+ 0 given back by tears)");
  });

  it("says BROKEN when value is unaccounted for", () => {
    const broken = { ...recorded, conservation: { ...recorded.conservation, ok: false } };
    expect(formatSummary(broken)).toContain("Conservation BROKEN:");
  });
});
