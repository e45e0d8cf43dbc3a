import { Test } from '@nestjs/testing';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogService, foldForSearch } from './catalog.service';
import { CurriculaErrorCode, CurriculaException } from './curricula.exception';
import { CURRICULA_OPTIONS } from './curricula.constants';

jest.mock('@lib/core', () => jest.requireActual('./__fixtures__/lib-core-stub'));

const VALID = join(__dirname, '__fixtures__', 'valid');

// The catalog as CurriculaModule provides it (the module itself also brings the attempt tables,
// which need a database: the e2e tests boot it whole).
async function boot(dir: string): Promise<CatalogService> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      {
        provide: CURRICULA_OPTIONS,
        useValue: {
          dir,
          mediaBaseUrl: '/media/',
          pageUrl: (moduleId: string, pageId: string, lang: string) =>
            `/lessons/${moduleId}/${pageId}?lang=${lang}`,
        },
      },
      CatalogService,
    ],
  }).compile();
  return moduleRef.get(CatalogService);
}

describe('CatalogService', () => {
  let catalog: CatalogService;
  beforeAll(async () => {
    catalog = await boot(VALID);
  });

  it('lists modules and filters by band, grade, topic, language and text', () => {
    expect(catalog.list()).toEqual([
      {
        id: 'up-fixture-safe-chat',
        version: 1,
        band: 'upper-primary',
        grades: [3, 4, 5],
        durationMinutes: 40,
        title: { vi: 'Trò chuyện an toàn', en: 'Safe chats' },
        summary: expect.objectContaining({ en: expect.stringMatching(/^Notice when/) }),
        topics: ['contact', 'help'],
        languages: ['vi', 'en'],
        pageCount: 4,
        itemCount: 8,
      },
    ]);
    const ids = (filter: Parameters<CatalogService['list']>[0]): string[] =>
      catalog.list(filter).map((m) => m.id);
    expect(ids({ band: 'upper-primary', grade: 4, topic: 'contact', language: 'vi' })).toEqual([
      'up-fixture-safe-chat',
    ]);
    expect(ids({ band: 'early-primary' })).toEqual([]);
    expect(ids({ grade: 6 })).toEqual([]);
    expect(ids({ topic: 'scams' })).toEqual([]);
    expect(ids({ q: 'tro chuyen AN TOAN' })).toEqual(['up-fixture-safe-chat']);
    expect(ids({ q: 'stranger online' })).toEqual(['up-fixture-safe-chat']);
    expect(ids({ q: 'stranger', language: 'vi' })).toEqual([]);
    expect(ids({ q: 'passwords' })).toEqual([]);
  });

  it('gets a module by id or throws a coded error', () => {
    expect(catalog.get('up-fixture-safe-chat').assessment.items).toHaveLength(8);
    expect(catalog.find('nope')).toBeUndefined();
    expect(() => catalog.get('nope')).toThrow(
      expect.objectContaining({ code: CurriculaErrorCode.MODULE_NOT_FOUND, status: 404 }),
    );
  });

  it('offers bands and band checks', () => {
    expect(catalog.bands().map((b) => b.title.en)).toContain('Upper primary (grades 3–5)');
    expect(catalog.bandCheck('upper-primary').items).toHaveLength(8);
    expect(catalog.bandChecks()).toHaveLength(1);
    expect(() => catalog.bandCheck('early-primary')).toThrow(CurriculaException);
  });

  it('renders a page to safe HTML with media and page links resolved', () => {
    const page = catalog.renderPage('up-fixture-safe-chat', 'p1-story', 'en');
    expect(page.title).toBe("Lan's strange message");
    expect(page.html).toContain('<h2>A message on Roblox</h2>');
    expect(page.html).toContain(
      '<img src="/media/up-fixture-safe-chat/chat.svg" alt="A chat bubble with a question mark" loading="lazy">',
    );
    expect(page.html).toContain(
      '<a href="/lessons/up-fixture-safe-chat/p2-signs?lang=en">Warning signs</a>',
    );
    expect(page.html).toContain('<blockquote><p>&quot;Hi Lan!');
    expect(() => catalog.renderPage('up-fixture-safe-chat', 'p9', 'en')).toThrow(
      expect.objectContaining({ code: CurriculaErrorCode.PAGE_NOT_FOUND }),
    );
    expect(catalog.renderTeacherGuide('up-fixture-safe-chat', 'vi').html).toContain(
      '<th>Thời gian</th>',
    );
    expect(catalog.renderFamilyNote('up-fixture-safe-chat', 'en').html).toContain(
      '<strong>111</strong>',
    );
  });

  it('serves media files only from inside a module media folder', () => {
    expect(catalog.mediaFile('up-fixture-safe-chat', 'chat.svg')).toMatch(/media[/\\]chat\.svg$/);
    expect(catalog.mediaFile('up-fixture-safe-chat', '../module.yaml')).toBeUndefined();
    expect(catalog.mediaFile('up-fixture-safe-chat', 'missing.png')).toBeUndefined();
    expect(catalog.mediaFile('nope', 'chat.svg')).toBeUndefined();
  });

  it('stops the start-up and lists every problem when the folder is invalid', async () => {
    const root = mkdtempSync(join(tmpdir(), 'curricula-boot-'));
    try {
      cpSync(VALID, root, { recursive: true });
      writeFileSync(join(root, 'upper-primary', 'up-fixture-safe-chat', 'family-note.en.md'), '');
      await expect(boot(root)).rejects.toThrow(
        `curricula at ${root} has 1 problem(s):\n  upper-primary/up-fixture-safe-chat/family-note.en.md:1: the file is empty`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('foldForSearch', () => {
  it('ignores case and Vietnamese diacritics', () => {
    expect(foldForSearch('Mật khẩu ĐẸP')).toBe('mat khau dep');
  });
});
