// The cardholder's balance view: hold the card to the phone (or pick a demo card) and see balance, status and
// recent history, checked right here against the backend's public keys. Nothing about the card is sent anywhere.
import type { CardState, CardVerdict } from "@tessera/protocol";
import { CircleCheck, CircleX, Nfc } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { useI18n } from "../i18n/index.ts";
import { type CardPresenter, isAbortError } from "../nfc/card-presenter.ts";
import { demoWallet } from "../nfc/demo-wallet.ts";
import { WebNfcPresenter, webNfcAvailable } from "../nfc/web-nfc.ts";
import { DemoWalletPanel } from "../terminal/CardSourcePanel.tsx";
import { formatMoney } from "../terminal/money.ts";
import { cardStatusKey, operationKey, verdictKey } from "../terminal/words.ts";
import { cachedTrust, refreshTrust, type TrustMaterial, verifyWithTrust } from "./trust.ts";

/** Public keys change only at a key rotation, announced well ahead; an hour-old copy is fresh enough. */
const TRUST_RENEW_MS = 60 * 60 * 1000;

type Reading =
  | { kind: "none" }
  | { kind: "no-keys" }
  | { kind: "verdict"; verdict: CardVerdict; trust: TrustMaterial };

function stateOf(verdict: CardVerdict): CardState | undefined {
  return "state" in verdict ? verdict.state : undefined;
}

function CardView({ verdict, trust }: { verdict: CardVerdict; trust: TrustMaterial }) {
  const { t, locale } = useI18n();
  const state = stateOf(verdict);
  const money = (amount: number) => formatMoney(amount, trust.currency, locale);
  const when = (seconds: number) =>
    new Date(seconds * 1000).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  const valid = verdict.kind === "valid";
  return (
    <section
      className={`balance-card ${valid ? "balance-card-good" : "balance-card-bad"}`}
      data-testid="balance-card"
    >
      <p className="balance-verdict" data-verdict={verdict.kind}>
        {valid ? <CircleCheck aria-hidden="true" size={28} /> : <CircleX aria-hidden="true" size={28} />}
        {t(verdictKey(verdict.kind))}
      </p>
      {state ? (
        <>
          <p className="balance-amount" data-testid="balance-amount">
            {money(state.balance)}
          </p>
          <dl className="balance-facts">
            <dt>{t("balance.status")}</dt>
            <dd>{t(cardStatusKey(state.status))}</dd>
            <dt>{t("balance.cardId")}</dt>
            <dd>{state.cardId}</dd>
            <dt>{t("balance.session")}</dt>
            <dd>
              {state.session
                ? t("balance.sessionOpen", { since: when(state.session.startedAt) })
                : t("balance.sessionNone")}
            </dd>
          </dl>
          <h2>{t("balance.history")}</h2>
          <ol className="balance-history">
            {state.history.map((entry, index) => (
              <li key={index}>
                <span>{t(operationKey(entry.op))}</span>
                <span>{entry.amount > 0 ? money(entry.amount) : ""}</span>
                <time dateTime={new Date(entry.at * 1000).toISOString()}>
                  {entry.atSaturated ? t("balance.before", { when: when(entry.at) }) : when(entry.at)}
                </time>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <p className="hint">{t("balance.checkedWith", { when: when(Math.floor(trust.fetchedAt / 1000)) })}</p>
    </section>
  );
}

export function BalanceApp() {
  const { t } = useI18n();
  const [trust, setTrust] = useState<TrustMaterial | null>(null);
  const [reading, setReading] = useState<Reading>({ kind: "none" });
  const [hydrated, setHydrated] = useState(false);
  const wallet = demoWallet();
  const nfc = hydrated && webNfcAvailable();
  const presenter = useMemo<CardPresenter | null>(
    () => (hydrated ? (webNfcAvailable() ? new WebNfcPresenter() : wallet) : null),
    [hydrated, wallet],
  );

  useEffect(() => {
    setHydrated(true);
    const cached = cachedTrust();
    setTrust(cached);
    // Keys kept from an earlier visit are renewed in the background; a first visit fetches them at the first read.
    if (cached && Date.now() - cached.fetchedAt > TRUST_RENEW_MS) {
      refreshTrust()
        .then(setTrust)
        .catch(() => undefined);
    }
  }, []);

  // Always ready for the next card, like a reader left on the counter.
  useEffect(() => {
    if (!presenter) return;
    const controller = new AbortController();
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          const transport = await presenter.nextCard(controller.signal);
          const read = await transport.read();
          const material = cachedTrust() ?? (await refreshTrust().catch(() => null));
          if (material) setTrust(material);
          if (!material) {
            setReading({ kind: "no-keys" });
            continue;
          }
          setReading({ kind: "verdict", verdict: await verifyWithTrust(read, material), trust: material });
        } catch (error) {
          if (isAbortError(error)) return;
          setReading({ kind: "none" });
        }
      }
    })();
    return () => controller.abort();
  }, [presenter]);

  return (
    <section className="page-intro balance" data-trust={trust ? "cached" : "none"}>
      <Nfc className="hero-icon" aria-hidden="true" size={56} />
      <h1>{t("balance.title")}</h1>
      <p className="lead">{t("balance.lead")}</p>
      {reading.kind === "verdict" ? <CardView verdict={reading.verdict} trust={reading.trust} /> : null}
      {reading.kind === "no-keys" ? (
        <p className="notice notice-warn" role="alert">
          {t("balance.noKeys")}
        </p>
      ) : null}
      {hydrated && !nfc ? (
        <>
          <p className="notice">{t("balance.needsNfc")}</p>
          <DemoWalletPanel wallet={wallet} tapLabel={t("balance.read")} />
        </>
      ) : null}
      {nfc ? <p className="notice">{t("balance.holdCard")}</p> : null}
    </section>
  );
}
