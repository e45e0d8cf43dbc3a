import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCurriculaCheck } from '../cli/run-check.util';
import { formatProblem, loadCurricula } from './load-curricula.util';

const FIXTURES = join(__dirname, '..', '__fixtures__');
const VALID = join(FIXTURES, 'valid');
const VALID_MODULE = join(VALID, 'upper-primary', 'up-fixture-safe-chat');

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/**
 * A broken case is the valid tree with the files of `__fixtures__/broken/<name>/` laid over it.
 * A module folder the case adds starts as a copy of the valid module (pages, guides, media), so
 * its module.yaml is the only thing that differs.
 */
function buildCase(name: string): string {
  const root = mkdtempSync(join(tmpdir(), `curricula-${name}-`));
  roots.push(root);
  cpSync(VALID, root, { recursive: true });
  const caseDir = join(FIXTURES, 'broken', name);
  for (const band of readdirSync(caseDir, { withFileTypes: true })) {
    if (!band.isDirectory()) {
      continue;
    }
    for (const module of readdirSync(join(caseDir, band.name), { withFileTypes: true })) {
      if (
        module.isDirectory() &&
        existsSync(join(caseDir, band.name, module.name, 'module.yaml'))
      ) {
        cpSync(VALID_MODULE, join(root, band.name, module.name), { recursive: true });
      }
    }
  }
  cpSync(caseDir, root, { recursive: true, force: true });
  return root;
}

function problemsOf(root: string): string[] {
  return loadCurricula(root).problems.map((problem) => formatProblem(problem, root));
}

describe('loadCurricula', () => {
  it('reads the valid fixture without a problem, with typed models and defaults filled in', () => {
    const content = loadCurricula(VALID);

    expect(content.problems.map((p) => formatProblem(p, VALID))).toEqual([]);
    expect(content.modules.map((m) => m.id)).toEqual(['up-fixture-safe-chat']);
    expect(content.checks.map((c) => c.id)).toEqual(['check-upper-primary']);
    expect(content.bands.map((b) => [b.id, b.modulePrefix, b.readingLimits.en])).toEqual([
      ['early-primary', 'ep-', 80],
      ['upper-primary', 'up-', 140],
      ['lower-secondary', 'ls-', 200],
      ['upper-secondary', 'us-', 260],
    ]);
    const [module] = content.modules;
    expect(module.languages).toEqual(['vi', 'en']);
    expect(module.pages.map((p) => p.id)).toEqual([
      'p1-story',
      'p2-signs',
      'p3-steps',
      'p4-who-can-help',
    ]);
    expect(module.pages[0].markdown.en).toContain('## A message on Roblox');
    expect(module.teacherGuide.vi).toContain('## Tổng quan');
    const [q1, q2] = module.assessment.items;
    expect(q1.points).toBe(1);
    expect(q2.points).toBe(2);
    expect(q1.type === 'single' && q1.options.map((o) => o.correct)).toEqual([true, false, false]);
  });

  it('reports schema problems at the line of the offending node', () => {
    expect(problemsOf(buildCase('schema'))).toEqual([
      'upper-primary/up-broken-schema/module.yaml:7: title.en: must not be empty',
      'upper-primary/up-broken-schema/module.yaml:17: tags.competency[0]: must be a string (found number 4.2); put it in quotes',
      'upper-primary/up-broken-schema/module.yaml:18: tags.topics[1]: must be one of "balance", "privacy", "passwords", "contact", "bullying", "scams", "misinformation", "ai", "footprint", "help" (found string "strangers")',
      'upper-primary/up-broken-schema/module.yaml:70: assessment.items[0].options[1]: missing "feedback"',
      'upper-primary/up-broken-schema/module.yaml:113: assessment.items[2]: unknown field "hint"',
      'upper-primary/up-broken-schema/module.yaml:181: assessment.items[5].nodes[0].choices[1].score: must be one of 0, 0.5, 1 (found number 0.7)',
      'upper-primary/up-broken-schema/module.yaml:232: assessment.items[6].options: must have at least 3 entries (found 2)',
      'upper-primary/up-broken-schema/module.yaml:241: assessment.items[7].type: must be one of "single", "multiple", "truefalse", "ordering", "matching", "scenario" (found string "essay")',
    ]);
  });

  it('reports item, objective, page and scenario problems', () => {
    expect(problemsOf(buildCase('items'))).toEqual([
      'upper-primary/up-broken-items/module.yaml:32: objective "o4" is not assessed by any item',
      'upper-primary/up-broken-items/module.yaml:56: page "p5-missing" has no pages/p5-missing.vi.md',
      'upper-primary/up-broken-items/module.yaml:56: page "p5-missing" has no pages/p5-missing.en.md',
      'upper-primary/up-broken-items/module.yaml:67: single-choice item "q1" must have exactly one correct option (found 2)',
      'upper-primary/up-broken-items/module.yaml:95: multiple-choice item "q2" must have at least 2 correct options (found 1)',
      'upper-primary/up-broken-items/module.yaml:116: objective "o9" is not an objective of this module (o1, o2, o3, o4)',
      'upper-primary/up-broken-items/module.yaml:141: step 4 has the same en text as step 1',
      'upper-primary/up-broken-items/module.yaml:212: choice "c2" leads to node "n9", which does not exist',
      'upper-primary/up-broken-items/module.yaml:224: choice "c1" goes back to node "n1": the story has a loop, so a path could never end',
      'upper-primary/up-broken-items/module.yaml:226: choice id "wrong" hints at the answer (learners can see ids); use c1, c2…',
      'upper-primary/up-broken-items/module.yaml:249: option "b" is correct, so it cannot carry a misconception',
      'upper-primary/up-broken-items/module.yaml:253: item id "q7" is used twice in this module',
    ]);
  });

  it('reports folder, band, grade and duplicate-id problems', () => {
    expect(problemsOf(buildCase('identity'))).toEqual([
      'lower-secondary/_check/check.yaml:1: the lower-secondary band check is missing',
      'lower-secondary/up-fixture-safe-chat/module.yaml:4: band "upper-primary" does not match the band folder "lower-secondary"',
      'upper_primary:1: unknown folder "upper_primary"; band folders are early-primary, upper-primary, lower-secondary, upper-secondary',
      'upper-primary/ls-wrong-band/module.yaml:4: band "lower-secondary" does not match the band folder "upper-primary"',
      'upper-primary/ls-wrong-band/module.yaml:5: grade 3 is not in band lower-secondary (grades 6, 7, 8, 9)',
      'upper-primary/ls-wrong-band/module.yaml:5: grade 4 is not in band lower-secondary (grades 6, 7, 8, 9)',
      'upper-primary/ls-wrong-band/module.yaml:5: grade 5 is not in band lower-secondary (grades 6, 7, 8, 9)',
      'upper-primary/up-fixture-safe-chat/module.yaml:2: module id "up-fixture-safe-chat" is already used by lower-secondary/up-fixture-safe-chat',
      'upper-primary/up-renamed/module.yaml:2: id "up-other-name" must equal the folder name "up-renamed"',
    ]);
  });

  it('reports Markdown, reading length, teacher guide and family note problems', () => {
    const m = 'upper-primary/up-fixture-safe-chat';
    expect(problemsOf(buildCase('documents'))).toEqual([
      `${m}/family-note.en.md:1: family note has 263 words; the limit for en is 250`,
      `${m}/family-note.en.md:1: family note must say where to get help: the child helpline 111`,
      `${m}/pages/p1-story.en.md:1: use ## or ### headings, not # (the page title comes from module.yaml)`,
      `${m}/pages/p1-story.en.md:3: raw HTML is not allowed: "<b>"`,
      `${m}/pages/p1-story.en.md:3: raw HTML is not allowed: "</b>"`,
      `${m}/pages/p1-story.en.md:5: image "../media/chat.svg" needs alt text: ![what the picture shows](../media/chat.svg)`,
      `${m}/pages/p1-story.en.md:7: image "../media/missing.png" not found`,
      `${m}/pages/p1-story.en.md:9: link "p2-warning.en.md" does not resolve to a file`,
      `${m}/pages/p1-story.en.md:9: link "javascript:alert(1)" is not allowed; use https://, mailto:, tel: or a relative path`,
      `${m}/pages/p2-signs.en.md:1: page has 152 words; the upper-primary limit for en is 140`,
      `${m}/pages/p4-who-can-help.vi.md:1: the last page ("who can help") must name the police, 113, for emergencies`,
      `${m}/pages/p9-orphan.en.md:1: pages/p9-orphan.en.md is not a page of module.yaml (expected <page-id>.vi.md or <page-id>.en.md)`,
      `${m}/teacher-guide.en.md:1: missing heading "## Discussion questions"`,
      `${m}/teacher-guide.en.md:13: the lesson plan adds up to 50 minutes; it must be 35–45`,
      `${m}/teacher-guide.en.md:24: cannot read minutes from "a bit"; write e.g. "5 min"`,
      `${m}/teacher-guide.en.md:27: the safeguarding note must name the child helpline 111`,
      `${m}/teacher-guide.vi.md:1: the guide must have 6 ## headings, in the order of the English guide (found 5)`,
    ]);
  });

  it('reports bands.yaml drift from FORMAT.md and band check problems', () => {
    expect(problemsOf(buildCase('bands'))).toEqual([
      'bands.yaml:11: grades [3, 4] of upper-primary differ from FORMAT.md ([3, 4, 5])',
      'bands.yaml:13: en reading limit 150 of upper-primary differs from FORMAT.md (140)',
      'upper-primary/_check/check.yaml:20: objective "up-not-a-module" must be the id of a module in upper-primary',
      'upper-primary/_check/check.yaml:62: item id "k6" is used twice in this check',
      'upper-primary/_check/check.yaml:75: single-choice item "k8" must have exactly one correct option (found 2)',
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const root = buildCase('identity');
    const file = join(root, 'upper-primary', 'up-renamed', 'module.yaml');
    writeFileSync(file, 'id: up-renamed\nversion: 1\nversion: 2\ntitle: { vi: "x", en: "y"\n');
    const problems = problemsOf(root).filter((p) => p.startsWith('upper-primary/up-renamed/'));
    expect(problems).toEqual([
      'upper-primary/up-renamed/module.yaml:3: Map keys must be unique',
      expect.stringMatching(/^upper-primary\/up-renamed\/module\.yaml:5: /),
    ]);
  });

  it('reports a folder that does not exist', () => {
    const missing = join(tmpdir(), 'curricula-does-not-exist');
    expect(problemsOf(missing)).toEqual([
      'curricula-does-not-exist:1: the curricula folder does not exist',
    ]);
  });
});

describe('curricula-check CLI', () => {
  const run = (argv: string[]): { code: number; stdout: string; stderr: string } => {
    let stdout = '';
    let stderr = '';
    const code = runCurriculaCheck(argv, VALID, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  };

  it('passes on the valid fixture and prints the module list with --json', () => {
    expect(run([])).toEqual({
      code: 0,
      stdout: 'curricula: 1 module(s), 1 band check(s), no problems\n',
      stderr: '',
    });
    const json = run(['--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      modules: [
        { id: 'up-fixture-safe-chat', band: 'upper-primary', languages: ['vi', 'en'], items: 8 },
      ],
    });
  });

  it('fails with every problem, paths relative to the working directory', () => {
    const root = buildCase('bands');
    const result = run(['--dir', root]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/bands\.yaml:11: grades \[3, 4\]/);
    expect(lines[5]).toBe('curricula: 1 module(s), 1 band check(s), 5 problem(s)');

    const json = run(['--dir', root, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toHaveProperty('modules');
    expect(json.stderr).toContain('5 problem(s)');
  });

  it('rejects unknown arguments', () => {
    expect(run(['--fast']).code).toBe(2);
  });
});
