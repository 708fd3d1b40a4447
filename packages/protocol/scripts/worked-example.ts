/**
 * Prints the worked example of docs/protocol.md ("Worked example") as Markdown: a card issued, topped up with
 * 5000 and debited 250, built with the real protocol functions from seeded keys, then taken apart byte by
 * byte. The terminals, card and times are those of the `two-slots` case in vectors/cards.json, and the script
 * checks that it reproduces that case's payload exactly.
 * Run: node packages/protocol/scripts/worked-example.ts [--write]  (--write replaces the section in the doc)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { CERTIFICATE_BYTES, decodeCertificate } from "../src/card/certificate.ts";
import { GENESIS_CHAIN } from "../src/card/chain.ts";
import {
  certificateOffset,
  HISTORY_ENTRY_BYTES,
  historyEntriesForSlot,
  OFFSET,
  signatureOffset,
} from "../src/card/layout-v1.ts";
import { splitPayload } from "../src/card/payload.ts";
import { cardImageFromRead, cardRecords } from "../src/card/read.ts";
import { chainFollows, verifySlotSignature } from "../src/card/slot.ts";
import type { CardState } from "../src/card/state.ts";
import { exportPublicKeyRaw, importPublicKeyRaw, sha256, verify } from "../src/crypto/ed25519.ts";
import {
  maskToOperations,
  type Operation,
  operationFromCode,
  ROLE_CEILING,
} from "../src/domain/operation.ts";
import { concatBytes, equalBytes, fromHex, tag, toHex } from "../src/encoding/bytes.ts";
import { verifyEventSignature } from "../src/events/index.ts";
import { applyOperation, type OperationRequest } from "../src/operations/apply.ts";
import { T0 } from "../src/testing/scheme.ts";
import { seededKeyPair, seededTerminal, seedOf } from "../src/testing/seeded-keys.ts";
import { type VerifyContext, verifyCard } from "../src/verify/verify-card.ts";
import { PAGE_SIZE, VirtualNtag } from "../src/virtual-card/index.ts";

const START = "<!-- worked-example:start -->";
const END = "<!-- worked-example:end -->";
const lines: string[] = [];
const say = (line = "") => lines.push(line);
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
const code = (text: string) => `\`${text}\``;
/** Hex wrapped at `width` bytes per line, for fenced blocks. */
const wrapHex = (bytes: Uint8Array, width = 32) => {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += width) out.push(toHex(bytes.subarray(i, i + width)));
  return out.join("\n");
};
const pageOf = (tlvByte: number) => 4 + Math.floor(tlvByte / PAGE_SIZE);

/** Wraps prose lines at 110 columns like the rest of the document; tables, headings and code stay as they are. */
function wrapProse(text: string[]): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text) {
    if (line.startsWith("```")) fenced = !fenced;
    if (fenced || line.length <= 110 || line.startsWith("|") || line.startsWith("#")) {
      out.push(line);
      continue;
    }
    let current = "";
    for (const word of line.split(" ")) {
      if (current && current.length + 1 + word.length > 110) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    out.push(current);
  }
  return out;
}

/** Pads Markdown tables to aligned columns, the way the rest of the document is formatted. */
function alignTables(text: string[]): string[] {
  const out: string[] = [];
  const width = (cell: string) => [...cell].length;
  let fenced = false;
  for (let i = 0; i < text.length; ) {
    const line = text[i]!;
    if (line.startsWith("```")) fenced = !fenced;
    if (fenced || !line.startsWith("|")) {
      out.push(line);
      i++;
      continue;
    }
    const rows: string[][] = [];
    for (; i < text.length && text[i]!.startsWith("|"); i++)
      rows.push(
        text[i]!.slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim()),
      );
    const isRule = (row: string[]) => row.every((cell) => /^-+$/.test(cell));
    const widths = rows[0]!.map((_, c) =>
      Math.max(3, ...rows.filter((row) => !isRule(row)).map((row) => width(row[c] ?? ""))),
    );
    for (const row of rows) {
      const cells = widths.map((w, c) =>
        isRule(row) ? "-".repeat(w) : `${row[c] ?? ""}${" ".repeat(w - width(row[c] ?? ""))}`,
      );
      out.push(`| ${cells.join(" | ")} |`);
    }
  }
  return out;
}

async function main() {
  // Keys and terminals exactly as scripts/generate-vectors.ts builds them.
  // Version 2 is a split key version (ADR 0004): its certificate key signs certificates, its grant key
  // (seed 22…22) signs grants only and plays no part on the card.
  const backend = await seededKeyPair(seedOf(0x02));
  const keys = new Map([[2, backend.publicKey]]);
  const context: VerifyContext = { keys, policy: { readableLayouts: [1], acceptedKeyVersions: [2] } };
  const policy = { balanceCap: 50_000, layouts: { write: 1 }, sessions: { required: false, entryFee: 0 } };

  const terminal = (number: number, seedByte: number, ops: readonly Operation[]) =>
    seededTerminal({
      terminalNumber: number,
      seedByte,
      operations: ops,
      backendKey: backend.privateKey,
      keyVersion: 2,
    });
  type Terminal = Awaited<ReturnType<typeof terminal>>;
  const station = await terminal(1, 0x11, ROLE_CEILING.station);
  const pos = await terminal(2, 0x12, ROLE_CEILING.pos);

  const uid = Uint8Array.from([0x04, 0x10, 0x20, 0x30, 0x40, 0x50, 0x03]);
  const card = new VirtualNtag({ model: "NTAG215", uid });
  const states: { label: string; state: CardState; terminal: Terminal }[] = [];
  let seq = 0;
  async function tap(t: Terminal, request: OperationRequest, now: number, label: string) {
    const read = card.read();
    const image = cardImageFromRead(read);
    const verdict = await verifyCard(image, context);
    const result = await applyOperation({
      verdict,
      uid: read.uid,
      payload: image.payload,
      request,
      terminal: t.credentials,
      grant: t.grant,
      policy,
      usage: { value: 0, count: 0 },
      now,
      event: { id: `evt-example-${++seq}`, seq },
    });
    if (!result.ok) throw new Error(`${label} refused: ${result.refusal.code}`);
    card.write(cardRecords(result.payload));
    states.push({ label, state: result.state, terminal: t });
    return result;
  }

  await tap(station, { op: "issue", cardId: "7e55e7a000000003" }, T0, "issue");
  await tap(station, { op: "topup", amount: 5000, authorisationId: "auth-3" }, T0, "top-up 5000");
  const debit = await tap(pos, { op: "debit", amount: 250, productId: "coffee" }, T0 + 60, "debit 250");

  const read = card.read();
  const image = cardImageFromRead(read);
  const payload = image.payload!;
  const verdict = await verifyCard(image, context);
  if (verdict.kind !== "valid") throw new Error(`unexpected verdict ${verdict.kind}`);
  const slots = splitPayload(payload)!;
  const h = historyEntriesForSlot(slots[0].length)!;
  const slot = slots[verdict.activeSlot];
  const state = verdict.state;
  const userMemory = card.readUserMemory();

  // The committed vector for this very card must be byte-identical.
  const vectors = JSON.parse(readFileSync(new URL("../vectors/cards.json", import.meta.url), "utf8")) as {
    cases: { name: string; payload: string | null }[];
  };
  const committed = vectors.cases.find((c) => c.name === "two-slots")?.payload;
  if (committed !== toHex(payload)) throw new Error("the example no longer matches vectors/cards.json");

  say("### Inputs");
  say();
  say("| what | value |");
  say("|---|---|");
  say(
    `| backend certificate key, version 2 | seed ${code(seedOf(0x02))}, public ${code(toHex(await exportPublicKeyRaw(backend.publicKey)))}; kid ${code("tessera-cert-2")} in the certificate key set (version 2's grant key signs no certificate) |`,
  );
  for (const t of [station, pos]) {
    const cert = decodeCertificate(t.credentials.certificate);
    say(
      `| terminal ${t.credentials.terminalNumber} device key | seed ${code(seedOf(t.seedByte))}, public ${code(toHex(await exportPublicKeyRaw(t.devicePublicKey)))}; certificate scope ${cert.operations.join(", ")}; valid ${iso(cert.validFrom)} to ${iso(cert.validUntil)} |`,
    );
  }
  say(`| chip | NTAG215, UID ${code(toHex(uid))} |`);
  say(`| card id | ${code(state.cardId)} |`);
  say(
    `| taps | issue by terminal 1 at ${iso(T0)} (${T0}); top-up 5000 by terminal 1 at ${iso(T0)}; debit 250 by terminal 2 at ${iso(T0 + 60)} (${T0 + 60}) |`,
  );
  say(`| grant | ${code("gseq")} 1 for both terminals |`);
  say();

  say("### The NDEF image on the chip");
  say();
  say(
    `A write puts ${18 + payload.length + 1} bytes into user memory from page 4 (18 bytes of NDEF header, the ${payload.length}-byte payload, the terminator). Byte by byte:`,
  );
  say();
  say("| TLV bytes | hex | meaning |");
  say("|---|---|---|");
  const hdr = userMemory.subarray(0, 18);
  say(`| 0 | ${code(toHex(hdr.subarray(0, 1)))} | NDEF TLV tag |`);
  say(
    `| 1..3 | ${code(toHex(hdr.subarray(1, 4)))} | 3-byte TLV length: ${(hdr[2]! << 8) | hdr[3]!} bytes of NDEF message |`,
  );
  say(
    `| 4 | ${code(toHex(hdr.subarray(4, 5)))} | record header: MB, ME, long record (SR clear), TNF 4 (external) |`,
  );
  say(`| 5 | ${code(toHex(hdr.subarray(5, 6)))} | type length 8 |`);
  say(
    `| 6..9 | ${code(toHex(hdr.subarray(6, 10)))} | payload length ${new DataView(hdr.buffer, hdr.byteOffset).getUint32(6)} |`,
  );
  say(`| 10..17 | ${code(toHex(hdr.subarray(10, 18)))} | type ${code("tsr.io:c")} |`);
  const slot1At = 18 + slots[0].length;
  const end = 18 + payload.length;
  say(
    `| 18..${slot1At - 1} | | slot 0 (pages ${pageOf(18)} to ${pageOf(slot1At - 1)}; page ${pageOf(18)} also holds TLV bytes 16 and 17) |`,
  );
  say(`| ${slot1At}..${end - 1} | | slot 1 (pages ${pageOf(slot1At)} to ${pageOf(end - 1)}) |`);
  say(`| ${end} | ${code(toHex(userMemory.subarray(end, end + 1)))} | terminator TLV |`);
  say(
    `| ${end + 1} | | spare (the capability container declares ${0x3e * 8} bytes, TLV bytes 0..${0x3e * 8 - 1}) |`,
  );
  say();
  say(
    `Slot 1 starts at TLV byte ${slot1At} = page ${pageOf(slot1At)} byte 0: no page holds bytes of both slots.`,
  );
  say();

  say(`### Slot ${verdict.activeSlot}: the state after the debit`);
  say();
  say("```text");
  say(wrapHex(slot));
  say("```");
  say();
  say("| offset | bytes | field | decoded |");
  say("|---|---|---|---|");
  const row = (from: number, to: number, field: string, decoded: string) =>
    say(
      `| ${from}${to - from > 1 ? `..${to - 1}` : ""} | ${code(toHex(slot.subarray(from, to)))} | ${field} | ${decoded} |`,
    );
  const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
  row(0, 1, "layout", `${slot[0]}`);
  const sf = slot[1]!;
  row(
    1,
    2,
    "status and flags",
    `status ${sf & 7} (${state.status}); recovered ${(sf & 0x08) !== 0}, restored ${(sf & 0x10) !== 0}, issued ${(sf & 0x20) !== 0}`,
  );
  row(2, 10, "card id", state.cardId);
  row(10, 14, "counter", `${state.counter}`);
  row(14, 18, "balance", `${state.balance}`);
  const sessionAge = view.getUint16(OFFSET.sessionAge);
  row(18, 20, "session age", sessionAge === 0xffff ? "0xFFFF: no session" : `${sessionAge} min`);
  row(20, 21, "session zone", `${slot[20]}`);
  row(21, 25, "writtenAt", `${state.writtenAt} (${iso(state.writtenAt)})`);
  row(25, 27, "grant sequence", `${state.grantSeq}`);
  row(27, 43, "chain head", "see below");
  for (let i = 0; i < h; i++) {
    const at = OFFSET.history + i * HISTORY_ENTRY_BYTES;
    const op = slot[at]!;
    const amount = (slot[at + 1]! << 16) | view.getUint16(at + 2);
    const age = view.getUint16(at + 4);
    row(
      at,
      at + HISTORY_ENTRY_BYTES,
      `history[${i}]`,
      op === 0
        ? "empty"
        : `${operationFromCode(op)} (code ${op}), amount ${amount}, ${age} min before writtenAt (${iso(state.writtenAt - age * 60)})`,
    );
  }
  const certAt = certificateOffset(h);
  const sigAt = signatureOffset(h);
  say(
    `| ${certAt}..${certAt + CERTIFICATE_BYTES - 1} | (${CERTIFICATE_BYTES} bytes) | certificate | see the next table |`,
  );
  say(
    `| ${sigAt}..${sigAt + 63} | (64 bytes) | terminal signature | Ed25519 by terminal 2's device key, below |`,
  );
  say();
  say(`Total: ${slot.length} bytes. The terminal signature:`);
  say();
  say("```text");
  say(wrapHex(slot.subarray(sigAt, sigAt + 64)));
  say("```");
  say();

  say(`Its certificate, slot bytes ${certAt}..${certAt + CERTIFICATE_BYTES - 1}:`);
  say();
  const certBytes = slot.subarray(certAt, certAt + CERTIFICATE_BYTES);
  const cert = decodeCertificate(certBytes);
  const cv = new DataView(certBytes.buffer, certBytes.byteOffset, certBytes.byteLength);
  say("| offset | bytes | field | decoded |");
  say("|---|---|---|---|");
  const crow = (from: number, to: number, field: string, decoded: string) =>
    say(`| ${from}..${to - 1} | ${code(toHex(certBytes.subarray(from, to)))} | ${field} | ${decoded} |`);
  crow(0, 3, "terminal number", `${cert.terminalNumber}`);
  crow(
    3,
    5,
    "scope mask",
    `0x${cv.getUint16(3).toString(16).padStart(4, "0")}: ${maskToOperations(cv.getUint16(3)).join(", ")}`,
  );
  crow(5, 8, "validFrom (hours)", `${cert.validFrom / 3600} h = ${cert.validFrom} (${iso(cert.validFrom)})`);
  crow(8, 10, "validity (hours)", `${cert.validHours}, so valid until ${iso(cert.validUntil)}`);
  say(`| 10 | ${code(toHex(certBytes.subarray(10, 11)))} | backend key version | ${cert.keyVersion} |`);
  crow(11, 43, "device public key", "terminal 2's Ed25519 public key");
  say("| 43..106 | (64 bytes) | backend signature | Ed25519 by version 2's certificate key, below |");
  say();
  say("```text");
  say(wrapHex(cert.signature));
  say("```");
  say();

  say("### Signature inputs");
  say();
  const certTag = tag("tessera.cert.v1");
  const certInput = concatBytes(certTag, certBytes.subarray(0, 43));
  const certOk = await verify(backend.publicKey, cert.signature, certInput);
  say(
    `Certificate (${certInput.length} bytes = ${certTag.length}-byte tag + certificate bytes 0..42), verified with version 2's certificate key: ${certOk}`,
  );
  say();
  say("```text");
  say(`${toHex(certTag)}  "tessera.cert.v1\\0"`);
  say(wrapHex(certBytes.subarray(0, 43)));
  say("```");
  say();
  const cardTag = tag("tessera.card.v1");
  const slotInput = concatBytes(cardTag, uid, slot.subarray(0, sigAt));
  const devicePublic = await importPublicKeyRaw(cert.publicKey);
  const slotOk = await verify(devicePublic, slot.subarray(sigAt, sigAt + 64), slotInput);
  say(
    `Slot (${slotInput.length} bytes = ${cardTag.length}-byte tag + 7-byte UID + slot bytes 0..${sigAt - 1}), verified with the certificate's device key: ${slotOk}`,
  );
  say();
  say("```text");
  say(`${toHex(cardTag)}  "tessera.card.v1\\0"`);
  say(`${toHex(uid)}  chip UID`);
  say(wrapHex(slot.subarray(0, sigAt)));
  say("```");
  say();
  const otherUid = Uint8Array.from([0x04, 0x10, 0x20, 0x30, 0x40, 0x50, 0x04]);
  say(
    `The same slot checked against UID ${code(toHex(otherUid))} (a byte-for-byte copy on another chip): ${await verifySlotSignature(state, otherUid)}.`,
  );
  say();

  say("### Chain heads");
  say();
  say(
    "Each head is the first 16 bytes of SHA-256(`tessera.chain.v1\\0` | previous head | slot bytes 0..26 | " +
      "history[0] bytes 0..3 | writer terminal number as uint32).",
  );
  say();
  say("| state | previous head | slot bytes 0..26 | history[0] 0..3 | writer | new head |");
  say("|---|---|---|---|---|---|");
  const chainTag = tag("tessera.chain.v1");
  let previous: Uint8Array = GENESIS_CHAIN;
  for (const { label, state: s } of states) {
    const b = s.bytes;
    const writer = new Uint8Array(4);
    new DataView(writer.buffer).setUint32(0, s.certificate.terminalNumber);
    const input = concatBytes(
      chainTag,
      previous,
      b.subarray(0, OFFSET.chain),
      b.subarray(OFFSET.history, OFFSET.history + 4),
      writer,
    );
    const head = (await sha256(input)).slice(0, 16);
    if (!equalBytes(head, fromHex(s.chain)) || !(await chainFollows(s, previous)))
      throw new Error(`chain of ${label} does not recompute`);
    say(
      `| ${label} (counter ${s.counter}) | ${code(toHex(previous))} | ${code(toHex(b.subarray(0, OFFSET.chain)))} | ${code(toHex(b.subarray(OFFSET.history, OFFSET.history + 4)))} | ${code(toHex(writer))} | ${code(s.chain)} |`,
    );
    previous = fromHex(s.chain);
  }
  say();
  const last = states[states.length - 1]!.state;
  const lastWriter = new Uint8Array(4);
  new DataView(lastWriter.buffer).setUint32(0, last.certificate.terminalNumber);
  const lastInput = concatBytes(
    chainTag,
    fromHex(states[1]!.state.chain),
    last.bytes.subarray(0, OFFSET.chain),
    last.bytes.subarray(OFFSET.history, OFFSET.history + 4),
    lastWriter,
  );
  say(`The debit's chain input in full (${lastInput.length} bytes):`);
  say();
  say("```text");
  say(wrapHex(lastInput));
  say("```");
  say();
  say(`SHA-256: ${code(toHex(await sha256(lastInput)))}; the first 16 bytes are slot bytes 27..42.`);
  say();

  say("### Verdict");
  say();
  const other = states[1]!.state;
  say("```json");
  const compact = (json: string) =>
    json.replace(
      /\{\n\s+"op": (.*),\n\s+"amount": (.*),\n\s+"at": (.*)\n\s+\}/g,
      '{ "op": $1, "amount": $2, "at": $3 }',
    );
  say(
    compact(
      JSON.stringify(
        {
          kind: verdict.kind,
          activeSlot: verdict.activeSlot,
          slots: verdict.slots,
          recovered: verdict.recovered,
          state: {
            cardId: state.cardId,
            counter: state.counter,
            balance: state.balance,
            status: state.status,
            chain: state.chain,
            writtenAt: state.writtenAt,
            terminalNumber: state.certificate.terminalNumber,
            keyVersion: state.certificate.keyVersion,
            history: state.history.map((e) => ({ op: e.op, amount: e.amount, at: e.at })),
          },
        },
        null,
        2,
      ),
    ).replace(/"slots": \[\n\s+(".*"),\n\s+(".*")\n\s+\]/, '"slots": [$1, $2]'),
  );
  say("```");
  say();
  say(
    `Slot ${verdict.activeSlot === 0 ? 1 : 0} holds the top-up state (counter ${other.counter}, balance ${other.balance}, chain ${code(other.chain)}); ` +
      `the debit state succeeds it: counter +1, chain recomputes from it, ${other.balance} − 250 = ${state.balance}, ` +
      "and its history[1..] repeats the top-up's history[0..]. The next write goes into slot " +
      `${verdict.activeSlot === 0 ? 1 : 0}.`,
  );
  say();
  const eventOk = await verifyEventSignature(debit.event, devicePublic);
  say(
    `The debit's event (signature valid: ${eventOk}) names counter ${debit.event.card.counterBefore} → ${debit.event.card.counterAfter}, ` +
      `balance ${debit.event.card.balanceBefore} → ${debit.event.card.balanceAfter}, chain ${code(debit.event.card.chainBefore ?? "")} → ` +
      `${code(debit.event.card.chainAfter)}, and carries the slot above as ${code("card.slot")} (base64url).`,
  );
  say();
  say("The payload is byte for byte the `two-slots` case of `packages/protocol/vectors/cards.json`.");

  const markdown = alignTables(wrapProse(lines)).join("\n");
  if (!process.argv.includes("--write")) {
    console.log(markdown);
    return;
  }
  const doc = new URL("../../../docs/protocol.md", import.meta.url);
  const text = readFileSync(doc, "utf8");
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/protocol.md lacks the ${START} … ${END} markers`);
  writeFileSync(doc, `${text.slice(0, from + START.length)}\n\n${markdown}\n\n${text.slice(to)}`);
  console.log("updated the worked example in docs/protocol.md");
}

await main();
