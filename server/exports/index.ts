// The office exports of a board: the report (ODT, DOCX) and the table (ODS, XLSX), with their
// media types. Loaded by the export route on first use, so a server that never exports one does
// not load the zip and document libraries.
import type { BoardExport } from '../../shared/export.js';
import { reportWords, tableRows, type ReportLanguage } from '../../shared/report.js';
import { DOCX_TYPE, renderDocx, renderXlsx, XLSX_TYPE } from './ooxml.js';
import { ODS_TYPE, ODT_TYPE, renderOds, renderOdt, type SheetInput } from './opendocument.js';
import { buildReport } from './report-model.js';

export const OFFICE_FORMATS = ['odt', 'docx', 'ods', 'xlsx'] as const;
export type OfficeFormat = (typeof OFFICE_FORMATS)[number];

export const OFFICE_TYPES: Record<OfficeFormat, string> = {
  odt: ODT_TYPE,
  docx: DOCX_TYPE,
  ods: ODS_TYPE,
  xlsx: XLSX_TYPE,
};

/** Column widths of the table, in characters: type, groups, title, description, 5 figures, sources. */
const WIDTHS = [18, 22, 40, 60, 12, 12, 12, 10, 12, 30];

/** The table of the CSV export, as a sheet named after what it holds. */
export function sheetOf(board: BoardExport, lang: ReportLanguage): SheetInput {
  return {
    title: board.workshop.title,
    name: reportWords(lang).recommendations,
    locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
    exportedAt: new Date(board.exportedAt),
    rows: tableRows(board, lang),
    widths: WIDTHS,
  };
}

export async function renderOffice(
  format: OfficeFormat,
  board: BoardExport,
  lang: ReportLanguage,
): Promise<Uint8Array> {
  switch (format) {
    case 'odt':
      return renderOdt(buildReport(board, lang));
    case 'docx':
      return renderDocx(buildReport(board, lang));
    case 'ods':
      return renderOds(sheetOf(board, lang));
    case 'xlsx':
      return renderXlsx(sheetOf(board, lang));
  }
}
