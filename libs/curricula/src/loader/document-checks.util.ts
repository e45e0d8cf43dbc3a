import { existsSync, statSync } from 'node:fs';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import {
  CHILD_HELPLINE,
  FAMILY_NOTE_WORD_LIMITS,
  LESSON_PLAN_MINUTES,
  POLICE,
  QUICK_VERSION_MINUTES,
} from '../curricula.constants';
import {
  countWords,
  isAllowedAbsoluteLink,
  isRelativeTarget,
  locatedInlines,
  readableText,
  type MarkdownBlock,
} from '../markdown/markdown.util';
import type { BandId, CurriculaProblem, Language } from '../models/curriculum.model';

const IMAGE_EXTENSIONS = new Set(['.svg', '.png', '.jpg', '.jpeg']);

const isInside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
};

const isFile = (file: string): boolean => existsSync(file) && statSync(file).isFile();

function snippet(raw: string): string {
  const line = raw.split('\n')[0];
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

export interface MarkdownCheckContext {
  /** The module folder: images must be inside it. */
  moduleDir: string;
  /** The curricula folder: relative links must stay inside it. */
  rootDir: string;
  /** Pages may use only ## and ### headings (the title comes from module.yaml). */
  kind: 'page' | 'teacher-guide' | 'family-note';
}

/** Rules every Markdown file follows: no raw HTML, images with alt text that exist, links that resolve. */
export function checkMarkdown(
  file: string,
  text: string,
  blocks: MarkdownBlock[],
  context: MarkdownCheckContext,
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  const at = (line: number, message: string): void => {
    problems.push({ file, line, message });
  };
  if (text.trim() === '') {
    at(1, 'the file is empty');
    return problems;
  }

  for (const block of blocks) {
    if (
      block.type === 'heading' &&
      context.kind === 'page' &&
      (block.level < 2 || block.level > 3)
    ) {
      at(
        block.line,
        `use ## or ### headings, not ${'#'.repeat(block.level)} (the page title comes from module.yaml)`,
      );
    }
  }

  for (const { node, line } of locatedInlines(blocks)) {
    switch (node.type) {
      case 'html':
        at(line, `raw HTML is not allowed: "${snippet(node.raw)}"`);
        break;
      case 'image': {
        if (!node.alt) {
          at(line, `image "${node.src}" needs alt text: ![what the picture shows](${node.src})`);
        }
        if (!isRelativeTarget(node.src)) {
          at(line, `image "${node.src}" must be a file in the module's media/ folder`);
          break;
        }
        const target = resolve(dirname(file), decodeTarget(node.src));
        if (!isInside(context.moduleDir, target)) {
          at(line, `image "${node.src}" is outside the module folder`);
        } else if (!isFile(target)) {
          at(line, `image "${node.src}" not found`);
        } else if (!IMAGE_EXTENSIONS.has(extname(target).toLowerCase())) {
          at(line, `image "${node.src}" must be SVG, PNG or JPG`);
        }
        break;
      }
      case 'link': {
        if (node.href === '') {
          at(line, 'link has no target');
        } else if (node.href.startsWith('#') || isAllowedAbsoluteLink(node.href)) {
          // fine: an anchor, or http(s)/mailto/tel
        } else if (!isRelativeTarget(node.href)) {
          at(
            line,
            `link "${node.href}" is not allowed; use https://, mailto:, tel: or a relative path`,
          );
        } else {
          const target = resolve(dirname(file), decodeTarget(node.href));
          if (!isInside(context.rootDir, target)) {
            at(line, `link "${node.href}" points outside the curricula folder`);
          } else if (!existsSync(target)) {
            at(line, `link "${node.href}" does not resolve to a file`);
          }
        }
        break;
      }
      case 'text':
      case 'strong':
      case 'em':
      case 'code':
      case 'break':
        break;
    }
  }
  return problems;
}

function decodeTarget(target: string): string {
  const bare = target.split(/[?#]/)[0];
  try {
    return decodeURI(bare);
  } catch {
    return bare;
  }
}

/** Reading length of a page, against the band's limit for the language. */
export function checkReadingLength(
  file: string,
  blocks: MarkdownBlock[],
  band: BandId,
  lang: Language,
  limit: number,
): CurriculaProblem[] {
  const words = countWords(readableText(blocks));
  if (words <= limit) {
    return [];
  }
  return [
    {
      file,
      line: 1,
      message: `page has ${words} words; the ${band} limit for ${lang} is ${limit}`,
    },
  ];
}

/** The last page ("who can help") names the child helpline and the police. */
export function checkHelpPage(file: string, blocks: MarkdownBlock[]): CurriculaProblem[] {
  const text = readableText(blocks);
  const problems: CurriculaProblem[] = [];
  if (!hasNumber(text, CHILD_HELPLINE)) {
    problems.push({
      file,
      line: 1,
      message: `the last page ("who can help") must name the child helpline ${CHILD_HELPLINE}`,
    });
  }
  if (!hasNumber(text, POLICE)) {
    problems.push({
      file,
      line: 1,
      message: `the last page ("who can help") must name the police, ${POLICE}, for emergencies`,
    });
  }
  return problems;
}

function hasNumber(text: string, number: string): boolean {
  return new RegExp(`(^|[^0-9])${number}([^0-9]|$)`).test(text);
}

/** Length and helpline of a family note. */
export function checkFamilyNote(
  file: string,
  blocks: MarkdownBlock[],
  lang: Language,
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  const text = readableText(blocks);
  const words = countWords(text);
  const limit = FAMILY_NOTE_WORD_LIMITS[lang];
  if (words > limit) {
    problems.push({
      file,
      line: 1,
      message: `family note has ${words} words; the limit for ${lang} is ${limit}`,
    });
  }
  if (!hasNumber(text, CHILD_HELPLINE)) {
    problems.push({
      file,
      line: 1,
      message: `family note must say where to get help: the child helpline ${CHILD_HELPLINE}`,
    });
  }
  return problems;
}

type SectionKey = 'overview' | 'before' | 'plan' | 'quick' | 'discussion' | 'safeguarding';

const GUIDE_SECTIONS: ReadonlyArray<{ key: SectionKey; title: string; pattern: RegExp }> = [
  { key: 'overview', title: 'Overview', pattern: /^overview$/i },
  { key: 'before', title: 'Before the lesson', pattern: /^before the lesson$/i },
  {
    key: 'plan',
    title: 'Lesson plan (40 minutes)',
    pattern: /^lesson plan \((\d+) minutes\)$/i,
  },
  { key: 'quick', title: 'Quick version (15 minutes)', pattern: /^quick version \(15 minutes\)$/i },
  { key: 'discussion', title: 'Discussion questions', pattern: /^discussion questions$/i },
  { key: 'safeguarding', title: 'Safeguarding note', pattern: /^safeguarding note$/i },
];

interface Section {
  heading: Extract<MarkdownBlock, { type: 'heading' }>;
  blocks: MarkdownBlock[];
}

function sectionsOf(blocks: MarkdownBlock[]): Section[] {
  const sections: Section[] = [];
  for (const block of blocks) {
    if (block.type === 'heading' && block.level === 2) {
      sections.push({ heading: block, blocks: [] });
    } else if (block.type === 'heading' && block.level === 1) {
      continue; // a document title above the sections is fine
    } else {
      sections.at(-1)?.blocks.push(block);
    }
  }
  return sections;
}

const MINUTES_WORD = "(?:min(?:ute)?s?|phút|p|')?";
const DURATION = new RegExp(`^(\\d+)\\s*${MINUTES_WORD}\\.?$`, 'i');
const RANGE = new RegExp(
  `^(\\d+)\\s*${MINUTES_WORD}\\s*[–—-]\\s*(\\d+)\\s*${MINUTES_WORD}\\.?$`,
  'i',
);
const TOTAL_ROW = /^(total|tổng|tổng cộng|cộng)\b/i;

/** Minutes in a Time cell: "5", "5 min", "5 phút", or a range "0–5". */
export function parseMinutes(cell: string): number | undefined {
  const text = cell.replace(/[*_`]/g, '').trim();
  const range = RANGE.exec(text);
  if (range) {
    const span = Number(range[2]) - Number(range[1]);
    return span > 0 ? span : undefined;
  }
  const duration = DURATION.exec(text);
  return duration ? Number(duration[1]) : undefined;
}

/** Sums a timed table; problems for a missing table, wrong header or unreadable times. */
function sumTable(
  file: string,
  section: Section,
  lang: Language,
  problems: CurriculaProblem[],
): number | undefined {
  const table = section.blocks.find((block) => block.type === 'table');
  const header =
    lang === 'en' ? '| Time | Activity | Notes |' : '| Thời gian | Hoạt động | Ghi chú |';
  if (!table || table.type !== 'table') {
    problems.push({
      file,
      line: section.heading.line,
      message: `"${section.heading.text}" needs a table ${header}`,
    });
    return undefined;
  }
  const names = table.header.cells.map((cell) => cell.replace(/[*_]/g, '').trim().toLowerCase());
  const headerOk = lang === 'en' ? names.join('|') === 'time|activity|notes' : names.length === 3;
  if (!headerOk) {
    problems.push({ file, line: table.line, message: `the table header must be ${header}` });
  }
  let total = 0;
  let readable = true;
  for (const row of table.rows) {
    if (row.cells.some((cell) => TOTAL_ROW.test(cell.replace(/[*_]/g, '').trim()))) {
      continue;
    }
    const minutes = parseMinutes(row.cells[0] ?? '');
    if (minutes === undefined) {
      readable = false;
      problems.push({
        file,
        line: row.line,
        message: `cannot read minutes from "${row.cells[0] ?? ''}"; write e.g. "${lang === 'en' ? '5 min' : '5 phút'}"`,
      });
    } else {
      total += minutes;
    }
  }
  return readable ? total : undefined;
}

/**
 * Teacher guide: the six ## headings in order (English titles in the en file; the vi file has
 * its own titles, so it is checked by position), timed tables adding up, safeguarding with 111.
 */
export function checkTeacherGuide(
  file: string,
  blocks: MarkdownBlock[],
  lang: Language,
  durationMinutes: number,
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  const sections = sectionsOf(blocks);
  const found = new Map<SectionKey, Section>();

  if (lang === 'en') {
    let lastIndex = -1;
    for (const section of sections) {
      const index = GUIDE_SECTIONS.findIndex((s) => s.pattern.test(section.heading.text));
      if (index < 0) {
        problems.push({
          file,
          line: section.heading.line,
          message: `unexpected heading "## ${section.heading.text}"; the guide has exactly the ## headings of FORMAT.md (use ### inside a section)`,
        });
        continue;
      }
      const key = GUIDE_SECTIONS[index].key;
      if (found.has(key)) {
        problems.push({
          file,
          line: section.heading.line,
          message: `heading "## ${section.heading.text}" appears twice`,
        });
        continue;
      }
      if (index < lastIndex) {
        problems.push({
          file,
          line: section.heading.line,
          message: `heading "## ${section.heading.text}" is out of order; the order is ${GUIDE_SECTIONS.map((s) => s.title).join(', ')}`,
        });
      }
      lastIndex = Math.max(lastIndex, index);
      found.set(key, section);
    }
    for (const expected of GUIDE_SECTIONS) {
      if (!found.has(expected.key)) {
        problems.push({ file, line: 1, message: `missing heading "## ${expected.title}"` });
      }
    }
  } else {
    if (sections.length !== GUIDE_SECTIONS.length) {
      problems.push({
        file,
        line: 1,
        message: `the guide must have ${GUIDE_SECTIONS.length} ## headings, in the order of the English guide (found ${sections.length})`,
      });
    } else {
      GUIDE_SECTIONS.forEach((expected, index) => found.set(expected.key, sections[index]));
    }
  }

  const plan = found.get('plan');
  if (plan) {
    const stated = /(\d+)\s*(?:phút|minutes)/i.exec(plan.heading.text);
    if (!stated) {
      problems.push({
        file,
        line: plan.heading.line,
        message: `the lesson plan heading must give its length, e.g. "(${durationMinutes} ${lang === 'en' ? 'minutes' : 'phút'})"`,
      });
    } else if (Number(stated[1]) !== durationMinutes) {
      problems.push({
        file,
        line: plan.heading.line,
        message: `the heading says ${stated[1]} minutes but module.yaml has durationMinutes: ${durationMinutes}`,
      });
    }
    const total = sumTable(file, plan, lang, problems);
    if (total !== undefined) {
      const line = plan.blocks.find((block) => block.type === 'table')?.line ?? plan.heading.line;
      if (total < LESSON_PLAN_MINUTES.min || total > LESSON_PLAN_MINUTES.max) {
        problems.push({
          file,
          line,
          message: `the lesson plan adds up to ${total} minutes; it must be ${LESSON_PLAN_MINUTES.min}–${LESSON_PLAN_MINUTES.max}`,
        });
      } else if (total !== durationMinutes) {
        problems.push({
          file,
          line,
          message: `the lesson plan adds up to ${total} minutes but module.yaml has durationMinutes: ${durationMinutes}`,
        });
      }
    }
  }

  const quick = found.get('quick');
  if (quick) {
    if (!new RegExp(`${QUICK_VERSION_MINUTES}\\s*(?:phút|minutes)`, 'i').test(quick.heading.text)) {
      problems.push({
        file,
        line: quick.heading.line,
        message: `the quick version heading must say "(${QUICK_VERSION_MINUTES} ${lang === 'en' ? 'minutes' : 'phút'})"`,
      });
    }
    const total = sumTable(file, quick, lang, problems);
    if (total !== undefined && total !== QUICK_VERSION_MINUTES) {
      const line = quick.blocks.find((block) => block.type === 'table')?.line ?? quick.heading.line;
      problems.push({
        file,
        line,
        message: `the quick version adds up to ${total} minutes; it must be ${QUICK_VERSION_MINUTES}`,
      });
    }
  }

  const safeguarding = found.get('safeguarding');
  if (safeguarding && !hasNumber(readableText(safeguarding.blocks), CHILD_HELPLINE)) {
    problems.push({
      file,
      line: safeguarding.heading.line,
      message: `the safeguarding note must name the child helpline ${CHILD_HELPLINE}`,
    });
  }
  return problems;
}
