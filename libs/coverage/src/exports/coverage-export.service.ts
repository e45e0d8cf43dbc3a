import { GRADE_BANDS } from '@lib/campaigns';
import { I18n, Lang, Principal } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import * as fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { BandFigures, CoverageView, CoverageViewService, Figure } from '../coverage-view.service';

/** A TTF with Vietnamese diacritics (Debian package fonts-dejavu-core). */
export const PDF_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const PDF_FONT_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export type ExportFormat = 'csv' | 'xlsx' | 'pdf';

/** Marker of a hidden (suppressed) cell in every export. */
export const HIDDEN = '*';

const cell = (v: Figure): string | number => (v === null ? HIDDEN : v);

/**
 * Exports of one node's figures (the level below it, one row each) as CSV, XLSX or a printable
 * PDF. They are built from {@link CoverageViewService.view}, so they carry the same access
 * check and the same suppression as the dashboard: no hidden cell, no pupil-level data.
 */
@Injectable()
export class CoverageExportService {
  private readonly logger = new Logger(CoverageExportService.name);

  constructor(private readonly views: CoverageViewService) {}

  async export(
    principal: Principal,
    campaignId: string,
    nodeId: string,
    format: ExportFormat,
    lang: Lang,
  ): Promise<{ body: Buffer; contentType: string; fileName: string }> {
    const view = await this.views.view(principal, campaignId, nodeId);
    const table = this.rows(view, lang);
    const base = `coverage-${view.node.code}-${view.campaign.periodStart}`.replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
    this.logger.log({
      msg: 'coverage export',
      campaignId,
      orgNodeId: nodeId,
      format,
      accountId: principal.accountId,
    });
    switch (format) {
      case 'csv':
        return {
          body: Buffer.from(`\uFEFF${stringify(table)}`, 'utf8'),
          contentType: 'text/csv; charset=utf-8',
          fileName: `${base}.csv`,
        };
      case 'xlsx':
        return {
          body: await this.xlsx(view, table, lang),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          fileName: `${base}.xlsx`,
        };
      case 'pdf':
        return {
          body: await this.pdf(view, table, lang),
          contentType: 'application/pdf',
          fileName: `${base}.pdf`,
        };
    }
  }

  /** Header + one row per unit/node below + a total row (the node itself). */
  rows(view: CoverageView, lang: Lang): (string | number)[][] {
    const t = (k: string): string => I18n.t(lang, k);
    const header = [
      t('coverage.col.code'),
      t('coverage.col.name'),
      t('coverage.col.expected'),
      t('coverage.col.received'),
      t('coverage.col.onTime'),
      t('coverage.col.met'),
      t('coverage.col.reportingRate'),
      ...GRADE_BANDS.flatMap((b) => [
        `${t(`coverage.band.${b}`)} · ${t('coverage.col.enrolled')}`,
        `${t(`coverage.band.${b}`)} · ${t('coverage.col.reached')}`,
        `${t(`coverage.band.${b}`)} · ${t('coverage.col.completed')}`,
      ]),
      `${t('coverage.col.total')} · ${t('coverage.col.enrolled')}`,
      `${t('coverage.col.total')} · ${t('coverage.col.reached')}`,
      `${t('coverage.col.total')} · ${t('coverage.col.completed')}`,
    ];
    const line = (
      code: string,
      name: string,
      c: CoverageView['counts'],
      bands: BandFigures[],
      total: BandFigures,
    ) => [
      code,
      name,
      c.expected,
      c.received,
      c.onTime,
      c.met,
      c.reportingRate ?? '',
      ...bands.flatMap((b) => [cell(b.enrolled), cell(b.reached), cell(b.completed)]),
      cell(total.enrolled),
      cell(total.reached),
      cell(total.completed),
    ];
    const rows = view.children.map((ch) => line(ch.code, ch.name, ch.counts, ch.bands, ch.total));
    rows.push(
      line(
        view.node.code,
        `${t('coverage.col.total')}: ${view.node.name}`,
        view.counts,
        view.bands,
        view.total,
      ),
    );
    return [header, ...rows];
  }

  private async xlsx(
    view: CoverageView,
    table: (string | number)[][],
    lang: Lang,
  ): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'SafeNest';
    const ws = wb.addWorksheet(I18n.t(lang, 'coverage.export.sheet'));
    ws.addRow([`${view.campaign.name} — ${view.node.name}`]).font = { bold: true, size: 13 };
    ws.addRow([`${view.campaign.periodStart} → ${view.campaign.periodEnd}`]);
    ws.addRow([I18n.t(lang, 'coverage.export.note', { threshold: view.threshold, mark: HIDDEN })]);
    ws.addRow([]);
    const header = ws.addRow(table[0]);
    header.font = { bold: true };
    for (const r of table.slice(1)) {
      ws.addRow(r);
    }
    ws.getColumn(2).width = 36;
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  private pdf(view: CoverageView, table: (string | number)[][], lang: Lang): Promise<Buffer> {
    const t = (k: string, p: Record<string, string | number> = {}): string => I18n.t(lang, k, p);
    const doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margin: 36,
      info: { Title: `${view.campaign.name} — ${view.node.name}`, Author: 'SafeNest' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (b: Buffer) => chunks.push(b));
    const done = new Promise<Buffer>((resolve) =>
      doc.on('end', () => resolve(Buffer.concat(chunks))),
    );
    const hasFont = fs.existsSync(PDF_FONT);
    const regular = hasFont ? PDF_FONT : 'Helvetica';
    const bold = hasFont && fs.existsSync(PDF_FONT_BOLD) ? PDF_FONT_BOLD : regular;
    doc.font(bold).fontSize(16).text(t('coverage.pdf.title'));
    doc
      .font(regular)
      .fontSize(11)
      .text(`${view.campaign.name} — ${view.node.name} (${view.node.code})`);
    doc.text(
      `${t('coverage.period')}: ${view.campaign.periodStart} → ${view.campaign.periodEnd} · ${t('coverage.due')}: ${view.dueAt.toISOString().slice(0, 10)}`,
    );
    doc.moveDown(0.5);
    const c = view.counts;
    doc.text(
      `${t('coverage.col.expected')}: ${c.expected} · ${t('coverage.col.received')}: ${c.received} (${c.reportingRate ?? '—'}) · ${t('coverage.col.onTime')}: ${c.onTime} (${c.onTimeRate ?? '—'}) · ${t('coverage.col.met')}: ${c.met} (${c.metRate ?? '—'})`,
    );
    doc.moveDown(0.5);
    // Compact table: name, reporting, then total pupils (the per-band detail is in CSV/XLSX).
    const cols = [
      { label: t('coverage.col.name'), width: 250, pick: (r: (string | number)[]) => r[1] },
      { label: t('coverage.col.expected'), width: 60, pick: (r: (string | number)[]) => r[2] },
      { label: t('coverage.col.received'), width: 60, pick: (r: (string | number)[]) => r[3] },
      { label: t('coverage.col.onTime'), width: 60, pick: (r: (string | number)[]) => r[4] },
      { label: t('coverage.col.met'), width: 60, pick: (r: (string | number)[]) => r[5] },
      {
        label: t('coverage.col.enrolled'),
        width: 80,
        pick: (r: (string | number)[]) => r[r.length - 3],
      },
      {
        label: t('coverage.col.reached'),
        width: 80,
        pick: (r: (string | number)[]) => r[r.length - 2],
      },
      {
        label: t('coverage.col.completed'),
        width: 80,
        pick: (r: (string | number)[]) => r[r.length - 1],
      },
    ];
    const drawRow = (values: string[], font: string): void => {
      const y = doc.y;
      let x = doc.page.margins.left;
      doc.font(font).fontSize(9);
      let h = 0;
      values.forEach((v, i) => {
        doc.text(v, x, y, { width: cols[i].width - 6 });
        h = Math.max(h, doc.y - y);
        x += cols[i].width;
      });
      doc.x = doc.page.margins.left;
      doc.y = y + h + 4;
      if (doc.y > doc.page.height - doc.page.margins.bottom - 40) {
        doc.addPage();
      }
    };
    drawRow(
      cols.map((col) => col.label),
      bold,
    );
    for (const r of table.slice(1)) {
      drawRow(
        cols.map((col) => String(col.pick(r))),
        regular,
      );
    }
    doc.moveDown();
    doc
      .font(regular)
      .fontSize(9)
      .text(t('coverage.export.note', { threshold: view.threshold, mark: HIDDEN }));
    doc.text(
      `${t('coverage.pdf.generated')}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
    doc.end();
    return done;
  }
}
