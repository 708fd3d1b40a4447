// Amounts are integers in the currency's minor unit; only the screen turns them into "€3.50".

export interface CurrencyInfo {
  code: string;
  minorUnit: number;
}

export function formatMoney(amount: number, currency: CurrencyInfo, locale: string): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.code,
    minimumFractionDigits: currency.minorUnit,
    maximumFractionDigits: currency.minorUnit,
  }).format(amount / 10 ** currency.minorUnit);
}

/** Keypad entry: digits typed are minor units, so "350" reads €3.50 without a decimal key. */
export function appendDigit(amount: number, digit: number, max: number): number {
  const next = amount * 10 + digit;
  return next > max ? amount : next;
}
