/**
 * docs/bench-scaling.svg: a hand-written SVG chart of AWS calls and cold wall time against fleet
 * size, from the same results as the Markdown report (`report.ts`).
 */
import { total } from './formulas.ts';
import { answered, coldBound, type FleetResult, fixed, int, originalBound } from './report.ts';

type Series = {
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
  readonly values: readonly number[];
};

const niceMax = (value: number) => {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
};

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const panel = (
  x0: number,
  title: string,
  unit: string,
  xs: readonly number[],
  series: readonly Series[],
): string => {
  const width = 400;
  const height = 260;
  const left = x0 + 60;
  const top = 50;
  const plotW = width - 80;
  const plotH = height - 90;
  const xMax = niceMax(Math.max(...xs));
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const px = (x: number) => left + (x / xMax) * plotW;
  const py = (y: number) => top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<text x="${x0 + width / 2}" y="24" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = (yMax / 4) * i;
    parts.push(
      `<line x1="${left}" y1="${py(y)}" x2="${left + plotW}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${int(y)}</text>`,
    );
  }
  for (const x of xs) {
    parts.push(
      `<text x="${fixed(px(x), 1)}" y="${top + plotH + 18}" text-anchor="middle">${int(x / 1000)}k</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">tasks in the fleet</text>`,
    `<text x="${x0 + 14}" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${x0 + 14} ${top + plotH / 2})">${escapeXml(unit)}</text>`,
  );
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${fixed(px(xs[j] ?? 0), 1)},${fixed(py(v), 1)}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      ...s.values.map(
        (v, j) =>
          `<circle cx="${fixed(px(xs[j] ?? 0), 1)}" cy="${fixed(py(v), 1)}" r="3" fill="${s.color}"/>`,
      ),
      `<line x1="${left + 10}" y1="${top + 8 + i * 16}" x2="${left + 30}" y2="${top + 8 + i * 16}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${left + 36}" y="${top + 12 + i * 16}">${escapeXml(s.label)}</text>`,
    );
  });
  return parts.join('\n');
};

/** docs/bench-scaling.svg: AWS calls and cold wall time against tasks, ours against the original's formula. */
export const renderSvg = (results: readonly FleetResult[], latencyMs: number): string => {
  const xs = results.map((r) => r.facts.tasks);
  const calls = panel(0, 'AWS calls per cold refresh', 'calls', xs, [
    {
      label: 'original (its call formula)',
      color: '#c0392b',
      values: results.map((r) => total(r.original.cold)),
    },
    { label: 'ours, cold (measured)', color: '#2471a3', values: results.map((r) => total(answered(r.cold))) },
    {
      label: 'ours, warm (measured)',
      color: '#7fb3d5',
      dash: '2 3',
      values: results.map((r) => total(answered(r.warm))),
    },
    {
      label: 'minimum (formula)',
      color: '#27ae60',
      dash: '5 4',
      values: results.map((r) => total(r.minimum.cold)),
    },
  ]);
  const wall = panel(420, 'Cold refresh wall time', 'seconds', xs, [
    { label: 'original (bucket bound of its calls)', color: '#c0392b', values: results.map(originalBound) },
    {
      label: 'ours, cold (measured)',
      color: '#2471a3',
      values: results.map((r) => r.cold.report.wallMs / 1000),
    },
    {
      label: 'ours, warm (measured)',
      color: '#7fb3d5',
      dash: '2 3',
      values: results.map((r) => r.warm.report.wallMs / 1000),
    },
    {
      label: 'lower bound of our calls',
      color: '#27ae60',
      dash: '5 4',
      values: results.map((r) => coldBound(r, latencyMs).bound),
    },
  ]);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="840" height="270" viewBox="0 0 840 270" font-family="sans-serif" font-size="11">',
    '<rect width="840" height="270" fill="#fff"/>',
    calls,
    wall,
    '</svg>',
    '',
  ].join('\n');
};
