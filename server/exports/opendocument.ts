// OpenDocument exports: the report as ODT and the table as ODS (ODF 1.3), written as XML here and
// zipped with fflate. No maintained npm library writes both, and the XML we need is small.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { TableCell } from '../../shared/report.js';
import { xmlSafe, type Block, type ReportModel, type Run } from './report-model.js';

export const ODT_TYPE = 'application/vnd.oasis.opendocument.text';
export const ODS_TYPE = 'application/vnd.oasis.opendocument.spreadsheet';

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'office:version="1.3"',
].join(' ');

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for XML content and attribute values (after dropping what XML cannot carry). */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/**
 * Text as ODF paragraph content. ODF collapses white space like HTML (ODF 1.3 §6.1.2): a line
 * break and a tab are elements, and a space is written as <text:s/> wherever it would be dropped:
 * after the first of a run, at the start or end of the paragraph, after a break or a tab.
 */
export function odfText(text: string): string {
  const parts = text.split(/(\n|\t| +)/).filter((part) => part !== '');
  let out = '';
  let afterChar = false;
  parts.forEach((part, i) => {
    if (part === '\n') out += '<text:line-break/>';
    else if (part === '\t') out += '<text:tab/>';
    else if (part[0] === ' ') {
      const last = i === parts.length - 1;
      const spaces = (n: number) =>
        n === 0 ? '' : n === 1 ? '<text:s/>' : `<text:s text:c="${n}"/>`;
      out += afterChar && !last ? ` ${spaces(part.length - 1)}` : spaces(part.length);
    } else {
      out += escapeXml(part);
      afterChar = true;
      return;
    }
    afterChar = false;
  });
  return out;
}

/** A language tag as the fo:language and fo:country pair of ODF text properties. */
function languageProperties(locale: string): string {
  const [language = 'fr', country] = locale.split('-');
  return `fo:language="${language}" fo:country="${country ?? 'none'}"`;
}

/** ODF dates: xsd:dateTime, written in UTC without a zone as LibreOffice does. */
function odfDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/**
 * The package: `mimetype` first and stored (so the type can be read at a fixed offset without
 * unzipping, ODF 1.3 part 2 §3.3), then the manifest and the XML parts.
 */
function odfPackage(mediaType: string, parts: Record<string, string>): Uint8Array {
  const manifest =
    XML_HEAD +
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
    `<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${mediaType}"/>` +
    Object.keys(parts)
      .map(
        (path) =>
          `<manifest:file-entry manifest:full-path="${path}" manifest:media-type="text/xml"/>`,
      )
      .join('') +
    '</manifest:manifest>';
  const files: Zippable = { mimetype: [strToU8(mediaType), { level: 0 }] };
  files['META-INF/manifest.xml'] = strToU8(manifest);
  for (const [path, xml] of Object.entries(parts)) files[path] = strToU8(xml);
  return zipSync(files, { level: 6 });
}

function metaXml(title: string, locale: string, at: Date): string {
  return (
    XML_HEAD +
    `<office:document-meta ${NS}><office:meta>` +
    `<meta:generator>Atelier</meta:generator><dc:title>${escapeXml(title)}</dc:title>` +
    `<dc:language>${locale}</dc:language><meta:creation-date>${odfDate(at)}</meta:creation-date>` +
    `<dc:date>${odfDate(at)}</dc:date></office:meta></office:document-meta>`
  );
}

const FONTS =
  '<office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;" ' +
  'style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>';

// ─── ODT ───────────────────────────────────────────────────────────────────────────────────────

function textStyles(locale: string): string {
  const heading = (level: number, size: string, above: string) =>
    `<style:style style:name="Heading_20_${level}" style:display-name="Heading ${level}" style:family="paragraph" ` +
    `style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="${level}" style:class="text">` +
    `<style:paragraph-properties fo:margin-top="${above}" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>` +
    `<style:text-properties fo:font-size="${size}" fo:font-weight="bold"/></style:style>`;
  return (
    XML_HEAD +
    `<office:document-styles ${NS}>${FONTS}<office:styles>` +
    '<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>' +
    `<style:text-properties style:font-name="Liberation Sans" fo:font-size="11pt" ${languageProperties(locale)} fo:hyphenate="false"/></style:default-style>` +
    '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>' +
    '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"/>' +
    heading(1, '20pt', '0cm') +
    heading(2, '15pt', '0.6cm') +
    heading(3, '12.5pt', '0.4cm') +
    '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">' +
    '<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="115%"/></style:style>' +
    '<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="html">' +
    '<style:paragraph-properties fo:margin-left="0.6cm" fo:padding-left="0.25cm" fo:border-left="1.5pt solid #9a9a9a"/>' +
    '<style:text-properties fo:font-style="italic"/></style:style>' +
    '<style:style style:name="List_20_Contents" style:display-name="List Contents" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list">' +
    '<style:paragraph-properties fo:margin-bottom="0.1cm"/></style:style>' +
    '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>' +
    '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra">' +
    '<style:text-properties fo:font-weight="bold"/></style:style>' +
    '</office:styles><office:automatic-styles>' +
    '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" ' +
    'style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout>' +
    '</office:automatic-styles><office:master-styles>' +
    '<style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles></office:document-styles>'
  );
}

const LIST_LEVEL =
  '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">' +
  '<style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.8cm" ' +
  'fo:text-indent="-0.55cm" fo:margin-left="0.8cm"/></style:list-level-properties>';

/** A4 less two 2 cm margins. */
const TEXT_WIDTH_CM = 17;

const TEXT_AUTOMATIC_STYLES =
  '<office:automatic-styles>' +
  '<style:style style:name="Tb" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>' +
  '<style:style style:name="Ti" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>' +
  '<style:style style:name="Tbi" style:family="text"><style:text-properties fo:font-weight="bold" fo:font-style="italic"/></style:style>' +
  '<style:style style:name="Pnote" style:family="paragraph" style:parent-style-name="Text_20_body">' +
  '<style:text-properties fo:color="#4a4a4a"/></style:style>' +
  '<style:style style:name="Prule" style:family="paragraph" style:parent-style-name="Standard">' +
  '<style:paragraph-properties fo:margin-top="0.6cm" fo:margin-bottom="0.2cm" fo:border-bottom="0.5pt solid #9a9a9a" fo:padding="0cm"/></style:style>' +
  '<style:style style:name="Pnum" style:family="paragraph" style:parent-style-name="Table_20_Contents">' +
  '<style:paragraph-properties fo:text-align="end"/></style:style>' +
  '<style:style style:name="Pnumhead" style:family="paragraph" style:parent-style-name="Table_20_Heading">' +
  '<style:paragraph-properties fo:text-align="end"/></style:style>' +
  `<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="${TEXT_WIDTH_CM}cm" table:align="left" ` +
  'fo:margin-top="0.1cm" fo:margin-bottom="0.3cm"/></style:style>' +
  '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" ' +
  'fo:border="0.5pt solid #9a9a9a"/></style:style>' +
  `<text:list-style style:name="Lnum"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">${LIST_LEVEL}</text:list-level-style-number></text:list-style>` +
  `<text:list-style style:name="Lbul"><text:list-level-style-bullet text:level="1" text:bullet-char="•">${LIST_LEVEL}</text:list-level-style-bullet></text:list-style>` +
  '</office:automatic-styles>';

function runs(list: Run[]): string {
  return list
    .map((run) => {
      const style = run.bold && run.italic ? 'Tbi' : run.bold ? 'Tb' : run.italic ? 'Ti' : null;
      return style
        ? `<text:span text:style-name="${style}">${odfText(run.text)}</text:span>`
        : odfText(run.text);
    })
    .join('');
}

function odtBlock(block: Block, context: { tables: number; styles: string[] }): string {
  switch (block.kind) {
    case 'heading':
      return `<text:h text:style-name="Heading_20_${block.level}" text:outline-level="${block.level}">${odfText(block.text)}</text:h>`;
    case 'paragraph': {
      const style =
        block.style === 'quote' ? 'Quotations' : block.style === 'note' ? 'Pnote' : 'Text_20_body';
      return `<text:p text:style-name="${style}">${runs(block.runs)}</text:p>`;
    }
    case 'list':
      return (
        `<text:list text:style-name="${block.ordered ? 'Lnum' : 'Lbul'}">` +
        block.items
          .map(
            (item) =>
              `<text:list-item><text:p text:style-name="List_20_Contents">${runs(item.runs)}</text:p>` +
              (item.detail
                ? `<text:p text:style-name="List_20_Contents">${odfText(item.detail)}</text:p>`
                : '') +
              '</text:list-item>',
          )
          .join('') +
        '</text:list>'
      );
    case 'table': {
      const cell = (text: string, style: string) =>
        `<table:table-cell table:style-name="Cell" office:value-type="string"><text:p text:style-name="${style}">${odfText(text)}</text:p></table:table-cell>`;
      const header = block.header
        .map((text, i) => cell(text, block.numeric[i] ? 'Pnumhead' : 'Table_20_Heading'))
        .join('');
      const rows = block.rows
        .map(
          (row) =>
            `<table:table-row>${row.map((text, i) => cell(text, block.numeric[i] ? 'Pnum' : 'Table_20_Contents')).join('')}</table:table-row>`,
        )
        .join('');
      // Column styles are automatic styles of content.xml: each table adds its own.
      const name = `Table${++context.tables}`;
      const columns = block.widths.map((percent, i) => {
        context.styles.push(
          `<style:style style:name="${name}.C${i}" style:family="table-column"><style:table-column-properties ` +
            `style:column-width="${((TEXT_WIDTH_CM * percent) / 100).toFixed(2)}cm"/></style:style>`,
        );
        return `<table:table-column table:style-name="${name}.C${i}"/>`;
      });
      return (
        `<table:table table:name="${name}" table:style-name="Tbl">${columns.join('')}` +
        `<table:table-header-rows><table:table-row>${header}</table:table-row></table:table-header-rows>${rows}</table:table>`
      );
    }
    case 'rule':
      return '<text:p text:style-name="Prule"/>';
  }
}

export function renderOdt(report: ReportModel): Uint8Array {
  const context = { tables: 0, styles: [] as string[] };
  const body = report.blocks.map((block) => odtBlock(block, context)).join('\n');
  const styles = TEXT_AUTOMATIC_STYLES.replace(
    '</office:automatic-styles>',
    `${context.styles.join('')}</office:automatic-styles>`,
  );
  const content =
    XML_HEAD +
    `<office:document-content ${NS}>${FONTS}${styles}` +
    `<office:body><office:text>\n${body}\n</office:text></office:body></office:document-content>`;
  return odfPackage(ODT_TYPE, {
    'content.xml': content,
    'styles.xml': textStyles(report.locale),
    'meta.xml': metaXml(report.title, report.locale, report.exportedAt),
  });
}

// ─── ODS ───────────────────────────────────────────────────────────────────────────────────────

export interface SheetInput {
  title: string;
  /** The sheet's tab name. */
  name: string;
  locale: string;
  exportedAt: Date;
  /** Header first. */
  rows: TableCell[][];
  /** Column widths, in characters. */
  widths: number[];
}

function sheetStyles(locale: string): string {
  return (
    XML_HEAD +
    `<office:document-styles ${NS}>${FONTS}<office:styles>` +
    '<style:default-style style:family="table-cell">' +
    `<style:text-properties style:font-name="Liberation Sans" fo:font-size="10pt" ${languageProperties(locale)}/></style:default-style>` +
    '<style:style style:name="Default" style:family="table-cell"/>' +
    '</office:styles></office:document-styles>'
  );
}

/** A cell: text stays text (never a formula, whatever it starts with), numbers are floats. */
function sheetCell(value: TableCell, header: boolean): string {
  const style = header ? ' table:style-name="ceHead"' : '';
  // An empty text is an empty cell, as in the CSV, not a cell holding "" (COUNTA would count it).
  if (value === null || value === '') return `<table:table-cell${style}/>`;
  if (typeof value === 'number') {
    return `<table:table-cell${style} office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`;
  }
  // LibreOffice writes each line of a multi-line cell as its own paragraph.
  const text = xmlSafe(value).replace(/\r\n?/g, '\n');
  const lines = text.split('\n').map((l) => `<text:p>${odfText(l)}</text:p>`);
  // Calc drops a tab it reads from a cell's paragraphs; the exact value in office:string-value
  // (white space as character references, which attribute normalisation keeps) wins over them.
  const exact = /[\t\n]|^ | $| {2}/.test(text)
    ? ` office:string-value="${escapeXml(text).replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;')}"`
    : '';
  return `<table:table-cell${style} office:value-type="string"${exact}>${lines.join('')}</table:table-cell>`;
}

export function renderOds(sheet: SheetInput): Uint8Array {
  const columns = sheet.widths
    .map(
      (chars, i) =>
        `<style:style style:name="co${i}" style:family="table-column"><style:table-column-properties style:column-width="${(chars * 0.21).toFixed(2)}cm"/></style:style>`,
    )
    .join('');
  const [header = [], ...rows] = sheet.rows;
  const content =
    XML_HEAD +
    `<office:document-content ${NS}>${FONTS}<office:automatic-styles>${columns}` +
    '<style:style style:name="ceHead" style:family="table-cell" style:parent-style-name="Default">' +
    '<style:table-cell-properties fo:background-color="#e8e8e8"/><style:text-properties fo:font-weight="bold"/></style:style>' +
    '<style:style style:name="ceBody" style:family="table-cell" style:parent-style-name="Default">' +
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>' +
    '</office:automatic-styles><office:body><office:spreadsheet>' +
    `<table:table table:name="${escapeXml(sheet.name)}">` +
    sheet.widths
      .map(
        (_, i) =>
          `<table:table-column table:style-name="co${i}" table:default-cell-style-name="ceBody"/>`,
      )
      .join('') +
    `<table:table-header-rows><table:table-row>${header.map((v) => sheetCell(v, true)).join('')}</table:table-row></table:table-header-rows>\n` +
    rows
      .map(
        (row) =>
          `<table:table-row>${row.map((v) => sheetCell(v, false)).join('')}</table:table-row>`,
      )
      .join('\n') +
    '</table:table></office:spreadsheet></office:body></office:document-content>';
  return odfPackage(ODS_TYPE, {
    'content.xml': content,
    'styles.xml': sheetStyles(sheet.locale),
    'meta.xml': metaXml(sheet.title, sheet.locale, sheet.exportedAt),
  });
}
