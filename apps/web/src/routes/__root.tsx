// The HTML document around every page: head tags, the i18n provider and service-worker registration.
import { createRootRoute, HeadContent, Outlet, Scripts } from "@tanstack/react-router";
import { type ReactNode, useEffect } from "react";
import { DEFAULT_LOCALE, I18nProvider, translate, useI18n } from "../i18n/index.ts";
import appCss from "../styles/app.css?url";

/** Matches `theme_color` in public/manifest.webmanifest. */
const THEME_COLOR = "#0b5f5a";

export const Route = createRootRoute({
  head: () => ({
    meta: [
      { charSet: "utf-8" },
      { name: "viewport", content: "width=device-width, initial-scale=1, viewport-fit=cover" },
      { title: translate(DEFAULT_LOCALE, "app.title") },
      { name: "description", content: translate(DEFAULT_LOCALE, "app.tagline") },
      { name: "theme-color", content: THEME_COLOR },
      { name: "color-scheme", content: "light" },
    ],
    links: [
      { rel: "stylesheet", href: appCss },
      { rel: "manifest", href: "/manifest.webmanifest" },
      { rel: "icon", href: "/icons/icon.svg", type: "image/svg+xml" },
      { rel: "icon", href: "/icons/icon-192.png", type: "image/png", sizes: "192x192" },
      { rel: "apple-touch-icon", href: "/icons/icon-192.png" },
    ],
  }),
  shellComponent: RootShell,
  component: RootComponent,
});

function RootShell({ children }: { children: ReactNode }) {
  return (
    <I18nProvider>
      <RootDocument>{children}</RootDocument>
    </I18nProvider>
  );
}

function RootDocument({ children }: { children: ReactNode }) {
  const { locale, t } = useI18n();
  const title = t("app.title");
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <html lang={locale}>
      <head>
        <HeadContent />
      </head>
      <body>
        {children}
        <Scripts />
      </body>
    </html>
  );
}

function RootComponent() {
  useEffect(() => {
    // The dev server serves no sw.js, and a worker there would cache stale modules. Loaded lazily
    // so prerendering never evaluates workbox-window (a browser-only CommonJS build in Node).
    if (!import.meta.env.PROD) return;
    import("../pwa/register-service-worker.ts")
      .then(({ registerServiceWorker }) => registerServiceWorker())
      .catch((error: unknown) => console.warn("Could not load the service worker registration.", error));
  }, []);
  return <Outlet />;
}
