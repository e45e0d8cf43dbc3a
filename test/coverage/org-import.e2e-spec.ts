import { Role } from '@lib/core';
import { OrgImportService, OrgsService } from '@lib/orgs';
import { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { csrfOf, signedIn } from '../support/coverage-fixtures';
import { createTenant, Tenant } from '../support/fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

describe('Org import: CSV and XLSX, dry run, row-by-row errors, nothing written until clean', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let t: Tenant;
  let official: { id: string; cookies: string[] };

  beforeAll(async () => {
    tool = await startTool();
    if (usesRedis()) {
      worker = await startWorker();
    }
    t = await createTenant(tool);
    official = await signedIn(tool, Role.OFFICIAL, t.province.id);
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
  });

  const upload = async (name: string, content: Buffer, dryRun: boolean): Promise<string> => {
    const csrf = await csrfOf(tool, official.cookies, '/coverage/orgs/import?lang=en');
    const req = tool.http
      .post('/coverage/orgs/import?lang=en')
      .set('Cookie', official.cookies)
      .field('_csrf', csrf)
      .field('rootNodeId', t.province.id);
    if (dryRun) {
      req.field('dryRun', 'on');
    }
    const res = await req.attach('file', content, name).expect(303);
    return /imports\/([0-9a-f-]{36})/.exec(res.headers.location)![1];
  };
  const finished = (id: string) =>
    eventually(async () => {
      const row = await tool.get<OrgImportService>(OrgImportService).get(id);
      return ['invalid', 'valid', 'done', 'failed'].includes(row.status) ? row : null;
    });

  it('lists every problem by line and column and imports nothing from a bad file', async () => {
    const s = t.suffix;
    const csv = [
      'code,name,type,parent_code,levels',
      `IC1-${s},Xã Mới,commune,${t.province.code},`,
      `IS1-${s},Trường Tiểu học Mới,school,IC1-${s},primary`,
      `IS2-${s},,school,IC1-${s},primary`,
      `IS3-${s},Trường lạ,school,NOPE-${s},primary`,
      `IS4-${s},Trường ngoài,school,${t.otherProvince.code},upper_secondary`,
    ].join('\n');
    const id = await upload('bad.csv', Buffer.from(csv), false);
    const row = await finished(id);
    expect(row.status).toBe('invalid');
    expect(row.errors.map((e) => [e.line, e.column, e.reason])).toEqual([
      [4, 'name', 'MISSING'],
      [5, 'parent_code', 'UNKNOWN_PARENT'],
      [6, 'parent_code', 'OUT_OF_SCOPE'],
    ]);
    expect(await tool.get<OrgsService>(OrgsService).findByCode(`IC1-${s}`)).toBeNull();
    const page = await tool.http
      .get(`/coverage/orgs/imports/${id}?lang=vi`)
      .set('Cookie', official.cookies)
      .expect(200);
    expect(page.text).toContain('Ô này không được để trống');
    expect(page.text).toContain('<progress');
  });

  it('dry-runs a clean XLSX file, then imports it on confirmation', async () => {
    const s = t.suffix;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Đơn vị');
    ws.addRow(['Mã', 'Tên', 'Loại', 'Mã cấp trên', 'Cấp học', 'Hiệu lực từ']);
    ws.addRow([`XC-${s}`, 'Phường Hòa Bình Mới', 'commune', t.province.code, '', '2025-07-01']);
    ws.addRow([
      `XS-${s}`,
      'Trường THCS Hòa Bình',
      'school',
      `XC-${s}`,
      'lower_secondary',
      '2025-07-01',
    ]);
    ws.addRow([t.school.code, t.school.name, 'school', `XC-${s}`, 'primary', '2025-07-01']);
    const id = await upload('orgs.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), true);
    const dry = await finished(id);
    expect(dry.errors).toEqual([]);
    expect({ status: dry.status, created: dry.created, updated: dry.updated }).toEqual({
      status: 'valid',
      created: 2,
      updated: 1,
    });
    const orgs = tool.get<OrgsService>(OrgsService);
    expect(await orgs.findByCode(`XC-${s}`)).toBeNull();
    const page = await tool.http
      .get(`/coverage/orgs/imports/${id}?lang=en`)
      .set('Cookie', official.cookies)
      .expect(200);
    expect(page.text).toContain('Import this file for real');
    const csrf = await csrfOf(tool, official.cookies, `/coverage/orgs/imports/${id}?lang=en`);
    await tool.http
      .post(`/coverage/orgs/imports/${id}/confirm`)
      .set('Cookie', official.cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    const done = await eventually(async () => {
      const row = await tool.get<OrgImportService>(OrgImportService).get(id);
      return row.status === 'done' ? row : null;
    });
    expect(done.processed).toBe(3);
    const commune = await orgs.findByCode(`XC-${s}`);
    const school = await orgs.findByCode(`XS-${s}`);
    expect(school?.parentId).toBe(commune?.id);
    // the existing school moved under the new ward, and its history shows both parents
    const moved = await orgs.versions(t.school.id);
    expect(moved.map((v) => v.parentId)).toEqual([t.commune.id, commune!.id]);
    const json = await tool.http
      .get(`/coverage/orgs/imports/${id}?format=json`)
      .set('Cookie', official.cookies)
      .expect(200);
    expect(json.body).toMatchObject({ status: 'done', finished: true, total: 3, processed: 3 });
  });

  it('refuses another province’s official and a forged form', async () => {
    const other = await signedIn(tool, Role.OFFICIAL, t.otherProvince.id);
    const id = await upload(
      'again.csv',
      Buffer.from(`code,name,type,parent_code\nZZ-${t.suffix},Xã,commune,${t.province.code}\n`),
      true,
    );
    await tool.http.get(`/coverage/orgs/imports/${id}`).set('Cookie', other.cookies).expect(403);
    await tool.http
      .post('/coverage/orgs/import')
      .set('Cookie', official.cookies)
      .field('_csrf', 'forged')
      .field('rootNodeId', t.province.id)
      .attach('file', Buffer.from('code,name,type\n'), 'x.csv')
      .expect(403);
  });
});
