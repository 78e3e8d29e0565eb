// Renders a run's results again (Markdown tables and the SVG chart) from its JSON, e.g. after
// changing the report: `node --import tsx bench/render.ts bench/results/latest.json`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderChart } from './chart.js';
import type { BenchResults } from './lib/results.js';
import { renderReport } from './report.js';

const file = process.argv[2] ?? new URL('./results/latest.json', import.meta.url).pathname;
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
writeFileSync(file.replace(/\.json$/, '.md'), renderReport(results));
const svg = renderChart(results);
if (svg)
  writeFileSync(
    file.replace(
      /[^/]*\.json$/,
      results.mode === 'full' ? 'latency.svg' : `latency-${results.mode}.svg`,
    ),
    svg,
  );
process.stdout.write(`rendered ${file.replace(/\.json$/, '.md')}${svg ? ' and the chart' : ''}\n`);
