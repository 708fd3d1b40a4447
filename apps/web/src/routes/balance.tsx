// The cardholder's balance view: reads a card on the phone and shows balance and recent history.
import { createFileRoute } from "@tanstack/react-router";
import { Smartphone } from "lucide-react";
import { PageLayout } from "../components/PageLayout.tsx";
import { useT } from "../i18n/index.ts";

export const Route = createFileRoute("/balance")({
  component: BalancePage,
});

function BalancePage() {
  const t = useT();
  return (
    <PageLayout>
      <section className="page-intro balance">
        <Smartphone className="hero-icon" aria-hidden="true" size={56} />
        <h1>{t("balance.title")}</h1>
        <p className="lead">{t("balance.lead")}</p>
        <div className="notice">
          <p>{t("balance.needsNfc")}</p>
          <p>{t("balance.comingSoon")}</p>
        </div>
      </section>
    </PageLayout>
  );
}
