import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { FORMAT_BANDS, LANGUAGES, MIN_ITEM_TYPES } from '../curricula.constants';
import { parseMarkdown } from '../markdown/markdown.util';
import type {
  AssessmentItem,
  Band,
  BandCheck,
  BandId,
  CurriculaProblem,
  CurriculumModule,
  Language,
  LoadedCurricula,
  LocalizedText,
  ModulePage,
} from '../models/curriculum.model';
import {
  checkFamilyNote,
  checkHelpPage,
  checkMarkdown,
  checkReadingLength,
  checkTeacherGuide,
} from './document-checks.util';
import { checkItem, checkUniqueIds } from './item-checks.util';
import { validateAgainstSchema } from './schema-validation.util';
import { YamlSource } from './yaml-source.util';

const CHECK_FOLDER = '_check';
const SCHEMA_FOLDER = 'schema';

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();
const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();
const readText = (path: string): string => readFileSync(path, 'utf8').replace(/^\uFEFF/, '');

/** `path:line: message`, with the path relative to `relativeTo` (the working directory by default). */
export function formatProblem(problem: CurriculaProblem, relativeTo = process.cwd()): string {
  const path = relative(relativeTo, problem.file) || basename(problem.file);
  return `${path.split('\\').join('/')}:${problem.line}: ${problem.message}`;
}

/**
 * Reads and checks a curricula folder (FORMAT.md): YAML against the JSON Schemas, then every
 * semantic rule, the Markdown files and bands.yaml. Never throws for bad content: every problem is
 * returned with its file and line, next to the modules that could be read.
 */
export function loadCurricula(dir: string): LoadedCurricula {
  const root = resolve(dir);
  const problems: CurriculaProblem[] = [];
  if (!isDirectory(root)) {
    problems.push({ file: root, line: 1, message: 'the curricula folder does not exist' });
    return { dir: root, bands: bandsFromFormat(), modules: [], checks: [], problems };
  }

  const bands = loadBands(root, problems);
  const loadedModules: Array<{ module: CurriculumModule; source: YamlSource }> = [];
  const loadedChecks: Array<{ check: BandCheck; source: YamlSource }> = [];
  // Module folders that could not be read (their problems are already reported): a band check
  // naming one of them gets no second, misleading problem.
  const unreadable = new Set<string>();

  for (const entry of readdirSync(root, { withFileTypes: true }).sort(byName)) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === SCHEMA_FOLDER) {
      continue;
    }
    const band = bands.find((b) => b.id === entry.name);
    if (!band) {
      problems.push({
        file: join(root, entry.name),
        line: 1,
        message: `unknown folder "${entry.name}"; band folders are ${bands.map((b) => b.id).join(', ')}`,
      });
      continue;
    }
    const bandDir = join(root, entry.name);
    for (const child of readdirSync(bandDir, { withFileTypes: true }).sort(byName)) {
      if (!child.isDirectory() || child.name.startsWith('.') || child.name.startsWith('_')) {
        continue;
      }
      const loaded = loadModule(join(bandDir, child.name), band, bands, root, problems);
      if (loaded) {
        loadedModules.push(loaded);
      } else {
        unreadable.add(`${band.id}/${child.name}`);
      }
    }
    const checkFile = join(bandDir, CHECK_FOLDER, 'check.yaml');
    if (!isFile(checkFile)) {
      problems.push({ file: checkFile, line: 1, message: `the ${band.id} band check is missing` });
    } else {
      const loaded = loadCheck(checkFile, band, problems);
      if (loaded) {
        loadedChecks.push(loaded);
      }
    }
  }

  const firstById = new Map<string, CurriculumModule>();
  for (const { module, source } of loadedModules) {
    const first = firstById.get(module.id);
    if (first) {
      problems.push(
        source.problem(
          ['id'],
          `module id "${module.id}" is already used by ${relative(root, first.dir)}`,
        ),
      );
    } else {
      firstById.set(module.id, module);
    }
  }

  for (const { check, source } of loadedChecks) {
    check.items.forEach((item, index) => {
      const target = firstById.get(item.objective);
      const known =
        target?.band === check.band || unreadable.has(`${check.band}/${item.objective}`);
      if (!known) {
        problems.push(
          source.problem(
            ['items', index, 'objective'],
            `objective "${item.objective}" must be the id of a module in ${check.band}`,
          ),
        );
      }
    });
  }

  const bandOrder = (id: BandId): number => FORMAT_BANDS.findIndex((b) => b.id === id);
  const modules = loadedModules
    .map(({ module }) => module)
    .sort((a, b) => bandOrder(a.band) - bandOrder(b.band) || a.id.localeCompare(b.id));
  const checks = loadedChecks
    .map(({ check }) => check)
    .sort((a, b) => bandOrder(a.band) - bandOrder(b.band));
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { dir: root, bands, modules, checks, problems };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

function bandsFromFormat(): Band[] {
  return FORMAT_BANDS.map((band) => ({
    id: band.id,
    grades: [...band.grades],
    title: { vi: band.id, en: band.id },
    readingLimits: { ...band.readingLimits },
    modulePrefix: band.prefix,
  }));
}

interface RawBands {
  bands: Array<{
    id: BandId;
    grades: number[];
    title: LocalizedText;
    readingLimits: { vi: number; en: number };
  }>;
}

/** bands.yaml, compared with the band table of FORMAT.md (which is binding). */
function loadBands(root: string, problems: CurriculaProblem[]): Band[] {
  const file = join(root, 'bands.yaml');
  const fallback = bandsFromFormat();
  if (!isFile(file)) {
    problems.push({ file, line: 1, message: 'bands.yaml is missing' });
    return fallback;
  }
  const parsed = YamlSource.parse(file, readText(file));
  problems.push(...parsed.problems);
  if (parsed.data === undefined) {
    return fallback;
  }
  const schemaProblems = validateAgainstSchema('bands', parsed.data, parsed.source);
  if (schemaProblems.length) {
    problems.push(...schemaProblems);
    return fallback;
  }
  const raw = parsed.data as RawBands;
  const { source } = parsed;
  const sameList = (a: readonly number[], b: readonly number[]): boolean =>
    a.length === b.length && a.every((value, i) => value === b[i]);

  checkUniqueIds(raw.bands, ['bands'], 'band', 'in bands.yaml', source).forEach((p) =>
    problems.push(p),
  );
  return FORMAT_BANDS.map((format, formatIndex): Band => {
    const index = raw.bands.findIndex((band) => band.id === format.id);
    if (index < 0) {
      problems.push(source.problem(['bands'], `band "${format.id}" is missing`));
      return fallback[formatIndex];
    }
    const band = raw.bands[index];
    if (!sameList(band.grades, format.grades)) {
      problems.push(
        source.problem(
          ['bands', index, 'grades'],
          `grades [${band.grades.join(', ')}] of ${band.id} differ from FORMAT.md ([${format.grades.join(', ')}])`,
        ),
      );
    }
    for (const lang of LANGUAGES) {
      if (band.readingLimits[lang] !== format.readingLimits[lang]) {
        problems.push(
          source.problem(
            ['bands', index, 'readingLimits', lang],
            `${lang} reading limit ${band.readingLimits[lang]} of ${band.id} differs from FORMAT.md (${format.readingLimits[lang]})`,
          ),
        );
      }
    }
    return {
      id: format.id,
      grades: [...format.grades],
      title: band.title,
      readingLimits: { ...format.readingLimits },
      modulePrefix: format.prefix,
    };
  });
}

/** module.yaml as written: `points` and `correct` may be absent. */
type RawItem = AssessmentItem & { points?: number };
interface RawModule extends Omit<
  CurriculumModule,
  'pages' | 'assessment' | 'teacherGuide' | 'familyNote' | 'languages' | 'dir'
> {
  pages: Array<{ id: string; title: LocalizedText }>;
  assessment: { passPercent: number; items: RawItem[] };
}

/** Fills the defaults the format allows authors to omit. */
function normalizeItem(raw: RawItem): AssessmentItem {
  const points = raw.points ?? 1;
  switch (raw.type) {
    case 'single':
    case 'multiple':
      return {
        ...raw,
        points,
        options: raw.options.map((option) => ({ ...option, correct: option.correct === true })),
      };
    case 'truefalse':
    case 'ordering':
    case 'matching':
    case 'scenario':
      return { ...raw, points };
  }
}

function loadModule(
  moduleDir: string,
  folderBand: Band,
  bands: Band[],
  root: string,
  problems: CurriculaProblem[],
): { module: CurriculumModule; source: YamlSource } | undefined {
  const file = join(moduleDir, 'module.yaml');
  if (!isFile(file)) {
    problems.push({ file, line: 1, message: 'module.yaml is missing' });
    return undefined;
  }
  const parsed = YamlSource.parse(file, readText(file));
  problems.push(...parsed.problems);
  if (parsed.data === undefined) {
    return undefined;
  }
  const schemaProblems = validateAgainstSchema('module', parsed.data, parsed.source);
  if (schemaProblems.length) {
    problems.push(...schemaProblems);
    return undefined;
  }
  const raw = parsed.data as RawModule;
  const { source } = parsed;
  const readOptional = (path: string): string | undefined =>
    isFile(path) ? readText(path) : undefined;

  const missing = new Set<Language>();
  const pages: ModulePage[] = raw.pages.map((page, index) => {
    const markdown = { vi: '', en: '' };
    for (const lang of LANGUAGES) {
      const text = readOptional(join(moduleDir, 'pages', `${page.id}.${lang}.md`));
      if (text === undefined) {
        missing.add(lang);
        problems.push(
          source.problem(
            ['pages', index, 'id'],
            `page "${page.id}" has no pages/${page.id}.${lang}.md`,
          ),
        );
      } else {
        markdown[lang] = text;
      }
    }
    return { id: page.id, title: page.title, markdown };
  });
  const readDocument = (name: string): LocalizedText => {
    const text = { vi: '', en: '' };
    for (const lang of LANGUAGES) {
      const content = readOptional(join(moduleDir, `${name}.${lang}.md`));
      if (content === undefined) {
        missing.add(lang);
        problems.push({ file, line: 1, message: `${name}.${lang}.md is missing` });
      } else {
        text[lang] = content;
      }
    }
    return text;
  };
  const teacherGuide = readDocument('teacher-guide');
  const familyNote = readDocument('family-note');

  const module: CurriculumModule = {
    id: raw.id,
    version: raw.version,
    band: raw.band,
    grades: raw.grades,
    durationMinutes: raw.durationMinutes,
    title: raw.title,
    summary: raw.summary,
    essentialQuestion: raw.essentialQuestion,
    tags: raw.tags,
    objectives: raw.objectives,
    vocabulary: raw.vocabulary,
    pages,
    assessment: {
      passPercent: raw.assessment.passPercent,
      items: raw.assessment.items.map(normalizeItem),
    },
    teacherGuide,
    familyNote,
    languages: LANGUAGES.filter((lang) => !missing.has(lang)),
    dir: moduleDir,
  };

  problems.push(...checkModule(module, source, folderBand, bands));
  problems.push(...checkModuleDocuments(module, bands, root));
  problems.push(...orphanPageFiles(module));
  return { module, source };
}

function checkModule(
  module: CurriculumModule,
  source: YamlSource,
  folderBand: Band,
  bands: Band[],
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  const folder = basename(module.dir);
  const band = bands.find((b) => b.id === module.band) ?? folderBand;

  if (module.id !== folder) {
    problems.push(
      source.problem(['id'], `id "${module.id}" must equal the folder name "${folder}"`),
    );
  }
  if (!module.id.startsWith(band.modulePrefix)) {
    problems.push(
      source.problem(
        ['id'],
        `id "${module.id}" must start with "${band.modulePrefix}" (band ${band.id})`,
      ),
    );
  }
  if (module.band !== folderBand.id) {
    problems.push(
      source.problem(
        ['band'],
        `band "${module.band}" does not match the band folder "${folderBand.id}"`,
      ),
    );
  }
  module.grades.forEach((grade, index) => {
    if (!band.grades.includes(grade)) {
      problems.push(
        source.problem(
          ['grades', index],
          `grade ${grade} is not in band ${band.id} (grades ${band.grades.join(', ')})`,
        ),
      );
    }
  });

  problems.push(
    ...checkUniqueIds(module.objectives, ['objectives'], 'objective', 'in this module', source),
    ...checkUniqueIds(module.pages, ['pages'], 'page', 'in this module', source),
    ...checkUniqueIds(
      module.assessment.items,
      ['assessment', 'items'],
      'item',
      'in this module',
      source,
    ),
  );

  const objectiveIds = module.objectives.map((objective) => objective.id);
  const assessed = new Set<string>();
  module.assessment.items.forEach((item, index) => {
    const path = ['assessment', 'items', index];
    assessed.add(item.objective);
    if (!objectiveIds.includes(item.objective)) {
      problems.push(
        source.problem(
          [...path, 'objective'],
          `objective "${item.objective}" is not an objective of this module (${objectiveIds.join(', ')})`,
        ),
      );
    }
    problems.push(...checkItem(item, path, source));
  });
  module.objectives.forEach((objective, index) => {
    if (!assessed.has(objective.id)) {
      problems.push(
        source.problem(
          ['objectives', index, 'id'],
          `objective "${objective.id}" is not assessed by any item`,
        ),
      );
    }
  });

  const types = [...new Set(module.assessment.items.map((item) => item.type))];
  if (types.length < MIN_ITEM_TYPES) {
    problems.push(
      source.problem(
        ['assessment', 'items'],
        `the assessment uses ${types.length} item types (${types.join(', ')}); mix at least ${MIN_ITEM_TYPES}`,
      ),
    );
  }
  return problems;
}

function checkModuleDocuments(
  module: CurriculumModule,
  bands: Band[],
  root: string,
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  const band = bands.find((b) => b.id === module.band);
  const context = { moduleDir: module.dir, rootDir: root };
  for (const lang of LANGUAGES) {
    module.pages.forEach((page, index) => {
      const file = join(module.dir, 'pages', `${page.id}.${lang}.md`);
      const text = page.markdown[lang];
      if (!isFile(file)) {
        return;
      }
      const blocks = parseMarkdown(text);
      problems.push(...checkMarkdown(file, text, blocks, { ...context, kind: 'page' }));
      if (band) {
        problems.push(...checkReadingLength(file, blocks, band.id, lang, band.readingLimits[lang]));
      }
      if (index === module.pages.length - 1 && text.trim()) {
        problems.push(...checkHelpPage(file, blocks));
      }
    });

    const guideFile = join(module.dir, `teacher-guide.${lang}.md`);
    if (isFile(guideFile)) {
      const text = module.teacherGuide[lang];
      const blocks = parseMarkdown(text);
      problems.push(
        ...checkMarkdown(guideFile, text, blocks, { ...context, kind: 'teacher-guide' }),
      );
      if (text.trim()) {
        problems.push(...checkTeacherGuide(guideFile, blocks, lang, module.durationMinutes));
      }
    }

    const noteFile = join(module.dir, `family-note.${lang}.md`);
    if (isFile(noteFile)) {
      const text = module.familyNote[lang];
      const blocks = parseMarkdown(text);
      problems.push(...checkMarkdown(noteFile, text, blocks, { ...context, kind: 'family-note' }));
      if (text.trim()) {
        problems.push(...checkFamilyNote(noteFile, blocks, lang));
      }
    }
  }
  return problems;
}

/** Page files that module.yaml does not list are never shown: usually a typo in a file name. */
function orphanPageFiles(module: CurriculumModule): CurriculaProblem[] {
  const pagesDir = join(module.dir, 'pages');
  if (!isDirectory(pagesDir)) {
    return [];
  }
  const expected = new Set(
    module.pages.flatMap((page) => LANGUAGES.map((lang) => `${page.id}.${lang}.md`)),
  );
  return readdirSync(pagesDir)
    .filter((name) => !name.startsWith('.') && !expected.has(name))
    .sort()
    .map((name) => ({
      file: join(pagesDir, name),
      line: 1,
      message: `pages/${name} is not a page of module.yaml (expected <page-id>.vi.md or <page-id>.en.md)`,
    }));
}

function loadCheck(
  file: string,
  band: Band,
  problems: CurriculaProblem[],
): { check: BandCheck; source: YamlSource } | undefined {
  const parsed = YamlSource.parse(file, readText(file));
  problems.push(...parsed.problems);
  if (parsed.data === undefined) {
    return undefined;
  }
  const schemaProblems = validateAgainstSchema('check', parsed.data, parsed.source);
  if (schemaProblems.length) {
    problems.push(...schemaProblems);
    return undefined;
  }
  const raw = parsed.data as Omit<BandCheck, 'items'> & { items: RawItem[] };
  const { source } = parsed;
  const check: BandCheck = {
    id: raw.id,
    band: raw.band,
    title: raw.title,
    items: raw.items.map(normalizeItem),
  };
  if (check.band !== band.id) {
    problems.push(
      source.problem(['band'], `band "${check.band}" does not match the band folder "${band.id}"`),
    );
  }
  if (check.id !== `check-${band.id}`) {
    problems.push(source.problem(['id'], `id "${check.id}" must be "check-${band.id}"`));
  }
  problems.push(...checkUniqueIds(check.items, ['items'], 'item', 'in this check', source));
  check.items.forEach((item, index) => problems.push(...checkItem(item, ['items', index], source)));
  return { check, source };
}
