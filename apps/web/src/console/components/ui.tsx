// Building blocks shared by the console pages: data loading, problem display, busy buttons, formatting.
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { type MessageKey, useT } from "../../i18n/index.ts";
import { ProblemError } from "../api.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` after mount and whenever `deps` change; a newer load wins over a slower older one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // `deps` are the caller's (the hook cannot see inside them); `tick` forces a reload.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    loadRef
      .current(controller.signal)
      .then((data) => !controller.signal.aborted && setState({ data, loading: false }))
      .catch((error: unknown) => !controller.signal.aborted && setState({ error, loading: false }));
    return () => controller.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A human line for any failure: the problem's detail, with its stable code for support. */
export function describeError(error: unknown): string {
  if (error instanceof ProblemError) {
    const fields = error.problem.errors?.map((e) => `${e.path ? `${e.path}: ` : ""}${e.message}`) ?? [];
    return [`${error.message} (${error.code})`, ...fields].join(" · ");
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNotice({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return (
    <div className="notice notice-bad" role="alert">
      <p className="notice-title">{t("console.error.title")}</p>
      <p>{describeError(error)}</p>
    </div>
  );
}

/** What a loaded piece of a page shows before its data: the failure, or "loading" until the first answer. */
export function LoadState({ loaded }: { loaded: Loaded<unknown> }) {
  const t = useT();
  return (
    <>
      <ErrorNotice error={loaded.error} />
      {loaded.loading && !loaded.data ? (
        <p className="console-muted" role="status">
          {t("console.loading")}
        </p>
      ) : null}
    </>
  );
}

export function PageHeader({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: string;
  children?: ReactNode;
}) {
  return (
    <header className="console-page-header">
      <div>
        <h1>{title}</h1>
        {lead ? <p className="console-muted">{lead}</p> : null}
      </div>
      {children ? <div className="console-actions">{children}</div> : null}
    </header>
  );
}

export function Panel({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="console-panel" aria-labelledby={id ? `${id}-title` : undefined}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** A button that runs an async action, disables itself meanwhile and reports a failure next to itself. */
export function ActionButton({
  onClick,
  children,
  kind = "primary",
  disabled,
  type = "button",
}: {
  onClick: () => Promise<unknown>;
  children: ReactNode;
  kind?: "primary" | "quiet" | "danger";
  disabled?: boolean;
  type?: "button" | "submit";
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <span className="action">
      <button
        type={type}
        className={`button button-${kind}`}
        disabled={disabled || busy}
        aria-busy={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await onClick();
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
      </button>
      {error ? (
        <span className="action-error" role="alert">
          {describeError(error)}
        </span>
      ) : null}
    </span>
  );
}

export function Stat({
  label,
  value,
  tone,
}: {
  label: string;
  value: ReactNode;
  tone?: "good" | "warn" | "bad";
}) {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ""}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`badge badge-${status}`}>{label}</span>;
}

/** Progress of a long job, announced politely to screen readers. */
export function Progress({ label, value, max }: { label: string; value: number; max?: number }) {
  return (
    <div className="progress" role="status">
      <span className="progress-label">{label}</span>
      {max !== undefined ? (
        <progress aria-label={label} value={value} max={max} />
      ) : (
        <progress aria-label={label} />
      )}
    </div>
  );
}

export function formatAmount(minor: number, minorUnit = 2, locale = "en"): string {
  return (minor / 10 ** minorUnit).toLocaleString(locale, {
    minimumFractionDigits: minorUnit,
    maximumFractionDigits: minorUnit,
  });
}

export function formatTime(epochSeconds: number | null | undefined, locale = "en"): string {
  if (!epochSeconds) return "—";
  return new Date(epochSeconds * 1000).toLocaleString(locale, {
    dateStyle: "short",
    timeStyle: "short",
    timeZone: "UTC",
  });
}

export function formatIso(iso: string | null | undefined, locale = "en"): string {
  if (!iso) return "—";
  return formatTime(Math.floor(Date.parse(iso) / 1000), locale);
}

/** A select whose options are translated labels of a fixed list of values. */
export function EnumSelect<T extends string>({
  id,
  label,
  value,
  values,
  labelOf,
  onChange,
  allowAll,
}: {
  id: string;
  label: string;
  value: T | "";
  values: readonly T[];
  labelOf: (value: T) => string;
  onChange: (value: T | "") => void;
  allowAll?: MessageKey;
}) {
  const t = useT();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T | "")}>
        {allowAll ? <option value="">{t(allowAll)}</option> : null}
        {values.map((v) => (
          <option key={v} value={v}>
            {labelOf(v)}
          </option>
        ))}
      </select>
    </div>
  );
}
