// The start page: what Tessera is and the three ways in (terminal, console, balance).
import { createFileRoute, Link } from "@tanstack/react-router";
import {
  ChevronRight,
  CreditCard,
  LayoutDashboard,
  type LucideIcon,
  Nfc,
  RefreshCw,
  ShieldCheck,
  Smartphone,
  Store,
} from "lucide-react";
import { PageLayout } from "../components/PageLayout.tsx";
import { type MessageKey, useT } from "../i18n/index.ts";

export const Route = createFileRoute("/")({
  component: HomePage,
});

interface Entry {
  to: "/terminal" | "/console" | "/balance";
  icon: LucideIcon;
  title: MessageKey;
  body: MessageKey;
}

const ENTRIES: readonly Entry[] = [
  { to: "/terminal", icon: Store, title: "entry.terminal.title", body: "entry.terminal.body" },
  { to: "/console", icon: LayoutDashboard, title: "entry.console.title", body: "entry.console.body" },
  { to: "/balance", icon: Smartphone, title: "entry.balance.title", body: "entry.balance.body" },
];

const PRINCIPLES: readonly { icon: LucideIcon; title: MessageKey; body: MessageKey }[] = [
  { icon: CreditCard, title: "principle.card.title", body: "principle.card.body" },
  { icon: ShieldCheck, title: "principle.grant.title", body: "principle.grant.body" },
  { icon: RefreshCw, title: "principle.reconcile.title", body: "principle.reconcile.body" },
];

function HomePage() {
  const t = useT();
  return (
    <PageLayout>
      <section className="hero">
        <Nfc className="hero-icon" aria-hidden="true" size={44} />
        <h1>{t("app.tagline")}</h1>
        <p className="lead">{t("app.description")}</p>
      </section>

      <nav className="entries" aria-label={t("app.entries")}>
        {ENTRIES.map(({ to, icon: Icon, title, body }) => (
          <Link key={to} to={to} className="entry">
            <Icon className="entry-icon" aria-hidden="true" size={40} strokeWidth={1.8} />
            <span className="entry-text">
              <span className="entry-title">{t(title)}</span>
              <span className="entry-body">{t(body)}</span>
            </span>
            <ChevronRight className="entry-arrow" aria-hidden="true" size={28} />
          </Link>
        ))}
      </nav>

      <ul className="principles">
        {PRINCIPLES.map(({ icon: Icon, title, body }) => (
          <li key={title}>
            <Icon className="principle-icon" aria-hidden="true" size={26} />
            <h2>{t(title)}</h2>
            <p>{t(body)}</p>
          </li>
        ))}
      </ul>
    </PageLayout>
  );
}
