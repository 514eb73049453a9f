/**
 * The one error configuration loading throws: every problem found, each naming the variable,
 * the value it had and what was expected. Config errors are not secrets (docs/decisions.md "Validation") and may go
 * into a problem+json body, except the bearer token, which is never echoed.
 */

/** One invalid option (or combination of options). */
export type ConfigProblem = {
  /** The environment variable at fault, e.g. `DiscoveryOptions__CacheTtlSeconds`. */
  readonly variable: string;
  /** A full sentence naming the variable, its (quoted or redacted) value and what is expected. */
  readonly message: string;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Every problem, in option-table order; never empty. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid discovery configuration (${count}):\n${problems.map((p) => `- ${p.message}`).join('\n')}`);
    this.problems = Object.freeze([...problems]);
  }
}

/** Shown instead of a secret's value. */
export const REDACTED = '<redacted>';

// Long values are cut so one mistaken paste cannot flood the log or the response body.
const MAX_SHOWN_LENGTH = 200;

/** How a value appears in a message: JSON-quoted (so blanks and `;` are visible), or `(unset)`. */
export const showValue = (value: string | undefined): string => {
  if (value === undefined) return '(unset)';
  const cut = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value;
  return JSON.stringify(cut);
};
