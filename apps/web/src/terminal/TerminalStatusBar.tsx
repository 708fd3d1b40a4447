// The always-visible strip of a kiosk: connection, grant, upload queue and the last card seen.
import { CloudUpload, CreditCard, KeyRound, type LucideIcon, ServerCrash, Wifi, WifiOff } from "lucide-react";
import type { ReactNode } from "react";
import { type MessageKey, useT } from "../i18n/index.ts";
import { type Connectivity, useConnectivity } from "./connectivity.ts";

const CONNECTIVITY_LABEL: Record<Connectivity, MessageKey> = {
  checking: "terminal.connectivity.checking",
  online: "terminal.connectivity.online",
  offline: "terminal.connectivity.offline",
  unreachable: "terminal.connectivity.unreachable",
};

const CONNECTIVITY_ICON: Record<Connectivity, LucideIcon> = {
  checking: Wifi,
  online: Wifi,
  offline: WifiOff,
  unreachable: ServerCrash,
};

function StatusItem({
  label,
  icon: Icon,
  tone = "neutral",
  testId,
  children,
}: {
  label: string;
  icon: LucideIcon;
  tone?: "neutral" | "good" | "warn" | "bad";
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className={`status-item status-${tone}`} data-testid={testId}>
      <Icon className="status-icon" aria-hidden="true" size={28} strokeWidth={2.2} />
      <dl>
        <dt>{label}</dt>
        <dd>{children}</dd>
      </dl>
    </div>
  );
}

export function TerminalStatusBar() {
  const t = useT();
  const connectivity = useConnectivity();
  const connectivityTone =
    connectivity === "online" ? "good" : connectivity === "checking" ? "neutral" : "bad";
  return (
    <section className="status-bar" aria-label={t("terminal.status")}>
      <StatusItem
        label={t("terminal.connectivity")}
        icon={CONNECTIVITY_ICON[connectivity]}
        tone={connectivityTone}
        testId="status-connectivity"
      >
        <span role="status">{t(CONNECTIVITY_LABEL[connectivity])}</span>
      </StatusItem>
      {/* Grant, outbox and last card are placeholders until the terminal stores land. */}
      <StatusItem label={t("terminal.grant")} icon={KeyRound} tone="warn" testId="status-grant">
        {t("terminal.grant.none")}
      </StatusItem>
      <StatusItem label={t("terminal.outbox")} icon={CloudUpload} testId="status-outbox">
        {t("terminal.outbox.empty")}
      </StatusItem>
      <StatusItem label={t("terminal.lastCard")} icon={CreditCard} testId="status-last-card">
        {t("terminal.lastCard.none")}
      </StatusItem>
    </section>
  );
}
