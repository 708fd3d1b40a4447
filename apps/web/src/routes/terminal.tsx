// Terminal mode: the kiosk shell for POS, gate and station. The card flow slots into its main area.
import { createFileRoute, Link } from "@tanstack/react-router";
import { ArrowLeft, Nfc } from "lucide-react";
import { BrandMark } from "../components/BrandMark.tsx";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { useT } from "../i18n/index.ts";
import { TerminalStatusBar } from "../terminal/TerminalStatusBar.tsx";

export const Route = createFileRoute("/terminal")({
  component: TerminalPage,
});

function TerminalPage() {
  const t = useT();
  return (
    <div className="kiosk">
      <header className="kiosk-header">
        <span className="brand">
          <BrandMark size={40} />
          <span className="brand-name">{t("terminal.title")}</span>
        </span>
        <LanguageSwitch />
      </header>
      <TerminalStatusBar />
      <main className="kiosk-main">
        <div className="tap-target" aria-hidden="true">
          <Nfc size={96} strokeWidth={1.6} />
        </div>
        <h1 className="tap-prompt">{t("terminal.prompt")}</h1>
        <div className="notice notice-warn">
          <p className="notice-title">{t("terminal.notEnrolled")}</p>
          <p>{t("terminal.notEnrolledHint")}</p>
        </div>
      </main>
      <footer className="kiosk-footer">
        <Link to="/" className="button button-quiet">
          <ArrowLeft aria-hidden="true" size={24} />
          {t("terminal.exit")}
        </Link>
      </footer>
    </div>
  );
}
