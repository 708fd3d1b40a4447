// One card interaction at a time: wait for a card, run the engine's tap, show the result, go back to idle by
// itself. Service-worker updates are held from the moment a card is on the reader until its result is shown;
// merely waiting for a card does not hold them, or a gate (always waiting) would never update.
import type { OperationRequest } from "@tessera/protocol";
import type { TapResult, TerminalEngine } from "@tessera/terminal-engine";
import { useCallback, useEffect, useRef, useState } from "react";
import { type CardPresenter, isAbortError } from "../nfc/card-presenter.ts";
import { holdServiceWorkerUpdates } from "../pwa/update-hold.ts";
import { playResultSound } from "./kiosk-device.ts";

/** How long a result stays before the screen returns to idle; a refusal stays longer to be read out. */
const RESULT_MS = { done: 3_500, uncertain: 8_000, refused: 6_000 } as const;

export type TapPhase =
  | { kind: "idle" }
  | { kind: "waiting"; request: OperationRequest }
  | { kind: "working"; request: OperationRequest }
  | { kind: "result"; request: OperationRequest; result: TapResult };

export interface TapRunner {
  phase: TapPhase;
  /** Waits for a card and performs `request` on it. */
  run(request: OperationRequest): void;
  cancel(): void;
  /** Leaves the result screen now. */
  dismiss(): void;
}

export function useTapRunner(engine: TerminalEngine, presenter: CardPresenter): TapRunner {
  const [phase, setPhase] = useState<TapPhase>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const cancel = useCallback(() => {
    abort.current?.abort();
    abort.current = null;
    setPhase((current) => (current.kind === "waiting" ? { kind: "idle" } : current));
  }, []);

  const dismiss = useCallback(() => {
    clearTimeout(timer.current);
    setPhase((current) => (current.kind === "result" ? { kind: "idle" } : current));
  }, []);

  const run = useCallback(
    (request: OperationRequest) => {
      abort.current?.abort();
      clearTimeout(timer.current);
      const controller = new AbortController();
      abort.current = controller;
      setPhase({ kind: "waiting", request });
      let release = () => {};
      void (async () => {
        try {
          const transport = await presenter.nextCard(controller.signal);
          release = holdServiceWorkerUpdates();
          setPhase({ kind: "working", request });
          const result = await engine.tap(transport, request);
          playResultSound(result.kind);
          setPhase({ kind: "result", request, result });
          timer.current = setTimeout(() => {
            setPhase((current) => (current.kind === "result" ? { kind: "idle" } : current));
          }, RESULT_MS[result.kind]);
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
          release();
          if (abort.current === controller) abort.current = null;
        }
      })();
    },
    [engine, presenter],
  );

  useEffect(
    () => () => {
      abort.current?.abort();
      clearTimeout(timer.current);
    },
    [],
  );

  return { phase, run, cancel, dismiss };
}
