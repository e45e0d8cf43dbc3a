import { OrgType, SchoolLevel } from '../entities/org-node.entity';
import { KnownNode, mapHeader, planOrgImport, readOrgFile, toRows } from './org-file.util';

const root: KnownNode = {
  id: 'p1',
  code: 'P1',
  type: OrgType.PROVINCE,
  name: 'Province',
  levels: [],
  parentId: 'm',
  path: '/m/p1/',
  closedOn: null,
};
const other: KnownNode = {
  id: 'p2',
  code: 'P2',
  type: OrgType.PROVINCE,
  name: 'Other',
  levels: [],
  parentId: 'm',
  path: '/m/p2/',
  closedOn: null,
};

async function plan(csv: string, known: KnownNode[] = [root, other]) {
  const table = await readOrgFile(Buffer.from(csv), 'csv');
  const header = mapHeader(table.header);
  const rows = toRows(table.rows, header.index);
  return {
    header,
    ...planOrgImport(rows, new Map(known.map((k) => [k.code, k])), root, '2026-09-01'),
  };
}

describe('org import planning', () => {
  it('accepts a clean file with Vietnamese headers, semicolons and parents defined later in the file', async () => {
    const p = await plan(
      'Mã;Tên;Loại;Mã cấp trên;Cấp học\nS1;Trường A;trường;C1;tiểu học\nC1;Xã B;xã;P1;\n',
    );
    expect(p.header.problems).toEqual([]);
    expect(p.problems).toEqual([]);
    const s1 = p.planned.find((x) => x.row.code === 'S1')!;
    expect(s1).toMatchObject({
      type: OrgType.SCHOOL,
      levels: [SchoolLevel.PRIMARY],
      action: 'create',
      order: 1,
    });
  });

  it('reports every problem with its line and column, and plans nothing to write', async () => {
    const p = await plan(
      [
        'code,name,type,parent_code,levels,effective_from',
        'S1,School,school,C9,primary,',
        'S1,Dup,school,P1,primary,',
        'S2,,school,P1,,2026-02-30',
        'S3,School 3,castle,P1,,',
        'S4,School 4,school,P2,primary,',
        'C5,Commune,commune,S4,,',
      ].join('\n'),
    );
    const got = p.problems.map((x) => [x.line, x.column, x.reason]);
    expect(got).toEqual(
      expect.arrayContaining([
        [2, 'parent_code', 'UNKNOWN_PARENT'],
        [3, 'code', 'DUPLICATE_CODE'],
        [4, 'name', 'MISSING'],
        [4, 'levels', 'MISSING_LEVEL'],
        [4, 'effective_from', 'BAD_DATE'],
        [5, 'type', 'BAD_TYPE'],
        [6, 'parent_code', 'OUT_OF_SCOPE'],
        [7, 'parent_code', 'PARENT_TYPE'],
      ]),
    );
  });

  it('flags missing columns in the header', async () => {
    const p = await plan('code,title\nS1,School\n');
    expect(p.header.problems.map((x) => x.reason)).toEqual([
      'UNKNOWN_COLUMN',
      'MISSING_COLUMN',
      'MISSING_COLUMN',
    ]);
  });

  it('sees an existing node moved to another parent as an update, and an identical row as unchanged', async () => {
    const school: KnownNode = {
      id: 's1',
      code: 'S1',
      type: OrgType.SCHOOL,
      name: 'School',
      levels: [SchoolLevel.PRIMARY],
      parentId: 'c1',
      path: '/m/p1/c1/s1/',
      closedOn: null,
    };
    const c1: KnownNode = {
      id: 'c1',
      code: 'C1',
      type: OrgType.COMMUNE,
      name: 'C1',
      levels: [],
      parentId: 'p1',
      path: '/m/p1/c1/',
      closedOn: null,
    };
    const c2: KnownNode = {
      id: 'c2',
      code: 'C2',
      type: OrgType.COMMUNE,
      name: 'C2',
      levels: [],
      parentId: 'p1',
      path: '/m/p1/c2/',
      closedOn: null,
    };
    const moved = await plan('code,name,type,parent_code,levels\nS1,School,school,C2,primary\n', [
      root,
      school,
      c1,
      c2,
    ]);
    expect(moved.planned[0].action).toBe('update');
    const same = await plan('code,name,type,parent_code,levels\nS1,School,school,C1,primary\n', [
      root,
      school,
      c1,
      c2,
    ]);
    expect(same.planned[0].action).toBe('unchanged');
  });
});
