import { describe, expect, it } from 'vitest';
import { GENERATED_BEGIN, GENERATED_END, withGeneratedSection } from '../../bench/load.ts';

const HEADING = '## Load: the local server under sustained concurrent requests';

describe('withGeneratedSection', () => {
  it('replaces only the text between the markers, keeping the hand-written prose around them', () => {
    // Prepare
    const doc = [
      '# Benchmarks',
      '',
      HEADING,
      '',
      'Hand-written intro.',
      GENERATED_BEGIN,
      '| old table |',
      GENERATED_END,
      '',
      'Hand-written analysis.',
      '',
    ].join('\n');

    // Act
    const updated = withGeneratedSection(doc, '| new table |');

    // Assess
    expect(updated).toBe(
      [
        '# Benchmarks',
        '',
        HEADING,
        '',
        'Hand-written intro.',
        GENERATED_BEGIN,
        '| new table |',
        GENERATED_END,
        '',
        'Hand-written analysis.',
        '',
      ].join('\n'),
    );
  });

  it('puts a marked block right under an unmarked heading, keeping what follows it', () => {
    expect(withGeneratedSection(`# B\n\n${HEADING}\n\nOld prose.\n`, 'T')).toBe(
      `# B\n\n${HEADING}\n\n${GENERATED_BEGIN}\nT\n${GENERATED_END}\n\nOld prose.\n`,
    );
  });

  it('appends the heading and a marked block to a document without them', () => {
    expect(withGeneratedSection('# B\n', 'T')).toBe(
      `# B\n\n${HEADING}\n\n${GENERATED_BEGIN}\nT\n${GENERATED_END}\n`,
    );
  });
});
