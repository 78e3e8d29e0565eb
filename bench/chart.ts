// The latency-versus-participants chart of docs/benchmarks.md, as a self-contained SVG drawn
// from a run's results: p99 (solid) and p50 (dotted) edit-to-peer per server along the capacity
// ramp, log-log, with the 100 ms capacity line. Failed steps are drawn as crosses at the top.
import { lastAttempts, verdictP99, type BenchResults } from './lib/results.js';
import type { ScenarioResult } from './scenario.js';

const W = 800;
const H = 430;
const M = { left: 64, right: 215, top: 36, bottom: 56 };
const Y_MIN = 0.5;
const Y_MAX = 5000;

interface Series {
  label: string;
  color: string;
  dash?: string;
  runs: ScenarioResult[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function renderChart(r: BenchResults): string | null {
  const ramp = r.ramp ?? [];
  const presence = r.presence ?? [];
  if (ramp.length + presence.length === 0) return null;
  const series: Series[] = [
    { label: 'Atelier (Yjs layer)', color: '#d9480f', runs: lastAttempts(ramp, 'atelier') },
    { label: 'bare relay', color: '#495057', runs: lastAttempts(ramp, 'relay') },
    { label: 'Hocuspocus 4.7', color: '#1971c2', runs: lastAttempts(ramp, 'hocuspocus') },
    { label: 'Atelier + Socket.IO', color: '#d9480f', dash: '9 5', runs: presence },
  ].filter((s) => s.runs.length > 0);

  const all = [...ramp, ...presence];
  const xMin = Math.min(...all.map((x) => x.participants)) * 0.8;
  const xMax = Math.max(...all.map((x) => x.participants)) * 1.25;
  const px = (n: number) =>
    M.left +
    ((Math.log(n) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * (W - M.left - M.right);
  const py = (ms: number) => {
    const v = Math.min(Y_MAX, Math.max(Y_MIN, ms));
    return (
      M.top +
      (1 - (Math.log(v) - Math.log(Y_MIN)) / (Math.log(Y_MAX) - Math.log(Y_MIN))) *
        (H - M.top - M.bottom)
    );
  };

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="20" font-size="14" font-weight="600">Edit-to-peer latency vs participants (1 edit/s each, log–log)</text>`,
  );
  // Grid and axes.
  for (const ms of [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]) {
    const y = py(ms);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e9ecef"/>`,
      `<text x="${M.left - 8}" y="${y + 4}" text-anchor="end" fill="#495057">${ms}</text>`,
    );
  }
  const ticks = [...new Set(all.map((x) => x.participants))].sort((a, b) => a - b);
  for (const n of ticks) {
    const x = px(n);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}" stroke="#e9ecef"/>`,
      `<text x="${x}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#495057">${n}</text>`,
    );
  }
  parts.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#adb5bd"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle" fill="#212529">participants in one workshop</text>`,
    `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#212529">milliseconds</text>`,
  );
  // The capacity threshold.
  const y100 = py(100);
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${y100}" y2="${y100}" stroke="#c92a2a" stroke-dasharray="4 3"/>`,
    `<text x="${M.left + 6}" y="${y100 - 5}" fill="#c92a2a">capacity limit: p99 100 ms</text>`,
  );

  // Series: p99 solid (or the series' dash), p50 dotted and lighter; failures as crosses.
  series.forEach((s, i) => {
    const runs = [...s.runs].sort((a, b) => a.participants - b.participants);
    const passed = runs.filter((x) => x.ok && x.editToPeer);
    const line = (pick: (x: ScenarioResult) => number) =>
      passed.map((x) => `${px(x.participants).toFixed(1)},${py(pick(x)).toFixed(1)}`).join(' ');
    // Slight horizontal offsets keep overlapping markers apart.
    const dx = (i - (series.length - 1) / 2) * 3;
    parts.push(`<g transform="translate(${dx} 0)">`);
    if (passed.length > 1) {
      parts.push(
        `<polyline points="${line((x) => verdictP99(x).value)}" fill="none" stroke="${s.color}" stroke-width="2.2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
      );
      parts.push(
        `<polyline points="${line((x) => x.editToPeer!.all.p50)}" fill="none" stroke="${s.color}" stroke-width="1.3" stroke-opacity="0.6" stroke-dasharray="1.5 3"/>`,
      );
    }
    for (const x of passed) {
      parts.push(
        `<circle cx="${px(x.participants)}" cy="${py(verdictP99(x).value)}" r="3.5" fill="${s.color}"/>`,
      );
      parts.push(
        `<circle cx="${px(x.participants)}" cy="${py(x.editToPeer!.all.p50)}" r="2.2" fill="#fff" stroke="${s.color}"/>`,
      );
    }
    for (const x of runs.filter((r) => !r.ok || !r.editToPeer)) {
      const cx = px(x.participants);
      const cy = M.top + 10 + i * 12;
      parts.push(
        `<path d="M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx - 5},${cy + 5}L${cx + 5},${cy - 5}" stroke="${s.color}" stroke-width="2"/>`,
      );
    }
    parts.push('</g>');
  });

  // Legend.
  const lx = W - M.right + 16;
  let ly = M.top + 8;
  for (const s of series) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 26}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${lx + 32}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
    ly += 20;
  }
  ly += 6;
  parts.push(
    `<line x1="${lx}" x2="${lx + 26}" y1="${ly}" y2="${ly}" stroke="#495057" stroke-width="2.2"/><text x="${lx + 32}" y="${ly + 4}">p99 (filled dots)*</text>`,
    `<line x1="${lx}" x2="${lx + 26}" y1="${ly + 20}" y2="${ly + 20}" stroke="#495057" stroke-width="1.3" stroke-dasharray="1.5 3"/><text x="${lx + 32}" y="${ly + 24}">p50 (open dots)</text>`,
    `<path d="M${lx + 8},${ly + 35}L${lx + 18},${ly + 45}M${lx + 8},${ly + 45}L${lx + 18},${ly + 35}" stroke="#495057" stroke-width="2"/><text x="${lx + 32}" y="${ly + 44}">step failed</text>`,
    `<text x="${lx}" y="${ly + 70}" fill="#868e96" font-size="11">* edits that flew on a quiet</text>`,
    `<text x="${lx}" y="${ly + 84}" fill="#868e96" font-size="11">machine (all if under 30 %)</text>`,
    `<text x="${lx}" y="${H - M.bottom + 18}" fill="#868e96" font-size="11">${esc(r.startedAt.slice(0, 10))}, ${r.machine.cores} cores,</text>`,
    `<text x="${lx}" y="${H - M.bottom + 32}" fill="#868e96" font-size="11">load generator included</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}
