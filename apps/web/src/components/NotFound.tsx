// Shown for an address that matches no page.
import { Link } from "@tanstack/react-router";
import { useT } from "../i18n/index.ts";
import { PageLayout } from "./PageLayout.tsx";

export function NotFound() {
  const t = useT();
  return (
    <PageLayout>
      <section className="notice">
        <h1>{t("notFound.title")}</h1>
        <p>{t("notFound.body")}</p>
        <Link to="/" className="button button-primary">
          {t("notFound.home")}
        </Link>
      </section>
    </PageLayout>
  );
}
