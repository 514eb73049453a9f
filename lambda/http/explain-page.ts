/**
 * The explain view as one self-contained HTML page: inline CSS and script, no external asset, a
 * Content-Security-Policy that allows exactly that CSS and script by hash. Every value from AWS
 * (names, tag keys and values, ARNs) is untrusted and HTML-escaped here; the script never writes
 * markup, it only hides rows (docs/decisions.md "Explain view (issue 15)").
 */
import { createHash } from 'node:crypto';
import {
  EXPLAIN_REASON_TEXT,
  type Explain,
  type ExplainEntry,
  ExplainKind,
  noteValuesText,
} from '../model/explain.ts';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
header{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid #d0d7de;padding:12px 16px}
h1{font-size:18px;margin:0 0 4px}
.summary{margin:0 0 8px;color:#57606a}
.controls{display:flex;gap:16px;align-items:center}
#q{width:28em;padding:4px 8px;font:inherit}
#count{color:#57606a}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eaeef2}
th{background:#fff;font-weight:600;white-space:nowrap}
td.id{font-family:ui-monospace,monospace;font-size:12px}
td.kind,td.outcome{white-space:nowrap}
tr.no td.outcome{color:#cf222e;font-weight:600}
tr.yes td.outcome{color:#1a7f37}
tr.cluster td{background:#f6f8fa;font-weight:600}
ul{margin:0;padding-left:16px}
code{font-family:ui-monospace,monospace;font-size:12px;background:#eff1f3;padding:0 3px;border-radius:3px}
`;

// Reads `?q=` and `?only=1`, filters on input and reflects the filter in the URL; writes no markup.
const SCRIPT = `
(function(){
var params=new URLSearchParams(location.search);
var q=document.getElementById('q'),only=document.getElementById('only'),count=document.getElementById('count');
var rows=Array.prototype.slice.call(document.querySelectorAll('#explain tbody tr'));
q.value=params.get('q')||'';only.checked=params.get('only')==='1';
function apply(){
var needle=q.value.trim().toLowerCase(),shown=0;
rows.forEach(function(row){
var hit=(needle===''||row.textContent.toLowerCase().indexOf(needle)!==-1)&&(!only.checked||row.getAttribute('data-target')==='false');
row.hidden=!hit;if(hit)shown++;});
count.textContent=shown+' of '+rows.length+' shown';
var next=new URLSearchParams();if(q.value)next.set('q',q.value);if(only.checked)next.set('only','1');
var search=next.toString();history.replaceState(null,'',search?'?'+search:location.pathname);
}
q.addEventListener('input',apply);only.addEventListener('change',apply);apply();
})();
`;

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Only the page's own inline style and script may run; nothing may be loaded, framed or posted. */
export const EXPLAIN_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const KIND_TEXT: Readonly<Record<ExplainKind, string>> = {
  [ExplainKind.Cluster]: 'cluster',
  [ExplainKind.Service]: 'service',
  [ExplainKind.Task]: 'task',
  [ExplainKind.ScrapeGroup]: 'scrape group',
  [ExplainKind.CloudMapInstance]: 'Cloud Map instance',
};

const cell = (text: string, className?: string): string =>
  `<td${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</td>`;

const notesCell = (item: ExplainEntry): string => {
  if (item.notes.length === 0) return '<td></td>';
  const lines = item.notes.map((note) => {
    const values = noteValuesText(note);
    return (
      `<li><code>${escapeHtml(note.reason)}</code> ${escapeHtml(EXPLAIN_REASON_TEXT[note.reason])}` +
      `${values === '' ? '' : `: ${escapeHtml(values)}`}</li>`
    );
  });
  return `<td><ul>${lines.join('')}</ul></td>`;
};

const row = (item: ExplainEntry): string =>
  `<tr class="${item.kind} ${item.target ? 'yes' : 'no'}" data-target="${item.target}">` +
  cell(KIND_TEXT[item.kind], 'kind') +
  // A Cloud Map instance (and its groups) sits in a namespace, shown where a task shows its cluster.
  cell(item.namespace ?? item.cluster) +
  cell(item.service) +
  cell(item.task, 'id') +
  cell(item.group) +
  cell(item.target ? `target ${item.address}`.trim() : 'not a target', 'outcome') +
  notesCell(item) +
  '</tr>';

export type ExplainPageInput = {
  readonly explain: Explain;
  readonly targetCount: number;
  /** Epoch milliseconds of the refresh the record comes from. */
  readonly completedAt: number;
};

/** The whole page; the same input always gives the same bytes. */
export const renderExplainPage = ({ explain, targetCount, completedAt }: ExplainPageInput): string => {
  const notTargets = explain.entries.filter((e) => e.kind === ExplainKind.Task && !e.target).length;
  const excluded = explain.entries.filter((e) => e.kind === ExplainKind.Service && !e.target).length;
  const instances = explain.entries.filter((e) => e.kind === ExplainKind.CloudMapInstance);
  const instancesText =
    instances.length === 0
      ? ''
      : `Cloud Map instances without a target: ${instances.filter((e) => !e.target).length}; `;
  const omitted = Object.values(explain.omitted).reduce((sum, n) => sum + n, 0);
  const summary =
    `${targetCount} targets; tasks without a target: ${notTargets}; services without a target: ${excluded}; ` +
    instancesText +
    `refreshed ${new Date(completedAt).toISOString()}` +
    (omitted > 0 ? `; ${omitted} target entries not listed (bounded)` : '');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Why is my task not a target?</title>',
    `<style>${STYLE}</style>`,
    '</head><body>',
    '<header><h1>Why is my task not a target?</h1>',
    `<p class="summary">${escapeHtml(summary)}</p>`,
    '<div class="controls"><input id="q" type="search" placeholder="filter: cluster, service, task, reason, value" aria-label="filter">',
    '<label><input id="only" type="checkbox"> only not targets</label><span id="count"></span></div></header>',
    '<table id="explain"><thead><tr><th>kind</th><th>cluster / namespace</th><th>service</th><th>task / instance</th>' +
      '<th>scrape group</th><th>outcome</th><th>why</th></tr></thead>',
    `<tbody>${explain.entries.map(row).join('\n')}</tbody></table>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
};
