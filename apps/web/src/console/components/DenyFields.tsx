// The reason and note a deny-list entry is made with, the same wherever a card is blocked.
import { useT } from "../../i18n/index.ts";
import { DENY_REASONS, type DenyReason } from "../data.ts";

export function DenyFields({
  idPrefix,
  reason,
  onReason,
  note,
  onNote,
}: {
  /** Makes the controls' ids unique on the page. */
  idPrefix: string;
  reason: DenyReason;
  onReason(reason: DenyReason): void;
  note: string;
  onNote(note: string): void;
}) {
  const t = useT();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-reason`}>{t("console.denyList.reason")}</label>
        <select
          id={`${idPrefix}-reason`}
          value={reason}
          onChange={(event) => onReason(event.target.value as DenyReason)}
        >
          {DENY_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`console.denyReason.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-note`}>{t("console.denyList.note")}</label>
        <input id={`${idPrefix}-note`} value={note} onChange={(event) => onNote(event.target.value)} />
      </div>
    </>
  );
}
