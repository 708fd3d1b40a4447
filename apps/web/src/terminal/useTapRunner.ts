// One card interaction at a time: wait for a card, run the engine's tap, show the result, go back to idle by
// itself. After a tap whose write could not be confirmed, `recheck` waits for the same card once more and
// reads it, which settles the earlier tap, to say in plain words whether it went through. Service-worker
// updates are held from the moment a card is on the reader until its result has left the screen; merely
// waiting for a card does not hold them, or a gate (always waiting) would never update.
import type { OperationRequest } from "@tessera/protocol";
import type { CardReadResultView, TapResult, TerminalEngine } from "@tessera/terminal-engine";
import { useCallback, useEffect, useRef, useState } from "react";
import { type CardPresenter, isAbortError } from "../nfc/card-presenter.ts";
import { holdServiceWorkerUpdates } from "../pwa/update-hold.ts";
import { playResultSound } from "./kiosk-device.ts";

/** How long a result stays before the screen returns to idle; a refusal stays longer to be read out. */
const RESULT_MS = { done: 3_500, uncertain: 8_000, refused: 6_000 } as const;

/** What a second read of the card said of the earlier, unconfirmed tap. */
export type RecheckOutcome = "confirmed" | "void" | "undetermined" | "nothing" | "unread";

export type TapPhase =
  | { kind: "idle" }
  /** `recheck`: waiting for the card of an unconfirmed tap, to settle it rather than to do anything new. */
  | { kind: "waiting"; request: OperationRequest; recheck?: boolean }
  | { kind: "working"; request: OperationRequest; recheck?: boolean }
  | { kind: "result"; request: OperationRequest; result: TapResult }
  | { kind: "checked"; request: OperationRequest; outcome: RecheckOutcome; read: CardReadResultView };

/** The earlier tap's fate, from the settlements a read of its card made. */
export function recheckOutcome(read: CardReadResultView): RecheckOutcome {
  if (read.kind !== "read") return "unread";
  const outcomes = read.settled.map((settlement) => settlement.outcome);
  if (outcomes.includes("confirmed")) return "confirmed";
  if (outcomes.includes("void")) return "void";
  if (outcomes.includes("undetermined")) return "undetermined";
  return "nothing";
}

const RECHECK_SOUND = {
  confirmed: "done",
  void: "uncertain",
  undetermined: "uncertain",
  nothing: "uncertain",
  unread: "refused",
} as const;

function resultKind(phase: TapPhase): TapResult["kind"] {
  return phase.kind === "result" ? phase.result.kind : "done";
}

export interface TapRunner {
  phase: TapPhase;
  /** Waits for a card and performs `request` on it. */
  run(request: OperationRequest): void;
  /** After an unconfirmed tap: waits for its card again and reads it, which settles the earlier tap. */
  recheck(): void;
  cancel(): void;
  /** Leaves the result screen now. */
  dismiss(): void;
}

export function useTapRunner(engine: TerminalEngine, presenter: CardPresenter): TapRunner {
  const [phase, setPhase] = useState<TapPhase>({ kind: "idle" });
  const shownPhase = useRef(phase);
  shownPhase.current = phase;
  const releaseHeld = useRef<() => void>(() => {});
  const releaseUpdates = useCallback(() => {
    releaseHeld.current();
    releaseHeld.current = () => {};
  }, []);
  // Back to idle (by itself, by "Next", or a new operation waiting for its card): the result is gone.
  useEffect(() => {
    if (phase.kind === "idle" || phase.kind === "waiting") releaseUpdates();
  }, [phase.kind, releaseUpdates]);
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const cancel = useCallback(() => {
    abort.current?.abort();
    abort.current = null;
    setPhase((current) => (current.kind === "waiting" ? { kind: "idle" } : current));
  }, []);

  const dismiss = useCallback(() => {
    clearTimeout(timer.current);
    setPhase((current) =>
      current.kind === "result" || current.kind === "checked" ? { kind: "idle" } : current,
    );
  }, []);

  /** Waits for a card, then runs `work` on it with service-worker updates held, and shows what it returns. */
  const interact = useCallback(
    (
      request: OperationRequest,
      recheck: boolean,
      work: (transport: Awaited<ReturnType<CardPresenter["nextCard"]>>) => Promise<TapPhase>,
    ) => {
      abort.current?.abort();
      clearTimeout(timer.current);
      const controller = new AbortController();
      abort.current = controller;
      setPhase({ kind: "waiting", request, recheck });
      void (async () => {
        let shownResult = false;
        try {
          const transport = await presenter.nextCard(controller.signal);
          releaseUpdates();
          releaseHeld.current = holdServiceWorkerUpdates();
          setPhase({ kind: "working", request, recheck });
          const shown = await work(transport);
          setPhase(shown);
          shownResult = true;
          const stay = RESULT_MS[shown.kind === "checked" ? RECHECK_SOUND[shown.outcome] : resultKind(shown)];
          timer.current = setTimeout(() => {
            setPhase((current) => (current.kind === shown.kind ? { kind: "idle" } : current));
          }, stay);
        } catch (error) {
          if (!isAbortError(error)) {
            const result: TapResult = {
              kind: "refused",
              code: "card_read_failed",
              detail: error instanceof Error ? error.message : String(error),
            };
            setPhase({ kind: "result", request, result });
          }
        } finally {
          // A result keeps updates held until it leaves the screen (below); anything else lets them go now.
          if (!shownResult) releaseUpdates();
          if (abort.current === controller) abort.current = null;
        }
      })();
    },
    [presenter, releaseUpdates],
  );

  const run = useCallback(
    (request: OperationRequest) =>
      interact(request, false, async (transport) => {
        const result = await engine.tap(transport, request);
        playResultSound(result.kind);
        return { kind: "result", request, result };
      }),
    [engine, interact],
  );

  const recheck = useCallback(() => {
    const current = shownPhase.current;
    if (current.kind !== "result" || current.result.kind !== "uncertain") return;
    interact(current.request, true, async (transport) => {
      const read = await engine.readCard(transport);
      const outcome = recheckOutcome(read);
      playResultSound(RECHECK_SOUND[outcome]);
      return { kind: "checked", request: current.request, outcome, read };
    });
  }, [engine, interact]);

  useEffect(
    () => () => {
      abort.current?.abort();
      clearTimeout(timer.current);
      releaseUpdates();
    },
    [releaseUpdates],
  );

  return { phase, run, recheck, cancel, dismiss };
}
