// The Markdown report is data, never markup (1.1): whatever a participant or the facilitator
// typed (workshop title, group names and questions, titles, bodies) comes out as inert text —
// no raw HTML, no link or image, no emphasis, heading, list, quote or table cell of its own.
// No Markdown parser is a dependency: the rendered text is checked for every unescaped marker.
import { describe, expect, it } from 'vitest';
import type { BoardExport } from '../../shared/export.js';
import { inline, renderMarkdown } from '../../shared/report.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[cliquez](javascript:alert(1))',
  '![image](https://evil.example/x.png)',
  '<script>alert(1)</script>',
  '<https://evil.example>',
  '**gras** et *italique* et _souligné_ et ~~barré~~',
  '`code` et ```bloc```',
  'a | b | c',
  '&lt;img src=x onerror=alert(1)&gt; &#60;b&#62;',
  'C:\\chemin\\*',
];
/** Texts that would be Markdown structure if they opened a line. */
const OPENERS = [
  '# Titre pirate',
  '- liste',
  '+ liste',
  '1. liste',
  '2) liste',
  '> citation',
  '---',
  '===',
  '***',
  '___',
];

function hostileBoard(): BoardExport {
  const all = [...HOSTILE, ...OPENERS];
  const recommendations = all.map((text, i) => ({
    id: `r${i}`,
    title: `${text}\n# Injecté\n\n<b>deux</b>`,
    body: `${OPENERS[i % OPENERS.length]!}\n${text}`,
    authorId: 'p1',
    createdAt: i,
    votes: i % 3,
  }));
  return {
    format: 'atelier.workshop',
    version: 1,
    exportedAt: 1_700_000_000_000,
    workshop: {
      workshopId: 'w1',
      code: 'ACDEFG',
      title: '# <img src=x onerror=alert(1)> [x](javascript:alert(1))',
      language: 'fr',
      voteBudget: 5,
      phase: 'closed',
      votesRevealed: true,
      createdAt: 1_700_000_000_000,
    },
    groups: [
      {
        id: 'g1',
        name: 'A | <b>B</b> [c](javascript:x)',
        prompt: '> *question* <i>',
        recommendations,
      },
      { id: 'g2', name: '1. `Groupe`', prompt: '', recommendations: [] },
    ],
    participants: [{ id: 'p1', name: 'Ana', groupId: 'g1' }],
    items: all.map((text, i) => ({
      id: `i${i}`,
      title: `${text}\r\n## Faux titre`,
      body: text,
      sources: [`g1/r${i}`, `g2/none`],
      createdAt: i,
      impact: (i % 5) + 1,
      feasibility: ((i + 2) % 5) + 1,
      sourcesVotes: i,
      votes: i % 4,
    })),
    votes: [],
  };
}

/** Occurrences of `ch` in `line` not escaped by a backslash (an odd run of them before it). */
function unescaped(line: string, ch: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== ch) continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) n++;
  }
  return n;
}

describe('the Markdown report escapes everything people typed', () => {
  for (const lang of ['fr', 'en'] as const) {
    const md = renderMarkdown(hostileBoard(), lang);
    const lines = md.split('\n');

    it(`${lang}: no raw HTML, link, image or code span survives anywhere`, () => {
      for (const ch of ['<', '>', '[', ']', '`']) {
        // Our own markup uses none of these except '>' opening a group's question.
        const offending = lines.filter(
          (l) => unescaped(l.startsWith('> ') ? l.slice(2) : l, ch) > 0,
        );
        expect(offending, ch).toEqual([]);
      }
      expect(md).not.toMatch(/(?<!\\)\]\(/);
      // Entities keep their ampersand literal, so they never turn into the characters they name.
      expect(md).not.toMatch(/(?<!\\)&(#?[0-9A-Za-z]+);/);
      expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
      expect(md).toContain('\\[cliquez\\](javascript:alert(1))');
    });

    it(`${lang}: emphasis and strikethrough markers from people are escaped`, () => {
      const ours = /^\*[^*]+\*$|^\d+\. \*\*|^- \*[^*]+\*$/; // "*Compte rendu* — …", list titles, "*withdrawn*"
      for (const line of lines) {
        const body = line
          .replace(/^\d+\. \*\*(.*)\*\* — .*$/, '$1')
          .replace(/^\*([^*\\]+)\*( — .*)?$/, '');
        expect(unescaped(body, '_'), line).toBe(0);
        expect(unescaped(body, '~'), line).toBe(0);
        if (!ours.test(line)) expect(unescaped(body, '*'), line).toBe(0);
      }
    });

    it(`${lang}: a newline in a title never opens a heading, a list, a quote or a rule of its own`, () => {
      const headings = lines.filter((l) => /^#{1,6} /.test(l));
      // One title, the fixed sections, two groups, one heading per item, the four quadrants.
      expect(headings[0]).toBe(
        '# \\# \\<img src=x onerror=alert(1)\\> \\[x\\](javascript:alert(1))',
      );
      for (const h of headings) expect(h, h).not.toMatch(/^#+ (Injecté|Faux titre)/);
      expect(md).not.toMatch(/^#+ (Injecté|Faux titre|Titre pirate)/m);
      expect(md).toContain('\\# Injecté \\<b\\>deux\\</b\\>');
      for (const line of lines) {
        // Every line that is a list item, quote or rule is one the report itself writes.
        if (/^\s*([-+*]|\d+[.)]) /.test(line) || /^\s*(---|===|\*\*\*|___)\s*$/.test(line)) {
          expect(line, line).toMatch(/^(- |\d+\. \*\*|---$)/);
        }
        if (line.startsWith('>')) expect(line, line).toBe('> \\> \\*question\\* \\<i\\>');
      }
      // Bodies that open a line keep their markers as text.
      for (const opener of [
        '\\# Titre pirate',
        '\\- liste',
        '\\+ liste',
        '1\\. liste',
        '2\\) liste',
        '\\> citation',
        '\\---',
        '\\===',
        '\\*\\*\\*',
        '\\_\\_\\_',
      ]) {
        expect(
          lines.some(
            (l) => l === opener || l.startsWith(`${opener} `) || l.trim().startsWith(opener),
          ),
          opener,
        ).toBe(true);
      }
    });

    it(`${lang}: a pipe someone typed never adds a table cell`, () => {
      const rows = lines.filter((l) => l.startsWith('|'));
      expect(rows.length).toBeGreaterThan(4);
      const groupsTable = rows.filter((r) => unescaped(r, '|') === 4);
      const rankingTable = rows.filter((r) => unescaped(r, '|') === 5);
      expect(groupsTable.length + rankingTable.length).toBe(rows.length);
      expect(groupsTable).toHaveLength(2 + 2); // header, rule, two groups
      expect(rankingTable).toHaveLength(2 + hostileBoard().items.length);
    });
  }

  it('inline() turns hostile text into one inert line', () => {
    expect(inline('a\nb\r\n\tc')).toBe('a b c');
    expect(inline('<img onerror=x>')).toBe('\\<img onerror=x\\>');
    expect(inline('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
    expect(inline('# titre')).toBe('\\# titre');
    expect(inline('12. point')).toBe('12\\. point');
    expect(inline('- point')).toBe('\\- point');
    expect(inline('a|b')).toBe('a\\|b');
    expect(inline('`x`')).toBe('\\`x\\`');
    expect(inline('*x* _y_')).toBe('\\*x\\* \\_y\\_');
    expect(inline('&amp; & co')).toBe('\\&amp; & co');
    expect(inline('C:\\x')).toBe('C:\\\\x');
    expect(inline('Former les élus')).toBe('Former les élus');
  });
});
