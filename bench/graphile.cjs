// The burn-down anchor: graphile-worker (npm) draining no-op jobs from the same PostgreSQL,
// with its batching (a local queue per instance, completions written in batches) or without.
//   node bench/graphile.cjs <database url> <batched|unbatched> <jobs> <instances>
// Prints `RESULT graphile_<mode> rate=<jobs/s>`: jobs over the time from the first to the
// last completion seen by polling the queue every 100 ms.
"use strict";
const { fork } = require("child_process");
const { run, makeWorkerUtils, Logger } = require("graphile-worker");

// Silent: a log line per job would measure the terminal, not the queue.
const logger = new Logger(() => () => {});

const CONCURRENCY = 24;

async function worker(url, mode) {
  const preset =
    mode === "batched"
      ? {
          worker: {
            localQueue: { size: CONCURRENCY + 1 },
            completeJobBatchDelay: 0,
            failJobBatchDelay: 0,
          },
        }
      : {};
  const runner = await run({
    connectionString: url,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    logger,
    pollInterval: 100,
    taskList: { noop: async () => {} },
    preset,
  });
  process.on("message", async () => {
    await runner.stop();
    process.exit(0);
  });
  process.send("ready");
}

async function remaining(utils) {
  return utils.withPgClient(async (c) => {
    const r = await c.query("select count(*)::int as n from graphile_worker.jobs");
    return r.rows[0].n;
  });
}

async function main() {
  const [, , url, mode, jobsArg, instancesArg] = process.argv;
  if (mode === "worker") return worker(url, jobsArg);
  if (!url || !["batched", "unbatched"].includes(mode)) {
    console.error("usage: node bench/graphile.cjs <database url> <batched|unbatched> <jobs> <instances>");
    process.exit(2);
  }
  const jobs = Number(jobsArg || 50000);
  const instances = Number(instancesArg || 2);
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  await utils.migrate();
  await utils.withPgClient((c) => c.query("delete from graphile_worker._private_jobs"));
  for (let i = 0; i < jobs; i += 5000) {
    const n = Math.min(5000, jobs - i);
    await utils.withPgClient((c) =>
      c.query(
        "select graphile_worker.add_jobs(array(select row('noop', '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec from generate_series(1, $1)))",
        [n],
      ),
    );
  }
  const children = [];
  for (let i = 0; i < instances; i++) {
    const c = fork(__filename, [url, "worker", mode], { stdio: "inherit" });
    children.push(c);
  }
  let first = null;
  let last = null;
  const t0 = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const n = await remaining(utils);
    if (first === null && n < jobs) first = Date.now();
    if (n === 0) {
      last = Date.now();
      break;
    }
    if (Date.now() - t0 > 600000) throw new Error("graphile-worker did not finish in 10 minutes");
  }
  for (const c of children) c.send("stop");
  await utils.release();
  const seconds = Math.max(0.001, (last - first) / 1000);
  console.log(`graphile-worker ${mode}, ${instances} instances x ${CONCURRENCY}, ${jobs} no-op jobs: ${(jobs / seconds).toFixed(0)} jobs/s (${seconds.toFixed(1)} s)`);
  console.log(`RESULT graphile_${mode} rate=${(jobs / seconds).toFixed(1)}`);
  setTimeout(() => process.exit(0), 2000);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
