// Deny list: cards and terminals listed, why, by whom and when; add and remove; import many cards from CSV
// with progress and cancel (one audited change per card, so an import stopped half-way is still consistent).
import { createFileRoute } from "@tanstack/react-router";
import { useRef, useState } from "react";
import { DenyFields } from "../console/components/DenyFields.tsx";
import {
  ActionButton,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  Progress,
  useLoad,
} from "../console/components/ui.tsx";
import type { DenyReason } from "../console/data.ts";
import { type DenyImportProblem, parseDenyCsv } from "../console/deny-csv.ts";
import { can } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/deny-list")({ component: DenyListPage });

interface Entry {
  reason: string;
  note?: string;
  addedAt: number;
  addedBy: string;
}

interface Snapshot {
  version: number;
  chunks: number;
  cards: (Entry & { id: string })[];
  terminals: (Entry & { terminalNumber: number; effectiveFrom: number })[];
}

const SHOWN = 500;

function DenyListPage() {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const mayChange = can(role, "denyList.change");
  const [filter, setFilter] = useState("");
  const list = useLoad((signal) => api.get<Snapshot>("grants", "/deny-list", undefined, signal), [api]);
  const cards = (list.data?.cards ?? []).filter((entry) => entry.id.includes(filter.trim().toLowerCase()));
  return (
    <>
      <PageHeader title={t("console.section.denyList")} lead={t("console.denyList.lead")} />
      {mayChange ? <AddEntry onChanged={list.reload} /> : null}
      {mayChange ? <CsvImport onChanged={list.reload} /> : null}
      <Panel title={t("console.denyList.cards")} id="deny-cards">
        <LoadState loaded={list} />
        {list.data ? (
          <p className="console-muted">
            {t("console.denyList.version", { version: list.data.version, count: list.data.cards.length })}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="deny-filter">{t("console.denyList.filter")}</label>
          <input id="deny-filter" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
        <table className="console-table" data-testid="deny-cards">
          <thead>
            <tr>
              <th scope="col">{t("console.cards.card")}</th>
              <th scope="col">{t("console.denyList.reason")}</th>
              <th scope="col">{t("console.denyList.note")}</th>
              <th scope="col">{t("console.denyList.by")}</th>
              <th scope="col">{t("console.denyList.when")}</th>
              {mayChange ? <th scope="col">{t("console.denyList.remove")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {cards.slice(0, SHOWN).map((entry) => (
              <tr key={entry.id}>
                <td>
                  <code>{entry.id}</code>
                </td>
                <td>{entry.reason}</td>
                <td>{entry.note ?? ""}</td>
                <td>{entry.addedBy}</td>
                <td>{formatTime(entry.addedAt, locale)}</td>
                {mayChange ? (
                  <td>
                    <ActionButton
                      kind="quiet"
                      onClick={async () => {
                        await api.delete("grants", `/deny-list/entries/card/${entry.id}`, {
                          reason: "removed in the console",
                        });
                        list.reload();
                      }}
                    >
                      {t("console.denyList.removeOne", { id: entry.id })}
                    </ActionButton>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {cards.length > SHOWN ? (
          <p className="console-muted">{t("console.denyList.more", { count: cards.length - SHOWN })}</p>
        ) : null}
      </Panel>
      <Panel title={t("console.denyList.terminals")} id="deny-terminals">
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.terminals.number")}</th>
              <th scope="col">{t("console.denyList.reason")}</th>
              <th scope="col">{t("console.denyList.effective")}</th>
              <th scope="col">{t("console.denyList.by")}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.terminals.map((entry) => (
              <tr key={entry.terminalNumber}>
                <td>{entry.terminalNumber}</td>
                <td>{entry.reason}</td>
                <td>{formatTime(entry.effectiveFrom, locale)}</td>
                <td>{entry.addedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function AddEntry({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = useSignedIn();
  const [id, setId] = useState("");
  const [reason, setReason] = useState<DenyReason>("lost");
  const [note, setNote] = useState("");
  return (
    <Panel title={t("console.denyList.add")} id="deny-add">
      <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="deny-id">{t("console.cards.card")}</label>
          <input
            id="deny-id"
            pattern="[0-9a-fA-F]{16}"
            value={id}
            onChange={(event) => setId(event.target.value)}
          />
        </div>
        <DenyFields idPrefix="deny" reason={reason} onReason={setReason} note={note} onNote={setNote} />
        <ActionButton
          type="submit"
          kind="danger"
          disabled={!/^[0-9a-f]{16}$/.test(id.trim().toLowerCase())}
          onClick={async () => {
            await api.post("grants", "/deny-list/entries", {
              kind: "card",
              id: id.trim().toLowerCase(),
              reason,
              ...(note.trim() ? { note: note.trim() } : {}),
            });
            setId("");
            setNote("");
            onChanged();
          }}
        >
          {t("console.denyList.addButton")}
        </ActionButton>
      </form>
    </Panel>
  );
}

function CsvImport({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const { api } = useSignedIn();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [problems, setProblems] = useState<DenyImportProblem[]>([]);
  const [outcome, setOutcome] = useState<string | null>(null);
  const cancelled = useRef(false);
  const run = async (file: File) => {
    const { rows, problems: found } = parseDenyCsv(await file.text());
    setProblems(found);
    setOutcome(null);
    cancelled.current = false;
    let done = 0;
    setProgress({ done, total: rows.length });
    try {
      for (const row of rows) {
        if (cancelled.current) break;
        await api.post("grants", "/deny-list/entries", {
          kind: "card",
          id: row.id,
          reason: row.reason,
          ...(row.note ? { note: row.note } : {}),
        });
        done += 1;
        setProgress({ done, total: rows.length });
      }
      setOutcome(
        cancelled.current
          ? t("console.denyList.importCancelled", { done, total: rows.length })
          : t("console.denyList.imported", { done }),
      );
    } catch (error) {
      setProblems((previous) => [...previous, { line: rows[done]?.line ?? 0, message: String(error) }]);
      setOutcome(t("console.denyList.importStopped", { done, total: rows.length }));
    } finally {
      setProgress(null);
      onChanged();
    }
  };
  return (
    <Panel title={t("console.denyList.import")} id="deny-import">
      <p className="console-muted">{t("console.denyList.importHelp")}</p>
      <div className="field">
        <label htmlFor="deny-csv">{t("console.denyList.csvFile")}</label>
        <input
          id="deny-csv"
          type="file"
          accept=".csv,text/csv"
          disabled={progress !== null}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) void run(file);
          }}
        />
      </div>
      {progress ? (
        <div className="console-form-row">
          <Progress
            label={t("console.denyList.importing", { done: progress.done, total: progress.total })}
            value={progress.done}
            max={progress.total}
          />
          <button type="button" className="button button-quiet" onClick={() => (cancelled.current = true)}>
            {t("console.cancel")}
          </button>
        </div>
      ) : null}
      {outcome ? <p role="status">{outcome}</p> : null}
      {problems.length > 0 ? (
        <ul className="issues">
          {problems.map((p) => (
            <li key={`${p.line}-${p.message}`}>
              {t("console.denyList.lineProblem", { line: p.line, message: p.message })}
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
