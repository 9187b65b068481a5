import { isTimeZone } from './time-zone';

describe('isTimeZone', () => {
  it.each(['Asia/Shanghai', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC'])('knows %s', (z) => expect(isTimeZone(z)).toBe(true));
  it.each(['Mars/Olympus', '', '+08:00', 'Asia/Shanghai ', 42, null])('refuses %p', (z) => expect(isTimeZone(z)).toBe(false));
});
