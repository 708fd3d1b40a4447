// Gate: every card held to it checks in (or, switched over, checks out); the entry fee is the policy's.
import { LogIn, LogOut } from "lucide-react";
import { useEffect, useState } from "react";
import { useI18n } from "../../i18n/index.ts";
import { type CurrencyInfo, formatMoney } from "../money.ts";
import type { TapRunner } from "../useTapRunner.ts";

/** The zone written at check-in; one gate, one zone until policy names zones per gate. */
const GATE_ZONE = 1;

export function GateScreen({
  runner,
  currency,
  entryFee,
}: {
  runner: TapRunner;
  currency: CurrencyInfo;
  entryFee: number;
}) {
  const { t, locale } = useI18n();
  const [mode, setMode] = useState<"checkin" | "checkout">("checkin");
  const { phase, run, cancel } = runner;

  // A gate always waits for the next card in its current mode.
  useEffect(() => {
    if (phase.kind !== "idle") return;
    run(mode === "checkin" ? { op: "checkin", zone: GATE_ZONE } : { op: "checkout", amount: 0 });
  }, [phase.kind, mode, run]);

  return (
    <div className="gate">
      <fieldset className="gate-mode">
        <legend className="visually-hidden">{t("terminal.gate.mode")}</legend>
        <button
          type="button"
          className="button"
          aria-pressed={mode === "checkin"}
          onClick={() => {
            cancel();
            setMode("checkin");
          }}
        >
          <LogIn aria-hidden="true" size={28} />
          {t("terminal.op.checkin")}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={mode === "checkout"}
          onClick={() => {
            cancel();
            setMode("checkout");
          }}
        >
          <LogOut aria-hidden="true" size={28} />
          {t("terminal.op.checkout")}
        </button>
      </fieldset>
      {mode === "checkin" && entryFee > 0 ? (
        <p className="gate-fee">
          {t("terminal.gate.entryFee", { amount: formatMoney(entryFee, currency, locale) })}
        </p>
      ) : null}
    </div>
  );
}
