// Office Open XML exports: the report as DOCX (with `docx`) and the table as XLSX (with
// `write-excel-file`). Both write cells and runs as typed text, never as formulas.
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import writeXlsxFile, { type Cell, type SheetData } from 'write-excel-file/node';
import type { Block, ReportModel, Run } from './report-model.js';
import { xmlSafe } from './report-model.js';
import type { SheetInput } from './opendocument.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADINGS = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;
const GREY = '9A9A9A';
const FONT = 'Liberation Sans';

/** A run's text with its line breaks as Word breaks (a "\n" inside w:t would read as a space). */
function textRuns(run: Run): TextRun[] {
  return run.text.split('\n').map(
    (line, i) =>
      new TextRun({
        text: line,
        bold: run.bold,
        italics: run.italic,
        break: i > 0 ? 1 : undefined,
      }),
  );
}

function paragraphOf(
  list: Run[],
  options: ConstructorParameters<typeof Paragraph>[0] & object = {},
): Paragraph {
  return new Paragraph({ ...options, children: list.flatMap(textRuns) });
}

function docxTable(block: Extract<Block, { kind: 'table' }>): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: GREY };
  const borders = { top: border, bottom: border, left: border, right: border };
  const margins = { top: 60, bottom: 60, left: 100, right: 100 };
  const cell = (text: string, column: number, header: boolean) =>
    new TableCell({
      borders,
      margins,
      shading: header ? { type: ShadingType.CLEAR, fill: 'E8E8E8', color: 'auto' } : undefined,
      children: [
        paragraphOf([{ text, bold: header }], {
          alignment: block.numeric[column] ? AlignmentType.RIGHT : AlignmentType.LEFT,
        }),
      ],
    });
  // Twips of the text width (A4 less two 2 cm margins), shared as the block says.
  const textWidth = 11906 - 2 * 1134;
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: block.widths.map((percent) => Math.round((textWidth * percent) / 100)),
    rows: [
      new TableRow({
        tableHeader: true,
        children: block.header.map((text, i) => cell(text, i, true)),
      }),
      ...block.rows.map(
        (row) => new TableRow({ children: row.map((text, i) => cell(text, i, false)) }),
      ),
    ],
  });
}

export async function renderDocx(report: ReportModel): Promise<Uint8Array> {
  let lists = 0;
  const children: (Paragraph | Table)[] = [];
  for (const block of report.blocks) {
    switch (block.kind) {
      case 'heading':
        children.push(
          new Paragraph({
            heading: HEADINGS[block.level],
            keepNext: true,
            children: textRuns({ text: block.text }),
          }),
        );
        break;
      case 'paragraph':
        children.push(
          paragraphOf(block.runs, {
            style: block.style === 'quote' ? 'Quote' : undefined,
            spacing: { after: 120 },
            indent: block.style === 'quote' ? { left: 360 } : undefined,
            border:
              block.style === 'quote'
                ? { left: { style: BorderStyle.SINGLE, size: 12, color: GREY, space: 6 } }
                : undefined,
          }),
        );
        break;
      case 'list': {
        // A new instance restarts the numbering: each group's recommendations count from 1.
        const instance = ++lists;
        const numbering = { reference: block.ordered ? 'ordered' : 'bullets', level: 0, instance };
        for (const item of block.items) {
          children.push(paragraphOf(item.runs, { numbering }));
          if (item.detail)
            children.push(
              paragraphOf([{ text: item.detail }], {
                indent: { left: 454 },
                spacing: { after: 80 },
              }),
            );
        }
        break;
      }
      case 'table':
        children.push(docxTable(block), new Paragraph({}));
        break;
      case 'rule':
        children.push(
          new Paragraph({
            border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: GREY, space: 1 } },
          }),
        );
        break;
    }
  }
  const level = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: string) => ({
    level: 0,
    format,
    text,
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: 454, hanging: 312 } } },
  });
  const doc = new Document({
    title: report.title,
    creator: 'Atelier',
    styles: {
      default: {
        document: { run: { font: FONT, size: 22, language: { value: report.locale } } },
        heading1: {
          run: { font: FONT, size: 40, bold: true },
          paragraph: { spacing: { after: 160 } },
        },
        heading2: {
          run: { font: FONT, size: 30, bold: true },
          paragraph: { spacing: { before: 360, after: 120 } },
        },
        heading3: {
          run: { font: FONT, size: 25, bold: true },
          paragraph: { spacing: { before: 240, after: 100 } },
        },
      },
      paragraphStyles: [
        {
          id: 'Quote',
          name: 'Quote',
          basedOn: 'Normal',
          quickFormat: true,
          run: { italics: true },
        },
      ],
    },
    numbering: {
      config: [
        { reference: 'ordered', levels: [level(LevelFormat.DECIMAL, '%1.')] },
        { reference: 'bullets', levels: [level(LevelFormat.BULLET, '•')] },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
          },
        },
        children,
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

export async function renderXlsx(sheet: SheetInput): Promise<Uint8Array> {
  const [header = [], ...rows] = sheet.rows;
  const data: SheetData = [
    header.map((value): Cell => ({
      value: xmlSafe(String(value ?? '')),
      type: String,
      fontWeight: 'bold',
      backgroundColor: '#E8E8E8',
    })),
    ...rows.map((row) =>
      row.map((value): Cell => {
        if (value === null || value === '') return null;
        // Typed cells: a title such as "=HYPERLINK(…)" is written as a shared string, not a formula.
        if (typeof value === 'number') return { value, type: Number };
        return { value: xmlSafe(value), type: String, wrap: true, alignVertical: 'top' };
      }),
    ),
  ];
  const file = writeXlsxFile(
    data,
    {
      sheet: sheet.name,
      columns: sheet.widths.map((width) => ({ width })),
      stickyRowsCount: 1,
    },
    { fontFamily: 'Calibri', fontSize: 11 },
  );
  return new Uint8Array(await file.toBuffer());
}
