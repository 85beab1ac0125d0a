/**
 * What the players of one sample are, in the terms pictures and reports need. Every estimate of
 * a sample carries one, so a report can draw a heat map over a grid, arcs over words, edges
 * between region centroids or a table of attributes without knowing the adapter.
 */
export type PlayersDescriptor =
  GridPlayers | FeatureMapPlayers | WordPlayers | RegionPlayers | AttributePlayers | GenericPlayers;

/** Patches of an image on a `rows × cols` grid (player `r·cols + c`). */
export interface GridPlayers {
  readonly kind: 'grid';
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  /** Image size in pixels the grid covers. */
  readonly height: number;
  readonly width: number;
  /** Players that are a subset of the grid cells (AND-OR central patches); default all cells. */
  readonly cells?: readonly number[];
}

/** Cells of an intermediate feature map on a `rows × cols` grid. */
export interface FeatureMapPlayers {
  readonly kind: 'feature-map';
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  readonly tensor: string;
  readonly height: number;
  readonly width: number;
  /** Players that are a subset of the cells (the two-phase paper's random central cells); default all cells. */
  readonly cells?: readonly number[];
}

/** Words of a sentence; each player is one word, all its word-pieces together. */
export interface WordPlayers {
  readonly kind: 'words';
  readonly n: number;
  readonly text: string;
  /** The word of each player. */
  readonly words: readonly string[];
  /** `[start, end)` token positions of each player in the model input. */
  readonly tokenSpans: ReadonlyArray<readonly [number, number]>;
  /** All tokens of the input (for pictures), optional. */
  readonly tokens?: readonly string[];
}

/** Regions of a point cloud. */
export interface RegionPlayers {
  readonly kind: 'regions';
  readonly n: number;
  /** Centroid `[x, y, z]` of each player's region. */
  readonly centroids: ReadonlyArray<readonly [number, number, number]>;
  /** Indices of the points of each player's region. */
  readonly pointIndices: ReadonlyArray<readonly number[]>;
  /**
   * Shared regions (point clouds' `--anchors`): the anchor `[x, y, z]` of each player, the same on
   * every cloud; a point belongs to the region of its nearest anchor. Absent: each cloud has its
   * own regions, so player `i` of two clouds is not the same player.
   */
  readonly anchors?: ReadonlyArray<readonly [number, number, number]>;
}

/** Attributes (columns) of a table row. */
export interface AttributePlayers {
  readonly kind: 'attributes';
  readonly n: number;
  readonly names: readonly string[];
  /** Raw or preprocessed values of the row, per player, for reports. */
  readonly values?: readonly number[];
}

/** Players with no geometry (game files). */
export interface GenericPlayers {
  readonly kind: 'generic';
  readonly n: number;
  readonly names?: readonly string[];
}
