import { smsKeyword } from '../channels/sms/sms.gateway';
import { plainSmsText } from '../channels/http.util';
import { maskContact, normalizeEmail, normalizePhone, parseSignInId } from './contact.util';
import { generateInviteCode, normalizeInviteCode } from './invite-code.util';
import { addressOf, assembleMessage, buildSharedBody, encodeAddress } from './mime.util';
import { quietUntil, weekStart } from './time.util';

describe('contacts', () => {
  it('normalises Vietnamese numbers to E.164 and refuses what is not a number', () => {
    expect(normalizePhone('0912 345 678')).toBe('+84912345678');
    expect(normalizePhone('84912345678')).toBe('+84912345678');
    expect(normalizePhone('+84 (91) 234-5678')).toBe('+84912345678');
    expect(normalizePhone('0084912345678')).toBe('+84912345678');
    expect(normalizePhone('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(normalizePhone('+8491234')).toBeUndefined();
    expect(normalizePhone('hello')).toBeUndefined();
  });

  it('lower-cases e-mails and tells e-mail from phone on the sign-in form', () => {
    expect(normalizeEmail('  Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
    expect(normalizeEmail('not an email')).toBeUndefined();
    expect(parseSignInId('0912345678')).toEqual({ kind: 'phone', value: '+84912345678' });
    expect(parseSignInId('a@b.vn')).toEqual({ kind: 'email', value: 'a@b.vn' });
    expect(maskContact('email', 'lan@example.vn')).toBe('l•••@example.vn');
    expect(maskContact('phone', '+84912345678')).toBe('•••678');
  });
});

describe('invite codes', () => {
  it('are 8 unambiguous characters and survive how people type them', () => {
    const code = generateInviteCode();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(normalizeInviteCode(code.toLowerCase().replace('-', ' '))).toBe(code);
    expect(normalizeInviteCode('ABCD-EFG')).toBeUndefined();
    expect(normalizeInviteCode('ABCD-EFG0')).toBeUndefined(); // 0 is not in the alphabet
  });
});

describe('quiet hours', () => {
  const vn = { timezone: 'Asia/Ho_Chi_Minh', quietStart: '21:00', quietEnd: '06:30' };
  it('knows when quiet hours (wrapping past midnight) end in the school time zone', () => {
    // 15:00 UTC = 22:00 in Vietnam: quiet until 06:30 next morning = 23:30 UTC.
    expect(quietUntil(new Date('2026-11-29T15:00:00Z'), vn)?.toISOString()).toBe(
      '2026-11-29T23:30:00.000Z',
    );
    // 23:00 UTC = 06:00 in Vietnam: 30 minutes left.
    expect(quietUntil(new Date('2026-11-29T23:00:00Z'), vn)?.toISOString()).toBe(
      '2026-11-29T23:30:00.000Z',
    );
    // 03:00 UTC = 10:00 in Vietnam: not quiet.
    expect(quietUntil(new Date('2026-11-29T03:00:00Z'), vn)).toBeUndefined();
    expect(
      quietUntil(new Date('2026-11-29T15:00:00Z'), {
        ...vn,
        quietStart: '08:00',
        quietEnd: '08:00',
      }),
    ).toBeUndefined();
  });

  it('finds the Monday of a week in Vietnam time', () => {
    expect(weekStart(new Date('2026-11-29T17:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-11-30'); // already Monday there
    expect(weekStart(new Date('2026-11-29T10:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-11-23');
  });
});

describe('broadcast e-mail bytes', () => {
  it('share one encoded body and vary only the head; non-ASCII headers are encoded', () => {
    const shared = buildSharedBody('Kính gửi phụ huynh', '<p>Kính gửi phụ huynh</p>');
    const a = assembleMessage(
      {
        from: 'Trường Tân Lập <no-reply@school.vn>',
        to: 'a@x.vn',
        subject: 'Họp phụ huynh',
        messageId: '<r1@school.vn>',
        date: new Date(0),
        headers: { 'List-Unsubscribe': '<https://s/u?r=1>' },
      },
      shared,
    ).toString();
    const b = assembleMessage(
      {
        from: 'Trường Tân Lập <no-reply@school.vn>',
        to: 'b@x.vn',
        subject: 'Họp phụ huynh',
        messageId: '<r2@school.vn>',
        date: new Date(0),
      },
      shared,
    ).toString();
    expect(a).toContain('Message-ID: <r1@school.vn>');
    expect(a).toMatch(/^From: =\?UTF-8\?B\?[^?]+\?= <no-reply@school\.vn>/);
    expect(a).toMatch(/Subject: =\?UTF-8\?B\?/);
    expect(a.slice(a.indexOf('\r\n\r\n'))).toBe(b.slice(b.indexOf('\r\n\r\n')));
    const body = /base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(a)![1];
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(
      'Kính gửi phụ huynh',
    );
    // A header value cannot smuggle a second header.
    const evil = assembleMessage(
      {
        from: 'x@y',
        to: 'a@x.vn\r\nBcc: all@x.vn',
        subject: 's',
        messageId: '<m@x>',
        date: new Date(0),
      },
      shared,
    ).toString();
    expect(evil).not.toMatch(/\r\nBcc:/);
    expect(addressOf('Trường <no-reply@school.vn>')).toBe('no-reply@school.vn');
    expect(encodeAddress('School <a@b.vn>')).toBe('"School" <a@b.vn>');
  });
});

describe('SMS', () => {
  it('understands STOP and START in English and Vietnamese, and sends plain text', () => {
    expect(smsKeyword('stop')).toBe('stop');
    expect(smsKeyword(' Hủy ')).toBe('stop');
    expect(smsKeyword('START please')).toBe('start');
    expect(smsKeyword('Bắt đầu')).toBeUndefined(); // two words: "BAT", not a keyword
    expect(smsKeyword('BATDAU')).toBe('start');
    expect(smsKeyword('cảm ơn cô')).toBeUndefined();
    expect(plainSmsText('Trường: Họp phụ huynh “khẩn”')).toBe('Truong: Hop phu huynh "khan"');
  });
});
