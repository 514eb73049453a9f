/**
 * The explain record as a table for `npm run discover -- --explain`: one line per cluster, service,
 * task, scrape group and Cloud Map instance, the same entries as `GET /debug/targets` in the same
 * order. A Cloud Map instance (and its groups) shows its namespace in the CLUSTER column.
 */
import { EXPLAIN_REASON_TEXT, type Explain, type ExplainEntry, noteValuesText } from '../model/explain.ts';
import { formatColumns } from './table.ts';

const HEADER = ['KIND', 'CLUSTER', 'SERVICE', 'TASK', 'GROUP', 'OUTCOME', 'WHY'] as const;

const why = (entry: ExplainEntry): string =>
  entry.notes
    .map((note) => {
      const values = noteValuesText(note);
      return `${note.reason}: ${EXPLAIN_REASON_TEXT[note.reason]}${values === '' ? '' : ` (${values})`}`;
    })
    .join('; ');

const row = (entry: ExplainEntry): readonly string[] => [
  entry.kind,
  entry.namespace ?? entry.cluster,
  entry.service,
  entry.task,
  entry.group,
  entry.target ? `target ${entry.address}`.trim() : 'not a target',
  // A tab or newline inside a tag value would break the columns.
  why(entry).replace(/[\t\n\r]/g, ' '),
];

/** Header, one line per entry, and a last line counting the entries left out by the bound. */
export const formatExplainTable = (explain: Explain): string => {
  const omitted = Object.entries(explain.omitted).filter(([, n]) => n > 0);
  const footer =
    omitted.length === 0
      ? ''
      : `(not listed, to bound the record: ${omitted.map(([kind, n]) => `${n} ${kind}`).join(', ')} entries that are plain targets)\n`;
  return `${formatColumns(HEADER, explain.entries.map(row))}${footer}`;
};
