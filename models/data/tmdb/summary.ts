import { GENRES, type Genre } from '../../../src/shared/labels';

/** Why a /discover result did not become a manifest row. */
export const SKIP_REASONS = [
  'already_in_manifest',
  'duplicate',
  'no_overview',
  'no_poster',
  'no_genres',
  'over_cap',
  'broken_image',
  'poster_unavailable',
] as const;

export type SkipReason = (typeof SKIP_REASONS)[number];

export interface CollectSummary {
  outDir: string;
  /** Stopped by Ctrl-C (or the caller's signal); everything kept so far is on disk. */
  interrupted: boolean;
  /** Rows found in DIR/manifest.csv at the start. */
  resumedRows: number;
  newRows: number;
  totalRows: number;
  pagesFetched: number;
  postersDownloaded: number;
  /** Posters already on disk from an interrupted run, used without downloading. */
  postersReused: number;
  skipped: Record<SkipReason, number>;
  /** All rows of the manifest, earlier runs included. */
  perLabel: Record<Genre, number>;
}

export function emptySummary(outDir: string): CollectSummary {
  return {
    outDir,
    interrupted: false,
    resumedRows: 0,
    newRows: 0,
    totalRows: 0,
    pagesFetched: 0,
    postersDownloaded: 0,
    postersReused: 0,
    skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
    perLabel: Object.fromEntries(GENRES.map((g) => [g, 0])) as Record<Genre, number>,
  };
}

export function formatSummary(s: CollectSummary): string {
  const skippedTotal = SKIP_REASONS.reduce((n, r) => n + s.skipped[r], 0);
  return [
    `${s.interrupted ? 'Interrupted' : 'Done'}: ${s.outDir}/manifest.csv has ${s.totalRows} movies (${s.newRows} new, ${s.resumedRows} from an earlier run)`,
    `  pages fetched: ${s.pagesFetched}; posters downloaded: ${s.postersDownloaded}, reused from disk: ${s.postersReused}`,
    `  skipped: ${skippedTotal}${skippedTotal ? ` (${SKIP_REASONS.filter((r) => s.skipped[r]).map((r) => `${r} ${s.skipped[r]}`).join(', ')})` : ''}`,
    `  per label: ${GENRES.map((g) => `${g} ${s.perLabel[g]}`).join(', ')}`,
    ...(s.interrupted ? ['  Run the same command again to resume.'] : []),
  ].join('\n');
}
