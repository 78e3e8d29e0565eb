// Office exports (ODT, DOCX, ODS, XLSX) against the real server: each file is unzipped and read
// back (ExcelJS for XLSX) and must say what the CSV and the Markdown report say; LibreOffice then
// opens each one and prints it to PDF.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardExport } from '../../shared/export.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

let srv: TestServer;
let hostile: { workshopId: string; facilitatorKey: string };
let tmp: string;

/** 2000 characters: two lines, a run of spaces, a tab, accents, emoji and markup. */
const LONG_BODY = (() => {
  const head =
    'Première ligne  avec deux espaces & <i>balise</i> "guillemets" \'apostrophe\' 💧\n\tSeconde ligne tabulée : ';
  const filler = 'l’eau partagée ';
  let text = head;
  while (text.length < 1999) text += filler;
  return `${text.slice(0, 1999)}.`;
})();

const TITLES = {
  formula: '=1+1',
  link: '=HYPERLINK("http://evil","clic")',
  markup: '<b>&"\'',
  minus: '-2+3',
  at: '@SUM(A1)',
  emoji: 'Eau 💧 partagée 🌍',
};

/** A board in the export format, imported as a new workshop: every hostile string at once. */
function hostileBoard(): BoardExport {
  const now = Date.UTC(2026, 2, 14, 9, 30);
  const g1 = 'g1';
  const g2 = 'g2';
  return {
    format: 'atelier.workshop',
    version: 1,
    exportedAt: now,
    workshop: {
      workshopId: 'source',
      code: 'ABCDEF',
      title: 'Résilience <b>&"\' 🌍 =1+1',
      language: 'fr',
      voteBudget: 5,
      phase: 'prioritise',
      votesRevealed: true,
      createdAt: now,
    },
    groups: [
      {
        id: g1,
        name: 'Eau & <climat>',
        prompt: 'Que faire "d’ici 2030" ?',
        recommendations: [
          {
            id: 'r1',
            title: TITLES.formula,
            body: LONG_BODY,
            authorId: 'p1',
            createdAt: 1,
            votes: 3,
          },
          { id: 'r2', title: TITLES.link, body: '', authorId: 'p1', createdAt: 2, votes: 1 },
          {
            id: 'r3',
            title: TITLES.emoji,
            body: 'Récupérer la pluie',
            authorId: 'p2',
            createdAt: 3,
            votes: 0,
          },
        ],
      },
      {
        id: g2,
        name: 'L’énergie "propre"',
        prompt: '',
        recommendations: [
          {
            id: 'r4',
            title: TITLES.markup,
            body: 'a < b && c > d',
            authorId: 'p3',
            createdAt: 4,
            votes: 2,
          },
          { id: 'r5', title: TITLES.minus, body: '', authorId: 'p3', createdAt: 5, votes: 0 },
          { id: 'r6', title: TITLES.at, body: '', authorId: 'p3', createdAt: 6, votes: 0 },
        ],
      },
    ],
    participants: [
      { id: 'p1', name: 'Ana', groupId: g1 },
      { id: 'p2', name: 'Bé', groupId: g1 },
      { id: 'p3', name: 'Chloé', groupId: g2 },
    ],
    items: [
      {
        id: 'i1',
        title: '=SUM(1;2) 💧',
        body: 'Synthèse <i>commune</i>\nsur deux lignes',
        sources: [`${g1}/r1`, `${g2}/r4`],
        createdAt: 10,
        impact: 5,
        feasibility: 4,
        sourcesVotes: 5,
        votes: 2,
      },
      {
        id: 'i2',
        title: TITLES.markup,
        body: '',
        sources: [`${g1}/r2`],
        createdAt: 11,
        impact: 1,
        feasibility: 2,
        sourcesVotes: 1,
        votes: 0,
      },
    ],
    votes: [
      { participantId: 'p1', phase: 'vote', targetId: `${g1}/r1`, count: 3 },
      { participantId: 'p2', phase: 'vote', targetId: `${g1}/r2`, count: 1 },
      { participantId: 'p3', phase: 'vote', targetId: `${g2}/r4`, count: 2 },
      { participantId: 'p3', phase: 'prioritise', targetId: 'plenary/i1', count: 2 },
    ],
  };
}

async function get(urlPath: string, key: string | null) {
  return fetch(`${srv.url}${urlPath}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
}

async function exportOf(w: { workshopId: string; facilitatorKey: string }, query: string) {
  const res = await get(`/api/workshops/${w.workshopId}/export?${query}`, w.facilitatorKey);
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  return res;
}

async function fileOf(
  w: { workshopId: string; facilitatorKey: string },
  query: string,
): Promise<Uint8Array> {
  return new Uint8Array(await (await exportOf(w, query)).arrayBuffer());
}

// ─── Reading the formats back ──────────────────────────────────────────────────────────────────

/** RFC 4180 CSV (CRLF or LF between rows), with the formula guards of the server's CSV removed. */
function parseCsv(csv: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (c === '\r') i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  // The CSV guards a leading =, +, -, @ with an apostrophe; office files type the cell as text instead.
  return rows.map((r) => r.map((c) => c.replace(/^'(?=[=+\-@\t\r])/, '')));
}

function xml(source: string): Document {
  const doc = new new JSDOM('').window.DOMParser().parseFromString(source, 'application/xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

const ODF = {
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
};
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The text of an ODF element as a reader sees it: <text:s>, tabs and line breaks expanded. */
function odfTextOf(node: Node): string {
  let out = '';
  node.childNodes.forEach((child) => {
    if (child.nodeType === 3) out += child.nodeValue;
    else if (child.nodeType === 1) {
      const el = child as Element;
      if (el.namespaceURI === ODF.text && el.localName === 's')
        out += ' '.repeat(Number(el.getAttributeNS(ODF.text, 'c') ?? 1) || 1);
      else if (el.namespaceURI === ODF.text && el.localName === 'tab') out += '\t';
      else if (el.namespaceURI === ODF.text && el.localName === 'line-break') out += '\n';
      else out += odfTextOf(el);
    }
  });
  return out;
}

function unzip(file: Uint8Array): Record<string, string> {
  const entries = unzipSync(file);
  return Object.fromEntries(
    Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]),
  );
}

/** Cells of the first sheet of an ODS: text, numbers (typed float), or '' for empty. */
function odsCells(file: Uint8Array): { value: string; type: string | null }[][] {
  const content = xml(unzip(file)['content.xml']!);
  const rows = [...content.getElementsByTagNameNS(ODF.table, 'table-row')];
  return rows.map((row) =>
    [...row.getElementsByTagNameNS(ODF.table, 'table-cell')].flatMap((cell) => {
      const repeat = Number(cell.getAttributeNS(ODF.table, 'number-columns-repeated') ?? 1) || 1;
      const paragraphs = [...cell.getElementsByTagNameNS(ODF.text, 'p')].map(odfTextOf);
      const type = cell.getAttributeNS(ODF.office, 'value-type');
      // Calc reads office:string-value first when it is there: it must say what the paragraphs say.
      const exact = cell.getAttributeNS(ODF.office, 'string-value');
      if (exact !== null) expect(paragraphs.join('\n')).toBe(exact);
      const value =
        type === 'float' ? cell.getAttributeNS(ODF.office, 'value')! : paragraphs.join('\n');
      return Array.from({ length: repeat }, () => ({ value, type }));
    }),
  );
}

/** Headings of a Markdown report: level and text, its backslash escapes (any ASCII punctuation, as in CommonMark) removed. */
function markdownHeadings(md: string): string[] {
  return md
    .split('\n')
    .map((line) => /^(#{1,3}) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]!.length} ${m[2]!.replace(/\\([!-/:-@[-`{-~])/g, '$1')}`);
}

function odtHeadings(file: Uint8Array): { headings: string[]; paragraphs: string[] } {
  const content = xml(unzip(file)['content.xml']!);
  const headings = [...content.getElementsByTagNameNS(ODF.text, 'h')].map(
    (h) => `${h.getAttributeNS(ODF.text, 'outline-level')} ${odfTextOf(h)}`,
  );
  const paragraphs = [...content.getElementsByTagNameNS(ODF.text, 'p')].map(odfTextOf);
  return { headings, paragraphs };
}

function docxHeadings(file: Uint8Array): { headings: string[]; paragraphs: string[] } {
  const body = xml(unzip(file)['word/document.xml']!);
  const headings: string[] = [];
  const paragraphs: string[] = [];
  for (const p of [...body.getElementsByTagNameNS(W, 'p')]) {
    let text = '';
    for (const el of [...p.getElementsByTagNameNS(W, '*')]) {
      if (el.localName === 't') text += el.textContent;
      else if (el.localName === 'br') text += '\n';
      else if (el.localName === 'tab' && el.parentElement?.localName === 'r') text += '\t';
    }
    const style = p.getElementsByTagNameNS(W, 'pStyle')[0]?.getAttributeNS(W, 'val');
    const level = /^Heading([1-3])$/.exec(style ?? '')?.[1];
    if (level) headings.push(`${level} ${text}`);
    else paragraphs.push(text);
  }
  return { headings, paragraphs };
}

async function xlsxCells(
  file: Uint8Array,
): Promise<{ sheet: ExcelJS.Worksheet; cells: ExcelJS.Cell[][] }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(file) as unknown as ExcelJS.Buffer);
  const sheet = book.worksheets[0]!;
  const cells: ExcelJS.Cell[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    cells.push(Array.from({ length: 10 }, (_, c) => row.getCell(c + 1)));
  }
  return { sheet, cells };
}

// ─── Tests ─────────────────────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  srv = await startServer();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'atelier-office-'));
  const res = await fetch(`${srv.url}/api/workshops/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(hostileBoard()),
  });
  expect(res.status).toBe(201);
  hostile = (await res.json()) as typeof hostile;
});
afterAll(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const TYPES = {
  odt: 'application/vnd.oasis.opendocument.text',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

describe('office exports', () => {
  it('each format answers 200 with its media type and a file name from the title, to the facilitator only', async () => {
    for (const [format, type] of Object.entries(TYPES)) {
      const res = await exportOf(hostile, `format=${format}`);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="resilience-b-1-1.${format}"`,
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(strFromU8(bytes.subarray(0, 2))).toBe('PK');
      expect(
        (await get(`/api/workshops/${hostile.workshopId}/export?format=${format}`, null)).status,
      ).toBe(401);
    }
  });

  it('an OpenDocument package starts with its media type, stored, then a manifest listing its parts', async () => {
    for (const format of ['odt', 'ods'] as const) {
      const file = await fileOf(hostile, `format=${format}`);
      // Local file header: name length at 26, method at 8 (0 = stored), name at 30, data after.
      const view = new DataView(file.buffer, file.byteOffset);
      expect(view.getUint16(8, true)).toBe(0);
      expect(strFromU8(file.subarray(30, 38))).toBe('mimetype');
      expect(view.getUint16(28, true)).toBe(0);
      expect(strFromU8(file.subarray(38, 38 + TYPES[format].length))).toBe(TYPES[format]);
      const parts = unzip(file);
      expect(Object.keys(parts)[0]).toBe('mimetype');
      const manifest = xml(parts['META-INF/manifest.xml']!);
      const paths = [...manifest.getElementsByTagName('manifest:file-entry')].map((e) =>
        e.getAttribute('manifest:full-path'),
      );
      expect(paths).toEqual(['/', 'content.xml', 'styles.xml', 'meta.xml']);
      const meta = xml(parts['meta.xml']!);
      expect(meta.getElementsByTagName('dc:title')[0]!.textContent).toBe(
        'Résilience <b>&"\' 🌍 =1+1',
      );
      expect(meta.getElementsByTagName('dc:language')[0]!.textContent).toBe('fr-FR');
      xml(parts['styles.xml']!);
    }
  });

  it('the ODS and XLSX hold the CSV’s rows cell by cell: hostile text stays text, figures are numbers', async () => {
    for (const lang of ['fr', 'en'] as const) {
      const csv = parseCsv(
        await (await exportOf(hostile, `format=csv&lang=${lang}`)).text(),
        lang === 'fr' ? ';' : ',',
      );
      expect(csv).toHaveLength(1 + 6 + 2);
      expect(csv.flat()).toContain(LONG_BODY);
      const numericColumns = [4, 5, 6, 7, 8];

      const ods = odsCells(await fileOf(hostile, `format=ods&lang=${lang}`));
      expect(ods.map((row) => row.map((c) => c.value))).toEqual(csv);
      for (const [r, row] of ods.entries()) {
        for (const [c, cell] of row.entries()) {
          if (cell.value === '') expect(cell.type).toBeNull();
          else expect(cell.type).toBe(r > 0 && numericColumns.includes(c) ? 'float' : 'string');
        }
      }

      const { sheet, cells } = await xlsxCells(await fileOf(hostile, `format=xlsx&lang=${lang}`));
      expect(sheet.name).toBe(lang === 'fr' ? 'Recommandations' : 'Recommendations');
      expect(cells.map((row) => row.map((c) => (c.value === null ? '' : String(c.value))))).toEqual(
        csv,
      );
      for (const [r, row] of cells.entries()) {
        for (const [c, cell] of row.entries()) {
          expect(cell.formula).toBeFalsy();
          if (cell.value === null) continue;
          expect(cell.type).toBe(
            r > 0 && numericColumns.includes(c)
              ? ExcelJS.ValueType.Number
              : ExcelJS.ValueType.String,
          );
        }
      }
      expect(cells[0]![0]!.font?.bold).toBe(true);
    }
    // The hostile titles, read back exactly.
    const { cells } = await xlsxCells(await fileOf(hostile, 'format=xlsx'));
    const titles = cells.map((row) => row[2]!.value);
    for (const title of Object.values(TITLES)) expect(titles).toContain(title);
  });

  it('the ODT and DOCX reports have the Markdown report’s headings in order, and its texts intact', async () => {
    for (const lang of ['fr', 'en'] as const) {
      const md = await (await exportOf(hostile, `format=md&lang=${lang}`)).text();
      const expected = markdownHeadings(md);
      expect(expected[0]).toBe('1 Résilience <b>&"\' 🌍 =1+1');
      expect(expected).toContain(
        lang === 'fr' ? '2 Matrice impact / faisabilité' : '2 Impact / feasibility matrix',
      );
      const odt = odtHeadings(await fileOf(hostile, `format=odt&lang=${lang}`));
      const docx = docxHeadings(await fileOf(hostile, `format=docx&lang=${lang}`));
      for (const report of [odt, docx]) {
        expect(report.headings).toEqual(expected);
        const text = report.paragraphs.join('\n');
        // The 2000-character body, with its line break, spaces and tab, as one paragraph.
        expect(report.paragraphs).toContain(LONG_BODY);
        expect(report.paragraphs).toContain('Synthèse <i>commune</i>\nsur deux lignes');
        expect(text).toContain(
          lang === 'fr'
            ? 'Issu de\u00a0: Eau & <climat> et L’énergie "propre"'
            : 'From: Eau & <climat> and L’énergie "propre"',
        );
        expect(text).toContain(lang === 'fr' ? 'Participant·es\u00a0: 3' : 'Participants: 3');
        expect(text).toContain(lang === 'fr' ? 'Généré par Atelier' : 'Generated by Atelier');
        for (const title of Object.values(TITLES)) expect(text).toContain(title);
      }
    }
  });

  it('the fixture workshop’s reports and tables match its Markdown and CSV', async () => {
    const demo = (await (
      await fetch(`${srv.url}/api/demo`, { method: 'POST' })
    ).json()) as typeof hostile;
    const md = await (await exportOf(demo, 'format=md')).text();
    const csv = parseCsv(await (await exportOf(demo, 'format=csv')).text(), ';');
    expect(csv).toHaveLength(1 + 46);
    expect(odtHeadings(await fileOf(demo, 'format=odt')).headings).toEqual(markdownHeadings(md));
    expect(docxHeadings(await fileOf(demo, 'format=docx')).headings).toEqual(markdownHeadings(md));
    expect(
      odsCells(await fileOf(demo, 'format=ods')).map((row) => row.map((c) => c.value)),
    ).toEqual(csv);
    const { cells } = await xlsxCells(await fileOf(demo, 'format=xlsx'));
    expect(cells.map((row) => row.map((c) => (c.value === null ? '' : String(c.value))))).toEqual(
      csv,
    );
  });

  it('a snapshot exports as it was saved, not as the board is now', async () => {
    const w = await createWorkshop(srv.url, {
      title: 'Instantané',
      groups: ['A', 'B'],
      language: 'en',
    });
    const a = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: w.groups[0]!.id });
    const b = await joinWorkshop(srv.url, w.code, { name: 'Bob', groupId: w.groups[1]!.id });
    await writeRecommendations(srv.url, w.workshopId, w.groups[0]!.id, a.token, b.token, [
      { id: 'r1', title: 'Before' },
    ]);
    const saved = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.facilitatorKey}` },
      body: JSON.stringify({ label: 'one card' }),
    });
    expect(saved.status).toBe(201);
    const { snapshotId } = (await saved.json()) as { snapshotId: string };
    await writeRecommendations(srv.url, w.workshopId, w.groups[0]!.id, a.token, b.token, [
      { id: 'r2', title: 'After' },
    ]);
    await waitFor(async () => (await (await exportOf(w, 'format=csv')).text()).includes('After'), {
      message: 'live board has the second card',
    });

    const then = odsCells(await fileOf(w, `format=ods&snapshot=${snapshotId}`)).map(
      (row) => row[2]!.value,
    );
    expect(then).toEqual(['Title', 'Before']);
    const { cells } = await xlsxCells(await fileOf(w, `format=xlsx&snapshot=${snapshotId}`));
    expect(cells.map((row) => row[2]!.value)).toEqual(['Title', 'Before']);
    expect(
      odtHeadings(await fileOf(w, `format=odt&snapshot=${snapshotId}`)).paragraphs.join('\n'),
    ).toContain('Before');
    const now = docxHeadings(await fileOf(w, 'format=docx')).paragraphs.join('\n');
    expect(now).toContain('After');
    expect(
      docxHeadings(await fileOf(w, `format=docx&snapshot=${snapshotId}`)).paragraphs.join('\n'),
    ).not.toContain('After');
  });

  it('LibreOffice opens every file: each prints to PDF, and it reads the spreadsheets’ cells as the CSV', async () => {
    const names: string[] = [];
    for (const format of Object.keys(TYPES)) {
      const name = path.join(tmp, `board-${format}.${format}`);
      writeFileSync(name, await fileOf(hostile, `format=${format}`));
      names.push(name);
    }
    // A profile of its own, so a LibreOffice already running on the machine does not take the job.
    const profile = `-env:UserInstallation=file://${path.join(tmp, 'profile')}`;
    const soffice = (args: string[]) =>
      run('soffice', [profile, '--headless', '--norestore', ...args], { timeout: 170_000 });
    await soffice(['--convert-to', 'pdf', '--outdir', path.join(tmp, 'pdf'), ...names]);
    for (const format of Object.keys(TYPES)) {
      const pdf = path.join(tmp, 'pdf', `board-${format}.pdf`);
      expect(existsSync(pdf), `${format} → PDF`).toBe(true);
      expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }

    // Spreadsheets back to CSV through LibreOffice (`;`, `"`, UTF-8, every text cell quoted):
    // a cell LibreOffice took for a formula would come out as its result.
    const csv = parseCsv(await (await exportOf(hostile, 'format=csv')).text(), ';');
    for (const format of ['ods', 'xlsx']) {
      const out = path.join(tmp, `csv-${format}`);
      await soffice([
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,true',
        '--outdir',
        out,
        path.join(tmp, `board-${format}.${format}`),
      ]);
      const read = parseCsv(readFileSync(path.join(out, `board-${format}.csv`), 'utf8'), ';');
      expect(read.filter((row) => row.some((c) => c !== ''))).toEqual(csv);
    }
  }, 360_000);
});
