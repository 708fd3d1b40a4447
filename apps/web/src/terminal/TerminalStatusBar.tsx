// The always-visible strip of a kiosk: connection, grant and time left, the upload queue and the last card seen.
import type { TerminalSnapshot } from "@tessera/terminal-engine";
import { CloudUpload, CreditCard, KeyRound, type LucideIcon, ServerCrash, Wifi, WifiOff } from "lucide-react";
import { type ReactNode, useEffect, useState } from "react";
import { type MessageKey, useI18n, useT } from "../i18n/index.ts";
import { type Connectivity, useConnectivity } from "./connectivity.ts";
import { type CurrencyInfo, formatMoney } from "./money.ts";
import { cardStatusKey, verdictKey } from "./words.ts";

const CONNECTIVITY_LABEL: Record<Connectivity, MessageKey> = {
  checking: "terminal.connectivity.checking",
  online: "terminal.connectivity.online",
  offline: "terminal.connectivity.offline",
  unreachable: "terminal.connectivity.unreachable",
};

const CONNECTIVITY_ICON: Record<Connectivity, LucideIcon> = {
  checking: Wifi,
  online: Wifi,
  offline: WifiOff,
  unreachable: ServerCrash,
};

type Tone = "neutral" | "good" | "warn" | "bad";

function StatusItem({
  label,
  icon: Icon,
  tone = "neutral",
  testId,
  children,
}: {
  label: string;
  icon: LucideIcon;
  tone?: Tone;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className={`status-item status-${tone}`} data-testid={testId}>
      <Icon className="status-icon" aria-hidden="true" size={28} strokeWidth={2.2} />
      <dl>
        <dt>{label}</dt>
        <dd>{children}</dd>
      </dl>
    </div>
  );
}

/** The engine knows whether the backend answers; before it has asked, the browser's flag is all there is. */
function combinedConnectivity(browser: Connectivity, engine: Connectivity | undefined): Connectivity {
  if (browser === "offline") return "offline";
  if (!engine || engine === "checking") return browser;
  return engine;
}

/** Re-renders every `ms` so a countdown stays current without the engine publishing each second. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

function GrantItem({ grant }: { grant: TerminalSnapshot["grant"] }) {
  const t = useT();
  const now = useNow(15_000);
  if (!grant) {
    return (
      <StatusItem label={t("terminal.grant")} icon={KeyRound} tone="warn" testId="status-grant">
        {t("terminal.grant.none")}
      </StatusItem>
    );
  }
  const secondsLeft = Math.max(0, grant.expiresAt - Math.floor(now / 1000));
  const valid = grant.valid && secondsLeft > 0;
  const hours = Math.floor(secondsLeft / 3600);
  const minutes = Math.floor((secondsLeft % 3600) / 60);
  const left = t("terminal.grant.left", { hours, minutes });
  return (
    <StatusItem
      label={t("terminal.grant")}
      icon={KeyRound}
      tone={valid ? (secondsLeft < 1800 ? "warn" : "good") : "bad"}
      testId="status-grant"
    >
      {valid ? left : now / 1000 < grant.notBefore ? t("terminal.grant.notYet") : t("terminal.grant.expired")}
    </StatusItem>
  );
}

export function TerminalStatusBar({
  snapshot,
  currency,
}: {
  snapshot?: TerminalSnapshot | null;
  currency?: CurrencyInfo | null;
}) {
  const { t, locale } = useI18n();
  const browser = useConnectivity();
  const connectivity = combinedConnectivity(browser, snapshot?.connectivity);
  const connectivityTone: Tone =
    connectivity === "online" ? "good" : connectivity === "checking" ? "neutral" : "bad";
  const outbox = snapshot?.outbox;
  const lastCard = snapshot?.lastCard;
  const lastState = lastCard?.state;
  return (
    <section className="status-bar" aria-label={t("terminal.status")}>
      <StatusItem
        label={t("terminal.connectivity")}
        icon={CONNECTIVITY_ICON[connectivity]}
        tone={connectivityTone}
        testId="status-connectivity"
      >
        <span role="status">{t(CONNECTIVITY_LABEL[connectivity])}</span>
      </StatusItem>
      <GrantItem grant={snapshot?.grant ?? null} />
      <StatusItem
        label={t("terminal.outbox")}
        icon={CloudUpload}
        tone={outbox && outbox.depth > 0 ? "warn" : "neutral"}
        testId="status-outbox"
      >
        <span data-testid="outbox-depth" data-depth={outbox?.depth ?? 0}>
          {outbox && outbox.depth > 0
            ? t("terminal.outbox.waiting", { count: outbox.depth })
            : t("terminal.outbox.empty")}
        </span>
        {outbox && outbox.unresolved > 0 ? (
          <span className="status-sub">{t("terminal.outbox.unresolved", { count: outbox.unresolved })}</span>
        ) : null}
      </StatusItem>
      <StatusItem
        label={t("terminal.lastCard")}
        icon={CreditCard}
        tone={lastCard ? (lastCard.verdict === "valid" ? "good" : "bad") : "neutral"}
        testId="status-last-card"
      >
        {!lastCard ? (
          t("terminal.lastCard.none")
        ) : (
          <>
            {lastState && currency ? <span>{formatMoney(lastState.balance, currency, locale)}</span> : null}
            <span className="status-sub">
              {lastCard.verdict === "valid" && lastState
                ? t(cardStatusKey(lastState.status))
                : t(verdictKey(lastCard.verdict))}
            </span>
          </>
        )}
      </StatusItem>
    </section>
  );
}
