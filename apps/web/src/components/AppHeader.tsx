// The header of the non-kiosk pages: the brand (home link) and the language switch.
import { Link } from "@tanstack/react-router";
import { useT } from "../i18n/index.ts";
import { BrandMark } from "./BrandMark.tsx";
import { LanguageSwitch } from "./LanguageSwitch.tsx";

export function AppHeader() {
  const t = useT();
  return (
    <header className="app-header">
      <Link to="/" className="brand" aria-label={t("nav.home")}>
        <BrandMark />
        <span className="brand-name">{t("app.title")}</span>
      </Link>
      <LanguageSwitch />
    </header>
  );
}
