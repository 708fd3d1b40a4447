// Where cards come from: the phone's NFC radio, or, where the browser has none, demo mode's virtual cards —
// pick one to tap, tear the next write on purpose, clone one (onto a chip of its own, or one faking its serial)
// to see the copy caught.
import { Copy, CopyPlus, CreditCard, Nfc, Plus, Scissors, Trash2 } from "lucide-react";
import { useSyncExternalStore } from "react";
import { useT } from "../i18n/index.ts";
import type { CardPresenter } from "../nfc/card-presenter.ts";
import type { DemoWallet } from "../nfc/demo-wallet.ts";

export function DemoWalletPanel({ wallet, tapLabel }: { wallet: DemoWallet; tapLabel?: string }) {
  const t = useT();
  const snapshot = useSyncExternalStore(wallet.subscribe, wallet.getSnapshot, wallet.getSnapshot);
  return (
    <section className="demo-wallet" aria-labelledby="demo-wallet-title" data-testid="demo-wallet">
      <h2 id="demo-wallet-title">{t("demo.title")}</h2>
      <p className="hint">{snapshot.waiting ? t("demo.pick") : t("demo.idle")}</p>
      <ul className="demo-cards">
        {snapshot.cards.map((card) => {
          const name =
            card.copyOf === null
              ? t("demo.card", { number: card.number })
              : t(card.sameSerial ? "demo.cardCopySameSerial" : "demo.cardCopy", {
                  number: card.number,
                  of: card.copyOf,
                });
          return (
            <li key={card.id} className="demo-card" data-card-id={card.id}>
              <button
                type="button"
                className="demo-card-tap"
                disabled={!snapshot.waiting}
                onClick={() => wallet.present(card.id)}
                aria-label={`${tapLabel ?? t("demo.tap")}: ${name}`}
              >
                <CreditCard aria-hidden="true" size={28} />
                <span className="demo-card-name">{name}</span>
                <span className="demo-card-serial">{card.serialNumber}</span>
              </button>
              <button
                type="button"
                className="icon-button"
                title={t("demo.clone")}
                aria-label={`${t("demo.clone")}: ${name}`}
                onClick={() => wallet.cloneCard(card.id)}
              >
                <Copy aria-hidden="true" size={20} />
              </button>
              <button
                type="button"
                className="icon-button"
                title={t("demo.cloneSameSerial")}
                aria-label={`${t("demo.cloneSameSerial")}: ${name}`}
                onClick={() => wallet.cloneCard(card.id, { sameSerial: true })}
              >
                <CopyPlus aria-hidden="true" size={20} />
              </button>
              <button
                type="button"
                className="icon-button"
                title={t("demo.remove")}
                aria-label={`${t("demo.remove")}: ${name}`}
                onClick={() => wallet.removeCard(card.id)}
              >
                <Trash2 aria-hidden="true" size={20} />
              </button>
            </li>
          );
        })}
      </ul>
      <div className="demo-actions">
        <button type="button" className="button button-quiet" onClick={() => wallet.addBlankCard()}>
          <Plus aria-hidden="true" size={22} />
          {t("demo.newCard")}
        </button>
        <label className="demo-tear">
          <input
            type="checkbox"
            checked={snapshot.tearNextWrite}
            onChange={(event) => wallet.setTearNextWrite(event.target.checked)}
          />
          <Scissors aria-hidden="true" size={20} />
          {t("demo.tear")}
        </label>
      </div>
    </section>
  );
}

export function CardSourcePanel({ presenter, wallet }: { presenter: CardPresenter; wallet: DemoWallet }) {
  const t = useT();
  if (presenter.source === "web-nfc") {
    return (
      <aside className="card-source">
        <p className="notice">
          <Nfc aria-hidden="true" size={22} /> {t("demo.webNfc")}
        </p>
      </aside>
    );
  }
  return (
    <aside className="card-source">
      <p className="notice notice-warn" data-testid="demo-notice">
        {t("demo.noNfc")}
      </p>
      <DemoWalletPanel wallet={wallet} />
    </aside>
  );
}
