// The long fuzz run for people: `npm run fuzz` (default 10 minutes) or
// `npm run fuzz -- --minutes 60 --seed 7`. Rounds of the three targets with fresh seeds until the
// time is up; prints the count of inputs tried per target and every failure (with its seed, so it
// reproduces); exits 1 if there was any.
import { parseArgs } from 'node:util';
import { startTestHost } from '../service/service-helpers.ts';
import { fuzzReaders, fuzzSocket, fuzzValidator, type FuzzResult } from './targets.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' } } });
let seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const tried: Record<string, number> = { readers: 0, validator: 0, socket: 0 };
const failures: string[] = [];
const host = await startTestHost();
// The clock starts once the engine is up.
const until = Date.now() + Number(values.minutes) * 60_000;
const record = (r: FuzzResult) => {
  tried[r.target]! += r.tried;
  failures.push(...r.failures);
};
try {
  console.log(`fuzz: starting at seed ${seed} for ${values.minutes} minute(s)`);
  while (Date.now() < until && failures.length === 0) {
    record(fuzzReaders(seed, 5000));
    record(fuzzValidator(seed, 2000));
    record(await fuzzSocket(seed, 300, { apiUrl: host.apiUrl, token: host.web.token, enginePid: () => host.engine.pid }));
    seed++;
    const total = Object.values(tried).reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${total} inputs tried (readers ${tried.readers}, validator ${tried.validator}, socket ${tried.socket}), ${failures.length} failure(s)`);
  }
} finally {
  await host.close();
}
for (const f of failures) console.error(`FAIL ${f}`);
console.log(`fuzz: done: ${Object.values(tried).reduce((a, b) => a + b, 0)} inputs tried, ${failures.length} failure(s)`);
process.exit(failures.length > 0 ? 1 : 0);
