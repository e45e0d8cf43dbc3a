import { randomBytes } from 'node:crypto';
import { newReferenceCode, normaliseReferenceCode, parseConcernInput } from './report-input.util';
import { ContactMethod, ReporterRelation } from './safeguarding.constants';

const web = { allowAtSchool: false, defaultRelation: ReporterRelation.OTHER };
const player = { allowAtSchool: true, defaultRelation: ReporterRelation.SELF };

describe('checking a submitted report', () => {
  it('accepts a minimal anonymous report', () => {
    const { input, problems } = parseConcernInput({ category: 'conduct' }, web);
    expect(problems).toEqual([]);
    expect(input).toMatchObject({
      category: 'conduct',
      imminentDanger: false,
      contactMethod: ContactMethod.NONE,
      relation: ReporterRelation.OTHER,
    });
  });

  it('lists every problem at once', () => {
    const { input, problems } = parseConcernInput(
      {
        category: 'nonsense',
        description: 'x'.repeat(4001),
        url: 'javascript:alert(1)',
        contactMethod: 'email',
        email: 'not-an-address',
      },
      web,
    );
    expect(input).toBeUndefined();
    expect(problems).toEqual([
      { field: 'category', reason: 'choice' },
      { field: 'description', reason: 'too_long', max: 4000 },
      { field: 'url', reason: 'url' },
      { field: 'email', reason: 'email' },
    ]);
  });

  it('refuses pasted images: a link only', () => {
    const png = `data:image/png;base64,${'iVBORw0KGgo'.repeat(60)}`;
    const { problems } = parseConcernInput(
      { category: 'content', url: png, description: png },
      web,
    );
    expect(problems.map((p) => [p.field, p.reason])).toEqual([
      ['url', 'image_data'],
      ['description', 'image_data'],
    ]);
  });

  it('keeps script as text and strips control characters', () => {
    const { input } = parseConcernInput(
      { category: 'content', description: ' <script>alert(1)</script>\u0000 ' },
      web,
    );
    expect(input?.description).toBe('<script>alert(1)</script>');
  });

  it('lets only pupils from the player ask to be found at school', () => {
    expect(
      parseConcernInput({ category: 'contact', contactMethod: 'at_school' }, web).problems,
    ).toEqual([{ field: 'contactMethod', reason: 'choice' }]);
    const { input } = parseConcernInput(
      { category: 'contact', contactMethod: 'at_school', reporterName: 'Lan 5A', email: 'x@y.z' },
      player,
    );
    expect(input).toMatchObject({ contactMethod: 'at_school', reporterName: 'Lan 5A', email: '' });
  });

  it('keeps no contact detail from an anonymous report', () => {
    const { input } = parseConcernInput(
      { category: 'contact', contactMethod: 'none', email: 'a@b.vn', reporterName: 'Lan' },
      player,
    );
    expect(input).toMatchObject({ email: '', reporterName: '', phone: '' });
  });

  it('makes reference codes people can read back', () => {
    const code = newReferenceCode(randomBytes);
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(normaliseReferenceCode(code.toLowerCase().replace('-', ' '))).toBe(code);
    expect(normaliseReferenceCode('ABCDE-FGHIO')).toBe('ABCDE-FGH10');
    expect(normaliseReferenceCode('short')).toBeNull();
  });
});
