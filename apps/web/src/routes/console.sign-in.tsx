// The sign-in page; once signed in it points on to the dashboard.
import { createFileRoute, Link } from "@tanstack/react-router";
import { SignInPanel } from "../console/SignInPanel.tsx";
import { useConsoleSession } from "../console/session.tsx";
import { useT } from "../i18n/index.ts";

export const Route = createFileRoute("/console/sign-in")({ component: SignInPage });

function SignInPage() {
  const t = useT();
  const { state } = useConsoleSession();
  if (state.status !== "signedIn") return <SignInPanel />;
  return (
    <div className="console-sign-in">
      <h1>{t("console.signIn.done", { name: state.me.name })}</h1>
      <Link to="/console" className="button button-primary">
        {t("console.section.dashboard")}
      </Link>
    </div>
  );
}
