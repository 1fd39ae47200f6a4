// Preloaded into every test process by scripts/run-tests.mjs: Math.random becomes a seeded generator,
// so a failure seen once (on CI, on another CPU) is seen again with the same inputs.
// BLOCKSMITH_TEST_SEED=<integer> picks the inputs; BLOCKSMITH_TEST_SEED=random draws a new seed and
// prints it, to explore inputs the fixed seed never tries.
const setting = process.env.BLOCKSMITH_TEST_SEED ?? '20261207';
let state = setting === 'random' ? (Date.now() ^ (process.pid << 16)) >>> 0 : Number.parseInt(setting, 10) >>> 0;
if (setting === 'random') console.log(`# BLOCKSMITH_TEST_SEED=${state} (${process.argv[1] ?? ''})`);

// mulberry32: tiny, fast, and good enough for test inputs.
Math.random = function seededRandom() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
