// A long download with progress and cancel: the bytes received so far, and an abort that drops the partial file.
import { useRef, useState } from "react";
import { useT } from "../../i18n/index.ts";
import { saveBlob } from "../api.ts";
import { describeError, Progress } from "./ui.tsx";

export function ExportButton({
  label,
  fileName,
  fetchBlob,
}: {
  label: string;
  fileName: string;
  fetchBlob: (onProgress: (bytes: number) => void, signal: AbortSignal) => Promise<Blob>;
}) {
  const t = useT();
  const controller = useRef<AbortController | null>(null);
  const [bytes, setBytes] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const start = async () => {
    controller.current = new AbortController();
    setBytes(0);
    setOutcome(null);
    try {
      const blob = await fetchBlob(setBytes, controller.current.signal);
      saveBlob(blob, fileName);
      setOutcome(t("console.export.done", { size: blob.size }));
    } catch (error) {
      setOutcome(
        error instanceof DOMException && error.name === "AbortError"
          ? t("console.export.cancelled")
          : describeError(error),
      );
    } finally {
      setBytes(null);
      controller.current = null;
    }
  };
  return (
    <div className="export">
      <button
        type="button"
        className="button button-quiet"
        disabled={bytes !== null}
        onClick={() => void start()}
      >
        {label}
      </button>
      {bytes !== null ? (
        <>
          <Progress label={t("console.export.progress", { size: bytes })} value={bytes} />
          <button type="button" className="button button-quiet" onClick={() => controller.current?.abort()}>
            {t("console.cancel")}
          </button>
        </>
      ) : null}
      {outcome ? <p role="status">{outcome}</p> : null}
    </div>
  );
}
