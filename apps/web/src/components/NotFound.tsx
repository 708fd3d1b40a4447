// Shown for an address that matches no page.
import { Link, useRouter } from "@tanstack/react-router";
import { useEffect } from "react";
import { useT } from "../i18n/index.ts";
import { takeAddressToRestore } from "../not-found-document.ts";
import { PageLayout } from "./PageLayout.tsx";

export function NotFound() {
  const t = useT();
  const router = useRouter();
  useEffect(() => {
    // Hydrated at /404 (see not-found-document.ts): now show the address the visitor asked for.
    const address = takeAddressToRestore();
    if (address) router.history.replace(address);
  }, [router]);
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
