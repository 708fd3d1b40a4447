/**
 * The operator's side of a run, through the Workers' public APIs with an admin bearer token: the simulation
 * policy, enrolment codes, revocation, and afterwards the reconciled ledger and the flags it raised.
 */
import type { PolicyDraft, Role } from "@tessera/protocol";
import type { Endpoints } from "@tessera/terminal-engine";

export interface ReconciledCard {
  cardId: string;
  balance: number;
  counter: number;
  status: string;
  eventCount: number;
  openGaps: number;
}

export interface RaisedFlag {
  flagId: string;
  kind: string;
  state: string;
  cardId: string | null;
  terminalIds: string[];
  eventIds: string[];
  amount: number | null;
}

export class OperatorApi {
  readonly #urls: Endpoints;
  readonly #token: string;

  constructor(urls: Endpoints, adminToken: string) {
    this.#urls = urls;
    this.#token = adminToken;
  }

  async #call<T>(service: keyof Endpoints, method: string, path: string, body?: unknown): Promise<T> {
    // A local D1 under a saturated machine now and then answers 500; an operator's script tries again, as a
    // person would. Every call here is safe to repeat (a second enrolment code is simply never used).
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.#urls[service]}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : {}) as T;
      if (response.status < 500 || attempt >= 3)
        throw new Error(`${method} ${service}${path} answered ${response.status}: ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }

  currentPolicy(): Promise<PolicyDraft & { version: number }> {
    return this.#call("policy", "GET", "/v1/policy");
  }

  /** Publishes `document` as the next policy version (draft, then publish, as the console does). */
  async publishPolicy(document: PolicyDraft, note: string): Promise<number> {
    const draft = await this.#call<{ id: string }>("policy", "POST", "/v1/policy/drafts", { document, note });
    const published = await this.#call<{ version: number }>(
      "policy",
      "POST",
      `/v1/policy/drafts/${draft.id}/publish`,
      {},
    );
    return published.version;
  }

  async enrolmentCode(role: Role, name: string, locationId: string): Promise<string> {
    const answer = await this.#call<{ code: string }>("grants", "POST", "/v1/enrolment-codes", {
      role,
      name,
      locationId,
    });
    return answer.code;
  }

  async revokeTerminal(terminalId: string, reason: string): Promise<void> {
    await this.#call("grants", "POST", `/v1/terminals/${terminalId}/revoke`, { reason });
  }

  /** Every card reconciliation holds, page by page. */
  async cards(): Promise<ReconciledCard[]> {
    const cards: ReconciledCard[] = [];
    let after: string | null = null;
    do {
      const query: string = `?limit=500${after ? `&after=${after}` : ""}`;
      const page: { cards: ReconciledCard[]; next: string | null } = await this.#call(
        "reconciliation",
        "GET",
        `/v1/cards${query}`,
      );
      cards.push(...page.cards);
      after = page.next;
    } while (after);
    return cards;
  }

  /** Every flag raised, newest first. */
  async flags(): Promise<RaisedFlag[]> {
    const flags: RaisedFlag[] = [];
    let before: string | null = null;
    do {
      const query: string = `?limit=200${before ? `&before=${encodeURIComponent(before)}` : ""}`;
      const page: { flags: RaisedFlag[]; next: string | null } = await this.#call(
        "reconciliation",
        "GET",
        `/v1/flags${query}`,
      );
      flags.push(...page.flags);
      before = page.next;
    } while (before);
    return flags;
  }
}
