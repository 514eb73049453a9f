import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsMarkdown } from '../../lambda/config/describe.ts';
import { END_MARKER, README_PATH, START_MARKER, withOptionsTable } from '../../scripts/docs-options.ts';

describe("the README's option table", () => {
  it('is the one npm run docs:options writes from the option table (rerun it after changing an option)', () => {
    // Prepare
    const readme = readFileSync(README_PATH, 'utf8');

    // Act
    const regenerated = withOptionsTable(readme, optionsMarkdown());

    // Assess
    expect(readme).toBe(regenerated);
  });
});

describe('withOptionsTable', () => {
  it('replaces only the text between the markers', () => {
    // Act
    const text = withOptionsTable(`intro\n${START_MARKER}\nold\nrows\n${END_MARKER}\noutro\n`, '| new |');

    // Assess
    expect(text).toBe(`intro\n${START_MARKER}\n| new |\n${END_MARKER}\noutro\n`);
  });

  it('refuses a README without the markers', () => {
    // Act
    const write = () => withOptionsTable('no markers here', '| new |');

    // Assess
    expect(write).toThrow(
      `README.md needs the lines ${START_MARKER} and ${END_MARKER} around the option table`,
    );
  });
});
