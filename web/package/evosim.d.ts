// The evosim package's API. The records (options, status, stats, the
// message protocol) are declared once, in Rust (web/src/protocol.rs and
// the library's Stats), and their TypeScript comes from those types
// (tsify, through wasm-bindgen's declarations in single/evosim_web.d.ts).
import type { SimulationOptions, Stats, Status, ViewerOptions } from './single/evosim_web.js';

export type {
  BackendName, BenchOptions, BenchRow, Count, Figures, FromWorker, GeneStats, Isolation, Mode, Modifiers,
  PointerKind, Present, ScenarioSource, SimCall, SimulationOptions, Stats, Status, ToWorker, TribeStats,
  ViewerOptions,
} from './single/evosim_web.js';

/** The most threads a simulation's pool may have (16). */
export declare const MAX_THREADS: number;

/** Whether this page can run the threaded build (cross-origin isolated, with shared wasm memory). */
export declare function threadsAvailable(): boolean;

/**
 * A headless simulation in its own Web Worker (the CPU backend). Every
 * method that asks the worker returns a Promise; errors reject with an
 * `Error` carrying evosim's message.
 */
export declare class Simulation {
  private constructor();
  /** A new simulation: the world `evosim run` makes from the same scenario, seed and entities. */
  static create(options?: SimulationOptions): Promise<Simulation>;
  /** A simulation resumed from `save()`'s bytes, bit for bit. */
  static load(bytes: Uint8Array, options?: Pick<SimulationOptions, 'threads'>): Promise<Simulation>;
  /** Ticks run, as of the last `step`. */
  readonly tick: number;
  /** Living creatures, as of the last `step`. */
  readonly population: number;
  /** Threads of the CPU passes. */
  readonly threads: number;
  /** The gene names, in the order of `genes()`'s columns. */
  readonly geneNames: readonly string[];
  /** Runs `n` ticks (default 1). */
  step(n?: number): Promise<void>;
  /** The state hash: 16 hex digits, as `evosim run` prints it. */
  stateHash(): Promise<string>;
  /** The world's numbers (`evosim run --json`'s). */
  stats(): Promise<Stats>;
  /** x, y of each living creature (slot order): a new copy, 2N values. */
  positions(): Promise<Float32Array>;
  /** Velocity x, y of each living creature: a new copy, 2N values. */
  velocities(): Promise<Float32Array>;
  /** Energy of each living creature: a new copy, N values. */
  energy(): Promise<Float32Array>;
  /** Nine genes of each living creature (`geneNames` order): a new copy, 9N values. */
  genes(): Promise<Float32Array>;
  /** Tribe index of each living creature: a new copy, N values. */
  tribes(): Promise<Uint16Array>;
  /** Species id of each living creature: a new copy, N values. */
  species(): Promise<Uint32Array>;
  /** The whole state as snapshot bytes. */
  save(): Promise<Uint8Array>;
  /** Ends the worker and frees its memory; later calls reject. */
  free(): void;
}

/** What each viewer event hands its callbacks. */
export interface ViewerEvents {
  /** The simulation advanced. */
  tick: Status;
  /** The mode changed (`webgpu`, `webgl2`, `canvas2d`, `restarting`, `failed`, `destroyed`…). */
  mode: Status;
  /** Something went wrong (bad options, a failed start, a crash beyond recovery). */
  error: Error;
  /** A notice for the page (e.g. no WebGPU here); empty: none. */
  notice: string;
  /** The worker crashed and was restarted from its checkpoint. */
  restart: string;
  /** The 2D canvas's figures, in plain text. */
  stats: string;
}

/** A mounted viewer. */
export interface Viewer {
  /** The canvas drawn into (a fresh copy after a crash or a second mount). */
  readonly canvas: HTMLCanvasElement;
  /** Pauses the simulation. */
  pause(): void;
  /** Resumes it. */
  resume(): void;
  /** Ticks per frame: 0.25, 0.5, 1, 2, 4, 8 or 16 (else an `error` event). */
  setSpeed(speed: number): void;
  /** Runs `ticks` ticks (default 1) while paused. */
  step(ticks?: number): void;
  /** The last status. */
  status(): Status;
  /** Calls `callback` on each `event`; returns a function that stops it. */
  on<E extends keyof ViewerEvents>(event: E, callback: (value: ViewerEvents[E]) => void): () => void;
  /** Ends the viewer's workers and frees their memory. */
  destroy(): void;
}

/** Mounts the viewer (WebGPU, else WebGL2, else a 2D canvas) on `canvas`. */
export declare function mountViewer(canvas: HTMLCanvasElement, options?: ViewerOptions): Viewer;
