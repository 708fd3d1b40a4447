// The frame shared by the home, console and balance pages.
import type { ReactNode } from "react";
import { useT } from "../i18n/index.ts";
import { AppHeader } from "./AppHeader.tsx";

export function PageLayout({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <div className="page">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <AppHeader />
      <main id="main" className="page-main">
        {children}
      </main>
    </div>
  );
}
