import { withLang } from './views';

describe('withLang', () => {
  it('adds lang to a bare path', () => {
    expect(withLang('/', 'en')).toBe('/?lang=en');
    expect(withLang('/play/m1', 'vi')).toBe('/play/m1?lang=vi');
  });

  it('replaces an existing lang and keeps every other parameter as written', () => {
    expect(withLang('/play/m1?lt=a.b%2Bc&lang=vi', 'en')).toBe('/play/m1?lt=a.b%2Bc&lang=en');
    expect(withLang('/x?lang=en&q=a+b&page=2', 'vi')).toBe('/x?q=a+b&page=2&lang=vi');
    expect(withLang('/x?language=fr', 'vi')).toBe('/x?language=fr&lang=vi');
  });

  it('drops a fragment and empty parameters', () => {
    expect(withLang('/x?a=1&&lang=vi#top', 'en')).toBe('/x?a=1&lang=en');
    expect(withLang('/x?', 'en')).toBe('/x?lang=en');
  });
});
