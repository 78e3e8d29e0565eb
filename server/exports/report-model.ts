// The report (compte rendu) as a list of format-neutral blocks, so the ODT and DOCX renderers say
// exactly what the Markdown report says (shared/report.ts): same sections, order and words.
import { quadrantOf } from '../../shared/board.js';
import type { BoardExport } from '../../shared/export.js';
import { parseTargetId } from '../../shared/ids.js';
import {
  itemGroupNames,
  rankedItems,
  reportWords,
  type ReportLanguage,
} from '../../shared/report.js';

/** A piece of text with its emphasis. Text is as written (line breaks kept), cleaned for XML. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

/** Tables give their columns' widths in percent of the text width. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; runs: Run[]; style?: 'quote' | 'note' }
  | { kind: 'list'; ordered: boolean; items: { runs: Run[]; detail?: string }[] }
  | { kind: 'table'; header: string[]; rows: string[][]; numeric: boolean[]; widths: number[] }
  | { kind: 'rule' };

export interface ReportModel {
  title: string;
  language: ReportLanguage;
  /** BCP 47 tag for the office files' language settings (spelling, hyphenation). */
  locale: string;
  exportedAt: Date;
  blocks: Block[];
}

/**
 * Characters XML 1.0 cannot carry (C0 controls but tab and line breaks, lone surrogates,
 * U+FFFE/U+FFFF): a document holding one would not open, so they are dropped.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- these control characters are what it removes
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '');
}

/** A title or a name: one line, as the Markdown report shows it. */
function line(text: string): string {
  return xmlSafe(text).replace(/\s+/g, ' ').trim();
}

/** A body: its own line breaks kept (CRLF and CR made LF), outer blank space trimmed. */
function body(text: string): string {
  return xmlSafe(text).replace(/\r\n?/g, '\n').trim();
}

export function buildReport(
  board: BoardExport,
  lang: ReportLanguage = board.workshop.language,
): ReportModel {
  const w = reportWords(lang);
  const number = new Intl.NumberFormat(lang);
  const exportedAt = new Date(board.exportedAt);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(
    exportedAt,
  );
  const colon = lang === 'fr' ? '\u00a0:' : ':';
  const countIn = (groupId: string) =>
    board.participants.filter((p) => p.groupId === groupId).length;
  const blocks: Block[] = [];
  const heading = (level: 1 | 2 | 3, text: string) => blocks.push({ kind: 'heading', level, text });
  const italic = (text: string): Block => ({ kind: 'paragraph', runs: [{ text, italic: true }] });

  const title = line(board.workshop.title);
  heading(1, title);
  blocks.push({
    kind: 'paragraph',
    style: 'note',
    runs: [
      { text: w.report, italic: true },
      {
        text: ` — ${w.date}${colon} ${date} — ${w.phase}${colon} ${w.phases[board.workshop.phase]}`,
      },
    ],
  });

  heading(2, w.summary);
  const totalRecs = board.groups.reduce((n, g) => n + g.recommendations.length, 0);
  blocks.push({
    kind: 'list',
    ordered: false,
    items: [
      [w.groups, board.groups.length],
      [w.participants, board.participants.length],
      [w.recommendations, totalRecs],
      [w.mergedItems, board.items.length],
    ].map(([label, n]) => ({ runs: [{ text: `${label}${colon} ${number.format(n as number)}` }] })),
  });

  heading(2, w.groups);
  blocks.push({
    kind: 'table',
    header: [w.group, w.participants, w.recommendations],
    numeric: [false, true, true],
    widths: [50, 25, 25],
    rows: board.groups.map((g) => [
      line(g.name),
      number.format(countIn(g.id)),
      number.format(g.recommendations.length),
    ]),
  });

  heading(2, w.perGroup);
  for (const g of board.groups) {
    heading(3, line(g.name));
    if (g.prompt.trim())
      blocks.push({ kind: 'paragraph', style: 'quote', runs: [{ text: body(g.prompt) }] });
    const ranked = [...g.recommendations].sort(
      (a, b) => b.votes - a.votes || a.createdAt - b.createdAt,
    );
    if (ranked.length === 0) blocks.push(italic(w.noRecommendation));
    else {
      blocks.push({
        kind: 'list',
        ordered: true,
        items: ranked.map((rec) => ({
          runs: [{ text: line(rec.title) || '—', bold: true }, { text: ` — ${w.dots(rec.votes)}` }],
          detail: body(rec.body) || undefined,
        })),
      });
    }
  }

  heading(2, w.merged);
  const ranked = rankedItems(board);
  if (ranked.length === 0) blocks.push(italic(w.noItem));
  for (const { item } of ranked) {
    heading(3, line(item.title) || '—');
    const plenary = item.votes > 0 ? `, ${w.dots(item.votes)} (${w.plenaryVotes})` : '';
    blocks.push({
      kind: 'paragraph',
      runs: [
        {
          text: `${w.fromGroups(line(itemGroupNames(board, item, lang)))} — ${w.dots(item.sourcesVotes)} (${w.groupVotes})${plenary}`,
        },
      ],
    });
    if (item.body.trim()) blocks.push({ kind: 'paragraph', runs: [{ text: body(item.body) }] });
    const sources = item.sources.map((ref) => {
      const target = parseTargetId(ref);
      const group =
        target?.kind === 'recommendation'
          ? board.groups.find((g) => g.id === target.groupId)
          : undefined;
      const rec =
        target?.kind === 'recommendation'
          ? group?.recommendations.find((r) => r.id === target.recommendationId)
          : undefined;
      return rec && group
        ? { runs: [{ text: `${line(group.name)}${colon} ${line(rec.title)}` }] }
        : { runs: [{ text: w.removedSource, italic: true }] };
    });
    if (sources.length > 0) blocks.push({ kind: 'list', ordered: false, items: sources });
  }

  if (ranked.length > 0) {
    heading(2, w.finalRanking);
    blocks.push({
      kind: 'table',
      header: [w.rank, w.item, w.groups, w.votes],
      numeric: [true, false, false, true],
      widths: [10, 45, 30, 15],
      rows: ranked.map(({ item, total, rank }) => [
        String(rank),
        line(item.title) || '—',
        line(itemGroupNames(board, item, lang)),
        number.format(total),
      ]),
    });
  }

  const scored = board.items.filter((i) => i.impact !== null && i.feasibility !== null);
  if (scored.length > 0) {
    heading(2, w.matrix);
    for (const quadrant of ['quickWins', 'majorProjects', 'fillIns', 'thanklessTasks'] as const) {
      const inQuadrant = scored.filter((i) => quadrantOf(i.impact!, i.feasibility!) === quadrant);
      heading(3, w.quadrants[quadrant]);
      if (inQuadrant.length === 0) blocks.push({ kind: 'paragraph', runs: [{ text: '—' }] });
      else {
        blocks.push({
          kind: 'list',
          ordered: false,
          items: inQuadrant.map((item) => ({
            runs: [
              {
                text: `${line(item.title)} (${w.impact} ${item.impact}/5, ${w.feasibility} ${item.feasibility}/5)`,
              },
            ],
          })),
        });
      }
    }
  }

  blocks.push({ kind: 'rule' }, italic(w.generated));
  return { title, language: lang, locale: lang === 'fr' ? 'fr-FR' : 'en-GB', exportedAt, blocks };
}
