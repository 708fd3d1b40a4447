/**
 * Demo mode's pocket of virtual cards (VirtualNtag), kept in this browser's localStorage so they survive
 * reloads and browser restarts like plastic cards survive a terminal reboot. Every write is saved in the same
 * task that made it, before the terminal reads the card back, so what the terminal confirmed is what is kept.
 * Cards stay until removed; the terminal page and the balance view share them.
 */
import type { CardReadResult, CardTransport, NdefRecord } from "@tessera/protocol";
import { fromHex, toHex } from "@tessera/protocol";
import { type NtagModel, VirtualCardTransport, VirtualNtag } from "@tessera/protocol/virtual-card";
import { abortError, type CardPresenter } from "./card-presenter.ts";

export const DEMO_WALLET_STORAGE_KEY = "tessera.demo-wallet.v1";
/** More would make the card picker useless; a demo needs a handful. */
const MAX_CARDS = 24;

export interface DemoCardView {
  id: string;
  /** Shown as "Card 7"; numbers are never reused, so a removed card's name is not met again. */
  number: number;
  /** The number of the card this one was cloned from. */
  copyOf: number | null;
  /** A clone onto a chip that fakes the original's serial number (a "magic" chip). */
  sameSerial: boolean;
  model: NtagModel;
  serialNumber: string;
}

interface StoredCard {
  id: string;
  number: number;
  copyOf: number | null;
  sameSerial?: boolean;
  model: NtagModel;
  uid: string;
  memory: string;
}

interface StoredWallet {
  cards: StoredCard[];
  nextNumber: number;
}

export interface DemoWalletSnapshot {
  cards: readonly DemoCardView[];
  /** The next write to a card is torn halfway, as if the card were pulled away. */
  tearNextWrite: boolean;
  /** The card an operation waits for, when one does. */
  waiting: boolean;
}

function storage(): Storage | undefined {
  return typeof localStorage === "undefined" ? undefined : localStorage;
}

function loadStored(): StoredWallet {
  try {
    const raw = storage()?.getItem(DEMO_WALLET_STORAGE_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as StoredWallet;
      if (Array.isArray(parsed.cards) && typeof parsed.nextNumber === "number") return parsed;
    }
  } catch {
    // A damaged wallet starts empty rather than breaking the terminal.
  }
  return { cards: [], nextNumber: 1 };
}

function view(card: StoredCard): DemoCardView {
  return {
    id: card.id,
    number: card.number,
    copyOf: card.copyOf,
    sameSerial: card.sameSerial === true,
    model: card.model,
    serialNumber: card.uid.match(/../g)?.join(":") ?? card.uid,
  };
}

export class DemoWallet implements CardPresenter {
  readonly source = "demo" as const;
  #stored: StoredWallet = loadStored();
  #snapshot: DemoWalletSnapshot;
  #tearNextWrite = false;
  #waiter: ((transport: CardTransport) => void) | undefined;
  readonly #listeners = new Set<() => void>();

  constructor() {
    this.#snapshot = this.#makeSnapshot();
    if (typeof window !== "undefined") {
      // Another tab (the balance view, say) changed the cards: show what is really in the pocket.
      window.addEventListener("storage", (event) => {
        if (event.key !== DEMO_WALLET_STORAGE_KEY) return;
        this.#stored = loadStored();
        this.#publish();
      });
    }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): DemoWalletSnapshot => this.#snapshot;

  #makeSnapshot(): DemoWalletSnapshot {
    return {
      cards: this.#stored.cards.map(view),
      tearNextWrite: this.#tearNextWrite,
      waiting: this.#waiter !== undefined,
    };
  }

  #publish(): void {
    this.#snapshot = this.#makeSnapshot();
    for (const listener of [...this.#listeners]) listener();
  }

  #save(): void {
    storage()?.setItem(DEMO_WALLET_STORAGE_KEY, JSON.stringify(this.#stored));
  }

  #add(card: VirtualNtag, copyOf: number | null, sameSerial = false): DemoCardView {
    if (this.#stored.cards.length >= MAX_CARDS)
      throw new Error(`the demo wallet holds at most ${MAX_CARDS} cards`);
    const number = this.#stored.nextNumber;
    const stored: StoredCard = {
      // A chip's serial names it, except a second chip with the same serial, which its number tells apart.
      id: sameSerial ? `${toHex(card.uid)}-${number}` : toHex(card.uid),
      number,
      copyOf,
      ...(sameSerial ? { sameSerial } : {}),
      model: card.model,
      uid: toHex(card.uid),
      memory: toHex(card.snapshot().memory),
    };
    this.#stored = { cards: [...this.#stored.cards, stored], nextNumber: this.#stored.nextNumber + 1 };
    this.#save();
    this.#publish();
    return view(stored);
  }

  /** A factory-blank card, ready to be issued at a station. */
  addBlankCard(model: NtagModel = "NTAG215"): DemoCardView {
    return this.#add(new VirtualNtag({ model }), null);
  }

  /**
   * The clone attack: the card's memory copied byte for byte onto a new chip — one with a UID of its own
   * (every signature on the copy then fails), or with `sameSerial` one that fakes the original's UID, so the
   * copy reads as the card itself until its counter gives it away.
   */
  cloneCard(id: string, { sameSerial = false }: { sameSerial?: boolean } = {}): DemoCardView {
    const source = this.#card(id);
    const original = this.#stored.cards.find((card) => card.id === id);
    return this.#add(
      source.cloneTo(sameSerial ? source.uid : undefined),
      original?.number ?? null,
      sameSerial,
    );
  }

  removeCard(id: string): void {
    this.#stored = { ...this.#stored, cards: this.#stored.cards.filter((card) => card.id !== id) };
    this.#save();
    this.#publish();
  }

  setTearNextWrite(tear: boolean): void {
    this.#tearNextWrite = tear;
    this.#publish();
  }

  #card(id: string): VirtualNtag {
    const stored = this.#stored.cards.find((card) => card.id === id);
    if (!stored) throw new Error(`no demo card ${id}`);
    return VirtualNtag.fromSnapshot({
      model: stored.model,
      uid: fromHex(stored.uid),
      memory: fromHex(stored.memory),
    });
  }

  #persist(id: string, card: VirtualNtag): void {
    const memory = toHex(card.snapshot().memory);
    this.#stored = {
      ...this.#stored,
      cards: this.#stored.cards.map((stored) => (stored.id === id ? { ...stored, memory } : stored)),
    };
    this.#save();
  }

  /** A transport for one card of the wallet: reads it, writes it (tearing once if asked) and saves each write. */
  transportFor(id: string): CardTransport {
    const transport = new VirtualCardTransport(this.#card(id));
    return {
      read: async (): Promise<CardReadResult> => transport.read(),
      write: async (records: NdefRecord[]): Promise<void> => {
        if (this.#tearNextWrite) {
          this.#tearNextWrite = false;
          // Halfway through is where a tear hurts most: the new slot is partly written.
          transport.nextTear = {
            atPage: Math.floor(transport.card.writeSequenceLength(records) / 2),
            model: "cut",
          };
          this.#publish();
        }
        try {
          await transport.write(records);
        } finally {
          // Saved whether or not the write tore: a torn card keeps its half-written pages, as a real one would.
          this.#persist(id, transport.card);
        }
      },
    };
  }

  /** Presents a card to whoever waits in nextCard (the operator clicked it in the wallet). */
  present(id: string): boolean {
    const waiter = this.#waiter;
    if (!waiter) return false;
    this.#waiter = undefined;
    this.#publish();
    waiter(this.transportFor(id));
    return true;
  }

  nextCard(signal: AbortSignal): Promise<CardTransport> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError());
      this.#waiter = resolve;
      this.#publish();
      signal.addEventListener(
        "abort",
        () => {
          if (this.#waiter !== resolve) return;
          this.#waiter = undefined;
          this.#publish();
          reject(abortError());
        },
        { once: true },
      );
    });
  }
}

let wallet: DemoWallet | undefined;

/** The page's one demo wallet (the terminal and the balance view in one tab share it). */
export function demoWallet(): DemoWallet {
  wallet ??= new DemoWallet();
  return wallet;
}
