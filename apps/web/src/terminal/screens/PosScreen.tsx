// Point of sale: an amount keypad and product buttons from the catalog published for this location; debit,
// and refund where the grant allows it.
import type { CatalogProduct, Operation } from "@tessera/protocol";
import { Delete } from "lucide-react";
import { useState } from "react";
import { useI18n } from "../../i18n/index.ts";
import { appendDigit, type CurrencyInfo, formatMoney } from "../money.ts";
import type { TapRunner } from "../useTapRunner.ts";

/** The keypad never builds an amount a history entry cannot hold (24 bits). */
const MAX_AMOUNT = 0xff_ffff;

export function PosScreen({
  runner,
  currency,
  products,
  operations,
}: {
  runner: TapRunner;
  currency: CurrencyInfo;
  products: readonly CatalogProduct[];
  operations: readonly Operation[];
}) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState(0);
  const [productId, setProductId] = useState<string | undefined>(undefined);
  const money = (value: number) => formatMoney(value, currency, locale);

  function type(digit: number, times = 1) {
    setProductId(undefined);
    setAmount((current) => {
      let next = current;
      for (let i = 0; i < times; i++) next = appendDigit(next, digit, MAX_AMOUNT);
      return next;
    });
  }

  function charge(op: "debit" | "refund") {
    if (amount <= 0) return;
    runner.run({ op, amount, ...(productId ? { productId } : {}) });
    setAmount(0);
    setProductId(undefined);
  }

  return (
    <div className="pos">
      <div className="pos-amount" data-testid="pos-amount" aria-live="polite">
        {money(amount)}
      </div>
      <div className="pos-body">
        <fieldset className="keypad">
          <legend className="visually-hidden">{t("terminal.pos.keypad")}</legend>
          {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((digit) => (
            <button key={digit} type="button" className="key" onClick={() => type(digit)}>
              {digit}
            </button>
          ))}
          <button type="button" className="key" onClick={() => type(0, 2)}>
            00
          </button>
          <button type="button" className="key" onClick={() => type(0)}>
            0
          </button>
          <button
            type="button"
            className="key"
            aria-label={t("terminal.pos.clear")}
            onClick={() => {
              setAmount(0);
              setProductId(undefined);
            }}
          >
            <Delete aria-hidden="true" size={28} />
          </button>
        </fieldset>
        {products.length > 0 ? (
          <fieldset className="products">
            <legend className="visually-hidden">{t("terminal.pos.products")}</legend>
            {products.map((product) => (
              <button
                key={product.id}
                type="button"
                className="product"
                aria-pressed={productId === product.id}
                onClick={() => {
                  setAmount(product.price);
                  setProductId(product.id);
                }}
              >
                <span className="product-name">{product.name}</span>
                <span className="product-price">{money(product.price)}</span>
              </button>
            ))}
          </fieldset>
        ) : (
          <p className="hint">{t("terminal.pos.noProducts")}</p>
        )}
      </div>
      <div className="pos-actions">
        <button
          type="button"
          className="button button-primary button-big"
          disabled={amount <= 0 || !operations.includes("debit")}
          onClick={() => charge("debit")}
        >
          {t("terminal.pos.charge", { amount: money(amount) })}
        </button>
        {operations.includes("refund") ? (
          <button
            type="button"
            className="button button-quiet"
            disabled={amount <= 0}
            onClick={() => charge("refund")}
          >
            {t("terminal.pos.refund", { amount: money(amount) })}
          </button>
        ) : null}
      </div>
    </div>
  );
}
