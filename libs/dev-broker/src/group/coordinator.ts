import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type { OffsetStore } from './offset-store';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+ clients must first obtain a member id (MEMBER_ID_REQUIRED) */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  error: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  error: number;
  assignment: Buffer;
}

const EMPTY = Buffer.alloc(0);

class Member {
  joinCb: ((r: JoinResult) => void) | null = null;
  syncCb: ((r: SyncResult) => void) | null = null;
  assignment: Buffer = EMPTY;
  deadline = 0;
  constructor(
    readonly id: string,
    public groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: Protocol[],
  ) {}

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocol: string | null = null;
  leader: string | null = null;
  readonly members = new Map<string, Member>();
  /** member ids handed out with MEMBER_ID_REQUIRED, not yet joined: id -> expiry */
  readonly pending = new Map<string, number>();
  rebalanceDeadline = 0;
  constructor(readonly id: string) {}
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

/**
 * Classic consumer-group protocol (Kafka's GroupCoordinator): join / sync / heartbeat / leave,
 * generations, rebalances bounded by the rebalance timeout, member expiry by session timeout.
 */
export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly log: (line: string) => void) {
    this.timer = setInterval(() => {
      try {
        this.tick(Date.now());
      } catch (e) {
        this.log(`group coordinator timer failed: ${(e as Error).stack ?? e}`);
      }
    }, 50);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        m.joinCb?.(this.joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.id));
        m.syncCb?.({ error: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
        m.joinCb = null;
        m.syncCb = null;
      }
    }
  }

  getOrCreate(groupId: string): Group {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new Group(groupId)));
    return g;
  }

  private joinError(error: number, memberId: string): JoinResult {
    return { error, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
  }

  join(req: JoinRequest, cb: (r: JoinResult) => void): void {
    if (!req.groupId) return cb(this.joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs <= 0) return cb(this.joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    const group = this.getOrCreate(req.groupId);
    const now = Date.now();
    if (
      req.protocols.length === 0 ||
      (group.members.size > 0 &&
        (group.protocolType !== req.protocolType ||
          !req.protocols.some((p) => [...group.members.values()].every((m) => m.id === req.memberId || m.protocols.some((q) => q.name === p.name)))))
    ) {
      return cb(this.joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    let member: Member | undefined;
    if (req.memberId === '') {
      const id = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        group.pending.set(id, now + req.sessionTimeoutMs);
        return cb(this.joinError(ErrorCode.MEMBER_ID_REQUIRED, id));
      }
      member = this.addMember(group, id, req);
    } else if (group.pending.has(req.memberId)) {
      group.pending.delete(req.memberId);
      member = this.addMember(group, req.memberId, req);
    } else {
      member = group.members.get(req.memberId);
      if (!member) return cb(this.joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      member.protocols = req.protocols;
      member.sessionTimeoutMs = req.sessionTimeoutMs;
      member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
      member.clientId = req.clientId;
      member.clientHost = req.clientHost;
    }
    group.protocolType = req.protocolType;
    // a repeated join on the same member replaces the previous (abandoned) one
    member.joinCb?.(this.joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.id));
    member.joinCb = cb;
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, `member ${member.id} joined`);
    this.tryCompleteJoin(group);
  }

  private addMember(group: Group, id: string, req: JoinRequest): Member {
    const m = new Member(id, req.groupInstanceId, req.clientId, req.clientHost, req.sessionTimeoutMs, req.rebalanceTimeoutMs, req.protocols);
    m.deadline = Date.now() + req.sessionTimeoutMs;
    group.members.set(id, m);
    return m;
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.syncCb?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        m.syncCb = null;
      }
    }
    let timeout = 0;
    for (const m of group.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    group.state = 'PreparingRebalance';
    group.rebalanceDeadline = Date.now() + timeout;
    this.log(`group ${group.id}: preparing rebalance (generation ${group.generationId}): ${reason}`);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.pending.size > 0) return;
    for (const m of group.members.values()) if (!m.joinCb) return;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    for (const m of [...group.members.values()]) {
      if (!m.joinCb) {
        this.log(`group ${group.id}: member ${m.id} did not rejoin within the rebalance timeout, removed`);
        group.members.delete(m.id);
      }
    }
    group.pending.clear();
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocol = null;
      group.leader = null;
      this.log(`group ${group.id}: empty (generation ${group.generationId})`);
      return;
    }
    const members = [...group.members.values()];
    if (!group.leader || !group.members.has(group.leader)) group.leader = members[0].id;
    const leader = group.members.get(group.leader)!;
    // protocol: the leader's most preferred one that every member supports
    group.protocol = leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ?? leader.protocols[0].name;
    group.state = 'CompletingRebalance';
    const now = Date.now();
    this.log(`group ${group.id}: generation ${group.generationId} with ${members.length} member(s), leader ${group.leader}`);
    const list = members.map((m) => ({ memberId: m.id, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(group.protocol) }));
    for (const m of members) {
      const cb = m.joinCb!;
      m.joinCb = null;
      m.assignment = EMPTY;
      m.deadline = now + m.sessionTimeoutMs;
      cb({
        error: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: group.protocol,
        leader: group.leader,
        memberId: m.id,
        members: m.id === group.leader ? list : [],
      });
    }
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: Array<{ memberId: string; assignment: Buffer }>, cb: (r: SyncResult) => void): void {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return cb({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generationId !== group.generationId) return cb({ error: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    switch (group.state) {
      case 'PreparingRebalance':
        return cb({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      case 'Stable':
        member.deadline = Date.now() + member.sessionTimeoutMs;
        return cb({ error: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        member.syncCb?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        member.syncCb = cb;
        member.deadline = Date.now() + member.sessionTimeoutMs;
        if (memberId !== group.leader) return;
        const byId = new Map(assignments.map((a) => [a.memberId, a.assignment]));
        group.state = 'Stable';
        for (const m of group.members.values()) {
          m.assignment = byId.get(m.id) ?? EMPTY;
          const waiting = m.syncCb;
          m.syncCb = null;
          waiting?.({ error: ErrorCode.NONE, assignment: m.assignment });
        }
        this.log(`group ${group.id}: generation ${group.generationId} stable`);
        return;
      }
      default:
        return cb({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.deadline = Date.now() + member.sessionTimeoutMs;
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group');
    return ErrorCode.NONE;
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    group.members.delete(member.id);
    member.joinCb?.(this.joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.id));
    member.syncCb?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.joinCb = null;
    member.syncCb = null;
    if (group.leader === member.id) group.leader = null;
    const why = `member ${member.id} ${reason}`;
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group, why);
    else this.log(`group ${group.id}: ${why}`);
    this.tryCompleteJoin(group);
  }

  /** Validates an OffsetCommit against group membership, as Kafka does. */
  validateCommit(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    if (generationId < 0 && (!group || group.state === 'Empty')) {
      this.getOrCreate(groupId); // offsets-only group (e.g. manual commits without membership)
      return ErrorCode.NONE;
    }
    if (!group) return generationId < 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.deadline = Date.now() + member.sessionTimeoutMs;
    return ErrorCode.NONE;
  }

  /** DeleteGroups: only groups without members; their committed offsets go too. */
  delete(groupId: string, offsets: OffsetStore): number {
    const group = this.groups.get(groupId);
    const hasOffsets = offsets.groupIds().includes(groupId);
    if (!group && !hasOffsets) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group && (group.members.size > 0 || group.state !== 'Empty')) return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    offsets.deleteGroup(groupId);
    this.log(`group ${groupId} deleted`);
    return ErrorCode.NONE;
  }

  describe(groupId: string): { state: GroupState; protocolType: string; protocol: string; members: MemberDescription[] } {
    const g = this.groups.get(groupId);
    if (!g) return { state: 'Dead', protocolType: '', protocol: '', members: [] };
    return {
      state: g.state,
      protocolType: g.protocolType ?? '',
      protocol: g.state === 'Stable' ? (g.protocol ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.id,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.metadataFor(g.protocol),
        assignment: m.assignment,
      })),
    };
  }

  private tick(now: number): void {
    for (const group of this.groups.values()) {
      for (const [id, expiry] of group.pending) {
        if (expiry < now) {
          group.pending.delete(id);
          this.tryCompleteJoin(group);
        }
      }
      for (const m of [...group.members.values()]) {
        if (!m.joinCb && !m.syncCb && m.deadline < now) this.removeMember(group, m, `session timed out (${m.sessionTimeoutMs} ms without heartbeat)`);
      }
      if (group.state === 'PreparingRebalance' && now >= group.rebalanceDeadline) this.completeJoin(group);
    }
  }
}
