import {
  countWords,
  locatedInlines,
  parseMarkdown,
  readableText,
  renderMarkdown,
} from './markdown.util';

describe('renderMarkdown', () => {
  it('renders the subset FORMAT.md allows', () => {
    const html = renderMarkdown(
      [
        '## Minh on Zalo',
        '',
        'A **bold** and *quiet* line,',
        'still the same paragraph.',
        '',
        '### Steps',
        '',
        '1. Stop',
        '2. Tell',
        '   - a trusted adult',
        '   - the school',
        '',
        '> "Send me the code," says the message.',
        '',
        '- [Help](https://example.org/a_(b)) and [call](tel:111)',
      ].join('\n'),
    );
    expect(html).toBe(
      [
        '<h2>Minh on Zalo</h2>',
        '<p>A <strong>bold</strong> and <em>quiet</em> line,\nstill the same paragraph.</p>',
        '<h3>Steps</h3>',
        '<ol><li>Stop</li><li>Tell<ul><li>a trusted adult</li><li>the school</li></ul></li></ol>',
        '<blockquote><p>&quot;Send me the code,&quot; says the message.</p></blockquote>',
        '<ul><li><a href="https://example.org/a_(b)" rel="noopener noreferrer" target="_blank">Help</a> and <a href="tel:111">call</a></li></ul>',
      ].join('\n'),
    );
  });

  it('never emits markup from the source', () => {
    const html = renderMarkdown(
      [
        '<script>alert(1)</script>',
        '',
        'Hi <img src=x onerror=alert(1)> & "you"',
        '',
        '[x](javascript:alert(1)) ![y](data:image/png;base64,AAA) [z](//evil.example)',
      ].join('\n'),
    );
    expect(html).not.toMatch(/<(script|img)/);
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('href="//');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Hi &lt;img src=x onerror=alert(1)&gt; &amp; &quot;you&quot;');
  });

  it('maps images and relative links through the resolvers', () => {
    const html = renderMarkdown('![A phone](../media/phone.svg) [next](p2.en.md) [top](#top)', {
      resolveImage: (src) => `/media/m1/${src.replace('../media/', '')}`,
      resolveLink: (href) => (href === 'p2.en.md' ? '/m1/p2' : undefined),
    });
    expect(html).toBe(
      '<p><img src="/media/m1/phone.svg" alt="A phone" loading="lazy"> <a href="/m1/p2">next</a> <a href="#top">top</a></p>',
    );
    expect(renderMarkdown('[next](p2.en.md)')).toBe('<p>next</p>');
  });

  it('renders tables', () => {
    expect(renderMarkdown('| Time | Activity |\n|---|---|\n| 5 min | **Read** |')).toBe(
      '<table><thead><tr><th>Time</th><th>Activity</th></tr></thead><tbody><tr><td>5 min</td><td><strong>Read</strong></td></tr></tbody></table>',
    );
  });

  it('keeps snake_case and lone stars as text', () => {
    expect(renderMarkdown('my_file_name and 2 * 3 * 4')).toBe('<p>my_file_name and 2 * 3 * 4</p>');
  });
});

describe('Markdown analysis', () => {
  it('locates inline nodes on their source lines', () => {
    const blocks = parseMarkdown(
      '## Title\n\nline two\nhas <b>html</b>\n\n> quote ![pic](a.png)\n',
    );
    const found = locatedInlines(blocks)
      .filter(({ node }) => node.type === 'html' || node.type === 'image')
      .map(({ node, line }) => `${line}:${node.type}`);
    expect(found).toEqual(['4:html', '4:html', '6:image']);
  });

  it('counts the words a reader reads', () => {
    const text = readableText(
      parseMarkdown(
        '## Hello world\n\n- one — two\n- [three](https://x.org/four)\n\n![not counted](a.png)',
      ),
    );
    expect(countWords(text)).toBe(5);
    expect(countWords('Mật khẩu mạnh, tài khoản an toàn')).toBe(7);
  });
});
