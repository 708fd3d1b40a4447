/**
 * The Web NFC card transport (Chrome on Android): NDEFReader scans, each "reading" event is a card in the
 * field, and writes go through NDEFReader.write. Web NFC names records by type string and hands over the
 * chip's serial number, which is all a Tessera card needs (the record type and the UID-bound signatures).
 */
import {
  type CardReadResult,
  type CardTransport,
  fromHex,
  type NdefRecord,
  TESSERA_RECORD_TYPE,
  TNF,
} from "@tessera/protocol";
import { abortError, type CardPresenter } from "./card-presenter.ts";

/** The parts of the Web NFC API used here; TypeScript's DOM library does not describe it yet. */
interface WebNfcRecord {
  recordType: string;
  mediaType?: string;
  id?: string;
  data?: DataView;
}
interface WebNfcReadingEvent extends Event {
  serialNumber: string;
  message: { records: WebNfcRecord[] };
}
interface WebNfcReader extends EventTarget {
  scan(options?: { signal?: AbortSignal }): Promise<void>;
  write(
    message: { records: { recordType: string; data: BufferSource }[] },
    options?: { overwrite?: boolean; signal?: AbortSignal },
  ): Promise<void>;
}
type WebNfcReaderConstructor = new () => WebNfcReader;

/** How long a read-back waits for the same card to be seen again after a write. */
const READ_BACK_MS = 3_000;

export function webNfcAvailable(): boolean {
  return typeof window !== "undefined" && "NDEFReader" in window;
}

const encoder = new TextEncoder();

/** A Web NFC record as the card codec's NdefRecord; anything but an external type keeps its bytes only. */
export function toNdefRecord(record: WebNfcRecord): NdefRecord {
  const payload = record.data
    ? new Uint8Array(record.data.buffer, record.data.byteOffset, record.data.byteLength).slice()
    : new Uint8Array();
  // External types are "domain:type" strings in Web NFC; that is how a Tessera record arrives.
  if (record.recordType.includes(":")) {
    return { tnf: TNF.external, type: encoder.encode(record.recordType), payload };
  }
  if (record.recordType === "mime" && record.mediaType) {
    return { tnf: TNF.media, type: encoder.encode(record.mediaType), payload };
  }
  if (record.recordType === "empty")
    return { tnf: TNF.empty, type: new Uint8Array(), payload: new Uint8Array() };
  return { tnf: TNF.unknown, type: new Uint8Array(), payload };
}

function uidFromSerial(serialNumber: string): Uint8Array {
  return fromHex(serialNumber.replaceAll(":", "").toLowerCase());
}

export function readResultFromEvent(event: WebNfcReadingEvent): CardReadResult {
  const identity = { serialNumber: event.serialNumber, uid: uidFromSerial(event.serialNumber) };
  const records = event.message.records;
  if (records.length === 0) return { kind: "empty", ...identity };
  try {
    return { kind: "ndef", records: records.map(toNdefRecord), ...identity };
  } catch (error) {
    return {
      kind: "unreadable",
      reason: error instanceof Error ? error.message : String(error),
      ...identity,
    };
  }
}

/** Reads and writes the card of one reading event; a later read waits for the same card to come round again. */
class WebNfcCardTransport implements CardTransport {
  readonly #presenter: WebNfcPresenter;
  #first: CardReadResult | undefined;
  readonly #serialNumber: string;

  constructor(presenter: WebNfcPresenter, first: CardReadResult) {
    this.#presenter = presenter;
    this.#first = first;
    this.#serialNumber = first.serialNumber;
  }

  async read(): Promise<CardReadResult> {
    const first = this.#first;
    if (first) {
      this.#first = undefined;
      return first;
    }
    return this.#presenter.readAgain(this.#serialNumber);
  }

  async write(records: NdefRecord[]): Promise<void> {
    const tessera = records.map((record) => {
      const recordType = new TextDecoder().decode(record.type);
      if (record.tnf !== TNF.external || recordType !== TESSERA_RECORD_TYPE) {
        throw new Error(`Web NFC writes only the Tessera record, not ${recordType || `TNF ${record.tnf}`}`);
      }
      return { recordType, data: record.payload.slice() as Uint8Array<ArrayBuffer> };
    });
    await this.#presenter.reader.write({ records: tessera }, { overwrite: true });
  }
}

export class WebNfcPresenter implements CardPresenter {
  readonly source = "web-nfc" as const;
  readonly reader: WebNfcReader;
  #scanning: Promise<void> | undefined;
  #waiters = new Set<(event: WebNfcReadingEvent) => void>();

  constructor() {
    const Reader = (window as unknown as { NDEFReader: WebNfcReaderConstructor }).NDEFReader;
    this.reader = new Reader();
    this.reader.addEventListener("reading", (event) => {
      for (const waiter of [...this.#waiters]) waiter(event as WebNfcReadingEvent);
    });
  }

  /** Starts scanning once; the browser asks for NFC permission on the first call. */
  #scan(): Promise<void> {
    this.#scanning ??= this.reader.scan().catch((error: unknown) => {
      this.#scanning = undefined;
      throw error;
    });
    return this.#scanning;
  }

  #nextReading(
    signal: AbortSignal,
    accept: (event: WebNfcReadingEvent) => boolean,
  ): Promise<WebNfcReadingEvent> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError());
      const waiter = (event: WebNfcReadingEvent) => {
        if (!accept(event)) return;
        this.#waiters.delete(waiter);
        resolve(event);
      };
      this.#waiters.add(waiter);
      signal.addEventListener(
        "abort",
        () => {
          this.#waiters.delete(waiter);
          reject(abortError());
        },
        { once: true },
      );
      this.#scan().catch((error: unknown) => {
        this.#waiters.delete(waiter);
        reject(error);
      });
    });
  }

  async nextCard(signal: AbortSignal): Promise<CardTransport> {
    const event = await this.#nextReading(signal, () => true);
    return new WebNfcCardTransport(this, readResultFromEvent(event));
  }

  /** The read-back after a write: the same chip seen again within a few seconds, or the write stays unconfirmed. */
  async readAgain(serialNumber: string): Promise<CardReadResult> {
    const event = await this.#nextReading(
      AbortSignal.timeout(READ_BACK_MS),
      (seen) => seen.serialNumber === serialNumber,
    );
    return readResultFromEvent(event);
  }
}
