/** D1 repository for people and their passkeys (tables people, passkeys). */
import type { PersonRole } from "@tessera/service-kit";
import { z } from "zod";

const PersonRowSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "operator", "auditor"]),
  webauthn_user_id: z.string(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
  passkeys: z.number().int().nonnegative(),
});

export interface PersonRow {
  id: string;
  email: string;
  name: string;
  role: PersonRole;
  webauthnUserId: string;
  createdAt: string;
  disabledAt: string | null;
  passkeys: number;
}

function toPerson(row: unknown): PersonRow {
  const parsed = PersonRowSchema.parse(row);
  return {
    id: parsed.id,
    email: parsed.email,
    name: parsed.name,
    role: parsed.role,
    webauthnUserId: parsed.webauthn_user_id,
    createdAt: parsed.created_at,
    disabledAt: parsed.disabled_at,
    passkeys: parsed.passkeys,
  };
}

const PasskeyRowSchema = z.object({
  id: z.string(),
  person_id: z.string(),
  public_key: z.string(),
  counter: z.number().int().nonnegative(),
  transports: z.string(),
});

export interface PasskeyRow {
  id: string;
  personId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/** An admin who can act: the role, not disabled. */
const ACTIVE_ADMIN = (table: string) => `${table}.role = 'admin' AND ${table}.disabled_at IS NULL`;

const PERSON_SELECT = `SELECT p.id, p.email, p.name, p.role, p.webauthn_user_id, p.created_at, p.disabled_at,
  (SELECT COUNT(*) FROM passkeys k WHERE k.person_id = p.id) AS passkeys FROM people p`;

export function peopleRepository(db: D1Database) {
  return {
    async find(id: string): Promise<PersonRow | null> {
      const row = await db.prepare(`${PERSON_SELECT} WHERE p.id = ?`).bind(id).first();
      return row ? toPerson(row) : null;
    },

    async findByEmail(email: string): Promise<PersonRow | null> {
      const row = await db.prepare(`${PERSON_SELECT} WHERE p.email = ?`).bind(email).first();
      return row ? toPerson(row) : null;
    },

    async list(limit = 500): Promise<PersonRow[]> {
      const { results } = await db
        .prepare(`${PERSON_SELECT} ORDER BY p.created_at LIMIT ?`)
        .bind(limit)
        .all();
      return results.map(toPerson);
    },

    /**
     * Creates the person if new, attaches the passkey, and marks the invitation accepted, atomically. Nothing
     * happens (false) when the invitation is no longer open, or when accepting it would demote the last
     * active admin (an existing admin accepting an invitation with a weaker role), re-checked as it writes.
     */
    async acceptInvitation(input: {
      person: Omit<PersonRow, "passkeys" | "disabledAt">;
      passkey: PasskeyRow;
      invitationId: string;
      at: string;
    }): Promise<boolean> {
      const { person, passkey, invitationId, at } = input;
      const [accepted] = await db.batch([
        db
          .prepare(
            `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL
             AND (? = 'admin' OR NOT EXISTS (
               SELECT 1 FROM people p WHERE p.email = ? AND ${ACTIVE_ADMIN("p")}
                 AND NOT EXISTS (SELECT 1 FROM people other WHERE other.id <> p.id AND ${ACTIVE_ADMIN("other")})))`,
          )
          .bind(at, invitationId, person.role, person.email),
        db
          .prepare(
            `INSERT INTO people (id, email, name, role, webauthn_user_id, created_at)
             SELECT ?, ?, ?, ?, ?, ? WHERE changes() > 0
             ON CONFLICT (email) DO UPDATE SET role = excluded.role, name = excluded.name, disabled_at = NULL`,
          )
          .bind(person.id, person.email, person.name, person.role, person.webauthnUserId, person.createdAt),
        db
          .prepare(
            `INSERT INTO passkeys (id, person_id, public_key, counter, transports, created_at)
             SELECT ?, (SELECT id FROM people WHERE email = ?), ?, ?, ?, ?
             WHERE EXISTS (SELECT 1 FROM invitations WHERE id = ? AND accepted_at = ?)`,
          )
          .bind(
            passkey.id,
            person.email,
            passkey.publicKey,
            passkey.counter,
            JSON.stringify(passkey.transports),
            at,
            invitationId,
            at,
          ),
      ]);
      return (accepted?.meta.changes ?? 0) > 0;
    },

    /** Whether `person` is an active admin and nobody else is: the console's last way to be administered. */
    async isLastActiveAdmin(person: PersonRow): Promise<boolean> {
      if (person.role !== "admin" || person.disabledAt !== null) return false;
      const other = await db
        .prepare(
          `SELECT 1 AS found FROM people other WHERE other.id <> ? AND ${ACTIVE_ADMIN("other")} LIMIT 1`,
        )
        .bind(person.id)
        .first();
      return other === null;
    },

    /**
     * Sets a person's role and whether they are disabled, in one statement that re-checks as it writes that
     * an active admin remains. D1 runs statements one at a time, so of two admins demoting each other at
     * once the second statement sees the first's write and changes nothing.
     */
    async update(
      id: string,
      change: { role: PersonRole; disabled: boolean; at: string },
    ): Promise<"updated" | "last_admin" | "not_found"> {
      const result = await db
        .prepare(
          `UPDATE people SET role = ?2, disabled_at = CASE WHEN ?3 = 1 THEN COALESCE(disabled_at, ?4) END
           WHERE id = ?1 AND (
             NOT (${ACTIVE_ADMIN("people")})
             OR (?2 = 'admin' AND ?3 = 0)
             OR EXISTS (SELECT 1 FROM people other WHERE other.id <> ?1 AND ${ACTIVE_ADMIN("other")}))`,
        )
        .bind(id, change.role, change.disabled ? 1 : 0, change.at)
        .run();
      if (result.meta.changes > 0) return "updated";
      return (await this.find(id)) ? "last_admin" : "not_found";
    },

    async passkey(id: string): Promise<PasskeyRow | null> {
      const row = await db
        .prepare("SELECT id, person_id, public_key, counter, transports FROM passkeys WHERE id = ?")
        .bind(id)
        .first();
      if (!row) return null;
      const parsed = PasskeyRowSchema.parse(row);
      return {
        id: parsed.id,
        personId: parsed.person_id,
        publicKey: parsed.public_key,
        counter: parsed.counter,
        transports: JSON.parse(parsed.transports) as string[],
      };
    },

    async passkeyIdsOf(personId: string): Promise<string[]> {
      const { results } = await db
        .prepare("SELECT id FROM passkeys WHERE person_id = ?")
        .bind(personId)
        .all();
      return results.map((row) => z.object({ id: z.string() }).parse(row).id);
    },

    async recordPasskeyUse(id: string, counter: number, at: string): Promise<void> {
      await db
        .prepare("UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?")
        .bind(counter, at, id)
        .run();
    },
  };
}
