import { canonicalJson, ChainRow, chainHash, GENESIS_HASH, verifyChain } from './audit-chain.util';

const key = Buffer.alloc(32, 7);

function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      reportId: '6f1c2b1e-0000-4000-8000-00000000000' + (seq % 10),
      actorKind: 'account',
      actorId: 'a1',
      action: 'read',
      details: canonicalJson({ b: 1, a: seq }),
      at: new Date(Date.UTC(2026, 10, 24, 8, seq)),
      prevHash,
    };
    const row = { ...base, hash: chainHash(key, base) };
    rows.push(row);
    prevHash = row.hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('sorts keys so equal values hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
  });

  it('accepts an untouched chain, also from the middle', () => {
    const rows = chain(5);
    expect(verifyChain(key, rows)).toBeNull();
    expect(verifyChain(key, rows.slice(2), rows[1])).toBeNull();
  });

  it('finds an edited row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], action: 'state_changed' };
    expect(verifyChain(key, rows)).toEqual({ seq: 3, reason: 'hash' });
  });

  it('finds a removed row', () => {
    const rows = chain(5);
    rows.splice(3, 1);
    expect(verifyChain(key, rows)).toEqual({ seq: 4, reason: 'gap' });
  });

  it('finds a rebuilt row whose successor still points at the old hash', () => {
    const rows = chain(4);
    const edited = { ...rows[1], details: '{"a":99}' };
    rows[1] = { ...edited, hash: chainHash(key, edited) };
    expect(verifyChain(key, rows)).toEqual({ seq: 3, reason: 'prev_hash' });
  });

  it('does not verify with another key', () => {
    expect(verifyChain(Buffer.alloc(32, 8), chain(2))).toEqual({ seq: 1, reason: 'hash' });
  });
});
