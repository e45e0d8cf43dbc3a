import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { OrgType, SchoolLevel } from '../entities/org-node.entity';
import type { OrgImportProblem } from '../entities/org-import.entity';
import { ALLOWED_PARENTS, isIsoDate } from '../orgs.service';

/** The columns an org file may have; headers are matched case- and accent-insensitively. */
export const ORG_FILE_COLUMNS = {
  code: ['code', 'ma', 'ma don vi', 'official code'],
  name: ['name', 'ten', 'ten don vi'],
  type: ['type', 'loai', 'loai don vi'],
  parent_code: ['parent_code', 'parent', 'ma cap tren', 'parent code'],
  levels: ['levels', 'cap hoc', 'level'],
  effective_from: ['effective_from', 'hieu luc tu', 'effective from'],
} as const;

export type OrgFileColumn = keyof typeof ORG_FILE_COLUMNS;

export interface OrgFileRow {
  line: number;
  code: string;
  name: string;
  type: string;
  parentCode: string;
  levels: string;
  effectiveFrom: string;
}

const TYPE_ALIASES: Record<string, OrgType> = {
  ministry: OrgType.MINISTRY,
  bo: OrgType.MINISTRY,
  province: OrgType.PROVINCE,
  tinh: OrgType.PROVINCE,
  commune: OrgType.COMMUNE,
  ward: OrgType.COMMUNE,
  xa: OrgType.COMMUNE,
  phuong: OrgType.COMMUNE,
  school: OrgType.SCHOOL,
  truong: OrgType.SCHOOL,
  facility: OrgType.FACILITY,
  'co so bao tro': OrgType.FACILITY,
};

const LEVEL_ALIASES: Record<string, SchoolLevel> = {
  primary: SchoolLevel.PRIMARY,
  'tieu hoc': SchoolLevel.PRIMARY,
  th: SchoolLevel.PRIMARY,
  lower_secondary: SchoolLevel.LOWER_SECONDARY,
  'lower secondary': SchoolLevel.LOWER_SECONDARY,
  thcs: SchoolLevel.LOWER_SECONDARY,
  upper_secondary: SchoolLevel.UPPER_SECONDARY,
  'upper secondary': SchoolLevel.UPPER_SECONDARY,
  thpt: SchoolLevel.UPPER_SECONDARY,
};

/** Lower case, no Vietnamese accents, `_`/`-` as spaces: how headers and enum words compare. */
export function fold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseType(value: string): OrgType | undefined {
  return TYPE_ALIASES[fold(value)];
}

export function parseLevels(value: string): SchoolLevel[] | undefined {
  const parts = value
    .split(/[;|,+]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const levels: SchoolLevel[] = [];
  for (const p of parts) {
    const level = LEVEL_ALIASES[fold(p)];
    if (!level) {
      return undefined;
    }
    if (!levels.includes(level)) {
      levels.push(level);
    }
  }
  return levels;
}

/** Reads a CSV (comma or semicolon, UTF-8 with or without BOM) or the first XLSX sheet. */
export async function readOrgFile(
  content: Buffer,
  format: 'csv' | 'xlsx',
): Promise<{ header: string[]; rows: string[][] }> {
  let table: string[][];
  if (format === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(content);
    const sheet = wb.worksheets[0];
    table = [];
    sheet?.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values: string[] = [];
      for (let c = 1; c <= sheet.columnCount; c++) {
        values.push(row.getCell(c).text ?? '');
      }
      table[rowNumber - 1] = values;
    });
    for (let i = 0; i < table.length; i++) {
      table[i] ??= [];
    }
  } else {
    const text = content.toString('utf8');
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const delimiter =
      (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    table = parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    });
  }
  const [header = [], ...rows] = table;
  return { header: header.map((h) => String(h).trim()), rows };
}

/** Maps the header to known columns; unknown headers are reported, missing required ones too. */
export function mapHeader(header: string[]): {
  index: Partial<Record<OrgFileColumn, number>>;
  problems: OrgImportProblem[];
} {
  const index: Partial<Record<OrgFileColumn, number>> = {};
  const problems: OrgImportProblem[] = [];
  header.forEach((h, i) => {
    const f = fold(h);
    if (!f) {
      return;
    }
    const col = (Object.keys(ORG_FILE_COLUMNS) as OrgFileColumn[]).find((k) =>
      (ORG_FILE_COLUMNS[k] as readonly string[]).map(fold).includes(f),
    );
    if (!col) {
      problems.push({ line: 1, column: h, reason: 'UNKNOWN_COLUMN', value: h.slice(0, 60) });
    } else if (index[col] !== undefined) {
      problems.push({ line: 1, column: h, reason: 'DUPLICATE_COLUMN', value: h.slice(0, 60) });
    } else {
      index[col] = i;
    }
  });
  for (const required of ['code', 'name', 'type'] as const) {
    if (index[required] === undefined) {
      problems.push({ line: 1, column: required, reason: 'MISSING_COLUMN' });
    }
  }
  return { index, problems };
}

export function toRows(
  rows: string[][],
  index: Partial<Record<OrgFileColumn, number>>,
): OrgFileRow[] {
  const cell = (r: string[], c: OrgFileColumn): string =>
    index[c] === undefined ? '' : String(r[index[c]] ?? '').trim();
  const out: OrgFileRow[] = [];
  rows.forEach((r, i) => {
    if (r.every((v) => String(v ?? '').trim() === '')) {
      return; // blank lines are not rows
    }
    out.push({
      line: i + 2,
      code: cell(r, 'code'),
      name: cell(r, 'name'),
      type: cell(r, 'type'),
      parentCode: cell(r, 'parent_code'),
      levels: cell(r, 'levels'),
      effectiveFrom: cell(r, 'effective_from'),
    });
  });
  return out;
}

/** What the database knows about a code the file mentions. */
export interface KnownNode {
  id: string;
  code: string;
  type: OrgType;
  name: string;
  levels: SchoolLevel[];
  parentId: string | null;
  path: string;
  closedOn: string | null;
}

export interface PlannedRow {
  row: OrgFileRow;
  type: OrgType;
  levels: SchoolLevel[];
  effectiveOn: string;
  action: 'create' | 'update' | 'unchanged';
  /** In-file depth below a node that exists already (creates are applied shallow first). */
  order: number;
}

export interface OrgImportPlan {
  problems: OrgImportProblem[];
  planned: PlannedRow[];
}

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/**
 * Checks every row against the file and the database and lists every problem with its line
 * and column; the plan is applied only when there is none. `known` holds the existing nodes
 * whose codes the file mentions (as code or parent code); `root` is the uploader's node.
 */
export function planOrgImport(
  rows: OrgFileRow[],
  known: Map<string, KnownNode>,
  root: KnownNode,
  defaultEffectiveOn: string,
  headerLabels: Partial<Record<OrgFileColumn, string>> = {},
): OrgImportPlan {
  const label = (c: OrgFileColumn): string => headerLabels[c] ?? c;
  const problems: OrgImportProblem[] = [];
  const problem = (row: OrgFileRow, column: OrgFileColumn | '', reason: string, value?: string) =>
    problems.push({
      line: row.line,
      column: column ? label(column) : '',
      reason,
      ...(value !== undefined && value !== '' ? { value: value.slice(0, 80) } : {}),
    });
  const byCode = new Map<string, OrgFileRow>();
  const typed = new Map<string, OrgType>();
  const planned: PlannedRow[] = [];

  for (const row of rows) {
    let ok = true;
    if (!row.code) {
      problem(row, 'code', 'MISSING');
      ok = false;
    } else if (!CODE_RE.test(row.code)) {
      problem(row, 'code', 'BAD_CODE', row.code);
      ok = false;
    } else if (byCode.has(row.code)) {
      problem(row, 'code', 'DUPLICATE_CODE', row.code);
      ok = false;
    } else {
      byCode.set(row.code, row);
    }
    if (!row.name) {
      problem(row, 'name', 'MISSING');
      ok = false;
    } else if (row.name.length > 300) {
      problem(row, 'name', 'TOO_LONG', row.name);
      ok = false;
    }
    const type = row.type ? parseType(row.type) : undefined;
    if (!row.type) {
      problem(row, 'type', 'MISSING');
      ok = false;
    } else if (!type) {
      problem(row, 'type', 'BAD_TYPE', row.type);
      ok = false;
    }
    const levels = parseLevels(row.levels);
    if (!levels) {
      problem(row, 'levels', 'BAD_LEVEL', row.levels);
      ok = false;
    } else if (type === OrgType.SCHOOL && levels.length === 0) {
      problem(row, 'levels', 'MISSING_LEVEL');
      ok = false;
    } else if (type && type !== OrgType.SCHOOL && levels.length > 0) {
      problem(row, 'levels', 'LEVELS_NOT_ALLOWED', row.levels);
      ok = false;
    }
    const effectiveOn = row.effectiveFrom || defaultEffectiveOn;
    if (!isIsoDate(effectiveOn)) {
      problem(row, 'effective_from', 'BAD_DATE', row.effectiveFrom);
      ok = false;
    }
    const existing = row.code ? known.get(row.code) : undefined;
    if (existing && type && existing.type !== type) {
      problem(row, 'type', 'TYPE_CHANGE', row.type);
      ok = false;
    }
    if (existing?.closedOn) {
      problem(row, 'code', 'CLOSED', row.code);
      ok = false;
    }
    if (type) {
      typed.set(row.code, type);
    }
    if (ok && type && levels) {
      planned.push({ row, type, levels, effectiveOn, action: 'create', order: 0 });
    }
  }

  // Parents: in the file or in the database, of an allowed type, inside the uploader's subtree.
  const typeOf = (code: string): OrgType | undefined => typed.get(code) ?? known.get(code)?.type;
  const inScope = (code: string, seen = new Set<string>()): boolean | 'cycle' => {
    if (seen.has(code)) {
      return 'cycle';
    }
    seen.add(code);
    const fileRow = byCode.get(code);
    if (fileRow) {
      if (code === root.code) {
        return true;
      }
      return fileRow.parentCode ? inScope(fileRow.parentCode, seen) : false;
    }
    const node = known.get(code);
    return node ? node.path.startsWith(root.path) : false;
  };
  for (const p of planned) {
    const { row } = p;
    const existing = known.get(row.code);
    if (row.code === root.code) {
      if (row.parentCode && known.get(row.parentCode)?.id !== root.parentId) {
        problem(row, 'parent_code', 'OUT_OF_SCOPE', row.parentCode);
      }
      continue;
    }
    if (!row.parentCode) {
      problem(row, 'parent_code', p.type === OrgType.MINISTRY ? 'OUT_OF_SCOPE' : 'MISSING');
      continue;
    }
    const parentType = typeOf(row.parentCode);
    if (!parentType) {
      problem(row, 'parent_code', 'UNKNOWN_PARENT', row.parentCode);
      continue;
    }
    if (!byCode.has(row.parentCode) && known.get(row.parentCode)?.closedOn) {
      problem(row, 'parent_code', 'PARENT_CLOSED', row.parentCode);
      continue;
    }
    if (!ALLOWED_PARENTS[p.type].includes(parentType)) {
      problem(row, 'parent_code', 'PARENT_TYPE', `${row.parentCode} (${parentType})`);
      continue;
    }
    const scope = inScope(row.parentCode, new Set([row.code]));
    if (scope === 'cycle') {
      problem(row, 'parent_code', 'CYCLE', row.parentCode);
      continue;
    }
    if (!scope || (existing && !existing.path.startsWith(root.path))) {
      problem(row, 'parent_code', 'OUT_OF_SCOPE', row.parentCode);
      continue;
    }
  }

  for (const p of planned) {
    const existing = known.get(p.row.code);
    if (existing) {
      const parent = p.row.parentCode ? known.get(p.row.parentCode) : undefined;
      const sameParent =
        !p.row.parentCode || (parent !== undefined && parent.id === existing.parentId);
      const same =
        existing.name === p.row.name &&
        sameParent &&
        [...existing.levels].sort().join() === [...p.levels].sort().join();
      p.action = same ? 'unchanged' : 'update';
    }
    let depth = 0;
    let code = p.row.parentCode;
    while (code && byCode.has(code) && !known.has(code) && depth < 64) {
      depth++;
      code = byCode.get(code)!.parentCode;
    }
    p.order = depth;
  }
  problems.sort((a, b) => a.line - b.line);
  return { problems, planned };
}
