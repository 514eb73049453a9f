/**
 * The README's explain reason table names every `ExplainReason` once (task skip reasons and Cloud
 * Map instance reasons are spread into it), so a new reason cannot go undocumented.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExplainReason } from '../../lambda/model/explain.ts';

const README = resolve(import.meta.dirname, '../../README.md');

describe("the README's explain reason table", () => {
  it('has one row per explain reason', () => {
    // Prepare
    const readme = readFileSync(README, 'utf8');
    const table = readme.slice(readme.indexOf('| `reason` | on | values |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);

    // Act
    const documented = rows.map((row) => /^\| `([a-z_]+)` \|/.exec(row)?.[1]);

    // Assess
    expect([...documented].sort()).toEqual(Object.values(ExplainReason).sort());
  });
});
