// A small Markdown reader for the subset FORMAT.md allows (paragraphs, headings, lists, bold,
// italic, links, images, blockquotes; tables for teacher guides). No dependency is installed for
// Markdown, and the checker needs source lines for every node anyway. Raw HTML is parsed only so
// it can be reported and escaped: nothing from the source is ever emitted as markup.

export type MarkdownInline =
  | { type: 'text'; text: string; offset: number }
  | { type: 'strong'; children: MarkdownInline[]; offset: number }
  | { type: 'em'; children: MarkdownInline[]; offset: number }
  | { type: 'link'; href: string; children: MarkdownInline[]; offset: number }
  | { type: 'image'; src: string; alt: string; offset: number }
  | { type: 'code'; text: string; offset: number }
  | { type: 'html'; raw: string; offset: number }
  | { type: 'break'; offset: number };

export interface MarkdownTableRow {
  cells: string[];
  line: number;
}

export type MarkdownBlock =
  | { type: 'heading'; level: number; text: string; line: number }
  | { type: 'paragraph'; text: string; line: number }
  | { type: 'list'; ordered: boolean; start: number; items: MarkdownBlock[][]; line: number }
  | { type: 'blockquote'; children: MarkdownBlock[]; line: number }
  | { type: 'code'; text: string; line: number }
  | { type: 'table'; header: MarkdownTableRow; rows: MarkdownTableRow[]; line: number }
  | { type: 'rule'; line: number }
  | { type: 'html'; text: string; line: number };

export interface MarkdownRenderOptions {
  /** Maps an image source as written (`../media/x.svg`) to a URL; undefined keeps only the alt text. */
  resolveImage?: (src: string) => string | undefined;
  /** Maps a relative link target to a URL; undefined keeps only the link text. */
  resolveLink?: (href: string) => string | undefined;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const HTML_START = /^ {0,3}<[A-Za-z!/?]/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
// A target may hold one level of balanced parentheses: (https://vi.wikipedia.org/wiki/X_(y)).
const TARGET = String.raw`<?((?:[^()\s<>]|\([^()\s<>]*\))*)>?(?:[ \t]+"[^"]*")?[ \t]*\)`;
// Sticky (y) patterns match at `lastIndex`, so the inline scanner never copies the rest of the text.
const IMAGE = new RegExp(String.raw`!\[([^\]\n]*)\]\([ \t]*` + TARGET, 'y');
const LINK = new RegExp(String.raw`\[((?:[^[\]]|\[[^\]]*\])*)\]\([ \t]*` + TARGET, 'y');
const INLINE_HTML = /<(?:!--[\s\S]*?-->|[A-Za-z/!?][^<>\n]*>?)/y;
const BACKTICKS = /`+/y;

function matchAt(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(text);
}
const ESCAPABLE = /[!-/:-@[-`{-~]/;

const isBlank = (line: string): boolean => line.trim() === '';
const indentOf = (line: string): number => line.length - line.trimStart().length;

function isTableStart(lines: string[], i: number): boolean {
  return lines[i].includes('|') && i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1] ?? '');
}

/** True when `line` starts a block other than a paragraph (so it ends a paragraph). */
function interruptsParagraph(lines: string[], i: number): boolean {
  const line = lines[i];
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    HTML_START.test(line) ||
    isTableStart(lines, i)
  );
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) {
    row = row.slice(1);
  }
  if (row.endsWith('|') && !row.endsWith('\\|')) {
    row = row.slice(0, -1);
  }
  return row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** Parses Markdown into blocks; `firstLine` is the 1-based line number of `lines[0]`. */
export function parseMarkdown(source: string): MarkdownBlock[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'), 1);
}

function parseBlocks(lines: string[], firstLine: number): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const lineNo = firstLine + i;
    if (isBlank(line)) {
      i += 1;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) {
        body.push(lines[i]);
        i += 1;
      }
      i += 1;
      blocks.push({ type: 'code', text: body.join('\n'), line: lineNo });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        type: 'heading',
        level: heading[1].length,
        text: (heading[2] ?? '').trim(),
        line: lineNo,
      });
      i += 1;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ type: 'rule', line: lineNo });
      i += 1;
      continue;
    }

    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) {
        inner.push(lines[i].replace(QUOTE, ''));
        i += 1;
      }
      blocks.push({ type: 'blockquote', children: parseBlocks(inner, lineNo), line: lineNo });
      continue;
    }

    const item = LIST_ITEM.exec(line);
    if (item) {
      i = parseList(lines, i, firstLine, blocks);
      continue;
    }

    if (isTableStart(lines, i)) {
      const header = { cells: splitRow(line), line: lineNo };
      const rows: MarkdownTableRow[] = [];
      i += 2;
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) {
        rows.push({ cells: splitRow(lines[i]), line: firstLine + i });
        i += 1;
      }
      blocks.push({ type: 'table', header, rows, line: lineNo });
      continue;
    }

    if (HTML_START.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !isBlank(lines[i])) {
        body.push(lines[i]);
        i += 1;
      }
      blocks.push({ type: 'html', text: body.join('\n'), line: lineNo });
      continue;
    }

    const body: string[] = [line.trim()];
    i += 1;
    while (i < lines.length && !isBlank(lines[i]) && !interruptsParagraph(lines, i)) {
      body.push(lines[i].trim());
      i += 1;
    }
    blocks.push({ type: 'paragraph', text: body.join('\n'), line: lineNo });
  }
  return blocks;
}

/** Parses the list starting at `lines[start]` into `out`; returns the index after it. */
function parseList(
  lines: string[],
  start: number,
  firstLine: number,
  out: MarkdownBlock[],
): number {
  const first = LIST_ITEM.exec(lines[start]);
  if (!first) {
    return start + 1;
  }
  const ordered = /\d/.test(first[2]);
  const items: MarkdownBlock[][] = [];
  let i = start;
  while (i < lines.length) {
    const marker = LIST_ITEM.exec(lines[i]);
    if (!marker || /\d/.test(marker[2]) !== ordered) {
      break;
    }
    const contentColumn =
      marker[1].length + marker[2].length + Math.max(1, Math.min(marker[3].length, 4));
    const itemLines = [lines[i].slice(marker[0].length)];
    const itemFirstLine = firstLine + i;
    i += 1;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        // A blank line continues the item only if indented content follows.
        let next = i + 1;
        while (next < lines.length && isBlank(lines[next])) {
          next += 1;
        }
        if (next < lines.length && indentOf(lines[next]) >= contentColumn) {
          itemLines.push('');
          i += 1;
          continue;
        }
        break;
      }
      if (indentOf(line) >= contentColumn) {
        itemLines.push(line.slice(contentColumn));
        i += 1;
        continue;
      }
      const previousBlank = isBlank(lines[i - 1]);
      if (!previousBlank && !interruptsParagraph(lines, i)) {
        itemLines.push(line.trim()); // lazy continuation of the item's paragraph
        i += 1;
        continue;
      }
      break;
    }
    items.push(parseBlocks(itemLines, itemFirstLine));
    // Blank lines between items of the same list.
    let next = i;
    while (next < lines.length && isBlank(lines[next])) {
      next += 1;
    }
    const following = next < lines.length ? LIST_ITEM.exec(lines[next]) : null;
    if (following && /\d/.test(following[2]) === ordered) {
      i = next;
    }
  }
  out.push({
    type: 'list',
    ordered,
    start: ordered ? Number.parseInt(first[2], 10) : 1,
    items,
    line: firstLine + start,
  });
  return i;
}

/** Parses inline Markdown; offsets are relative to the text the block holds (`base` added). */
export function parseInline(text: string, base = 0): MarkdownInline[] {
  const out: MarkdownInline[] = [];
  let buffer = '';
  let bufferStart = 0;
  const flush = (): void => {
    if (buffer) {
      out.push({ type: 'text', text: buffer, offset: base + bufferStart });
    }
    buffer = '';
  };
  const push = (node: MarkdownInline, nextIndex: number): number => {
    flush();
    out.push(node);
    bufferStart = nextIndex;
    return nextIndex;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (!buffer) {
      bufferStart = i;
    }

    if (c === '\\' && text[i + 1] === '\n') {
      i = push({ type: 'break', offset: base + i }, i + 1);
      continue;
    }
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = matchAt(BACKTICKS, text, i)?.[0] ?? '`';
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        const code = text.slice(i + run.length, close).replace(/\n/g, ' ');
        i = push({ type: 'code', text: code.trim(), offset: base + i }, close + run.length);
        continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }
    if (c === '!' && text[i + 1] === '[') {
      const image = matchAt(IMAGE, text, i);
      if (image) {
        i = push(
          { type: 'image', alt: image[1].trim(), src: image[2], offset: base + i },
          i + image[0].length,
        );
        continue;
      }
    }
    if (c === '[') {
      const link = matchAt(LINK, text, i);
      if (link) {
        const children = parseInline(link[1], base + i + 1);
        i = push({ type: 'link', href: link[2], children, offset: base + i }, i + link[0].length);
        continue;
      }
    }
    if (c === '<') {
      const html = matchAt(INLINE_HTML, text, i);
      if (html) {
        i = push({ type: 'html', raw: html[0], offset: base + i }, i + html[0].length);
        continue;
      }
    }
    if ((c === '*' || c === '_') && canOpen(text, i, c)) {
      const emphasis = parseEmphasis(text, i, c, base);
      if (emphasis) {
        i = push(emphasis.node, emphasis.end);
        continue;
      }
    }
    if (c === '\n' && / {2,}$/.test(buffer)) {
      buffer = buffer.replace(/ +$/, '');
      i = push({ type: 'break', offset: base + i }, i + 1);
      continue;
    }
    buffer += c;
    i += 1;
  }
  flush();
  return out;
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

function canOpen(text: string, i: number, c: string): boolean {
  return c === '*' || !isWordChar(text[i - 1]);
}

function parseEmphasis(
  text: string,
  i: number,
  c: string,
  base: number,
): { node: MarkdownInline; end: number } | undefined {
  const double = text.startsWith(c + c, i);
  const width = double ? 2 : 1;
  const delimiter = c.repeat(width);
  const innerStart = i + width;
  if (!text[innerStart] || /\s/.test(text[innerStart])) {
    return undefined;
  }
  let close = text.indexOf(delimiter, innerStart + 1);
  while (close > 0) {
    const closesHere =
      !/\s/.test(text[close - 1]) &&
      (double || text[close + 1] !== c) &&
      (c === '*' || !isWordChar(text[close + width]));
    if (closesHere) {
      const children = parseInline(text.slice(innerStart, close), base + innerStart);
      const node: MarkdownInline = double
        ? { type: 'strong', children, offset: base + i }
        : { type: 'em', children, offset: base + i };
      return { node, end: close + width };
    }
    close = text.indexOf(delimiter, close + 1);
  }
  return undefined;
}

/** One inline node with the 1-based source line it starts on. */
export interface LocatedInline {
  node: MarkdownInline;
  line: number;
}

/**
 * Every inline node of the document (recursing into links, emphasis, lists, quotes and tables),
 * with its line. An HTML block is reported as one `html` node.
 */
export function locatedInlines(blocks: MarkdownBlock[]): LocatedInline[] {
  const out: LocatedInline[] = [];
  const visitText = (text: string, line: number): void => {
    const walk = (nodes: MarkdownInline[]): void => {
      for (const node of nodes) {
        out.push({ node, line: line + countNewlines(text, node.offset) });
        if (node.type === 'strong' || node.type === 'em' || node.type === 'link') {
          walk(node.children);
        }
      }
    };
    walk(parseInline(text));
  };
  const visitBlocks = (list: MarkdownBlock[]): void => {
    for (const block of list) {
      switch (block.type) {
        case 'heading':
        case 'paragraph':
          visitText(block.text, block.line);
          break;
        case 'list':
          block.items.forEach(visitBlocks);
          break;
        case 'blockquote':
          visitBlocks(block.children);
          break;
        case 'table':
          for (const row of [block.header, ...block.rows]) {
            row.cells.forEach((cell) => visitText(cell, row.line));
          }
          break;
        case 'html':
          out.push({ node: { type: 'html', raw: block.text, offset: 0 }, line: block.line });
          break;
        case 'code':
        case 'rule':
          break;
      }
    }
  };
  visitBlocks(blocks);
  return out;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end && i < text.length; i += 1) {
    if (text[i] === '\n') {
      count += 1;
    }
  }
  return count;
}

/** The text a reader reads: headings, paragraphs, lists, quotes, tables; not image alt text or code. */
export function readableText(blocks: MarkdownBlock[]): string {
  const parts: string[] = [];
  const inline = (nodes: MarkdownInline[]): void => {
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          parts.push(node.text);
          break;
        case 'strong':
        case 'em':
        case 'link':
          inline(node.children);
          break;
        case 'code':
          parts.push(node.text);
          break;
        case 'break':
          parts.push('\n');
          break;
        case 'image':
        case 'html':
          break;
      }
    }
    parts.push(' ');
  };
  const visit = (list: MarkdownBlock[]): void => {
    for (const block of list) {
      switch (block.type) {
        case 'heading':
        case 'paragraph':
          inline(parseInline(block.text));
          break;
        case 'list':
          block.items.forEach(visit);
          break;
        case 'blockquote':
          visit(block.children);
          break;
        case 'table':
          for (const row of [block.header, ...block.rows]) {
            row.cells.forEach((cell) => inline(parseInline(cell)));
          }
          break;
        case 'code':
        case 'rule':
        case 'html':
          break;
      }
    }
  };
  visit(blocks);
  return parts.join('');
}

/** Words separated by whitespace; a token with no letter or digit (a dash, an emoji) is not a word. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** True for a link or image target without a scheme that stays a relative reference. */
export function isRelativeTarget(target: string): boolean {
  return target !== '' && !SCHEME.test(target) && !target.startsWith('//');
}

/** True for the absolute links a page may carry. */
export function isAllowedAbsoluteLink(target: string): boolean {
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+|tel:[+0-9][0-9 .-]*)$/i.test(target);
}

/** Renders Markdown to HTML; every piece of source text is escaped, raw HTML is shown as text. */
export function renderMarkdown(source: string, options: MarkdownRenderOptions = {}): string {
  return renderBlocks(parseMarkdown(source), options);
}

function renderBlocks(blocks: MarkdownBlock[], options: MarkdownRenderOptions): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'heading':
          return `<h${block.level}>${renderInline(parseInline(block.text), options)}</h${block.level}>`;
        case 'paragraph':
          return `<p>${renderInline(parseInline(block.text), options)}</p>`;
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul';
          const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
          const items = block.items.map((item) => `<li>${renderListItem(item, options)}</li>`);
          return `<${tag}${start}>${items.join('')}</${tag}>`;
        }
        case 'blockquote':
          return `<blockquote>${renderBlocks(block.children, options)}</blockquote>`;
        case 'code':
          return `<pre><code>${escapeHtml(block.text)}</code></pre>`;
        case 'table': {
          const cells = (row: MarkdownTableRow, tag: 'th' | 'td'): string =>
            row.cells
              .map((cell) => `<${tag}>${renderInline(parseInline(cell), options)}</${tag}>`)
              .join('');
          const body = block.rows.map((row) => `<tr>${cells(row, 'td')}</tr>`).join('');
          return `<table><thead><tr>${cells(block.header, 'th')}</tr></thead><tbody>${body}</tbody></table>`;
        }
        case 'rule':
          return '<hr>';
        case 'html':
          return `<p>${escapeHtml(block.text)}</p>`;
      }
    })
    .join('\n');
}

function renderListItem(item: MarkdownBlock[], options: MarkdownRenderOptions): string {
  const [first, ...rest] = item;
  if (first?.type === 'paragraph') {
    const tail = rest.length ? renderBlocks(rest, options) : '';
    return renderInline(parseInline(first.text), options) + tail;
  }
  return renderBlocks(item, options);
}

function renderInline(nodes: MarkdownInline[], options: MarkdownRenderOptions): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeHtml(node.text);
        case 'strong':
          return `<strong>${renderInline(node.children, options)}</strong>`;
        case 'em':
          return `<em>${renderInline(node.children, options)}</em>`;
        case 'code':
          return `<code>${escapeHtml(node.text)}</code>`;
        case 'break':
          return '<br>';
        case 'html':
          return escapeHtml(node.raw);
        case 'image': {
          const src = isRelativeTarget(node.src)
            ? options.resolveImage
              ? options.resolveImage(node.src)
              : node.src
            : undefined;
          if (src === undefined) {
            return escapeHtml(node.alt);
          }
          return `<img src="${escapeHtml(src)}" alt="${escapeHtml(node.alt)}" loading="lazy">`;
        }
        case 'link': {
          const text = renderInline(node.children, options);
          if (isAllowedAbsoluteLink(node.href)) {
            const external = /^https?:/i.test(node.href)
              ? ' rel="noopener noreferrer" target="_blank"'
              : '';
            return `<a href="${escapeHtml(node.href)}"${external}>${text}</a>`;
          }
          if (node.href.startsWith('#')) {
            return `<a href="${escapeHtml(node.href)}">${text}</a>`;
          }
          const href =
            isRelativeTarget(node.href) && options.resolveLink
              ? options.resolveLink(node.href)
              : undefined;
          return href === undefined ? text : `<a href="${escapeHtml(href)}">${text}</a>`;
        }
      }
    })
    .join('');
}
