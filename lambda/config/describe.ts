/**
 * The option table as documentation rows and as a Markdown table for the README.
 */
import { variableOf } from './load.ts';
import { OPTIONS } from './options.ts';

export type OptionDoc = {
  /** Environment variable, e.g. `DiscoveryOptions__EcsClusters`. */
  readonly variable: string;
  /** Default as written in the environment; empty when there is none. */
  readonly default: string;
  readonly example: string;
  readonly meaning: string;
};

/** One row per option, in table order. */
export const describeOptions = (): readonly OptionDoc[] =>
  Object.values(OPTIONS).map((spec) => ({
    variable: variableOf(spec),
    default: spec.defaultText,
    example: spec.example,
    meaning: spec.meaning,
  }));

const cell = (value: string) => (value === '' ? '' : `\`${value}\``);

/** The options as a Markdown table (variable, default, example, meaning). */
export const optionsMarkdown = (): string =>
  [
    '| variable | default | example | meaning |',
    '| --- | --- | --- | --- |',
    ...describeOptions().map(
      (row) => `| \`${row.variable}\` | ${cell(row.default)} | ${cell(row.example)} | ${row.meaning} |`,
    ),
  ].join('\n');
