import { GENRES } from '../../src/shared/labels';
import type { Metrics } from './metrics';

const CELL = 44;
const LABEL = 96;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One matrix: colour = share of the true class (row), text = count. */
function matrix(title: string, m: Metrics, x0: number): string {
  const parts = [`<text x="${x0 + LABEL + (CELL * GENRES.length) / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  const top = 40 + LABEL;
  GENRES.forEach((g, i) => {
    parts.push(`<text x="${x0 + LABEL - 6}" y="${top + i * CELL + CELL / 2 + 4}" text-anchor="end">${g}</text>`);
    const cx = x0 + LABEL + i * CELL + CELL / 2;
    parts.push(`<text transform="translate(${cx + 4},${top - 6}) rotate(-60)">${g}</text>`);
    const total = m.confusion[i].reduce((a, b) => a + b, 0) || 1;
    m.confusion[i].forEach((n, j) => {
      const share = n / total;
      const light = Math.round(97 - share * 62);
      parts.push(
        `<rect x="${x0 + LABEL + j * CELL}" y="${top + i * CELL}" width="${CELL}" height="${CELL}" fill="hsl(215,70%,${light}%)" stroke="#fff"/>`,
        `<text x="${x0 + LABEL + j * CELL + CELL / 2}" y="${top + i * CELL + CELL / 2 + 4}" text-anchor="middle" fill="${share > 0.5 ? '#fff' : '#222'}">${n}</text>`,
      );
    });
  });
  const bottom = top + GENRES.length * CELL + 18;
  parts.push(
    `<text x="${x0 + LABEL + (CELL * GENRES.length) / 2}" y="${bottom}" text-anchor="middle">predicted; rows = true genre</text>`,
    `<text x="${x0 + LABEL + (CELL * GENRES.length) / 2}" y="${bottom + 18}" text-anchor="middle">bal. acc ${m.balancedAccuracy.toFixed(3)} · acc ${m.accuracy.toFixed(3)} · macro-F1 ${m.macroF1.toFixed(3)} · n=${m.count}</text>`,
  );
  return parts.join('\n');
}

/** Side-by-side confusion matrices as a standalone SVG (hand-written: no chart library needed for three grids). */
export function confusionSvg(panels: [string, Metrics][]): string {
  const width = LABEL + CELL * GENRES.length + 30;
  const height = 40 + LABEL + CELL * GENRES.length + 50;
  const body = panels.map(([title, m], i) => matrix(title, m, i * width)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * panels.length}" height="${height}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
