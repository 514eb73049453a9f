/**
 * `GET /debug/targets`: the explain record of the result being served, as JSON by default or as the
 * HTML page for `Accept: text/html` (docs/decisions.md "Explain view (issue 15)").
 */
import type { DiscoveryResult } from '../model/discovery.ts';
import { EXPLAIN_PAGE_CSP, renderExplainPage } from './explain-page.ts';
import { HttpProblem } from './problem.ts';

/** Weight of `type` in an Accept header (`*` wildcards ignored): 0 when absent or refused. */
const weightOf = (accept: string, type: string): number => {
  for (const part of accept.split(',')) {
    const [media = '', ...params] = part.split(';').map((piece) => piece.trim());
    if (media.toLowerCase() !== type) continue;
    const q = params.find((param) => /^q=/i.test(param));
    const weight = q === undefined ? 1 : Number.parseFloat(q.slice(2));
    return Number.isNaN(weight) ? 0 : weight;
  }
  return 0;
};

/** HTML when `text/html` is asked for and weighs at least as much as `application/json`. */
export const wantsHtml = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const html = weightOf(accept, 'text/html');
  return html > 0 && html >= weightOf(accept, 'application/json');
};

/** The JSON document: fixed key order, entries in fleet order, so one result gives one body. */
export const explainJson = (result: DiscoveryResult): string =>
  JSON.stringify({
    completedAt: new Date(result.completedAt).toISOString(),
    targetCount: result.targetCount,
    omitted: result.explain?.omitted,
    entries: result.explain?.entries,
  });

export type ExplainResponse = {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
};

/** @throws HttpProblem 503 when the result carries no explain record (a snapshot of an older version). */
export const explainResponse = (result: DiscoveryResult, accept: string | undefined): ExplainResponse => {
  if (result.explain === undefined) {
    throw new HttpProblem(
      503,
      'The result being served has no explain record (written by an older version); it comes with the next refresh.',
      { 'Retry-After': '60' },
    );
  }
  const common = { 'Cache-Control': 'no-store', Vary: 'Accept', 'X-Content-Type-Options': 'nosniff' };
  if (wantsHtml(accept)) {
    return {
      headers: {
        ...common,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': EXPLAIN_PAGE_CSP,
        'Referrer-Policy': 'no-referrer',
      },
      body: renderExplainPage({
        explain: result.explain,
        targetCount: result.targetCount,
        completedAt: result.completedAt,
      }),
    };
  }
  return {
    headers: { ...common, 'Content-Type': 'application/json; charset=utf-8' },
    body: explainJson(result),
  };
};
