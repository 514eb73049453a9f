/**
 * `npm run docs:options`: writes the README's option table from the option table
 * (`lambda/config/options.ts`), between the two markers below. Run it after adding or changing an
 * option; `test/config/readme-options.test.ts` fails while the README is behind.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { optionsMarkdown } from '../lambda/config/describe.ts';

export const README_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
export const START_MARKER = '<!-- options:start (npm run docs:options writes this table) -->';
export const END_MARKER = '<!-- options:end -->';

/** `text` with everything between the markers replaced by `table`; throws when a marker is missing. */
export const withOptionsTable = (text: string, table: string): string => {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README.md needs the lines ${START_MARKER} and ${END_MARKER} around the option table`);
  }
  return `${text.slice(0, start + START_MARKER.length)}\n${table}\n${text.slice(end)}`;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const before = await readFile(README_PATH, 'utf8');
  const after = withOptionsTable(before, optionsMarkdown());
  if (after === before) {
    process.stdout.write('README.md option table is up to date\n');
  } else {
    await writeFile(README_PATH, after);
    process.stdout.write('README.md option table rewritten from lambda/config/options.ts\n');
  }
}
