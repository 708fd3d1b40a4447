// Accepting an invitation: the invitee registers a passkey with the one-time token from the link's fragment
// (a fragment never reaches a server or its logs).
import { createFileRoute, Link } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { ActionButton } from "../console/components/ui.tsx";
import { invitationFromHash } from "../console/invitation.ts";
import { useConsoleSession } from "../console/session.tsx";
import { useT } from "../i18n/index.ts";

export const Route = createFileRoute("/console/join")({ component: JoinPage });

function JoinPage() {
  const t = useT();
  const { state, registerPasskey } = useConsoleSession();
  const [invitation, setInvitation] = useState<string | null>(null);
  useEffect(() => setInvitation(invitationFromHash(window.location.hash)), []);
  if (state.status === "signedIn" && state.me.kind === "user") {
    return (
      <div className="console-sign-in">
        <h1>{t("console.join.done", { name: state.me.name })}</h1>
        <Link to="/console" className="button button-primary">
          {t("console.section.dashboard")}
        </Link>
      </div>
    );
  }
  return (
    <div className="console-sign-in">
      <h1>{t("console.join.title")}</h1>
      {invitation ? (
        <>
          <p>{t("console.join.body")}</p>
          <ActionButton onClick={() => registerPasskey(invitation)}>
            {t("console.join.register")}
          </ActionButton>
        </>
      ) : (
        <p className="notice notice-warn">{t("console.join.missing")}</p>
      )}
    </div>
  );
}
