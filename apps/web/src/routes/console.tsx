// The admin console: for now a map of the sections that later issues fill in.
import { createFileRoute } from "@tanstack/react-router";
import {
  Ban,
  CreditCard,
  FileCheck,
  Flag,
  KeyRound,
  Landmark,
  LayoutDashboard,
  type LucideIcon,
  ScrollText,
  Store,
} from "lucide-react";
import { PageLayout } from "../components/PageLayout.tsx";
import { type MessageKey, useT } from "../i18n/index.ts";

export const Route = createFileRoute("/console")({
  component: ConsolePage,
});

const SECTIONS: readonly { icon: LucideIcon; title: MessageKey }[] = [
  { icon: LayoutDashboard, title: "console.section.dashboard" },
  { icon: Landmark, title: "console.section.finance" },
  { icon: Store, title: "console.section.terminals" },
  { icon: CreditCard, title: "console.section.cards" },
  { icon: FileCheck, title: "console.section.policy" },
  { icon: KeyRound, title: "console.section.keys" },
  { icon: Ban, title: "console.section.denyList" },
  { icon: Flag, title: "console.section.flags" },
  { icon: ScrollText, title: "console.section.audit" },
];

function ConsolePage() {
  const t = useT();
  return (
    <PageLayout>
      <section className="page-intro">
        <h1>{t("console.title")}</h1>
        <p className="lead">{t("console.lead")}</p>
      </section>
      <ul className="section-grid">
        {SECTIONS.map(({ icon: Icon, title }) => (
          <li key={title} className="section-tile" aria-disabled="true">
            <Icon aria-hidden="true" size={28} />
            <span className="section-title">{t(title)}</span>
            <span className="badge">{t("console.comingSoon")}</span>
          </li>
        ))}
      </ul>
    </PageLayout>
  );
}
