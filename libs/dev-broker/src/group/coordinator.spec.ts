import { GroupCoordinator, type JoinRequest, type JoinResult, type SyncResult } from './coordinator';

const req = (memberId: string, over: Partial<JoinRequest> = {}): JoinRequest => ({
  groupId: 'g',
  sessionTimeoutMs: 1000,
  rebalanceTimeoutMs: 2000,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('m') }],
  clientId: 'c',
  clientHost: 'h',
  requireKnownMemberId: true,
  ...over,
});

describe('GroupCoordinator', () => {
  let gc: GroupCoordinator;
  beforeEach(() => {
    jest.useFakeTimers();
    gc = new GroupCoordinator(() => undefined);
  });
  afterEach(() => {
    gc.close();
    jest.useRealTimers();
  });

  const join = (r: JoinRequest): JoinResult[] => {
    const out: JoinResult[] = [];
    gc.join(r, (res) => out.push(res));
    return out;
  };
  const sync = (gen: number, id: string, assignments: Array<{ memberId: string; assignment: Buffer }> = []): SyncResult[] => {
    const out: SyncResult[] = [];
    gc.sync('g', gen, id, assignments, (res) => out.push(res));
    return out;
  };
  const newMember = (): string => {
    const [first] = join(req(''));
    expect(first.error).toBe(79); // MEMBER_ID_REQUIRED
    return first.memberId;
  };

  it('runs join / sync / rebalance / leave / expiry like the classic protocol', () => {
    const a = newMember();
    const [ja] = join(req(a));
    expect(ja).toMatchObject({ error: 0, generationId: 1, leader: a, protocolName: 'range' });
    expect(ja.members.map((m) => m.memberId)).toEqual([a]);
    const [sa] = sync(1, a, [{ memberId: a, assignment: Buffer.from('all') }]);
    expect(sa.assignment.toString()).toBe('all');
    expect(gc.heartbeat('g', 1, a)).toBe(0);

    // b joins: a learns about the rebalance from its heartbeat and rejoins
    const b = newMember();
    const jb = join(req(b));
    expect(jb).toHaveLength(0); // waits for a
    expect(gc.heartbeat('g', 1, a)).toBe(27); // REBALANCE_IN_PROGRESS
    expect(gc.validateCommit('g', 1, a)).toBe(0); // commits still allowed while preparing
    const ja2 = join(req(a));
    expect(ja2[0]).toMatchObject({ error: 0, generationId: 2, leader: a });
    expect(ja2[0].members).toHaveLength(2);
    expect(jb[0]).toMatchObject({ error: 0, generationId: 2, leader: a, members: [] });
    expect(gc.validateCommit('g', 2, a)).toBe(27); // completing rebalance
    const sb = sync(2, b);
    expect(sb).toHaveLength(0); // waits for the leader's assignment
    sync(2, a, [
      { memberId: a, assignment: Buffer.from('p0') },
      { memberId: b, assignment: Buffer.from('p1') },
    ]);
    expect(sb[0].assignment.toString()).toBe('p1');
    expect(gc.validateCommit('g', 1, a)).toBe(22); // ILLEGAL_GENERATION
    expect(gc.heartbeat('g', 2, 'nobody')).toBe(25); // UNKNOWN_MEMBER_ID

    // a leaves: b rejoins alone and becomes leader
    expect(gc.leave('g', a)).toBe(0);
    expect(gc.heartbeat('g', 2, b)).toBe(27);
    const jb3 = join(req(b));
    expect(jb3[0]).toMatchObject({ generationId: 3, leader: b });

    // b stops heartbeating: after its session timeout the group is empty
    sync(3, b, [{ memberId: b, assignment: Buffer.from('all') }]);
    jest.advanceTimersByTime(1500);
    expect(gc.describe('g').state).toBe('Empty');
    expect(gc.heartbeat('g', 3, b)).toBe(25);
  });

  it('removes members that do not rejoin within the rebalance timeout', () => {
    const a = newMember();
    join(req(a));
    sync(1, a, [{ memberId: a, assignment: Buffer.from('x') }]);
    const b = newMember();
    const jb = join(req(b, { sessionTimeoutMs: 10000 }));
    // a keeps heartbeating but never rejoins
    for (let t = 0; t < 2200; t += 200) {
      gc.heartbeat('g', 1, a);
      jest.advanceTimersByTime(200);
    }
    expect(jb[0]).toMatchObject({ error: 0, generationId: 2, leader: b });
    expect(gc.describe('g').members.map((m) => m.memberId)).toEqual([b]);
  });

  it('rejects a member whose protocols share nothing with the group', () => {
    const a = newMember();
    join(req(a));
    const c = newMember();
    expect(join(req(c, { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }))[0].error).toBe(23);
  });
});
