// Preloaded (NODE_OPTIONS=--import) into a service by `npm run bench -- --profile <service>`: runs the V8 sampling
// profiler for the life of the process and writes a .cpuprofile to BENCH_PROFILE_DIR when it is stopped (NODE_OPTIONS may
// not carry --cpu-prof itself).
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.env.INSTANCE_ID ?? 'service'}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  // NestJS re-raises SIGTERM after its graceful shutdown, so 'exit' never fires: write when the signal arrives.
  process.prependListener('SIGTERM', write);
  process.on('exit', write);
}
