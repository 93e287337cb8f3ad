// Hand-run profiling aid (not part of `npm run bench`): starts the REST system, loads
// GET /applications/:id (no-cache) with wrk, and prints req/s and the CPU each process spent per request
// (a number that other load on the machine barely moves, unlike req/s); PROFILE_PATH=floor loads the
// 1-hop floor instead, PROFILE_PATH=cached the same read served from the edge's cache. With a
// directory argument, edge and platform also run under --cpu-prof and leave .cpuprofile files there
// (rest/top-functions.ts).
//   node --conditions=@idp/source --import tsx tools/bench/src/rest/profile-rest.ts [dir]
import { wrk } from '../wrk.js';
import { cpuMicros } from './cpu-time.js';
import { startRestSystem } from './system.js';

const dir = process.argv[2];
const seconds = Number(process.env.WRK_SECONDS ?? 10);
const system = await startRestSystem({ cpuProfDir: dir });
try {
  const floor = process.env.PROFILE_PATH === 'floor';
  const cached = process.env.PROFILE_PATH === 'cached';
  const headers = {
    authorization: `Bearer ${system.token}`,
    ...(cached ? {} : { 'cache-control': 'no-cache' }),
  };
  const url = floor ? system.floorUrl : `${system.edgeUrl}/api/v1/applications/${system.appId}`;
  wrk(url, { seconds: 3, connections: 64, headers });
  const [auth, ratelimit, platform, edge, nats] = system.pids.ours;
  const [responder, server] = system.pids.floor;
  const named = floor ? { server, responder, nats } : { edge, platform, auth, ratelimit, nats };
  const before = Object.fromEntries(Object.entries(named).map(([k, pid]) => [k, cpuMicros(pid!)]));
  const result = wrk(url, { seconds, connections: 64, headers });
  const requests = result.rps * seconds;
  const perRequest = Object.fromEntries(
    Object.entries(named).map(([k, pid]) => [k, Math.round((cpuMicros(pid!) - before[k]!) / requests)]),
  );
  process.stdout.write(`${JSON.stringify({ pipeline: result, cpuUsPerRequest: perRequest })}\n`);
} finally {
  await system.stop();
}
if (dir) process.stdout.write(`profiles in ${dir}\n`);
