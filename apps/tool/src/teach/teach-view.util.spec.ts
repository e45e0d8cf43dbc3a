import { gainByBand, safeCell } from './teach-view.util';

describe('teacher view helpers', () => {
  it('keeps spreadsheet formulas out of CSV cells and numbers as numbers', () => {
    expect(safeCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(safeCell('+1')).toBe("'+1");
    expect(safeCell('-2')).toBe("'-2");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('Nguyễn An')).toBe('Nguyễn An');
    expect(safeCell(-2)).toBe(-2);
    expect(safeCell(null)).toBe('');
  });

  it('computes gain only over pupils who took both checks', () => {
    const [band] = gainByBand([
      { userId: 'a', band: 'upper-primary', pre: 40, post: 80 },
      { userId: 'b', band: 'upper-primary', pre: 60, post: 70 },
      { userId: 'c', band: 'upper-primary', pre: 10, post: null },
      { userId: 'd', band: 'upper-primary', pre: null, post: 100 },
    ]);
    expect(band).toEqual({
      band: 'upper-primary',
      pre: 36.7,
      post: 83.3,
      pairs: 2,
      gain: 25,
      preCount: 3,
      postCount: 3,
    });
  });
});
