// Deny-list CSV imports: one card per line, `cardId,reason[,note]`, an optional header line, RFC 4180 quotes.
import { DENY_REASONS, type DenyReason } from "./data.ts";

export interface DenyImportRow {
  line: number;
  id: string;
  reason: DenyReason;
  note?: string;
}

export interface DenyImportProblem {
  line: number;
  message: string;
}

/** Splits one CSV line into cells, honouring double quotes and doubled quotes inside them. */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

export function parseDenyCsv(text: string): { rows: DenyImportRow[]; problems: DenyImportProblem[] } {
  const rows: DenyImportRow[] = [];
  const problems: DenyImportProblem[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    const [id = "", reason = "", note] = csvCells(raw);
    const cardId = id.toLowerCase();
    if (index === 0 && !/^[0-9a-f]{16}$/.test(cardId) && /card/i.test(id)) return;
    if (!/^[0-9a-f]{16}$/.test(cardId)) {
      problems.push({ line, message: `"${id}" is not a card id (16 hexadecimal digits)` });
      return;
    }
    if (!(DENY_REASONS as readonly string[]).includes(reason)) {
      problems.push({ line, message: `"${reason}" is not one of ${DENY_REASONS.join(", ")}` });
      return;
    }
    if (seen.has(cardId)) return;
    seen.add(cardId);
    rows.push({ line, id: cardId, reason: reason as DenyReason, ...(note ? { note } : {}) });
  });
  return { rows, problems };
}
