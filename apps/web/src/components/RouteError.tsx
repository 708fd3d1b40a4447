// Shown when a page throws while rendering, with a way to try again instead of a blank screen.
import type { ErrorComponentProps } from "@tanstack/react-router";
import { useT } from "../i18n/index.ts";
import { PageLayout } from "./PageLayout.tsx";

export function RouteError({ reset }: ErrorComponentProps) {
  const t = useT();
  return (
    <PageLayout>
      <section className="notice" role="alert">
        <h1>{t("error.title")}</h1>
        <button type="button" className="button button-primary" onClick={reset}>
          {t("error.retry")}
        </button>
      </section>
    </PageLayout>
  );
}
