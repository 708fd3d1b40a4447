// Whether the terminals in the field can follow a change (reconciliation's fleet readiness, ADR 0005): the
// numbers per capability and who is behind or unknown, and the admin's choice to go ahead anyway.
import type { FleetReadiness as Readiness } from "@tessera/protocol";
import { useI18n } from "../../i18n/index.ts";
import type { FleetOverride } from "../fleet.ts";
import { EnumSelect, type Loaded, LoadState } from "./ui.tsx";

type Group = Readiness["capabilities"][number]["behind"];

function Terminals({ group }: { group: Group }) {
  const { t } = useI18n();
  if (group.count === 0) return <>0</>;
  const more = group.count - group.terminals.length;
  return (
    <>
      <strong>{group.count}</strong>:{" "}
      {group.terminals
        .map((terminal) =>
          t("console.fleet.terminal", {
            name: terminal.name ?? terminal.terminalId,
            software: terminal.softwareVersion ?? t("console.fleet.neverReported"),
          }),
        )
        .join(", ")}
      {more > 0 ? ` ${t("console.fleet.more", { count: more })}` : ""}
    </>
  );
}

function CapabilityLabel({ capability }: { capability: string }) {
  const { t } = useI18n();
  const [kind, layout] = capability.split(":");
  if (kind === "reads_layout") return <>{t("console.fleet.readsLayout", { layout: layout ?? "" })}</>;
  if (kind === "writes_layout") return <>{t("console.fleet.writesLayout", { layout: layout ?? "" })}</>;
  return <>{t("console.fleet.splitKeys")}</>;
}

/** The readiness as a page shows it under its own heading, with the override choice for admins. */
export function FleetReadinessView({
  lead,
  readiness,
  mayOverride,
  choice,
  onChoice,
}: {
  lead: string;
  readiness: Loaded<Readiness | null>;
  mayOverride: boolean;
  choice: FleetOverride;
  onChoice: (choice: FleetOverride) => void;
}) {
  const { t } = useI18n();
  const answer = readiness.data;
  return (
    <div className="console-form-stack" data-testid="fleet-readiness">
      <p className="console-muted">{lead}</p>
      <LoadState loaded={readiness} />
      {answer ? (
        <>
          <p role="status" className={`notice ${answer.ready ? "notice-good" : "notice-warn"}`}>
            {answer.ready
              ? t("console.fleet.allReady", { count: answer.activeTerminals })
              : t("console.fleet.notReady", { count: answer.activeTerminals })}
          </p>
          <table className="console-table">
            <thead>
              <tr>
                <th scope="col">{t("console.fleet.capability")}</th>
                <th scope="col">{t("console.fleet.ready")}</th>
                <th scope="col">{t("console.fleet.behind")}</th>
                <th scope="col">{t("console.fleet.unknown")}</th>
              </tr>
            </thead>
            <tbody>
              {answer.capabilities.map((entry) => (
                <tr key={entry.capability}>
                  <td>
                    <CapabilityLabel capability={entry.capability} />
                  </td>
                  <td>{entry.ready}</td>
                  <td>
                    <Terminals group={entry.behind} />
                  </td>
                  <td>
                    <Terminals group={entry.unknown} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {mayOverride && answer && !answer.ready ? (
        <div className="console-form-row">
          <EnumSelect
            id="fleet-override"
            label={t("console.fleet.whenNotReady")}
            value={choice.override ? "override" : "wait"}
            values={["wait", "override"] as const}
            labelOf={(value) => t(value === "wait" ? "console.fleet.wait" : "console.fleet.override")}
            onChange={(value) => onChoice({ ...choice, override: value === "override" })}
          />
          {choice.override ? (
            <div className="field">
              <label htmlFor="fleet-override-reason">{t("console.fleet.overrideReason")}</label>
              <input
                id="fleet-override-reason"
                required
                maxLength={500}
                value={choice.reason}
                onChange={(event) => onChoice({ ...choice, reason: event.target.value })}
              />
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
