import * as fs from 'node:fs';
import * as path from 'node:path';
import { OffsetStore } from './offset-store';
import { tmpDir } from '../test/helpers';

describe('OffsetStore', () => {
  it('journals commits, survives a torn last line, and compacts while running', () => {
    const dir = tmpDir();
    const lines: string[] = [];
    let store = new OffsetStore(dir, (l) => lines.push(l));
    store.open();
    for (let i = 1; i <= 30000; i++) store.commit('g', [{ topic: 't', partition: i % 2, offset: i, leaderEpoch: -1, metadata: null }]);
    store.commit('g2', [{ topic: 'other', partition: 0, offset: 5, leaderEpoch: 0, metadata: 'm' }]);
    const file = path.join(dir, 'offsets.jsonl');
    expect(fs.readFileSync(file, 'utf8').split('\n').length).toBeLessThan(12000); // compacted along the way
    store.close();
    fs.appendFileSync(file, '["g","t",0,99'); // crash mid-append
    store = new OffsetStore(dir, (l) => lines.push(l));
    store.open();
    expect(store.get('g', 't', 0)?.offset).toBe(30000);
    expect(store.get('g', 't', 1)?.offset).toBe(29999);
    expect(store.get('g2', 'other', 0)).toEqual({ offset: 5, leaderEpoch: 0, metadata: 'm' });
    expect(lines.some((l) => l.includes('torn'))).toBe(true);
    store.deleteTopic('t');
    store.deleteGroup('g2');
    store.close();
    store = new OffsetStore(dir, () => undefined);
    store.open();
    expect(store.get('g', 't', 0)).toBeUndefined();
    expect(store.groupIds()).not.toContain('g2');
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
