// First start of a kiosk: the operator types or pastes the one-time enrolment code from the console and
// chooses the operator PIN that will guard the kiosk from then on.
import {
  BackendError,
  BackendUnreachableError,
  EngineError,
  type TerminalEngine,
} from "@tessera/terminal-engine";
import { KeyRound } from "lucide-react";
import { type FormEvent, useState } from "react";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { type MessageKey, useT } from "../../i18n/index.ts";
import { enrolmentCodeFrom } from "../enrolment-code.ts";
import { PIN_PATTERN, setOperatorPin } from "../operator-pin.ts";

const ENROL_ERRORS: Readonly<Record<string, MessageKey>> = {
  enrolment_code_invalid: "terminal.enrol.error.enrolment_code_invalid",
  enrolment_code_expired: "terminal.enrol.error.enrolment_code_expired",
  enrolment_code_used: "terminal.enrol.error.enrolment_code_used",
  conflict: "terminal.enrol.error.conflict",
  rate_limited: "terminal.enrol.error.rate_limited",
  validation_failed: "terminal.enrol.error.enrolment_code_invalid",
};

function errorKey(error: unknown): MessageKey {
  if (error instanceof BackendUnreachableError) return "terminal.enrol.error.unreachable";
  if (error instanceof BackendError) return ENROL_ERRORS[error.code] ?? "terminal.enrol.error.other";
  if (error instanceof EngineError && error.code === "already_enrolled")
    return "terminal.enrol.error.already";
  return "terminal.enrol.error.other";
}

export function EnrolmentScreen({ engine }: { engine: TerminalEngine }) {
  const t = useT();
  const [code, setCode] = useState("");
  const [pin, setPin] = useState("");
  const [pinAgain, setPinAgain] = useState("");
  const [error, setError] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (enrolmentCodeFrom(code) === "") return setError("terminal.enrol.error.enrolment_code_invalid");
    if (!PIN_PATTERN.test(pin)) return setError("terminal.enrol.pinRule");
    if (pin !== pinAgain) return setError("terminal.enrol.pinMismatch");
    setBusy(true);
    try {
      // The PIN first: a kiosk that enrolled must never be left unguarded by a failure in between.
      await setOperatorPin(pin);
      await engine.enrol(enrolmentCodeFrom(code));
    } catch (failure) {
      setError(errorKey(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="enrol" aria-labelledby="enrol-title">
      <KeyRound className="hero-icon" aria-hidden="true" size={56} />
      <h1 id="enrol-title">{t("terminal.enrol.title")}</h1>
      <p className="lead">{t("terminal.enrol.lead")}</p>
      <form className="enrol-form" onSubmit={submit}>
        <label>
          <span>{t("terminal.enrol.code")}</span>
          <input
            name="code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            placeholder="7K3QD-M9XWA"
          />
        </label>
        <label>
          <span>{t("terminal.enrol.pin")}</span>
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={pin}
            onChange={(event) => setPin(event.target.value)}
          />
        </label>
        <label>
          <span>{t("terminal.enrol.pinAgain")}</span>
          <input
            name="pinAgain"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={pinAgain}
            onChange={(event) => setPinAgain(event.target.value)}
          />
        </label>
        <p className="hint">{t("terminal.enrol.pinRule")}</p>
        {error ? (
          <p className="notice notice-bad" role="alert">
            {t(error)}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t("terminal.enrol.working") : t("terminal.enrol.submit")}
        </button>
      </form>
      <LanguageSwitch />
    </section>
  );
}
