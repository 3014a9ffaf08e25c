/**
 * The built-in release guard's statistics under simulated traffic (see
 * src/features/metric-events/guard-simulation.ts): false-alarm rate of A/A steps, detection rate
 * and median time to detection of real regressions, with a look every guard interval, next to
 * what a fixed one-sided z-test at α would do with the same looks. Seeded: the same figures every
 * run (docs/guards.md quotes them).
 *
 *   npm run build -w server && node server/bench/guard-simulation.mjs [runs]
 */
import { simulateGuard } from '../dist/features/metric-events/guard-simulation.js';

const runs = Number(process.argv[2] ?? 2000);
const common = { runs, looks: 60, alpha: 0.05, minSamples: 200, seed: 20261203 };
const latency = (factor, sigma = 0.5) => ({
  metric: 'mean',
  median: 100,
  sigma,
  treatmentFactor: factor,
  perLook: 100,
});
const errors = (factor, controlRate = 0.01) => ({
  metric: 'rate',
  controlRate,
  treatmentFactor: factor,
  perLook: 1000,
});

const scenarios = [
  ['A/A latency (log-normal, σ=0.5), 100 events/group/look', latency(1)],
  ['A/A latency, heavy tail (σ=1.0)', latency(1, 1)],
  ['A/A error rate 1%, 1,000 exposures/group/look', errors(1)],
  ['A/A error rate 0.1%', errors(1, 0.001)],
  ['A/B latency +10%', latency(1.1)],
  ['A/B latency +5%', latency(1.05)],
  ['A/B latency +5%, heavy tail (σ=1.0)', latency(1.05, 1)],
  ['A/B error rate 1% → 1.5%', errors(1.5)],
  ['A/B error rate 1% → 2%', errors(2)],
  ['A/B error rate 0.1% → 0.2%', errors(2, 0.001)],
  ['A/A latency, 10% step (20 vs 180 events/look)', latency(1), 0.1],
  ['A/A error rate 1%, 10% step (200 vs 1,800 exposures/look)', errors(1), 0.1],
  ['A/B latency +10%, 10% step', latency(1.1), 0.1],
  ['A/B error rate 1% → 2%, 10% step', errors(2), 0.1],
];

console.log(`${runs} runs per scenario, 60 looks (one per guard interval), α = 0.05, minSamples = 200\n`);
console.log('| scenario | guard fails (mSPRT) | median looks to fail | fixed z-test at every look |');
console.log('| --- | --- | --- | --- |');
for (const [name, scenario, treatmentShare = 0.5] of scenarios) {
  const result = simulateGuard({ ...common, scenario, treatmentShare });
  const percent = (rate) => `${(rate * 100).toFixed(1)}%`;
  console.log(
    `| ${name} | ${percent(result.failureRate)} | ${result.medianLooksToFail ?? '–'} | ${percent(result.naiveFailureRate)} |`,
  );
}
