/**
 * Small-cell suppression for published tables of pupil counts. A table has rows (child units
 * or nodes), columns (grade bands), row totals, column totals and a grand total, all additive.
 * Primary suppression hides every count from 1 to threshold − 1; complementary suppression
 * then hides a second cell in every row or column that would otherwise have exactly one
 * hidden entry, because a single hidden cell is the total minus the others. It repeats until
 * no line has a lone hidden entry. Zero is shown (no pupil to protect).
 */
export interface SuppressedTable {
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  grand: number | null;
  /** How many entries were hidden (primary + complementary). */
  hidden: number;
}

interface Entry {
  value: number;
  hidden: boolean;
}

export function suppressTable(rows: number[][], threshold: number): SuppressedTable {
  const nCols = rows[0]?.length ?? 0;
  const cells: Entry[][] = rows.map((r) => r.map((v) => ({ value: v, hidden: false })));
  const rowTotals: Entry[] = rows.map((r) => ({ value: sum(r), hidden: false }));
  const colTotals: Entry[] = Array.from({ length: nCols }, (_, j) => ({
    value: sum(rows.map((r) => r[j])),
    hidden: false,
  }));
  const grand: Entry = { value: sum(rowTotals.map((t) => t.value)), hidden: false };
  const all = [...cells.flat(), ...rowTotals, ...colTotals, grand];
  for (const e of all) {
    e.hidden = e.value > 0 && e.value < threshold;
  }
  // Each line: its member cells and its total (the total is the sum of the members).
  const lines: { members: Entry[]; total: Entry }[] = [
    ...cells.map((r, i) => ({ members: r, total: rowTotals[i] })),
    ...colTotals.map((t, j) => ({ members: cells.map((r) => r[j]), total: t })),
    { members: colTotals, total: grand },
    { members: rowTotals, total: grand },
  ];
  for (let changed = true, guard = 0; changed && guard < 1000; guard++) {
    changed = false;
    for (const line of lines) {
      const entries = [...line.members, line.total];
      const hiddenCount = entries.filter((e) => e.hidden).length;
      if (hiddenCount !== 1) {
        continue;
      }
      // Hide the smallest visible member with pupils, else any visible member, else the total.
      const candidates = line.members.filter((e) => !e.hidden);
      const pick =
        candidates.filter((e) => e.value > 0).sort((a, b) => a.value - b.value)[0] ??
        candidates[0] ??
        (line.total.hidden ? undefined : line.total);
      if (pick) {
        pick.hidden = true;
        changed = true;
      }
    }
  }
  const show = (e: Entry): number | null => (e.hidden ? null : e.value);
  return {
    cells: cells.map((r) => r.map(show)),
    rowTotals: rowTotals.map(show),
    colTotals: colTotals.map(show),
    grand: show(grand),
    hidden: all.filter((e) => e.hidden).length,
  };
}

/** A table shown without suppression (a school reading its own figures). */
export function plainTable(rows: number[][]): SuppressedTable {
  const nCols = rows[0]?.length ?? 0;
  const rowTotals = rows.map(sum);
  return {
    cells: rows.map((r) => [...r]),
    rowTotals,
    colTotals: Array.from({ length: nCols }, (_, j) => sum(rows.map((r) => r[j]))),
    grand: sum(rowTotals),
    hidden: 0,
  };
}

/**
 * A percentage for publication: hidden when either count is hidden, and coded at the
 * extremes (over 95%, under 5%) so a near-complete or near-empty cell does not reveal pupils.
 */
export function publishedRate(
  part: number | null,
  whole: number | null,
  suppress: boolean,
): string | null {
  if (part === null || whole === null || whole === 0) {
    return null;
  }
  const pct = (100 * part) / whole;
  if (suppress && pct > 95) {
    return '>95%';
  }
  if (suppress && pct < 5) {
    return '<5%';
  }
  return `${Math.round(pct * 10) / 10}%`;
}

function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}
