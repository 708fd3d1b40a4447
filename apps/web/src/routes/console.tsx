// The admin console's frame: session, navigation by role and the page outlet. Pages render client-side data
// after sign-in; the prerendered HTML is the frame with a "checking your session" line.
import { createFileRoute, Link, Outlet, useNavigate, useRouterState } from "@tanstack/react-router";
import { LogOut } from "lucide-react";
import { AppHeader } from "../components/AppHeader.tsx";
import { CONSOLE_PAGES, PUBLIC_CONSOLE_PATHS } from "../console/pages.ts";
import { hasRole } from "../console/roles.ts";
import { SignInPanel } from "../console/SignInPanel.tsx";
import { ConsoleSessionProvider, useConsoleSession } from "../console/session.tsx";
import { useT } from "../i18n/index.ts";
import consoleCss from "../styles/console.css?url";

export const Route = createFileRoute("/console")({
  head: () => ({ links: [{ rel: "stylesheet", href: consoleCss }] }),
  component: ConsoleLayout,
});

function ConsoleLayout() {
  return (
    <ConsoleSessionProvider>
      <ConsoleFrame />
    </ConsoleSessionProvider>
  );
}

function ConsoleFrame() {
  const t = useT();
  const { state, signOut } = useConsoleSession();
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const isPublic = PUBLIC_CONSOLE_PATHS.some((path) => pathname.startsWith(path));
  const role = state.status === "signedIn" ? state.role : null;
  return (
    <div className="page console">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <AppHeader />
      <div className={`console-body${state.status === "signedIn" ? " console-body-nav" : ""}`}>
        {state.status === "signedIn" ? (
          <nav className="console-nav" aria-label={t("console.nav.label")}>
            <p className="console-who">
              <span className="console-who-name">{state.me.name}</span>
              <span className={`badge badge-role-${state.role}`}>{t(`console.role.${state.role}`)}</span>
            </p>
            <ul>
              {CONSOLE_PAGES.filter((page) => hasRole(role, page.role)).map((page) => (
                <li key={page.to}>
                  <Link
                    to={page.to}
                    activeOptions={{ exact: page.to === "/console" }}
                    activeProps={{ "aria-current": "page", className: "active" }}
                  >
                    <page.icon aria-hidden="true" size={18} />
                    {t(page.title)}
                  </Link>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void signOut().then(() => navigate({ to: "/console" }))}
            >
              <LogOut aria-hidden="true" size={18} />
              {t("console.signOut")}
            </button>
          </nav>
        ) : null}
        <main id="main" className="console-main" tabIndex={-1}>
          {state.status === "checking" && !isPublic ? (
            <>
              <h1>{t("console.title")}</h1>
              <p className="console-muted" role="status">
                {t("console.session.checking")}
              </p>
            </>
          ) : state.status === "signedOut" && !isPublic ? (
            <SignInPanel />
          ) : (
            <Outlet />
          )}
        </main>
      </div>
    </div>
  );
}
