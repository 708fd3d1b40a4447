// Keys: the signing-key versions with their two keys (grants, certificates; one key for both in a legacy
// version), which are live (grants and certificates still valid under them), whether the policy tells card
// readers to accept them, and rotation — with, before the first split version, whether the terminals in the
// field can use it (ADR 0005).
import { createFileRoute } from "@tanstack/react-router";
import type { FleetReadiness } from "@tessera/protocol";
import { useState } from "react";
import { FleetReadinessView } from "../console/components/FleetReadiness.tsx";
import {
  ActionButton,
  formatIso,
  LoadState,
  PageHeader,
  Panel,
  StatusBadge,
  useLoad,
} from "../console/components/ui.tsx";
import { type FleetOverride, NO_OVERRIDE, overrideFields } from "../console/fleet.ts";
import { can } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/keys")({ component: KeysPage });

interface SigningKey {
  version: number;
  kid: string;
  certificateKey: { kid: string };
  dualPurpose: boolean;
  status: "published" | "active" | "previous" | "retired";
  publishedAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  activatableAt: string | null;
  liveGrants: number;
  validUntil: string | null;
  acceptedByPolicy: boolean;
}

function KeysPage() {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const keys = useLoad(
    (signal) => api.get<{ keys: SigningKey[] }>("grants", "/keys", undefined, signal),
    [api],
  );
  const mayRotate = can(role, "keys.rotate");
  // While every version is a legacy dual-purpose one, the next rotation makes the first split version.
  const firstSplit = Boolean(keys.data?.keys.length && keys.data.keys.every((key) => key.dualPurpose));
  const readiness = useLoad(
    (signal) =>
      firstSplit
        ? api.get<FleetReadiness>(
            "reconciliation",
            "/fleet/readiness",
            { capabilities: "split_keys" },
            signal,
          )
        : Promise.resolve(null),
    [api, firstSplit],
  );
  const [fleetChoice, setFleetChoice] = useState<FleetOverride>(NO_OVERRIDE);
  return (
    <>
      <PageHeader title={t("console.section.keys")} lead={t("console.keys.lead")}>
        {mayRotate ? (
          <ActionButton
            disabled={firstSplit && fleetChoice.override && !fleetChoice.reason.trim()}
            onClick={async () => {
              await api.post("grants", "/keys/rotate", firstSplit ? overrideFields(fleetChoice) : {});
              setFleetChoice(NO_OVERRIDE);
              keys.reload();
            }}
          >
            {t("console.keys.rotate")}
          </ActionButton>
        ) : null}
      </PageHeader>
      {firstSplit ? (
        <Panel title={t("console.fleet.title")} id="fleet-readiness">
          <FleetReadinessView
            lead={t("console.fleet.keysLead")}
            readiness={readiness}
            mayOverride={mayRotate}
            choice={fleetChoice}
            onChoice={setFleetChoice}
          />
        </Panel>
      ) : null}
      <Panel title={t("console.keys.versions")} id="keys">
        <LoadState loaded={keys} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.keys.version")}</th>
              <th scope="col">{t("console.keys.status")}</th>
              <th scope="col">{t("console.keys.liveGrants")}</th>
              <th scope="col">{t("console.keys.validUntil")}</th>
              <th scope="col">{t("console.keys.accepted")}</th>
              <th scope="col">{t("console.keys.published")}</th>
              {mayRotate ? <th scope="col">{t("console.keys.activate")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {keys.data?.keys.map((key) => (
              <tr key={key.version}>
                <td>
                  {key.version}{" "}
                  {key.dualPurpose ? (
                    <span className="console-muted">
                      <code>{key.kid}</code> {t("console.keys.dualPurpose")}
                    </span>
                  ) : (
                    <span className="console-muted">
                      {t("console.keys.grantKey")} <code>{key.kid}</code> · {t("console.keys.certificateKey")}{" "}
                      <code>{key.certificateKey.kid}</code>
                    </span>
                  )}
                </td>
                <td>
                  <StatusBadge status={`key-${key.status}`} label={t(`console.keyStatus.${key.status}`)} />
                </td>
                <td>{key.liveGrants}</td>
                <td>{formatIso(key.validUntil, locale)}</td>
                <td>{key.acceptedByPolicy ? t("console.yes") : t("console.no")}</td>
                <td>{formatIso(key.publishedAt, locale)}</td>
                {mayRotate ? (
                  <td>
                    {key.status === "published" ? (
                      <ActionButton
                        kind="quiet"
                        onClick={async () => {
                          await api.post("grants", `/keys/${key.version}/activate`, {});
                          keys.reload();
                        }}
                      >
                        {t("console.keys.activateNow", { at: formatIso(key.activatableAt, locale) })}
                      </ActionButton>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
