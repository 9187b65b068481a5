// Plain ANSI colours: the launcher needs five of them, not a dependency. Off when NO_COLOR is set or stdout is not a
// terminal (unless FORCE_COLOR), so piped output and log files stay clean.
const force = process.env.FORCE_COLOR;
const enabled = process.env.NO_COLOR === undefined && (force === undefined || force === '' ? !!process.stdout.isTTY : !['0', 'false'].includes(force));

const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export const colors = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  magenta: wrap(35, 39),
  cyan: wrap(36, 39),
  gray: wrap(90, 39),
};

export type Color = keyof typeof colors;
