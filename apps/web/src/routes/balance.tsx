// The cardholder's balance view: reads a card on the phone (or a demo card) and shows balance and recent history.
import { createFileRoute } from "@tanstack/react-router";
import { BalanceApp } from "../balance/BalanceApp.tsx";
import { PageLayout } from "../components/PageLayout.tsx";
import terminalCss from "../styles/terminal.css?url";

export const Route = createFileRoute("/balance")({
  head: () => ({ links: [{ rel: "stylesheet", href: terminalCss }] }),
  component: BalancePage,
});

function BalancePage() {
  return (
    <PageLayout>
      <BalanceApp />
    </PageLayout>
  );
}
