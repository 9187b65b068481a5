// Preloaded (node --import) into every service process that the dev launcher or the test harness starts. Their stdin
// is a pipe from the parent, so it ends when the parent dies, however it dies (SIGKILL, a crashed jest worker): the
// service then gets SIGTERM, and SIGKILL if it has not stopped within 15 s. Nothing outlives its launcher.
// Services themselves know nothing of this; they run the same in docker-compose, without it.
const stdin = process.stdin;
stdin.on('error', () => {});
// The service leads its own process group (spawned detached): signal the group, so its children go too.
const signal = (sig) => {
  try {
    process.kill(-process.pid, sig);
  } catch {
    process.kill(process.pid, sig);
  }
};
stdin.on('end', () => {
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), 15_000).unref();
});
stdin.resume();
// Watching stdin must not keep an otherwise finished process alive.
stdin.unref?.();
