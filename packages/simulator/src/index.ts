/** Tessera's fleet simulator: a run of many terminals against the Workers, and its report. */

export { simulateOnLocalStack } from "./local-stack.ts";
export { DEFAULT_OPTIONS, HELP, parseCommandLine, type SimulationOptions } from "./options.ts";
export { formatSummary, type SimulationReport } from "./report.ts";
export { runSimulation, type SimulationContext } from "./simulation.ts";
