/** The validation hook every router shares, so a bad request reads the same on every route. */
import { fieldErrorsFromZod, TesseraError } from "@tessera/protocol";
import type { z } from "zod";

// Where the invalid input sat, in words a client developer recognises.
const PART_NAMES: Record<string, string> = {
  json: "body",
  form: "form body",
  query: "query string",
  param: "path",
  header: "headers",
  cookie: "cookies",
};

/** Throws `validation_failed` with one field error per zod issue; the app's onError renders it. */
export function rejectInvalidInput(
  result: { target: string } & ({ success: true } | { success: false; error: z.ZodError }),
): undefined {
  if (result.success) return;
  const part = PART_NAMES[result.target] ?? result.target;
  throw new TesseraError("validation_failed", `The request ${part} is not valid`, {
    errors: fieldErrorsFromZod(result.error),
  });
}
