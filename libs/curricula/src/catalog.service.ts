import { Inject, Injectable, Logger } from '@nestjs/common';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CURRICULA_OPTIONS } from './curricula.constants';
import { CurriculaErrorCode, CurriculaException } from './curricula.exception';
import { formatProblem, loadCurricula } from './loader/load-curricula.util';
import {
  isRelativeTarget,
  renderMarkdown,
  type MarkdownRenderOptions,
} from './markdown/markdown.util';
import type {
  Band,
  BandCheck,
  BandId,
  CurriculumModule,
  Language,
  LoadedCurricula,
  LocalizedText,
  Topic,
} from './models/curriculum.model';

export interface CurriculaModuleOptions {
  /** The curricula folder (the one holding bands.yaml). */
  dir: string;
  /** URL prefix under which the app serves module media: `<prefix>/<module-id>/<file in media/>`. */
  mediaBaseUrl?: string;
  /** URL of another page of a module, for relative links between pages; none: links become text. */
  pageUrl?: (moduleId: string, pageId: string, lang: Language) => string;
}

export interface CatalogFilter {
  band?: BandId;
  grade?: number;
  topic?: Topic;
  /** Only modules complete in this language. */
  language?: Language;
  /** Words that must all appear in the title or summary (accents and case ignored). */
  q?: string;
}

/** A module as the picker lists it. */
export interface CatalogEntry {
  id: string;
  version: number;
  band: BandId;
  grades: number[];
  durationMinutes: number;
  title: LocalizedText;
  summary: LocalizedText;
  topics: Topic[];
  languages: Language[];
  pageCount: number;
  itemCount: number;
}

export interface RenderedDocument {
  title: string;
  /** Safe HTML: source text is escaped; no markup from the source survives. */
  html: string;
}

/** Folds case and Vietnamese diacritics so "mat khau" finds "Mật khẩu". */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);
  private readonly content: LoadedCurricula;
  private readonly byId: Map<string, CurriculumModule>;
  private readonly mediaBaseUrl: string;

  constructor(@Inject(CURRICULA_OPTIONS) private readonly options: CurriculaModuleOptions) {
    // Loaded once at boot: content changes ship with a deploy, and a broken folder must stop
    // the start-up rather than show learners a half-checked lesson.
    this.content = loadCurricula(options.dir);
    if (this.content.problems.length) {
      const lines = this.content.problems.map((p) => `  ${formatProblem(p, this.content.dir)}`);
      throw new CurriculaException(
        CurriculaErrorCode.INVALID_CONTENT,
        `curricula at ${this.content.dir} has ${lines.length} problem(s):\n${lines.join('\n')}`,
        { problems: this.content.problems.length },
      );
    }
    this.byId = new Map(this.content.modules.map((module) => [module.id, module]));
    this.mediaBaseUrl = (options.mediaBaseUrl ?? '/curricula/media').replace(/\/+$/, '');
    this.logger.log(
      `loaded ${this.content.modules.length} module(s) and ${this.content.checks.length} band check(s)`,
    );
  }

  list(filter: CatalogFilter = {}): CatalogEntry[] {
    const words = filter.q ? foldForSearch(filter.q).split(/\s+/).filter(Boolean) : [];
    return this.content.modules
      .filter((module) => {
        if (filter.band && module.band !== filter.band) {
          return false;
        }
        if (filter.grade !== undefined && !module.grades.includes(filter.grade)) {
          return false;
        }
        if (filter.topic && !module.tags.topics.includes(filter.topic)) {
          return false;
        }
        if (filter.language && !module.languages.includes(filter.language)) {
          return false;
        }
        if (words.length) {
          const langs: Language[] = filter.language ? [filter.language] : ['vi', 'en'];
          const haystack = foldForSearch(
            langs.map((lang) => `${module.title[lang]} ${module.summary[lang]}`).join(' '),
          );
          return words.every((word) => haystack.includes(word));
        }
        return true;
      })
      .map((module) => ({
        id: module.id,
        version: module.version,
        band: module.band,
        grades: [...module.grades],
        durationMinutes: module.durationMinutes,
        title: module.title,
        summary: module.summary,
        topics: [...module.tags.topics],
        languages: [...module.languages],
        pageCount: module.pages.length,
        itemCount: module.assessment.items.length,
      }));
  }

  find(id: string): CurriculumModule | undefined {
    return this.byId.get(id);
  }

  /** Throws MODULE_NOT_FOUND. */
  get(id: string): CurriculumModule {
    const module = this.byId.get(id);
    if (!module) {
      throw new CurriculaException(CurriculaErrorCode.MODULE_NOT_FOUND, `no module "${id}"`, {
        moduleId: id,
      });
    }
    return module;
  }

  bands(): Band[] {
    return this.content.bands;
  }

  bandChecks(): BandCheck[] {
    return this.content.checks;
  }

  /** Throws CHECK_NOT_FOUND. */
  bandCheck(band: BandId): BandCheck {
    const check = this.content.checks.find((c) => c.band === band);
    if (!check) {
      throw new CurriculaException(CurriculaErrorCode.CHECK_NOT_FOUND, `no check for ${band}`, {
        band,
      });
    }
    return check;
  }

  /** A page as safe HTML. Throws MODULE_NOT_FOUND / PAGE_NOT_FOUND. */
  renderPage(moduleId: string, pageId: string, lang: Language): RenderedDocument {
    const module = this.get(moduleId);
    const page = module.pages.find((p) => p.id === pageId);
    if (!page) {
      throw new CurriculaException(
        CurriculaErrorCode.PAGE_NOT_FOUND,
        `no page "${pageId}" in module "${moduleId}"`,
        { moduleId, pageId },
      );
    }
    const html = renderMarkdown(
      page.markdown[lang],
      this.renderOptions(module, join(module.dir, 'pages'), lang),
    );
    return { title: page.title[lang], html };
  }

  renderTeacherGuide(moduleId: string, lang: Language): RenderedDocument {
    const module = this.get(moduleId);
    return {
      title: module.title[lang],
      html: renderMarkdown(module.teacherGuide[lang], this.renderOptions(module, module.dir, lang)),
    };
  }

  renderFamilyNote(moduleId: string, lang: Language): RenderedDocument {
    const module = this.get(moduleId);
    return {
      title: module.title[lang],
      html: renderMarkdown(module.familyNote[lang], this.renderOptions(module, module.dir, lang)),
    };
  }

  /**
   * The file behind `<mediaBaseUrl>/<moduleId>/<file>`, for the app to serve; undefined
   * unless it is an existing file inside that module's media/ folder.
   */
  mediaFile(moduleId: string, file: string): string | undefined {
    const module = this.byId.get(moduleId);
    if (!module) {
      return undefined;
    }
    const mediaDir = join(module.dir, 'media');
    const target = resolve(mediaDir, file);
    const rel = relative(mediaDir, target);
    if (!rel || rel.startsWith('..') || rel.startsWith(sep) || !isFile(target)) {
      return undefined;
    }
    return target;
  }

  private renderOptions(
    module: CurriculumModule,
    fromDir: string,
    lang: Language,
  ): MarkdownRenderOptions {
    return {
      resolveImage: (src) => {
        const target = resolve(fromDir, src.split(/[?#]/)[0]);
        const rel = relative(join(module.dir, 'media'), target);
        if (!rel || rel.startsWith('..') || rel.startsWith(sep)) {
          return undefined;
        }
        const path = rel.split(sep).map(encodeURIComponent).join('/');
        return `${this.mediaBaseUrl}/${encodeURIComponent(module.id)}/${path}`;
      },
      resolveLink: (href) => {
        const { pageUrl } = this.options;
        if (!pageUrl || !isRelativeTarget(href)) {
          return undefined;
        }
        const target = resolve(fromDir, href.split(/[?#]/)[0]);
        const match = /^(.+)\.(vi|en)\.md$/.exec(relative(join(module.dir, 'pages'), target));
        const page = match ? module.pages.find((p) => p.id === match[1]) : undefined;
        if (!page || dirname(target) !== join(module.dir, 'pages')) {
          return undefined;
        }
        return pageUrl(module.id, page.id, lang);
      },
    };
  }
}
