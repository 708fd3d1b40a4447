/** What a simulation run does: fleet size, traffic, offline windows, clock skew and the faults and attacks injected. */
import type { Role } from "@tessera/protocol";

/** A stretch of the run, as fractions of the taps (0 = the first tap, 1 = after the last). */
export interface OfflineWindow {
  from: number;
  to: number;
}

export interface AttackCounts {
  /** A byte-for-byte copy on a "magic" chip that fakes the serial, spent at another terminal. */
  cloneSameUid: number;
  /** A copy on an ordinary chip with its own serial. */
  cloneNewUid: number;
  /** An earlier memory image of the card written back onto it (rollback), then spent. */
  replay: number;
  /** Bytes flipped inside a signed slot. */
  tamper: number;
  /** A terminal revoked while it is offline, which keeps selling. */
  revokedTerminal: number;
  /** A terminal whose grant ran out while offline, still asked to sell. */
  expiredGrant: number;
  /** One debit above the POS per-transaction limit. */
  overTransactionLimit: number;
  /** Many debits under the per-transaction limit at different terminals, together over the card's daily limit. */
  overDailyLimit: number;
}

export interface SimulationOptions {
  seed: number;
  terminals: Record<Role, number>;
  cards: number;
  /** Taps after the cards are issued and topped up. */
  taps: number;
  /** Share of POS and gate terminals that go offline once for a random window. */
  offlineShare: number;
  /** Longest random offline window, as a share of the run. */
  offlineLength: number;
  /** Scripted windows by terminal name (`pos-1`), in addition to the random ones. */
  offline: Record<string, OfflineWindow[]>;
  /** Each terminal's clock runs ahead of the backend's by a random amount up to this many seconds. */
  clockSkewSeconds: number;
  /** Torn card writes (to the write's three parts in turn, clean cuts and garbled pages; tear-plan.ts). */
  tears: number;
  /** Upload answers lost on the way back (the server stored the batch), so the terminal retries. */
  lostUploads: number;
  attacks: AttackCounts;
  /** Online terminals upload and sync this often, in taps (0: ten times over the run). */
  syncEvery: number;
  /** Taps in flight at once, each waiting only for earlier taps at its terminal or on its card (0: half the fleet, at most 32). */
  concurrency: number;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  seed: 1,
  terminals: { station: 2, pos: 4, gate: 2 },
  cards: 40,
  taps: 400,
  offlineShare: 0.5,
  offlineLength: 0.4,
  offline: {},
  clockSkewSeconds: 30,
  tears: 6,
  lostUploads: 3,
  attacks: {
    cloneSameUid: 1,
    cloneNewUid: 1,
    replay: 1,
    tamper: 1,
    revokedTerminal: 1,
    expiredGrant: 1,
    overTransactionLimit: 1,
    overDailyLimit: 1,
  },
  syncEvery: 0,
  concurrency: 0,
};

const ATTACK_FLAGS: Record<string, keyof AttackCounts> = {
  "--clones": "cloneSameUid",
  "--clones-new-uid": "cloneNewUid",
  "--replays": "replay",
  "--tampers": "tamper",
  "--revoked-terminals": "revokedTerminal",
  "--expired-grants": "expiredGrant",
  "--over-transaction-limit": "overTransactionLimit",
  "--over-daily-limit": "overDailyLimit",
};

export const HELP = `Usage: pnpm simulate [-- options]

Runs a fleet of simulated terminals (the real terminal engine in Node, one fake IndexedDB each) against the
local Workers (started on free ports with a fresh state dir, stopped at the end), with virtual NTAG215 cards,
offline windows, clock skew and injected faults and attacks. Prints a summary; exits 1 if value is
unaccounted for or an injected attack went undetected.

Fleet and traffic
  --seed N                 seed; the same seed makes the same choices (default ${DEFAULT_OPTIONS.seed})
  --stations N             station terminals: issue and top up (default ${DEFAULT_OPTIONS.terminals.station})
  --pos N                  POS terminals: debits (default ${DEFAULT_OPTIONS.terminals.pos})
  --gates N                gates: check-in and check-out (default ${DEFAULT_OPTIONS.terminals.gate})
  --cards N                cards issued and topped up at stations first (default ${DEFAULT_OPTIONS.cards})
  --taps N                 taps after that, at random terminals and cards (default ${DEFAULT_OPTIONS.taps})
  --sync-every N           online terminals upload and sync every N taps (default: 10 times per run)
  --concurrency N          taps in flight at once; a tap waits only for earlier taps at its terminal or
                           on its card, so the outcome is that of one at a time (default: half the
                           fleet, at most 32)

Offline and clocks
  --offline-share F        share of POS and gates offline once, for a random window (default ${DEFAULT_OPTIONS.offlineShare})
  --offline-length F       longest random window, as a share of the run (default ${DEFAULT_OPTIONS.offlineLength})
  --offline NAME:A-B       scripted window for terminal NAME (pos-0, gate-1, station-0) from share A to B
                           of the run; repeat for more (e.g. --offline pos-0:0.1-0.9)
  --clock-skew S           each terminal's clock runs up to S seconds ahead (default ${DEFAULT_OPTIONS.clockSkewSeconds})

Faults and attacks (counts)
  --tears N                torn card writes, to the NDEF framing, the first and the second slot in turn,
                           three clean cuts then three garbled pages (default ${DEFAULT_OPTIONS.tears})
  --lost-uploads N         upload answers lost after the server stored them (default ${DEFAULT_OPTIONS.lostUploads})
${Object.entries(ATTACK_FLAGS)
  .map(([flag, key]) => `  ${flag.padEnd(25)}(default ${DEFAULT_OPTIONS.attacks[key]})`)
  .join("\n")}
  --no-attacks             sets every attack count to 0

Output
  --json PATH              write the JSON report there
  --quiet                  no progress on stderr
  --help                   this text
`;

export interface CommandLine {
  options: SimulationOptions;
  json: string | undefined;
  quiet: boolean;
  help: boolean;
}

function parseWindow(text: string): { name: string; window: OfflineWindow } {
  const match = /^([a-z]+-\d+):([\d.]+)-([\d.]+)$/.exec(text);
  if (!match) throw new Error(`--offline wants NAME:A-B (e.g. pos-0:0.2-0.6), got "${text}"`);
  const window = { from: Number(match[2]), to: Number(match[3]) };
  if (!(window.from >= 0 && window.from < window.to && window.to <= 1))
    throw new Error(`--offline ${text}: need 0 <= A < B <= 1`);
  return { name: match[1]!, window };
}

/** Parses `pnpm simulate` arguments; throws an Error naming the bad argument. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const options: SimulationOptions = structuredClone(DEFAULT_OPTIONS);
  const line: CommandLine = { options, json: undefined, quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [flag, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const count = (): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} wants a whole number, got "${text}"`);
      return n;
    };
    const share = (): number => {
      const text = value();
      const n = Number(text);
      if (!(n >= 0 && n <= 1)) throw new Error(`${flag} wants a number from 0 to 1, got "${text}"`);
      return n;
    };
    if (flag in ATTACK_FLAGS) {
      options.attacks[ATTACK_FLAGS[flag]!] = count();
      continue;
    }
    switch (flag) {
      case "--help":
      case "-h":
        line.help = true;
        break;
      case "--seed":
        options.seed = count();
        break;
      case "--stations":
        options.terminals.station = count();
        break;
      case "--pos":
        options.terminals.pos = count();
        break;
      case "--gates":
        options.terminals.gate = count();
        break;
      case "--cards":
        options.cards = count();
        break;
      case "--taps":
        options.taps = count();
        break;
      case "--sync-every":
        options.syncEvery = count();
        break;
      case "--concurrency":
        options.concurrency = count();
        break;
      case "--offline-share":
        options.offlineShare = share();
        break;
      case "--offline-length":
        options.offlineLength = share();
        break;
      case "--offline": {
        const { name, window } = parseWindow(value());
        options.offline[name] = [...(options.offline[name] ?? []), window];
        break;
      }
      case "--clock-skew":
        options.clockSkewSeconds = count();
        break;
      case "--tears":
        options.tears = count();
        break;
      case "--lost-uploads":
        options.lostUploads = count();
        break;
      case "--no-attacks":
        for (const key of Object.keys(options.attacks) as (keyof AttackCounts)[]) options.attacks[key] = 0;
        break;
      case "--json":
        line.json = value();
        break;
      case "--quiet":
        line.quiet = true;
        break;
      default:
        throw new Error(`unknown option ${raw} (see --help)`);
    }
  }
  if (options.terminals.station < 1) throw new Error("--stations must be at least 1: cards are issued there");
  if (options.terminals.pos < 2)
    throw new Error("--pos must be at least 2: clones and daily-limit attacks spend at two POS terminals");
  if (options.cards < 1) throw new Error("--cards must be at least 1");
  return line;
}
