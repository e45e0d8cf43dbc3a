import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { CurriculaProblem } from '../models/curriculum.model';

export type YamlPath = ReadonlyArray<string | number>;

/** A parsed YAML file that can tell the line of any node, for `path:line: message` problems. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; syntax errors and warnings become problems. */
  static parse(
    file: string,
    text: string,
  ): { source: YamlSource; data: unknown; problems: CurriculaProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    const problems = [...doc.errors, ...doc.warnings].map((error) => ({
      file,
      line: error.linePos?.[0].line ?? 1,
      message: error.message
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, '')
        .trim(),
    }));
    const data: unknown = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
    return { source: new YamlSource(file, doc, lines), data, problems };
  }

  /**
   * The line of the node at `path`: for a map entry, the line of its key (where a block list or
   * map visibly starts); for a list entry, the line of the entry. A path that does not exist (a
   * missing field) falls back to its nearest existing ancestor.
   */
  line(path: YamlPath): number {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const prefix = path.slice(0, depth);
      const last = prefix[prefix.length - 1];
      if (typeof last === 'string') {
        const parent = depth > 1 ? this.doc.getIn(prefix.slice(0, -1), true) : this.doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
          if (pair && isNode(pair.key) && pair.key.range) {
            return this.lines.linePos(pair.key.range[0]).line;
          }
        }
        continue;
      }
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(prefix, true);
      if (isNode(node) && node.range) {
        return this.lines.linePos(node.range[0]).line;
      }
    }
    return 1;
  }

  problem(path: YamlPath, message: string): CurriculaProblem {
    return { file: this.file, line: this.line(path), message };
  }
}
