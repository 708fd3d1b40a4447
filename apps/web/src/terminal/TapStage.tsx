// The big part of the kiosk screen while a card is awaited, being written, or its result is shown; the role's
// own idle screen otherwise. Results are large, colour-coded and in plain words.
import type { OperationRequest } from "@tessera/protocol";
import type { TapResult } from "@tessera/terminal-engine";
import { CircleCheck, CircleHelp, CircleX, LoaderCircle, Nfc, Undo2 } from "lucide-react";
import type { ReactNode } from "react";
import { useI18n, useT } from "../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "./money.ts";
import type { RecheckOutcome, TapRunner } from "./useTapRunner.ts";
import { cardStatusKey, doneKey, operationKey, refusalKeyOf, settledKey, verdictKey } from "./words.ts";

function requestAmount(request: OperationRequest): number | null {
  return "amount" in request ? request.amount : null;
}

function ResultView({
  result,
  request,
  currency,
  onDismiss,
  onRecheck,
}: {
  result: TapResult;
  request: OperationRequest;
  currency: CurrencyInfo | null;
  onDismiss: () => void;
  onRecheck: () => void;
}) {
  const { t, locale } = useI18n();
  const money = (amount: number) => (currency ? formatMoney(amount, currency, locale) : String(amount));
  let title: string;
  let lines: string[] = [];
  let Icon = CircleCheck;
  if (result.kind === "done") {
    title = t(doneKey(result.op));
    if (result.amount > 0) lines.push(t("terminal.result.amount", { amount: money(result.amount) }));
    lines.push(t("terminal.result.balance", { balance: money(result.state.balance) }));
    if (result.state.status !== "active") lines.push(t(cardStatusKey(result.state.status)));
  } else if (result.kind === "uncertain") {
    Icon = CircleHelp;
    title = t("terminal.result.uncertain");
    lines = [t("terminal.result.uncertainHint")];
  } else {
    Icon = CircleX;
    title = t("terminal.result.refused");
    lines = [t(refusalKeyOf(result.code))];
    // What the checks found, when the card itself was the reason (a copy, a tampered or blocked card).
    if (result.verdict && result.verdict.kind !== "valid") lines.push(t(verdictKey(result.verdict.kind)));
    const state = result.verdict && "state" in result.verdict ? result.verdict.state : undefined;
    if (state) lines.push(t("terminal.result.balance", { balance: money(state.balance) }));
  }
  // This read also settled an earlier tap of the card that had not been confirmed: say what became of it.
  for (const outcome of new Set((result.settled ?? []).map((settlement) => settlement.outcome)))
    lines.push(t(settledKey(outcome)));
  return (
    <div className={`tap-result tap-result-${result.kind}`} data-testid="tap-result" data-kind={result.kind}>
      <Icon className="tap-result-icon" aria-hidden="true" size={96} strokeWidth={2} />
      <h1 className="tap-result-title" role="alert">
        {title}
      </h1>
      {lines.map((line) => (
        <p key={line} className="tap-result-line">
          {line}
        </p>
      ))}
      {result.kind === "refused" ? (
        <p className="tap-result-code" data-testid="refusal-code">
          {result.code}
        </p>
      ) : null}
      {result.kind === "uncertain" ? (
        <button type="button" className="button button-primary" onClick={onRecheck}>
          <Undo2 aria-hidden="true" size={22} /> {t("terminal.recheck.action")}
        </button>
      ) : null}
      <button type="button" className="button button-quiet" onClick={onDismiss}>
        {t("terminal.result.next")}
      </button>
      <span className="visually-hidden">{t(operationKey(request.op))}</span>
    </div>
  );
}

const RECHECK_VIEW: Record<RecheckOutcome, { kind: TapResult["kind"]; Icon: typeof CircleCheck }> = {
  confirmed: { kind: "done", Icon: CircleCheck },
  void: { kind: "uncertain", Icon: CircleHelp },
  undetermined: { kind: "uncertain", Icon: CircleHelp },
  nothing: { kind: "uncertain", Icon: CircleHelp },
  unread: { kind: "refused", Icon: CircleX },
};

/** What became of an unconfirmed tap, once its card was held to the reader again. */
function RecheckView({
  outcome,
  request,
  onDismiss,
}: {
  outcome: RecheckOutcome;
  request: OperationRequest;
  onDismiss: () => void;
}) {
  const t = useT();
  const { kind, Icon } = RECHECK_VIEW[outcome];
  return (
    <div className={`tap-result tap-result-${kind}`} data-testid="recheck-result" data-outcome={outcome}>
      <Icon className="tap-result-icon" aria-hidden="true" size={96} strokeWidth={2} />
      <h1 className="tap-result-title" role="alert">
        {t(`terminal.recheck.${outcome}`)}
      </h1>
      <p className="tap-result-line">{t(`terminal.recheck.${outcome}Hint`)}</p>
      <button type="button" className="button button-quiet" onClick={onDismiss}>
        {t("terminal.result.next")}
      </button>
      <span className="visually-hidden">{t(operationKey(request.op))}</span>
    </div>
  );
}

export function TapStage({
  runner,
  currency,
  children,
}: {
  runner: TapRunner;
  currency: CurrencyInfo | null;
  children: ReactNode;
}) {
  const { t, locale } = useI18n();
  const phase = runner.phase;
  if (phase.kind === "idle") return <>{children}</>;
  if (phase.kind === "result") {
    return (
      <ResultView
        result={phase.result}
        request={phase.request}
        currency={currency}
        onDismiss={runner.dismiss}
        onRecheck={runner.recheck}
      />
    );
  }
  if (phase.kind === "checked") {
    return <RecheckView outcome={phase.outcome} request={phase.request} onDismiss={runner.dismiss} />;
  }
  const amount = requestAmount(phase.request);
  return (
    <div className="tap-wait" data-testid="tap-wait" data-phase={phase.kind}>
      <div className="tap-target" aria-hidden="true">
        {phase.kind === "working" ? (
          <LoaderCircle className="spin" size={96} strokeWidth={1.6} />
        ) : (
          <Nfc size={96} strokeWidth={1.6} />
        )}
      </div>
      <h1 className="tap-prompt">
        {phase.kind === "working"
          ? t("terminal.tap.working")
          : phase.recheck
            ? t("terminal.recheck.prompt")
            : t("terminal.prompt")}
      </h1>
      <p className="tap-what">
        {t(operationKey(phase.request.op))}
        {amount !== null && amount > 0 && currency ? ` · ${formatMoney(amount, currency, locale)}` : ""}
      </p>
      {phase.kind === "waiting" ? (
        <button type="button" className="button button-quiet" onClick={runner.cancel}>
          {t("terminal.tap.cancel")}
        </button>
      ) : null}
    </div>
  );
}
