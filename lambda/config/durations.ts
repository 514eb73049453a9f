/**
 * Prometheus' duration grammar (`model.ParseDuration`): units largest first, each at most once,
 * `0` the one unit-less value. Used for operator options (`ExtraPrometheusLabels`) and for the
 * per-target scrape settings that tags and docker labels may set (docs/decisions.md
 * "Portable labels (issue 15)").
 */

const PROMETHEUS_DURATION =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

// Milliseconds per unit, in the pattern's group order (a Prometheus year is 365 days).
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;

/** Whether `value` is a Prometheus duration such as `30s`, `1m30s` or `0`. */
export const isPrometheusDuration = (value: string): boolean => durationMs(value) !== undefined;

/** The duration in milliseconds, or `undefined` when `value` is not a Prometheus duration. */
export const durationMs = (value: string): number | undefined => {
  if (value === '0') return 0;
  if (value === '') return undefined;
  const match = PROMETHEUS_DURATION.exec(value);
  if (match === null) return undefined;
  return UNIT_MS.reduce((total, unit, index) => total + Number(match[index + 1] ?? 0) * unit, 0);
};
