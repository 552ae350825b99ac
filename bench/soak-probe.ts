// Preloaded into the soak's server process (`node --import`), no server code involved: answers the bench's
// IPC question with the process's memory and its event loop's delay and use since the last answer.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface SoakProbeAnswer {
  type: 'soak:probe';
  memory: NodeJS.MemoryUsage;
  /** Event-loop delay since the last answer, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Share of the time the event loop was busy since the last answer, 0..1. */
  loopUtilization: number;
}

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  process.on('message', (m) => {
    if (m !== 'soak:probe') return;
    const used = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    const answer: SoakProbeAnswer = {
      type: 'soak:probe',
      memory: process.memoryUsage(),
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
      loopUtilization: used.utilization,
    };
    delay.reset();
    process.send!(answer);
  });
  // The question must not keep the server alive on its own.
  process.channel?.unref();
}
