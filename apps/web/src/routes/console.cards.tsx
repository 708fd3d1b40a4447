// Cards: search by id; the reconciled ledger, history and flags; block/unblock through the deny list;
// authorise a top-up; the restore point a station reissues from.
import { createFileRoute } from "@tanstack/react-router";
import { useState } from "react";
import { ProblemError } from "../console/api.ts";
import { DenyFields } from "../console/components/DenyFields.tsx";
import {
  ActionButton,
  formatAmount,
  formatTime,
  LoadState,
  PageHeader,
  Panel,
  StatusBadge,
  useLoad,
} from "../console/components/ui.tsx";
import type { DenyReason, Flag } from "../console/data.ts";
import { can } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/cards")({ component: CardsPage });

interface CardSummary {
  cardId: string;
  balance: number;
  counter: number;
  status: string;
  eventCount: number;
  openGaps: number;
  lastWrittenAt: number;
}

interface CardView extends CardSummary {
  complete: boolean;
  restore: {
    cardId: string;
    balance: number;
    counter: number;
    chain: string;
    unconfirmed?: { eventId: string; op: string; amount: number } | null;
  };
  entries: {
    eventId: string;
    counter: number;
    op: string;
    amount: number;
    balanceBefore: number | null;
    balanceAfter: number;
    writtenAt: number;
    terminalId: string;
    settlement: string;
    flags: string[];
  }[];
  history: { counter: number; op: string; amount: number; writtenAt: number; terminalId: string }[];
  flags: Flag[];
}

interface DenyEntry {
  kind: "card";
  id: string;
  reason: string;
  note?: string;
  addedAt: number;
  addedBy: string;
}

const CARD_ID = /^[0-9a-f]{16}$/;

function CardsPage() {
  const { t, locale } = useI18n();
  const { api } = useSignedIn();
  const [query, setQuery] = useState("");
  const [cardId, setCardId] = useState<string | null>(null);
  const recent = useLoad(
    (signal) => api.get<{ cards: CardSummary[] }>("reconciliation", "/cards", { limit: 20 }, signal),
    [api],
  );
  return (
    <>
      <PageHeader title={t("console.section.cards")} lead={t("console.cards.lead")} />
      <search>
        <form
          className="console-form console-form-row"
          onSubmit={(event) => {
            event.preventDefault();
            setCardId(query.trim().toLowerCase());
          }}
        >
          <div className="field">
            <label htmlFor="card-search">{t("console.cards.search")}</label>
            <input
              id="card-search"
              value={query}
              pattern="[0-9a-fA-F]{16}"
              placeholder="04a1b2c3d4e5f601"
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <button
            type="submit"
            className="button button-primary"
            disabled={!CARD_ID.test(query.trim().toLowerCase())}
          >
            {t("console.cards.find")}
          </button>
        </form>
      </search>
      {cardId ? <CardDetail key={cardId} cardId={cardId} /> : null}
      <Panel title={t("console.cards.recent")} id="recent-cards">
        <LoadState loaded={recent} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.cards.card")}</th>
              <th scope="col">{t("console.cards.balance")}</th>
              <th scope="col">{t("console.cards.status")}</th>
              <th scope="col">{t("console.cards.events")}</th>
              <th scope="col">{t("console.cards.lastWrite")}</th>
            </tr>
          </thead>
          <tbody>
            {recent.data?.cards.map((card) => (
              <tr key={card.cardId}>
                <td>
                  <button type="button" className="link-button" onClick={() => setCardId(card.cardId)}>
                    <code>{card.cardId}</code>
                  </button>
                </td>
                <td>{formatAmount(card.balance, 2, locale)}</td>
                <td>{card.status}</td>
                <td>{card.eventCount}</td>
                <td>{formatTime(card.lastWrittenAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function CardDetail({ cardId }: { cardId: string }) {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const [reason, setReason] = useState<DenyReason>("lost");
  const [note, setNote] = useState("");
  const [amount, setAmount] = useState("");
  const [authorised, setAuthorised] = useState<string | null>(null);
  const card = useLoad(
    async (signal) => {
      const [view, deny] = await Promise.all([
        api.get<CardView>("reconciliation", `/cards/${cardId}`, undefined, signal).catch((error: unknown) => {
          if (error instanceof ProblemError && error.status === 404) return null;
          throw error;
        }),
        api
          .get<DenyEntry>("grants", `/deny-list/entries/card/${cardId}`, undefined, signal)
          .catch((error: unknown) => {
            if (error instanceof ProblemError && error.status === 404) return null;
            throw error;
          }),
      ]);
      return { view, deny };
    },
    [api, cardId],
  );
  const view = card.data?.view;
  const deny = card.data?.deny;
  return (
    <Panel title={t("console.cards.detailTitle", { id: cardId })} id="card-detail">
      <LoadState loaded={card} />
      {card.data && !view ? <p className="console-muted">{t("console.cards.unknown")}</p> : null}
      {view ? (
        <dl className="console-facts">
          <dt>{t("console.cards.balance")}</dt>
          <dd data-testid="card-balance">{formatAmount(view.balance, 2, locale)}</dd>
          <dt>{t("console.cards.status")}</dt>
          <dd>{view.status}</dd>
          <dt>{t("console.cards.counter")}</dt>
          <dd>{view.counter}</dd>
          <dt>{t("console.cards.complete")}</dt>
          <dd>{view.complete ? t("console.yes") : t("console.no")}</dd>
          <dt>{t("console.cards.restore")}</dt>
          <dd>
            {t("console.cards.restoreAt", {
              balance: formatAmount(view.restore.balance, 2, locale),
              counter: view.restore.counter,
            })}
            {view.restore.unconfirmed ? (
              <>
                {" "}
                {t("console.cards.restoreLeavesOut", {
                  op: view.restore.unconfirmed.op,
                  amount: formatAmount(view.restore.unconfirmed.amount, 2, locale),
                })}
              </>
            ) : null}
          </dd>
        </dl>
      ) : null}
      {card.data ? (
        <p>
          {deny ? (
            <StatusBadge status="blocked" label={t("console.cards.denied", { reason: deny.reason })} />
          ) : (
            <StatusBadge status="active" label={t("console.cards.notDenied")} />
          )}
        </p>
      ) : null}
      {card.data && can(role, "cards.block") ? (
        <div className="console-form-stack">
          {deny ? (
            <ActionButton
              kind="quiet"
              onClick={async () => {
                await api.delete("grants", `/deny-list/entries/card/${cardId}`, {
                  reason: "unblocked in the console",
                });
                card.reload();
              }}
            >
              {t("console.cards.unblock")}
            </ActionButton>
          ) : (
            <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
              <DenyFields
                idPrefix="block"
                reason={reason}
                onReason={setReason}
                note={note}
                onNote={setNote}
              />
              <ActionButton
                kind="danger"
                onClick={async () => {
                  await api.post("grants", "/deny-list/entries", {
                    kind: "card",
                    id: cardId,
                    reason,
                    ...(note.trim() ? { note: note.trim() } : {}),
                  });
                  card.reload();
                }}
              >
                {t("console.cards.block")}
              </ActionButton>
            </form>
          )}
          {view ? (
            <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
              <div className="field">
                <label htmlFor="topup-amount">{t("console.cards.topupAmount")}</label>
                <input
                  id="topup-amount"
                  inputMode="numeric"
                  pattern="[0-9]+"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
              </div>
              <ActionButton
                disabled={!/^[1-9][0-9]*$/.test(amount)}
                onClick={async () => {
                  const answer = await api.post<{ authorisationId: string }>(
                    "reconciliation",
                    `/cards/${cardId}/topup-authorisations`,
                    { amount: Number(amount) },
                  );
                  setAuthorised(answer.authorisationId);
                }}
              >
                {t("console.cards.authorise")}
              </ActionButton>
              {authorised ? <p role="status">{t("console.cards.authorised", { id: authorised })}</p> : null}
            </form>
          ) : null}
        </div>
      ) : null}
      {view ? (
        <>
          <h3>{t("console.cards.ledger")}</h3>
          <table className="console-table">
            <thead>
              <tr>
                <th scope="col">{t("console.cards.counter")}</th>
                <th scope="col">{t("console.cards.when")}</th>
                <th scope="col">{t("console.cards.op")}</th>
                <th scope="col">{t("console.cards.amount")}</th>
                <th scope="col">{t("console.cards.before")}</th>
                <th scope="col">{t("console.cards.after")}</th>
                <th scope="col">{t("console.cards.settlement")}</th>
                <th scope="col">{t("console.cards.flags")}</th>
              </tr>
            </thead>
            <tbody>
              {view.entries.map((entry) => (
                <tr key={entry.eventId}>
                  <td>{entry.counter}</td>
                  <td>{formatTime(entry.writtenAt, locale)}</td>
                  <td>{entry.op}</td>
                  <td>{formatAmount(entry.amount, 2, locale)}</td>
                  <td>{entry.balanceBefore === null ? "—" : formatAmount(entry.balanceBefore, 2, locale)}</td>
                  <td>{formatAmount(entry.balanceAfter, 2, locale)}</td>
                  <td>{entry.settlement}</td>
                  <td>{entry.flags.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t("console.cards.flags")}</h3>
          {view.flags.length === 0 ? (
            <p className="console-muted">{t("console.flags.none")}</p>
          ) : (
            <ul>
              {view.flags.map((flag) => (
                <li key={flag.flagId}>
                  <strong>{flag.kind}</strong> ({flag.state}) — {flag.detail}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </Panel>
  );
}
