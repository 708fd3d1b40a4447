// Small numeric helpers every benchmark module shares: rounding for the results table, medians over
// rounds, percentiles over samples, and a check that an autocannon run saw only the expected status.

export const round2 = (value) => Math.round(value * 100) / 100;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A latency figure is only meaningful if every request got the answer being measured. */
export function assertStatus(result, status, label) {
  const count = result.statusCodeStats?.[status]?.count ?? 0;
  if (result.errors > 0 || result.timeouts > 0 || count !== result.requests.total || count === 0)
    throw new Error(
      `${label}: expected only ${status}, got ${JSON.stringify(result.statusCodeStats)} with ${result.errors} errors`,
    );
}
