import { eventTopicProblems } from './topic-provisioning';

describe('eventTopicProblems', () => {
  it('finds none on an event topic that keeps every event', () => {
    expect(eventTopicProblems('t.events.v1', { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' })).toEqual([]);
  });

  it.each([
    [{ 'retention.ms': '604800000' }, 'retention.ms=604800000'],
    [{ 'retention.bytes': '1000' }, 'retention.bytes=1000'],
    [{ 'cleanup.policy': 'compact,delete' }, 'cleanup.policy=compact,delete'],
  ])('names the topic and the setting of %j', (bad, named) => {
    const sut = eventTopicProblems('t.events.v1', { 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete', ...bad });
    expect(sut).toHaveLength(1);
    expect(sut[0]).toContain(`topic t.events.v1 has ${named}`);
  });
});
