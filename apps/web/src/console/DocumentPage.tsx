// One page shape for policy and catalog: the current version, a draft form checked against the protocol
// schema as you type, the diff against the current version, whether the terminals in the field can follow a
// layout change, publish, history and rollback.
import type { FleetReadiness, PolicyDraft } from "@tessera/protocol";
import { useEffect, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.ts";
import { ProblemError } from "./api.ts";
import { FleetReadinessView } from "./components/FleetReadiness.tsx";
import { ActionButton, formatIso, LoadState, PageHeader, Panel, useLoad } from "./components/ui.tsx";
import {
  catalogPriceFields,
  checkDraft,
  type DocumentKindName,
  draftOf,
  POLICY_FIELDS,
  readPath,
  writePath,
} from "./documents.ts";
import { type FleetOverride, NO_OVERRIDE, overrideFields, policyChangeNeeds } from "./fleet.ts";
import { can } from "./roles.ts";
import { useSignedIn } from "./session.tsx";

interface VersionSummary {
  version: number;
  publishedAt: string;
  publishedBy: { kind: string; id: string; name?: string };
  restoredFrom: number | null;
  note: string | null;
}

interface Change {
  path: string;
  before?: unknown;
  after?: unknown;
}

interface Draft {
  id: string;
  issues: { path: string; rule: string; message: string }[];
}

const TITLES: Record<DocumentKindName, { title: MessageKey; lead: MessageKey }> = {
  policy: { title: "console.section.policy", lead: "console.policy.lead" },
  catalog: { title: "console.section.catalog", lead: "console.catalog.lead" },
};

export function DocumentPage({ kind }: { kind: DocumentKindName }) {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const editable = can(role, kind === "policy" ? "policy.edit" : "catalog.edit");
  const loaded = useLoad(
    async (signal) => {
      const current = await api
        .get<Record<string, unknown> & { version: number }>("policy", `/${kind}`, undefined, signal)
        .catch((error: unknown) => {
          if (error instanceof ProblemError && error.status === 404) return null;
          throw error;
        });
      const [versions, policy] = await Promise.all([
        api.get<{ versions: VersionSummary[] }>("policy", `/${kind}/versions`, undefined, signal),
        kind === "catalog"
          ? api.get<PolicyDraft>("policy", "/policy", undefined, signal)
          : Promise.resolve(undefined),
      ]);
      return { current, versions: versions.versions, policy };
    },
    [api, kind],
  );
  const [text, setText] = useState("");
  const [note, setNote] = useState("");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [fleetChoice, setFleetChoice] = useState<FleetOverride>(NO_OVERRIDE);
  const current = loaded.data?.current ?? null;

  useEffect(() => {
    if (!loaded.data) return;
    const start = current ? draftOf(current) : { currency: loaded.data.policy?.currency, locations: [] };
    setText(JSON.stringify(start, null, 2));
  }, [loaded.data, current]);

  const check = text ? checkDraft(kind, text, loaded.data?.policy) : null;
  const parsed = check?.ok ? check.document : null;
  const setField = (path: string, raw: string) => {
    if (!parsed || !/^\d+$/.test(raw)) return;
    setText(JSON.stringify(writePath(parsed, path, Number(raw)), null, 2));
    setDraft(null);
    setChanges(null);
  };
  // A saved policy draft that switches the write layout or drops a readable one waits for the fleet (ADR 0005).
  const needs = kind === "policy" && draft && current ? policyChangeNeeds(current, parsed).join(",") : "";
  const readiness = useLoad(
    (signal) =>
      needs
        ? api.get<FleetReadiness>("reconciliation", "/fleet/readiness", { capabilities: needs }, signal)
        : Promise.resolve(null),
    [api, needs],
  );
  const overrideIncomplete = fleetChoice.override && !fleetChoice.reason.trim();
  const fields =
    kind === "policy"
      ? POLICY_FIELDS.map((path) => ({ path, label: path }))
      : catalogPriceFields(parsed).map((f) => ({ path: f.path, label: `${f.location} · ${f.product}` }));

  return (
    <>
      <PageHeader title={t(TITLES[kind].title)} lead={t(TITLES[kind].lead)} />
      <LoadState loaded={loaded} />
      <p data-testid="current-version">
        {current
          ? t("console.documents.current", { version: current.version })
          : t("console.documents.noneYet")}
      </p>
      {editable && loaded.data ? (
        <Panel title={t("console.documents.draft")} id="draft">
          <form className="console-form" onSubmit={(event) => event.preventDefault()}>
            <div className="field-grid">
              {fields.map((field) => {
                const value = readPath(parsed, field.path);
                return (
                  <div className="field" key={field.path}>
                    <label htmlFor={`field-${field.path}`}>{field.label}</label>
                    <input
                      id={`field-${field.path}`}
                      inputMode="numeric"
                      value={typeof value === "number" ? String(value) : ""}
                      disabled={!parsed}
                      onChange={(event) => setField(field.path, event.target.value)}
                    />
                  </div>
                );
              })}
            </div>
            <div className="field">
              <label htmlFor="document-json">{t("console.documents.json")}</label>
              <textarea
                id="document-json"
                className="code-input"
                rows={14}
                spellCheck={false}
                value={text}
                aria-describedby="document-issues"
                onChange={(event) => {
                  setText(event.target.value);
                  setDraft(null);
                  setChanges(null);
                }}
              />
            </div>
            <div id="document-issues" aria-live="polite">
              {check && check.issues.length > 0 ? (
                <ul className="issues">
                  {check.issues.map((issue) => (
                    <li key={`${issue.path}-${issue.rule}-${issue.message}`}>
                      <code>{issue.path || "—"}</code> {issue.message}{" "}
                      <span className="console-muted">({issue.rule})</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="console-muted">{t("console.documents.valid")}</p>
              )}
            </div>
            <div className="field">
              <label htmlFor="document-note">{t("console.documents.note")}</label>
              <input
                id="document-note"
                maxLength={500}
                value={note}
                onChange={(event) => setNote(event.target.value)}
              />
            </div>
            {needs ? (
              <section aria-labelledby="fleet-readiness-title">
                <h3 id="fleet-readiness-title">{t("console.fleet.title")}</h3>
                <FleetReadinessView
                  lead={t("console.fleet.layoutsLead")}
                  readiness={readiness}
                  mayOverride={editable}
                  choice={fleetChoice}
                  onChoice={setFleetChoice}
                />
              </section>
            ) : null}
            <div className="console-actions">
              <ActionButton
                kind="quiet"
                disabled={!check?.ok || check.issues.length > 0}
                onClick={async () => {
                  if (!parsed) return;
                  const saved = await api.post<Draft>("policy", `/${kind}/drafts`, {
                    document: parsed,
                    ...(note.trim() ? { note: note.trim() } : {}),
                  });
                  setDraft(saved);
                  setChanges(
                    current
                      ? (await api.get<{ changes: Change[] }>("policy", `/${kind}/drafts/${saved.id}/diff`))
                          .changes
                      : [],
                  );
                }}
              >
                {t("console.documents.saveAndDiff")}
              </ActionButton>
              <ActionButton
                disabled={!draft || draft.issues.length > 0 || Boolean(needs && overrideIncomplete)}
                onClick={async () => {
                  if (!draft) return;
                  const result = await api.post<{ version: number }>(
                    "policy",
                    `/${kind}/drafts/${draft.id}/publish`,
                    {
                      ...(current ? { baseVersion: current.version } : {}),
                      ...(note.trim() ? { note: note.trim() } : {}),
                      ...(needs ? overrideFields(fleetChoice) : {}),
                    },
                  );
                  setPublished(result.version);
                  setDraft(null);
                  setNote("");
                  setFleetChoice(NO_OVERRIDE);
                  loaded.reload();
                }}
              >
                {t("console.documents.publish")}
              </ActionButton>
            </div>
          </form>
          {published !== null ? (
            <p role="status">{t("console.documents.published", { version: published })}</p>
          ) : null}
          {changes ? <DiffTable changes={changes} /> : null}
        </Panel>
      ) : null}
      <Panel title={t("console.documents.history")} id="history">
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.documents.version")}</th>
              <th scope="col">{t("console.documents.publishedAt")}</th>
              <th scope="col">{t("console.documents.by")}</th>
              <th scope="col">{t("console.documents.note")}</th>
              {editable ? <th scope="col">{t("console.documents.rollback")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {loaded.data?.versions.map((version) => (
              <tr key={version.version}>
                <td>
                  {version.version}
                  {version.restoredFrom ? ` ← ${version.restoredFrom}` : ""}
                </td>
                <td>{formatIso(version.publishedAt, locale)}</td>
                <td>{version.publishedBy.name ?? version.publishedBy.id}</td>
                <td>{version.note ?? ""}</td>
                {editable ? (
                  <td>
                    {version.version !== current?.version ? (
                      <ActionButton
                        kind="quiet"
                        onClick={async () => {
                          await api.post("policy", `/${kind}/rollback`, { version: version.version });
                          loaded.reload();
                        }}
                      >
                        {t("console.documents.rollbackTo", { version: version.version })}
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

function DiffTable({ changes }: { changes: Change[] }) {
  const { t } = useI18n();
  if (changes.length === 0) return <p className="console-muted">{t("console.documents.noChanges")}</p>;
  return (
    <table className="console-table diff-table">
      <caption>{t("console.documents.diff")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("console.documents.field")}</th>
          <th scope="col">{t("console.documents.before")}</th>
          <th scope="col">{t("console.documents.after")}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.path}>
            <td>
              <code>{change.path}</code>
            </td>
            <td className="diff-before">{JSON.stringify(change.before) ?? "—"}</td>
            <td className="diff-after">{JSON.stringify(change.after) ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
