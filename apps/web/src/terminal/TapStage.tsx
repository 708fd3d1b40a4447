// The big part of the kiosk screen while a card is awaited, being written, or its result is shown; the role's
// own idle screen otherwise. Results are large, colour-coded and in plain words.
import type { OperationRequest } from "@tessera/protocol";
import type { TapResult } from "@tessera/terminal-engine";
import { CircleCheck, CircleHelp, CircleX, LoaderCircle, Nfc } from "lucide-react";
import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "./money.ts";
import type { TapRunner } from "./useTapRunner.ts";
import { cardStatusKey, doneKey, operationKey, refusalKeyOf } from "./words.ts";

function requestAmount(request: OperationRequest): number | null {
  return "amount" in request ? request.amount : null;
}

function ResultView({
  result,
  request,
  currency,
  onDismiss,
}: {
  result: TapResult;
  request: OperationRequest;
  currency: CurrencyInfo | null;
  onDismiss: () => void;
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
    const state = result.verdict && "state" in result.verdict ? result.verdict.state : undefined;
    if (state) lines.push(t("terminal.result.balance", { balance: money(state.balance) }));
  }
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
      />
    );
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
        {phase.kind === "working" ? t("terminal.tap.working") : t("terminal.prompt")}
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
