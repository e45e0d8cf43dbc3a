import { publishedRate, suppressTable } from './suppression.util';

describe('suppressTable', () => {
  it('hides counts from 1 to threshold − 1 and shows zeros and larger counts', () => {
    const t = suppressTable([[0, 25, 40]], 10);
    expect(t.cells).toEqual([[0, 25, 40]]);
    expect(t.rowTotals).toEqual([65]);
  });

  it('never leaves a lone hidden cell in a row or column whose total is shown', () => {
    const rows = [
      [6, 30, 41],
      [22, 35, 18],
      [15, 12, 50],
    ];
    const t = suppressTable(rows, 10);
    expect(t.cells[0][0]).toBeNull();
    const lines: (number | null)[][] = [
      ...t.cells.map((r, i) => [...r, t.rowTotals[i]]),
      ...[0, 1, 2].map((j) => [...t.cells.map((r) => r[j]), t.colTotals[j]]),
      [...t.colTotals, t.grand],
      [...t.rowTotals, t.grand],
    ];
    for (const line of lines) {
      expect(line.filter((v) => v === null).length).not.toBe(1);
    }
    // no hidden value can be recovered by subtraction from a row with one unknown
    expect(t.hidden).toBeGreaterThanOrEqual(4);
  });

  it('hides a small total and protects it through the other lines', () => {
    const t = suppressTable(
      [
        [3, 4],
        [20, 30],
      ],
      10,
    );
    expect(t.rowTotals[0]).toBeNull(); // 7
    expect(t.cells[0]).toEqual([null, null]);
    expect(
      [t.cells[1][0], t.cells[1][1], t.colTotals[0], t.colTotals[1]].filter((v) => v === null)
        .length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('handles a single row (a school seen from above)', () => {
    const t = suppressTable([[6, 0, 0, 0]], 10);
    expect(t.cells[0][0]).toBeNull();
    expect(t.rowTotals[0]).toBeNull();
    expect(t.grand).toBeNull();
  });
});

describe('publishedRate', () => {
  it('codes extreme percentages and hides rates of hidden cells', () => {
    expect(publishedRate(98, 100, true)).toBe('>95%');
    expect(publishedRate(2, 100, true)).toBe('<5%');
    expect(publishedRate(50, 100, true)).toBe('50%');
    expect(publishedRate(98, 100, false)).toBe('98%');
    expect(publishedRate(null, 100, true)).toBeNull();
    expect(publishedRate(5, 0, true)).toBeNull();
  });
});
