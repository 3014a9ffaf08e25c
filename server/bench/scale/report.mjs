/**
 * bench:scale's outputs from results.json: a markdown table (sizes side by side, the ratio
 * largest ÷ smallest, the issue's targets and whether they are met) and an SVG of the curves.
 */
import { FIGURES } from './figures.mjs';

const TARGET_STREAMS = 10_000;

function format(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (typeof value === 'string') return value;
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function read(figure, result) {
  if (!result) return undefined;
  try {
    return figure.value(result);
  } catch {
    return undefined; // a phase that did not run (or failed) at this size
  }
}

/** `{ text, met }` cells for a figure's targets, judged at the size each names. */
function judge(figure, results, sizes, streams) {
  const largest = sizes[sizes.length - 1];
  const texts = [];
  const marks = [];
  const footnote = figure.perStreams && streams < TARGET_STREAMS ? '*' : '';
  for (const target of figure.targets ?? []) {
    const at = target.at === 'largest' ? largest : target.at;
    const value = read(figure, results[at]);
    texts.push(
      figure.perStreams
        ? `${target.text} (10,000 streams; judged at ${at.toLocaleString('en-US')} flags)`
        : `${target.text} @ ${at.toLocaleString('en-US')}`,
    );
    marks.push(value === undefined ? `not measured (${at})` : `${target.met(value) ? 'yes' : 'NO'}${footnote}`);
  }
  if (figure.ratioTarget) {
    // The target is for 10,000 ÷ 100 flags; another pair of sizes says something else.
    const ratio = sizes[0] === 100 && largest === 10_000 ? ratioOf(figure, results, sizes) : undefined;
    texts.push(`10,000 / 100 ${figure.ratioTarget.text}`);
    marks.push(ratio === undefined ? 'not measured (10,000 / 100)' : figure.ratioTarget.met(ratio) ? 'yes' : 'NO');
  }
  return { text: texts.join('; '), met: marks.join('; ') };
}

function ratioOf(figure, results, sizes) {
  if (!figure.ratio || sizes.length < 2) return undefined;
  const first = read(figure, results[sizes[0]]);
  const last = read(figure, results[sizes[sizes.length - 1]]);
  if (typeof first !== 'number' || typeof last !== 'number' || first === 0) return undefined;
  return last / first;
}

/** The markdown table of a results.json object. */
export function markdownTable(results) {
  const sizes = results.settings.sizes;
  const streams = results.settings.streams;
  const ratioHeader = `× (${sizes[sizes.length - 1].toLocaleString('en-US')} / ${sizes[0].toLocaleString('en-US')})`;
  const header = [
    'figure',
    'unit',
    ...sizes.map((s) => `${s.toLocaleString('en-US')} flags`),
    ratioHeader,
    'target',
    'met',
  ];
  const rows = FIGURES.map((figure) => {
    const { text, met } = judge(figure, results.sizes, sizes, streams);
    const ratio = ratioOf(figure, results.sizes, sizes);
    return [
      figure.label,
      figure.unit,
      ...sizes.map((size) => format(read(figure, results.sizes[size]))),
      ratio === undefined ? '' : `${format(ratio)}×`,
      text,
      met,
    ];
  });
  const line = (cells) => `| ${cells.map((cell) => String(cell).replaceAll('|', '\\|')).join(' | ')} |`;
  const out = [line(header), line(header.map(() => '---')), ...rows.map(line)];
  if (streams < TARGET_STREAMS) {
    out.push('', `\\* fan-out measured with ${streams.toLocaleString('en-US')} streams; the targets are for 10,000.`);
  }
  return out.join('\n');
}

/** Small multiples: one log-log panel per plotted figure, its curve over the sizes and its target line. */
export function svgPlot(results) {
  const sizes = results.settings.sizes;
  const figures = FIGURES.filter((figure) => figure.plot);
  const panelW = 300;
  const panelH = 190;
  const columns = 3;
  const margin = { left: 48, right: 40, top: 30, bottom: 30 };
  const width = columns * panelW;
  const height = Math.ceil(figures.length / columns) * panelH + 24;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="12">bench:scale ${results.date.slice(0, 16)}Z — log-log, x = flags (${sizes.join(', ')}); dashed red = issue 12 target at that size; ${results.settings.streams} streams</text>`,
  ];
  figures.forEach((figure, index) => {
    const x0 = (index % columns) * panelW;
    const y0 = 24 + Math.floor(index / columns) * panelH;
    const points = sizes
      .map((size) => ({ size, value: read(figure, results.sizes[size]) }))
      .filter((p) => typeof p.value === 'number' && p.value > 0);
    // A target applies at one size: drawn as a short dashed red line there, labelled.
    const targets = (figure.targets ?? []).map((target) => ({
      size: target.at === 'largest' ? sizes[sizes.length - 1] : target.at,
      value: Number(/[\d.,]+/.exec(target.text)?.[0].replaceAll(',', '')),
      text: target.text.split(' (')[0],
    }));
    const shown = targets.filter((t) => t.value > 0 && sizes.includes(t.size));
    const values = [...points.map((p) => p.value), ...shown.map((t) => t.value)];
    const plotW = panelW - margin.left - margin.right;
    const plotH = panelH - margin.top - margin.bottom;
    parts.push(`<text x="${x0 + 8}" y="${y0 + 16}" font-size="11">${escapeXml(figure.label)} (${figure.unit})</text>`);
    parts.push(
      `<rect x="${x0 + margin.left}" y="${y0 + margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    );
    if (values.length === 0) return;
    const logMin = Math.floor(Math.log10(Math.min(...values)));
    const logMax = Math.max(logMin + 1, Math.ceil(Math.log10(Math.max(...values))));
    const sx = (size) =>
      x0 +
      margin.left +
      (sizes.length < 2
        ? plotW / 2
        : ((Math.log10(size) - Math.log10(sizes[0])) / (Math.log10(sizes[sizes.length - 1]) - Math.log10(sizes[0]))) *
          plotW);
    const sy = (value) => y0 + margin.top + plotH - ((Math.log10(value) - logMin) / (logMax - logMin)) * plotH;
    for (let decade = logMin; decade <= logMax; decade++) {
      const y = sy(10 ** decade);
      parts.push(`<line x1="${x0 + margin.left}" x2="${x0 + margin.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      parts.push(`<text x="${x0 + margin.left - 4}" y="${y + 3}" text-anchor="end">${format(10 ** decade)}</text>`);
    }
    for (const size of sizes) {
      parts.push(
        `<text x="${sx(size)}" y="${y0 + margin.top + plotH + 14}" text-anchor="middle">${size.toLocaleString('en-US')}</text>`,
      );
    }
    for (const target of shown) {
      const [x, y] = [sx(target.size), sy(target.value)];
      parts.push(
        `<line x1="${x - 22}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="#d33" stroke-width="2" stroke-dasharray="4 3"/>`,
      );
      parts.push(`<text x="${x - 24}" y="${y + 3}" text-anchor="end" fill="#d33">${escapeXml(target.text)}</text>`);
    }
    parts.push(
      `<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="${points.map((p) => `${sx(p.size)},${sy(p.value)}`).join(' ')}"/>`,
    );
    for (const p of points) {
      parts.push(`<circle cx="${sx(p.size)}" cy="${sy(p.value)}" r="3" fill="#1f5fbf"/>`);
      parts.push(`<text x="${sx(p.size) + 4}" y="${sy(p.value) - 5}">${format(p.value)}</text>`);
    }
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function escapeXml(text) {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
