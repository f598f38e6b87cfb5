import { loadDataset } from '../../models/data/dataset';
import { sharedPaths } from '../../models/paths';

/**
 * Test-split movies labelled Others (crime thrillers: Double Indemnity, No Way Out, I Confess) whose plot
 * alone the committed models rank Others first; several, so that a retrained model that moves one still
 * leaves a real Others answer to test with.
 */
const CANDIDATES = [996, 10083, 30159];

/** A real plot from ../shared that the Worker at `workerUrl` ranks Others first, read alone. */
export async function othersPlot(workerUrl: string): Promise<{ title: string; plot: string }> {
  const movies = (await loadDataset(sharedPaths().dataset)).filter((m) => CANDIDATES.includes(m.tmdbId));
  const tops: string[] = [];
  for (const movie of movies) {
    const res = await fetch(`${workerUrl}/predict`, { method: 'POST', body: new URLSearchParams({ plot: movie.overview }) });
    const top = ((await res.json()) as { top: { genre: string } }).top.genre;
    if (top === 'Others') return { title: movie.title, plot: movie.overview };
    tops.push(`${movie.title}: ${top}`);
  }
  throw new Error(`none of the candidate plots is ranked Others any more (${tops.join(', ')}): pick others from the test split`);
}
