// The embed example (embed.html) in TypeScript, type-checked against the
// package's declarations: `tsc --noEmit` (see tsconfig.json; the browser
// test runs it, and checks that a misspelled option fails).
import { Simulation, mountViewer } from 'evosim';
import type { Stats, Status, ViewerOptions } from 'evosim';

const canvas = document.getElementById('world') as HTMLCanvasElement;
const options: ViewerOptions = { entities: 2000, seed: 7, speed: 1, backend: 'auto' };
const viewer = mountViewer(canvas, options);

const button = (id: string, action: () => void) => {
  document.getElementById(id)?.addEventListener('click', action);
};
button('pause', () => viewer.pause());
button('resume', () => viewer.resume());
button('step', () => viewer.step(10));
document.getElementById('speed')?.addEventListener('change', (e) => {
  viewer.setSpeed(Number((e.target as HTMLSelectElement).value));
});

const show = (s: Status): string => `${s.mode}, ${s.backend} backend, tick ${s.tick}, ${s.population} creatures`;
viewer.on('tick', (s) => {
  const where = document.getElementById('status');
  if (where) where.textContent = show(s);
});
viewer.on('error', (e: Error) => console.error(e.message));

async function headless(): Promise<Stats> {
  const sim = await Simulation.create({ entities: '1.5k', seed: 11, threads: 2 });
  await sim.step(300);
  const hash: string = await sim.stateHash();
  const genes: Float32Array = await sim.genes();
  const speed = sim.geneNames.indexOf('speed');
  console.log(`tick ${sim.tick}: ${sim.population} creatures, hash ${hash}, first speed ${genes[speed]}`);
  const stats = await sim.stats();
  const snapshot: Uint8Array = await sim.save();
  sim.free();
  const again = await Simulation.load(snapshot);
  console.log(`resumed at tick ${again.tick}: ${await again.stateHash()}`);
  again.free();
  return stats;
}

headless().then((stats) => {
  for (const t of stats.tribes) console.log(`${t.name}: ${t.population}, mean speed ${t.genes['speed']?.mean}`);
});
