// People (admins): invite someone with a role and hand them the one-time link; open and past invitations.
import { createFileRoute } from "@tanstack/react-router";
import { useState } from "react";
import { ActionButton, formatIso, LoadState, PageHeader, Panel, useLoad } from "../console/components/ui.tsx";
import { invitationLink } from "../console/invitation.ts";
import { can, ROLES, type Role } from "../console/roles.ts";
import { useSignedIn } from "../console/session.tsx";
import { useI18n } from "../i18n/index.ts";

export const Route = createFileRoute("/console/people")({ component: PeoplePage });

interface Invitation {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

function PeoplePage() {
  const { t, locale } = useI18n();
  const { api, role } = useSignedIn();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [inviteRole, setInviteRole] = useState<Role>("operator");
  const [link, setLink] = useState<string | null>(null);
  const invitations = useLoad(
    (signal) => api.get<{ invitations: Invitation[] }>("policy", "/invitations", undefined, signal),
    [api],
  );
  if (!can(role, "people.invite"))
    return <p className="notice notice-warn">{t("console.people.adminsOnly")}</p>;
  return (
    <>
      <PageHeader title={t("console.section.people")} lead={t("console.people.lead")} />
      <Panel title={t("console.people.invite")} id="invite">
        <form className="console-form console-form-row" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="invite-name">{t("console.people.name")}</label>
            <input id="invite-name" required value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-email">{t("console.people.email")}</label>
            <input
              id="invite-email"
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="invite-role">{t("console.people.role")}</label>
            <select
              id="invite-role"
              value={inviteRole}
              onChange={(event) => setInviteRole(event.target.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`console.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <ActionButton
            type="submit"
            disabled={!name.trim() || !email.includes("@")}
            onClick={async () => {
              const created = await api.post<Invitation & { token: string }>("policy", "/invitations", {
                email: email.trim(),
                name: name.trim(),
                role: inviteRole,
              });
              setLink(invitationLink(window.location.origin, created.token));
              setEmail("");
              setName("");
              invitations.reload();
            }}
          >
            {t("console.people.send")}
          </ActionButton>
        </form>
        {link ? (
          <div className="enrolment-code" role="status">
            <p className="notice notice-warn">{t("console.people.linkOnce")}</p>
            <label htmlFor="invitation-link">{t("console.people.link")}</label>
            <input id="invitation-link" readOnly value={link} onFocus={(event) => event.target.select()} />
          </div>
        ) : null}
      </Panel>
      <Panel title={t("console.people.invitations")} id="invitations">
        <LoadState loaded={invitations} />
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">{t("console.people.name")}</th>
              <th scope="col">{t("console.people.email")}</th>
              <th scope="col">{t("console.people.role")}</th>
              <th scope="col">{t("console.people.state")}</th>
              <th scope="col">{t("console.people.expires")}</th>
            </tr>
          </thead>
          <tbody>
            {invitations.data?.invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.name}</td>
                <td>{invitation.email}</td>
                <td>{t(`console.role.${invitation.role}`)}</td>
                <td>
                  {invitation.acceptedAt
                    ? t("console.people.accepted")
                    : invitation.revokedAt
                      ? t("console.people.withdrawn")
                      : t("console.people.open")}
                </td>
                <td>{formatIso(invitation.expiresAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
