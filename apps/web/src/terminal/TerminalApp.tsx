// Terminal mode: starts the kiosk's engine (one per browser, one tab), then shows enrolment or the screen of
// the terminal's role, with the status bar always in view and the operator menu behind the PIN.
import type { TerminalEngine, TerminalSnapshot } from "@tessera/terminal-engine";
import { LoaderCircle, Lock, TriangleAlert } from "lucide-react";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { BrandMark } from "../components/BrandMark.tsx";
import { useT } from "../i18n/index.ts";
import type { CardPresenter } from "../nfc/card-presenter.ts";
import { type DemoWallet, demoWallet } from "../nfc/demo-wallet.ts";
import { WebNfcPresenter, webNfcAvailable } from "../nfc/web-nfc.ts";
import { CardSourcePanel } from "./CardSourcePanel.tsx";
import { useConnectivity } from "./connectivity.ts";
import { type KioskStart, startKiosk } from "./kiosk.ts";
import { keepScreenAwake, requestFullscreenOnce } from "./kiosk-device.ts";
import type { CurrencyInfo } from "./money.ts";
import { OperatorMenu, PinPrompt } from "./OperatorMenu.tsx";
import { EnrolmentScreen } from "./screens/EnrolmentScreen.tsx";
import { GateScreen } from "./screens/GateScreen.tsx";
import { PosScreen } from "./screens/PosScreen.tsx";
import { StationScreen } from "./screens/StationScreen.tsx";
import { LEGACY_SHIFT_STORAGE_KEY, takeLegacyShift } from "./shift.ts";
import { TapStage } from "./TapStage.tsx";
import { TerminalStatusBar } from "./TerminalStatusBar.tsx";
import { useTapRunner } from "./useTapRunner.ts";

/** Set once per page load, the first time the role's screen can take a card. */
export const READY_MARK = "tessera:ready-to-tap";

function KioskFrame({
  snapshot,
  currency,
  onOperator,
  children,
}: {
  snapshot?: TerminalSnapshot | null;
  currency?: CurrencyInfo | null;
  onOperator?: () => void;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <div className="kiosk">
      <header className="kiosk-header">
        <span className="brand">
          <BrandMark size={40} />
          <span className="brand-name">{t("terminal.title")}</span>
          {snapshot?.terminal ? (
            <span
              className="kiosk-terminal-name"
              data-testid="terminal-name"
              data-role={snapshot.terminal.role}
            >
              {snapshot.terminal.name} · {t(`terminal.role.${snapshot.terminal.role}`)}
            </span>
          ) : null}
        </span>
        {onOperator ? (
          <button type="button" className="button button-quiet" onClick={onOperator}>
            <Lock aria-hidden="true" size={22} />
            {t("terminal.operator.open")}
          </button>
        ) : null}
      </header>
      <TerminalStatusBar snapshot={snapshot ?? null} currency={currency ?? null} />
      {children}
    </div>
  );
}

function StartingScreen({ start }: { start: KioskStart | null }) {
  const t = useT();
  if (!start) {
    return (
      <main className="kiosk-main">
        <div className="tap-target" aria-hidden="true">
          <LoaderCircle className="spin" size={96} strokeWidth={1.6} />
        </div>
        <h1 className="tap-prompt">{t("terminal.starting")}</h1>
      </main>
    );
  }
  const [title, body] =
    start.kind === "other-tab"
      ? (["terminal.otherTab", "terminal.otherTabHint"] as const)
      : start.kind === "unsupported"
        ? (["terminal.unsupported", "terminal.unsupportedHint"] as const)
        : (["terminal.failed", "terminal.failedHint"] as const);
  return (
    <main className="kiosk-main">
      <div className="tap-target tap-target-bad" aria-hidden="true">
        <TriangleAlert size={96} strokeWidth={1.6} />
      </div>
      <h1 className="tap-prompt">{t(title)}</h1>
      <div className="notice notice-warn">
        <p>{t(body)}</p>
        {"detail" in start ? <p className="hint">{start.detail}</p> : null}
      </div>
    </main>
  );
}

function currencyOf(engine: TerminalEngine): CurrencyInfo | null {
  return engine.policy()?.currency ?? null;
}

function RoleScreen({
  engine,
  snapshot,
  presenter,
  wallet,
}: {
  engine: TerminalEngine;
  snapshot: TerminalSnapshot;
  presenter: CardPresenter;
  wallet: DemoWallet;
}) {
  const t = useT();
  const runner = useTapRunner(engine, presenter);
  const browser = useConnectivity();
  const currency = currencyOf(engine);
  // The catalog and policy versions are in the snapshot; products and fees are read again when they change.
  const products = useMemo(
    () => engine.products(),
    [engine, snapshot.catalogVersion, snapshot.grant?.grantId],
  );
  const role = snapshot.terminal?.role;
  const operations = snapshot.grant?.operations ?? [];
  const ready = Boolean(currency && snapshot.grant);
  useEffect(() => {
    // The start-up benchmark (bench/startup.bench.mjs) measures navigation start to this mark.
    if (ready && performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
  }, [ready]);
  if (!currency || !snapshot.grant) {
    return (
      <main className="kiosk-main">
        <div className="notice notice-warn" data-testid="waiting-for-grant">
          <p className="notice-title">{t("terminal.noGrant")}</p>
          <p>{t("terminal.noGrantHint")}</p>
        </div>
      </main>
    );
  }
  const online =
    browser !== "offline" && snapshot.connectivity !== "offline" && snapshot.connectivity !== "unreachable";
  return (
    <div className="kiosk-body">
      <main className="kiosk-main kiosk-work" data-role={role}>
        {role === "gate" ? (
          <GateScreen
            runner={runner}
            currency={currency}
            entryFee={engine.policy()?.sessions.entryFee ?? 0}
          />
        ) : null}
        <TapStage runner={runner} currency={currency}>
          {role === "pos" ? (
            <PosScreen runner={runner} currency={currency} products={products} operations={operations} />
          ) : role === "station" ? (
            <StationScreen engine={engine} runner={runner} currency={currency} online={online} />
          ) : null}
        </TapStage>
      </main>
      <CardSourcePanel presenter={presenter} wallet={wallet} />
    </div>
  );
}

function ReadyKiosk({ engine }: { engine: TerminalEngine }) {
  const snapshot = useSyncExternalStore(engine.subscribe, engine.getSnapshot, engine.getSnapshot);
  const wallet = demoWallet();
  const presenter = useMemo<CardPresenter>(
    () => (webNfcAvailable() ? new WebNfcPresenter() : wallet),
    [wallet],
  );
  const [operator, setOperator] = useState<"closed" | "pin" | "open">("closed");

  useEffect(() => keepScreenAwake(), []);
  useEffect(() => {
    window.addEventListener("pointerdown", requestFullscreenOnce, { once: true });
    return () => window.removeEventListener("pointerdown", requestFullscreenOnce);
  }, []);

  useEffect(() => {
    // The tally an earlier version of the app kept here moves into the engine once, then is dropped.
    const legacy = takeLegacyShift(localStorage);
    if (!legacy) return;
    void engine
      .adoptShift(legacy)
      .catch(() => false)
      .then(() => localStorage.removeItem(LEGACY_SHIFT_STORAGE_KEY));
  }, [engine]);

  const enrolled = snapshot.phase === "ready" && snapshot.terminal;
  const currency = currencyOf(engine);
  return (
    <KioskFrame
      snapshot={snapshot}
      currency={currency}
      onOperator={enrolled ? () => setOperator("pin") : undefined}
    >
      {enrolled ? (
        <RoleScreen engine={engine} snapshot={snapshot} presenter={presenter} wallet={wallet} />
      ) : (
        <main className="kiosk-main">
          <EnrolmentScreen engine={engine} />
        </main>
      )}
      {operator === "pin" ? (
        <PinPrompt onUnlock={() => setOperator("open")} onCancel={() => setOperator("closed")} />
      ) : null}
      {operator === "open" ? (
        <OperatorMenu
          engine={engine}
          shift={snapshot.shift ?? engine.shift()}
          currency={currency}
          onCloseShift={() => void engine.closeShift()}
          onDone={() => setOperator("closed")}
        />
      ) : null}
    </KioskFrame>
  );
}

export function TerminalApp() {
  const [start, setStart] = useState<KioskStart | null>(null);
  useEffect(() => {
    let live = true;
    startKiosk().then((result) => {
      if (live) setStart(result);
    });
    return () => {
      live = false;
    };
  }, []);
  if (start?.kind === "ready") return <ReadyKiosk engine={start.engine} />;
  return (
    <KioskFrame>
      <StartingScreen start={start} />
    </KioskFrame>
  );
}
